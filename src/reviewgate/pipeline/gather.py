"""Gather the Evidence that the range rules need, with as few git processes as the
enabled concerns allow. Each concern reads only when a rule of its own is on.

Sections (one per concern, each owned by its module):
  pairs    — diffs of fix candidates (reviewgate.pairs.diffs)
  verify   — cached or fresh red/green verdicts (reviewgate.verify)
  signoff  — signatures, approvals, range sign-offs (reviewgate.signoff.gather)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from reviewgate.model.evidence import CommitDiff, Evidence
from reviewgate.model.result import GatherOptions, merged_revisions
from reviewgate.model.rulebook import rule_enabled as enabled
from reviewgate.pairs.gather import pair_range

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy


def pairs_enabled(policy: Policy) -> bool:
    """Whether the pair rules run, and so need the fix candidates' diffs."""
    return enabled(policy, "RG201", "RG204")


def signoff_enabled(policy: Policy) -> bool:
    """Whether the sign-off rules run, and so need their evidence."""
    return policy.signoff.required_for != "none" and enabled(
        policy, "RG301", "RG302", "RG303", "RG304"
    )


def gather_evidence(
    repo: Any, commits: Sequence[Commit], policy: Policy, options: GatherOptions
) -> Evidence:
    evidence = Evidence()
    paths_only: Mapping[str, CommitDiff] = {}  # the fix candidates' paths, once read
    # --- pairs (RG201, RG204) ---
    if pairs_enabled(policy):
        from reviewgate.pairs.test_patches import (
            PendingDiffs,
            pair_test_candidates,
            start_test_patches,
            weakening_candidates,
        )

        fixes, paths_only, outside = pair_range(
            repo, commits, policy, options.diffs or {}, merged_revisions(options)
        )
        diffs: Mapping[str, CommitDiff] = paths_only
        if enabled(policy, "RG201", "RG204"):
            # Line changes only where a fix modifies a test file (RG204) and in the
            # test files a pair rests on (RG201: comments alone are no test): trees
            # are cheap for git to compare, blobs are not. git reads them while the
            # other concerns gather, and the sign-off rules judge.
            needed = weakening_candidates(fixes, diffs) if enabled(policy, "RG204") else {}
            if enabled(policy, "RG201"):
                for sha, names in pair_test_candidates(fixes, diffs).items():
                    needed.setdefault(sha, set()).update(names)
            chosen = {c.sha: needed[c.sha] for c in commits if c.sha in needed}
            chosen |= {sha: needed[sha] for sha in outside.commits if sha in needed}
            if chosen:
                diffs = PendingDiffs(diffs, start_test_patches(repo, chosen, policy, diffs))
        evidence = replace(evidence, diffs=diffs, fixes=fixes)
    # --- verify (RG202, RG203, RG205) ---
    if options.verify or enabled(policy, "RG202", "RG203", "RG205"):
        from reviewgate.pipeline.provenance import cache_provenance
        from reviewgate.verify.gather import gather_verdicts

        # Which cached results count, and the key that signs new ones.
        provenance = cache_provenance(repo, policy, options)
        # Paths are all verify needs: it does not wait for the line changes.
        verdicts = gather_verdicts(
            repo, commits, policy, replace(evidence, diffs=paths_only), options, provenance
        )
        evidence = replace(
            evidence, verdicts=verdicts, notes=(*evidence.notes, *provenance.notes())
        )
    # --- signoff (RG301-RG304) ---
    if signoff_enabled(policy):
        from reviewgate.signoff.gather import gather_signoff

        evidence = gather_signoff(
            repo, commits, policy, options.trusted, evidence, approvals_at=options.approvals_at
        )
    return replace(evidence)
