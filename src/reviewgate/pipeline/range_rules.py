"""The range rules: the checks that look at a whole range at once, with the
Evidence that git and the verifier gathered for it (diffs, verdicts, signatures,
approvals), and running them. Importing this module registers every rule.

Add a range concern by adding its check to RANGE_CHECKS, in the order its findings
are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import reviewgate.pipeline.rules  # noqa: F401  (registers the commit rules' documentation)
from reviewgate.pairs.rules import check_pairs
from reviewgate.signoff.rules import check_signoff
from reviewgate.verify.rules import check_verified

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Evidence
    from reviewgate.model.finding import Finding
    from reviewgate.policy.schema import Policy

RangeCheck = Callable[["Sequence[Commit]", "Policy", "Evidence"], Iterable["Finding"]]


RANGE_CHECKS: list[RangeCheck] = [check_signoff, check_verified, check_pairs]


def range_checks() -> list[RangeCheck]:
    """The range checks, in the order their findings are reported."""
    return RANGE_CHECKS


def register_all() -> None:
    """Register every rule's documentation, the range rules' included: importing
    this module did, so there is nothing left to do; callers say what they need."""


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

