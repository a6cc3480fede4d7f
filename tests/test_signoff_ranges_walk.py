"""signoff.ranges.cover: all Signoff-range statements in one walk, the same
answer as walking each BASE..TIP on its own (git.ancestry, as before)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewgate.git.ancestry import Ancestry
from reviewgate.signoff.ranges import cover


def one_at_a_time(parents: dict[str, tuple[str, ...]],
                  statements: list[tuple[str, str, str]]) -> dict[str, set[str]]:
    ancestry = Ancestry(parents)
    covered: dict[str, set[str]] = {}
    for carrier, base, tip in statements:
        if not ancestry.reaches(carrier, tip):
            continue
        members = ancestry.only_from([tip], [base]) - {carrier}
        if members:
            covered.setdefault(carrier, set()).update(members)
    return covered


@st.composite
def graphs(draw: st.DrawFn) -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str, str]]]:
    size = draw(st.integers(1, 14))
    names = [f"c{i}" for i in range(size)]
    parents: dict[str, tuple[str, ...]] = {}
    for i, name in enumerate(names):
        # Parents come earlier; "below" stands for a parent outside the range.
        pool = [*names[:i], "below"]
        parents[name] = tuple(draw(st.lists(st.sampled_from(pool), max_size=2, unique=True)))
    ends = st.sampled_from([*names, "below", "elsewhere"])
    statements = draw(st.lists(st.tuples(st.sampled_from(names), ends, ends), max_size=8))
    return parents, statements


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_one_walk_covers_what_each_walk_covered(case) -> None:
    parents, statements = case
    expected = {k: v for k, v in one_at_a_time(parents, statements).items() if v}
    assert {k: v for k, v in cover(parents, statements).items() if v} == expected


def test_thousands_of_statements_are_one_walk() -> None:
    chain = {f"c{i}": ((f"c{i - 1}",) if i else ()) for i in range(3000)}
    statements = [("c2999", f"c{i}", f"c{i + 1}") for i in range(2998)]
    covered = cover(chain, statements)
    # each statement covers its one tip; the carrier covers all of them
    assert covered == {"c2999": {f"c{i}" for i in range(1, 2999)}}
