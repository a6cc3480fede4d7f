"""One fix's verification in a worktree of the run (slots.py): red, then green,
each state run again when its result would condemn the fix (verify.reruns).

Red runs first; a red that cannot run (an error) or in which no test fails
(not red) ends the job, and only a proper red failure goes on to green. When red
passes, or green fails, that state runs up to `verify.reruns` more times: runs
that disagree make the fix "flaky", which is never proven and never cached.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from reviewgate.model.evidence import Verdict
from reviewgate.verify.auto import runnable
from reviewgate.verify.judge import (
    Decision,
    StateRun,
    after_green,
    after_red,
    disagreeing,
    machine_cause,
)
from reviewgate.verify.plan import directories, go_packages, uses
from reviewgate.verify.reports import parse_report
from reviewgate.verify.results import ReportError, report_kind
from reviewgate.verify.runner import ERROR, RunResult, expand_command, run_command
from reviewgate.verify.sandbox import sandbox_for
from reviewgate.verify.worktree import repository_hidden

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy
    from reviewgate.verify.engine import Prepared
    from reviewgate.verify.plan import Job
    from reviewgate.verify.slots import Slot, Worktrees

JUNIT_FILE = ".reviewgate-junit.xml"  # in the worktree: a sandbox lets the test write there
LOG_FILE = "output.log"  # beside the worktree, written by reviewgate, never by the test
OUTPUT_HEAD = 64 << 10  # bytes of a run's output kept from its start, to explain it
OUTPUT_TAIL = 16 << 10
MAX_LOG = 64 << 20  # bytes of output a report is read from


def run_job(
    git_dir: str, item: Prepared, policy: Policy, worktrees: Worktrees
) -> tuple[Verdict, bool]:
    """The fix's verdict, and whether it may be cached: an outcome that the machine
    decides (a program or module missing, a timeout, an interruption, flakiness)
    may differ next time, so it is not."""
    assert item.key is not None
    job = item.job
    with worktrees.lease(job.fix) as slot:
        state = State(slot, job, item.command, policy, git_dir)
        slot.checkout(item.key.red)
        red = state.run()
        decided = after_red(red, job.test_files)
        if decided is not None and decided.outcome == "not-red":
            flaky = state.rerun(item.key.red, red, "red")
            if flaky is not None:
                return flaky, False
        if decided is not None:
            return state.verdict(decided, red, None)
        slot.checkout(item.key.green)
        green = state.run()
        decided = after_green(red, green, job.test_files)
        if decided.outcome in ("not-green", "broken"):
            flaky = state.rerun(item.key.green, green, "green")
            if flaky is not None:
                return flaky, False
        return state.verdict(decided, red, green)


class State:
    """Runs the command in the worktree, in whatever state it holds."""

    def __init__(
        self, slot: Slot, job: Job, command: Sequence[str], policy: Policy, git_dir: str
    ) -> None:
        self.slot = slot
        self.root = slot.path
        self.job = job
        self.command = tuple(command)
        self.policy = policy
        self.git_dir = git_dir

    def run(self) -> StateRun:
        root, command = self.root, self.command
        present = [path for path in self.job.test_files if (root / path).exists()]
        tests = [path for path in self.job.tests if (root / path).is_file()]
        if uses(command, "{tests}") and not tests:
            return StateRun(
                RunResult(ERROR, None, "none of the fix's test files exists in this state")
            )
        junit = root / JUNIT_FILE
        junit.unlink(missing_ok=True)
        argv = expand_command(
            runnable(command),
            tests,
            str(root),
            test_dirs=directories(present),
            packages=go_packages(present),
            junit=str(junit),
        )
        verify = self.policy.verify
        log = root.parent / LOG_FILE
        with repository_hidden(root) as env:
            result = run_command(
                argv,
                root,
                verify.timeout,
                verify.error_exit_codes,
                verify.error_output,
                env,
                sandbox=sandbox_for(verify, self.git_dir),
                log_path=log,
            )
        text = _read(log, MAX_LOG)
        output = _excerpt(text).replace(str(root) + "/", "")
        kind = report_kind(command)
        report, note = None, ""
        if kind is not None and result.exit is not None and result.exit >= 0:
            data = junit.read_bytes() if kind == "junit" and junit.is_file() else None
            try:
                report = parse_report(kind, text, data, str(root))
            except ReportError as error:
                note = str(error)
        junit.unlink(missing_ok=True)
        return StateRun(result, report, output, note)

    def rerun(self, tree: str, first: StateRun, name: str) -> Verdict | None:
        """A flaky verdict when a rerun of the state disagrees with its first run."""
        for attempt in range(1, self.policy.verify.reruns + 1):
            self.slot.checkout(tree)
            again = self.run()
            differ = disagreeing(first, again)
            if differ:
                shown = ", ".join(differ[:5]) + (
                    f" and {len(differ) - 5} more" if len(differ) > 5 else ""
                )
                detail = (
                    f"flaky: {name} gave different results in run 1 and run {attempt + 1}: {shown}"
                )
                return Verdict(
                    self.job.fix, "flaky", first.result.exit, None, detail, lines=tuple(differ[:8])
                )
        return None

    def verdict(
        self, decided: Decision, red: StateRun, green: StateRun | None
    ) -> tuple[Verdict, bool]:
        last = green or red
        detail = decided.detail
        notes = [run.note for run in (red, green) if run is not None and run.note]
        if notes:
            detail += f" ({notes[0]}; judged by the exit status)"
        said = "\n".join([red.output, last.output, *(t.message for t in decided.tests)])
        cause = None if decided.outcome == "proven" else machine_cause(said, self._exists)
        outcome, hint = decided.outcome, ""
        if cause is not None and outcome == "not-green" and last.report is None:
            # Both states failed the same way before any test ran (`No module named
            # pytest`): that says nothing about the fix, and the fix is not to blame.
            outcome = "error"
            detail = f"the test command could not run: {cause}, so the result is not cached"
            hint = ("install what the tests need where reviewgate runs them (the `python` "
                    "on PATH runs `python -m pytest`), or name the interpreter in "
                    "verify.command")
        elif cause is not None:
            detail += f"; {cause}, so the result is not cached"
        verdict = Verdict(
            self.job.fix,
            outcome,
            red.result.exit,
            green.result.exit if green is not None else None,
            detail,
            tests=decided.tests,
            lines=decided.lines,
            hint=hint,
        )
        stable = outcome != "error" or (
            last.result.exit is not None and last.result.exit > 0
        )
        return verdict, stable and cause is None

    def _exists(self, path: str) -> bool:
        return (self.root / path).exists()


def _read(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.seek(max(0, size - limit))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _excerpt(text: str) -> str:
    if len(text) <= OUTPUT_HEAD + OUTPUT_TAIL:
        return text
    return text[:OUTPUT_HEAD] + "\n...\n" + text[-OUTPUT_TAIL:]
