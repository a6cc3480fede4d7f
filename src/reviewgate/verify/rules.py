"""RG202, RG203, RG205, RG206: what red/green verification found.

Pure: the verdicts arrive in Evidence (verify/, cached in refs/notes/reviewgate
or run by `reviewgate verify` / `check --verify`); this module only words them.
A fix with no verdict yields nothing here: it was not verified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import make_finding, rule, selected

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Evidence, Verdict
    from reviewgate.policy.schema import Policy


@rule("RG202", "test-not-red", "the fix's test passes without the fix")
def _doc_test_not_red() -> None:
    """## What it does
    Runs the fix's test (the policy's `verify.command`) on the code before the fix
    and reports the fix when the test passes there.

    For a fix C that brings its own test, "before the fix" is C's parent plus only
    C's changes to test files. For a test commit T followed by a fix F, it is T.

    ## Why is this bad?
    A test that passes without the fix does not show the bug. It may test something
    else, or nothing at all, and will not catch the bug coming back.

    ## Example
    ```
    fix: handle an empty cart        (adds tests/test_cart.py::test_total)
    ```
    where `test_total` only checks a case that already worked.

    ## Use instead
    A test that runs the case the bug report describes (`total([]) == 0`), which
    fails on the parent commit and passes with the fix.

    ## How to fix
    Make the test exercise the failing case: run it on the parent commit with only
    the test applied, and see it fail, before amending the fix.
    """


@rule("RG203", "fix-not-green", "the fix's test still fails with the fix")
def _doc_fix_not_green() -> None:
    """## What it does
    Runs the fix's test on the fix itself (C, or F of a pair) and reports the fix
    when the test fails there.

    ## Why is this bad?
    The commit claims to fix a bug that its own test says is still there: either
    the fix is incomplete or the test expects something else.

    ## Example
    ```
    fix(parser): accept trailing commas     (the new test still fails)
    ```

    ## Use instead
    A fix whose commit makes its own test pass: `pytest -q tests/test_parser.py`
    is green on the fix commit.

    ## How to fix
    Run the test on the fix commit and make it pass, then amend the fix.
    """


@rule("RG205", "verify-error", "the test command could not run, so the fix is unverified")
def _doc_verify_error() -> None:
    """## What it does
    Reports a fix whose red or green run did not produce a test result: the command
    was not found, timed out (`verify.timeout`), was killed, or exited with one of
    `verify.error_exit_codes` (for pytest 2–5: a collection or import error, an
    internal or usage error, no tests collected). With a structured report (JUnit
    XML, `go test -json`, TAP, `cargo test`), a test of the fix that errors in red
    (a collection or import error, a Go package that does not build, a Rust target
    that does not compile, a test file that cannot load) is this, without any
    `error_output` pattern. Also a root commit, which has no state before the
    fix, and a fix whose test files are all data for a command that names
    `{tests}`. A fix whose tests give different results when a state runs again
    (`verify.reruns`) is reported here as a notice: flaky, so unverified.

    ## Why is this bad?
    A red that comes from a broken build or an import error is not a failing test,
    so it proves nothing about the bug. reviewgate tells the two apart and does not
    count such a run as a proper red.

    ## Example
    ```
    fix: parse dates    (tests/test_dates.py imports a module that does not exist)
    ```

    ## Use instead
    A test that imports what exists before the fix and fails on an assertion
    (pytest exit 1), so the red state is a real failing test.

    ## How to fix
    Read the command's last output in the report. Make the test importable on the
    code before the fix (for a new function, add a stub first), raise
    `verify.timeout` for slow suites, or set `verify.error_exit_codes` for a test
    runner whose exit statuses differ from pytest's.
    """


@rule("RG206", "fix-breaks-test", "a test that passed before the fix fails with it")
def _doc_fix_breaks_test() -> None:
    """## What it does
    Runs the test command on the code before the fix (red) and on the fix
    (green) and, when the command's structured report names each test (JUnit
    XML, `go test -json`, TAP, `cargo test`), reports every test that passes in
    red and fails in green, by name. The report's tests are the command's: the
    whole suite for `verify.command: auto` with pytest, node and cargo; the fix's
    packages with go.

    ## Why is this bad?
    A fix that makes its own test pass while another test starts failing has
    traded one bug for another. The harnesses that grade fixes call the tests
    that must keep passing PASS_TO_PASS: a fix is only proven when none of them
    breaks.

    ## Example
    ```
    fix: count words split by tabs     (tests/test_words.py::test_tabs passes,
                                        tests/test_words.py::test_empty now fails)
    ```

    ## Use instead
    A fix after which every test that passed before still passes:
    `pytest -q` is as green on the fix as on its parent, plus the new test.

    ## How to fix
    Run the named tests on the fix commit and make them pass again, then amend
    the fix. If the old test was wrong, correct it in a commit of its own before
    the fix, where a reviewer sees it.
    """


CODES = {
    "not-red": "RG202", "not-green": "RG203", "error": "RG205", "broken": "RG206",
    "flaky": "RG205",
}


def check_verified(
    commits: Sequence[Commit], policy: Policy, evidence: Evidence
) -> Iterable[Finding]:
    """A finding for each verdict of a fix in `commits` that is not "proven"."""
    findings: list[Finding] = []
    for commit in commits:
        verdict = evidence.verdicts.get(commit.sha)
        if verdict is None or verdict.outcome not in CODES or not selected(commit, policy):
            continue
        code = CODES[verdict.outcome]
        message, hint = _wording(verdict)
        found = make_finding(commit, code, message + _evidence(verdict),
                             verdict.hint or hint, policy.rules)
        if found is not None and verdict.outcome == "flaky":
            found = replace(found, severity=Severity.NOTICE)  # unverified, not condemned
        if found is not None:
            findings.append(found)
    return findings


def _evidence(verdict: Verdict) -> str:
    """The tests and output lines behind a verdict, on one line."""
    parts = []
    for test in verdict.tests[:3]:
        said = test.message.splitlines()[0][:160] if test.message else ""
        parts.append(test.line() + (f" ({said})" if said else ""))
    if len(verdict.tests) > 3:
        parts.append(f"and {len(verdict.tests) - 3} more")
    text = f"; tests: {'; '.join(parts)}" if parts else ""
    if verdict.lines and verdict.outcome != "flaky":
        text += "; output: " + " | ".join(line[:160] for line in verdict.lines[:3])
    return text


def _wording(verdict: Verdict) -> tuple[str, str]:
    cached = " (cached result)" if verdict.cached else ""
    detail = f": {verdict.detail}" if verdict.detail else ""
    if verdict.outcome == "not-red":
        why = f": {verdict.detail}" if verdict.detail.startswith("the fix's tests pass") else ""
        return (
            f"the fix's test passes without the fix (red exit {verdict.red_exit}){why}{cached}",
            "make the test fail on the code before the fix, so it shows the bug",
        )
    if verdict.outcome == "not-green":
        return (
            f"the fix's test still fails with the fix (green exit {verdict.green_exit})"
            f"{detail}{cached}",
            "make the test pass on the fix commit",
        )
    if verdict.outcome == "broken":
        return (
            f"the fix breaks a test that passed before it{detail}{cached}",
            "make the named tests pass on the fix commit; see `reviewgate explain RG206`",
        )
    if verdict.outcome == "flaky":
        return (
            f"the fix is unverified: its tests are flaky{detail}",
            "make the named tests give the same result every run (verify.reruns sets "
            "how often a state runs again)",
        )
    return (
        f"the test command could not verify the fix{detail}{cached}",
        "run the test command by hand in both states; see `reviewgate explain RG205`",
    )
