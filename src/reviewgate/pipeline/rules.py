"""The rules: one module per concern, each pure.

A CommitCheck looks at one commit and runs while git still streams the range.
A RangeCheck looks at the whole range at once, with the Evidence that git and the
verifier gathered for it (diffs, verdicts, signatures, approvals).

Importing this package registers the commit rules; `range_checks()` imports the
range rules on first use, so that the commit-msg hook, which runs none, does not
pay for them. `register_all()` registers every rule's documentation (reviewgate
explain, the SARIF and GitHub reports). Add a concern by importing its check in
CHECKS or in range_checks().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reviewgate.disclosure.rules import check_assistance
from reviewgate.model.rulebook import rule_enabled, selected
from reviewgate.perf.rules import check_perf

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Evidence
    from reviewgate.model.finding import Finding
    from reviewgate.policy.schema import Policy

CommitCheck = Callable[["Commit", "Policy"], Iterable["Finding"]]
RangeCheck = Callable[["Sequence[Commit]", "Policy", "Evidence"], Iterable["Finding"]]

CHECKS: list[CommitCheck] = [check_assistance]
CHECKS.append(check_perf)
# The codes each commit check can report: a check whose codes the policy switched
# off all is not run at all (it would cost every commit of a range for nothing).
CHECK_CODES: dict[CommitCheck, tuple[str, ...]] = {
    check_assistance: ("RG101", "RG102", "RG103", "RG104", "RG105"),
    check_perf: ("RG401",),
}
RANGE_CHECKS: list[RangeCheck] = []


def range_checks() -> list[RangeCheck]:
    """The range checks, in the order their findings are reported."""
    if not RANGE_CHECKS:
        from reviewgate.pairs.rules import check_pairs
        from reviewgate.signoff.rules import check_signoff
        from reviewgate.verify.rules import check_verified

        RANGE_CHECKS.extend([check_signoff, check_verified, check_pairs])
    return RANGE_CHECKS


def register_all() -> None:
    """Register every rule's documentation, the range rules' included."""
    range_checks()


def run_rules(
    commits: Iterable[Commit], policy: Policy, checks: Sequence[CommitCheck] | None = None
) -> list[Finding]:
    """Every finding of every check for the commits policy selects, in commit order."""
    # A check of unknown codes (a caller's own) always runs.
    active = [
        check
        for check in (CHECKS if checks is None else checks)
        if check not in CHECK_CODES or rule_enabled(policy, *CHECK_CODES[check])
    ]
    findings: list[Finding] = []
    for commit in commits:
        if not selected(commit, policy):
            continue
        for check in active:
            findings.extend(check(commit, policy))
    return findings


def run_range_rules(
    commits: Sequence[Commit],
    policy: Policy,
    evidence: Evidence,
    checks: Sequence[RangeCheck] | None = None,
) -> list[Finding]:
    """Every finding of every range check. Each check applies `selected` itself,
    since some (sign-off over a range) must look at merges the others skip."""
    active = range_checks() if checks is None else checks
    findings: list[Finding] = []
    for check in active:
        findings.extend(check(commits, policy, evidence))
    return findings
