"""The verify section of gather.py: verdicts for a range's fixes.

Without `GatherOptions.verify` only the cache is read (one `cat-file --batch`
process for the whole range). With it, the fixes of the chosen shard without a
cached verdict are run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reviewgate.model.evidence import CommitDiff, Evidence, Verdict
from reviewgate.model.result import merged_revisions
from reviewgate.pairs.gather import pair_range
from reviewgate.verify.cache import NOTES_REF
from reviewgate.verify.engine import cached_verdicts, verify_jobs
from reviewgate.verify.plan import plan_jobs, select_shard

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.commit import Commit
    from reviewgate.model.fix import Fix
    from reviewgate.model.result import GatherOptions
    from reviewgate.policy.schema import Policy
    from reviewgate.verify.plan import Job
    from reviewgate.verify.provenance import Provenance


def range_jobs(
    repo: Any,
    commits: Sequence[Commit],
    policy: Policy,
    diffs: Mapping[str, CommitDiff],
    fixes: Sequence[Fix] | None = None,
    merged: Sequence[str] = (),
) -> list[Job]:
    """The verification jobs of the range's paired fixes: `fixes` when the pair rules
    found them already (with `diffs` holding every candidate's paths), else paired
    here as they pair them (gather.pair_range)."""
    if fixes is None:
        fixes, diffs, _ = pair_range(repo, commits, policy, diffs, merged)
    return plan_jobs(fixes, policy, diffs)


def gather_verdicts(
    repo: Any,
    commits: Sequence[Commit],
    policy: Policy,
    evidence: Evidence,
    options: GatherOptions,
    provenance: Provenance | None = None,
) -> dict[str, Verdict]:
    """`provenance` decides which cached lines count and signs the new ones."""
    if not options.verify and not has_cache(repo):
        return {}  # nothing cached: no need to pair fixes or read any diff here
    jobs = range_jobs(
        repo, commits, policy, evidence.diffs, evidence.fixes, merged_revisions(options)
    )
    if not jobs:
        return {}
    git_dir = str(repo.git_dir)
    if not options.verify:
        return cached_verdicts(git_dir, jobs, policy, provenance)
    return verify_jobs(
        git_dir,
        select_shard(jobs, options.shard),
        policy,
        use_cache=options.use_cache,
        parallel=options.jobs,
        on_verdict=options.on_verdict,
        provenance=provenance,
    )


def has_cache(repo: Any) -> bool:
    """Whether refs/notes/reviewgate may exist, read from the ref files without a
    git process. A ref store this does not know (reftable) counts as yes."""
    common = Path(getattr(repo, "common_dir", None) or repo.git_dir)
    if (common / NOTES_REF).is_file() or (common / "reftable").exists():
        return True
    packed = common / "packed-refs"
    try:
        return f" {NOTES_REF}\n".encode() in packed.read_bytes()
    except OSError:
        return False

