"""Reading commits from real repositories: fields, paths, encodings, ranges."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.errors import GitError, ShallowCloneError
from reviewgate.git.repo import (
    RangeSpec,
    default_range,
    open_repo,
    read_commits,
    validate_revisions,
)


def read(repo: Repo, *revisions: str, max_count: int | None = None):
    handle = open_repo(repo.path)
    return list(read_commits(handle, RangeSpec(validate_revisions(revisions), max_count)))


def test_reads_every_field_of_a_commit(repo: Repo) -> None:
    root = repo.commit("root", {"a.txt": "a\n"})
    sha = repo.commit(
        "Add b\n\nBody line.\n\nAssisted-by: Claude:opus\nReviewed-by: Bo <bo@example.org>\n",
        {"b.txt": "b\n"},
        author="Ann Other <ann@example.org>",
        committer="Cy Committer <cy@example.org>",
    )
    [commit, first] = read(repo, "HEAD")
    assert commit.sha == sha
    assert commit.parents == (root,)
    assert first.parents == ()
    assert (commit.author.name, commit.author.email) == ("Ann Other", "ann@example.org")
    assert (commit.committer.name, commit.committer.email) == ("Cy Committer", "cy@example.org")
    assert commit.author.date == "2026-01-02T03:04:05+00:00"
    assert commit.subject == "Add b"
    assert commit.message.endswith("Reviewed-by: Bo <bo@example.org>\n")
    assert commit.trailers == (
        ("Assisted-by", "Claude:opus"),
        ("Reviewed-by", "Bo <bo@example.org>"),
    )
    assert [(c.status, c.path) for c in commit.changes] == [("A", "b.txt")]


def test_trailers_match_git_log_for_committed_messages(repo: Repo) -> None:
    # A committed message has no `---` divider: git log reads trailers past it.
    repo.commit("Subject\n\n---\nnot a patch\n\nAcked-by: Di <di@example.org>\n")
    [commit] = read(repo, "HEAD")
    expected = repo.git("log", "-1", "--format=%(trailers:only,unfold)").stdout.strip()
    assert [f"{k}: {v}" for k, v in commit.trailers] == expected.splitlines()
    assert commit.trailers == (("Acked-by", "Di <di@example.org>"),)


def test_changed_paths_with_renames_spaces_and_newlines(repo: Repo) -> None:
    repo.commit("base", {"old name.txt": "same content\n" * 20, "keep.py": "x = 1\n"})
    os.rename(repo.path / "old name.txt", repo.path / "new\nname.txt")
    repo.write("keep.py", "x = 2\n")
    repo.write("dir with space/ü.py", "pass\n")
    repo.commit("move")
    [commit, _] = read(repo, "HEAD")
    changes = {(c.status, c.path, c.old_path) for c in commit.changes}
    assert changes == {
        ("R", "new\nname.txt", "old name.txt"),
        ("M", "keep.py", None),
        ("A", "dir with space/ü.py", None),
    }
    renamed = next(c for c in commit.changes if c.status == "R")
    assert renamed.score == 100


def test_deleted_and_mode_changed_paths(repo: Repo) -> None:
    repo.commit("base", {"a.sh": "echo\n", "b.txt": "b\n"})
    (repo.path / "b.txt").unlink()
    os.chmod(repo.path / "a.sh", 0o755)
    repo.commit("change")
    [commit, _] = read(repo, "HEAD")
    assert {(c.status, c.path) for c in commit.changes} == {("D", "b.txt"), ("M", "a.sh")}


def test_empty_commit_followed_by_commit_with_paths(repo: Repo) -> None:
    repo.commit("one", {"f": "1"})
    repo.commit("empty")
    repo.commit("two", {"g": "2"})
    commits = read(repo, "HEAD")
    assert [c.subject for c in commits] == ["two", "empty", "one"]
    assert [len(c.changes) for c in commits] == [1, 0, 1]


def test_message_with_encoding_header_is_decoded(repo: Repo) -> None:
    message = "Café crème\n\nÉtienne wrote this.\n".encode("iso-8859-1")
    # git writes the `encoding` header from i18n.commitEncoding.
    subprocess.run(
        [
            "git",
            "-c",
            "i18n.commitEncoding=ISO-8859-1",
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-F",
            "-",
        ],
        cwd=repo.path,
        input=message,
        check=True,
    )
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=repo.path, capture_output=True, check=True
    ).stdout
    assert b"\nencoding ISO-8859-1\n" in raw
    [commit] = read(repo, "HEAD")
    assert commit.subject == "Café crème"
    assert commit.encoding == "ISO-8859-1"


def write_raw_commit(repo: Repo, message: bytes) -> str:
    """A commit object written byte for byte: `git commit` itself would re-encode
    an invalid message as Latin-1, but old tools and imports did not."""
    tree = repo.git("write-tree").stdout.strip()
    ident = b"Ada Author <ada@example.org> 1767323045 +0000"
    body = b"tree " + tree.encode() + b"\nauthor " + ident + b"\ncommitter " + ident + b"\n\n"
    sha = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.path,
        input=body + message,
        capture_output=True,
        check=True,
    ).stdout
    repo.git("update-ref", "HEAD", sha.decode().strip())
    return sha.decode().strip()


def test_non_utf8_message_without_header_does_not_crash(repo: Repo) -> None:
    write_raw_commit(repo, b"Bad \xff\xfe bytes\n\nAssisted-by: X:y\n")
    [commit] = read(repo, "HEAD")
    assert commit.subject.startswith("Bad ")
    assert "\ufffd" in commit.subject
    assert commit.trailers == (("Assisted-by", "X:y"),)


def test_five_megabyte_message(repo: Repo) -> None:
    body = ("lorem ipsum dolor sit amet " * 40 + "\n") * 4700
    repo.commit("Big\n\n" + body + "\nAssisted-by: Claude:opus\n")
    [commit] = read(repo, "HEAD")
    assert len(commit.message) > 5_000_000
    assert commit.trailers == (("Assisted-by", "Claude:opus"),)


def test_merge_and_octopus_merge_parents(repo: Repo) -> None:
    base = repo.commit("base", {"f": "0"})
    shas = []
    for name in ("a", "b", "c"):
        repo.git("checkout", "-q", "-b", name, base)
        shas.append(repo.commit(name, {name: name}))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "octopus", "a", "b", "c")
    [merge, *_] = read(repo, "HEAD")
    assert merge.is_merge
    assert merge.parents == (base, *shas)
    # Paths of a merge are its changes against the first parent.
    assert sorted(c.path for c in merge.changes) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "revisions, expected",
    [
        (("A..C",), ["c", "b"]),
        (("A...C",), ["c", "b"]),
        (("^A", "C"), ["c", "b"]),
        (("C", "--not", "B"), ["c"]),
        (("--all",), ["side", "c", "b", "a"]),
    ],
)
def test_ranges_are_whatever_rev_list_accepts(repo: Repo, revisions, expected) -> None:
    a = repo.commit("a")
    b = repo.commit("b")
    c = repo.commit("c")
    repo.git("branch", "side", a)
    repo.git("checkout", "-q", "side")
    repo.commit("side")
    names = {"A": a, "B": b, "C": c}
    resolved = []
    for rev in revisions:
        for key, sha in names.items():
            rev = rev.replace(key, sha) if not rev.startswith("--") else rev
        resolved.append(rev)
    commits = read(repo, *resolved)
    assert sorted(x.subject for x in commits) == sorted(expected)


def test_max_count_limits_a_single_revision(repo: Repo) -> None:
    for name in "abcd":
        repo.commit(name)
    assert [c.subject for c in read(repo, "HEAD", max_count=2)] == ["d", "c"]


def test_a_range_costs_one_git_process(repo: Repo, tmp_path: Path, monkeypatch) -> None:
    for name in "abcdefghij":
        repo.commit(name, {name: name})
    handle = open_repo(repo.path)
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    commits = list(read_commits(handle, RangeSpec(("HEAD",))))
    assert len(commits) == 10
    starts = [json.loads(line) for line in trace.read_text().splitlines()]
    started = [e["argv"] for e in starts if e.get("event") == "start"]
    assert len(started) == 1, started
    assert started[0][1] == "log"


def test_unknown_revision_is_a_git_error(repo: Repo) -> None:
    repo.commit("a")
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        read(repo, "nope")
    with pytest.raises(GitError, match="unknown revision"):
        read(repo, "HEAD..nope")


def test_options_that_are_not_revisions_are_refused() -> None:
    with pytest.raises(GitError, match="not a revision"):
        validate_revisions(["--output=/tmp/x"])
    assert validate_revisions(["--all", "--max-count=3", "A..B"]) == (
        "--all",
        "--max-count=3",
        "A..B",
    )


def test_empty_range_reads_nothing(repo: Repo) -> None:
    repo.commit("a")
    assert read(repo, "HEAD..HEAD") == []


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository"):
        open_repo(tmp_path)


def test_default_range_without_and_with_upstream(repo: Repo, tmp_path: Path) -> None:
    repo.commit("one")
    handle = open_repo(repo.path)
    assert default_range(handle).revisions == ("HEAD", "--not", "--remotes")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "-u", "origin", "main")
    repo.commit("two")
    handle = open_repo(repo.path)
    spec = default_range(handle)
    assert spec.revisions == ("@{upstream}..HEAD",)
    assert [c.subject for c in read_commits(handle, spec)] == ["two"]


def test_default_range_on_detached_head_uses_remotes(repo: Repo, tmp_path: Path) -> None:
    first = repo.commit("one")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "-u", "origin", "main")
    repo.commit("two")
    repo.git("checkout", "-q", "--detach", "HEAD")
    handle = open_repo(repo.path)
    spec = default_range(handle)
    commits = list(read_commits(handle, spec))
    assert [c.subject for c in commits] == ["two"]
    assert first not in {c.sha for c in commits}


def test_default_range_with_no_commits_is_none(repo: Repo) -> None:
    assert default_range(open_repo(repo.path)) is None


def test_bare_repository_and_worktree(repo: Repo, tmp_path: Path) -> None:
    repo.commit("one", {"f": "1"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    assert [c.subject for c in read_commits(open_repo(bare), RangeSpec(("HEAD",)))] == ["one"]
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "wt", str(worktree))
    git(worktree, "commit", "-q", "--allow-empty", "-m", "in worktree")
    commits = list(read_commits(open_repo(worktree), RangeSpec(("HEAD",))))
    assert [c.subject for c in commits] == ["in worktree", "one"]


def shallow_clone(source: Repo, target: Path, depth: int) -> Repo:
    git(target.parent, "clone", "-q", f"--depth={depth}", f"file://{source.path}", str(target))
    return Repo(target)


def test_shallow_clone_range_past_boundary_is_an_error(repo: Repo, tmp_path: Path) -> None:
    for name in "abcde":
        repo.commit(name, {name: name})
    clone = shallow_clone(repo, tmp_path / "clone", depth=2)
    with pytest.raises(ShallowCloneError, match="fetch-depth: 0"):
        read(clone, "HEAD")
    # Within the boundary it works and checks every commit asked for.
    assert [c.subject for c in read(clone, "HEAD", max_count=1)] == ["e"]
    assert [c.subject for c in read(clone, "HEAD~1..HEAD")] == ["e"]


def test_trailers_come_from_git_and_fall_back_to_our_parser(repo: Repo) -> None:
    # git parses the trailers of history itself, joined with RS and US; a message
    # that holds either character is parsed by message.parse_trailers instead.
    from reviewgate.model.trailers import parse_trailers

    plain = "Subject\n\nBody.\n\nAssisted-by: Claude:opus\n  folded on\nAcked-by: Bo <b@x.org>\n"
    tricky = "Subject\n\nBody \x1e with \x1f separators.\n\nAssisted-by: X:y\x1fz\nAcked-by: B\n"
    repo.commit(plain)
    repo.commit(tricky)
    [second, first] = read(repo, "HEAD")
    assert first.trailers == (
        ("Assisted-by", "Claude:opus folded on"),
        ("Acked-by", "Bo <b@x.org>"),
    )
    assert list(second.trailers) == parse_trailers(tricky, divider=False)
    assert second.trailers == (("Assisted-by", "X:y\x1fz"), ("Acked-by", "B"))
