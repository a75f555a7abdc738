"""The static map geometry: complete, valid, gap-free, small, rounded, and built only when stale."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely

from loaders import web_geometry as wg
from loaders.geography import REGION_ORDER, REGION_SHORT_NAMES, dpa_path, read_comunas

ISLAND_COMUNAS = ("05201", "05104")  # Isla de Pascua, Juan Fernández
SIZE_TARGETS = {"regiones.json": 200_000, "comunas.json": 1_500_000}
DECIMALS = {"regiones.json": wg.REGIONES.decimals, "comunas.json": wg.COMUNAS.decimals}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("geo")
    return out, wg.build_web_geometry(out)


def _load(out: Path, name: str) -> dict:
    return json.loads((out / name).read_text(encoding="utf-8"))


def _geometries(collection: dict) -> np.ndarray:
    return np.array(
        [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    )


def test_regions_are_the_sixteen_with_short_names(built):
    features = _load(built[0], "regiones.json")["features"]
    assert [f["id"] for f in features] == list(REGION_ORDER)
    for f in features:
        assert f["properties"] == {
            "codigo": f["id"],
            "nombre": REGION_SHORT_NAMES[f["id"]],
            "codigo_region": f["id"],
        }


def test_every_comuna_is_present_once_with_its_codes(built):
    features = _load(built[0], "comunas.json")["features"]
    source = read_comunas().set_index("codigo")
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == 345
    assert set(ids) == set(source.index)
    for f in features:
        row = source.loc[f["id"]]
        assert f["properties"] == {
            "codigo": f["id"],
            "nombre": row["nombre"],
            "codigo_region": row["codigo_region"],
        }


def test_island_and_far_south_comunas_keep_their_land(built):
    collection = _load(built[0], "comunas.json")
    by_id = dict(
        zip([f["id"] for f in collection["features"]], _geometries(collection), strict=True)
    )
    source = read_comunas().set_index("codigo").geometry
    for code in (*ISLAND_COMUNAS, "12201"):  # 12201 Cabo de Hornos
        geom = by_id[code]
        assert not geom.is_empty
        # The simplified comuna still sits on its island, not somewhere else.
        assert geom.representative_point().distance(source[code]) < 0.01
    assert by_id["05201"].bounds[0] < -109  # Rapa Nui, 3,700 km off the coast


@pytest.mark.parametrize("name", ["regiones.json", "comunas.json"])
def test_geometries_are_valid_and_form_a_coverage(built, name):
    geoms = _geometries(_load(built[0], name))
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    # Neighbours share identical borders: no overlaps, no mismatched edges.
    assert shapely.coverage_is_valid(geoms)


def _gaps_between(geoms: np.ndarray) -> list[shapely.Polygon]:
    """Enclosed holes of the union that lie inside no single polygon (not a lake of one comuna)."""
    union = shapely.coverage_union_all(geoms)
    holes = np.array(
        [
            shapely.Polygon(shapely.get_interior_ring(p, i))
            for p in shapely.get_parts(union)
            for i in range(shapely.get_num_interior_rings(p))
        ]
    )
    filled = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(geoms)))
    inside_one = np.zeros(len(holes), dtype=bool)
    hole_index, _ = shapely.STRtree(filled).query(holes, predicate="covered_by")
    inside_one[hole_index] = True
    return list(holes[~inside_one])


def test_no_slivers_between_comunas(built):
    """The source leaves ~2,000 enclosed gaps between comunas; at most a speck is left."""
    gaps = _gaps_between(_geometries(_load(built[0], "comunas.json")))
    assert len(gaps) <= 3
    assert sum(g.area for g in gaps) < 1e-4  # square degrees, ~1 km²


@pytest.mark.parametrize("name", ["regiones.json", "comunas.json"])
def test_coordinates_are_rounded(built, name):
    coords = shapely.get_coordinates(_geometries(_load(built[0], name)))
    assert (np.round(coords, DECIMALS[name]) == coords).all()
    assert np.isfinite(coords).all()
    text = (built[0] / name).read_text(encoding="utf-8")
    assert not re.search(rf"\d\.\d{{{DECIMALS[name] + 1},}}", text)
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    assert text == compact


def test_sizes_within_targets_and_reported(built):
    out, sizes = built
    assert set(sizes) == set(SIZE_TARGETS)
    for name, limit in SIZE_TARGETS.items():
        assert sizes[name] == (out / name).stat().st_size <= limit
    reported = wg.geometry_sizes(out)
    for name in SIZE_TARGETS:
        assert reported[name] == sizes[name]
        assert 0 < reported[f"{name}.gz"] < sizes[name]


def test_files_record_the_geometry_version(built):
    for name in SIZE_TARGETS:
        assert wg.file_version(built[0] / name) == wg.GEOMETRY_VERSION
        assert _load(built[0], name)["version"] == wg.GEOMETRY_VERSION


@pytest.fixture
def copy_of_built(built, tmp_path) -> Path:
    out = tmp_path / "geo"
    shutil.copytree(built[0], out)
    return out


@pytest.fixture
def build_calls(monkeypatch) -> list[Path]:
    """Record the decision to build without paying for a build."""
    calls: list[Path] = []
    monkeypatch.setattr(wg, "build_web_geometry", lambda out_dir=None: calls.append(out_dir))
    return calls


def test_ensure_does_not_rebuild_when_up_to_date(copy_of_built, build_calls):
    assert wg.ensure_web_geometry(copy_of_built) is False
    assert build_calls == []


def test_ensure_rebuilds_a_missing_file(copy_of_built):
    original = (copy_of_built / "comunas.json").read_bytes()
    (copy_of_built / "comunas.json").unlink()
    assert wg.ensure_web_geometry(copy_of_built) is True
    assert (copy_of_built / "comunas.json").read_bytes() == original  # deterministic build
    assert wg.ensure_web_geometry(copy_of_built) is False
    assert not list(copy_of_built.glob(".*"))  # no temporary files left behind


def test_ensure_rebuilds_files_older_than_the_source(copy_of_built, build_calls):
    old = dpa_path().stat().st_mtime - 3600
    os.utime(copy_of_built / "regiones.json", (old, old))
    assert wg.ensure_web_geometry(copy_of_built) is True
    assert build_calls == [copy_of_built]


def test_ensure_rebuilds_files_of_another_version(copy_of_built, build_calls, monkeypatch):
    monkeypatch.setattr(wg, "GEOMETRY_VERSION", wg.GEOMETRY_VERSION + 1)
    assert wg.ensure_web_geometry(copy_of_built) is True
    assert build_calls == [copy_of_built]


def test_geometry_sizes_needs_built_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        wg.geometry_sizes(tmp_path)
