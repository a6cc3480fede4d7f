"""The verify cache's Provenance for one run: which cached results count
(reviewgate.verify.provenance) and the key that signs the results the run
writes, both done with reviewgate.signoff.signing's ssh helpers.

- The allowed signers come from `signoff.allowed_signers` at the trusted
  revision (CI's base, --policy-from, else HEAD), read only when a signed line
  is to be checked. A key vouches for a result when that file lists it for the
  principal `verify`, compared whole (a `*` line vouches for nothing), and the
  signature is in the namespace `reviewgate-verify`.
- REVIEWGATE_VERIFY_KEY names the signing key (an ssh private key file, or
  `key::<public key>` whose private half is in ssh-agent). It is tried once
  before anything runs, so a broken key stops the run at once (exit 2), and a
  result is signed only when its command ran in the sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from reviewgate.errors import GitError, ReviewgateError
from reviewgate.signoff.gather import allowed_signers_at
from reviewgate.signoff.signing import SigningConfig, Verifier, sign
from reviewgate.verify.provenance import (
    KEY_VARIABLE,
    NAMESPACE,
    PRINCIPAL,
    Checker,
    Provenance,
    Signer,
    trust_mode,
)
from reviewgate.verify.sandbox import notice, sandbox_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.result import GatherOptions
    from reviewgate.policy.schema import Policy

_PURPOSE = "a verify result"


def cache_provenance(
    repo: Any, policy: Policy, options: GatherOptions, environ: Mapping[str, str] | None = None
) -> Provenance:
    env = os.environ if environ is None else environ
    mode = trust_mode(policy.verify.cache_trust, env)
    rev = options.trusted or "HEAD"
    path = policy.signoff.allowed_signers
    checker = _checker(repo, rev, path) if mode == "signed" else None
    key = env.get(KEY_VARIABLE, "").strip()
    signer = _signer(key, str(repo.git_dir), policy) if options.verify and key else None
    shown = rev if rev == "HEAD" else rev[:12]
    return Provenance(mode, signer, checker, f"{path} at {shown}")


def _checker(repo: Any, rev: str, path: str) -> Checker:
    """Whether each (payload, armored signature) is good for the principal
    `verify`; the allowed-signers file is read on the first call."""
    read: list[str | None] = []

    def check(items: Sequence[tuple[bytes, str]]) -> list[bool]:
        if not read:
            try:
                read.append(allowed_signers_at(repo, rev, path))
            except GitError:  # no trusted revision (an unborn HEAD): no key vouches
                read.append(None)
        if read[0] is None:
            return [False] * len(items)
        verifier = Verifier(read[0], namespace=NAMESPACE, match=_whole)
        with verifier.session() as session:
            return [session.check(data, "ssh", sig, PRINCIPAL).good for data, sig in items]

    return check


def _whole(principal: str, wanted: str) -> bool:
    return principal == wanted


def _signer(key: str, git_dir: str, policy: Policy) -> Signer:
    config = SigningConfig("ssh", key, "ssh-keygen")
    try:
        sign(b"reviewgate: can this key sign?\n", config, NAMESPACE, _PURPOSE)
    except ReviewgateError as error:
        raise ReviewgateError(
            f"{KEY_VARIABLE}={key}: {error} (name an ssh private key file that only you can "
            "read, or key::<public key> whose private key is in ssh-agent)"
        ) from None

    def signer(data: bytes) -> str:
        if sandbox_for(policy.verify, git_dir) is None:
            notice(
                "reviewgate: verify results are not signed: the test command ran without the "
                f"sandbox (verify.sandbox), where it could read {KEY_VARIABLE}"
            )
            return ""
        signed = sign(data, config, NAMESPACE, _PURPOSE)
        return signed.signature if signed is not None else ""

    return signer
