"""A Ctrl-C that lands while a job is starting its test command still stops it.

verify's workers check for an abort, then start the command and list it among
the running ones, which the Ctrl-C handler kills. An abort between the check and
the listing killed nothing: the main thread then waited for a test that could run
for its whole timeout (found under load: `verify -j 3` ignored four Ctrl-Cs and
hung). The abort is made to land exactly there."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from reviewgate.verify import runner


@pytest.fixture
def clean_abort() -> object:
    runner.reset_abort()
    yield
    runner.reset_abort()


def test_an_abort_while_the_command_starts_kills_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_abort: object
) -> None:
    record_run = runner.record_run

    def abort_meanwhile(cwd: object, run_id: str) -> None:
        record_run(cwd, run_id)  # type: ignore[arg-type]
        runner.abort_all()  # after the worker's first look, before it lists the command

    monkeypatch.setattr(runner, "record_run", abort_meanwhile)
    started = time.monotonic()
    result = runner.run_command(
        [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, timeout=120,
        error_exit_codes=(),
    )
    assert time.monotonic() - started < 20
    assert (result.status, result.detail) == (runner.ERROR, "interrupted")


def test_a_command_runs_when_nothing_aborts(tmp_path: Path, clean_abort: object) -> None:
    result = runner.run_command([sys.executable, "-c", "pass"], tmp_path, timeout=60,
                                error_exit_codes=())
    assert (result.status, result.exit) == (runner.PASSED, 0)
