"""Approval notes: the record format, signing with real ssh keys, and reading them
back verified against a real allowed-signers text."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.commands.approve import run_approve
from reviewgate.git.repo import open_repo
from reviewgate.model.commit import Person
from reviewgate.model.evidence import Approval
from reviewgate.signoff.approvals import (
    APPROVALS_REF,
    UnreadableNotesError,
    format_payload,
    merged_note,
    parse_line,
    parse_note,
    read_approvals,
    read_note_texts,
)

SHA = "a" * 40
TREE = "b" * 40


def make_key(where: Path, name: str) -> tuple[Path, str]:
    """A real ed25519 key pair; (private key path, public key line)."""
    key = where / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, (where / f"{name}.pub").read_text().strip()


def as_reviewer(repo: Repo, name: str, email: str, key: Path | None) -> None:
    repo.git("config", "user.name", name)
    repo.git("config", "user.email", email)
    # approve takes the identity git would commit with, and GIT_COMMITTER_* (set
    # for the whole test by conftest's isolation, which restores them) beat user.*.
    os.environ.pop("GIT_COMMITTER_NAME", None)
    os.environ.pop("GIT_COMMITTER_EMAIL", None)
    if key is None:
        repo.git("config", "--unset-all", "user.signingKey", check=False)
        return
    repo.git("config", "gpg.format", "ssh")
    repo.git("config", "user.signingKey", str(key))


def approve(repo: Repo, *revisions: str) -> str:
    return run_approve(revisions, cwd=repo.path, environ={}).line


def read(repo: Repo, allowed: str | None) -> tuple[Approval, ...]:
    return read_approvals(open_repo(repo.path), allowed)


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    (tmp_path / "keys").mkdir()
    return {who: make_key(tmp_path / "keys", who) for who in ("rita", "mallory")}


@pytest.fixture
def branch(repo: Repo) -> Repo:
    repo.commit("base\n", {"a.txt": "a\n"})
    repo.commit("one\n", {"a.txt": "b\n"})
    repo.commit("two\n", {"b.txt": "c\n"})
    return repo


# --- the record format (pure) ---------------------------------------------------


def test_payload_round_trips_and_is_one_line() -> None:
    person = Person("Ada de la Croix <x>", "ada@example.org")
    payload = format_payload(person, "", SHA, [(SHA, TREE)], "2026-01-02T03:04:05Z")
    assert "\n" not in payload and payload.count(" ") == 6
    record = parse_line(payload)
    assert record is not None and record.payload == payload and record.sig_format == ""
    approval = record.approval
    assert approval.reviewer.name == "Ada de la Croix <x>"
    assert (approval.base, approval.tip, approval.commits, approval.trees) == (
        "",
        SHA,
        (SHA,),
        (TREE,),
    )


@pytest.mark.parametrize(
    "line",
    [
        "reviewgate-approval/1 email=a@b tip=" + SHA,  # no commits
        f"reviewgate-approval/1 email=a@b tip=zz commits={SHA}:{TREE}",  # tip not a sha
        f"reviewgate-approval/1 tip={SHA} commits={SHA}:{TREE}",  # no reviewer
        f"reviewgate-approval/1 email=a@b email=c@d tip={SHA} commits={SHA}:{TREE}",
        f"something else email=a@b tip={SHA} commits={SHA}:{TREE}",
        f"reviewgate-approval/1 email=%ff@b tip={SHA} commits={SHA}:{TREE}",  # not UTF-8
    ],
)
def test_malformed_lines_approve_nothing(line: str) -> None:
    assert parse_line(line) is None


def test_merged_note_is_sorted_unique_like_cat_sort_uniq() -> None:
    text = merged_note("b line\na line\n", "c line")
    assert text == "a line\nb line\nc line\n"
    assert merged_note(text, "b line") == text


# --- the five signature cases --------------------------------------------------


def test_good_key(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~2..HEAD")
    (approval,) = read(branch, f"rita@example.org {public}\n")
    assert approval.signature.status == "good"
    assert approval.signature.principal == "rita@example.org"
    assert approval.signature.format == "ssh" and approval.signature.key.startswith("SHA256:")
    assert approval.reviewer == Person("Rita Reviewer", "rita@example.org", approval.date)
    assert approval.tip == branch.head()
    assert approval.base == branch.git("rev-parse", "HEAD~2").stdout.strip()
    assert approval.commits == tuple(
        branch.git("rev-list", "--reverse", "HEAD~2..HEAD").stdout.split()
    )
    assert approval.trees == tuple(
        branch.git("rev-parse", f"{c}^{{tree}}").stdout.strip() for c in approval.commits
    )


def test_email_case_counts_and_patterns_prove_no_one(
    branch: Repo, keys: dict[str, tuple[Path, str]]
) -> None:
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "Rita@Example.org", key)
    approve(branch, "HEAD~1..HEAD")
    (approval,) = read(branch, f"rita@example.org {public}\n")
    assert approval.signature.status == "good"
    # A pattern proves no one: principals are compared whole, as for commits (a
    # wildcard line let one person's key approve as another).
    (approval,) = read(branch, f"*@example.org {public}\n")
    assert approval.signature.status == "untrusted"


def test_key_not_allowed(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    key, _ = keys["rita"]
    _, other = keys["mallory"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~1..HEAD")
    (approval,) = read(branch, f"mallory@example.org {other}\n")
    assert approval.signature.status == "untrusted"
    assert "not in the allowed signers" in approval.signature.detail
    # No allowed-signers file at the trusted revision: nothing can be good.
    (approval,) = read(branch, None)
    assert approval.signature.status == "untrusted"


def test_key_allowed_for_another_identity(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    # Mallory signs with her own (allowed) key while claiming to be Rita.
    _, rita_public = keys["rita"]
    mallory_key, mallory_public = keys["mallory"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", mallory_key)
    approve(branch, "HEAD~1..HEAD")
    allowed = f"rita@example.org {rita_public}\nmallory@example.org {mallory_public}\n"
    (approval,) = read(branch, allowed)
    assert approval.signature.status == "untrusted"
    assert approval.signature.principal == "mallory@example.org"
    assert "not for rita@example.org" in approval.signature.detail


def test_tampered_note_is_bad(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~1..HEAD")
    tip = branch.head()
    text = branch.git("notes", "--ref", APPROVALS_REF, "show", tip).stdout
    # Widen the approval to the whole history, keeping the signature.
    root = branch.git("rev-list", "--max-parents=0", "HEAD").stdout.strip()
    root_tree = branch.git("rev-parse", f"{root}^{{tree}}").stdout.strip()
    forged = text.replace(" commits=", f" commits={root}:{root_tree},", 1)
    assert forged != text
    branch.git("notes", "--ref", APPROVALS_REF, "add", "-f", "-m", forged.strip(), tip)
    (approval,) = read(branch, f"rita@example.org {public}\n")
    assert root in approval.commits
    assert approval.signature.status == "bad"


def test_tampered_reviewer_is_bad(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    key, public = keys["rita"]
    _, other = keys["mallory"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~1..HEAD")
    tip = branch.head()
    text = branch.git("notes", "--ref", APPROVALS_REF, "show", tip).stdout
    forged = text.replace("email=rita@example.org", "email=mallory@example.org")
    branch.git("notes", "--ref", APPROVALS_REF, "add", "-f", "-m", forged.strip(), tip)
    allowed = f"rita@example.org {public}\nmallory@example.org {other}\n"
    (approval,) = read(branch, allowed)
    assert approval.reviewer.email == "mallory@example.org"
    assert approval.signature.status == "bad"


def test_no_signature(branch: Repo) -> None:
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", None)
    line = approve(branch, "HEAD~1..HEAD")
    assert " sig=" not in line
    (approval,) = read(branch, "rita@example.org ssh-ed25519 AAAA\n")
    assert approval.signature.status == "none"


# --- several approvals ---------------------------------------------------------


def test_two_reviewers_on_one_tip(branch: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    rita_key, rita_public = keys["rita"]
    mallory_key, mallory_public = keys["mallory"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", rita_key)
    approve(branch, "HEAD~2..HEAD")
    as_reviewer(branch, "Mal Lory", "mallory@example.org", mallory_key)
    approve(branch, "HEAD~2..HEAD")
    texts = read_note_texts(open_repo(branch.path))
    assert list(texts) == [branch.head()]
    assert len(parse_note(texts[branch.head()])) == 2
    allowed = f"rita@example.org {rita_public}\nmallory@example.org {mallory_public}\n"
    approvals = read(branch, allowed)
    assert sorted(a.reviewer.email for a in approvals) == [
        "mallory@example.org",
        "rita@example.org",
    ]
    assert all(a.signature.status == "good" for a in approvals)


def test_concurrent_pushes_merge_with_cat_sort_uniq(
    tmp_path: Path, branch: Repo, keys: dict[str, tuple[Path, str]]
) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(branch.path), str(origin))
    clones = {}
    for who, email in (("rita", "rita@example.org"), ("mallory", "mallory@example.org")):
        clone = Repo(tmp_path / who)
        git(tmp_path, "clone", "-q", str(origin), str(clone.path))
        as_reviewer(clone, who.title(), email, keys[who][0])
        approve(clone, "HEAD~2..HEAD")
        clones[who] = clone
    clones["rita"].git("push", "-q", "origin", APPROVALS_REF)
    # Mallory's push of her own notes is refused: the ref moved meanwhile.
    refused = clones["mallory"].git("push", "-q", "origin", APPROVALS_REF, check=False)
    assert refused.returncode != 0
    mallory = clones["mallory"]
    mallory.git("fetch", "-q", "origin", f"{APPROVALS_REF}:refs/notes/theirs")
    mallory.git(
        "notes", "--ref", APPROVALS_REF, "merge", "-s", "cat_sort_uniq", "refs/notes/theirs"
    )
    mallory.git("push", "-q", "origin", APPROVALS_REF)

    reader = Repo(tmp_path / "ci")
    git(tmp_path, "clone", "-q", str(origin), str(reader.path))
    assert read(reader, "") == ()  # a clone does not fetch notes
    reader.git("fetch", "-q", "origin", f"{APPROVALS_REF}:{APPROVALS_REF}")
    allowed = "".join(f"{who}@example.org {keys[who][1]}\n" for who in ("rita", "mallory"))
    approvals = read(reader, allowed)
    assert sorted(a.reviewer.email for a in approvals) == [
        "mallory@example.org",
        "rita@example.org",
    ]
    assert [a.signature.status for a in approvals] == ["good", "good"]


def test_trees_recorded_survive_a_rebase_that_keeps_them(
    branch: Repo, keys: dict[str, tuple[Path, str]]
) -> None:
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~2..HEAD")
    old_commits = branch.git("rev-list", "--reverse", "HEAD~2..HEAD").stdout.split()
    branch.git("config", "notes.rewriteRef", APPROVALS_REF)
    # A forced rebase onto the same base: new commits (new committer date), same trees.
    branch.git(
        "rebase", "-q", "--force-rebase", "HEAD~2",
        env={"GIT_COMMITTER_DATE": "2026-02-03T04:05:06Z"},
    )  # fmt: skip
    new_commits = branch.git("rev-list", "--reverse", "HEAD~2..HEAD").stdout.split()
    assert set(new_commits).isdisjoint(old_commits)
    new_trees = tuple(branch.git("rev-parse", f"{c}^{{tree}}").stdout.strip() for c in new_commits)
    (approval,) = read(branch, f"rita@example.org {public}\n")
    assert approval.commits == tuple(old_commits)
    assert approval.trees == new_trees
    assert approval.signature.status == "good"
    # notes.rewriteRef carried the note to the new tip.
    assert branch.head() in read_note_texts(open_repo(branch.path))


def test_namespaces_option_must_name_reviewgate_approval(
    branch: Repo, keys: dict[str, tuple[Path, str]]
) -> None:
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    approve(branch, "HEAD~1..HEAD")
    (approval,) = read(branch, f'rita@example.org namespaces="git" {public}\n')
    assert approval.signature.status == "untrusted"
    assert "namespaces" in approval.signature.detail
    allowed = f'rita@example.org namespaces="git,reviewgate-approval" {public}\n'
    (approval,) = read(branch, allowed)
    assert approval.signature.status == "good"


def test_gpg_ssh_program_is_used_to_sign_and_verify(
    tmp_path: Path, branch: Repo, keys: dict[str, tuple[Path, str]]
) -> None:
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "my-ssh-keygen"
    wrapper.write_text(f'#!/bin/sh\necho "$2" >> {log}\nexec ssh-keygen "$@"\n')
    wrapper.chmod(0o755)
    key, public = keys["rita"]
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", key)
    branch.git("config", "gpg.ssh.program", str(wrapper))
    approve(branch, "HEAD~1..HEAD")
    assert log.read_text().split() == ["sign"]
    (approval,) = read(branch, f"rita@example.org {public}\n")
    assert approval.signature.status == "good"
    assert log.read_text().split() == ["sign", "find-principals", "verify"]


def test_touching_reads_only_the_approvals_of_a_range(branch: Repo) -> None:
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", None)
    approve(branch, "HEAD~1..HEAD")
    approve(branch, "HEAD~2..HEAD~1")
    first, second = branch.git("rev-list", "--reverse", "HEAD~2..HEAD").stdout.split()
    repo = open_repo(branch.path)
    assert len(read_approvals(repo, None)) == 2
    (approval,) = read_approvals(repo, None, touching={second})
    assert approval.commits == (second,)
    tree = branch.git("rev-parse", f"{first}^{{tree}}").stdout.strip()
    (approval,) = read_approvals(repo, None, touching=[tree])  # after a rebase: by tree
    assert approval.commits == (first,)
    assert read_approvals(repo, None, touching=()) == ()


def test_a_notes_commit_reads_as_its_ref_and_a_broken_ref_is_unreadable(branch: Repo) -> None:
    as_reviewer(branch, "Rita Reviewer", "rita@example.org", None)
    for _ in range(3):  # enough notes on one ref; fan-out or not, paths name objects
        approve(branch, "HEAD~1..HEAD")
        branch.commit("more\n")
    repo = open_repo(branch.path)
    notes_commit = branch.git("rev-parse", APPROVALS_REF).stdout.strip()
    by_ref = read_note_texts(repo)
    assert len(by_ref) == 3
    assert read_note_texts(repo, at=notes_commit) == by_ref
    assert read_approvals(repo, None, at=notes_commit) == read_approvals(repo, None)
    blob = git(branch.path, "hash-object", "-w", "--stdin", input="junk\n").stdout.strip()
    branch.git("update-ref", APPROVALS_REF, blob)
    with pytest.raises(UnreadableNotesError, match=f"cannot read the notes in {APPROVALS_REF}"):
        read_approvals(repo, None)
    with pytest.raises(UnreadableNotesError, match="as pushed"):
        read_note_texts(repo, at=blob)
