"""Gather the Evidence that the range rules need, with as few git processes as the
enabled concerns allow. Each concern reads only when a rule of its own is on.

Sections (one per concern, each owned by its module):
  pairs    — diffs of fix candidates (reviewgate.diffs)
  verify   — cached or fresh red/green verdicts (reviewgate.verify)
  signoff  — signatures, approvals, range sign-offs (reviewgate.signoff_evidence)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewgate.evidence import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.commit import Commit
    from reviewgate.policy import Policy


@dataclass(frozen=True)
class GatherOptions:
    trusted: str | None = None  # the trusted revision (CI base, --policy-from); None: HEAD
    verify: bool = False  # run the verifier for fixes without a cached verdict
    use_cache: bool = True
    jobs: int = 1


def enabled(policy: Policy, *codes: str) -> bool:
    """Whether any of `codes` is not switched off by the policy."""
    return any(policy.rules.get(code) != "off" for code in codes)


def gather_evidence(
    repo: Any, commits: Sequence[Commit], policy: Policy, options: GatherOptions
) -> Evidence:
    evidence = Evidence()
    # --- pairs (RG201, RG204) ---
    # --- verify (RG202, RG203, RG205) ---
    # --- signoff (RG301-RG304) ---
    return replace(evidence)
