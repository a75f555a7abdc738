"""`python -m benchmarks.public_site [--warehouse DB] [--users 200,1000,2000] [--seconds 45]`:
the public results served two ways on this machine, in the same run.

* The static site (`python -m dashboard.public export`) served by nginx, started here on
  loopback with a configuration of its own (Debian's `nginx`).
* The live `/publico` served by the dashboard (gunicorn, production settings).

For each: citizens with think time (locust, benchmarks/locust_public.py) at each number of
users, then the saturation rate without think time measured with `wrk` (Debian's `wrk`, in C:
locust on the same two cores cannot saturate a static server). wrk asks each server for the
same goal page: the static file, and the live page's content (the POST Dash's renderer sends
for it, which is where the live page's time goes). Prints a Markdown section for
benchmarks/RESULTS.md and writes it to --out.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks import dash_requests, load
from benchmarks.dataset import build
from dashboard.public.site.export import export
from warehouse import snapshots

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locust_public.py"
USERS = (200, 1000, 2000)
TARGET_USERS = 2000
TARGET_P95_MS = 100.0
TARGET_RATIO = 20.0
WRK_SECONDS = 20
WRK_CONNECTIONS = 64
NGINX_CONF = """
worker_processes 2;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx_error.log warn;
{user}
events {{ worker_connections 8192; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {work}/nginx_body;
    proxy_temp_path {work}/nginx_proxy;
    fastcgi_temp_path {work}/nginx_fastcgi;
    uwsgi_temp_path {work}/nginx_uwsgi;
    scgi_temp_path {work}/nginx_scgi;
    types {{ text/html html; text/css css; application/javascript js; application/json json;
            text/csv csv; image/svg+xml svg; font/woff2 woff2; font/woff woff; }}
    default_type application/octet-stream;
    charset utf-8;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        location / {{ index index.html; add_header Cache-Control "public, max-age=300"; }}
        location /static/ {{ add_header Cache-Control "public, max-age=86400"; }}
    }}
}}
"""


@dataclass(frozen=True)
class Saturation:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@contextlib.contextmanager
def nginx(site: Path, work: Path) -> Iterator[str]:
    """nginx serving `site` on a free loopback port, until the block ends."""
    port = load.free_port()
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the site's files
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, site=site, port=port, user=user))
    process = subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not _answers(url + "/index.html"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("nginx no partió: " + (work / "nginx_error.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        load.stop(process)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wrk(url: str, *extra: str) -> Saturation:
    """`wrk` for WRK_SECONDS with WRK_CONNECTIONS connections; its own summary parsed."""
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", *extra, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout):?\s+(\d+)", out))
    return Saturation(rps, _latency(out, "50%"), _latency(out, "99%"), errors)


def _latency(out: str, percent: str) -> float:
    found = re.search(rf"^\s+{percent}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if not found:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found[2]]
    return float(found[1]) * scale


def wrk_live(url: str, goal: str, work: Path) -> Saturation:
    """The live goal page's content, as the renderer asks for it, with a citizen's cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(url + "/publico", timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    body = json.dumps(dash_requests.page_request(f"/publico/meta/{goal}"))
    script = work / "pagina.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    token = cookies.get("_csrf_token", "")
    return wrk(
        url + dash_requests.UPDATE_PATH,
        "-s", str(script), "-H", f"Cookie: {cookie}", "-H", f"X-CSRFToken: {token}",
    )  # fmt: skip


def run(db: Path, work: Path, users: tuple[int, ...], seconds: int) -> str:
    snapshots.ensure_published(db)
    site = work / "sitio"
    exported = export(db, site)
    catalog = load.write_catalog(db, work / "catalogo.json")
    goal = json.loads(catalog.read_text())["goals"][0]
    with nginx(site, work) as url:
        static = [_citizens(url, n, seconds, work, catalog, "StaticCitizen") for n in users]
        static_max = wrk(f"{url}/meta/{goal}/index.html")
    with load.serving(db, work / "gunicorn.log") as server:
        load.wait_idle(server)
        live = [_citizens(server.url, n, seconds, work, catalog, "Citizen") for n in users]
        load.wait_idle(server)
        live_max = wrk_live(server.url, goal, work)
    return report(exported.files, users, seconds, static, live, static_max, live_max, goal)


def _citizens(url: str, users: int, seconds: int, work: Path, catalog: Path, who: str):
    return load.run_locust(
        url, users, load.THINK, seconds, work, catalog, people=(who,), locustfile=LOCUSTFILE
    )


def report(files, users, seconds, static, live, static_max, live_max, goal) -> str:
    lines = [
        "## Sitio público: estático (nginx) frente al tablero en vivo",
        "",
        f"`python -m benchmarks.public_site`, {datetime.now():%Y-%m-%d %H:%M}, carga de la máquina"
        f" {' / '.join(f'{x:.2f}' for x in os.getloadavg())}; sitio exportado de {files} archivos."
        f" Ciudadanos con pausa de 2–5 s, {seconds} s medidos por corrida (locust); saturación"
        f" sin pausa con wrk, {WRK_CONNECTIONS} conexiones, {WRK_SECONDS} s, la página de {goal}.",
        "",
        "| ciudadanos | estático: sol/s | estático: p95 | errores | en vivo: sol/s | en vivo: p95 |"
        " errores |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for count, s, v in zip(users, static, live, strict=True):
        lines.append(
            f"| {count:,} | {s.rps:,.1f} | {s.p95_ms:,.0f} ms | {s.failures} | {v.rps:,.1f} |"
            f" {v.p95_ms:,.0f} ms | {v.failures} |"
        )
    target = next((s for c, s in zip(users, static, strict=True) if c == TARGET_USERS), None)
    ratio = static_max.rps / live_max.rps if live_max.rps else float("inf")
    lines += [
        "",
        "| saturación (sin pausa) | sol/s | p50 | p99 | errores |",
        "| --- | --- | --- | --- | --- |",
        f"| estático (nginx) | {static_max.rps:,.0f} | {static_max.p50_ms:.1f} ms |"
        f" {static_max.p99_ms:.1f} ms | {static_max.errors} |",
        f"| en vivo (gunicorn) | {live_max.rps:,.1f} | {live_max.p50_ms:.0f} ms |"
        f" {live_max.p99_ms:.0f} ms | {live_max.errors} |",
        "",
        f"Metas: {TARGET_USERS:,} ciudadanos con p95 ≤ {TARGET_P95_MS:.0f} ms y sin errores en el"
        " sitio estático: "
        + (_verdict(target.p95_ms <= TARGET_P95_MS and target.failures == 0) if target else "—")
        + f"; saturación ≥ {TARGET_RATIO:.0f}× la del tablero: {ratio:,.0f}× "
        + _verdict(ratio >= TARGET_RATIO)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def _verdict(met: bool) -> str:
    return "**se cumple**" if met else "**no se cumple**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.public_site")
    parser.add_argument("--warehouse", type=Path, help="almacén ya construido (si no, la demo)")
    parser.add_argument("--rows", type=int, default=400_000, help="filas de la demo a construir")
    parser.add_argument("--users", default=",".join(map(str, USERS)))
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "work" / "sitio_publico.md")
    args = parser.parse_args(argv)
    for tool in ("nginx", "wrk"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            parser.error(f"falta {tool}: apt-get install nginx wrk")
    work = args.work or Path(tempfile.mkdtemp(prefix="sitio_publico_"))
    work.mkdir(parents=True, exist_ok=True)
    db = args.warehouse or build(work / "demo", args.rows).warehouse
    users = tuple(int(u) for u in args.users.split(",") if u.strip())
    section = run(Path(db), work.resolve(), users, args.seconds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(section, "utf-8")
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
