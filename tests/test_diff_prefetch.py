"""DiffPrefetch: the fix candidates' diffs, read while the log streams, are the
diffs a separate read would give; a range without fixes starts no process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.pairs.diffs import read_changes
from reviewgate.pairs.fixes import fix_candidates
from reviewgate.pairs.prefetch import DiffPrefetch
from reviewgate.pipeline.run import run_check
from reviewgate.policy.schema import Policy

POLICY = Policy()


def history(repo: Repo) -> list[str]:
    return [
        repo.commit("feat: start", {"src/a.py": "a = 1\n", "tests/test_a.py": "x = 1\n"}),
        repo.commit("test: show it", {"tests/test_a.py": "x = 1\ny = 2\n"}),
        repo.commit("fix: a pair", {"src/a.py": "a = 2\n"}),
        repo.commit("fix: same commit", {"src/a.py": "a = 3\n", "tests/test_a.py": "x = 1\n"}),
        repo.commit("docs: words", {"README.md": "hi\n"}),
        repo.commit("fix: no test", {"src/a.py": "a = 4\n"}),
    ]


def prefetched(repo: Repo, revisions: tuple[str, ...]) -> tuple[dict, list]:
    handle = open_repo(repo.path)
    prefetch = DiffPrefetch(handle, POLICY)
    commits = []
    for commit in read_commits(handle, RangeSpec(revisions), with_paths=False):
        commits.append(commit)
        prefetch.offer(commit)
    return prefetch.finish(), commits


def test_the_prefetched_diffs_are_the_candidates_diffs(repo: Repo) -> None:
    history(repo)
    found, commits = prefetched(repo, ("HEAD",))
    wanted = fix_candidates(commits, POLICY)
    assert set(found) == wanted
    # Paths only: the line changes of the few test files a fix modifies are read
    # afterwards (a fix's whole patch may be a huge generated file).
    assert found == read_changes(open_repo(repo.path), wanted, POLICY)
    assert all(not f.hunks for diff in found.values() for f in diff.test_files)


def test_a_parent_outside_the_range_is_not_read(repo: Repo) -> None:
    shas = history(repo)
    # The range starts at the pair's fix: its test commit is not part of it. (At the
    # edge of a shallow clone such a parent may not exist, and asking git for it
    # would end diff-tree with a fatal error.)
    found, _ = prefetched(repo, (f"{shas[1]}..HEAD",))
    assert shas[1] not in found
    assert {shas[2], shas[3], shas[5]} <= set(found)


def test_a_range_without_fixes_starts_no_diff_process(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("feat: one", {"a.py": "1\n"})
    repo.commit("feat: two", {"a.py": "2\n"})
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    run_check(revisions=("HEAD",), cwd=repo.path)
    monkeypatch.delenv("GIT_TRACE2_EVENT")
    commands = [
        event["argv"][1:]
        for event in map(json.loads, trace.read_text().splitlines())
        if event["event"] == "start"
    ]
    assert not [argv for argv in commands if "diff-tree" in argv], commands


def test_a_check_that_fails_midway_leaves_no_git_running(repo: Repo) -> None:
    history(repo)
    handle = open_repo(repo.path)
    prefetch = DiffPrefetch(handle, POLICY)
    for commit in read_commits(handle, RangeSpec(("HEAD",)), with_paths=False):
        prefetch.offer(commit)
    process = prefetch._process
    assert process is not None
    prefetch.abort()
    assert process.poll() is not None


def test_a_nul_late_in_a_source_file_does_not_break_check(repo: Repo) -> None:
    # git calls a file text when its first NUL lies past byte 8000; a line holding
    # "\0diff --git" was taken for the start of another file's patch, and check
    # stopped with "3 patches for 2 changed paths" (exit 2) on any such fix.
    repo.commit("feat: start", {"src/a.py": "a = 1\n", "tests/test_a.py": "x = 1\n"})
    content = b"x" * 9000 + b"\nok\0diff --git a/zz b/zz\n"
    sha = repo.commit(
        "fix: handle it", {"tests/test_a.py": "x = 1\ny = 2\n", "src/a.txt": content}
    )
    result = run_check(revisions=("HEAD~1..HEAD",), cwd=repo.path)
    assert [(f.code, f.sha) for f in result.findings] == []
    assert result.commits[0].sha == sha


def test_the_test_commit_s_lines_are_named_whatever_the_log_order(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With skewed dates git log shows the test commit before its fix; it was then
    # read without line changes, and RG204 called its lines older ones.
    def at(date: str) -> None:
        monkeypatch.setenv("GIT_AUTHOR_DATE", date)
        monkeypatch.setenv("GIT_COMMITTER_DATE", date)

    at("2026-01-01T00:00:00Z")
    base = repo.commit("feat: start", {"src/a.py": "a = 1\n", "tests/test_a.py": "x = 1\n"})
    at("2026-01-05T00:00:00Z")
    test = repo.commit("test: show bug", {"tests/test_a.py": "x = 1\nassert a == 2\n"})
    repo.git("branch", "side")
    at("2026-01-02T00:00:00Z")
    fix = repo.commit("fix: the bug", {"src/a.py": "a = 2\n", "tests/test_a.py": "x = 1\n"})
    repo.git("checkout", "-q", "side")
    at("2026-01-06T00:00:00Z")
    repo.commit("feat: side", {"b.py": "b\n"})
    repo.git("checkout", "-q", "main")
    at("2026-01-07T00:00:00Z")
    repo.git("merge", "-q", "--no-ff", "side", "-m", "Merge side")
    result = run_check(revisions=(f"{base}..HEAD",), cwd=repo.path)
    weakened = [f for f in result.findings if f.code == "RG204"]
    assert [f.sha for f in weakened] == [fix]
    assert f"test lines its test commit {test[:10]} added: tests/test_a.py line 2" in (
        weakened[0].message
    )
