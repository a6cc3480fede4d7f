"""The commit rules: the checks that look at one commit at a time, and running them.

A CommitCheck runs while git still streams the range, and in the commit-msg hook
on the commit being made: this module is on the hook's import path, so it imports
only the commit checks (disclosure, perf). The range checks, which need the
evidence git and the verifier gather, are pipeline.range_rules. Add a commit
concern by adding its check to CHECKS and its codes to CHECK_CODES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reviewgate.disclosure.judge import check_assistance, tool_marks
from reviewgate.disclosure.policy_rules import check_policy_rules
from reviewgate.model.rulebook import rule_enabled, selected
from reviewgate.pairs import fixes
from reviewgate.perf.rules import check_perf

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.finding import Finding
    from reviewgate.policy.schema import Policy

CommitCheck = Callable[["Commit", "Policy"], Iterable["Finding"]]

CHECKS: list[CommitCheck] = [check_assistance, check_policy_rules]
CHECKS.append(check_perf)
# The codes each commit check can report: a check whose codes the policy switched
# off all is not run at all (it would cost every commit of a range for nothing).
CHECK_CODES: dict[CommitCheck, tuple[str, ...]] = {
    check_assistance: ("RG101", "RG102", "RG103", "RG104", "RG105"),
    check_policy_rules: ("RG106", "RG107", "RG108"),
    check_perf: ("RG401",),
}


def shows_tool(commit: Commit, policy: Policy) -> bool:
    """Whether the commit declares a tool (not "none") or a tool signed it."""
    declarations, signatures = tool_marks(commit, policy)
    return bool(signatures) or any(not d.is_none for d in declarations)


# The pairs cannot ask the disclosure rules (they sit side by side); this module,
# which every entry point that pairs commits imports, hands them the check.
fixes.use_assisted_check(shows_tool)  # for tests.required_for: assisted


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


