"""The project's own files: its pre-commit configuration and hook manifest are
valid, and its own history passes its own check (the quick start's first command)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command, path",
    [
        ("validate-config", ".pre-commit-config.yaml"),
        ("validate-manifest", ".pre-commit-hooks.yaml"),
    ],
)
def test_pre_commit_files_are_valid(command: str, path: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", command, str(ROOT / path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_this_repository_passes_its_own_check() -> None:
    # The project follows its own rule: every commit that a tool helped write
    # says so. Skipped where there is no full history to read.
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if (ROOT / ".git" / "shallow").exists():
        pytest.skip("a shallow clone: the check would stop with exit 2 by design")
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "commits checked in HEAD (<built-in>): 0 errors" in result.stdout
