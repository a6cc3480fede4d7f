"""Issue 16, item 11: `--help` that agrees with itself, shows an example per
command and cuts no summary off; one format, `reviewgate: error: …` and exit 2,
for click's usage errors and reviewgate's own. Through the real console entry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo

COMMANDS = ["approve", "check", "explain", "hook", "init", "policy", "stats", "verify",
            "hook commit-msg", "hook prepare-commit-msg", "hook pre-push", "hook pre-receive",
            "hook install", "hook uninstall"]
ERROR = re.compile(r"^reviewgate: error: \S.*\n\Z")


def reviewgate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewgate", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", ["check", "verify", "stats", "approve"])
def test_usage_names_the_range_the_text_speaks_of(tmp_path: Path, command: str) -> None:
    done = reviewgate(tmp_path, command, "--help")
    assert done.returncode == 0
    usage = done.stdout.splitlines()[0]
    assert usage == f"Usage: reviewgate {command} [OPTIONS] [RANGE]..."
    assert "REVISIONS" not in done.stdout and "RANGE" in done.stdout.split("\n", 1)[1]


def test_the_command_list_cuts_no_summary_off(tmp_path: Path) -> None:
    done = reviewgate(tmp_path, "--help")
    listed = done.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(listed) == 8
    for line in listed:
        assert not line.endswith("..."), line
        assert line.rstrip().endswith("."), line


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_ends_with_an_example(tmp_path: Path, command: str) -> None:
    done = reviewgate(tmp_path, *command.split(), "--help")
    assert done.returncode == 0, done.stderr
    examples = done.stdout.split("\nExamples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith("  ") for line in examples)
    # an example runs the command it documents (the hook scripts' is git config)
    assert any(f"reviewgate {command}".rstrip() in line or "git " in line for line in examples)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nosuch"], "no such command 'nosuch' (see 'reviewgate --help')"),
        (["check", "--format", "xml"], "invalid value for '--format'"),
        (["stats", "-n", "0"], "invalid value for '-n' / '--max-count'"),
        (["hook", "commit-msg"], "missing argument 'MESSAGE_FILE'"),
        (["explain", "--bogus"], "no such option '--bogus'"),
        (["check", "nosuchrev"], "unknown revision 'nosuchrev'"),  # reviewgate's own
        (["check", "--bogus"], "not a revision or range: '--bogus'"),  # reviewgate's own
        (["approve", "HEAD"], "refusing to approve HEAD and all its history"),
    ],
)
def test_usage_errors_share_one_format(repo: Repo, args: list[str], says: str) -> None:
    repo.commit("feat: x\n")
    done = reviewgate(repo.path, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert ERROR.match(done.stderr), done.stderr
    assert says in done.stderr
    assert done.stdout == ""
