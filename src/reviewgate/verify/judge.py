"""From a fix's red and green runs to its outcome, and the words that explain it.

With a structured report in both states (verify/results.py), tests are judged
one by one, as the harnesses that grade fixes do (SWE-bench's FAIL_TO_PASS and
PASS_TO_PASS):

  error      a test of the fix could not run in red (it does not compile or
             import before the fix), or a test that ran in red cannot run in green
  broken     a test that passed in red fails in green (RG206)
  proven     at least one test fails in red and passes in green, and none breaks
  not-red    no test fails in red, or only tests that are not the fix's (they
             fail in both states: broken before the fix already)
  not-green  the tests that fail in red still fail in green

Without a report in a state, its exit status decides, as it always has. Pure:
no process, no git.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from reviewgate.model.evidence import TestChange
from reviewgate.verify.results import ERROR, FAILED, PASSED, TestReport, TestResult
from reviewgate.verify.runner import RunResult

MAX_TESTS = 8  # tests named in one verdict
MAX_LINES = 3  # output lines quoted for a run without a report


@dataclass(frozen=True)
class StateRun:
    """One run of the command in one state."""

    result: RunResult
    report: TestReport | None = None
    output: str = ""  # the start and the end of what the command printed
    note: str = ""  # why a report that was there is not used

    @property
    def finished(self) -> bool:
        """Whether the command ran to its end (no timeout, signal, missing program)."""
        return self.result.exit is not None and self.result.exit >= 0


@dataclass(frozen=True)
class Decision:
    outcome: str  # proven | not-red | not-green | broken | error
    detail: str
    tests: tuple[TestChange, ...] = ()
    lines: tuple[str, ...] = ()


def after_red(red: StateRun, files: Collection[str]) -> Decision | None:
    """The outcome that red alone decides (an error, or a test that passes without
    the fix); None when green must run."""
    if red.report is None or not red.finished:
        if red.result.status == ERROR:
            return Decision("error", f"red: {red.result.detail}", lines=explain(red.output))
        if red.result.status == PASSED:
            return Decision("not-red", "the test passes without the fix", lines=explain(red.output))
        return None
    report = red.report
    errors = report.named(ERROR)
    mine = [r for r in errors if owned(r, files) is not False]
    if mine:
        return Decision("error", "red: " + _could_not_run(mine), _changes(mine, report, None))
    if not report.named(PASSED, FAILED):
        why = f": {_could_not_run(errors)}" if errors else ""
        return Decision(
            "error",
            f"red: no test ran{why}",
            _changes(errors, report, None),
            explain(red.output) if not errors else (),
        )
    if not report.named(FAILED):
        ran = [r for r in report.named(PASSED) if owned(r, files) is not False]
        return Decision("not-red", "no test fails without the fix", _changes(ran, report, None))
    return None


def after_green(red: StateRun, green: StateRun, files: Collection[str]) -> Decision:
    """The outcome once both states ran (red failed properly)."""
    if red.report is None or green.report is None or not green.finished:
        result = green.result
        if result.status == ERROR:
            return Decision("error", f"green: {result.detail}", lines=explain(green.output))
        if result.status == PASSED:
            return Decision("proven", "")
        return Decision(
            "not-green", "the test still fails with the fix", lines=explain(green.output)
        )
    before, after = red.report, green.report
    new_errors = [r for r in after.named(ERROR) if _status(before, r.name) != ERROR]
    if new_errors:
        return Decision(
            "error", "green: " + _could_not_run(new_errors), _changes(new_errors, before, after)
        )
    fixed = [r for r in after.named(PASSED) if _status(before, r.name) == FAILED]
    broken = [r for r in after.named(FAILED) if _status(before, r.name) == PASSED]
    if broken:
        also = "" if fixed else "no test goes from failing to passing either"
        return Decision("broken", also, _changes(broken, before, after))
    if fixed:
        many = (
            f"{len(fixed)} tests fail without the fix and pass with it"
            if (len(fixed) > MAX_TESTS)
            else ""
        )
        return Decision("proven", many, _changes(fixed, before, after))
    failing = before.named(FAILED)
    theirs = [r for r in failing if owned(r, files)]
    if not theirs and any(owned(r, files) for r in before.results.values()):
        ran = [r for r in before.named(PASSED) if owned(r, files)]
        return Decision(
            "not-red",
            "the fix's tests pass without the fix; the tests that fail without it fail with it too",
            _changes(ran + failing, before, after),
        )
    return Decision("not-green", "", _changes(theirs or failing, before, after))


def owned(result: TestResult, files: Collection[str]) -> bool | None:
    """Whether a test is one of the fix's (its file, or its Go package's directory,
    is the fix's); None when the report does not say where the test is."""
    if not result.file:
        return None
    if result.file in files:
        return True
    directory = result.file.rstrip("/") + "/"
    return any(
        f.startswith(directory)
        and ("/" not in f[len(directory) :] or "/testdata/" in "/" + f[len(directory) :])
        for f in files
    ) or (result.file == "." and any("/" not in f for f in files))


def disagreeing(first: StateRun, again: StateRun) -> list[str]:
    """What differs between two runs of one state: the tests whose result changed,
    or the command's exit status when there is no report."""
    if first.report is not None and again.report is not None:
        one, two = first.report.results, again.report.results
        return sorted(
            name
            for name in one.keys() | two.keys()
            if _verdict_of(one.get(name)) != _verdict_of(two.get(name))
        )
    if first.result.status != again.result.status:
        return [f"the command's exit status ({first.result.exit}, then {again.result.exit})"]
    return []


def _verdict_of(result: TestResult | None) -> str:
    return "" if result is None or result.status not in (PASSED, FAILED, ERROR) else result.status


def _status(report: TestReport, name: str) -> str:
    found = report.results.get(name)
    return found.status if found is not None else "absent"


def _could_not_run(results: Sequence[TestResult]) -> str:
    first = results[0]
    said = first.message.splitlines()[0] if first.message else "it could not run"
    more = f" (and {len(results) - 1} more)" if len(results) > 1 else ""
    return f"{first.name} could not run{more}: {said}"


def _changes(
    results: Iterable[TestResult], red: TestReport, green: TestReport | None
) -> tuple[TestChange, ...]:
    out = []
    for result in list(results)[:MAX_TESTS]:
        after = _status(green, result.name) if green is not None else ""
        # What a failing run said: red's for a test that green passes.
        before = red.results.get(result.name)
        said = result.message or (before.message if before is not None else "")
        out.append(TestChange(result.name, _status(red, result.name), after, said))
    return tuple(out)


# --- output without a report -------------------------------------------------

_FIRST_ERROR = re.compile(
    r"(?i)\b(error|exception|traceback|panic(ked)?|assert\w*|fail(ed|ure)?|cannot|undefined"
    r"|not found|no such)\b"
)
# Counters and summaries that say nothing about the failure (node's "# duration_ms 26.9").
_NOISE = re.compile(
    r"^(#\s+\w+\s+[\d.]+|=+|-+|\d+ (passed|failed).*|Traceback \(most recent call last\):)$"
)


def explain(output: str) -> tuple[str, ...]:
    """The lines that explain a run: the first that reads like an error, and the
    last that says something, when they differ."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not _NOISE.match(line)]
    if not lines:
        return ()
    first = next((line for line in lines if _FIRST_ERROR.search(line)), None)
    picked = [first] if first is not None else []
    if lines[-1] != first:
        picked.append(lines[-1])
    return tuple(line[:200] for line in picked[:MAX_LINES])


# --- causes that lie with the machine, not the trees ---------------------------

_PY_MISSING = re.compile(r"No module named '?([A-Za-z_][\w.]*)'?")
_NODE_MISSING = re.compile(r"Cannot find module '([^'./][^']*)'")
_MACHINE = re.compile(
    r"cannot find module providing package \S+|no required module provides package \S+"
    r"|Could not resolve host|Temporary failure in name resolution"
    r"|failed to (?:download|get|load source for)|no matching package named \S+"
    r"|(?:command|executable file) not found|: not found$",
    re.MULTILINE,
)


def machine_cause(text: str, exists: Callable[[str], bool]) -> str | None:
    """Why an outcome may depend on this machine (a module or program missing, no
    network), or None. `exists` says whether a path exists in the worktree: a
    missing module that the project itself would provide is the trees' doing."""
    for found in _PY_MISSING.finditer(text):
        name = found.group(1)
        # `a.b` missing: `a` was found, the tree lacks `b`. A top-level name is the
        # machine's to provide (installed), unless it lies at the worktree's top;
        # a project's own package under src/ that is not installed is too.
        if "." not in name and not (exists(name) or exists(f"{name}.py")):
            return f"the Python module {name!r} is missing on this machine"
    for found in _NODE_MISSING.finditer(text):
        if not found.group(1).startswith("node:"):
            return f"the node module {found.group(1)!r} is missing on this machine"
    found = _MACHINE.search(text)
    if found is not None:
        return f"this machine lacks something: {found.group(0).strip()}"
    return None
