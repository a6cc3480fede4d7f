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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from reviewgate.errors import ReviewgateError
from reviewgate.model.emails import normal_email, parse_ident, plausible_email
from reviewgate.model.evidence import SignatureCheck

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


def sign(
    payload: bytes, config: SigningConfig, namespace: str = SSH_NAMESPACE,
    what: str = "the approval",
) -> Signed | None:
    """`payload` signed as git would sign a commit with `config`; None when no key
    is configured. Raises ReviewgateError when signing was asked for and failed.
    `namespace` (ssh only) says what the signature is for: an approval, or a
    verify result (reviewgate.verify.provenance)."""
    if not config.key:
        return None
    if config.format == "ssh":
        return Signed("ssh", _sign_ssh(payload, config, namespace, what))
    if config.format == "openpgp":
        return Signed("openpgp", _sign_openpgp(payload, config))
    raise ReviewgateError(
        f"gpg.format={config.format} is not supported for approvals; use ssh or openpgp"
    )


def _sign_ssh(payload: bytes, config: SigningConfig, namespace: str, what: str) -> str:
    key = config.key
    literal = key.startswith(("key::", "ssh-", "ecdsa-", "sk-"))
    with tempfile.TemporaryDirectory(prefix="reviewgate-sign-") as tmp:
        args = [config.program, "-Y", "sign", "-n", namespace]
        if literal:
            # A literal public key: the private half lives in ssh-agent, as with git.
            path = os.path.join(tmp, "key.pub")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(key.removeprefix("key::").strip() + "\n")
            args += ["-f", path, "-U"]
        else:
            args += ["-f", os.path.expanduser(key)]
        done = _run(args, payload, f"sign {what}")
    if done.returncode != 0 or b"-----BEGIN SSH SIGNATURE-----" not in done.stdout:
        raise ReviewgateError(f"ssh-keygen could not sign {what}: {_first_line(done)}")
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
    """Checks approval signatures against the trusted allowed-signers text; with
    another `namespace` and `match` (principal, wanted) -> bool, ssh signatures of
    other records (verify results: reviewgate.verify.provenance)."""

    allowed_signers: str | None
    ssh_program: str = "ssh-keygen"
    gpg_program: str = "gpg"
    namespace: str = SSH_NAMESPACE
    match: Callable[[str, str], bool] | None = None  # None: principal_matches

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
                principals = [p for line in found.stdout.decode("utf-8", "replace").split()
                              for p in line.split(",") if p]
        match = self.verifier.match or principal_matches
        matched = next((p for p in principals if match(p, email)), None)
        if matched is not None and self.allowed is not None:
            # ssh-keygen compares principals with case; the matching one is passed as is.
            identity = matched
            verified = subprocess.run(
                [program, "-Y", "verify", "-f", self.allowed, "-I", identity,
                 "-n", self.verifier.namespace, "-s", sig_path],
                input=payload, capture_output=True, timeout=_TIMEOUT, check=False,
            )  # fmt: skip
            if verified.returncode == 0:
                key = _ssh_key(verified.stdout)
                return SignatureCheck("good", identity, key, "ssh", "valid signature")
        # Not good: was the signed text changed (bad), or is the key not allowed here?
        raw = subprocess.run(
            [program, "-Y", "check-novalidate", "-n", self.verifier.namespace, "-s", sig_path],
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
            if any(c in p for p in principals for c in "*?"):
                detail += " (principals are compared whole: a pattern allows no one)"
        else:
            detail = "key is not in the allowed signers"
        return SignatureCheck("untrusted", ", ".join(principals), key, "ssh", detail)


def principal_matches(principal: str, email: str) -> bool:
    """Whether an allowed-signers principal is the reviewer `email` itself, compared
    whole and without case, exactly as commit signatures are (signoff_sources): a
    pattern line (`*@example.org`) lets a key sign for anyone it matches, so it
    proves no one in particular."""
    return plausible_email(email) and normal_email(principal) == normal_email(email)


def _ssh_key(stdout: bytes) -> str:
    # `Good "ns" signature [for P] with ED25519 key SHA256:...`
    words = stdout.decode("utf-8", "replace").split()
    return next((w for w in words if w.startswith("SHA256:")), "")


def check_openpgp(program: str, payload: bytes, sig_path: str, email: str) -> SignatureCheck:
    """gpg's verdict: good only for a valid signature by a fully trusted key one of
    whose valid user ids, primary or not, carries `email` (the keyring is gpg's
    trust store, as for git)."""
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
    valid = status.get("VALIDSIG", "").split()
    key = valid[0] if valid else ""
    if not any(t in status for t in ("TRUST_FULLY", "TRUST_ULTIMATE")):
        return SignatureCheck("untrusted", uid, key, "openpgp", "key is not trusted in the keyring")
    # GOODSIG names the primary user id only; the reviewer's may be another one.
    primary_key = valid[9] if len(valid) > 9 else key
    uids = [uid, *key_user_ids(program, primary_key)] if primary_key else [uid]
    wanted = _uid_email(email) if plausible_email(email) else ""
    matching = next((u for u in uids if wanted and _uid_email(u) == wanted), None)
    if matching is None:
        return SignatureCheck("untrusted", uid, key, "openpgp",
                              f"key belongs to {', '.join(dict.fromkeys(uids))}, not {email}")
    return SignatureCheck("good", matching, key, "openpgp", "valid signature")


def key_user_ids(program: str, fingerprint: str) -> list[str]:
    """The fully or ultimately valid user ids of the key `fingerprint`."""
    return user_ids_by_key(program, [fingerprint]).get(fingerprint.upper(), [])


def user_ids_by_key(program: str, fingerprints: Sequence[str]) -> dict[str, list[str]]:
    """Primary-key fingerprint (upper case) -> its fully or ultimately valid user ids
    (revoked, expired and unverified ones left out), for all `fingerprints` from ONE
    `gpg --with-colons --list-keys` process; a key gpg does not have is absent."""
    if not fingerprints:
        return {}
    try:
        done = subprocess.run(
            [program, "--batch", "--with-colons", "--fixed-list-mode", "--list-keys",
             "--", *fingerprints],
            capture_output=True, timeout=_TIMEOUT, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found: dict[str, list[str]] = {}
    current = ""
    expect_primary = False
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            expect_primary = True
        elif fields[0] == "fpr" and expect_primary and len(fields) > 9:
            current, expect_primary = fields[9].upper(), False
            found.setdefault(current, [])
        elif fields[0] == "uid" and current and len(fields) > 9 and fields[1] in ("f", "u"):
            found[current].append(_unescape_colons(fields[9]))
    return found


def _unescape_colons(text: str) -> str:
    # --with-colons writes a user id's colons, backslashes and controls as \xHH.
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def _uid_email(uid: str) -> str:
    return normal_email(parse_ident(uid)[1] if "<" in uid else uid)
