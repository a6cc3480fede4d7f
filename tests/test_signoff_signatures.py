"""RG304: a sign-off proven by a signature, with real ssh keys and real signed commits.

The five cases of a signed sign-off: a good key; a key that is not allowed; a key
allowed for another identity; a tampered commit; no signature. Plus a signed merge,
a signed range sign-off, approval notes' signatures, and the cost in git processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.model.commit import Person
from reviewgate.model.evidence import Approval, Evidence, SignatureCheck
from reviewgate.pipeline.run import run_check
from reviewgate.policy.schema import Policy, SignoffPolicy
from reviewgate.signoff.gather import parse_signatures
from reviewgate.signoff.rules import check_signoff
from test_rules_signoff import ASSISTED, make, sha

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")

GRACE = "Grace Hopper <grace@example.org>"
POLICY = "signoff:\n  signature: ssh\n"


@dataclass(frozen=True)
class Keys:
    grace: Path  # allowed for grace@example.org
    bob: Path  # allowed for bob@example.org only
    mallory: Path  # allowed for no one

    def allowed_signers(self) -> str:
        return "".join(
            f"{email} {' '.join(key.with_suffix('.pub').read_text().split()[:2])}\n"
            for email, key in (("grace@example.org", self.grace), ("bob@example.org", self.bob))
        )


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    where = tmp_path_factory.mktemp("keys")
    made = {}
    for name in ("grace", "bob", "mallory"):
        path = where / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                        str(path)], check=True, capture_output=True, timeout=60)
        made[name] = path
    return Keys(**made)


def base_repo(repo: Repo, keys: Keys, policy: str = POLICY) -> str:
    """A base commit holding the policy and the allowed signers, then an
    assisted commit by Ada that needs a sign-off."""
    repo.git("config", "gpg.format", "ssh")
    base = repo.commit("base\n", {".reviewgate.yaml": policy,
                                  ".reviewgate/allowed_signers": keys.allowed_signers()})
    repo.commit(ASSISTED, {"a.py": "x = 1\n"})
    return base


def signed_signoff(repo: Repo, key: Path | None, base: str, *, who: str = GRACE) -> str:
    """Grace's final commit signing off base..HEAD, signed with `key` (None: unsigned)."""
    tip = repo.head()
    extra: tuple[str, ...] = ()
    if key is not None:
        repo.git("config", "user.signingKey", str(key))
        extra = ("-S",)
    return repo.commit(f"review: sign off\n\nSignoff-range: {base}..{tip}\nReviewed-by: {who}\n",
                       committer=who, author=who, extra=extra)


def findings(repo: Repo, base: str) -> list[tuple[str, str]]:
    result = run_check(revisions=[f"{base}..HEAD"], cwd=repo.path, with_paths=False)
    return [(f.code, f.message) for f in result.findings]


def test_a_good_key_signs_off(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys)
    signed_signoff(repo, keys.grace, base)
    assert findings(repo, base) == []


def test_a_key_that_is_not_allowed(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys)
    signed_signoff(repo, keys.mallory, base)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert ".reviewgate/allowed_signers does not allow" in message


def test_a_key_allowed_for_another_identity(repo: Repo, keys: Keys) -> None:
    # git says "G" (the key is allowed), but for bob: the principal is not Grace.
    base = base_repo(repo, keys)
    carrier = signed_signoff(repo, keys.bob, base)
    assert git(repo.path, "-c", f"gpg.ssh.allowedSignersFile={repo.path}/.reviewgate/"
               "allowed_signers", "log", "-1", "--format=%G?", carrier).stdout.strip() == "G"
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert "allowed for 'bob@example.org', not for grace@example.org" in message


def test_a_tampered_commit_keeps_its_signature_but_fails(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys)
    good = signed_signoff(repo, keys.grace, base)
    raw = git(repo.path, "cat-file", "commit", good).stdout
    assert "gpgsig -----BEGIN SSH SIGNATURE-----" in raw
    forged = raw.replace("review: sign off", "review: sign off (and more)")
    tampered = git(repo.path, "hash-object", "-t", "commit", "-w", "--stdin",
                   input=forged).stdout.strip()
    repo.git("update-ref", "refs/heads/main", tampered)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert "does not verify" in message


def test_no_signature(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys)
    carrier = signed_signoff(repo, None, base)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert f"commit {carrier[:10]} is not signed" in message


def test_without_a_signature_policy_the_same_commit_passes(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys, policy="signoff:\n  signature: none\n")
    signed_signoff(repo, None, base)
    assert findings(repo, base) == []


def test_a_signed_merge_and_a_signed_amended_commit(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys)
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(ASSISTED, {"b.py": "y = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.git("config", "user.signingKey", str(keys.grace))
    env = {"GIT_COMMITTER_NAME": "Grace Hopper", "GIT_COMMITTER_EMAIL": "grace@example.org"}
    # The merge covers `side`; the assisted commit on main needs its own sign-off.
    git(repo.path, "merge", "-q", "--no-ff", "-S", "side", "-m",
        f"Merge branch 'side'\n\nReviewed-by: {GRACE}", env=env)
    assert [code for code, _ in findings(repo, base)] == ["RG301"]
    repo.git("reset", "-q", "--hard", "HEAD^1")
    # Amending Ada's commit makes Grace its committer: her sign-off is no second
    # person's review (RG302), signed or not.
    git(repo.path, "commit", "-q", "--amend", "-S", "--no-edit", "--trailer",
        f"Reviewed-by: {GRACE}", env=env)
    git(repo.path, "merge", "-q", "--no-ff", "-S", "side", "-m",
        f"Merge branch 'side'\n\nReviewed-by: {GRACE}", env=env)
    [(code, message)] = findings(repo, base)
    assert code == "RG302" and "its committer" in message
    # Signed off from outside the commit, by a signed statement of the range.
    repo.git("reset", "-q", "--hard", "HEAD^1")
    repo.git("reset", "-q", "--hard", "HEAD^1")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "side")
    git(repo.path, "commit", "-q", "--allow-empty", "-S", "-m",
        f"review: sign off\n\nSignoff-range: {base}..{repo.head()}\nReviewed-by: {GRACE}",
        env=env)
    assert findings(repo, base) == []


def test_gpg_policy_refuses_an_ssh_signature(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys, policy="signoff:\n  signature: gpg\n")
    signed_signoff(repo, keys.grace, base)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert "ssh signature; signoff.signature wants gpg" in message


def test_signatures_cost_one_git_log_for_all_carriers(
    repo: Repo, keys: Keys, tmp_path: Path
) -> None:
    base = base_repo(repo, keys)
    repo.git("config", "user.signingKey", str(keys.grace))
    for n in range(6):
        repo.commit(f"{ASSISTED}Reviewed-by: {GRACE}\n", {f"f{n}.py": "1\n"},
                    committer=GRACE, extra=("-S",))
    trace = tmp_path / "trace.json"
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", f"{base}..HEAD"], cwd=repo.path,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace)})
    # The assisted commit by Ada right after base has no sign-off at all.
    assert result.returncode == 1 and result.stdout.count(" RG301 ") == 1, result.stdout
    assert "RG304" not in result.stdout
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    # (git's own children, such as ssh-keygen, do not write trace2 events.)
    logs = [e["argv"] for e in events if e.get("event") == "start" and "log" in e["argv"][1:4]]
    assert len(logs) == 2  # the range, then every carrier's signature at once
    assert "--stdin" in logs[1]
    assert any(arg.startswith("gpg.ssh.allowedSignersFile=") for arg in logs[1])


def test_parse_signatures_maps_git_letters() -> None:
    text = (f"{sha(1)}\x1fG\x1fgrace@example.org\x1fSHA256:abc\x1f\x1e\n"
            f"{sha(2)}\x1fB\x1f\x1f\x1f\x1e\n{sha(3)}\x1fU\x1f\x1fSHA256:def\x1f\x1e\n"
            f"{sha(4)}\x1fN\x1f\x1f\x1f\x1e\n"
            f"{sha(5)}\x1fG\x1fGrace <grace@example.org>\x1fABCD12\x1fFFEE\x1e")
    found = parse_signatures(text)
    assert [(c.status, c.format) for c in found.values()] == [
        ("good", "ssh"), ("bad", ""), ("untrusted", "ssh"), ("none", ""), ("good", "openpgp")]


# -- approval notes: their signature is checked the same way ----------------------------


@pytest.mark.parametrize("signature, ok", [
    (SignatureCheck("good", "grace@example.org", "SHA256:k", "ssh"), True),
    (SignatureCheck("good", "bob@example.org", "SHA256:k", "ssh"), False),
    (SignatureCheck("good", "*@example.org", "SHA256:k", "ssh"), False),  # a wildcard proves no one
    (SignatureCheck("untrusted", "", "SHA256:k", "ssh"), False),
    (SignatureCheck("bad"), False),
    (SignatureCheck("none"), False),
])
def test_an_approval_note_must_be_signed_by_its_reviewer(
    signature: SignatureCheck, ok: bool
) -> None:
    approval = Approval(Person("Grace Hopper", "grace@example.org"), sha(1), sha(2),
                        (sha(2),), ("t" * 40,), signature)
    pol = Policy(signoff=replace(SignoffPolicy(), signature="ssh"))
    found = check_signoff([make(2, ASSISTED, parents=(1,))], pol,
                          Evidence(approvals=(approval,)))
    assert [f.code for f in found] == ([] if ok else ["RG304"])


def approve(repo: Repo, revisions: str, key: Path | None, who: str = GRACE) -> None:
    """`reviewgate approve` run by `who`, signing with `key` when given."""
    name, _, email = who.partition(" <")
    repo.git("config", "user.name", name)
    repo.git("config", "user.email", email.rstrip(">"))
    if key is not None:
        repo.git("config", "user.signingKey", str(key))
    else:
        repo.git("config", "--unset", "user.signingKey", check=False)
    # As git would commit: the configured identity. conftest's GIT_COMMITTER_*
    # would beat it, and its isolation restores them after the test.
    os.environ.pop("GIT_COMMITTER_NAME", None)
    os.environ.pop("GIT_COMMITTER_EMAIL", None)
    result = subprocess.run([sys.executable, "-m", "reviewgate", "approve", revisions],
                            cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, expected", [
    ("good key", []),
    ("key not allowed", ["RG304"]),
    ("key allowed for another identity", ["RG304"]),
    ("tampered note", ["RG304"]),
    ("no signature", ["RG304"]),
])
def test_a_signed_approval_note(repo: Repo, keys: Keys, case: str, expected: list[str]) -> None:
    base = base_repo(repo, keys)
    key = {"good key": keys.grace, "key not allowed": keys.mallory,
           "key allowed for another identity": keys.bob, "tampered note": keys.grace,
           "no signature": None}[case]
    approve(repo, f"{base}..HEAD", key)
    if case == "tampered note":
        ref = "refs/notes/reviewgate-approvals"
        text = git(repo.path, "notes", f"--ref={ref}", "show", "HEAD").stdout
        forged = text.replace("name=Grace%20Hopper", "name=Grace%20M.%20Hopper")
        assert forged != text and " sig=ssh:" in forged
        git(repo.path, "notes", f"--ref={ref}", "add", "-f", "-F", "-", "HEAD", input=forged)
    assert [code for code, _ in findings(repo, base)] == expected


def test_an_approval_covers_only_the_commits_it_names(repo: Repo, keys: Keys) -> None:
    base = base_repo(repo, keys, policy="version: 1\n")
    approve(repo, f"{base}..HEAD", None)
    later = repo.commit(ASSISTED, {"later.py": "1\n"})
    assert [code for code, _ in findings(repo, base)] == ["RG301"]
    assert run_check(revisions=[f"{base}..HEAD"], cwd=repo.path).findings[0].sha == later
    # An approval by the author herself is a self sign-off.
    approve(repo, f"{base}..HEAD", None, who="Ada Author <ada@example.org>")
    assert [code for code, _ in findings(repo, base)] == ["RG302"]


def test_a_wildcard_allowed_signers_line_proves_no_approval(repo: Repo, keys: Keys) -> None:
    # Principals are compared whole for approvals exactly as for commits: Bob's key,
    # listed as `*@example.org`, signs neither Grace's approval nor her commit.
    bob = " ".join(keys.bob.with_suffix(".pub").read_text().split()[:2])
    repo.git("config", "gpg.format", "ssh")
    policy = "signoff:\n  signature: ssh\n  reviewers: [grace@example.org]\n"
    base = repo.commit("base\n", {".reviewgate.yaml": policy,
                                  ".reviewgate/allowed_signers": f"*@example.org {bob}\n"})
    repo.commit(ASSISTED, {"a.py": "x = 1\n"})
    approve(repo, f"{base}..HEAD", keys.bob)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert "allowed for *@example.org, not for grace@example.org" in message
    signed_signoff(repo, keys.bob, repo.head())
    assert [code for code, _ in findings(repo, base)] == ["RG304"]


def test_an_approval_signed_with_someone_elses_key_says_whose_it_is(
    repo: Repo, keys: Keys
) -> None:
    base = base_repo(repo, keys)
    approve(repo, f"{base}..HEAD", keys.bob)
    [(code, message)] = findings(repo, base)
    assert code == "RG304"
    assert "key is allowed for bob@example.org, not for grace@example.org" in message


@pytest.mark.parametrize("principal, ok", [
    ("Grace Work <grace@work.example>\nGrace Hopper <grace@example.org>", True),
    ("Grace Hopper <grace@example.org.>", True),
    ("Grace Work <grace@work.example>", False),
    ("Grace <>", False),
])
def test_an_openpgp_signature_may_name_the_reviewer_in_any_user_id(
    principal: str, ok: bool
) -> None:
    # A verifier that lists a key's valid user ids, one a line, passes them all.
    commit = make(2, f"{ASSISTED}Reviewed-by: {GRACE}\n", parents=(1,))
    check = SignatureCheck("good", principal, "ABCD", "openpgp")
    pol = Policy(signoff=replace(SignoffPolicy(), signature="gpg"))
    found = check_signoff([commit], pol, Evidence(signatures={commit.sha: check}))
    assert [f.code for f in found] == ([] if ok else ["RG304"])
