"""Reachability within a range's own graph, held to the plain definition (every
ancestor of each end, then a set difference) on random histories."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewgate.git.ancestry import Ancestry


def ancestors_within(start: str, parents: dict[str, tuple[str, ...]]) -> set[str]:
    """The plain definition: `start` and every ancestor among the keys of `parents`
    (the walk signoff_sources used before reviewgate.git.ancestry)."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        sha = pending.pop()
        if sha in seen or sha not in parents:
            continue
        seen.add(sha)
        pending.extend(parents[sha])
    return seen


@st.composite
def histories(draw: st.DrawFn) -> dict[str, tuple[str, ...]]:
    """Commits c0..cN, each with up to three parents among older commits or below
    the range (b0..b2, not keys: the parents git log excluded)."""
    size = draw(st.integers(1, 25))
    parents: dict[str, tuple[str, ...]] = {}
    for index in range(size):
        older = [f"c{i}" for i in range(index)] + ["b0", "b1", "b2"]
        chosen = draw(st.lists(st.sampled_from(older), max_size=3, unique=True))
        parents[f"c{index}"] = tuple(chosen)
    return parents


def plain_only_from(parents: dict[str, tuple[str, ...]], tips: list[str],
                    excluded: list[str]) -> set[str]:
    reached = set().union(*(ancestors_within(t, parents) for t in tips))
    return reached - set().union(*(ancestors_within(e, parents) for e in excluded))


@settings(max_examples=400, deadline=None)
@given(data=st.data(), parents=histories())
def test_only_from_is_the_difference_of_the_ancestor_sets(
    data: st.DataObject, parents: dict[str, tuple[str, ...]]
) -> None:
    names = [*parents, "b0", "b1", "missing"]
    tips = data.draw(st.lists(st.sampled_from(names), max_size=3))
    excluded = data.draw(st.lists(st.sampled_from(names), max_size=3))
    ancestry = Ancestry(parents)
    assert ancestry.only_from(tips, excluded) == plain_only_from(parents, tips, excluded)
    # Asked again of the same object (generations are kept): the same answer.
    assert ancestry.only_from(excluded, tips) == plain_only_from(parents, excluded, tips)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), parents=histories())
def test_reaches_is_membership_in_the_ancestor_set(
    data: st.DataObject, parents: dict[str, tuple[str, ...]]
) -> None:
    names = [*parents, "b0", "missing"]
    descendant = data.draw(st.sampled_from(names))
    ancestor = data.draw(st.sampled_from(names))
    expected = ancestor in ancestors_within(descendant, parents)
    assert Ancestry(parents).reaches(descendant, ancestor) == expected


def test_a_long_chain_needs_no_recursion() -> None:
    # Deeper than Python's recursion limit.
    parents = {f"c{i}": (f"c{i - 1}",) if i else () for i in range(5000)}
    ancestry = Ancestry(parents)
    assert ancestry.reaches("c4999", "c0")
    assert ancestry.only_from(["c4999"], ["c4990"]) == {f"c{i}" for i in range(4991, 5000)}
