"""Issue 12, item 13: an object git cannot read (a damaged repository, a partial
clone whose promisor is out of reach) ends the check with exit 2 in one line that
names the object, the commit and the path that hold it, and the fix (`git fetch`,
`git fsck`), not `unable to read <sha>` alone. Real repositories with objects
removed from the object store."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Repo, git
from test_check_cli import reviewgate


def drop(repo_path: Path, oid: str) -> None:
    """Remove a loose object, as a damaged disk or an interrupted copy would."""
    (repo_path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()


@pytest.fixture
def fixed(repo: Repo) -> tuple[Repo, str, str]:
    """A fix that edits a test; the working tree moved on, so that git cannot take
    the file's content from it instead of the object store."""
    base = repo.commit(
        "feat: start\n", {"tests/test_a.py": "def test_a():\n    assert 1\n", "src/a.py": "x = 1\n"}
    )
    fix = repo.commit(
        "fix: a\n", {"tests/test_a.py": "def test_a():\n    assert 2\n", "src/a.py": "x = 2\n"}
    )
    repo.write("tests/test_a.py", "moved on\n")
    return repo, base, fix


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "`git fetch origin`" in lines[0] and "`git fsck`" in lines[0]
    return lines[0]


def test_an_unreadable_blob_names_its_commit_and_path(fixed: tuple[Repo, str, str]) -> None:
    repo, base, fix = fixed
    blob = repo.git("rev-parse", f"{fix}:tests/test_a.py").stdout.strip()
    drop(repo.path, blob)
    line = one_line_error(reviewgate(repo.path, "check", f"{base}..{fix}"))
    assert f"cannot read object {blob[:12]} (tests/test_a.py in commit {fix[:10]})" in line


@pytest.mark.parametrize("fmt", ["text", "json"])  # json reads paths with the log itself
def test_an_unreadable_tree_names_its_commit_and_path(
    fixed: tuple[Repo, str, str], fmt: str
) -> None:
    repo, base, fix = fixed
    tree = repo.git("rev-parse", f"{fix}:tests").stdout.strip()
    drop(repo.path, tree)
    line = one_line_error(reviewgate(repo.path, "check", "--format", fmt, f"{base}..{fix}"))
    assert f"cannot read object {tree[:12]} (tests in commit {fix[:10]})" in line


def test_an_unreadable_commit_names_its_child(repo: Repo) -> None:
    base = repo.commit("feat: start\n")
    lost = repo.commit("feat: lost\n")
    tip = repo.commit("feat: tip\n")
    drop(repo.path, lost)
    line = one_line_error(reviewgate(repo.path, "check", f"{base}..{tip}"))
    assert f"(commit {lost[:10]}, a parent of {tip[:10]})" in line


def test_a_partial_clone_without_its_promisor(fixed: tuple[Repo, str, str], tmp_path: Path) -> None:
    repo, base, fix = fixed
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(origin))
    git(origin, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    git(
        tmp_path,
        "clone",
        "-q",
        "--no-local",
        "--no-checkout",
        "--filter=blob:none",
        f"file://{origin}",
        str(clone),
    )
    away = tmp_path / "away.git"
    origin.rename(away)  # the promisor is out of reach
    line = one_line_error(reviewgate(clone, "check", f"{base}..{fix}"))
    assert "tests/test_a.py in commit" in line or "src/a.py in commit" in line
    assert f"commit {fix[:10]}" in line
    # Within reach again, git fetches what the check reads, as the message says.
    away.rename(origin)
    assert reviewgate(clone, "check", f"{base}..{fix}").returncode in (0, 1)
