"""`reviewgate stats`: figures about a range of commits, from one check.

The check gathers the evidence (fix pairs, sign-offs, cached verdicts) and runs
the rules once; report.stats turns what it found into figures. Only what the
policy switched off is read here, so that the figures do not depend on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from reviewgate.git.repo import open_repo
from reviewgate.model.commit import Commit
from reviewgate.model.evidence import CommitDiff, Evidence
from reviewgate.model.fix import Fix
from reviewgate.pipeline.gather import signoff_enabled
from reviewgate.pipeline.run import run_check
from reviewgate.policy.schema import Policy
from reviewgate.report.stats import Share, Stats, compute_stats, judged
from reviewgate.signoff.gather import gather_signoff
from reviewgate.verify.engine import cached_verdicts
from reviewgate.verify.gather import has_cache, range_jobs


def run_stats(
    revisions: Sequence[str] = (),
    cwd: str | Path | None = None,
    config: str | None = None,
    max_count: int | None = None,
) -> Stats:
    """The figures of `revisions` (default: the range `reviewgate check` reads)."""
    # The figures need the fix candidates' diffs, which the pair rules read, and
    # no other commit's paths.
    result = run_check(
        revisions=revisions, cwd=cwd, config=config, max_count=max_count, with_paths=False
    )
    evidence = result.evidence or Evidence()
    if not signoff_enabled(result.policy) and result.commits:
        # check gathered no sign-off evidence (ranges, approvals, signatures) for a
        # policy that asks for none; stats still counts sign-offs as check would.
        evidence = gather_signoff(
            open_repo(cwd), result.commits, judged(result.policy), None, evidence
        )
    stats = compute_stats(
        result.commits, result.policy, result.range, evidence, result.findings
    )
    verified = verified_share(cwd, result.commits, result.policy, evidence.diffs, evidence.fixes)
    return replace(stats, verified=verified)


def verified_share(
    cwd: str | Path | None,
    commits: Sequence[Commit],
    policy: Policy,
    diffs: Mapping[str, CommitDiff] | None = None,
    fixes: Sequence[Fix] | None = None,
) -> Share | None:
    """Fixes whose cached verdict (refs/notes/reviewgate) is "proven", of the fixes
    that have a test to verify; None when the cache holds no verdict for any.
    `diffs` and `fixes`: the fix candidates' diffs and the pairs check found
    already (else read and paired here)."""
    repo = open_repo(cwd)
    if not has_cache(repo):
        return None  # no verdict to count: no need to pair fixes or read a diff
    jobs = range_jobs(repo, commits, policy, diffs or {}, fixes)
    verdicts = cached_verdicts(str(repo.git_dir), jobs, policy) if jobs else {}
    if not verdicts:
        return None
    proven = sum(v.outcome == "proven" for v in verdicts.values())
    return Share(proven, len(jobs))
