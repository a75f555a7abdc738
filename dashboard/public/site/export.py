"""Write the whole public site into a folder that replaces the served one atomically.

`target` is a symbolic link to a folder named by the digest of its contents (`sitio.<hash>`):
the new folder is written beside it, whole, then the link is replaced in one `rename`, so a web
server following the link serves the old site or the new one, never half of each. The same data
give the same bytes and the same folder, so an export after a write that changed nothing public
(an account, a bottleneck, an unvalidated figure) changes nothing. The previous folder is kept
for readers still on it; older ones are removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import plotly

from dashboard.public import board_views
from dashboard.public.data import load_board, load_goal
from dashboard.public.open_data import DESCRIPTIONS, dictionary_rows, open_data_files
from dashboard.public.parts import GROUPS
from dashboard.public.site.addresses import DATA_INDEX
from dashboard.public.site.pages import board_page, data_page, goal_page
from dashboard.server.database import Database
from dashboard.server.settings import REPO_ROOT
from dashboard.server.vendor import bootstrap_dir
from warehouse.db import WarehouseError
from warehouse.scope import Scope

HERE = Path(__file__).resolve().parent
APP_STYLES = ("tablero.css", "meta.css")
KEEP = 2  # the folder served and the one before it


@dataclass(frozen=True)
class Exported:
    folder: Path  # the folder the link points to now
    files: int
    changed: bool  # False: the site already held these exact bytes


def site_files(db: Path) -> dict[str, bytes]:
    """Every file of the site (path inside it → bytes), read on a public-scope cursor."""
    database = Database(db)
    public = Scope.public()
    files: dict[str, bytes] = {}
    try:
        board = database.run(public, load_board)
        regions = [None, *(o["value"] for o in board_views.region_options(board))]
        for region in regions:
            for group in GROUPS:
                _add(files, board_page(board, region, group))
        for code in board.goals["codigo_meta"].astype(str):
            national = database.run(public, load_goal, code, None)
            if national is None:
                continue
            _add(files, goal_page(national))
            # Every region a page links to: the goal's breakdown, and the region boards' rows
            # (a regional goal's own region shows its headline, as the live page does).
            linked = board.by_region.loc[board.by_region["codigo_meta"] == code, "region"]
            for region in sorted({*national.regions["region"].astype(str), *linked.astype(str)}):
                regional = database.run(public, load_goal, code, region)
                if regional is not None:
                    _add(files, goal_page(regional, region))
        data = database.run(public, open_data_files)
    finally:
        database.close()
    for name, content in data.items():
        files[f"datos/{name}"] = content
    files[DATA_INDEX] = data_page(board, sorted(data), dictionary_rows(), DESCRIPTIONS).encode()
    files.update(static_files())
    return files


def _add(files: dict[str, bytes], page: tuple[str, str]) -> None:
    path, html = page
    files[path] = html.encode()


def static_files() -> dict[str, bytes]:
    """Bootstrap and its icons, the app's styles, Plotly's JS and the site's own script."""
    found: dict[str, bytes] = {}
    vendor = bootstrap_dir() / "css"
    for path in (vendor / "bootstrap.min.css", vendor / "bootstrap.min.css.map",
                 vendor / "font" / "bootstrap-icons.min.css",
                 *(vendor / "font" / "fonts").iterdir()):  # fmt: skip
        found[f"static/bootstrap/css/{path.relative_to(vendor).as_posix()}"] = path.read_bytes()
    for name in APP_STYLES:
        found[f"static/{name}"] = (REPO_ROOT / "assets" / name).read_bytes()
    found["static/plotly.min.js"] = (
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    ).read_bytes()
    for path in (HERE / "static").iterdir():
        found[f"static/{path.name}"] = path.read_bytes()
    return found


def digest(files: dict[str, bytes]) -> str:
    hashed = hashlib.sha256()
    for path in sorted(files):
        hashed.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return hashed.hexdigest()[:20]


def write_site(files: dict[str, bytes], target: Path) -> Exported:
    """Publish `files` at `target` (a link to a content-named folder), atomically."""
    target = Path(target).absolute()
    if target.exists() and not target.is_symlink():
        raise WarehouseError(
            "No se puede publicar el sitio ahí",
            f"{target} es una carpeta: indique una ruta nueva (el sitio se publica como un"
            " enlace a la carpeta de cada versión).",
        )
    folder = target.with_name(f"{target.name}.{digest(files)}")
    if target.is_symlink() and Path(os.readlink(target)).name == folder.name and folder.is_dir():
        return Exported(folder, len(files), changed=False)
    if not folder.is_dir():
        partial = target.with_name(f".{folder.name}.{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        for path, content in files.items():
            file = partial / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(content)
        os.replace(partial, folder)
    link = target.with_name(f".{target.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(folder.name)
    os.replace(link, target)
    _prune(target, folder)
    return Exported(folder, len(files), changed=True)


def _prune(target: Path, current: Path) -> None:
    """Remove the versions older than the one before `current` (by modification time)."""
    versions = sorted(_versions(target), key=lambda p: p.stat().st_mtime, reverse=True)
    keep = {current, *[v for v in versions if v != current][: KEEP - 1]}
    for old in versions:
        if old not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _versions(target: Path) -> Iterator[Path]:
    prefix = target.name + "."
    for path in target.parent.iterdir():
        if path.name.startswith(prefix) and path.is_dir() and not path.is_symlink():
            yield path


def export(db: Path, target: Path) -> Exported:
    return write_site(site_files(db), target)
