"""The text report in ruff's shape (issue 16, item 3): one line per finding, each
distinct hint once, `--statistics`, `--quiet`, colour only where it is wanted, and a
progress line only on a terminal outside CI. Real CLI, real repositories; the
terminal is a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo

CLAUDE = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
FINDING = re.compile(r"^[0-9a-f]{10} RG\d{3}( \[(warning|notice)\])? \S")
ANSI = "\x1b["


def reviewgate(cwd: Path, *args: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, env={**os.environ, **(env or {})},
    )


def history(repo: Repo, count: int, body: str = "Assisted-by: Claude:opus") -> None:
    """`count` assisted commits on main, in one fast-import: each is missing a
    sign-off (RG301); every third is also undeclared (RG101)."""
    stream = []
    for number in range(count):
        trailer = CLAUDE if number % 3 == 0 else body
        message = f"feat: change {number}\n\n{trailer}\n".encode()
        stream += [b"commit refs/heads/main",
                   b"committer Ann <ann@example.org> 1700000000 +0000",
                   b"data %d" % len(message), message,
                   b"M 644 inline f.txt\ndata %d\n%d\n" % (len(str(number)) + 1, number)]
    repo.git("fast-import", "--quiet", input=b"\n".join(stream) + b"\n")


def test_each_finding_is_one_line_and_each_hint_is_printed_once(repo: Repo) -> None:
    history(repo, 9)
    result = reviewgate(repo.path, "check", "main")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    findings = [line for line in lines if FINDING.match(line)]
    # 9 missing sign-offs and 3 undeclared tools: twelve lines, nothing between them.
    assert len(findings) == 12
    assert lines[:12] == findings
    hints = [line for line in lines if line.startswith("hint: ")]
    assert len(hints) == len(set(hints)) == 2  # RG101's and RG301's, once each
    assert any(line.startswith("hint: RG301 (9 findings): ") for line in hints)
    assert any(line.startswith("hint: RG101 (3 findings): ") for line in hints)
    assert lines[-1].startswith("reviewgate: 9 commits checked in main")
    assert len(lines) == 12 + 2 + 1
    assert ANSI not in result.stdout  # a pipe gets no colour


def test_statistics_counts_findings_per_rule_most_frequent_first(repo: Repo) -> None:
    history(repo, 9)
    result = reviewgate(repo.path, "check", "main", "--statistics")
    assert result.returncode == 1  # the verdict is the same, only the shape differs
    lines = result.stdout.splitlines()
    assert not any(FINDING.match(line) for line in lines)
    assert re.fullmatch(r"9  RG301  \[error\]\s+missing-signoff", lines[0])
    assert re.fullmatch(r"3  RG101  \[error\]\s+undeclared-assistance", lines[1])
    assert lines[-1].endswith("12 errors, 0 warnings, 0 notices in 9 commits")


def test_quiet_prints_only_the_summary_and_keeps_the_exit_status(repo: Repo) -> None:
    history(repo, 4)
    result = reviewgate(repo.path, "check", "main", "-q")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "reviewgate: 4 commits checked in main (<built-in>): "
        "6 errors, 0 warnings, 0 notices in 4 commits"
    ]


@pytest.mark.parametrize("option", ["--statistics", "--quiet"])
def test_text_only_options_are_refused_with_another_format(repo: Repo, option: str) -> None:
    history(repo, 1)
    result = reviewgate(repo.path, "check", "main", "--format", "json", option)
    assert result.returncode == 2
    assert result.stderr == (
        f"reviewgate: error: {option} shapes the text report; the json report does not take it\n"
    )
    assert result.stdout == ""


def test_force_color_colours_a_pipe_and_no_color_wins_over_it(repo: Repo) -> None:
    history(repo, 3)
    forced = reviewgate(repo.path, "check", "main", env={"FORCE_COLOR": "1"})
    assert "\x1b[1;31mRG101\x1b[0m" in forced.stdout
    plain = reviewgate(repo.path, "check", "main")
    # Without the escapes, the coloured report is the plain one, byte for byte.
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout) == plain.stdout
    both = reviewgate(repo.path, "check", "main", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert both.stdout == plain.stdout


def test_colour_never_reaches_a_report_file(repo: Repo, tmp_path: Path) -> None:
    history(repo, 2)
    out = tmp_path / "report.txt"
    result = reviewgate(repo.path, "check", "main", "-o", str(out), env={"FORCE_COLOR": "1"})
    assert result.returncode == 1
    assert ANSI not in out.read_text()
    assert FINDING.match(out.read_text().splitlines()[0])


def test_commit_data_cannot_fake_colour_or_lines(repo: Repo) -> None:
    # A subject is not printed, but a declaration's text is: an escape in it stays
    # visible as text, coloured report or not.
    repo.commit("feat: x\n\nAssisted-by: Claude:\x1b[32mopus\x1b[0m\n", {"a.py": "x = 1\n"})
    result = reviewgate(repo.path, "check", "HEAD", env={"FORCE_COLOR": "1"})
    assert "\\x1b[32m" in result.stdout
    assert "\x1b[32m" not in result.stdout


def _run_on_terminal(cwd: Path, args: list[str], env: dict[str, str], *, stdout_tty: bool
                     ) -> tuple[int, str, str]:
    """Run reviewgate with stderr (and, if asked, stdout) on a pseudo-terminal; the
    terminal's output, and the pipe's."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", *args], cwd=cwd, env={**os.environ, **env},
        stdin=subprocess.DEVNULL, stderr=slave,
        stdout=slave if stdout_tty else subprocess.PIPE,
    )
    os.close(slave)
    seen = b""
    piped = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("reviewgate hung on a terminal")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every end of the terminal is closed
            break
        if not chunk:
            break
        seen += chunk
    if process.stdout is not None:
        piped = process.stdout.read()
    code = process.wait(timeout=60)
    os.close(master)
    return code, seen.decode(errors="replace"), piped.decode(errors="replace")


def test_a_terminal_gets_colour_by_default_and_no_color_turns_it_off(repo: Repo) -> None:
    history(repo, 3)
    code, screen, _ = _run_on_terminal(repo.path, ["check", "main"], {}, stdout_tty=True)
    assert code == 1
    assert "\x1b[1;31mRG301\x1b[0m" in screen
    code, screen, _ = _run_on_terminal(repo.path, ["check", "main"], {"NO_COLOR": "1"},
                                       stdout_tty=True)
    assert code == 1 and " RG301 " in screen
    assert ANSI not in screen


def test_a_long_range_shows_progress_on_a_terminal_only_outside_ci(repo: Repo) -> None:
    history(repo, 3000)
    code, screen, report = _run_on_terminal(repo.path, ["check", "main", "-q"], {},
                                            stdout_tty=False)
    assert code == 1
    assert re.search(r"\rreviewgate: [\d,]+ commits read…", screen)
    assert screen.endswith("\r\x1b[K")  # erased before the report
    assert "commits read" not in report  # the report on stdout is untouched
    assert report.startswith("reviewgate: 3000 commits checked")
    # The same terminal in CI: a log keeps every redraw, so nothing is drawn.
    code, screen, report = _run_on_terminal(repo.path, ["check", "main", "-q"],
                                            {"CI": "true"}, stdout_tty=False)
    assert code == 1 and report.startswith("reviewgate: 3000 commits checked")
    assert "commits read" not in screen


def test_a_pipe_gets_no_progress(repo: Repo) -> None:
    history(repo, 3000)
    result = reviewgate(repo.path, "check", "main", "-q")
    assert result.returncode == 1
    assert result.stderr == ""
