"""Commit data cannot drive the reader's terminal or the CI runner keeping the log
(issue 12, items 14 and 15; docs/security.md, "Output").

The runner's rules, as GitHub's actions/runner applies them to every line of a
step's output: lines end at LF, CRLF or a bare CR; a line whose text (after
leading white space) starts with `::name ...::` is a workflow command; `##[name
...]` anywhere in a line is a legacy command. `runner_commands` below applies
exactly those rules, and every output but `--format github` (which writes
commands on purpose) must give it nothing from a commit's data.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.commands.verify import verdict_line
from reviewgate.model.display import json_safe, visible, xml_safe
from reviewgate.model.evidence import Verdict

FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
ERASE = "\x1b[2K\r"
SUBJECT = (
    f"feat: x\r::add-mask::hunter2 {OSC52}{OSC8} docs: ##[error]fake failure"
    f"{ERASE}reviewgate: 0 errors \x9b31m\u202etxt.exe"
)
TRAILER = "\r::stop-commands::tok ##[warning]x \x1b[2K"
MESSAGE = (
    f"{SUBJECT}\n\nBody.\n\n{FOOTER}\n\n"
    f"Assisted-by: Claude:opus{TRAILER}\n"
)
# What a terminal obeys: C0 controls but tab and LF, DEL, C1, bidi overrides.
TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def runner_commands(log: str) -> list[str]:
    """The workflow commands GitHub's runner would obey in `log`."""
    found = []
    for line in re.split(r"\r\n|\r|\n", log):
        if re.match(r"::[A-Za-z][\w-]*(?: [^\r\n]*?)?::", line.lstrip()):
            found.append(line)
        if re.search(r"##\[[A-Za-z][\w-]*(?: [^\]]*)?\]", line):
            found.append(line)
    return found


def test_the_parser_sees_what_the_runner_sees() -> None:
    assert runner_commands("ok\r::add-mask::x") == ["::add-mask::x"]
    assert runner_commands("  ::stop-commands::tok\n") == ["  ::stop-commands::tok"]
    assert runner_commands("abc ##[error]x") == ["abc ##[error]x"]
    assert runner_commands("std::vector and a ## [x]") == []
    assert runner_commands(SUBJECT)  # the commit data itself is hostile


def rg(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args], cwd=repo.path, capture_output=True,
        text=True, timeout=120,
    )


@pytest.fixture
def hostile(repo: Repo) -> Repo:
    repo.commit("feat: start", {"a.txt": "a\n"})
    repo.commit(MESSAGE, {"b.txt": "b\n"})
    return repo


def test_text_report_shows_controls_and_obeys_no_command(hostile: Repo) -> None:
    done = rg(hostile, "check", "HEAD~1..HEAD", "--format", "text")
    assert done.returncode == 1, done.stderr
    report = done.stdout
    assert re.search(r"RG\d{3}", report)
    assert runner_commands(report) == []
    assert TERMINAL.search(report) is None
    # Made visible, not dropped: the reader sees what the commit holds (the
    # declaration that RG102 quotes).
    assert "Claude:opus\\r::stop-commands::tok ##\\[warning]x \\x1b[2K" in report


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_reports_are_inert_and_exact(hostile: Repo, fmt: str) -> None:
    done = rg(hostile, "check", "HEAD~1..HEAD", "--format", fmt)
    assert done.returncode == 1, done.stderr
    assert runner_commands(done.stdout) == []
    assert TERMINAL.search(done.stdout) is None
    document = json.loads(done.stdout)
    if fmt == "json":
        commit = document["commits"][0]
        assert commit["subject"] == SUBJECT.split("\n")[0].strip()
        assert ["Assisted-by", f"Claude:opus{TRAILER}".strip()] in commit["trailers"]
    else:
        texts = json.dumps(document, ensure_ascii=False)
        assert "##[error]fake" in texts  # json.loads gave the data back


def test_junit_is_inert_and_exact(hostile: Repo) -> None:
    done = rg(hostile, "check", "HEAD~1..HEAD", "--format", "junit")
    assert done.returncode == 1, done.stderr
    assert runner_commands(done.stdout) == []
    assert TERMINAL.search(done.stdout) is None
    root = ET.fromstring(done.stdout.encode())
    names = [case.get("name") for case in root.iter("testcase")]
    # XML 1.0 cannot hold ESC or BEL at all (dropped, as before); CR, C1, the
    # bidi override and the `##[` come back exactly.
    assert any(name and "\r::add-mask::hunter2" in name and "##[error]fake" in name
               and "\x9b31m\u202e" in name for name in names), names


def test_github_format_is_unchanged_commands_only_its_own(hostile: Repo) -> None:
    done = rg(hostile, "check", "HEAD~1..HEAD", "--format", "github")
    commands = runner_commands(done.stdout)
    assert commands and all(c.startswith(("::error", "::warning", "::notice")) for c in commands)
    assert not any("add-mask" in c.split("::")[1] for c in commands)


def test_stats_text_is_visible(hostile: Repo) -> None:
    done = rg(hostile, "stats", "HEAD~1..HEAD")
    assert done.returncode == 0, done.stderr
    assert "Claude" in done.stdout or "claude" in done.stdout
    assert runner_commands(done.stdout) == []
    assert TERMINAL.search(done.stdout) is None


def test_verify_lines_are_visible() -> None:
    verdict = Verdict("a" * 40, "not-green", 1, 1, detail="boom\x1b[2K\r::add-mask::x")
    line = verdict_line(verdict, {"a" * 40: SUBJECT})
    assert runner_commands(line) == []
    assert TERMINAL.search(line) is None
    assert "\\x1b[2K\\r::add-mask::x" in line


def test_commit_msg_hook_messages_are_visible(repo: Repo, tmp_path: Path) -> None:
    repo.commit("feat: start", {"a.txt": "a\n"})
    message = tmp_path / "MSG"
    message.write_text(f"{SUBJECT}\n\nBody.\n\n{FOOTER}\n")
    done = rg(repo, "hook", "commit-msg", str(message))
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "RG101" in said
    assert runner_commands(said) == []
    assert TERMINAL.search(said) is None


def test_helpers_are_exact_and_idempotent() -> None:
    text = f"{SUBJECT}\n  ::warning::x\n\t::error::y"
    shown = visible(text)
    assert visible(shown) == shown
    assert runner_commands(shown) == [] and TERMINAL.search(shown) is None
    document = json.dumps({"s": text}, ensure_ascii=False)
    assert json.loads(json_safe(document)) == {"s": text}
    element = ET.Element("x", {"a": text})
    element.text = text
    body = xml_safe(ET.tostring(element, encoding="unicode"))
    assert runner_commands(body) == [] and TERMINAL.search(body) is None
    parsed = ET.fromstring(body)
    printable = text.replace("\x1b", "\ufffd").replace("\x07", "\ufffd")
    assert parsed.text == printable
    assert parsed.get("a") == printable
