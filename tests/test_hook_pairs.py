"""RG201 in the commit-msg hook, through real `git commit` runs with reviewgate's hooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.model.commit import ChangedPath
from reviewgate.pairs.hook import parse_name_status
from test_hook_commit_msg import HOOKS_DIR, commit, run_git


@pytest.fixture
def hooked(repo: Repo) -> Repo:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("init\n", {"src/app.py": "x = 1\n", "tests/test_app.py": "t = 1\n"})
    return repo


def stage(repo: Repo, files: dict[str, str]) -> None:
    for path, text in files.items():
        repo.write(path, text)
    repo.git("add", "-A")


def out(result: object) -> str:
    return result.stderr.decode() + result.stdout.decode()  # type: ignore[attr-defined]


def git_commands(trace: Path) -> list[list[str]]:
    """The argv of every git process the traced run started (hooks' included)."""
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    commands = [e["argv"][1:] for e in events if e["event"] == "start"]
    return [c[2:] if c[:1] == ["-C"] else c for c in commands]


def test_fix_without_a_test_is_rejected(hooked: Repo) -> None:
    before = hooked.head()
    stage(hooked, {"src/app.py": "x = 2\n"})
    result = commit(hooked, "fix: off by one\n")
    assert result.returncode != 0
    assert "RG201 this fix has no test" in out(result)
    assert "Test-waiver: <reason>" in out(result)
    assert hooked.head() == before


def test_fix_with_its_test_staged_goes_ahead(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 2\n", "tests/test_app.py": "t = 2\n"})
    result = commit(hooked, "fix: off by one\n")
    assert result.returncode == 0, out(result)
    assert "RG201" not in out(result)


def test_commit_all_sees_the_temporary_index(hooked: Repo) -> None:
    hooked.write("src/app.py", "x = 3\n")
    hooked.write("tests/test_app.py", "t = 3\n")
    assert commit(hooked, "fix: a\n", "-a").returncode == 0
    hooked.write("src/app.py", "x = 4\n")
    hooked.write("tests/test_app.py", "t = 4\n")
    # Only the named path goes into the commit: no test, rejected.
    result = commit(hooked, "fix: b\n", "--", "src/app.py")
    assert result.returncode != 0 and "RG201" in out(result)


def test_two_commit_pair_uses_head(hooked: Repo) -> None:
    stage(hooked, {"tests/test_app.py": "t = 5\n"})
    assert commit(hooked, "test: show the bug\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 5\n"})
    assert commit(hooked, "fix: the bug\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 6\n"})
    result = commit(hooked, "fix: another\n")  # HEAD is now a source change
    assert result.returncode != 0 and "RG201" in out(result)


def test_pairing_same_commit_does_not_read_head(hooked: Repo, tmp_path: Path) -> None:
    hooked.write(".reviewgate.yaml", "fixes:\n  pairing: same-commit\n")
    stage(hooked, {"tests/test_app.py": "t = 5\n"})
    assert commit(hooked, "test: show the bug\n").returncode == 0
    stage(hooked, {"src/app.py": "x = 5\n"})
    trace = tmp_path / "trace.json"
    result = commit(hooked, "fix: the bug\n", env={"GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode != 0 and "in the fix itself" in out(result)
    commands = git_commands(trace)
    assert next(c for c in commands if c[0] == "diff")[:2] == ["diff", "--cached"]
    assert not [c for c in commands if c[0] == "diff-tree"]


def test_a_commit_that_is_no_fix_runs_no_diff(hooked: Repo, tmp_path: Path) -> None:
    stage(hooked, {"src/app.py": "x = 7\n"})
    trace = tmp_path / "trace.json"
    result = commit(hooked, "feat: more\n", env={"GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode == 0, out(result)
    commands = git_commands(trace)
    assert any(c[:1] == ["commit"] for c in commands)  # the trace saw the run
    assert not [c for c in commands if c[0] in ("diff", "diff-tree")]


def test_waiver_lets_the_commit_through_with_a_notice(hooked: Repo) -> None:
    stage(hooked, {"src/app.py": "x = 8\n"})
    result = commit(hooked, "fix: timing\n\nTest-waiver: only reproducible on real hardware\n")
    assert result.returncode == 0, out(result)
    assert "goes ahead with 1 notice (RG201" in out(result)
    assert "will need a sign-off before it reaches main" in out(result)
    stage(hooked, {"src/app.py": "x = 9\n"})
    empty = commit(hooked, "fix: timing\n\nTest-waiver:\n")
    assert empty.returncode != 0 and "gives no reason" in out(empty)


def test_root_commit_fix(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    stage(repo, {"src/app.py": "x\n"})
    result = commit(repo, "fix: first\n")
    assert result.returncode != 0 and "RG201" in out(result)
    stage(repo, {"tests/test_app.py": "t\n"})
    assert commit(repo, "fix: first\n").returncode == 0


def test_docs_only_fix_and_test_paths_with_odd_names(hooked: Repo) -> None:
    stage(hooked, {"docs/guide.rst": "typo fixed\n", "README.md": "x\n"})
    assert commit(hooked, "fix: typo\n").returncode == 0
    stage(hooked, {"src/my app.py": "y\n", "tests/test my\napp.py": "t\n"})
    assert commit(hooked, "fix: spaces\n").returncode == 0


def test_test_commit_trailer_to_an_older_commit_is_left_to_check(hooked: Repo) -> None:
    stage(hooked, {"tests/test_app.py": "t = 5\n"})
    commit(hooked, "test: show\n")
    test_sha = hooked.head()
    stage(hooked, {"src/other.py": "o\n"})
    commit(hooked, "feat: other\n")
    stage(hooked, {"src/app.py": "x = 5\n"})
    result = commit(hooked, f"fix: it\n\nTest-commit: {test_sha[:12]}\n")
    assert result.returncode == 0, out(result)
    # Naming HEAD is judged in the hook itself: HEAD here changes sources only.
    stage(hooked, {"src/app.py": "x = 6\n"})
    head = hooked.head()
    result = commit(hooked, f"fix: again\n\nTest-commit: {head}\n")
    assert result.returncode != 0 and "does not change only tests" in out(result)


def test_rg201_off_costs_nothing(hooked: Repo, tmp_path: Path) -> None:
    hooked.write(".reviewgate.yaml", "rules:\n  RG201: off\n")
    stage(hooked, {"src/app.py": "x = 10\n"})
    trace = tmp_path / "trace.json"
    result = commit(hooked, "fix: x\n", env={"GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode == 0, out(result)
    assert not [c for c in git_commands(trace) if c[0] in ("diff", "diff-tree")]


def test_parse_name_status_against_git(hooked: Repo) -> None:
    hooked.git("mv", "tests/test_app.py", "tests/test_renamed.py")
    stage(hooked, {"new\nline.py": "n\n"})
    raw = run_git(hooked, "diff", "--cached", "-z", "--name-status", "-M").stdout
    found = parse_name_status(raw.decode())
    assert set(found) == {
        ChangedPath("R", "tests/test_renamed.py", "tests/test_app.py", 100),
        ChangedPath("A", "new\nline.py"),
    }


@pytest.mark.parametrize("author,pushed,accepted", [
    ("Tess Tester <tess@example.org>", True, False),  # someone else's, already on a remote
    ("Tess Tester <tess@example.org>", False, True),  # goes up in the same range
    (None, True, True),  # the fix's own author's test commit, already pushed
])
def test_head_pairs_as_check_would_pair_it(
    hooked: Repo, author: str | None, pushed: bool, accepted: bool
) -> None:
    hooked.commit("test: show the bug\n", {"tests/test_bug.py": "assert False\n"},
                  **({"author": author} if author else {}))
    if pushed:
        hooked.git("update-ref", "refs/remotes/origin/main", "HEAD")
    stage(hooked, {"src/app.py": "x = 2\n"})
    result = commit(hooked, "fix: the bug\n")
    assert (result.returncode == 0) is accepted, out(result)
    assert ("RG201" in out(result)) is not accepted
