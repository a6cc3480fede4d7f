"""Shared pieces of the verify tests: a tiny real test runner, repositories with
fixes, and a byte-for-byte snapshot of what the user owns in a repository."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import Repo, git

# The runner runs every test file with Python, logs the run as "<exit> <files>"
# and exits with the first failing file's status (an assertion gives 1,
# `sys.exit(3)` gives 3). Its pid is written first, for the tests that kill it.
RUNNER = """\
import os, subprocess, sys
with open({pids!r}, "a") as pids:
    pids.write(str(os.getpid()) + "\\n")
env = dict(os.environ, PYTHONPATH=os.getcwd(), PYTHONDONTWRITEBYTECODE="1")
code = 0
for path in sys.argv[1:]:
    code = subprocess.run([sys.executable, path], env=env).returncode
    if code:
        break
with open({log!r}, "a") as log:
    log.write(str(code) + " " + " ".join(sys.argv[1:]) + "\\n")
sys.exit(code)
"""

ADD_BUGGY = "def add(a, b):\n    return a - b\n"
ADD_FIXED = "def add(a, b):\n    return a + b\n"
TEST_ADD = "from pkg.calc import add\nassert add(2, 3) == 5\n"


class Runner:
    def __init__(self, tmp: Path) -> None:
        self.log = tmp / "runs.log"
        self.pids = tmp / "runner.pids"
        self.script = tmp / "runner.py"
        self.script.write_text(RUNNER.format(log=str(self.log), pids=str(self.pids)))

    def runs(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def command(self) -> list[str]:
        return [sys.executable, str(self.script), "{tests}"]


def write_policy(path: Path, command: list[str], timeout: int = 60,
                 error_exit_codes: list[int] | None = None, sandbox: str = "none") -> Path:
    """A policy for `command`. The Runner logs each run to a file outside the
    worktree, which the sandbox would hide: its tests run with `sandbox: none`."""
    lines = ["verify:", f"  command: {json.dumps(command)}", f"  timeout: {timeout}",
             f"  sandbox: {sandbox}"]
    if error_exit_codes is not None:
        lines.append(f"  error_exit_codes: {json.dumps(error_exit_codes)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def base_project(repo: Repo) -> str:
    return repo.commit("feat: calculator", {"pkg/__init__.py": "", "pkg/calc.py": ADD_BUGGY,
                                            "README.md": "calc\n"})


def same_commit_fix(repo: Repo, name: str = "add", fixed: str = ADD_FIXED,
                    test: str = TEST_ADD) -> str:
    return repo.commit(f"fix: {name} adds", {"pkg/calc.py": fixed, f"tests/test_{name}.py": test})


def reviewgate(cwd: Path, *args: str, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


def check_findings(repo: Repo, revisions: str) -> set[tuple[str, str]]:
    """(code, sha) of every finding `reviewgate check` reports for `revisions`."""
    check = reviewgate(repo.path, "check", "--format", "json", revisions)
    assert check.stdout, check.stderr
    return {(f["code"], c["sha"]) for c in json.loads(check.stdout)["commits"]
            for f in c.get("findings", [])}


def snapshot(repo: Repo) -> dict[str, object]:
    """Everything the user owns: the index's bytes, HEAD, every ref but the verify
    cache, the stash, and each working-tree file's bytes."""
    gitdir = repo.path / ".git"
    refs = [
        line for line in git(repo.path, "for-each-ref", "--format=%(refname) %(objectname)")
        .stdout.splitlines() if not line.startswith("refs/notes/reviewgate ")
    ]
    files = {}
    for path in sorted(repo.path.rglob("*")):
        if ".git" in path.relative_to(repo.path).parts or not path.is_file():
            continue
        files[str(path.relative_to(repo.path))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "index": hashlib.sha256((gitdir / "index").read_bytes()).hexdigest(),
        "HEAD": (gitdir / "HEAD").read_bytes(),
        "refs": refs,
        "stash": git(repo.path, "stash", "list", "--format=%H %s").stdout,
        "files": files,
        "status": git(repo.path, "status", "--porcelain=v2", "-z").stdout,
        "worktrees": git(repo.path, "worktree", "list", "--porcelain").stdout,
    }


def dirty_user_state(repo: Repo) -> None:
    """A stash, a staged change and an unstaged change, as a user at work has."""
    repo.write("README.md", "stashed edit\n")
    git(repo.path, "stash", "push", "-q", "-m", "work in progress")
    repo.write("notes.txt", "staged\n")
    git(repo.path, "add", "notes.txt")
    repo.write("README.md", "unstaged edit\n")


def our_worktrees(repo: Repo) -> list[str]:
    listed = git(repo.path, "worktree", "list", "--porcelain").stdout
    admin = repo.path / ".git" / "worktrees"
    leftovers = sorted(p.name for p in admin.iterdir()) if admin.exists() else []
    return [line for line in listed.splitlines() if "reviewgate-verify-" in line] + leftovers


def wait_for(predicate: object, seconds: float = 60) -> None:
    """Poll `predicate` every 50 ms until it is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")
