"""`reviewgate stats`: figures about a range of commits, from one check.

The check gathers the evidence (fix pairs, sign-offs, cached verdicts) and runs
the rules once; report.stats turns what it found into figures. Only what the
policy switched off is read here, so that the figures do not depend on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from reviewgate.errors import ReviewgateError
from reviewgate.git.repo import config_value, open_repo, repo_root
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
    repo = open_repo(cwd)
    return replace(
        stats,
        verified=verified,
        repository=repository_name(repo_root(repo)),
        origin=origin_display(config_value(repo, 'remote "origin"', "url", "")),
        generated=generated_at(os.environ),
    )


def repository_name(root: Path) -> str:
    """The repository's directory name (a bare `project.git` as `project`)."""
    name = root.name
    return name[:-4] if name.endswith(".git") and len(name) > 4 else name


def origin_display(url: str) -> str:
    """The origin's URL as a reader names the project: `github.com/owner/name`,
    without a scheme, a user, a password or a token, or `.git`; "" for none."""
    url = url.strip()
    if not url:
        return ""
    scp = re.fullmatch(r"(?:[^@/:]+@)?([^/:]+):(?!//)(.+)", url)
    if scp and "://" not in url:
        url = f"{scp.group(1)}/{scp.group(2)}"  # git@host:owner/name
    else:
        url = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url)
        url = re.sub(r"^[^/]*@", "", url)  # user:password@ or token@
    url = url.rstrip("/")
    return url[:-4] if url.endswith(".git") else url


def generated_at(environ: Mapping[str, str]) -> str:
    """Now, or SOURCE_DATE_EPOCH when set, so that a page can be made again
    byte for byte (reproducible-builds.org/specs/source-date-epoch)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        moment = datetime.now(timezone.utc)
    else:
        try:
            if not epoch.isdigit():
                raise ValueError(epoch)
            moment = datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ReviewgateError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a count of seconds since 1970; "
                "set it to one (`git log -1 --format=%ct`) or unset it"
            ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


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
