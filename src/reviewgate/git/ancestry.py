"""Which commits of a range reach which, from the range's own parent links.

A merge's sign-off covers M^1..M, and `Signoff-range: BASE..TIP` covers
BASE..TIP: both are "reachable from these, not from those". Walking every
ancestor of both ends for each merge costs the whole history each time: 20,000
commits with a signed merge every six took minutes. This walk goes down by
generation (a commit's is one more than its highest parent's), marks what each
side reaches, and stops as soon as no commit reached only from the wanted side is
left to look at, which for a topic branch is just below its base.

Only the keys of `parents` are commits of the range; a parent outside it (below
the range, or missing from a shallow clone) is never walked, as with git log's
own view of the range.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

_WANTED, _EXCLUDED = 1, 2


class Ancestry:
    def __init__(self, parents: Mapping[str, Sequence[str]]) -> None:
        self._parents = parents
        self._generation: dict[str, int] | None = None

    def only_from(self, tips: Iterable[str], excluded: Iterable[str]) -> set[str]:
        """The commits reachable from `tips` (themselves included) and not from any
        of `excluded`: `git rev-list TIPS --not EXCLUDED` within the range."""
        parents = self._parents
        generation = self._generations()
        marks: dict[str, int] = {}
        queue: list[tuple[int, str]] = []
        wanted_only = 0  # commits queued whose mark is _WANTED alone

        def mark(sha: str, side: int) -> None:
            nonlocal wanted_only
            if sha not in parents:
                return
            old = marks.get(sha, 0)
            new = old | side
            if new == old:
                return
            if old == 0:
                heapq.heappush(queue, (-generation[sha], sha))
            if new == _WANTED:
                wanted_only += 1
            elif old == _WANTED:
                wanted_only -= 1
            marks[sha] = new

        for sha in excluded:
            mark(sha, _EXCLUDED)
        for sha in tips:
            mark(sha, _WANTED)
        found: set[str] = set()
        # Every child of a commit has a higher generation, so a commit's mark is
        # final when it leaves the queue.
        while wanted_only:
            _, sha = heapq.heappop(queue)
            side = marks[sha]
            if side == _WANTED:
                wanted_only -= 1
                found.add(sha)
            for parent in parents[sha]:
                mark(parent, side)
        return found

    def reaches(self, descendant: str, ancestor: str) -> bool:
        """Whether `ancestor` is `descendant` or one of its ancestors in the range."""
        parents = self._parents
        if ancestor not in parents or descendant not in parents:
            return False
        generation = self._generations()
        floor = generation[ancestor]
        seen: set[str] = set()
        pending = [descendant]
        while pending:
            sha = pending.pop()
            if sha == ancestor:
                return True
            if sha in seen or sha not in parents or generation[sha] <= floor:
                continue  # a commit no higher than the ancestor cannot lead to it
            seen.add(sha)
            pending.extend(parents[sha])
        return False

    def _generations(self) -> dict[str, int]:
        if self._generation is None:
            self._generation = generations(self._parents)
        return self._generation


def generations(parents: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """1 for a commit with no parent in the range, else one more than its highest
    parent's. Iterative: a history is deeper than Python's recursion limit."""
    generation: dict[str, int] = {}
    for start in parents:
        if start in generation:
            continue
        stack = [start]
        while stack:
            sha = stack[-1]
            if sha in generation:
                stack.pop()
                continue
            inside = [p for p in parents[sha] if p in parents]
            waiting = [p for p in inside if p not in generation]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            generation[sha] = 1 + max((generation[p] for p in inside), default=0)
    return generation
