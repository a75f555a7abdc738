"""Import structure the issue-21 layout asks for: no import cycle in the demo builder, and no
benchmark code inside the production `warehouse` package."""

from __future__ import annotations

import importlib.util

import grimp


def test_demo_modules_do_not_import_each_other() -> None:
    graph = grimp.build_graph("loaders")
    chain = graph.find_shortest_chain(
        importer="loaders.demo.accounts", imported="loaders.demo.build"
    )
    assert chain is None, f"loaders.demo.accounts imports loaders.demo.build via {chain}"


def test_benchmark_queries_live_in_benchmarks() -> None:
    assert importlib.util.find_spec("warehouse.bench_queries") is None
    assert importlib.util.find_spec("benchmarks.queries") is not None
