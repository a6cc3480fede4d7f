"""Fix recognition and pairing, on real repositories read by the real `git log`."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import Repo
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.model.commit import Commit
from reviewgate.model.fix import NO_TEST_NEEDED, SAME_COMMIT, TWO_COMMIT, UNPAIRED, Fix
from reviewgate.pairs.fixes import fix_candidates, is_fix, pair_fixes
from reviewgate.policy.schema import CommitsPolicy, FixesPolicy, Policy

POLICY = Policy()


def history(repo: Repo, *revisions: str) -> list[Commit]:
    return list(read_commits(open_repo(repo.path), RangeSpec(revisions or ("HEAD",))))


def fixes_of(repo: Repo, policy: Policy = POLICY, *revisions: str) -> dict[str, Fix]:
    commits = history(repo, *revisions)
    return {fix.commit.sha: fix for fix in pair_fixes(commits, policy, {})}


def with_pairing(pairing: str) -> Policy:
    return dataclasses.replace(POLICY, fixes=FixesPolicy(pairing=pairing))


def base(repo: Repo) -> str:
    return repo.commit("init\n", files={"src/app.py": "x = 1\n", "tests/test_app.py": "t = 1\n"})


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("fix: crash\n", True),
        ("Fix(parser)!: crash\n", True),  # types are case-insensitive
        ("hotfix: x\n", True),
        ("feat: add\n", False),
        ("area: fix the crash\n", True),  # `area: fix …`
        ("parser: Fixes a crash\n", True),
        ("Fix typo\n", True),  # `Fix …` without a colon
        ("fix(parser) crash on empty input\n", True),
        ("Fixed the build\n", True),
        ("bugfix: x\n", True),
        ("Fixture for the parser\n", False),
        ("fixup! fix: crash\n", False),  # folded into its target by --autosquash
        ("docs: prefix fix\n", False),  # `fix` must start the area's text
        ("Add a fix-me note\n", False),
        ("feat: x\n\nFixes: #12\n", True),
        ("feat: x\n\ncloses: #12\n", True),
        ("feat: x\n\nFixes:\n", False),  # an empty trailer is no claim
    ],
)
def test_is_fix(repo: Repo, message: str, expected: bool) -> None:
    repo.commit(message)
    assert is_fix(history(repo)[0], POLICY) is expected


def test_same_commit_pair(repo: Repo) -> None:
    base(repo)
    fix = repo.commit(
        "fix: off by one\n", files={"src/app.py": "x = 2\n", "tests/test_app.py": "t = 2\n"}
    )
    found = fixes_of(repo)[fix]
    assert (found.shape, found.test_paths, found.test_commit) == (
        SAME_COMMIT,
        ("tests/test_app.py",),
        None,
    )
    assert fixes_of(repo, with_pairing("previous-commit"))[fix].shape == UNPAIRED


def test_two_commit_pair_by_adjacency(repo: Repo) -> None:
    base(repo)
    test = repo.commit(
        "test: show the bug\n", files={"tests/test_app.py": "t = 3\n", "README.md": "x\n"}
    )
    fix = repo.commit("fix: the bug\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    assert found.shape == TWO_COMMIT
    assert found.test_commit is not None and found.test_commit.sha == test
    assert found.test_paths == ("tests/test_app.py",)
    assert fixes_of(repo, with_pairing("same-commit"))[fix].shape == UNPAIRED
    # Only the commit just before counts: one commit in between breaks the pair.
    repo.git("reset", "-q", "--hard", test)
    repo.commit("feat: other\n", files={"src/other.py": "y\n"})
    late = repo.commit("fix: the bug\n", files={"src/app.py": "x = 3\n"})
    assert fixes_of(repo)[late].shape == UNPAIRED


def test_fix_with_tests_after_a_test_commit(repo: Repo) -> None:
    base(repo)
    test = repo.commit("test: a\n", files={"tests/test_app.py": "t = 3\n"})
    own = repo.commit("fix: b\n", files={"src/app.py": "x = 3\n", "tests/test_b.py": "b\n"})
    assert fixes_of(repo)[own].shape == SAME_COMMIT  # its own, other test file
    repo.git("reset", "-q", "--hard", test)
    cont = repo.commit("fix: a\n", files={"src/app.py": "x = 3\n", "tests/test_app.py": "t\n"})
    found = fixes_of(repo)[cont]
    assert found.shape == TWO_COMMIT and found.test_commit is not None
    assert found.test_commit.sha == test


def test_previous_commit_that_touches_sources_is_no_test_commit(repo: Repo) -> None:
    base(repo)
    repo.commit("test: x\n", files={"tests/test_app.py": "t = 3\n", "src/app.py": "x = 9\n"})
    fix = repo.commit("fix: x\n", files={"src/app.py": "x = 3\n"})
    assert fixes_of(repo)[fix].shape == UNPAIRED


def test_parent_outside_the_range_does_not_pair(repo: Repo) -> None:
    base(repo)
    test = repo.commit("test: x\n", files={"tests/test_app.py": "t = 3\n"})
    fix = repo.commit("fix: x\n", files={"src/app.py": "x = 3\n"})
    assert fixes_of(repo, POLICY, f"{test}..HEAD")[fix].shape == UNPAIRED
    assert fix_candidates(history(repo, f"{test}..HEAD"), POLICY) == {fix}


def test_test_commit_trailer(repo: Repo) -> None:
    base(repo)
    test = repo.commit("test: x\n", files={"tests/test_app.py": "t = 3\n"})
    repo.commit("chore: between\n", files={"Makefile": "all:\n"})
    fix = repo.commit(f"fix: x\n\nTest-commit: {test[:8]}\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    assert found.shape == TWO_COMMIT and found.test_commit is not None
    assert found.test_commit.sha == test
    commits = history(repo)
    assert fix_candidates(commits, POLICY) == {fix, commits[1].sha, test}


def test_test_commit_trailer_naming_a_source_commit(repo: Repo) -> None:
    base(repo)
    other = repo.commit("feat: y\n", files={"src/y.py": "y\n", "tests/test_y.py": "t\n"})
    fix = repo.commit(f"fix: x\n\nTest-commit: {other}\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    assert found.shape == UNPAIRED
    assert "does not change only tests" in found.note


def test_test_commit_trailer_naming_nothing_or_a_later_commit(repo: Repo) -> None:
    base(repo)
    fix = repo.commit("fix: x\n\nTest-commit: deadbeef\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    assert found.shape == UNPAIRED and "names no single commit" in found.note


def test_ignored_only_and_test_only_fixes_need_no_test(repo: Repo) -> None:
    base(repo)
    docs = repo.commit("fix: typo\n", files={"docs/guide.rst": "x\n", "README.md": "y\n"})
    flaky = repo.commit("fix: flaky test\n", files={"tests/test_app.py": "t = 9\n"})
    found = fixes_of(repo)
    assert found[docs].shape == NO_TEST_NEEDED
    assert found[flaky].shape == NO_TEST_NEEDED


def test_test_files_under_ignored_globs_are_tests(repo: Repo) -> None:
    base(repo)
    fix = repo.commit("fix: x\n", files={"src/app.py": "x = 5\n", "tests/data/expected.txt": "5\n"})
    assert fixes_of(repo)[fix].shape == SAME_COMMIT


def test_root_commit_fix(repo: Repo) -> None:
    root = repo.commit("fix: first\n", files={"src/app.py": "x\n", "tests/test_app.py": "t\n"})
    assert fixes_of(repo)[root].shape == SAME_COMMIT
    assert fix_candidates(history(repo), POLICY) == {root}


def test_a_test_moved_out_of_the_tests_shows_no_bug(repo: Repo) -> None:
    # This test used to expect a same-commit pair with no test to run: moving a test
    # away, like deleting it, leaves nothing that can show the bug.
    base(repo)
    (repo.path / "src/moved").mkdir()
    repo.git("mv", "tests/test_app.py", "src/moved/helper.py")
    fix = repo.commit("fix: x\n", files={"src/app.py": "x = 7\n"})
    assert fixes_of(repo)[fix].shape == UNPAIRED
    assert fixes_of(repo)[fix].test_paths == ()


def test_waiver_with_and_without_reason(repo: Repo) -> None:
    base(repo)
    waived = repo.commit(
        "fix: x\n\nTest-waiver: needs real hardware\n", files={"src/app.py": "x = 3\n"}
    )
    empty = repo.commit("fix: y\n\nTest-waiver:\n", files={"src/app.py": "x = 4\n"})
    found = fixes_of(repo)
    assert (found[waived].shape, found[waived].waiver) == (UNPAIRED, "needs real hardware")
    assert (found[empty].shape, found[empty].waiver) == (UNPAIRED, None)
    assert "gives no reason" in found[empty].note


def test_merges_and_fixups_follow_policy(repo: Repo) -> None:
    base(repo)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("feat: side\n", files={"src/side.py": "s\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("chore: main\n", files={"src/main.py": "m\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "fix: merge topic", "topic")
    merge = repo.head()
    fixup = repo.commit("fixup! fix: merge topic\n", files={"src/app.py": "x = 8\n"})
    assert set(fixes_of(repo)) == set()
    checking = dataclasses.replace(POLICY, commits=CommitsPolicy(merges="check", fixups="check"))
    found = fixes_of(repo, checking)
    assert found[merge].shape == UNPAIRED  # against its first parent: src/side.py
    assert fixup not in found  # "fixup! fix: …" does not start with a fix type


def test_missing_diff_is_an_error_not_a_pass(repo: Repo) -> None:
    base(repo)
    repo.commit("fix: x\n", files={"src/app.py": "x = 3\n"})
    commits = list(read_commits(open_repo(repo.path), RangeSpec(("HEAD",)), with_paths=False))
    with pytest.raises(LookupError):
        pair_fixes(commits, POLICY, {})


def test_a_test_changed_between_the_named_test_commit_and_the_fix(repo: Repo) -> None:
    # Red is the test commit, green the fix: a commit between them that weakened the
    # test went unseen, and the pair passed.
    base(repo)
    test = repo.commit("test: x\n", files={"tests/test_app.py": "assert f(1) == 2\n"})
    middle = repo.commit(
        "chore: relax\n",
        files={"tests/test_app.py": "assert f(1) in (1, 2)\n", "Makefile": "all:\n"},
    )
    fix = repo.commit(f"fix: x\n\nTest-commit: {test[:8]}\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    assert found.shape == UNPAIRED
    assert found.note == (
        f"Test-commit: {middle[:10]}, between the test commit and the fix, changes a test "
        "(tests/test_app.py)"
    )
    assert {test, middle, fix} <= fix_candidates(history(repo), POLICY)


def test_a_named_test_commit_off_the_first_parent_line(repo: Repo) -> None:
    base(repo)
    repo.git("checkout", "-q", "-b", "side")
    test = repo.commit("test: x\n", files={"tests/test_app.py": "t = 3\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("chore: y\n", files={"Makefile": "all:\n"})
    repo.git("merge", "-q", "--no-ff", "side", "-m", "Merge side")
    fix = repo.commit(f"fix: x\n\nTest-commit: {test[:8]}\n", files={"src/app.py": "x = 3\n"})
    found = fixes_of(repo)[fix]
    # Not paired with the commit it names (the merge just before it may still pair
    # by adjacency: its first-parent diff changes only the test).
    assert found.test_commit is None or found.test_commit.sha != test
    assert "first-parent line" in found.note
