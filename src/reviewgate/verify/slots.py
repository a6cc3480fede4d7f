"""One worktree per worker, reused for every fix that worker runs.

Adding and removing a worktree costs git processes and the repository's
worktree lock, and with a fast test that was most of a fix's time. So a verify
run keeps at most one worktree per parallel job: a job leases a free one (or
adds one when none is free), runs red and green in it, and hands it back. The
next fix's red checkout cleans it first (`git clean -ffdx`, then `read-tree -u
--reset`), exactly as green's checkout cleans what red left, so nothing of one
fix's runs (bytecode, build output, files in ignored directories, a changed
tracked file) reaches the next.

A worktree that a job leaves unusable (a test deleted it or its `.git` link, a
checkout failed, the job raised) is removed at once and never leased again. The
rest stay registered in worktree.py's registry until the run ends, when
engine._shutdown removes them (on success, error, Ctrl-C and SIGTERM alike);
their owner records let stale.py remove them after a SIGKILL.

Nothing in a worktree tells git which fix it holds: its HEAD stays at the
commit it was added at. The test command never sees it (worktree.repository_hidden
hides the repository while it runs), and clean and read-tree read the index only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewgate.verify.worktree import add_worktree, checkout_tree, remove_added, without_filters


class Slot:
    """A worktree of this run and what its checkouts need."""

    def __init__(self, holder: str, path: Path) -> None:
        self.holder = holder
        self.path = path
        self.fresh = True  # nothing checked out yet: nothing to clean
        # The repository's filter drivers, read once (one git process) for every
        # checkout here: only the user's configuration defines them, not a tree.
        self._env: dict[str, str] | None = None

    def checkout(self, tree: str) -> None:
        """Make the worktree's files exactly `tree`, whatever ran here before."""
        if self._env is None:
            self._env = without_filters(str(self.path))
        checkout_tree(self.path, tree, clean=not self.fresh, env=self._env)
        self.fresh = False

    def usable(self) -> bool:
        """Whether the next job may have it: the worktree and its `.git` link are
        still there (a test may delete either)."""
        return os.path.isfile(self.path / ".git")


class Worktrees:
    """The worktrees of one verify run, leased to one job at a time."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self._free: list[Slot] = []
        self._lock = threading.Lock()

    @contextmanager
    def lease(self, commit: str) -> Iterator[Slot]:
        """A worktree for one job: a free one, or a new one detached at `commit`."""
        with self._lock:
            slot = self._free.pop() if self._free else None
        if slot is None:
            slot = Slot(*add_worktree(self.git_dir, commit))
        handed_back = False
        try:
            yield slot
            if slot.usable():
                with self._lock:
                    self._free.append(slot)
                handed_back = True
        finally:
            if not handed_back:
                remove_added(slot.holder)
