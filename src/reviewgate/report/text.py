"""The human report: findings grouped by commit, a hint under each, a summary."""

from __future__ import annotations

from collections import defaultdict

from reviewgate.model.display import visible
from reviewgate.model.finding import Finding, Severity

# `typing` costs the hooks start-up time; type checkers treat TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.result import CheckResult


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
    lines.extend(proven_lines(result))
    lines.extend(f"reviewgate: note: {note}" for note in result.notes)
    lines.append(summary_line(result))
    return visible("\n".join(lines) + "\n")  # commit data: docs/security.md, "Output"


def proven_lines(result: CheckResult) -> list[str]:
    """One line per proven fix that names the tests that proved it."""
    verdicts = result.evidence.verdicts if result.evidence is not None else {}
    lines = []
    for commit in result.commits:
        verdict = verdicts.get(commit.sha)
        if verdict is not None and verdict.outcome == "proven" and verdict.tests:
            tests = ", ".join(t.line() for t in verdict.tests[:3])
            more = f" and {len(verdict.tests) - 3} more" if len(verdict.tests) > 3 else ""
            lines.append(f"{commit.short_sha} proven red/green by {tests}{more}")
    return lines


def format_finding(finding: Finding, short_sha: str) -> str:
    severity = "" if finding.severity is Severity.ERROR else f" [{finding.severity.value}]"
    text = f"  {short_sha} {finding.code}{severity} {finding.message}"
    if finding.hint:
        text += f"\n      hint: {finding.hint}"
    return visible(text)


def summary_line(result: CheckResult) -> str:
    counts = {s: 0 for s in Severity}
    for finding in result.findings:
        counts[finding.severity] += 1
    flagged = len({f.sha for f in result.findings})
    checked = len(result.commits)
    found = ", ".join(
        plural(counts[severity], severity.value)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTICE)
    )
    where = f" in {plural(flagged, 'commit')}" if flagged else ""
    return (
        f"reviewgate: {plural(checked, 'commit')} checked in {result.range} "
        f"({result.policy.source}): {found}{where}"
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
