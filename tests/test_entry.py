"""The console entry point: plain hook calls skip click; everything else uses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.entry import parse_hook_args


@pytest.mark.parametrize(
    "args, expected",
    [
        (["hook", "commit-msg", "F"], ("commit-msg", ["F"], None)),
        (["hook", "commit-msg", "F", "--config", "p.yaml"], ("commit-msg", ["F"], "p.yaml")),
        (["hook", "commit-msg", "--config=p.yaml", "F"], ("commit-msg", ["F"], "p.yaml")),
        (
            ["hook", "prepare-commit-msg", "F", "message"],
            ("prepare-commit-msg", ["F", "message"], None),
        ),
        (
            ["hook", "prepare-commit-msg", "F", "commit", "abc"],
            ("prepare-commit-msg", ["F", "commit", "abc"], None),
        ),
        (["hook", "commit-msg", "F", "--help"], None),
        (["hook", "commit-msg"], None),
        (["hook", "commit-msg", "F", "G"], None),
        (["hook", "pre-push", "origin", "url"], None),
        (["check", "HEAD"], None),
    ],
)
def test_parse_hook_args(args, expected) -> None:
    assert parse_hook_args(args) == expected


def test_hook_path_does_not_import_click_gitpython_yaml_or_range_evidence(
    tmp_path: Path,
) -> None:
    # The range machinery (gather, evidence, the range rules) is for `check`; a
    # message that is not a fix needs none of it.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    message = tmp_path / "msg"
    message.write_text("feat: x\n\nAssisted-by: Claude:claude-opus-4\n")
    probe = (
        "import sys, runpy; sys.argv = ['reviewgate', 'hook', 'commit-msg', 'msg']\n"
        "try:\n    runpy.run_module('reviewgate', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "print(code, sorted(m for m in ('click', 'git', 'yaml', 'reviewgate.pipeline.gather',\n"
        "                               'reviewgate.model.evidence', 'reviewgate.signoff.rules',\n"
        "                               'reviewgate.verify.rules')\n"
        "                   if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0 []", result.stdout + result.stderr


def test_help_still_goes_through_click(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "hook", "commit-msg", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "Usage: reviewgate hook commit-msg" in result.stdout


def test_hook_without_git_on_path_is_a_clean_error(tmp_path: Path) -> None:
    message = tmp_path / "msg"
    message.write_text("feat: x\n")
    # An empty PATH directory: git cannot be found. Python runs by its full path; a
    # symlink to it elsewhere would leave a virtual environment (and reviewgate) behind.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "hook", "commit-msg", str(message)],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PATH": str(bin_dir)},
    )
    assert result.returncode == 2
    assert result.stderr == "reviewgate: error: git is not installed or not on PATH\n"


def test_a_git_error_in_the_hook_is_said_once(repo: Repo, tmp_path: Path) -> None:
    # git prefixes its own "error: "; the hook's line has one prefix, not two.
    repo.git("config", "core.commentChar", "ab")
    message = tmp_path / "msg"
    message.write_text("feat: x\n")
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "hook", "commit-msg", str(message)],
        cwd=repo.path, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr == "reviewgate: error: core.commentChar should only be one character\n"


def test_check_with_stdout_closed_ends_without_a_traceback(repo: Repo) -> None:
    repo.commit("feat: x\n")
    result = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m reviewgate check HEAD >&-"],
        cwd=repo.path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
