"""One worktree per parallel job, reused fix after fix, with nothing of one fix's
runs reaching the next."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from verify_helpers import (
    Runner,
    our_worktrees,
    reviewgate,
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
# The test command logs the directory it ran in, then runs the Runner.
WHERE = "import os, sys\nopen({log!r}, 'a').write(os.getcwd() + '\\n')\n"


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
    worktrees = set(where.read_text().splitlines())
    assert len(worktrees) == int(jobs), worktrees  # one per job, for every fix it ran
    assert our_worktrees(repo) == []
    assert not any(Path(path).exists() for path in worktrees)


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
    assert len(set(where.read_text().splitlines())) == 2  # the second fix got a new one
    assert our_worktrees(repo) == []
