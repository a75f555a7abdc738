"""Static GeoJSON of regions and comunas that the dashboard's maps fetch once from the browser.

Why a static file: sending geometry inside a callback cost ~400 ms per interaction
(architecture.md, "Performance by design"). The maps load `/assets/geo/*.json` once, the browser
caches it, and callbacks send only values. `go.Choroplethmap` with `map_style="white-bg"` draws
these boundaries with no tile server, so the maps work offline.

How the IDE Chile DPA 2023 comunas (from `loaders.geography.read_comunas`) are generalised:

- **Islets first.** The source has ~43,600 polygon parts, most of them rocks of a few hundred m²
  in the southern archipelagos. Parts under `min_part_km2` are dropped (1 km² for comunas, 20 km²
  for regions: below a pixel at the zoom each map is read), but each comuna keeps its largest part,
  so Isla de Pascua and Juan Fernández stay. Area is approximated in km² from degrees with
  cos(latitude), enough to rank parts against a threshold without a projection.
- **Clean the coverage.** The source comunas were simplified one by one, so neighbours overlap
  and leave slivers (335 of 345 comunas have mismatched edges). `shapely.coverage_clean`
  (GEOS 3.14) resolves overlaps and fills enclosed gaps narrower than `GAP_WIDTH` (0.01°, ~1 km;
  every enclosed gap measured was an inland sliver, the widest ~0.004°), so shared borders are
  identical vertex by vertex.
- **Snap to the output grid, then simplify as a coverage.** Coordinates are rounded first and the
  few polygons that rounding breaks are repaired (make_valid + coverage_clean with a one-cell
  snapping distance, repeated until the rounded coverage is valid). `shapely.coverage_simplify`
  (Visvalingam-Whyatt on shared edges) then only removes vertices, so its output stays on the
  grid and stays a valid coverage: neighbours never part or overlap, which simplifying each
  polygon alone cannot promise. Regions are dissolved from the cleaned comunas with
  `coverage_union_all` and simplified on their own, coarser.
- **Tolerances and rounding, by measurement.** The source is already coarse (cleaning alone moves
  borders ~0.005° at the median), so comunas use 0.003° (~300 m; 0.002 to 0.005 changed the file
  only from 1.13 to 1.03 MB) and 4 decimals (~11 m, far below the simplification error, while 3
  decimals would move vertices by as much as the tolerance). Regions are read on a whole-country
  map (~0.05° per pixel), so 0.025° and 3 decimals (~110 m): ~150 KB against ~380 KB at 0.01°.
- Features carry `id` = CUT code (Plotly's default `featureidkey`), rings follow RFC 7946
  (exterior counter-clockwise), JSON is compact UTF-8. Each file records `GEOMETRY_VERSION`, so a
  change of method here rebuilds the files once (`ensure_web_geometry`), never per request.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from loaders.geography import REGION_ORDER, REGION_SHORT_NAMES, dpa_path, read_comunas

log = logging.getLogger(__name__)

# Bump when the method or parameters change: files written by another version are rebuilt.
GEOMETRY_VERSION = 1
DEFAULT_OUT_DIR = Path(__file__).parents[1] / "assets" / "geo"
GAP_WIDTH = 0.01  # degrees; enclosed gaps narrower than this are slivers, not territory
SOURCE = "IDE Chile, División Político Administrativa 2023"
_MAX_SNAP_ROUNDS = 5
_KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Level:
    """How one map layer is generalised."""

    file_name: str
    min_part_km2: float
    tolerance: float  # degrees, Visvalingam-Whyatt: ~ square root of the removed triangle's area
    decimals: int


COMUNAS = Level("comunas.json", min_part_km2=1.0, tolerance=0.003, decimals=4)
REGIONES = Level("regiones.json", min_part_km2=20.0, tolerance=0.025, decimals=3)
FILE_NAMES = (REGIONES.file_name, COMUNAS.file_name)


def _approx_km2(polygons: np.ndarray) -> np.ndarray:
    lat = shapely.get_y(shapely.centroid(polygons))
    return shapely.area(polygons) * np.cos(np.radians(lat)) * _KM_PER_DEGREE**2


def drop_islets(geom: shapely.Geometry, min_km2: float) -> shapely.Geometry:
    """Drop parts smaller than `min_km2`, always keeping the largest part."""
    parts = shapely.get_parts(geom)
    areas = _approx_km2(parts)
    keep = parts[(areas >= min_km2) | (areas == areas.max())]
    return keep[0] if len(keep) == 1 else shapely.multipolygons(keep)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a make_valid result (which may add stray lines or points)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(shapely.get_parts(geom))  # collection -> multi -> single
    polygons = parts[shapely.get_type_id(parts) == 3]
    return polygons[0] if len(polygons) == 1 else shapely.multipolygons(polygons)


def make_valid_polygons(geoms: np.ndarray) -> np.ndarray:
    """Repair only the invalid geometries, keeping them polygonal."""
    out = geoms.copy()
    broken = ~shapely.is_valid(out)
    out[broken] = [_polygonal(g) for g in shapely.make_valid(out[broken])]
    return out


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def snap_coverage(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round a coverage to a grid and repair it until it is a valid coverage on that grid."""
    for _ in range(_MAX_SNAP_ROUNDS):
        rounded = round_coordinates(geoms, decimals)
        if shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded):
            return rounded
        repaired = make_valid_polygons(rounded)
        geoms = shapely.coverage_clean(repaired, snapping_distance=10.0**-decimals)
    raise RuntimeError(f"Coverage did not settle on a {decimals}-decimal grid")


def generalise(geoms: np.ndarray, level: Level) -> np.ndarray:
    """Islets out, grid snap, coverage simplification, RFC 7946 ring orientation."""
    kept = np.array([drop_islets(g, level.min_part_km2) for g in geoms])
    simplified = shapely.coverage_simplify(snap_coverage(kept, level.decimals), level.tolerance)
    if shapely.is_empty(simplified).any():
        raise RuntimeError(f"{level.file_name}: a territory lost its geometry")
    return shapely.orient_polygons(simplified, exterior_cw=False)


def _feature_collection(codes, names, region_codes, geoms, decimals: int) -> bytes:
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"codigo": code, "nombre": name, "codigo_region": region},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }
        for code, name, region, geom in zip(
            codes, names, region_codes, round_coordinates(geoms, decimals), strict=True
        )
    ]
    collection = {
        "type": "FeatureCollection",
        "version": GEOMETRY_VERSION,
        "source": SOURCE,
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write then rename, so a server reading the asset never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a web server may run as another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_payloads() -> dict[str, bytes]:
    """The two GeoJSON documents, by file name (no file is written)."""
    comunas = read_comunas()
    order = {code: i for i, code in enumerate(REGION_ORDER)}
    comunas = comunas.assign(_o=comunas["codigo_region"].map(order))
    comunas = comunas.sort_values(["_o", "codigo"]).reset_index(drop=True)
    geoms = make_valid_polygons(comunas.geometry.to_numpy())
    geoms = np.array([drop_islets(g, COMUNAS.min_part_km2) for g in geoms])
    clean = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)
    region_codes = comunas["codigo_region"].to_numpy()
    regions = np.array([shapely.coverage_union_all(clean[region_codes == r]) for r in REGION_ORDER])
    return {
        REGIONES.file_name: _feature_collection(
            REGION_ORDER,
            [REGION_SHORT_NAMES[r] for r in REGION_ORDER],
            REGION_ORDER,
            generalise(regions, REGIONES),
            REGIONES.decimals,
        ),
        COMUNAS.file_name: _feature_collection(
            comunas["codigo"],
            comunas["nombre"],
            region_codes,
            generalise(clean, COMUNAS),
            COMUNAS.decimals,
        ),
    }


def build_web_geometry(out_dir: Path | None = None) -> dict[str, int]:
    """Write regiones.json and comunas.json; return their sizes in bytes by file name."""
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    payloads = build_payloads()
    for name, data in payloads.items():
        _write_atomic(out / name, data)
    log.info("Web geometry built in %.1f s into %s", time.perf_counter() - started, out)
    return {name: len(data) for name, data in payloads.items()}


def file_version(path: Path) -> int | None:
    """The GEOMETRY_VERSION a file was written with (read from its first bytes), or None."""
    with path.open("rb") as handle:
        head = handle.read(200)
    found = re.search(rb'"version":(\d+)', head)
    return int(found.group(1)) if found else None


def is_up_to_date(out_dir: Path | None = None) -> bool:
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT_DIR
    source_mtime = dpa_path().stat().st_mtime
    for name in FILE_NAMES:
        path = out / name
        if not path.is_file() or path.stat().st_mtime < source_mtime:
            return False
        if file_version(path) != GEOMETRY_VERSION:
            return False
    return True


def ensure_web_geometry(out_dir: Path | None = None) -> bool:
    """Build the files if missing, older than the DPA source or of another version.

    Meant for install or first run, never per request. Returns True if it built.
    """
    if is_up_to_date(out_dir):
        return False
    build_web_geometry(out_dir)
    return True


def geometry_sizes(out_dir: Path | None = None) -> dict[str, int]:
    """Raw and gzip sizes in bytes: keys 'regiones.json' and 'regiones.json.gz', etc.

    Raises FileNotFoundError when a file has not been built yet.
    """
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT_DIR
    sizes: dict[str, int] = {}
    for name in FILE_NAMES:
        data = (out / name).read_bytes()
        sizes[name] = len(data)
        sizes[f"{name}.gz"] = len(gzip.compress(data, compresslevel=6))
    return sizes
