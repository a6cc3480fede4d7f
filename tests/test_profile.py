"""A profile of reviewgate can be taken (issue 15): `python -m cProfile -o FILE -m
reviewgate check` writes its profile (the quick exit that skips tearing down a long
range's objects steps aside for a profiler), and REVIEWGATE_PROFILE=FILE does the
same for the installed command, hooks included."""

from __future__ import annotations

import os
import pstats
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo


def functions(profile: Path) -> set[str]:
    stats = pstats.Stats(str(profile))
    return {name for (_, _, name) in stats.stats}  # type: ignore[attr-defined]


def test_python_m_cprofile_writes_the_profile_of_check(repo: Repo, tmp_path: Path) -> None:
    repo.commit("feat: one\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n")
    out = tmp_path / "check.prof"
    proc = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "reviewgate", "check", "HEAD"],
        cwd=repo.path, capture_output=True, text=True,
    )
    assert "RG101" in proc.stdout, proc.stderr
    assert "run_check" in functions(out)


@pytest.mark.parametrize("command", [["check", "HEAD"], ["hook", "commit-msg", "msg"]])
def test_reviewgate_profile_writes_the_profile_and_keeps_the_exit_status(
    repo: Repo, tmp_path: Path, command: list[str]
) -> None:
    repo.commit("feat: one\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n")
    (repo.path / "msg").write_text("feat: two\n\nAssisted-by: Claude\n")
    out = tmp_path / "run.prof"
    proc = subprocess.run(
        [sys.executable, "-m", "reviewgate", *command],
        cwd=repo.path, capture_output=True, text=True,
        env={**os.environ, "REVIEWGATE_PROFILE": str(out)},
    )
    assert proc.returncode == (1 if command[0] == "check" else 0), proc.stderr
    assert ("run_check" if command[0] == "check" else "commit_msg_hook") in functions(out)
