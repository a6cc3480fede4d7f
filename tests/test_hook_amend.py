"""Issue 16, item 1: `git commit --amend` judges the commit being made, through
real `git commit --amend` runs with hooks/ as core.hooksPath (the pre-commit
route is in test_hooks_installed.py). The amended commit's change is the index
against HEAD's parent, so a fix amended with a source-only tweak keeps the test
it brought."""

from __future__ import annotations

import sys

import pytest

from conftest import Repo
from reviewgate.git.amending import commit_amends
from test_hook_commit_msg import HOOKS_DIR, commit, run_git
from test_hook_pairs import out, stage

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="--amend is read from /proc"
)


@pytest.fixture
def hooked(repo: Repo) -> Repo:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("init\n", {"src/app.py": "x = 1\n", "tests/test_app.py": "t = 1\n"})
    return repo


def test_amending_a_fix_with_a_source_tweak_goes_ahead(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 2\n", "tests/test_app.py": "t = 2\n"})
    assert commit(hooked, "fix: off by one\n").returncode == 0
    fixed = hooked.head()
    stage(hooked, {"src/app.py": "x = 3\n"})
    result = run_git(hooked, "commit", "--amend", "--no-edit")
    assert result.returncode == 0, out(result)
    assert hooked.head() != fixed
    assert "RG201" not in out(result)


def test_amend_with_a_new_message_and_an_alias(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 2\n", "tests/test_app.py": "t = 2\n"})
    assert commit(hooked, "fix: off by one\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 3\n"})
    assert commit(hooked, "fix: off by one, again\n", "--amend").returncode == 0
    hooked.git("config", "alias.amend", "commit --amend --no-edit")
    stage(hooked, {"src/app.py": "x = 4\n"})
    result = run_git(hooked, "amend")
    assert result.returncode == 0, out(result)


def test_without_amend_the_same_tweak_is_a_fix_without_test(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 2\n", "tests/test_app.py": "t = 2\n"})
    assert commit(hooked, "feat: two\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 3\n"})
    # A new commit (HEAD is no test-only commit): rejected as before.
    result = commit(hooked, "fix: three\n")
    assert result.returncode == 1 and "RG201" in out(result)


def test_amending_a_fix_that_never_had_a_test_is_still_rejected(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 2\n"})
    assert commit(hooked, "feat: two\n").returncode == 0
    before = hooked.head()
    stage(hooked, {"src/app.py": "x = 3\n"})
    result = commit(hooked, "fix: three\n", "--amend")
    assert result.returncode == 1 and "RG201" in out(result)
    assert hooked.head() == before
    assert "git commit --amend -e -F" in out(result)  # the retry amends too


def test_amend_keeps_a_two_commit_pair_with_heads_parent(hooked: Repo) -> None:
    stage(hooked, {"tests/test_app.py": "t = 5\n"})
    assert commit(hooked, "test: show the bug\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 5\n"})
    assert commit(hooked, "fix: the bug\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 6\n"})
    result = run_git(hooked, "commit", "--amend", "--no-edit")
    assert result.returncode == 0, out(result)


@pytest.mark.parametrize(
    ("argv", "amends"),
    [
        (["git", "commit", "--amend", "--no-edit"], True),
        (["/usr/bin/git", "-C", "/x", "commit", "--am"], True),
        (["git", "commit", "-mx", "--amend"], True),
        (["git", "commit", "-m", "--amend"], False),  # the message, not the option
        (["git", "commit", "-C", "HEAD"], False),  # git's hooks cannot tell this apart
        (["git", "commit", "--amend", "--no-amend"], False),
        (["git", "commit", "--", "--amend"], False),
        (["git", "amend"], True),
        (["git", "merge", "topic"], False),
        (["sh", "-c", "git commit --amend"], None),
    ],
)
def test_commit_amends_reads_gits_command_line(argv: list[str], amends: bool | None) -> None:
    assert commit_amends(argv, {"alias.amend": "commit --amend --no-edit"}) is amends
