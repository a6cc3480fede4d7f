"""The pairs section of the pipeline's gathering: the range's fixes paired with
their tests, reading only the diffs that pairing needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reviewgate.git.repo import read_listed_commits, shallow_boundary
from reviewgate.model.evidence import CommitDiff
from reviewgate.model.fix import Fix
from reviewgate.pairs.diffs import read_changes
from reviewgate.pairs.fixes import (
    NO_OUTSIDE,
    OutsideParents,
    fix_candidates,
    outside_parents,
    pair_fixes,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy


def outside_parent_commits(
    repo: Any, commits: Sequence[Commit], policy: Policy, merged: Sequence[str] = ()
) -> OutsideParents:
    """The first parents of fixes that lie just outside the range, read with one
    `git log --no-walk` when there are any (usually none, or the range's oldest);
    those left unread at a shallow clone's edge, for the report to say so; and,
    with one more, those that the `merged` revisions (default branches) do not
    hold yet."""
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

