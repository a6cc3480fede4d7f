"""Sign an approval record with the reviewer's git signing key, and check such a
signature, with ssh-keygen and gpg themselves.

Signing follows git's own configuration (`gpg.format`, `user.signingKey`,
`gpg.ssh.program`, `gpg.program`, `gpg.ssh.defaultKeyCommand`), so a reviewer who
signs commits signs approvals with no further setup. ssh signatures use their own
namespace, so that a signature made for a commit ("git") or a file can never pass
for an approval, nor an approval's for them.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from reviewgate.errors import ReviewgateError
from reviewgate.evidence import SignatureCheck

SSH_NAMESPACE = "reviewgate-approval"
_TIMEOUT = 60


@dataclass(frozen=True)
class SigningConfig:
    """What git's configuration says about signing (keys lower-cased as git prints them)."""

    format: str  # "openpgp" | "ssh" | "x509"
    key: str  # user.signingKey, or what gpg.ssh.defaultKeyCommand printed; "" = none
    program: str

    @classmethod
    def from_git_config(cls, config: Mapping[str, str]) -> SigningConfig:
        fmt = config.get("gpg.format", "openpgp").strip().lower() or "openpgp"
        key = config.get("user.signingkey", "").strip()
        if fmt == "ssh":
            program = config.get("gpg.ssh.program") or "ssh-keygen"
            command = config.get("gpg.ssh.defaultkeycommand", "").strip()
            if not key and command:
                key = _default_ssh_key(command)
        elif fmt == "x509":
            program = config.get("gpg.x509.program") or "gpgsm"
        else:
            program = config.get("gpg.openpgp.program") or config.get("gpg.program") or "gpg"
        return cls(fmt, key, program)


def _default_ssh_key(command: str) -> str:
    # git runs gpg.ssh.defaultKeyCommand through the shell and takes its first line.
    try:
        done = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = done.stdout.splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else ""


@dataclass(frozen=True)
class Signed:
    format: str  # "ssh" | "openpgp"
    signature: str  # the armored signature text


def sign(payload: bytes, config: SigningConfig) -> Signed | None:
    """`payload` signed as git would sign a commit with `config`; None when no key
    is configured. Raises ReviewgateError when signing was asked for and failed."""
    if not config.key:
        return None
    if config.format == "ssh":
        return Signed("ssh", _sign_ssh(payload, config))
    if config.format == "openpgp":
        return Signed("openpgp", _sign_openpgp(payload, config))
    raise ReviewgateError(
        f"gpg.format={config.format} is not supported for approvals; use ssh or openpgp"
    )


def _sign_ssh(payload: bytes, config: SigningConfig) -> str:
    key = config.key
    literal = key.startswith(("key::", "ssh-", "ecdsa-", "sk-"))
    with tempfile.TemporaryDirectory(prefix="reviewgate-sign-") as tmp:
        args = [config.program, "-Y", "sign", "-n", SSH_NAMESPACE]
        if literal:
            # A literal public key: the private half lives in ssh-agent, as with git.
            path = os.path.join(tmp, "key.pub")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(key.removeprefix("key::").strip() + "\n")
            args += ["-f", path, "-U"]
        else:
            args += ["-f", os.path.expanduser(key)]
        done = _run(args, payload, "sign the approval")
    if done.returncode != 0 or b"-----BEGIN SSH SIGNATURE-----" not in done.stdout:
        raise ReviewgateError(f"ssh-keygen could not sign the approval: {_first_line(done)}")
    return done.stdout.decode("ascii")


def _sign_openpgp(payload: bytes, config: SigningConfig) -> str:
    args = [config.program, "--status-fd=2", "--detach-sign", "--armor", "-u", config.key]
    done = _run(args, payload, "sign the approval")
    if done.returncode != 0 or b"[GNUPG:] SIG_CREATED " not in done.stderr:
        raise ReviewgateError(f"gpg could not sign the approval: {_first_line(done)}")
    return done.stdout.decode("ascii")


def _run(args: list[str], payload: bytes, purpose: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            args, input=payload, capture_output=True, timeout=_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise ReviewgateError(f"cannot {purpose}: {args[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise ReviewgateError(f"cannot {purpose}: {args[0]} timed out") from None


def _first_line(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or b"").decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("[GNUPG:]")]
    lines = [ln for ln in lines if ln != "Signing data on standard input"]
    return lines[0].strip() if lines else f"exit status {done.returncode}"


@dataclass(frozen=True)
class Verifier:
    """Checks approval signatures against the trusted allowed-signers text."""

    allowed_signers: str | None
    ssh_program: str = "ssh-keygen"
    gpg_program: str = "gpg"

    @contextmanager
    def session(self) -> Iterator[_Session]:
        with tempfile.TemporaryDirectory(prefix="reviewgate-verify-") as tmp:
            allowed = None
            if self.allowed_signers is not None:
                allowed = os.path.join(tmp, "allowed_signers")
                with open(allowed, "w", encoding="utf-8") as handle:
                    handle.write(self.allowed_signers)
            yield _Session(self, tmp, allowed)


@dataclass
class _Session:
    verifier: Verifier
    tmp: str
    allowed: str | None  # path of the allowed-signers file; None: there is none
    count: int = 0

    def check(self, payload: bytes, fmt: str, signature: str, email: str) -> SignatureCheck:
        """The verdict on `signature` over `payload`, for the reviewer `email`."""
        self.count += 1
        sig_path = os.path.join(self.tmp, f"sig{self.count}")
        with open(sig_path, "w", encoding="ascii", errors="replace") as handle:
            handle.write(signature)
        try:
            if fmt == "ssh":
                return self._check_ssh(payload, sig_path, email)
            if fmt == "openpgp":
                return check_openpgp(self.verifier.gpg_program, payload, sig_path, email)
        except FileNotFoundError as error:
            return SignatureCheck("error", format=fmt, detail=f"{error.filename} is not installed")
        except subprocess.TimeoutExpired as error:
            return SignatureCheck("error", format=fmt, detail=f"{error.cmd[0]} timed out")
        return SignatureCheck("error", format=fmt, detail=f"unknown signature format {fmt!r}")

    def _check_ssh(self, payload: bytes, sig_path: str, email: str) -> SignatureCheck:
        program = self.verifier.ssh_program
        principals: list[str] = []
        if self.allowed is not None:
            found = subprocess.run(
                [program, "-Y", "find-principals", "-f", self.allowed, "-s", sig_path],
                capture_output=True, timeout=_TIMEOUT, check=False,
            )  # fmt: skip
            if found.returncode == 0:
                principals = found.stdout.decode("utf-8", "replace").split()
        matched = next((p for p in principals if principal_matches(p, email)), None)
        if matched is not None and self.allowed is not None:
            # ssh-keygen compares principals with case; the matching one is passed as is.
            identity = _ssh_identity(matched, email)
            verified = subprocess.run(
                [program, "-Y", "verify", "-f", self.allowed, "-I", identity,
                 "-n", SSH_NAMESPACE, "-s", sig_path],
                input=payload, capture_output=True, timeout=_TIMEOUT, check=False,
            )  # fmt: skip
            if verified.returncode == 0:
                key = _ssh_key(verified.stdout)
                return SignatureCheck("good", identity, key, "ssh", "valid signature")
        # Not good: was the signed text changed (bad), or is the key not allowed here?
        raw = subprocess.run(
            [program, "-Y", "check-novalidate", "-n", SSH_NAMESPACE, "-s", sig_path],
            input=payload, capture_output=True, timeout=_TIMEOUT, check=False,
        )  # fmt: skip
        if raw.returncode != 0:
            detail = _first_line(raw)
            return SignatureCheck("bad", "", "", "ssh", f"signature does not match: {detail}")
        key = _ssh_key(raw.stdout)
        if self.allowed is None:
            detail = "no allowed-signers file at the trusted revision"
        elif matched is not None:
            detail = f"key allowed for {matched}, but ssh-keygen refused it (namespaces/validity)"
        elif principals:
            detail = f"key is allowed for {', '.join(principals)}, not for {email}"
        else:
            detail = "key is not in the allowed signers"
        return SignatureCheck("untrusted", ", ".join(principals), key, "ssh", detail)


def principal_matches(principal: str, email: str) -> bool:
    """Whether an allowed-signers principal (a pattern as ssh allows: * and ?)
    names `email`, ignoring case as reviewgate compares emails."""
    if principal.startswith("!"):
        return False
    return _ssh_pattern(principal.lower()).fullmatch(email.lower()) is not None


def _ssh_identity(principal: str, email: str) -> str:
    """The spelling of `email` that ssh-keygen, which compares with case, matches
    to `principal`: the principal itself when it is literal."""
    if not any(c in principal for c in "*?"):
        return principal
    pattern = _ssh_pattern(principal)
    return next((c for c in (email, email.lower()) if pattern.fullmatch(c)), email)


def _ssh_pattern(principal: str) -> re.Pattern[str]:
    return re.compile(re.escape(principal).replace(r"\*", ".*").replace(r"\?", "."))


def _ssh_key(stdout: bytes) -> str:
    # `Good "ns" signature [for P] with ED25519 key SHA256:...`
    words = stdout.decode("utf-8", "replace").split()
    return next((w for w in words if w.startswith("SHA256:")), "")


def check_openpgp(program: str, payload: bytes, sig_path: str, email: str) -> SignatureCheck:
    """gpg's verdict: good only for a valid signature by a fully trusted key whose
    user id carries `email` (the keyring is gpg's trust store, as for git)."""
    done = subprocess.run(
        [program, "--status-fd=1", "--keyid-format=long", "--verify", sig_path, "-"],
        input=payload, capture_output=True, timeout=_TIMEOUT, check=False,
    )  # fmt: skip
    status: dict[str, str] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("[GNUPG:] "):
            word, _, rest = line[9:].partition(" ")
            status.setdefault(word, rest)
    if "BADSIG" in status:
        return SignatureCheck("bad", "", "", "openpgp", "signature does not match the record")
    if "GOODSIG" not in status:
        detail = "public key not in the keyring" if "NO_PUBKEY" in status else _first_line(done)
        return SignatureCheck("untrusted", "", "", "openpgp", detail)
    uid = status["GOODSIG"].partition(" ")[2]
    key = status.get("VALIDSIG", "").partition(" ")[0]
    if not any(t in status for t in ("TRUST_FULLY", "TRUST_ULTIMATE")):
        return SignatureCheck("untrusted", uid, key, "openpgp", "key is not trusted in the keyring")
    if f"<{email.lower()}>" not in uid.lower():
        return SignatureCheck("untrusted", uid, key, "openpgp", f"key belongs to {uid}")
    return SignatureCheck("good", uid, key, "openpgp", "valid signature")
