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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.commit import Commit
    from reviewgate.model.fix import Fix
    from reviewgate.pairs.fixes import OutsideParents
    from reviewgate.policy.schema import Policy


def pairs_enabled(policy: Policy) -> bool:
    """Whether the pair rules run, and so need the fix candidates' diffs."""
    return enabled(policy, "RG201", "RG204")


def signoff_enabled(policy: Policy) -> bool:
    """Whether the sign-off rules run, and so need their evidence."""
    return policy.signoff.required_for != "none" and enabled(
        policy, "RG301", "RG302", "RG303", "RG304"
    )


def outside_parent_commits(
    repo: Any, commits: Sequence[Commit], policy: Policy, merged: Sequence[str] = ()
) -> OutsideParents:
    """The first parents of fixes that lie just outside the range, read with one
    `git log --no-walk` when there are any (usually none, or the range's oldest);
    those left unread at a shallow clone's edge, for the report to say so; and,
    with one more, those that the `merged` revisions (default branches) do not
    hold yet."""
    from reviewgate.git.repo import read_listed_commits, shallow_boundary
    from reviewgate.pairs.fixes import NO_OUTSIDE, OutsideParents, outside_parents

    shas = outside_parents(commits, policy)
    if not shas:
        return NO_OUTSIDE
    found = read_listed_commits(repo, shas)
    unmerged = read_listed_commits(repo, list(found), merged) if found and merged else {}
    return OutsideParents(
        found, frozenset(shas) & shallow_boundary(repo), frozenset(unmerged)
    )


def pair_range(
    repo: Any,
    commits: Sequence[Commit],
    policy: Policy,
    have: Mapping[str, CommitDiff],
    merged: Sequence[str],
) -> tuple[tuple[Fix, ...], dict[str, CommitDiff], OutsideParents]:
    """The range's fixes paired with their tests, the paths of every fix candidate
    (`have`, and what it lacks read with one `git diff-tree`), and the fixes'
    parents outside the range. Paths only: the pairs found hold for the rules and
    for verify alike."""
    from reviewgate.pairs.diffs import read_changes
    from reviewgate.pairs.fixes import fix_candidates, pair_fixes

    # Only fixes, their first parents and named test commits pay for a diff. In
    # range order: git reads neighbouring trees from its packs twice as fast.
    wanted = fix_candidates(commits, policy)
    outside = outside_parent_commits(repo, commits, policy, merged)
    wanted |= outside.commits.keys()
    # check read most of them while the log streamed (diff_prefetch); what is left
    # (commits a Test-commit trailer names, parents outside) is read here.
    diffs = {sha: diff for sha, diff in have.items() if sha in wanted}
    unread = wanted - diffs.keys()
    ordered = [commit.sha for commit in commits if commit.sha in unread]
    ordered += [sha for sha in outside.commits if sha not in diffs]
    diffs.update(read_changes(repo, ordered, policy))
    return tuple(pair_fixes(commits, policy, diffs, outside)), diffs, outside


def gather_evidence(
    repo: Any, commits: Sequence[Commit], policy: Policy, options: GatherOptions
) -> Evidence:
    evidence = Evidence()
    paths_only: Mapping[str, CommitDiff] = {}  # the fix candidates' paths, once read
    # --- pairs (RG201, RG204) ---
    if pairs_enabled(policy):
        from reviewgate.pairs.test_patches import (
            PendingDiffs,
            start_test_patches,
            weakening_candidates,
        )

        fixes, paths_only, outside = pair_range(
            repo, commits, policy, options.diffs or {}, merged_revisions(options)
        )
        diffs: Mapping[str, CommitDiff] = paths_only
        if enabled(policy, "RG204"):
            # Line changes only where a fix modifies a test file: trees are cheap
            # for git to compare, blobs are not. git reads them while the other
            # concerns gather, and the sign-off rules judge.
            needed = weakening_candidates(fixes, diffs)
            chosen = {c.sha: needed[c.sha] for c in commits if c.sha in needed}
            chosen |= {sha: needed[sha] for sha in outside.commits if sha in needed}
            if chosen:
                diffs = PendingDiffs(diffs, start_test_patches(repo, chosen, policy, diffs))
        evidence = replace(evidence, diffs=diffs, fixes=fixes)
    # --- verify (RG202, RG203, RG205) ---
    if options.verify or enabled(policy, "RG202", "RG203", "RG205"):
        from reviewgate.verify.gather import gather_verdicts

        # Paths are all verify needs: it does not wait for the line changes.
        verdicts = gather_verdicts(
            repo, commits, policy, replace(evidence, diffs=paths_only), options
        )
        evidence = replace(evidence, verdicts=verdicts)
    # --- signoff (RG301-RG304) ---
    if signoff_enabled(policy):
        from reviewgate.signoff.gather import gather_signoff

        evidence = gather_signoff(
            repo, commits, policy, options.trusted, evidence, approvals_at=options.approvals_at
        )
    return replace(evidence)
