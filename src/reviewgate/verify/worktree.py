"""Temporary, detached `git worktree`s outside the user's tree, always removed.

The worktree starts empty (`--no-checkout`); `checkout_tree` then puts any tree in
it through the worktree's own index, so the user's index, working tree, HEAD,
refs and stash are never touched. Every worktree is recorded in a registry as
soon as its directory exists, so the main thread can remove whatever a worker
left (`remove_registered`). git's worktree bookkeeping is guarded by a lock that
holds across processes, so two verify runs on one repository do not race.

Beside each worktree, its temporary directory holds OWNER_FILE (this process's pid
and start time, the repository) and RUNS_FILE (the id of the command running there):
a process killed with SIGKILL removes nothing, and the next verify (stale.py)
tells its leftovers from a live run's by them.

git runs no filter of the repository's configuration while it checks a tree out
here: the trees are the pull request's, and so is the .gitattributes that names
the filters (`filter=lfs` …).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from reviewgate.errors import GitError

PREFIX = "reviewgate-verify-"
OWNER_FILE = "owner.json"
RUNS_FILE = "runs"
# Hooks of the user's repository (post-checkout …) have no business here.
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")
# A test may change a tracked file and set its time and size back: what it left
# must not pass for the checked-out file, whatever the user's configuration says
# about trusting stat data, a file-system monitor or a cache of untracked files.
_EXACT_STAT = ("-c", "core.trustctime=true", "-c", "core.checkStat=default",
               "-c", "core.fsmonitor=", "-c", "core.untrackedCache=false")
LOCK_FILE = "reviewgate-worktrees.lock"
# git's worktree bookkeeping (.git/worktrees) is not safe against parallel jobs:
# one `worktree add` racing another process's `remove` fails reading a
# half-written admin directory.
_THREAD_LOCK = threading.Lock()
# holder directory -> (git dir, worktree path), for every worktree not yet removed.
_registry: dict[str, tuple[str, str]] = {}
_registry_lock = threading.Lock()


def _git(
    git_dir: str, *args: str, cwd: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    where = ("-C", cwd) if cwd else ("--git-dir", git_dir)
    # A session of its own: a Ctrl-C at the terminal must not kill the git that
    # is removing a worktree.
    return subprocess.run(
        ["git", *_NO_HOOKS, *where, *args],
        capture_output=True, text=True, env=dict(env or clean_git_env()),
        start_new_session=True,
    )


def without_filters(root: str) -> dict[str, str]:
    """The environment for a git command in `root` that must run no filter driver.

    .gitattributes (the pull request's) names a driver, `filter=x`; the
    configuration defines what it runs, `filter.x.smudge`, `.clean`, `.process`.
    An empty command is no filter, and `filter.x.required=false` keeps git from
    failing for want of one, so every driver the configuration defines gets both,
    through GIT_CONFIG_COUNT (git >= 2.31), which takes any name, even one with
    `=` in it. `core.attributesFile=/dev/null` alone would not do: it leaves the
    tree's own .gitattributes and info/attributes in force."""
    env = clean_git_env()
    pattern = r"^filter\..*\.(smudge|clean|process|required)$"
    listed = subprocess.run(
        ["git", "-C", root, "config", "-z", "--get-regexp", pattern],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    drivers = {
        entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape").rsplit(".", 1)[0]
        for entry in listed.stdout.split(b"\0") if entry
    }
    overrides = [(f"{name}.{key}", "") for name in sorted(drivers)
                 for key in ("smudge", "clean", "process")]
    overrides += [(f"{name}.required", "false") for name in sorted(drivers)]
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    for index, (key, value) in enumerate(overrides, start=count):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    env["GIT_CONFIG_COUNT"] = str(count + len(overrides))
    return env


def common_dir(git_dir: str) -> str:
    """The repository's common git directory (a linked worktree's git dir names
    it in its `commondir` file)."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            named = handle.read().strip()
    except OSError:
        return git_dir
    return os.path.normpath(os.path.join(git_dir, named))


@contextmanager
def admin_lock(git_dir: str) -> Iterator[None]:
    """Exclusive use of the repository's worktree bookkeeping, across threads
    (the lock) and processes (flock on a file in the common git dir)."""
    with _THREAD_LOCK:
        fd = os.open(os.path.join(common_dir(git_dir), LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def clean_git_env() -> dict[str, str]:
    """The environment without the variables that would point git (or a test
    command that runs git) at the user's repository or index."""
    drop = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")
    return {k: v for k, v in os.environ.items() if k not in drop}


def add_worktree(git_dir: str, commit: str) -> tuple[str, Path]:
    """(its temporary directory, the worktree): a detached worktree registered at
    `commit`, empty until checkout_tree. It stays until `remove_added(holder)` or
    `remove_registered()`, whatever goes wrong meanwhile."""
    holder = tempfile.mkdtemp(prefix=PREFIX)
    # A unique base name: git names the admin directory after it, and parallel
    # jobs must not race for the same name.
    path = os.path.join(holder, os.path.basename(holder))
    with _registry_lock:
        _registry[holder] = (git_dir, path)
    try:
        write_owner(holder, git_dir)
        with admin_lock(git_dir):
            added = _git(git_dir, "worktree", "add", "--detach", "--no-checkout", path, commit)
        if added.returncode != 0:
            raise GitError(f"cannot create a worktree at {commit[:12]}: {added.stderr.strip()}")
    except BaseException:
        remove_added(holder)
        raise
    return holder, Path(path)


def remove_registered() -> None:
    """Remove every worktree still in the registry. The main thread calls it once
    the workers have stopped, so a worker that never reached its own `finally`
    leaves nothing behind."""
    with _registry_lock:
        holders = list(_registry)
    for holder in holders:
        _remove_if_registered(holder)


def remove_added(holder: str) -> None:
    """Remove the worktree `add_worktree` made in `holder` (nothing if it is gone)."""
    _remove_if_registered(holder)


def _remove_if_registered(holder: str) -> None:
    # Whoever takes the entry out removes the worktree: never twice, never none.
    with _registry_lock:
        entry = _registry.pop(holder, None)
    if entry is not None:
        remove_worktree(entry[0], holder, entry[1])


def remove_worktree(git_dir: str, holder: str, path: str) -> None:
    """Remove the worktree and its directory; a Ctrl-C during removal does not
    stop it (it is re-raised once everything is gone)."""
    interrupted: BaseException | None = None
    for _attempt in range(3):
        try:
            with admin_lock(git_dir):
                removed = os.path.exists(os.path.join(path, ".git")) and _git(
                    git_dir, "worktree", "remove", "--force", "--force", path
                ).returncode == 0
                shutil.rmtree(holder, ignore_errors=True)
                if not removed:
                    # Under the lock no other verify run is half-way through
                    # adding a worktree that a prune could mistake for stale.
                    _git(git_dir, "worktree", "prune")
            break
        except KeyboardInterrupt as error:
            interrupted = error
    if interrupted is not None:
        raise interrupted


def checkout_tree(
    worktree: Path, tree: str, *, clean: bool = True, env: Mapping[str, str] | None = None
) -> None:
    """Make the worktree's files exactly `tree`, leaving no file of a previous run
    (bytecode, caches, a changed tracked file) behind: a stale .pyc of the same size
    and second would otherwise run the red code under the green name. No filter
    runs (`env`: without_filters(worktree), when the caller has it already)."""
    root = str(worktree)
    steps = [("clean", "-ffdxq")] if clean else []
    steps.append(("read-tree", "-u", "--reset", tree))
    env = env if env is not None else without_filters(root)
    for step in steps:
        done = _git("", *_EXACT_STAT, *step, cwd=root, env=env)
        if done.returncode != 0:
            raise GitError(f"cannot check out {tree[:12]} in {root}: {done.stderr.strip()}")


@contextmanager
def repository_hidden(worktree: Path) -> Iterator[Mapping[str, str]]:
    """While the test command runs, the worktree's `.git` file (which links it to
    the user's repository) is set aside, and the environment it yields stops git's
    search for a repository at the worktree: a `git tag` or `git config` in a test
    then finds no repository instead of changing the user's."""
    link = worktree / ".git"
    saved = link.read_bytes()
    # The directory itself, whatever the test makes of its path meanwhile.
    directory = os.open(worktree, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.unlink(".git", dir_fd=directory)
        yield {"GIT_CEILING_DIRECTORIES": str(worktree.resolve().parent)}
    finally:
        try:
            _restore_link(directory, saved)
        finally:
            os.close(directory)


def _restore_link(directory: int, saved: bytes) -> None:
    """Put the `.git` file back. The test may have left anything at that name: a
    symlink to a file of the user's (`~/.bashrc`, the repository's config) that
    writing "through" it would change, a directory, a fifo. What is there goes,
    never followed, and the file is created new (O_EXCL | O_NOFOLLOW)."""
    try:
        os.unlink(".git", dir_fd=directory)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):  # Linux says EISDIR, others EPERM
        shutil.rmtree(f"/proc/self/fd/{directory}/.git", ignore_errors=True)
    except OSError:
        return  # the worktree is gone (the test deleted it); its removal copes
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(".git", flags, 0o644, dir_fd=directory)
    except OSError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(saved)


def owner_record(git_dir: str) -> dict[str, object]:
    """Who owns a worktree: this process (pid, start time, boot and host, so a
    later pid of the same number is not mistaken for it) and the repository."""
    return {"pid": os.getpid(), "start": process_start(os.getpid()), "boot": boot_id(),
            "host": socket.gethostname(), "git_dir": os.path.abspath(git_dir)}


def write_owner(holder: str, git_dir: str) -> None:
    partial = os.path.join(holder, OWNER_FILE + ".new")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(owner_record(git_dir), handle)
    os.replace(partial, os.path.join(holder, OWNER_FILE))  # whole, or not at all


def record_run(worktree: Path | str, run_id: str) -> None:
    """Note the id of the command starting in a worktree of ours (nothing for any
    other directory), for stale.py to kill its processes should reviewgate be
    killed. It replaces the id before it: a worktree runs one command at a time,
    and the processes of each are killed when it ends (runner.run_command), so a
    worktree that runs fix after fix keeps one line, not one per run."""
    holder = os.path.dirname(os.path.abspath(worktree))
    if os.path.isfile(os.path.join(holder, OWNER_FILE)):
        partial = os.path.join(holder, RUNS_FILE + ".new")
        with open(partial, "w", encoding="ascii") as handle:
            handle.write(run_id + "\n")
        os.replace(partial, os.path.join(holder, RUNS_FILE))  # whole, or not at all


def process_start(pid: int) -> str:
    """The process's start time in clock ticks after boot (Linux); "" elsewhere or
    when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return ""
    # The name, in parentheses, may hold spaces and parentheses: fields follow the last.
    fields = stat[stat.rfind(")") + 2 :].split()
    if len(fields) < 20 or fields[0] == "Z":  # a zombie has ended
        return ""
    return fields[19]


def boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def leftover_worktrees(git_dir: str) -> list[str]:
    """Worktrees of ours still registered (for tests and diagnostics)."""
    listed = _git(git_dir, "worktree", "list", "--porcelain").stdout
    return [
        line.split(" ", 1)[1]
        for line in listed.splitlines()
        if line.startswith("worktree ") and PREFIX in line
    ]
