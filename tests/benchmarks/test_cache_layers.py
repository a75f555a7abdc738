"""The cache-layer benchmark (benchmarks/cache_layers.py): one column per configuration, and a
configuration judged on every interaction target and the 200-person load target."""

from __future__ import annotations

import os

from benchmarks import cache_layers
from benchmarks.cache_layers import Measured
from benchmarks.interactions import Interaction
from benchmarks.load import LoadRun
from dashboard.server import cache


def interaction(ms: float) -> Interaction:
    return Interaction("valores_mapa", "Valores del mapa", 20, [ms] * 20, None, None)


def load_run(p95: float, failures: int = 0) -> LoadRun:
    return LoadRun(200, "2-5", 45, 6000, failures, 100.0, 20.0, p95)


def test_each_configuration_is_a_column_judged_on_every_target() -> None:
    on = Measured("", [interaction(10.0)], [load_run(40.0)], [12.0])
    slow = Measured("valores", [interaction(30.0)], [load_run(40.0)])
    queued = Measured("respuestas+archivos", [interaction(10.0)], [load_run(400.0)])
    failing = Measured("paginas", [interaction(10.0)], [load_run(40.0, failures=2)])
    assert on.targets_met and not slow.targets_met
    assert not queued.targets_met and not failing.targets_met
    text = cache_layers.markdown([on, slow, queued], 1000)
    assert "| todas las capas | sin valores | sin respuestas+archivos |" in text
    assert "| Valores del mapa: p95 (ms) | ≤ 20 | 10.0 | 30.0 | 10.0 |" in text
    assert "100.0 sol/s · p95 400 ms · 0 err." in text
    assert (
        "| CPU del servidor, 200 usuarios, pausa 2–5 s (ms por solicitud) | — | 2.0 | — | — |"
        in text
    )
    assert text.rstrip().endswith("| Metas | | todas cumplidas | ALGUNA NO | ALGUNA NO |")


def test_the_layers_switched_off_reach_the_server_through_one_setting(monkeypatch) -> None:
    seen = {}

    def fake_run(con, samples, today):
        seen["here"] = os.environ[cache.SWITCH]
        return [interaction(1.0)]

    def fake_load(db, users, seconds, work, switched):
        seen["server"] = switched
        return [load_run(10.0)], [3.0]

    monkeypatch.setattr(cache_layers.interactions, "run", fake_run)
    monkeypatch.setattr(cache_layers, "load_runs", fake_load)
    monkeypatch.setattr(cache_layers, "connect", lambda *a, **k: _Closing())
    monkeypatch.setenv(cache.SWITCH, "")
    result = cache_layers.measure("x.duckdb", "catalogos+valores", 2, 200, 5, _Path())
    assert seen == {"here": "catalogos,valores", "server": "catalogos,valores"}
    assert result.label == "sin catalogos+valores" and result.targets_met and result.cpu == [3.0]
    assert cache.switched_off() == {cache.CATALOGS, cache.VALUES}


class _Closing:
    def close(self) -> None:
        pass


class _Path:
    def __truediv__(self, other: str) -> str:
        return other
