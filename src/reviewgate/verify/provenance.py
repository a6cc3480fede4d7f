"""Which cached verify results count, and the signatures that vouch for them.

Anyone who can push `refs/notes/reviewgate` can write any line there, `outcome=
proven` for a fix whose test never passes included. So a line may carry the ssh
signature of the machine that ran it (`ssh-keygen -Y sign` in the namespace
NAMESPACE, over the line without its signature), and `verify.cache_trust` says
which lines count:

- `signed`: only a line whose signature a key that the trusted allowed-signers
  file (`signoff.allowed_signers` at the trusted revision) lists for the
  principal PRINCIPAL makes good. Every other line is as good as absent: the fix
  is run again (`check --verify`, `verify`) or has no verdict (`check`).
- `any`: every well-formed line, signed or not (a developer's own cache).
- `auto` (the default): `signed` in CI (`CI` set and not false, GitHub Actions,
  GitLab CI), `any` elsewhere.

A run signs the lines it writes when KEY_VARIABLE names an ssh key and the test
command ran in the sandbox: without it, the test could have read the key.

The ssh work itself (signing, checking against allowed signers) is
reviewgate.signoff.signing's; the pipeline (reviewgate.pipeline.provenance)
hands it over as the two callables of a Provenance.
"""

from __future__ import annotations

import base64
import binascii
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from reviewgate.verify.cache import CachedResult, CacheKey

NAMESPACE = "reviewgate-verify"  # ssh-keygen -n: never an approval's or a commit's
PRINCIPAL = "verify"  # the allowed-signers principal of keys that may vouch
KEY_VARIABLE = "REVIEWGATE_VERIFY_KEY"  # the signing key: a private key file, or key::<pub>
_ARMOR = ("-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----")

# payloads and armored signatures -> whether each is good
Checker = Callable[[Sequence[tuple[bytes, str]]], list[bool]]
Signer = Callable[[bytes], str]  # payload -> armored signature, "" for none


def in_ci(environ: Mapping[str, str]) -> bool:
    ci = environ.get("CI", "").strip().lower()
    return (
        ci not in ("", "0", "false", "no")
        or environ.get("GITHUB_ACTIONS") == "true"
        or environ.get("GITLAB_CI") == "true"
    )


def trust_mode(setting: str, environ: Mapping[str, str]) -> str:
    """`signed` or `any`, from verify.cache_trust and the environment."""
    if setting == "auto":
        return "signed" if in_ci(environ) else "any"
    return setting


def payload(result: CachedResult) -> bytes:
    """What a result's signature covers."""
    return result.unsigned_line().encode("utf-8") + b"\n"


def compact(armored: str) -> str:
    """An armored ssh signature as one base64 word, for a note line."""
    lines = [line.strip() for line in armored.strip().splitlines()]
    return "".join(line for line in lines if line and line not in _ARMOR)


def armor(word: str) -> str:
    """compact() undone: the text ssh-keygen reads."""
    body = "\n".join(textwrap.wrap(word, 70))
    return f"{_ARMOR[0]}\n{body}\n{_ARMOR[1]}\n"


def well_formed(word: str) -> bool:
    try:
        base64.b64decode(word, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(word)


@dataclass
class Provenance:
    mode: str = "any"  # signed | any
    signer: Signer | None = None
    checker: Checker | None = None
    source: str = ""  # the allowed-signers file and revision, for the note
    ignored: set[CacheKey] = field(default_factory=set)  # keys with lines, none trusted

    def trusted(self, key: CacheKey, lines: Sequence[CachedResult]) -> list[CachedResult]:
        """The lines for `key` that count."""
        if self.mode != "signed":
            return list(lines)
        signed = [line for line in lines if well_formed(line.signature)]
        good = [False] * len(signed)
        if signed and self.checker is not None:
            good = self.checker([(payload(line), armor(line.signature)) for line in signed])
        kept = [line for line, ok in zip(signed, good, strict=True) if ok]
        if lines and not kept:
            self.ignored.add(key)
        return kept

    def sign(self, result: CachedResult) -> CachedResult:
        """`result` with the signer's signature, when there is a signer."""
        if self.signer is None:
            return result
        armored = self.signer(payload(replace(result, signature="")))
        return replace(result, signature=compact(armored)) if armored else result

    def notes(self) -> tuple[str, ...]:
        """What a reader of the report must know: results left unused."""
        if not self.ignored:
            return ()
        return (
            f"{len(self.ignored)} cached verify result(s) not used: only results signed by a "
            f"key that {self.source or 'the trusted allowed signers'} lists for "
            f"'{PRINCIPAL}' count here (verify.cache_trust, docs/verify.md)",
        )
