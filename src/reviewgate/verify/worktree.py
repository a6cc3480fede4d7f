"""Temporary, detached `git worktree`s outside the user's tree, always removed.

The worktree starts empty (`--no-checkout`); `checkout_tree` then puts any tree in
it through the worktree's own index, so the user's index, working tree, HEAD,
refs and stash are never touched. Removal runs in a `finally` that survives a
second Ctrl-C, and falls back to deleting the directory and `git worktree prune`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewgate.errors import GitError

PREFIX = "reviewgate-verify-"
# Hooks of the user's repository (post-checkout …) have no business here.
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")
# git's worktree bookkeeping (.git/worktrees) is not safe against parallel jobs.
_ADMIN_LOCK = threading.Lock()


def _git(git_dir: str, *args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    where = ("-C", cwd) if cwd else ("--git-dir", git_dir)
    return subprocess.run(
        ["git", *_NO_HOOKS, *where, *args],
        capture_output=True, text=True, env=clean_git_env(),
    )


def clean_git_env() -> dict[str, str]:
    """The environment without the variables that would point git (or a test
    command that runs git) at the user's repository or index."""
    drop = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")
    return {k: v for k, v in os.environ.items() if k not in drop}


@contextmanager
def temporary_worktree(git_dir: str, commit: str) -> Iterator[Path]:
    """A detached worktree registered at `commit`, empty until checkout_tree."""
    holder = tempfile.mkdtemp(prefix=PREFIX)
    # A unique base name: git names the admin directory after it, and parallel
    # jobs must not race for the same name.
    path = os.path.join(holder, os.path.basename(holder))
    try:
        with _ADMIN_LOCK:
            added = _git(git_dir, "worktree", "add", "--detach", "--no-checkout", path, commit)
        if added.returncode != 0:
            raise GitError(f"cannot create a worktree at {commit[:12]}: {added.stderr.strip()}")
        yield Path(path)
    finally:
        remove_worktree(git_dir, holder, path)


def remove_worktree(git_dir: str, holder: str, path: str) -> None:
    """Remove the worktree and its directory; a Ctrl-C during removal does not
    stop it (it is re-raised once everything is gone)."""
    interrupted: BaseException | None = None
    for _attempt in range(3):
        try:
            with _ADMIN_LOCK:
                removed = os.path.exists(path) and _git(
                    git_dir, "worktree", "remove", "--force", "--force", path
                ).returncode == 0
                shutil.rmtree(holder, ignore_errors=True)
                if not removed:
                    # Only as a fallback: a prune while another job is adding its
                    # worktree can delete that worktree's half-written admin files.
                    _git(git_dir, "worktree", "prune")
            break
        except KeyboardInterrupt as error:
            interrupted = error
    if interrupted is not None:
        raise interrupted


def checkout_tree(worktree: Path, tree: str, *, clean: bool = True) -> None:
    """Make the worktree's files exactly `tree`, leaving no file of a previous run
    (bytecode, caches) behind: a stale .pyc of the same size and second would
    otherwise run the red code under the green name."""
    root = str(worktree)
    steps = [_git("", "clean", "-ffdxq", cwd=root)] if clean else []
    steps.append(_git("", "read-tree", "-u", "--reset", tree, cwd=root))
    for step in steps:
        if step.returncode != 0:
            raise GitError(f"cannot check out {tree[:12]} in {root}: {step.stderr.strip()}")


def leftover_worktrees(git_dir: str) -> list[str]:
    """Worktrees of ours still registered (for tests and diagnostics)."""
    listed = _git(git_dir, "worktree", "list", "--porcelain").stdout
    return [
        line.split(" ", 1)[1]
        for line in listed.splitlines()
        if line.startswith("worktree ") and PREFIX in line
    ]
