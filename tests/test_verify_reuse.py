"""One worktree per parallel job, reused fix after fix, with nothing of one fix's
runs reaching the next; the new results written in one notes commit, merged
into the notes already there (fan-out included), kept on Ctrl-C, and written
again on top when another verify moved the notes ref meanwhile."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.verify import cache_writer
from reviewgate.verify.cache import CachedResult, CacheKey
from verify_helpers import (
    Runner,
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    wait_for,
    write_policy,
)

# Each fix's test first looks for what an earlier run could have left, then
# leaves all of it for the next run: an untracked file, a file in an ignored
# directory, bytecode, and a tracked file changed with its size and time kept.
# Found leftovers exit 3; the bug itself fails the assertion (exit 1).
LEAKY_TEST = """\
import os, sys
left = [p for p in ("leak.txt", "build/artifact.o", "pkg/__pycache__/calc.cpython-3.pyc")
        if os.path.exists(p)]
if open("shared.txt").read() != "original\\n":
    left.append("shared.txt")
open("leak.txt", "w").write("from an earlier run\\n")
os.makedirs("build", exist_ok=True)
open("build/artifact.o", "w").write("object\\n")
os.makedirs("pkg/__pycache__", exist_ok=True)
open("pkg/__pycache__/calc.cpython-3.pyc", "wb").write(b"stale")
stat = os.stat("shared.txt")
open("shared.txt", "w").write("tampered\\n")
os.utime("shared.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
if left:
    print("left over:", left)
    sys.exit(3)
"""
# The test command logs the directory it runs in and how many run ids are
# recorded beside it (for stale.py), then runs the Runner.
WHERE = """\
import os, sys
with open(os.path.join(os.path.dirname(os.getcwd()), "runs")) as runs:
    recorded = len(runs.read().split())
open({log!r}, "a").write(f"{{os.getcwd()}} {{recorded}}\\n")
"""


def _fixes(repo: Repo, count: int, test: str = "", after: str = "") -> str:
    """`count` fixes, each of its own module, each with `test` before its own
    check and `after` once it passed."""
    base = repo.commit("feat: modules", {
        "pkg/__init__.py": "", "shared.txt": "original\n", ".gitignore": "build/\n",
        **{f"pkg/m{i}.py": f"def f():\n    return {i} - 1\n" for i in range(count)},
    })
    for i in range(count):
        repo.commit(f"fix: f{i}", {
            f"pkg/m{i}.py": f"def f():\n    return {i}\n",
            f"tests/test_m{i}.py": f"{test}from pkg.m{i} import f\nassert f() == {i}\n{after}",
        })
    return base


def _where_command(tmp_path: Path, runner: Runner) -> tuple[list[str], Path]:
    log = tmp_path / "where.log"
    script = tmp_path / "where.py"
    script.write_text(WHERE.format(log=str(log)) + runner.script.read_text())
    return [sys.executable, str(script), "{tests}"], log


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nothing_of_one_fix_reaches_the_next_in_the_same_worktree(
    repo: Repo, tmp_path: Path, jobs: str
) -> None:
    runner = Runner(tmp_path)
    command, where = _where_command(tmp_path, runner)
    policy = write_policy(tmp_path / "policy.yaml", command)
    # Stat data this weak would let the tampered file pass for the checked-out one.
    git(repo.path, "config", "core.trustctime", "false")
    git(repo.path, "config", "core.checkStat", "minimal")
    base = _fixes(repo, 4, LEAKY_TEST)
    result = reviewgate(repo.path, "verify", "-j", jobs, "--config", str(policy),
                        f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 proven" in result.stdout
    exits = sorted(line.split()[0] for line in runner.runs())
    assert exits == ["0"] * 4 + ["1"] * 4, runner.runs()  # never 3: nothing was left over
    logged = [line.rsplit(" ", 1) for line in where.read_text().splitlines()]
    worktrees = {path for path, _ in logged}
    assert len(worktrees) == int(jobs), worktrees  # one per job, for every fix it ran
    assert {recorded for _, recorded in logged} == {"1"}  # the running command's id
    assert our_worktrees(repo) == []
    assert not any(Path(path).exists() for path in worktrees)


def test_git_processes_per_fix(repo: Repo, tmp_path: Path) -> None:
    # Per fix: a clean and a read-tree for red, the same for green; per run: one
    # worktree per job, one notes commit.
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _fixes(repo, 4)
    trace = tmp_path / "trace"
    result = reviewgate(repo.path, "verify", "-j", "1", "--config", str(policy),
                        f"{base}..HEAD", env={"GIT_TRACE": str(trace)})
    assert result.returncode == 0 and "4 proven" in result.stdout, result.stdout + result.stderr
    started = [line.split("built-in: git ", 1)[1] for line in trace.read_text().splitlines()
               if "built-in: git " in line]

    def count(command: str) -> int:
        return sum(1 for line in started if f" {command} " in f" {line} ")

    assert count("read-tree") == 8 and count("clean") == 7  # a new worktree is clean
    assert count("worktree add") == 1 and count("worktree remove") == 1
    assert count("fast-import") == 1
    assert [line for line in started if line.startswith("notes ") and " add " in line] == []
    assert count("config") == 1  # the filter drivers, once per worktree


def test_a_worktree_the_test_deleted_is_not_used_again(repo: Repo, tmp_path: Path) -> None:
    # Green, the job's last run, deletes its worktree: the job still ends well,
    # and the next fix gets a new worktree instead of failing to check out.
    runner = Runner(tmp_path)
    command, where = _where_command(tmp_path, runner)
    policy = write_policy(tmp_path / "policy.yaml", command)
    base = _fixes(repo, 2, after="import os, shutil\nshutil.rmtree(os.getcwd())\n")
    result = reviewgate(repo.path, "verify", "-j", "1", "--config", str(policy),
                        f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 proven" in result.stdout
    worktrees = {line.rsplit(" ", 1)[0] for line in where.read_text().splitlines()}
    assert len(worktrees) == 2  # the second fix got a new one
    assert our_worktrees(repo) == []


def _notes(repo: Repo) -> list[str]:
    return git(repo.path, "notes", "--ref", "reviewgate", "list", check=False).stdout.split()


def _notes_commits(repo: Repo) -> int:
    found = git(repo.path, "rev-list", "--count", "refs/notes/reviewgate", check=False)
    return int(found.stdout) if found.returncode == 0 else 0


def test_one_run_writes_one_notes_commit(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _fixes(repo, 3)
    first = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert first.returncode == 0, first.stdout + first.stderr
    assert len(_notes(repo)) // 2 == 3  # `notes list`: note blob, then annotated tree
    assert _notes_commits(repo) == 1
    second = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "3 from the cache" in second.stdout
    assert len(runner.runs()) == 6 and _notes_commits(repo) == 1


def test_new_notes_join_a_fanned_out_notes_tree(repo: Repo, tmp_path: Path) -> None:
    # 600 notes, written as git would: two hex digits of fan-out (ab/cdef...).
    stream = ["commit refs/notes/reviewgate\ncommitter A <a@example.org> 1 +0000\ndata 0\n"]
    names = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(600)]
    stream += [f"M 100644 inline {name}\ndata 2\nx\n" for name in names]
    git(repo.path, "fast-import", "--quiet", input="".join(stream) + "\n")
    git(repo.path, "notes", "--ref", "reviewgate", "add", "-f", "-m", "x", names[0])
    top = git(repo.path, "ls-tree", "--name-only", "refs/notes/reviewgate").stdout.split()
    assert top and all(len(name) == 2 for name in top)  # git fanned it out
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _fixes(repo, 2)
    assert reviewgate(repo.path, "verify", "--config", str(policy),
                      f"{base}..HEAD").returncode == 0
    paths = git(repo.path, "ls-tree", "-r", "--name-only", "refs/notes/reviewgate").stdout.split()
    assert len(paths) == 602 and all(len(p.split("/")[0]) == 2 for p in paths)
    green = git(repo.path, "rev-parse", "HEAD^{tree}").stdout.strip()
    assert " outcome=proven " in git(repo.path, "notes", "--ref", "reviewgate", "show",
                                     green).stdout
    again = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "2 from the cache" in again.stdout


def test_a_note_written_meanwhile_is_kept(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another verify writes its note between our read of the notes and our write.
    base = base_project(repo)
    other = git(repo.path, "rev-parse", f"{base}^{{tree}}").stdout.strip()
    green = git(repo.path, "rev-parse", f"{same_commit_fix(repo)}^{{tree}}").stdout.strip()
    git(repo.path, "notes", "--ref", "reviewgate", "add", "-m", "v1 old line", green)
    real_stream = cache_writer._stream
    calls = []

    def stream_then_race(*args: object) -> bytes:
        calls.append(args)
        if len(calls) == 1:
            git(repo.path, "notes", "--ref", "reviewgate", "add", "-m", "theirs", other)
        return real_stream(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_writer, "_stream", stream_then_race)
    result = CachedResult(CacheKey("0" * 40, green, "c0ffee"), "proven", 1, 0, "ok")
    cache_writer.write_results(str(repo.path / ".git"), [result])
    assert len(calls) == 2  # the first write was refused, the second went on top
    assert git(repo.path, "notes", "--ref", "reviewgate", "show", other).stdout == "theirs\n"
    ours = git(repo.path, "notes", "--ref", "reviewgate", "show", green).stdout
    assert ours.splitlines() == [result.line()]  # a line of no known shape is dropped
    assert _notes_commits(repo) == 3


def test_a_batch_older_than_its_limit_is_written_at_once(repo: Repo) -> None:
    green = git(repo.path, "rev-parse", f"{base_project(repo)}^{{tree}}").stdout.strip()
    batch = cache_writer.Batch(str(repo.path / ".git"), flush_seconds=0)
    for command in ("c1", "c2"):
        batch.add(CachedResult(CacheKey("0" * 40, green, command), "proven", 1, 0, "ok"))
    assert batch.pending == [] and _notes_commits(repo) == 2
    note = git(repo.path, "notes", "--ref", "reviewgate", "show", green).stdout
    assert [line.split()[3] for line in note.splitlines()] == ["command=c1", "command=c2"]


def test_ctrl_c_keeps_the_results_that_finished(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _fixes(repo, 2)
    repo.commit("fix: hang", {"pkg/m0.py": "def f():\n    return 0  # again\n",
                              "tests/test_hang.py": "import time\ntime.sleep(120)\n"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", "verify", "-j", "2", "--config", str(policy),
         f"{base}..HEAD"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # Both quick fixes have their verdicts (a progress line each); the
        # hanging test has started.
        assert proc.stderr is not None
        progress = [proc.stderr.readline(), proc.stderr.readline()]
        assert all(" proven" in line for line in progress), progress
        wait_for(lambda: len(runner.pids.read_text().split()) == 5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert len(_notes(repo)) // 2 == 2 and _notes_commits(repo) == 1
    assert our_worktrees(repo) == []
