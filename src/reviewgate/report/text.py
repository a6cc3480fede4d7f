"""The human report: findings grouped by commit, a hint under each, a summary."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from reviewgate.findings import Finding, Severity

if TYPE_CHECKING:
    from reviewgate.commands.check import CheckResult


def render_text(result: CheckResult) -> str:
    if not result.commits:
        return f"reviewgate: no commits to check in {result.range}\n"
    by_commit: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_commit[finding.sha].append(finding)
    lines: list[str] = []
    for commit in result.commits:
        found = by_commit.get(commit.sha)
        if not found:
            continue
        lines.append(f"{commit.short_sha} {commit.subject}")
        lines.extend(format_finding(f, commit.short_sha) for f in found)
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def format_finding(finding: Finding, short_sha: str) -> str:
    severity = "" if finding.severity is Severity.ERROR else f" [{finding.severity.value}]"
    text = f"  {short_sha} {finding.code}{severity} {finding.message}"
    if finding.hint:
        text += f"\n      hint: {finding.hint}"
    return text


def summary_line(result: CheckResult) -> str:
    counts = {s: 0 for s in Severity}
    for finding in result.findings:
        counts[finding.severity] += 1
    flagged = len({f.sha for f in result.findings})
    checked = len(result.commits)
    noun = "commit" if checked == 1 else "commits"
    return (
        f"reviewgate: {checked} {noun} checked in {result.range} ({result.policy.source}): "
        f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.NOTICE]} notices in {flagged} commits"
    )
