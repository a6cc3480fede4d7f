"""Answers kept for the length of a run, keyed by object identity.

Several rules ask the same question of every commit of a range (which tools it
shows, whether it is a fix). Hashing a whole Commit record to look the answer up
would cost about what the answer does, so entries are keyed by `id()`. Each entry
holds the objects themselves, so an id cannot be reused while its entry lives.
Bounded: a long-lived process does not grow without end.
"""

from __future__ import annotations

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class IdentityMemo:
    def __init__(self, limit: int = 100_000) -> None:
        self._entries: dict[int, tuple[object, object, object]] = {}
        self._limit = limit

    def get(self, subject: object, context: object, compute: Callable[[], object]) -> object:
        """The answer for `subject` under `context` (both compared by identity),
        computed by `compute` the first time."""
        known = self._entries.get(id(subject))
        if known is not None and known[0] is subject and known[1] is context:
            return known[2]
        answer = compute()
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[id(subject)] = (subject, context, answer)
        return answer


_MISSING = object()


class ContentMemo:
    """Answers keyed by value: the parts of a commit that a question reads.

    A long range repeats the same identities and trailers thousands of times, and a
    question that reads only those has one answer for all of them. The memo holds
    the answers of one context (a policy) at a time: a new context clears it."""

    def __init__(self, limit: int = 50_000) -> None:
        self._entries: dict[object, object] = {}
        self._context: object = None
        self._limit = limit

    def get(self, key: object, context: object, compute: Callable[[], object]) -> object:
        if context is not self._context:
            self._entries.clear()
            self._context = context
        answer = self._entries.get(key, _MISSING)
        if answer is _MISSING:
            answer = compute()
            if len(self._entries) >= self._limit:
                self._entries.clear()
            self._entries[key] = answer
        return answer
