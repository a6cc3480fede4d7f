"""shallow.py against real shallow clones made with `git clone --depth 1 file://…`."""

from __future__ import annotations

import shutil
from pathlib import Path

import git as gitpython
import pytest

from conftest import Repo, git
from reviewgate.git.shallow import deepen_for, is_shallow, range_complete, shallow_commits


def _source(repo: Repo, commits: int = 30) -> list[str]:
    """`commits` commits on main, each changing a file; oldest first. One
    fast-import process makes them all: a commit per process would dominate."""
    stream = []
    for number in range(1, commits + 1):
        message, content = f"change {number}\n", f"{number}\n"
        stream += [
            "commit refs/heads/main",
            f"mark :{number}",
            f"committer Ada Author <ada@example.org> {1767323045 + number} +0000",
            f"data {len(message)}",
            message.rstrip("\n"),
            f"M 100644 inline count.txt\ndata {len(content)}\n{content.rstrip()}",
            "",
        ]
    repo.git("fast-import", "--quiet", input="\n".join(stream) + "\n")
    repo.git("reset", "-q", "--hard", "main")
    return repo.git("rev-list", "--reverse", "main").stdout.split()


def _clone(source: Path, target: Path, *args: str) -> Path:
    git(target.parent, "clone", "-q", "--depth", "1", *args, f"file://{source}", str(target))
    return target


def _rev_list(path: Path, *revisions: str) -> list[str]:
    return git(path, "rev-list", *revisions, "--").stdout.split()


def _dirty(path: Path) -> None:
    """A staged change, an unstaged one and an untracked file: fetching keeps them."""
    (path / "count.txt").write_text("staged\n")
    git(path, "add", "count.txt")
    (path / "count.txt").write_text("staged, then edited\n")
    (path / "untracked.txt").write_text("mine\n")


def _state(path: Path) -> dict[str, object]:
    """Everything a fetch must leave alone (read without refreshing the index)."""
    files = {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(path).parts
    }
    return {
        "branches": git(path, "for-each-ref", "refs/heads").stdout,
        "head": (path / ".git" / "HEAD").read_text(),
        "index": (path / ".git" / "index").read_bytes(),
        "status": git(path, "--no-optional-locks", "status", "--porcelain=v1", "-uall").stdout,
        "files": files,
    }


@pytest.fixture
def source(repo: Repo) -> list[str]:
    return _source(repo)


def test_complete_clone_is_not_shallow_and_needs_no_remote(repo: Repo, source: list[str]) -> None:
    handle = gitpython.Repo(repo.path)
    assert not is_shallow(handle)
    assert range_complete(handle, (f"{source[0]}..{source[-1]}",))
    assert deepen_for(handle, (f"{source[0]}..{source[-1]}",), remote="nowhere")


def test_range_of_5_commits_deepens_just_enough(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    _dirty(clone)
    before, refs = _state(clone), git(clone, "for-each-ref").stdout
    handle = gitpython.Repo(clone)
    revisions = (f"{source[-6]}..{source[-1]}",)
    assert is_shallow(handle)
    assert not range_complete(handle, revisions)

    assert deepen_for(handle, revisions, first_step=2)

    assert _rev_list(clone, *revisions) == _rev_list(repo.path, *revisions)
    assert len(_rev_list(clone, *revisions)) == 5
    assert range_complete(handle, revisions)
    # Two rounds (2, then 4) reach the base; the rest of the history stays unfetched.
    assert is_shallow(handle)
    assert len(_rev_list(clone, "HEAD")) == 1 + 2 + 4
    assert _state(clone) == before
    assert git(clone, "for-each-ref").stdout == refs


def test_range_of_25_commits_doubles_the_step(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    _dirty(clone)
    before = _state(clone)
    handle = gitpython.Repo(clone)
    revisions = (source[-1], "--not", source[-26])

    assert deepen_for(handle, revisions, first_step=4)

    assert _rev_list(clone, *revisions) == _rev_list(repo.path, *revisions)
    assert len(_rev_list(clone, *revisions)) == 25
    # 1 + 4 + 8 + 16 = 29 of the 30 commits: the root is still missing.
    assert is_shallow(handle)
    assert source[0] not in _rev_list(clone, "HEAD")
    assert _state(clone) == before


def test_unshallows_when_the_rounds_run_out(repo: Repo, source: list[str], tmp_path: Path) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    handle = gitpython.Repo(clone)
    revisions = (f"{source[-26]}..{source[-1]}",)

    assert deepen_for(handle, revisions, first_step=2, max_rounds=1)

    assert not is_shallow(handle)
    assert not (clone / ".git" / "shallow").exists()
    assert _rev_list(clone, "HEAD") == _rev_list(repo.path, "HEAD")


def test_max_count_needs_only_that_many(repo: Repo, source: list[str], tmp_path: Path) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    handle = gitpython.Repo(clone)
    # Depth 3 lists 3 commits, the third cut off: not enough for 4.
    assert deepen_for(handle, ("HEAD",), first_step=2, max_rounds=1, max_count=3)
    assert len(_rev_list(clone, "HEAD")) == 3
    assert deepen_for(handle, ("HEAD",), first_step=4, max_count=4)
    assert len(_rev_list(clone, "HEAD")) == 7
    assert _rev_list(clone, "--max-count=4", "HEAD") == _rev_list(
        repo.path, "--max-count=4", "HEAD"
    )
    assert is_shallow(handle)


def test_returns_false_when_the_source_is_gone(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    _dirty(clone)
    before, boundary = _state(clone), (clone / ".git" / "shallow").read_text()
    shutil.move(repo.path, tmp_path / "moved")
    handle = gitpython.Repo(clone)

    assert not deepen_for(handle, (f"{source[-6]}..{source[-1]}",), first_step=2)

    assert (clone / ".git" / "shallow").read_text() == boundary
    assert _state(clone) == before


def test_returns_false_without_the_remote(repo: Repo, source: list[str], tmp_path: Path) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    git(clone, "remote", "remove", "origin")
    handle = gitpython.Repo(clone)
    assert not deepen_for(handle, (f"{source[-6]}..{source[-1]}",))
    # A range the clone already holds needs no remote.
    assert deepen_for(handle, ("HEAD",), max_count=1)


def test_an_unknown_revision_is_left_to_the_reader(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    handle = gitpython.Repo(clone)
    # Nothing fetched can bring it: once complete, read_commits reports it by name.
    assert deepen_for(handle, ("no-such-branch..HEAD",), first_step=2, max_rounds=1)
    assert not is_shallow(handle)


def test_refspecs_are_fetched_before_deepening(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    repo.git("checkout", "-q", "-b", "feature", source[-4])
    feature = [repo.commit(f"feature {n}\n", {f"feature{n}.txt": "x\n"}) for n in (1, 2)]
    # What actions/checkout does for a push: the pushed ref alone, at depth 1, so
    # nothing tells the branch's new commits from old ones.
    clone = tmp_path / "clone"
    git(tmp_path, "init", "-q", str(clone))
    git(clone, "remote", "add", "origin", f"file://{repo.path}")
    git(
        clone,
        "fetch",
        "-q",
        "--depth=1",
        "origin",
        "+refs/heads/feature:refs/remotes/origin/feature",
    )
    git(clone, "checkout", "-q", "-B", "feature", "refs/remotes/origin/feature")
    handle = gitpython.Repo(clone)
    revisions = (feature[-1], "--not", "--exclude=origin/feature", "--remotes")

    assert deepen_for(
        handle, revisions, first_step=2, refspecs=("+refs/heads/main:refs/remotes/origin/main",)
    )

    assert git(clone, "rev-parse", "refs/remotes/origin/main").stdout.strip() == source[-1]
    assert set(_rev_list(clone, *revisions)) == set(feature)
    assert git(clone, "rev-parse", "refs/heads/feature").stdout.strip() == feature[-1]
    assert is_shallow(handle)


def test_a_failing_refspec_fetch_is_false(repo: Repo, source: list[str], tmp_path: Path) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    handle = gitpython.Repo(clone)
    assert not deepen_for(handle, ("HEAD",), refspecs=("refs/heads/no-such-branch",))


def test_worktrees_share_the_shallow_file(repo: Repo, source: list[str], tmp_path: Path) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    git(clone, "worktree", "add", "-q", "--detach", str(tmp_path / "linked"))
    linked = gitpython.Repo(tmp_path / "linked")
    assert shallow_commits(linked) == {source[-1]}
    assert deepen_for(linked, (f"{source[-3]}..HEAD",), first_step=2)
    assert len(_rev_list(tmp_path / "linked", f"{source[-3]}..HEAD")) == 2
    assert is_shallow(gitpython.Repo(clone))


def test_servers_that_refuse_ids_get_a_plain_deepen(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    """Protocol v0 without uploadpack.allowReachableSHA1InWant serves ref tips only:
    the second round's shallow commit is none, so the plain fetch takes over."""
    clone = _clone(repo.path, tmp_path / "clone")
    git(clone, "config", "protocol.version", "0")
    _dirty(clone)
    before = _state(clone)
    handle = gitpython.Repo(clone)
    revisions = (f"{source[-6]}..{source[-1]}",)
    wanted = git(clone, "fetch", "--deepen=1", "--refmap=", "origin", source[-2], check=False)
    assert wanted.returncode != 0 and "unadvertised object" in wanted.stderr

    assert deepen_for(handle, revisions, first_step=2)

    assert _rev_list(clone, *revisions) == _rev_list(repo.path, *revisions)
    assert _state(clone) == before


def test_returns_false_when_the_remote_rewrote_the_history(
    repo: Repo, source: list[str], tmp_path: Path
) -> None:
    clone = _clone(repo.path, tmp_path / "clone")
    # The remote's only branch starts afresh and the old commits are gone there.
    repo.git("checkout", "-q", "--orphan", "fresh")
    repo.commit("fresh start\n")
    repo.git("branch", "-D", "main")
    repo.git("branch", "-m", "fresh", "main")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    handle = gitpython.Repo(clone)

    assert not deepen_for(handle, (f"{source[-6]}..{source[-1]}",), first_step=2)

    assert shallow_commits(handle) == {source[-1]}
    assert git(clone, "rev-parse", "refs/heads/main").stdout.strip() == source[-1]
