"""RG202, RG203, RG205: what red/green verification found.

Pure: the verdicts arrive in Evidence (verify/, cached in refs/notes/reviewgate
or run by `reviewgate verify` / `check --verify`); this module only words them.
A fix with no verdict yields nothing here: it was not verified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reviewgate.model.finding import Finding
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
    internal or usage error, no tests collected). Also a root commit, which has no
    state before the fix.

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


CODES = {"not-red": "RG202", "not-green": "RG203", "error": "RG205"}


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
        found = make_finding(commit, code, message, hint, policy.rules)
        if found is not None:
            findings.append(found)
    return findings


def _wording(verdict: Verdict) -> tuple[str, str]:
    cached = " (cached result)" if verdict.cached else ""
    detail = f": {verdict.detail}" if verdict.detail else ""
    if verdict.outcome == "not-red":
        return (
            f"the fix's test passes without the fix (red exit {verdict.red_exit}){cached}",
            "make the test fail on the code before the fix, so it shows the bug",
        )
    if verdict.outcome == "not-green":
        return (
            f"the fix's test still fails with the fix (green exit {verdict.green_exit})"
            f"{detail}{cached}",
            "make the test pass on the fix commit",
        )
    return (
        f"the test command could not verify the fix{detail}{cached}",
        "run the test command by hand in both states; see `reviewgate explain RG205`",
    )
