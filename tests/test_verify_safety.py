"""Worktrees are always removed (Ctrl-C, SIGTERM, a timeout), the test processes
die with them, and the user's index, working tree, stash and refs stay
byte-for-byte as they were."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Repo, git
from verify_helpers import (
    Runner,
    base_project,
    dirty_user_state,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    snapshot,
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
    return "\nState:\tZ" not in state  # a zombie has ended


def _hanging_repo(repo: Repo, tmp_path: Path, timeout: int = 60) -> tuple[Runner, Path, str]:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command(), timeout=timeout)
    base = base_project(repo)
    same_commit_fix(repo, "hang", test=HANGING_TEST)
    dirty_user_state(repo)
    return runner, policy, base


@pytest.mark.parametrize("command,signum", [
    (["verify"], signal.SIGINT),
    (["verify", "-j", "2"], signal.SIGTERM),
    (["check", "--verify"], signal.SIGINT),
    (["verify"], signal.SIGHUP),  # the terminal or the ssh session closed
])
def test_a_signal_removes_the_worktree_and_kills_the_test(
    repo: Repo, tmp_path: Path, command: list[str], signum: int
) -> None:
    runner, policy, base = _hanging_repo(repo, tmp_path)
    before = snapshot(repo)
    own_tmp = tmp_path / "tmpdir"
    own_tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", *command, "--config", str(policy), f"{base}..HEAD"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(own_tmp)},
    )
    try:
        # The runner has started, and so has the hanging test below it.
        _wait_for(lambda: runner.pids.exists() and runner.pids.read_text().strip())
        assert our_worktrees(repo), "the worktree exists while the test runs"
        time.sleep(0.3)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "interrupted; temporary worktrees removed" in err
    assert our_worktrees(repo) == []
    assert list(own_tmp.iterdir()) == []
    runner_pid = int(runner.pids.read_text().split()[0])
    _wait_for(lambda: not _alive(runner_pid), 10)
    assert snapshot(repo) == before


def test_a_timeout_is_rg205_and_removes_the_worktree(repo: Repo, tmp_path: Path) -> None:
    runner, policy, base = _hanging_repo(repo, tmp_path, timeout=2)
    before = snapshot(repo)
    own_tmp = tmp_path / "tmpdir"
    own_tmp.mkdir()
    started = time.monotonic()
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD",
                        env={"TMPDIR": str(own_tmp)})
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR: could not verify (RG205)" in result.stdout
    assert "red: timed out after 2 s" in result.stdout
    assert "RG202" not in result.stdout  # a hang is no proper red
    assert our_worktrees(repo) == []
    assert list(own_tmp.iterdir()) == []
    runner_pid = int(runner.pids.read_text().split()[0])
    _wait_for(lambda: not _alive(runner_pid), 10)
    # A timeout is the machine's verdict, not the trees': it is not cached.
    assert git(repo.path, "notes", "--ref", "reviewgate", "list", check=False).stdout == ""
    assert snapshot(repo) == before


def test_a_finished_run_leaves_only_its_notes(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    same_commit_fix(repo)
    dirty_user_state(repo)
    before = snapshot(repo)
    refs_before = git(repo.path, "for-each-ref", "--format=%(refname)").stdout.split()
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    assert snapshot(repo) == before
    refs_after = git(repo.path, "for-each-ref", "--format=%(refname)").stdout.split()
    assert set(refs_after) - set(refs_before) == {"refs/notes/reviewgate"}
    assert our_worktrees(repo) == []


def test_a_missing_command_is_rg205_not_a_failing_test(repo: Repo, tmp_path: Path) -> None:
    policy = write_policy(tmp_path / "policy.yaml", ["no-such-test-runner-xyz", "{tests}"])
    base = base_project(repo)
    same_commit_fix(repo)
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1
    assert "red: command not found: no-such-test-runner-xyz" in result.stdout
    assert "RG205" in result.stdout and "RG202" not in result.stdout
    assert our_worktrees(repo) == []


def test_a_missing_command_behind_an_unreadable_path_entry(repo: Repo, tmp_path: Path) -> None:
    # As a normal user, execvp reports "permission denied" when a PATH directory
    # cannot be read, though the program is nowhere: that was reported as "cannot
    # be executed". (As root every directory is readable: the plain case.)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        policy = write_policy(tmp_path / "policy.yaml", ["no-such-test-runner-xyz", "{tests}"])
        base = base_project(repo)
        same_commit_fix(repo)
        path = f"{locked}{os.pathsep}{os.environ['PATH']}"
        result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD",
                            env={"PATH": path})
        assert result.returncode == 1
        assert "red: command not found: no-such-test-runner-xyz" in result.stdout
    finally:
        locked.chmod(0o700)


def _three_hanging_fixes(repo: Repo, tmp_path: Path) -> tuple[Runner, Path, str]:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    for i in range(3):
        same_commit_fix(repo, f"hang{i}", fixed=f"def add(a, b):\n    return a + b  # {i}\n",
                        test=HANGING_TEST)
    return runner, policy, base


@pytest.mark.parametrize("when", ["at 0.6 s", "once the tests run"])
def test_repeated_ctrl_c_still_removes_every_worktree(
    repo: Repo, tmp_path: Path, when: str
) -> None:
    runner, policy, base = _three_hanging_fixes(repo, tmp_path)
    own_tmp = tmp_path / "tmpdir"
    own_tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", "verify", "--no-cache", "-j", "3",
         "--config", str(policy), f"{base}..HEAD"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(own_tmp)},
    )
    try:
        if when == "at 0.6 s":
            time.sleep(0.6)
        else:
            _wait_for(lambda: runner.pids.exists() and len(runner.pids.read_text().split()) == 3)
        for _ in range(4):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.01)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode == -signal.SIGINT:
        # On a loaded machine 0.6 s can be before verify has started: the first
        # Ctrl-C ends the start-up, a second one the exit, as for any program.
        # There is nothing to remove yet, and nothing must be left.
        assert when == "at 0.6 s" and "reviewgate: interrupted" in err, (out, err)
    else:
        assert proc.returncode == 130, (out, err)
        assert "interrupted; temporary worktrees removed" in err
    listed = git(repo.path, "worktree", "list", "--porcelain").stdout
    assert listed.count("worktree ") == 1, listed
    assert our_worktrees(repo) == []
    assert [p.name for p in own_tmp.iterdir() if p.name.startswith("reviewgate-verify-")] == []


def test_verify_runs_on_one_repository_at_once(repo: Repo, tmp_path: Path) -> None:
    # `true` passes at once (RG202): the runs do little but add and remove
    # worktrees, as fast as they can, in three processes at the same time.
    policy = write_policy(tmp_path / "policy.yaml", ["true", "{tests}"])
    count = 16
    base = repo.commit("feat: modules", {
        "pkg/__init__.py": "", **{f"pkg/m{i}.py": f"X = {i}\n" for i in range(count)},
    })
    for i in range(count):
        repo.commit(f"fix: m{i}", {f"pkg/m{i}.py": f"X = {i + 1}\n",
                                   f"tests/test_m{i}.py": "pass\n"})
    argv = [sys.executable, "-m", "reviewgate", "verify", "--no-cache", "-j", "4",
            "--config", str(policy), f"{base}..HEAD"]
    for _round in range(3):
        procs = [subprocess.Popen(argv, cwd=repo.path, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 1, out + err
            assert f"{count} fix(es) verified: 0 proven, {count} not red" in out, out + err
    assert our_worktrees(repo) == []


# A test that starts a daemon: it leaves the run's process group (setsid, then a
# second fork), writes its pid where the test can see it, and would sleep on.
DAEMON_TEST = """\
import os, time
def written():
    return open({pids!r}).read().count("\\n") if os.path.exists({pids!r}) else 0
before = written()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open({pids!r}, "a") as pids:
            pids.write(str(os.getpid()) + "\\n")
        time.sleep(120)
    os._exit(0)
os.wait()
deadline = time.monotonic() + 30
while time.monotonic() < deadline and written() == before:
    time.sleep(0.01)
from pkg.calc import add
assert add(2, 3) == 5
"""


def test_a_process_that_leaves_the_group_dies_with_its_run(
    repo: Repo, tmp_path: Path
) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    daemons = tmp_path / "daemon.pids"
    same_commit_fix(repo, test=DAEMON_TEST.format(pids=str(daemons)))
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    assert len(_daemons_gone(daemons)) == 2  # red's daemon and green's
    assert our_worktrees(repo) == []


def _daemons_gone(pid_file: Path) -> list[int]:
    """Wait for the daemons whose pids `pid_file` lists to be gone; kill any left
    over whatever happens, so a failing test leaves no process behind."""
    pids = [int(line) for line in pid_file.read_text().split()]
    try:
        _wait_for(lambda: not any(_alive(pid) for pid in pids), 10)
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return pids


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def test_only_the_named_run_is_killed(tmp_path: Path) -> None:
    from reviewgate.verify.runner import RUN_VARIABLE, kill_escaped

    sleep = [sys.executable, "-c", "import time; time.sleep(120)"]
    ours = subprocess.Popen(sleep, env={**os.environ, RUN_VARIABLE: "run-a"},
                            start_new_session=True)
    other = subprocess.Popen(sleep, env={**os.environ, RUN_VARIABLE: "run-ab"},
                             start_new_session=True)
    try:
        # Until a child has exec'd, /proc shows the parent's environment, which
        # names no run: wait for both, or a loaded machine makes this test flaky.
        for proc in (ours, other):
            _wait_for(lambda proc=proc: RUN_VARIABLE.encode() in _environ(proc.pid))
        kill_escaped("run-a")
        assert ours.wait(timeout=10) == -signal.SIGKILL
        assert other.poll() is None  # another run's id, even one it is a prefix of
    finally:
        for proc in (ours, other):
            proc.kill()
            proc.wait()


def test_ctrl_c_kills_a_process_that_left_the_group(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    daemons = tmp_path / "daemon.pids"
    hanging = DAEMON_TEST.format(pids=str(daemons)).replace(
        "from pkg.calc import add\nassert add(2, 3) == 5\n", "time.sleep(120)\n")
    same_commit_fix(repo, test=hanging)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", "verify", "--config", str(policy), f"{base}..HEAD"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for(lambda: daemons.exists() and daemons.read_text().strip())
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert _daemons_gone(daemons)
    assert our_worktrees(repo) == []


def test_a_hangup_ignored_from_the_start_is_still_ignored(repo: Repo, tmp_path: Path) -> None:
    # `nohup reviewgate verify`: the run must outlive the terminal.
    runner, policy, base = _hanging_repo(repo, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", "verify", "--config", str(policy), f"{base}..HEAD"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    try:
        _wait_for(lambda: runner.pids.exists() and runner.pids.read_text().strip())
        proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert proc.poll() is None, "a hangup that nohup ignores stopped verify"
        assert our_worktrees(repo), "the worktree is still in use"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert our_worktrees(repo) == []


def test_a_test_that_deletes_its_worktree_is_no_crash(repo: Repo, tmp_path: Path) -> None:
    policy = write_policy(tmp_path / "policy.yaml",
                          ["sh", "-c", 'rm -rf "$PWD"; exit 1', "{tests}"])
    base = base_project(repo)
    same_commit_fix(repo)
    before = snapshot(repo)
    result = reviewgate(repo.path, "verify", "--no-cache", "--config", str(policy),
                        f"{base}..HEAD")
    # The next checkout fails: one line naming the worktree, exit 2, no traceback.
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("reviewgate: error: cannot check out"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert our_worktrees(repo) == []
    assert snapshot(repo) == before
