"""What a killed verify run left behind, found and removed.

SIGKILL (the OOM killer, a CI runner giving up on a job, `kill -9`) gives
reviewgate no chance to clean up: its worktrees stay registered in the
repository, their temporary directories stay in $TMPDIR, and a test command run
without the sandbox goes on running. Each worktree's temporary directory names its
owner (worktree.OWNER_FILE: pid, start time, boot, host) and the id of the
command running there (worktree.RUNS_FILE). A worktree whose owner is gone (no such
pid, or a pid of the same number that started at another time, or another boot)
is stale: its processes are killed by their run id (runner.kill_escaped) and it
is removed. A live owner's worktrees, and those of another host sharing $TMPDIR,
are left alone.

A verify run with fixes to run does this first, once per repository
(`remove_stale_once`, from engine.verify_jobs); `reviewgate verify --cleanup`
runs it on demand, and then also removes worktrees of ours that carry no owner
record (made by an older reviewgate).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from reviewgate.errors import GitError
from reviewgate.verify.runner import kill_escaped
from reviewgate.verify.worktree import (
    OWNER_FILE,
    PREFIX,
    RUNS_FILE,
    _git,
    boot_id,
    common_dir,
    process_start,
    remove_worktree,
)

_done: set[str] = set()
_done_lock = threading.Lock()


@dataclass(frozen=True)
class Cleanup:
    removed: tuple[str, ...] = ()  # the stale worktrees removed
    killed: int = 0  # processes of their runs killed
    kept: tuple[str, ...] = ()  # worktrees of ours left in place, each with the reason


def remove_stale_once(git_dir: str) -> None:
    """remove_stale, once per process and repository; a failure is no reason to
    stop the verify run that found it."""
    key = os.path.realpath(common_dir(git_dir))
    with _done_lock:
        if key in _done:
            return
        _done.add(key)
    with contextlib.suppress(OSError, ValueError):
        remove_stale(git_dir)


def remove_stale(git_dir: str, *, unowned: bool = False) -> Cleanup:
    """Remove the worktrees of verify runs whose reviewgate is gone: those this
    repository lists, and temporary directories of ours in $TMPDIR (whatever their
    repository). `unowned`: also those with no owner record."""
    removed: list[str] = []
    kept: list[str] = []
    killed = 0
    for holder, listed in _candidates(git_dir):
        record = read_owner(holder)
        path = os.path.join(holder, os.path.basename(holder))
        if record is None:
            if not (unowned and listed):
                if listed and os.path.isdir(holder):
                    kept.append(f"{path}: no owner record (run --cleanup to remove it)")
                continue
        else:
            gone = owner_gone(record)
            if not gone:
                why = "another host's" if gone is None else f"pid {record.get('pid')} is running"
                kept.append(f"{path}: {why}")
                continue
        for run_id in _runs(holder):
            killed += kill_escaped(run_id)
        owner_dir = str(record.get("git_dir", "")) if record else ""
        remove_worktree(owner_dir if os.path.isdir(owner_dir) else git_dir, holder, path)
        removed.append(path)
    return Cleanup(tuple(removed), killed, tuple(kept))


def _candidates(git_dir: str) -> list[tuple[str, bool]]:
    """(temporary directory, whether this repository lists its worktree) for every
    worktree of ours the repository lists, then every directory of ours in $TMPDIR
    that holds an owner record."""
    listed = _git(git_dir, "worktree", "list", "--porcelain").stdout
    found: dict[str, bool] = {}
    for line in listed.splitlines():
        if line.startswith("worktree "):
            path = line.split(" ", 1)[1]
            if os.path.basename(path).startswith(PREFIX):
                found[os.path.dirname(path)] = True
    top = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for entry in os.scandir(top):
            holder = os.path.join(top, entry.name)
            if (
                entry.name.startswith(PREFIX) and holder not in found
                and entry.is_dir(follow_symlinks=False) and _mine(entry)
                and os.path.isfile(os.path.join(holder, OWNER_FILE))
            ):  # fmt: skip
                found[holder] = False
    return list(found.items())


def _mine(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_uid == os.geteuid()
    except OSError:
        return False


def read_owner(holder: str) -> dict[str, object] | None:
    try:
        with open(os.path.join(holder, OWNER_FILE), encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("pid"), int) else None


def owner_gone(record: Mapping[str, object]) -> bool | None:
    """True when the owner process has ended, False while it runs, None when this
    machine cannot tell (the record is another host's)."""
    if record.get("host") != socket.gethostname():
        return None
    booted = boot_id()
    if record.get("boot") and booted and record.get("boot") != booted:
        return True  # a reboot ended every process
    pid = record["pid"]
    assert isinstance(pid, int)
    started = record.get("start")
    if started:
        return process_start(pid) != started
    try:  # no start time recorded (not Linux): whether the pid exists at all
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _runs(holder: str) -> list[str]:
    try:
        with open(os.path.join(holder, RUNS_FILE), encoding="ascii", errors="replace") as handle:
            return [line.strip() for line in handle if line.strip().isalnum()]
    except OSError:
        return []


def cleanup_here() -> Cleanup:
    """`reviewgate verify --cleanup`: remove_stale for the repository of the current
    directory, owned or not."""
    found = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"], capture_output=True, text=True, check=False
    )
    if found.returncode != 0:
        raise GitError(f"verify --cleanup: not in a git repository ({found.stderr.strip()})")
    return remove_stale(found.stdout.strip(), unowned=True)


def describe(cleanup: Cleanup) -> str:
    """The report of `reviewgate verify --cleanup`."""
    lines = [f"removed stale worktree {path}" for path in cleanup.removed]
    if cleanup.killed:
        lines.append(f"killed {cleanup.killed} process(es) of their test runs")
    lines += [f"kept {reason}" for reason in cleanup.kept]
    if not cleanup.removed:
        lines.append("no stale verify worktree")
    return "\n".join(lines) + "\n"
