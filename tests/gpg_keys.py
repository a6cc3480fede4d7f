"""A real OpenPGP key for tests, in a GNUPGHOME of its own."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

GPG = ["gpg", "--batch", "--passphrase", ""]


@contextmanager
def key_with_two_user_ids(
    monkeypatch: pytest.MonkeyPatch, primary: str, second: str
) -> Iterator[str]:
    """A signing key whose primary user id is `primary` and whose other is `second`
    (both "Name <email>"); its fingerprint. Skips the test when gpg cannot make one."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    # gpg-agent's socket lives in GNUPGHOME, and socket paths are short.
    home = Path(tempfile.mkdtemp(prefix="rg-gpg-", dir="/tmp"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        made = subprocess.run([*GPG, "--quick-gen-key", primary, "ed25519", "sign", "never"],
                              capture_output=True, text=True, timeout=120)
        if made.returncode != 0:
            pytest.skip(f"gpg cannot make a key here: {made.stderr.strip()[:200]}")
        email = primary[primary.index("<") + 1 : primary.index(">")]
        listed = subprocess.run([*GPG, "--with-colons", "--list-keys", email],
                                capture_output=True, text=True, timeout=60, check=True)
        fpr = next(ln.split(":")[9] for ln in listed.stdout.splitlines() if ln.startswith("fpr"))
        for step in (["--quick-add-uid", fpr, second], ["--quick-set-primary-uid", fpr, primary]):
            subprocess.run([*GPG, *step], capture_output=True, timeout=120, check=True)
        yield fpr
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], timeout=60, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
