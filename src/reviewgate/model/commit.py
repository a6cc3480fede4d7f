"""The Commit record: what reviewgate knows about one commit."""

from __future__ import annotations

from functools import lru_cache

from reviewgate.model.record import field, record


@record
class Person:
    name: str
    email: str
    date: str = ""  # strict ISO 8601, as git's %aI / %cI

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@record
class ChangedPath:
    """One entry of `git diff --name-status`: status letter, path and, for renames
    and copies, the path it came from."""

    status: str  # A, M, D, R, C, T, U, X
    path: str
    old_path: str | None = None
    score: int | None = None  # similarity for R and C


@record
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str
    trailers: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None
    changes: tuple[ChangedPath, ...] | None = None  # None: paths were not read
    # A message being written (commit-msg hook) has no sha yet.
    pending: bool = field(default=False, compare=False)

    @property
    def short_sha(self) -> str:
        return self.sha[:10] if self.sha else "(new)"

    @property
    def subject(self) -> str:
        # Asked of every commit by several rules: cut the first line without
        # copying the rest of the message.
        end = self.message.find("\n")
        return (self.message if end == -1 else self.message[:end]).strip()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def is_root(self) -> bool:
        return not self.parents and not self.pending

    def trailer_values(self, *keys: str) -> list[str]:
        """Values of the trailers whose key is one of `keys`, compared without case."""
        if not self.trailers:
            return []
        wanted = _lowered(keys)
        return [value for key, value in self.trailers if key.lower() in wanted]


@lru_cache(maxsize=64)
def _lowered(keys: tuple[str, ...]) -> frozenset[str]:
    # Asked with the same few keys of every commit of a range.
    return frozenset(key.lower() for key in keys)
