"""The package layout (docs/architecture.md): no import cycle, no benchmark code in production
packages, and a `dashboard/` root that holds only its entry points."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import grimp

import dashboard


def test_demo_modules_do_not_import_each_other() -> None:
    graph = grimp.build_graph("loaders", cache_dir=None)
    chain = graph.find_shortest_chain(
        importer="loaders.demo.accounts", imported="loaders.demo.build"
    )
    assert chain is None, f"loaders.demo.accounts imports loaders.demo.build via {chain}"


def test_benchmark_queries_live_in_benchmarks() -> None:
    assert importlib.util.find_spec("warehouse.bench_queries") is None
    assert importlib.util.find_spec("benchmarks.queries") is not None


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycle_anywhere() -> None:
    graph = grimp.build_graph(
        "dashboard", "indicators", "loaders", "warehouse", "benchmarks", cache_dir=None
    )
    assert _cycles(graph) == []


def test_the_dashboard_root_holds_only_its_entry_points() -> None:
    root = Path(dashboard.__file__).parent
    assert sorted(p.name for p in root.glob("*.py")) == ["__init__.py", "accounts.py"]
    assert not list(root.rglob("meta_*.py"))
