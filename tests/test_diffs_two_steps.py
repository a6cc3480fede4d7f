"""`check` reads diffs in two steps: paths for every fix candidate, then line
changes only for the test files a fix modifies. Both steps must agree with the
one-step read that gives everything."""

from __future__ import annotations

import pytest

from conftest import Repo
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.model.fix import TWO_COMMIT
from reviewgate.pairs import test_patches
from reviewgate.pairs.diffs import read_changes, read_diffs
from reviewgate.pairs.fixes import pair_fixes
from reviewgate.pairs.test_patches import (
    read_test_patches,
    weakening_candidates,
    with_test_patches,
)
from reviewgate.policy.schema import Policy

POLICY = Policy()


def history(repo: Repo) -> dict[str, str]:
    shas = {
        "base": repo.commit(
            "feat: start",
            {
                "src/calc.py": "def add(a, b):\n    return a - b\n",
                "tests/test_[calc].py": "def test_one():\n    assert True\n",
                "tests/test_old.py": "def test_old():\n    assert 1\n",
            },
        ),
    }
    shas["test"] = repo.commit(
        "test: show the bug",
        {"tests/test_[calc].py": "def test_one():\n    assert True\n\n"
         "def test_add():\n    assert add(1, 2) == 3\n"},
    )
    shas["fix"] = repo.commit(
        "fix: add adds",
        {
            "src/calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_[calc].py": "def test_one():\n    assert True\n",
        },
    )
    shas["adds-only"] = repo.commit(
        "fix: a new test, a new fix",
        {"src/calc.py": "def add(a, b):\n    return b + a\n", "tests/test_new.py": "x = 1\n"},
    )
    repo.git("mv", "tests/test_old.py", "tests/test_renamed.py")
    shas["rename"] = repo.commit(
        "fix: rename a test and change the code",
        {"src/calc.py": "def add(a, b):\n    return sum((a, b))\n"},
    )
    return shas


def test_paths_first_then_patches_equal_the_one_step_read(repo: Repo) -> None:
    shas = history(repo)
    handle = open_repo(repo.path)
    order = list(shas.values())
    full = read_diffs(handle, order, POLICY)
    paths_only = read_changes(handle, order, POLICY)
    assert {sha: d.paths for sha, d in paths_only.items()} == {
        sha: d.paths for sha, d in full.items()
    }
    # The first step names the test files but reads none of their lines.
    assert all(not f.hunks for d in paths_only.values() for f in d.test_files)
    assert [f.path for f in paths_only[shas["fix"]].test_files] == ["tests/test_[calc].py"]

    commits = list(read_commits(handle, RangeSpec(("HEAD",)), with_paths=False))
    needed = weakening_candidates(pair_fixes(commits, POLICY, paths_only), paths_only)
    # The fix that edits a test file, its test commit, and the rename; a fix that only
    # adds a test file cannot take a line away.
    assert needed == {
        shas["fix"]: {"tests/test_[calc].py"},
        shas["test"]: {"tests/test_[calc].py"},
        shas["rename"]: {"tests/test_old.py", "tests/test_renamed.py"},
    }
    patches = read_test_patches(handle, needed, POLICY)
    merged = with_test_patches(paths_only, patches)
    for sha in needed:
        assert merged[sha].test_files == full[sha].test_files, sha
    # The glob characters in `test_[calc].py` were read literally, not as a pattern.
    assert merged[shas["fix"]].test_files[0].hunks


def test_the_pair_is_found_from_paths_alone(repo: Repo) -> None:
    shas = history(repo)
    handle = open_repo(repo.path)
    paths_only = read_changes(handle, [shas["test"], shas["fix"]], POLICY)
    commits = list(read_commits(handle, RangeSpec((f"{shas['base']}..{shas['fix']}",)),
                                with_paths=False))
    [fix] = pair_fixes(commits, POLICY, paths_only)
    assert fix.shape == TWO_COMMIT and fix.test_commit is not None
    assert fix.test_commit.sha == shas["test"]


def test_check_still_names_the_weakened_lines(repo: Repo) -> None:
    from reviewgate.pipeline.run import run_check

    shas = history(repo)
    result = run_check(revisions=("HEAD",), cwd=repo.path)
    weakened = [f for f in result.findings if f.code == "RG204"]
    assert {f.sha for f in weakened} == {shas["fix"]}
    assert weakened[0].message.endswith(
        f"test lines its test commit {shas['test'][:10]} added: "
        "tests/test_[calc].py lines 4-5 (`def test_add():` and 1 more)"
    )


def test_without_a_pathspec_the_patches_are_the_same(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many paths are read whole rather than through a long, slow pathspec.
    shas = history(repo)
    handle = open_repo(repo.path)
    wanted = {shas["fix"]: {"tests/test_[calc].py"}, shas["test"]: {"tests/test_[calc].py"}}
    limited = read_test_patches(handle, wanted, POLICY)
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 0)
    whole = read_test_patches(handle, wanted, POLICY)
    assert limited[shas["fix"]] == whole[shas["fix"]]
    # Read whole, a commit still shows only the wanted test files.
    assert [f.path for f in whole[shas["test"]]] == ["tests/test_[calc].py"]
    assert whole[shas["fix"]][0].hunks


def test_only_the_wanted_test_files_are_read_line_by_line(repo: Repo) -> None:
    # RG204 looks at the lines of the test files a fix modifies, and of those only:
    # a test file the same commit adds keeps its path and status, without lines.
    base = repo.commit("feat: start", {"tests/test_a.py": "def test_a():\n    assert 1\n"})
    fix = repo.commit(
        "fix: weaken one test, add another",
        {"tests/test_a.py": "def test_a():\n    pass\n", "tests/test_b.py": "x = 1\n",
         "src/code.py": "y = 2\n"},
    )
    handle = open_repo(repo.path)
    paths_only = read_changes(handle, [base, fix], POLICY)
    patches = read_test_patches(handle, {fix: {"tests/test_a.py"}}, POLICY)
    assert [f.path for f in patches[fix]] == ["tests/test_a.py"]
    merged = with_test_patches(paths_only, patches)[fix].test_files
    assert [(f.path, f.status) for f in merged] == [("tests/test_a.py", "M"),
                                                   ("tests/test_b.py", "A")]
    assert merged[0].hunks == read_diffs(handle, [fix], POLICY)[fix].test_files[0].hunks
    assert merged[0].hunks[0].removed == ("    assert 1",)
    assert merged[1].hunks == ()


def test_line_changes_read_in_the_background_arrive_on_first_lookup(repo: Repo) -> None:
    from reviewgate.errors import GitError
    from reviewgate.pairs.test_patches import PendingDiffs, start_test_patches

    shas = history(repo)
    handle = open_repo(repo.path)
    paths_only = read_changes(handle, list(shas.values()), POLICY)
    wanted = {shas["fix"]: {"tests/test_[calc].py"}}
    pending = PendingDiffs(paths_only, start_test_patches(handle, wanted, POLICY))
    assert len(pending) == len(paths_only)
    assert pending[shas["fix"]] == with_test_patches(
        paths_only, read_test_patches(handle, wanted, POLICY))[shas["fix"]]
    assert pending[shas["fix"]].test_files[0].hunks
    # git's failure in the background is raised where the diffs are looked up.
    broken = PendingDiffs(paths_only, start_test_patches(handle, {"f" * 40: {"x"}}, POLICY))
    with pytest.raises(GitError, match="diff-tree"):
        broken[shas["fix"]]


def test_the_background_read_split_in_two_equals_one_read(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewgate.pairs.test_patches import start_test_patches

    shas = history(repo)
    handle = open_repo(repo.path)
    wanted = {shas["test"]: {"tests/test_[calc].py"}, shas["fix"]: {"tests/test_[calc].py"},
              shas["rename"]: {"tests/test_old.py", "tests/test_renamed.py"}}
    whole = read_test_patches(handle, wanted, POLICY)
    monkeypatch.setattr(test_patches, "_SPLIT_AT", 2)  # three commits: two processes
    assert start_test_patches(handle, wanted, POLICY)() == whole
    assert set(whole) == set(wanted) and all(whole.values())


def test_a_covering_pathspec_names_directories_when_the_paths_are_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reviewgate.pairs.test_patches import covering_pathspec

    paths = {"tests/unit/a.py", "tests/unit/b.py", "tests/e2e/c.py", "pkg/tests/d.py"}
    assert covering_pathspec(paths) == ("--", *sorted(paths))
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 3)
    assert covering_pathspec(paths) == ("--", "pkg/tests", "tests/e2e", "tests/unit")
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 2)
    # One level up: "pkg" and "tests"; a directory inside another is dropped.
    assert covering_pathspec(paths) == ("--", "pkg", "tests")
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 1)
    assert covering_pathspec(paths) == ()  # top level reached: no limit at all
    assert covering_pathspec({"test_top.py", "tests/x/y.py"}) == ()


def test_patches_read_under_a_directory_pathspec_equal_the_whole_read(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = history(repo)
    handle = open_repo(repo.path)
    wanted = {shas["fix"]: {"tests/test_[calc].py"},
              shas["rename"]: {"tests/test_old.py", "tests/test_renamed.py"}}
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 1)  # read under "tests"
    by_directory = read_test_patches(handle, wanted, POLICY)
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 0)  # read whole
    assert by_directory == read_test_patches(handle, wanted, POLICY)
    assert by_directory[shas["rename"]][0].status == "R"


def test_paths_from_the_log_pair_fixes_as_the_diff_tree_read_does(repo: Repo) -> None:
    # JSON and SARIF reports read every commit's paths with the log, the text report
    # does not; pairing reads the fix candidates with diff-tree either way, and the
    # findings must not depend on the report's format.
    from reviewgate.pipeline.run import run_check

    history(repo)
    repo.commit("test: only a test", {"tests/test_more.py": "def test_x():\n    assert 0\n"})
    repo.commit("fix: make test_x pass", {"src/calc.py": "X = 1\n"})
    repo.commit("fix: untested", {"src/calc.py": "X = 2\n"})
    from_log = run_check(revisions=("HEAD",), cwd=repo.path, with_paths=True)
    from_diff_tree = run_check(revisions=("HEAD",), cwd=repo.path, with_paths=False)
    assert all(c.changes is not None for c in from_log.commits)
    assert all(c.changes is None for c in from_diff_tree.commits)
    assert from_log.findings == from_diff_tree.findings
    assert {f.code for f in from_log.findings} >= {"RG201", "RG204"}
    assert from_log.evidence is not None and from_diff_tree.evidence is not None
    assert [(f.commit.sha, f.shape) for f in from_log.evidence.fixes] == [
        (f.commit.sha, f.shape) for f in from_diff_tree.evidence.fixes]


def test_a_limited_read_that_pairs_renames_otherwise_is_read_again_whole(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under the pathspec "pkg", other/helper.py is out of sight, so git pairs the
    # deleted test with pkg/helper.py (more alike) and calls the renamed test new:
    # its removed lines would vanish and RG204 with them (found by a review of
    # 1475abf).
    common = "".join(f"    assert common_{i}() == {i}\n" for i in range(40))
    old = "def test_old():\n" + common + "".join(f"    assert old_{i}()\n" for i in range(10))
    helper = "def helper():\n" + common + "".join(f"    return other_{i}\n" for i in range(10))
    new = ("def test_old():\n" + "".join(f"    assert common_{i}() == {i}\n" for i in range(25))
           + "".join(f"    assert new_{i}()\n" for i in range(20)))
    repo.commit("chore: base", {"pkg/test_old.py": old, "other/helper.py": helper,
                                "src/code.py": "v = 0\n"})
    repo.git("rm", "-q", "pkg/test_old.py", "other/helper.py")
    fix = repo.commit("fix: the real one", {"src/code.py": "v = 1\n", "pkg/test_new.py": new,
                                            "pkg/helper.py": helper})
    handle = open_repo(repo.path)
    paths_only = read_changes(handle, [fix], POLICY)
    renamed = ("R", "pkg/test_new.py", "pkg/test_old.py")
    assert renamed in {(f.status, f.path, f.old_path) for f in paths_only[fix].test_files}
    wanted = {fix: {"pkg/test_old.py", "pkg/test_new.py"}}
    monkeypatch.setattr(test_patches, "_MAX_PATHSPECS", 1)  # read under "pkg"
    astray = read_test_patches(handle, wanted, POLICY)[fix]
    assert renamed not in {(f.status, f.path, f.old_path) for f in astray}
    checked = read_test_patches(handle, wanted, POLICY, paths_only)[fix]
    assert [(f.status, f.path, f.old_path) for f in checked] == [renamed]
    assert checked[0].hunks and any(h.removed for h in checked[0].hunks)
