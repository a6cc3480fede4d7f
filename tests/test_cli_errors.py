"""What reaches the user when something goes wrong that no rule foresaw: a bug,
Ctrl-C in a command with no cleanup of its own, or a reader that closes the pipe.
Exit 1 means findings, so none may end with 1. The bugs and interrupts are
injected into reviewgate's own functions; the closed pipe is a real one."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner

import reviewgate.commands.approve
import reviewgate.commands.stats
from conftest import Repo
from reviewgate.cli import main
from reviewgate.entry import run_hook


def _raise(error: BaseException):  # type: ignore[no-untyped-def]
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


@pytest.mark.parametrize("module,name,argv", [
    (reviewgate.commands.stats, "run_stats", ["stats", "HEAD"]),
    (reviewgate.commands.approve, "run_approve", ["approve", "HEAD~1..HEAD"]),
])
def test_an_unexpected_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, argv: list[str]
) -> None:
    monkeypatch.delenv("REVIEWGATE_DEBUG", raising=False)
    monkeypatch.setattr(module, name, _raise(RuntimeError("boom")))
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "reviewgate: internal error: RuntimeError: boom (a bug in reviewgate; "
        "REVIEWGATE_DEBUG=1 shows the traceback to report)"
    ]


def test_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWGATE_DEBUG", "1")
    monkeypatch.setattr(reviewgate.commands.stats, "run_stats", _raise(RuntimeError("boom")))
    result = CliRunner().invoke(main, ["stats", "HEAD"])
    assert isinstance(result.exception, RuntimeError)


@pytest.mark.parametrize("module,name,argv", [
    (reviewgate.commands.stats, "run_stats", ["stats", "HEAD"]),
    (reviewgate.commands.approve, "run_approve", ["approve", "HEAD~1..HEAD"]),
])
def test_ctrl_c_is_130_not_click_s_abort(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, argv: list[str]
) -> None:
    monkeypatch.setattr(module, name, _raise(KeyboardInterrupt()))
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 130, result.output
    assert result.stderr == "reviewgate: interrupted\n"


def test_a_usage_error_is_still_click_s(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["stats", "-n", "0"])
    assert result.exit_code == 2
    assert "reviewgate: error: invalid value for '-n'" in result.stderr
    assert "internal error" not in result.stderr


def test_the_hook_fast_path_reports_a_bug_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import reviewgate.commands.hook_commit_msg as hook

    monkeypatch.delenv("REVIEWGATE_DEBUG", raising=False)
    monkeypatch.setattr(hook, "commit_msg_hook", _raise(ValueError("bad")))
    assert run_hook("commit-msg", ["MSG"], None) == 2
    assert capsys.readouterr().err.startswith("reviewgate: internal error: ValueError: bad")


@pytest.mark.parametrize("argv", [["explain"], ["stats", "HEAD"]])
def test_a_reader_that_goes_away_is_no_error(repo: Repo, argv: list[str]) -> None:
    # `reviewgate ... | head`: the pipe closes before the output is written.
    repo.commit("feat: x\n")
    command = " ".join([shlex.quote(sys.executable), "-m", "reviewgate", *argv])
    done = subprocess.run(["sh", "-c", f"{command} | true"], cwd=repo.path,
                          capture_output=True, text=True)
    assert done.stderr == "", done.stderr
