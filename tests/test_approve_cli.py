"""`reviewgate approve` as a person runs it: the real CLI in real repositories."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import Repo, git
from gpg_keys import key_with_two_user_ids
from reviewgate.git.repo import open_repo
from reviewgate.signoff.approvals import APPROVALS_REF, read_approvals
from test_approvals import as_reviewer, make_key


def run(
    repo: Repo, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", "approve", *args],
        cwd=repo.path, capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def notes_ref(repo: Repo) -> str:
    return repo.git("for-each-ref", "--format=%(objectname)", APPROVALS_REF).stdout.strip()


@pytest.fixture
def branch(repo: Repo, tmp_path: Path) -> Repo:
    repo.commit("base\n", {"a.txt": "a\n"})
    repo.commit("one\n", {"a.txt": "b\n"})
    repo.commit("two\n", {"b.txt": "c\n"})
    (tmp_path / "keys").mkdir()
    key, _ = make_key(tmp_path / "keys", "rita")
    as_reviewer(repo, "Rita Reviewer", "rita@example.org", key)
    return repo


def snapshot(repo: Repo) -> tuple[str, ...]:
    """Everything approve must leave alone: files, index, HEAD and refs."""
    refs = repo.git("for-each-ref", "--format=%(refname) %(objectname)").stdout.splitlines()
    index = hashlib.sha256((repo.path / ".git" / "index").read_bytes()).hexdigest()
    files = sorted(
        f"{p.relative_to(repo.path)}:{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in repo.path.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo.path).parts
    )
    return (
        repo.git("symbolic-ref", "HEAD").stdout,
        repo.head(),
        index,
        repo.git("status", "--porcelain=v2", "--untracked-files=all").stdout,
        *(r for r in refs if not r.startswith(APPROVALS_REF + " ")),
        *files,
    )


def test_approve_signs_and_changes_nothing_but_its_notes_ref(branch: Repo) -> None:
    branch.write("a.txt", "edited, not staged\n")
    branch.write("new.txt", "staged\n")
    branch.git("add", "new.txt")
    branch.write("untracked.txt", "x\n")
    before = snapshot(branch)
    done = run(branch, "HEAD~2..HEAD")
    assert done.returncode == 0, done.stderr
    assert "approved 2 commits" in done.stdout and "signed (ssh)" in done.stdout
    assert "git push origin refs/notes/reviewgate-approvals" in done.stdout
    assert done.stderr == ""
    assert snapshot(branch) == before
    assert notes_ref(branch)
    (approval,) = read_approvals(open_repo(branch.path), None)
    assert approval.tip == branch.head()


@pytest.mark.parametrize(
    "variables",
    [
        {"CLAUDECODE": "1"},
        {"CURSOR_AGENT": "1"},
        {"GIT_COMMITTER_NAME": "Rita Reviewer (aider)"},
        {"REVIEWGATE_AGENT": "Codex:gpt-5"},
    ],
)
def test_refuses_inside_an_agent(branch: Repo, variables: dict[str, str]) -> None:
    done = run(branch, "HEAD~1..HEAD", env=variables)
    assert done.returncode == 2
    assert done.stderr.startswith("reviewgate: error: refusing to approve from inside ")
    assert len(done.stderr.splitlines()) == 1
    assert notes_ref(branch) == ""


def test_refuses_a_tool_identity(branch: Repo) -> None:
    branch.git("config", "user.email", "noreply@anthropic.com")
    done = run(branch, "HEAD~1..HEAD")
    assert done.returncode == 2 and "an approval must come from a person" in done.stderr
    assert notes_ref(branch) == ""


def test_needs_git_identity(branch: Repo) -> None:
    branch.git("config", "--unset", "user.email")
    # Nor may git find one elsewhere (the environment, or the host's name).
    branch.git("config", "user.useConfigOnly", "true")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL")}
    done = subprocess.run(
        [sys.executable, "-m", "reviewgate", "approve", "HEAD~1..HEAD"],
        cwd=branch.path, capture_output=True, text=True, timeout=60, env=env,
    )
    assert done.returncode == 2
    assert "git config user.email" in done.stderr and "Traceback" not in done.stderr
    assert notes_ref(branch) == ""


def test_takes_the_identity_git_would_commit_with(branch: Repo) -> None:
    # No user.* configuration: git itself would commit as the environment says.
    branch.git("config", "--unset", "user.name")
    branch.git("config", "--unset", "user.email")
    done = run(branch, "--dry-run", "HEAD~1..HEAD",
               env={"GIT_COMMITTER_NAME": "Rita Reviewer",
                    "GIT_COMMITTER_EMAIL": "rita@example.org"})
    assert done.returncode == 0, done.stderr
    assert "Rita Reviewer <rita@example.org>" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("rangespec", "words"),
    [
        ("HEAD..HEAD", "nothing to approve: HEAD..HEAD holds no commits"),
        ("nope..HEAD", "unknown revision"),
        ("--output=/tmp/x", "not a revision or range"),
    ],
)
def test_refuses_empty_or_missing_ranges(branch: Repo, rangespec: str, words: str) -> None:
    done = run(branch, rangespec)
    assert done.returncode == 2
    assert words in done.stderr and len(done.stderr.splitlines()) == 1
    assert notes_ref(branch) == ""


def test_refuses_a_range_with_two_tips(branch: Repo) -> None:
    branch.git("branch", "side", "HEAD~1")
    branch.git("checkout", "-q", "side")
    branch.commit("side\n", {"c.txt": "c\n"})
    done = run(branch, "main", "side", "--not", "main~2")
    assert done.returncode == 2 and "2 tips" in done.stderr


def test_unsigned_says_so_on_stderr(branch: Repo) -> None:
    branch.git("config", "--unset", "user.signingKey")
    done = run(branch, "HEAD~1..HEAD")
    assert done.returncode == 0
    assert "unsigned" in done.stdout
    assert "no signing key configured" in done.stderr
    (approval,) = read_approvals(open_repo(branch.path), None)
    assert approval.signature.status == "none"


def test_signing_failure_writes_nothing(branch: Repo, tmp_path: Path) -> None:
    branch.git("config", "user.signingKey", str(tmp_path / "no-such-key"))
    done = run(branch, "HEAD~1..HEAD")
    assert done.returncode == 2 and "could not sign" in done.stderr
    assert notes_ref(branch) == ""


def test_dry_run_prints_the_record_and_writes_nothing(branch: Repo) -> None:
    done = run(branch, "--dry-run", "HEAD~1..HEAD")
    assert done.returncode == 0
    record = done.stdout.splitlines()[0]
    assert record.startswith("reviewgate-approval/1 ") and f"tip={branch.head()}" in record
    assert "would approve (dry run) 1 commit" in done.stdout
    assert notes_ref(branch) == ""


def test_default_range_is_the_commits_not_upstream(tmp_path: Path, branch: Repo) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(branch.path), str(origin))
    clone = Repo(tmp_path / "clone")
    git(tmp_path, "clone", "-q", str(origin), str(clone.path))
    as_reviewer(clone, "Rita Reviewer", "rita@example.org", None)
    upstream = clone.head()
    first = clone.commit("three\n", {"d.txt": "d\n"})
    second = clone.commit("four\n", {"d.txt": "e\n"})
    done = run(clone, "--show")
    assert done.returncode == 0, done.stderr
    assert "approved 2 commits" in done.stdout and "@{upstream}..HEAD" in done.stdout
    (approval,) = read_approvals(open_repo(clone.path), None)
    assert (approval.base, approval.tip, approval.commits) == (upstream, second, (first, second))


def test_openpgp_signature(branch: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # gpg-agent's socket lives in GNUPGHOME, and socket paths are short.
    home = Path(tempfile.mkdtemp(prefix="rg-gpg-", dir="/tmp"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        made = subprocess.run(
            ["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
             "Rita Reviewer <rita@example.org>", "ed25519", "sign", "never"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if made.returncode != 0:
            pytest.skip(f"gpg cannot make a key here: {made.stderr.strip()[:200]}")
        branch.git("config", "gpg.format", "openpgp")
        branch.git("config", "user.signingKey", "rita@example.org")
        done = run(branch, "HEAD~1..HEAD")
        assert done.returncode == 0, done.stderr
        assert "signed (openpgp)" in done.stdout
        (approval,) = read_approvals(open_repo(branch.path), None)
        assert approval.signature.status == "good" and approval.signature.format == "openpgp"
        assert "rita@example.org" in approval.signature.principal
        tip = branch.head()
        text = branch.git("notes", "--ref", APPROVALS_REF, "show", tip).stdout
        forged = text.replace("date=", "date=1", 1)
        branch.git("notes", "--ref", APPROVALS_REF, "add", "-f", "-m", forged.strip(), tip)
        (approval,) = read_approvals(open_repo(branch.path), None)
        assert approval.signature.status == "bad"
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], timeout=60, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("args", [("HEAD",), ("main",), ("--", "--all"), ("--branches",)])
def test_refuses_a_range_with_no_lower_bound(branch: Repo, args: tuple[str, ...]) -> None:
    done = run(branch, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "all its history" in done.stderr and "origin/main.." in done.stderr
    assert len(done.stderr.splitlines()) == 1 and notes_ref(branch) == ""


@pytest.mark.parametrize(("args", "count"), [
    (("--all-history", "HEAD"), 3),
    (("HEAD^!",), 1),
    (("--max-count=2", "HEAD"), 2),
    (("HEAD", "^HEAD~1"), 1),
    (("HEAD", "--not", "HEAD~2"), 2),
])
def test_a_bounded_range_or_all_history_is_approved(
    branch: Repo, args: tuple[str, ...], count: int
) -> None:
    done = run(branch, *args)
    assert done.returncode == 0, done.stderr
    assert f"approved {count} commit" in done.stdout


@pytest.mark.parametrize("email", ["rita@", "@", "rita@localhost"])
def test_refuses_an_email_that_names_no_mailbox(branch: Repo, email: str) -> None:
    branch.git("config", "user.email", email)
    done = run(branch, "HEAD~1..HEAD")
    assert done.returncode == 2 and "not an email address" in done.stderr
    assert notes_ref(branch) == ""


def test_openpgp_any_valid_user_id_of_the_key_may_be_the_reviewer(
    branch: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with key_with_two_user_ids(
        monkeypatch, "Rita Work <rita@work.example>", "Rita Reviewer <rita@example.org>"
    ) as fpr:
        branch.git("config", "gpg.format", "openpgp")
        branch.git("config", "user.signingKey", fpr)
        done = run(branch, "HEAD~1..HEAD")
        assert done.returncode == 0, done.stderr
        (approval,) = read_approvals(open_repo(branch.path), None)
        assert approval.signature.status == "good", approval.signature
        assert approval.signature.principal == "Rita Reviewer <rita@example.org>"
        # A user id the key does not have is still refused, and says whose key it is.
        branch.git("config", "user.email", "rita@elsewhere.example")
        assert run(branch, "HEAD~1..HEAD").returncode == 0
        other = next(a for a in read_approvals(open_repo(branch.path), None)
                     if a.reviewer.email == "rita@elsewhere.example")
        assert other.signature.status == "untrusted"
        assert "rita@work.example" in other.signature.detail
        assert "not rita@elsewhere.example" in other.signature.detail


def test_warns_an_author_approving_their_own_commits(branch: Repo) -> None:
    # The branch's commits are Ada's (the suite's author); Rita approves them cleanly.
    clean = run(branch, "--dry-run", "HEAD~2..HEAD")
    assert clean.returncode == 0, clean.stderr
    assert "RG302" not in clean.stderr
    branch.git("config", "user.name", "Ada Author")
    branch.git("config", "user.email", "Ada@Example.org")  # RG302 compares normalised
    own = run(branch, "--dry-run", "HEAD~2..HEAD")
    assert own.returncode == 0, own.stderr
    assert "reviewgate: warning: you wrote 2 of these 2 commits (" in own.stderr
    assert "an author's own approval does not count for them (RG302)" in own.stderr
