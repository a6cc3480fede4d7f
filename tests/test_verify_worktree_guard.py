"""Ways around verify's guards through what reviewgate itself does outside the
test command: putting back the worktree's `.git` link, checking trees out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import Repo
from verify_helpers import (
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    write_policy,
)

PASSING = (
    "import os, sys\nsys.path.insert(0, os.getcwd())\n"
    "from pkg.calc import add\nassert add(2, 3) == 5\n"
)


@pytest.mark.parametrize("what", ["symlink", "directory", "fifo"])
def test_a_replaced_git_link_is_not_written_through(
    repo: Repo, tmp_path: Path, what: str
) -> None:
    victim = tmp_path / "victim.txt"  # a file of the user's, say ~/.bashrc
    victim.write_text("the user's own\n")
    make = {
        "symlink": f"os.symlink({str(victim)!r}, '.git')",
        "directory": "os.mkdir('.git'); open('.git/config', 'w').close()",
        "fifo": "os.mkfifo('.git')",
    }[what]
    base = base_project(repo)
    same_commit_fix(repo, test=f"import os\n{make}\n" + PASSING)
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"])
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout  # red and green both ran
    assert victim.read_text() == "the user's own\n"
    assert our_worktrees(repo) == []
