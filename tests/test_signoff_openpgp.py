"""An OpenPGP-signed commit signs off for a reviewer named in ANY valid user id of
the key, not only the primary one, which is all git's %GS shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Repo
from gpg_keys import key_with_two_user_ids
from reviewgate.pipeline.run import run_check

POLICY = "version: 1\nsignoff:\n  signature: gpg\n"
GPG = ["gpg", "--batch", "--passphrase", ""]


@pytest.fixture
def gpg_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A key whose primary user id is a work address and whose second is the
    reviewer's; its fingerprint."""
    with key_with_two_user_ids(
        monkeypatch, "Grace Work <grace@work.example>", "Grace Hopper <grace@example.org>"
    ) as fpr:
        yield fpr


def signed_review(repo: Repo, fpr: str, reviewer: str) -> str:
    repo.git("config", "gpg.format", "openpgp")
    repo.git("config", "user.signingKey", fpr)
    repo.write("b.py", "b = 1\n")
    repo.git("add", "b.py")
    repo.git("commit", "-q", "-S", "-m",
             f"feat: b\n\nAssisted-by: Claude:opus\nReviewed-by: {reviewer}\n")
    return repo.head()


def test_a_secondary_user_id_names_the_reviewer(repo: Repo, gpg_key: str) -> None:
    base = repo.commit("chore: policy", {".reviewgate.yaml": POLICY})
    head = signed_review(repo, gpg_key, "Grace Hopper <grace@example.org>")
    result = run_check(revisions=(f"{base}..HEAD",), cwd=repo.path)
    # It used to be RG304: git's %GS named only "Grace Work <grace@work.example>".
    assert [(f.code, f.sha) for f in result.findings] == [], result.findings
    assert head


def test_an_address_the_key_does_not_have_is_still_refused(repo: Repo, gpg_key: str) -> None:
    base = repo.commit("chore: policy", {".reviewgate.yaml": POLICY})
    head = signed_review(repo, gpg_key, "Grace Hopper <grace@elsewhere.example>")
    result = run_check(revisions=(f"{base}..HEAD",), cwd=repo.path)
    assert [(f.code, f.sha) for f in result.findings] == [("RG304", head)]
