"""Ways around verify's guards through what reviewgate itself does outside the
test command: putting back the worktree's `.git` link, checking trees out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.verify.sandbox import unusable
from verify_helpers import (
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    write_policy,
)

MODES = [
    "none",
    pytest.param(
        "bwrap", marks=pytest.mark.skipif(bool(unusable()), reason=f"no sandbox here: {unusable()}")
    ),
]
PASSING = (
    "import os, sys\nsys.path.insert(0, os.getcwd())\n"
    "from pkg.calc import add\nassert add(2, 3) == 5\n"
)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("what", ["symlink", "directory", "fifo"])
def test_a_replaced_git_link_is_not_written_through(
    repo: Repo, tmp_path: Path, mode: str, what: str
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
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"], sandbox=mode)
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout  # red and green both ran
    assert victim.read_text() == "the user's own\n"
    assert our_worktrees(repo) == []


@pytest.mark.parametrize("kind", ["smudge", "process"])
def test_checkouts_run_no_filter_the_pull_request_names(
    repo: Repo, tmp_path: Path, kind: str
) -> None:
    marker = tmp_path / "filter-ran"
    base = base_project(repo)
    # The pull request names a filter for its files; the repository's configuration
    # defines it (as `git lfs install` defines `lfs` on a CI runner).
    repo.commit("chore: attributes", {".gitattributes": "* filter=evil\n"})
    same_commit_fix(repo, test=PASSING)
    repo.git("config", f"filter.evil.{kind}", f"sh -c 'echo ran >> {marker}; cat'")
    repo.git("config", "filter.evil.required", "true")
    # git itself runs it on a checkout of these trees.
    repo.git("worktree", "add", "-q", "--detach", str(tmp_path / "plain"), "HEAD", check=False)
    assert marker.exists()
    marker.unlink()
    repo.git("worktree", "remove", "--force", str(tmp_path / "plain"), check=False)
    repo.git("worktree", "prune")
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"])
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    assert not marker.exists()
    assert our_worktrees(repo) == []


def test_filters_are_off_even_with_odd_driver_names(repo: Repo, tmp_path: Path) -> None:
    from reviewgate.verify.worktree import without_filters

    repo.commit("feat: x", {"a.txt": "a\n"})
    repo.git("config", "filter.a=b.smudge", "false")
    repo.git("config", "filter.x.y.clean", "false")
    env = without_filters(str(repo.path))
    pairs = {
        env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"]
        for i in range(int(env["GIT_CONFIG_COUNT"]))
    }
    assert pairs == {
        "filter.a=b.smudge": "",
        "filter.a=b.clean": "",
        "filter.a=b.process": "",
        "filter.x.y.smudge": "",
        "filter.x.y.clean": "",
        "filter.x.y.process": "",
        "filter.a=b.required": "false",
        "filter.x.y.required": "false",
    }
    shown = repo.git("config", "--get", "filter.a=b.smudge", env=env).stdout
    assert shown == "\n"
