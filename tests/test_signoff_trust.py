"""Trust: in CI the policy and the allowed signers come from the trusted base, so a
pull request cannot relax the sign-off that judges it, nor vouch for itself with a
key it adds; and the attempt is reported. End to end through `reviewgate check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo
from test_check_cli import github_pull_request, reviewgate
from test_rules_signoff import ASSISTED
from test_signoff_signatures import Keys, keys  # noqa: F401  (the module's key fixture)

MALLORY = "Mallory <mallory@example.org>"
SIGNED_POLICY = "signoff:\n  signature: ssh\n"


def public(key: Path) -> str:
    return " ".join(key.with_suffix(".pub").read_text().split()[:2])


def test_a_pull_request_that_drops_the_sign_off_requirement_is_judged_by_the_base(
    repo: Repo, tmp_path: Path
) -> None:
    base = repo.commit("base\n", {".reviewgate.yaml": "version: 1\n", "a.py": "1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("chore: relax\n", {".reviewgate.yaml": "signoff:\n  required_for: none\n"})
    head = repo.commit(ASSISTED, {"b.py": "2\n"})
    result = reviewgate(repo.path, "check", env=github_pull_request(repo, tmp_path, base, head))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{head[:10]}" in result.stdout and "RG301" in result.stdout
    assert "reviewgate: note: the policy at" in result.stdout
    # Judged by its own policy (outside CI, no trusted base) it would have passed.
    assert reviewgate(repo.path, "check", "main..feature").returncode == 0
    by_hand = reviewgate(repo.path, "check", "main..feature", "--policy-from", "main")
    assert by_hand.returncode == 1 and "RG301" in by_hand.stdout


@pytest.mark.parametrize("how", ["adds its key", "points the policy at its own file"])
def test_a_pull_request_that_vouches_for_itself_with_its_own_key_fails(
    repo: Repo, keys: Keys, tmp_path: Path, how: str  # noqa: F811
) -> None:
    repo.git("config", "gpg.format", "ssh")
    trusted = f"grace@example.org {public(keys.grace)}\n"
    base = repo.commit("base\n", {".reviewgate.yaml": SIGNED_POLICY,
                                  ".reviewgate/allowed_signers": trusted})
    repo.git("checkout", "-q", "-b", "feature")
    mine = f"mallory@example.org {public(keys.mallory)}\n"
    if how == "adds its key":
        repo.commit("chore: add a reviewer\n", {".reviewgate/allowed_signers": trusted + mine})
    else:
        repo.commit("chore: move the signers\n", {
            "signers": mine,
            ".reviewgate.yaml": SIGNED_POLICY + "  allowed_signers: signers\n"})
    tip = repo.commit(ASSISTED, {"b.py": "2\n"})
    repo.git("config", "user.signingKey", str(keys.mallory))
    head = repo.commit(
        f"review\n\nSignoff-range: {base}..{tip}\nReviewed-by: {MALLORY}\n",
        author=MALLORY, committer=MALLORY, extra=("-S",))
    # Judged by its own files, the pull request would pass: the key is its own.
    assert reviewgate(repo.path, "check", "main..feature").returncode == 0
    result = reviewgate(repo.path, "check", env=github_pull_request(repo, tmp_path, base, head))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "RG304" in result.stdout
    assert ".reviewgate/allowed_signers does not allow" in result.stdout
    if how == "adds its key":
        assert ("reviewgate: note: the allowed signers file .reviewgate/allowed_signers at "
                f"{head[:12]} differs from the trusted one at {base[:12]}") in result.stdout
    else:
        assert "reviewgate: note: the policy at" in result.stdout


def test_the_trusted_key_still_works_and_an_unchanged_file_gives_no_note(
    repo: Repo, keys: Keys, tmp_path: Path  # noqa: F811
) -> None:
    repo.git("config", "gpg.format", "ssh")
    base = repo.commit("base\n", {
        ".reviewgate.yaml": SIGNED_POLICY,
        ".reviewgate/allowed_signers": f"grace@example.org {public(keys.grace)}\n"})
    repo.git("checkout", "-q", "-b", "feature")
    tip = repo.commit(ASSISTED, {"b.py": "2\n"})
    repo.git("config", "user.signingKey", str(keys.grace))
    grace = "Grace Hopper <grace@example.org>"
    repo.commit(f"review\n\nSignoff-range: {base}..{tip}\nReviewed-by: {grace}\n",
                author=grace, committer=grace, extra=("-S",))
    env = {"CI": "true", "REVIEWGATE_BASE": "main"}
    result = reviewgate(repo.path, "check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 commits checked" in result.stdout
    assert "note:" not in result.stdout


def test_without_the_file_at_the_trusted_base_no_signature_is_trusted(
    repo: Repo, keys: Keys, tmp_path: Path  # noqa: F811
) -> None:
    # The base requires signatures but lists no signer yet: a pull request that adds
    # the very first file still cannot sign itself off.
    repo.git("config", "gpg.format", "ssh")
    base = repo.commit("base\n", {".reviewgate.yaml": SIGNED_POLICY})
    repo.git("checkout", "-q", "-b", "feature")
    tip = repo.commit(ASSISTED, {
        ".reviewgate/allowed_signers": f"mallory@example.org {public(keys.mallory)}\n"})
    repo.git("config", "user.signingKey", str(keys.mallory))
    head = repo.commit(f"review\n\nSignoff-range: {base}..{tip}\nReviewed-by: {MALLORY}\n",
                       author=MALLORY, committer=MALLORY, extra=("-S",))
    result = reviewgate(repo.path, "check", env=github_pull_request(repo, tmp_path, base, head))
    assert result.returncode == 1 and "RG304" in result.stdout, result.stdout + result.stderr
    assert "differs from the trusted one" in result.stdout
