"""No import cycles in reviewgate, imports inside functions included.

import-linter's contracts (pyproject.toml) keep the layers apart; this keeps each
package's own modules from importing each other in a ring. Imports for type hints
only (`if TYPE_CHECKING:`) do not run, so they do not count."""

from __future__ import annotations

import grimp


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the rings of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    rings: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    ring = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        ring.append(member)
                        if member == node:
                            break
                    if len(ring) > 1:
                        rings.append(sorted(ring))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return rings


def test_the_finder_sees_a_ring() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_reviewgate_has_no_import_cycle() -> None:
    graph = grimp.build_graph(
        "reviewgate", include_external_packages=False, exclude_type_checking_imports=True
    )
    modules = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert len(modules) > 50
    assert strongly_connected(modules) == []
