"""The verifier's parts: the red tree (against git's own index machinery), the
command expansion, the shard split, the note format, and RG205 for a root commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Repo, git
from reviewgate.model.evidence import Evidence, Verdict
from reviewgate.policy.files import load_policy
from reviewgate.verify.cache import CachedResult, CacheKey, parse_line, parse_note, render_note
from reviewgate.verify.objects import ObjectReader
from reviewgate.verify.plan import Job, parse_shard, select_shard
from reviewgate.verify.rules import check_verified
from reviewgate.verify.runner import expand_command
from verify_helpers import Runner, reviewgate, write_policy


def _red_tree_by_git(repo: Repo, tmp_path: Path, parent: str, fix: str, paths: list[str]) -> str:
    """The red tree the slow way: a temporary index, C's test entries put in."""
    env = {"GIT_INDEX_FILE": str(tmp_path / "red.index")}
    git(repo.path, "read-tree", parent, env=env)
    listed = git(repo.path, "ls-tree", "-r", "-z", fix, "--", *paths).stdout
    zero = "0" * len(parent)
    info = [f"0 {zero}\t{p}" for p in paths]
    info += [entry for entry in listed.split("\0") if entry]
    git(repo.path, "update-index", "-z", "--index-info", input="\0".join(info) + "\0", env=env)
    return git(repo.path, "write-tree", env=env).stdout.strip()


def test_red_tree_matches_gits_index(repo: Repo, tmp_path: Path) -> None:
    repo.commit("base", {
        "src/a.py": "a = 1\n", "tests/test_a.py": "old\n", "tests/deep/x/test_gone.py": "x\n",
        "tests/test_moved.py": "m\n", "tests/sub/keep.py": "k\n", "z.txt": "z\n",
    })
    parent = repo.head()
    git(repo.path, "rm", "-q", "tests/deep/x/test_gone.py")
    (repo.path / "tests" / "new dir").mkdir()
    git(repo.path, "mv", "tests/test_moved.py", "tests/new dir/test_moved.py")
    fix = repo.commit("fix: many test changes", {
        "src/a.py": "a = 2\n", "tests/test_a.py": "new\n", "tests/test_added.py": "n\n",
        "tests/sub/keep.py": "k2\n",
    })
    os.chmod(repo.path / "tests/test_added.py", 0o755)
    fix = repo.commit("fix: exec bit", {"src/a.py": "a = 3\n"})
    paths = ["tests/test_a.py", "tests/test_added.py", "tests/deep/x/test_gone.py",
             "tests/test_moved.py", "tests/new dir/test_moved.py", "tests/sub/keep.py"]
    expected = _red_tree_by_git(repo, tmp_path, parent, fix, paths)
    with ObjectReader(str(repo.path / ".git")) as reader:
        red = reader.red_tree(reader.tree_of(parent) or "", reader.tree_of(fix) or "", paths)
    assert red.oid == expected
    # The source stays as it was before the fix; the emptied directory is gone.
    assert git(repo.path, "show", f"{expected}:src/a.py").stdout == "a = 1\n"
    assert "deep" not in git(repo.path, "ls-tree", "--name-only", f"{expected}:tests").stdout


def test_no_test_change_gives_the_parent_tree(repo: Repo) -> None:
    parent = repo.commit("base", {"src/a.py": "1\n", "tests/t.py": "t\n"})
    fix = repo.commit("fix", {"src/a.py": "2\n"})
    with ObjectReader(str(repo.path / ".git")) as reader:
        base = reader.tree_of(parent) or ""
        red = reader.red_tree(base, reader.tree_of(fix) or "", ["tests/t.py"])
    assert red.oid == base and red.new_trees == ()


def test_expand_command() -> None:
    argv = ["pytest", "-q", "{tests}", "--rootdir={root}", "--files={tests}"]
    assert expand_command(argv, ["a b.py", "c.py"], "/w") == [
        "pytest", "-q", "a b.py", "c.py", "--rootdir=/w", "--files=a b.py c.py"]


@given(st.lists(st.text("0123456789abcdef", min_size=40, max_size=40), unique=True,
                max_size=40), st.integers(1, 7))
def test_shards_partition_the_jobs_evenly(shas: list[str], total: int) -> None:
    jobs = [Job(sha, "same-commit", None, "p", (), ("t.py",)) for sha in shas]
    parts = [select_shard(jobs, (k, total)) for k in range(1, total + 1)]
    assert sorted(j.fix for part in parts for j in part) == sorted(shas)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    for part in parts:  # each shard keeps the range's order
        assert [j.fix for j in part] == [j.fix for j in jobs if j in part]
    assert parts == [select_shard(list(jobs), (k, total)) for k in range(1, total + 1)]


@pytest.mark.parametrize("text,expected", [("1/1", (1, 1)), ("2/3", (2, 3))])
def test_parse_shard(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


def test_note_lines_round_trip_and_merge_to_the_worst() -> None:
    key = CacheKey("a" * 40, "b" * 40, "c" * 16)
    proven = CachedResult(key, "proven", 1, 0, "")
    flaky = CachedResult(key, "not-green", 1, 1, "the test still\nfails")
    assert parse_line(proven.line()) == proven
    assert parse_line(flaky.line()) == CachedResult(key, "not-green", 1, 1, "the test still fails")
    merged = proven.line() + "\n" + flaky.line() + "\n"  # what cat_sort_uniq gives
    assert parse_note(merged)[key].outcome == "not-green"
    other = CachedResult(CacheKey("d" * 40, "b" * 40, "c" * 16), "error", 2, None, "x")
    text = render_note(render_note("", proven), other)
    assert text.splitlines() == sorted(text.splitlines()) and len(text.splitlines()) == 2
    assert parse_note(render_note(text, flaky))[key].outcome == "not-green"
    assert parse_line("v2 something else") is None


def test_verdicts_become_findings_and_policy_can_silence_them(repo: Repo) -> None:
    from reviewgate.git.repo import RangeSpec, open_repo, read_commits

    repo.commit("base", {"a": "1"})
    repo.commit("fix: one", {"a": "2"})
    commits = list(read_commits(open_repo(repo.path), RangeSpec(("HEAD~1..HEAD",))))
    sha = commits[0].sha
    for outcome, code in (("not-red", "RG202"), ("not-green", "RG203"), ("error", "RG205")):
        evidence = Evidence(verdicts={sha: Verdict(sha, outcome, 1, 1, "why")})
        [finding] = check_verified(commits, load_policy(None), evidence)
        assert finding.code == code and finding.sha == sha
        off = load_policy(None, text=f"rules:\n  {code}: off\n")
        assert list(check_verified(commits, off, evidence)) == []
    proven = Evidence(verdicts={sha: Verdict(sha, "proven", 1, 0)})
    assert list(check_verified(commits, load_policy(None), proven)) == []


def test_a_root_commit_fix_is_rg205(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    repo.commit("fix: first commit", {"pkg/a.py": "x = 1\n", "tests/test_a.py": "assert 1\n"})
    result = reviewgate(repo.path, "verify", "--config", str(policy), "HEAD")
    assert result.returncode == 1
    assert "cannot verify a root commit" in result.stdout and "RG205" in result.stdout
    assert runner.runs() == []


def test_progress_plain_lines_and_bar(capsys: pytest.CaptureFixture[str]) -> None:
    from reviewgate.commands.verify import Progress

    plain = Progress(interactive=False)
    plain(Verdict("a" * 40, "proven", 1, 0, cached=True), 1, 2)
    plain(Verdict("b" * 40, "not-red", 0), 2, 2)
    plain.close()
    assert capsys.readouterr().err.splitlines() == [
        f"[1/2] {'a' * 12} proven (cached)", f"[2/2] {'b' * 12} not-red"]
    bar = Progress(interactive=True)
    bar(Verdict("a" * 40, "proven", 1, 0), 1, 2)
    bar(Verdict("b" * 40, "proven", 1, 0), 2, 2)
    bar.close()
    assert "verifying fixes" in capsys.readouterr().err


def test_red_tree_in_a_sha256_repository(tmp_path: Path) -> None:
    path = tmp_path / "s256"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(path))
    repo = Repo(path)
    parent = repo.commit("base", {"src/a.py": "1\n"})
    fix = repo.commit("fix", {"src/a.py": "2\n", "tests/sub/test_a.py": "t\n"})
    expected = _red_tree_by_git(repo, tmp_path, parent, fix, ["tests/sub/test_a.py"])
    assert len(expected) == 64
    with ObjectReader(str(path / ".git")) as reader:
        red = reader.red_tree(reader.tree_of(parent) or "", reader.tree_of(fix) or "",
                              ["tests/sub/test_a.py"])
    assert red.oid == expected
