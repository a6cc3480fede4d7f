"""The records of one check: what it was asked to gather, and what it found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reviewgate.model.commit import Commit
from reviewgate.model.evidence import CommitDiff, Evidence
from reviewgate.model.finding import Finding, has_errors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.policy.schema import Policy


@dataclass(frozen=True)
class GatherOptions:
    trusted: str | None = None  # the trusted revision (CI base, --policy-from); None: HEAD
    verify: bool = False  # run the verifier for fixes without a cached verdict
    use_cache: bool = True
    jobs: int = 1
    shard: tuple[int, int] | None = None  # (K, N): verify only the K-th of N shards
    on_verdict: Any = None  # called (verdict, done, total) as each verdict arrives
    diffs: Mapping[str, CommitDiff] | None = None  # read already, while the log streamed
    # The approvals notes commit to read instead of the approvals ref: pre-receive's
    # view of approvals pushed together with the branch they approve.
    approvals_at: str | None = None
    # Revisions whose history is merged (the default branches, as refs or shas; a
    # missing one is ignored). A fix's parent outside the range that they do not
    # hold goes up with the fix, and may be its test commit whoever wrote it.
    # Empty: the trusted revision, if any.
    merged: tuple[str, ...] = ()



def merged_revisions(options: GatherOptions) -> tuple[str, ...]:
    if options.merged:
        return options.merged
    return (options.trusted,) if options.trusted else ()



@dataclass(frozen=True)
class CheckResult:
    range: str
    policy: Policy
    commits: tuple[Commit, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()  # things a reader must know, e.g. an untrusted policy change
    # What the range rules were given (diffs, verdicts, sign-offs), for stats.
    evidence: Evidence | None = field(default=None, compare=False, repr=False)

    @property
    def exit_code(self) -> int:
        return 1 if has_errors(self.findings) else 0

