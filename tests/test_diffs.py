"""reviewgate.pairs.diffs: one `git diff-tree --stdin` for many commits, on real repositories."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.errors import GitError
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.model.commit import ChangedPath
from reviewgate.model.evidence import FileDiff
from reviewgate.pairs.diffs import read_diffs
from reviewgate.policy.schema import Policy

POLICY = Policy()


def diffs_of(repo: Repo, *shas: str) -> dict:
    return read_diffs(open_repo(repo.path), shas, POLICY)


def apply(old: list[str], diff: FileDiff) -> list[str]:
    """The new file from the old one and the -U0 hunks, as `patch` would make it."""
    out: list[str] = []
    done = 0  # old lines consumed
    for hunk in diff.hunks:
        # With count 0 the old start names the line the insertion follows.
        upto = hunk.old.start - 1 if hunk.old.count else hunk.old.start
        out.extend(old[done:upto])
        assert old[upto : upto + hunk.old.count] == list(hunk.removed)
        out.extend(hunk.added)
        done = upto + hunk.old.count
    return out + old[done:]


def test_root_commit_and_paths_git_would_quote(repo: Repo) -> None:
    files = {
        "src/with space.py": "a\n",
        "src/new\nline.py": "b\n",
        "tests/test_ünï.py": "assert True\n",
        "tests/data/blob.bin": b"\0\1\2",
    }
    root = repo.commit("init\n", files=files)
    diff = diffs_of(repo, root)[root]
    assert sorted(p.path for p in diff.paths) == sorted(files)
    assert {p.status for p in diff.paths} == {"A"}
    tests = {f.path: f for f in diff.test_files}
    assert set(tests) == {"tests/test_ünï.py", "tests/data/blob.bin"}
    assert tests["tests/data/blob.bin"].binary and tests["tests/data/blob.bin"].hunks == ()
    (hunk,) = tests["tests/test_ünï.py"].hunks
    assert (hunk.old.count, hunk.new.start, hunk.added) == (0, 1, ("assert True",))


def test_non_utf8_path_round_trips(repo: Repo) -> None:
    name = b"tests/caf\xe9.py"
    (repo.path / "tests").mkdir()
    (repo.path / name.decode("utf-8", "surrogateescape")).write_bytes(b"x = '\xe9'\n")
    sha = repo.commit("init\n")
    (test_file,) = diffs_of(repo, sha)[sha].test_files
    assert test_file.path.encode("utf-8", "surrogateescape") == name
    assert test_file.hunks[0].added[0].encode("utf-8", "surrogateescape") == b"x = '\xe9'"


def test_renamed_test_file_with_edits(repo: Repo) -> None:
    body = "".join(f"line {i}\n" for i in range(30))
    repo.commit("init\n", files={"tests/test_old.py": body})
    repo.git("mv", "tests/test_old.py", "tests/test_new.py")
    sha = repo.commit("move\n", files={"tests/test_new.py": body.replace("line 7\n", "L7\n")})
    diff = diffs_of(repo, sha)[sha]
    assert diff.paths == (ChangedPath("R", "tests/test_new.py", "tests/test_old.py", 96),)
    (moved,) = diff.test_files
    assert (moved.old_path, moved.status) == ("tests/test_old.py", "R")
    assert [(h.removed, h.added) for h in moved.hunks] == [(("line 7",), ("L7",))]


def test_test_moved_into_sources_is_still_read(repo: Repo) -> None:
    repo.commit("init\n", files={"tests/test_x.py": "a\nb\nc\nd\n"})
    (repo.path / "src").mkdir()
    repo.git("mv", "tests/test_x.py", "src/x.py")
    sha = repo.commit("move\n")
    (moved,) = diffs_of(repo, sha)[sha].test_files
    assert (moved.path, moved.old_path) == ("src/x.py", "tests/test_x.py")


def test_deleted_empty_and_merge_commits(repo: Repo) -> None:
    repo.commit("init\n", files={"tests/test_a.py": "one\ntwo\n", "src/a.py": "a\n"})
    repo.git("rm", "-q", "tests/test_a.py")
    deleted = repo.commit("drop test\n")
    empty = repo.commit("nothing\n")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side\n", files={"src/side.py": "s\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main\n", files={"src/main.py": "m\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side")
    merge = repo.head()
    found = diffs_of(repo, deleted, empty, merge)
    (gone,) = found[deleted].test_files
    assert gone.status == "D" and gone.hunks[0].removed == ("one", "two")
    assert found[empty].paths == () and found[empty].test_files == ()
    assert found[merge].paths == (ChangedPath("A", "src/side.py"),)


def test_type_change_is_one_path_with_both_halves(repo: Repo) -> None:
    repo.commit("init\n", files={"tests/test_t.py": "old\n", "src/a.py": "a\n"})
    (repo.path / "tests/test_t.py").unlink()
    (repo.path / "tests/test_t.py").symlink_to("../src/a.py")
    sha = repo.commit("to a link\n", files={"src/a.py": "b\n"})
    diff = diffs_of(repo, sha)[sha]
    assert [(p.status, p.path) for p in diff.paths] == [("M", "src/a.py"), ("T", "tests/test_t.py")]
    (changed,) = diff.test_files
    assert [(h.removed, h.added) for h in changed.hunks] == [(("old",), ()), ((), ("../src/a.py",))]


def test_hunks_rebuild_the_new_file(repo: Repo) -> None:
    rng = random.Random(7)
    lines = [f"v{i}" for i in range(60)]
    repo.commit("init\n", files={"tests/test_r.py": "\n".join(lines) + "\n"})
    shas = []
    for _ in range(12):
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(lines) + 1)
            action = rng.choice(["insert", "delete", "edit"])
            if action == "insert" or not lines:
                lines.insert(at, f"new{rng.random():.6f}")
            elif action == "delete":
                del lines[min(at, len(lines) - 1)]
            else:
                lines[min(at, len(lines) - 1)] += " edited"
        shas.append(repo.commit("edit\n", files={"tests/test_r.py": "\n".join(lines) + "\n"}))
    found = diffs_of(repo, *shas)
    for sha in shas:
        before = repo.git("show", f"{sha}~1:tests/test_r.py").stdout.splitlines()
        after = repo.git("show", f"{sha}:tests/test_r.py").stdout.splitlines()
        (test_file,) = found[sha].test_files
        assert apply(before, test_file) == after


def test_only_test_files_carry_hunks(repo: Repo) -> None:
    repo.commit("init\n", files={"src/a.py": "a\n", "tests/test_a.py": "t\n"})
    sha = repo.commit("both\n", files={"src/a.py": "b\n", "tests/test_a.py": "u\n"})
    diff = diffs_of(repo, sha)[sha]
    assert [p.path for p in diff.paths] == ["src/a.py", "tests/test_a.py"]
    assert [f.path for f in diff.test_files] == ["tests/test_a.py"]


def test_many_commits_cost_one_git_process(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = [repo.commit(f"c{i}\n", files={f"tests/test_{i}.py": f"{i}\n"}) for i in range(15)]
    repo_handle = open_repo(repo.path)
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    found = read_diffs(repo_handle, shas, POLICY)
    monkeypatch.delenv("GIT_TRACE2_EVENT")
    assert len(found) == 15
    starts = [
        event["argv"]
        for event in map(json.loads, trace.read_text().splitlines())
        if event["event"] == "start"
    ]
    assert len(starts) == 1 and starts[0][1:4] == [
        "--literal-pathspecs",
        "--git-dir=" + str(repo_handle.git_dir),
        "diff-tree",
    ]


def test_bare_repository(repo: Repo, tmp_path: Path) -> None:
    sha = repo.commit("init\n", files={"tests/test_a.py": "t\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    found = read_diffs(open_repo(bare), [sha], POLICY)
    assert [f.path for f in found[sha].test_files] == ["tests/test_a.py"]


def test_unknown_commit_is_a_git_error(repo: Repo) -> None:
    repo.commit("init\n", files={"a": "a\n"})
    with pytest.raises(GitError, match="diff-tree"):
        diffs_of(repo, "0" * 40)


def test_nothing_asked_runs_nothing(repo: Repo) -> None:
    assert diffs_of(repo) == {}


def test_paths_agree_with_git_log_on_a_realistic_history(tmp_path: Path) -> None:
    bench = Path(__file__).resolve().parents[1] / "bench" / "make_repo.py"
    target = tmp_path / "history"
    subprocess.run(
        [sys.executable, str(bench), str(target), "--commits", "300", "--seed", "5"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    handle = open_repo(target)
    commits = list(read_commits(handle, RangeSpec(("HEAD",))))
    assert any(c.is_merge for c in commits) and any(
        p.status == "R" for c in commits for p in c.changes or ()
    )
    found = read_diffs(handle, [c.sha for c in commits], POLICY)
    assert {c.sha: tuple(found[c.sha].paths) for c in commits} == {
        c.sha: c.changes for c in commits
    }
