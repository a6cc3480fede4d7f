"""A verify run killed with SIGKILL cleans nothing up; what it left (its worktree,
its temporary directory, its running test) goes with the next verify, or with
`reviewgate verify --cleanup`. A live run's worktrees are never touched."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.verify.sandbox import unusable
from verify_helpers import (
    Runner,
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    write_policy,
)
from verify_helpers import (
    wait_for as _wait_for,
)

HANGING_TEST = "import time\ntime.sleep(120)\n"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


def _processes_with(marker: str, first: str = "") -> list[int]:
    """The processes with `marker` among their arguments (and `first` as the
    program, when given)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")
                if marker.encode() in argv and (not first or argv[0] == first.encode()):
                    found.append(int(name))
    return found


def _holders(tmpdir: Path) -> list[Path]:
    return [p for p in tmpdir.iterdir() if p.name.startswith("reviewgate-verify-")]


def _start(repo: Repo, policy: Path, base: str, tmpdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reviewgate",
            "verify",
            "--no-cache",
            "--config",
            str(policy),
            f"{base}..HEAD",
        ],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )


@pytest.mark.parametrize("how", ["verify --cleanup", "the next verify"])
def test_what_a_sigkilled_verify_left_is_removed(repo: Repo, tmp_path: Path, how: str) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    # The test below the runner writes its pid, then hangs.
    hanging = tmp_path / "test.pid"
    same_commit_fix(
        repo,
        "hang",
        test=f"import os, time\nopen({str(hanging)!r}, 'w')"
        ".write(str(os.getpid()))\ntime.sleep(120)\n",
    )
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {"TMPDIR": str(tmpdir)}
    proc = _start(repo, policy, base, tmpdir)
    try:
        _wait_for(lambda: hanging.exists() and hanging.read_text().strip())
        test_pid = int(hanging.read_text())
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        # What SIGKILL leaves: the worktree, its directory, the test still running.
        assert our_worktrees(repo)
        [holder] = _holders(tmpdir)
        owner = json.loads((holder / "owner.json").read_text())
        assert owner["pid"] == proc.pid and owner["start"]
        assert len((holder / "runs").read_text().split()) == 1
        assert _alive(test_pid)
        if how == "verify --cleanup":
            result = reviewgate(repo.path, "verify", "--cleanup", env=env)
            assert result.returncode == 0, result.stderr
            assert result.stdout.splitlines()[0] == (
                f"removed stale worktree {holder}/{holder.name}"
            )
            assert "killed 2 process(es) of their test runs" in result.stdout  # runner, test
        else:
            quick = write_policy(tmp_path / "quick.yaml", ["true", "{tests}"])
            result = reviewgate(
                repo.path, "verify", "--no-cache", "--config", str(quick), f"{base}..HEAD", env=env
            )
            assert "NOT RED" in result.stdout, result.stdout + result.stderr
        assert our_worktrees(repo) == []
        assert _holders(tmpdir) == []
        _wait_for(lambda: not _alive(test_pid), 10)
    finally:
        if proc.poll() is None:
            proc.kill()
        leftover = runner.pids.read_text().split() if runner.pids.exists() else []
        leftover += hanging.read_text().split() if hanging.exists() else []
        for pid in leftover:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)


def test_a_live_runs_worktree_is_kept(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    same_commit_fix(repo, "hang", test=HANGING_TEST)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    proc = _start(repo, policy, base, tmpdir)
    try:
        _wait_for(lambda: runner.pids.exists() and runner.pids.read_text().strip())
        [holder] = _holders(tmpdir)
        result = reviewgate(repo.path, "verify", "--cleanup", env={"TMPDIR": str(tmpdir)})
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"kept {holder}/{holder.name}: pid {proc.pid} is running",
            "no stale verify worktree",
        ]
        assert _holders(tmpdir) == [holder] and our_worktrees(repo)
        assert _alive(int(runner.pids.read_text().split()[0]))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert our_worktrees(repo) == [] and _holders(tmpdir) == []


def test_an_owner_that_is_another_process_with_the_same_pid_is_gone(tmp_path: Path) -> None:
    from reviewgate.verify.stale import owner_gone
    from reviewgate.verify.worktree import owner_record

    mine = owner_record(str(tmp_path))
    assert owner_gone(mine) is False
    assert owner_gone({**mine, "start": str(int(str(mine["start"])) + 1)}) is True  # reused
    assert owner_gone({**mine, "boot": "another-boot"}) is True
    assert owner_gone({**mine, "host": "another-host"}) is None  # not ours to judge
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert owner_gone({**mine, "pid": int(ended.stdout)}) is True


def test_cleanup_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    result = reviewgate(tmp_path, "verify", "--cleanup")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "reviewgate: error: verify --cleanup: not in a git repository"
    ), result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(bool(unusable()), reason=f"no sandbox here: {unusable()}")
def test_in_the_sandbox_the_test_dies_with_a_sigkilled_verify(repo: Repo, tmp_path: Path) -> None:
    marker = f"rg-hang-{uuid.uuid4().hex}"
    policy = write_policy(
        tmp_path / "policy.yaml", [sys.executable, "{tests}", marker], sandbox="bwrap"
    )
    base = base_project(repo)
    same_commit_fix(repo, "hang", test=HANGING_TEST)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    proc = _start(repo, policy, base, tmpdir)
    try:
        # The test itself runs (not only bwrap, whose arguments hold the marker too):
        # bubblewrap has set itself up, --die-with-parent included.
        _wait_for(lambda: _processes_with(marker, first=sys.executable))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        # bwrap dies with its parent, and every process of the run with bwrap.
        _wait_for(lambda: not _processes_with(marker), 10)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _processes_with(marker):
            os.kill(pid, signal.SIGKILL)
    result = reviewgate(repo.path, "verify", "--cleanup", env={"TMPDIR": str(tmpdir)})
    assert "removed stale worktree" in result.stdout, result.stdout + result.stderr
    assert our_worktrees(repo) == [] and _holders(tmpdir) == []
