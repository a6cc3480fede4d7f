"""Shared pieces of the `verify.command: auto` acceptance tests: one small real
project per language, with the same seven fixes, verified end to end through the
CLI with no policy file at all.

Each project's history, in this order (each case leaves the suite as the next
one expects it):

  same-commit  a fix that brings its own test              proven
  two-commit   a test-only commit, then the fix            proven
  data         a fix whose test is a new data file only    proven
  not-red      a fix whose test passes without it          RG202
  no-compile   a test of a function the fix adds           RG205
  breaks       a fix whose test passes, but an old test    RG206
               fails with it
  not-green    a fix whose test still fails with it        RG203
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Repo
from verify_helpers import reviewgate

EXPECTED = {
    "same-commit": ("proven (red, then green)", None),
    "two-commit": ("proven (red, then green)", None),
    "data": ("proven (red, then green)", None),
    "not-red": ("NOT RED", "RG202"),
    "no-compile": ("ERROR: could not verify (RG205)", "RG205"),
    "breaks": ("BREAKS A TEST", "RG206"),
    "not-green": ("NOT GREEN", "RG203"),
}
# Read before the tests replace HOME: rustup finds its toolchains under the real one.
_REAL_HOME = os.path.expanduser("~")
Commits = dict[str, list[tuple[str, dict[str, str]]]]


class Source:
    """A source file that the cases edit one fix after another."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def edit(self, old: str, new: str) -> dict[str, str]:
        assert old in self.text, old
        self.text = self.text.replace(old, new)
        return {self.path: self.text}


def toolchain_env(tmp: Path) -> dict[str, str]:
    """What go and cargo need with the tests' private HOME: a shared build cache,
    rustup's toolchains, and no network."""
    env = {
        "GOCACHE": str(tmp / "go-build"),
        "GOPATH": str(tmp / "gopath"),
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "CARGO_HOME": str(tmp / "cargo"),
        "CARGO_NET_OFFLINE": "true",
    }
    rustup = os.environ.get("RUSTUP_HOME") or os.path.join(_REAL_HOME, ".rustup")
    if os.path.isdir(rustup):
        env["RUSTUP_HOME"] = rustup
    return env


def require(program: str, *version: str, env: dict[str, str] | None = None) -> None:
    """Skip the test, with the reason, when `program` is missing or cannot run."""
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    probe = subprocess.run(
        [program, *version],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    if probe.returncode != 0:
        said = (probe.stderr or probe.stdout).strip().splitlines()[:1]
        pytest.skip(f"{program} cannot run here: {said[0] if said else probe.returncode}")


def build(repo: Repo, base: dict[str, str], commits: Commits) -> tuple[str, dict[str, str]]:
    """The base commit, then each case's commits; the sha of each case's fix."""
    start = repo.commit("feat: textkit", base)
    shas = {}
    for case, steps in commits.items():
        for message, files in steps:
            shas[case] = repo.commit(message, files)
    return start, shas


def verify_and_check(
    repo: Repo,
    start: str,
    shas: dict[str, str],
    env: dict[str, str],
    extra: Callable[[str], None] | None = None,
) -> str:
    """Run `reviewgate verify` on the range with no policy file (auto), assert each
    case's outcome in verify's listing and in `check`'s findings, and return
    verify's output."""
    assert not (repo.path / ".reviewgate.yaml").exists()
    result = reviewgate(repo.path, "verify", "-j", "2", f"{start}..HEAD", env=env, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    seen = {}
    for line in result.stdout.splitlines():
        first, _, rest = line.partition(" ")
        if len(first) == 12:
            seen[first] = rest
    for case, (label, _) in EXPECTED.items():
        got = seen.get(shas[case][:12], "")
        assert got.startswith(label), f"{case}: {got!r}\n{result.stdout}"
    check = reviewgate(repo.path, "check", "--format", "json", f"{start}..HEAD", env=env)
    document = json.loads(check.stdout)
    findings = {(f["code"], c["sha"]) for c in document["commits"] for f in c["findings"]}
    for case, (_, code) in EXPECTED.items():
        verify_codes = {
            c
            for c, sha in findings
            if sha == shas[case] and c in ("RG202", "RG203", "RG205", "RG206")
        }
        assert verify_codes == ({code} if code else set()), (case, verify_codes)
    verifications = {c["sha"]: c.get("verification") for c in document["commits"]}
    proven = verifications[shas["same-commit"]]
    assert proven is not None and proven["outcome"] == "proven"
    assert any(t["red"] == "failed" and t["green"] == "passed" for t in proven["tests"])
    if extra is not None:
        extra(result.stdout)
    return result.stdout
