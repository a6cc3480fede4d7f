"""The human report, in ruff's shape: one line per finding (`SHA CODE message`),
each distinct hint once after them, then the summary.

A long range repeats one finding on many commits (RG301 on every unreviewed
commit): the hint is the same for all of them, so it is printed once with the
number of findings it answers. `statistics` prints a count per rule instead of
the findings; `quiet` prints only the summary. Colour is ANSI, and only where
the caller asks for it (a terminal: commands/check.py decides).
"""

from __future__ import annotations

from collections import defaultdict

from reviewgate.model.display import visible
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import KNOWN_RULE_NAMES

# `typing` costs the hooks start-up time; type checkers treat TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.result import CheckResult

_SEVERITY_COLOUR = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTICE: "36"}


class Paint:
    """ANSI colour, or none: every method returns its text unchanged when off."""

    __slots__ = ("on",)

    def __init__(self, on: bool = False) -> None:
        self.on = on

    def _sgr(self, codes: str, text: str) -> str:
        return f"\x1b[{codes}m{text}\x1b[0m" if self.on and text else text

    def sha(self, text: str) -> str:
        return self._sgr("33", text)

    def code(self, severity: Severity, text: str) -> str:
        return self._sgr(f"1;{_SEVERITY_COLOUR.get(severity, '0')}", text)

    def dim(self, text: str) -> str:
        return self._sgr("2", text)


def render_text(
    result: CheckResult, *, statistics: bool = False, quiet: bool = False, colour: bool = False
) -> str:
    if not result.commits:
        return f"reviewgate: no commits to check in {result.range}\n"
    paint = Paint(colour)
    lines: list[str] = []
    if not quiet:
        if statistics:
            lines.extend(statistics_lines(result.findings, paint))
        else:
            lines.extend(finding_lines(result, paint))
            lines.extend(proven_lines(result))
        lines.extend(hint_lines(result.findings, paint))
        lines.extend(note_lines(result.notes))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def note_lines(notes: tuple[str, ...]) -> list[str]:
    return [f"reviewgate: note: {visible(note)}" for note in notes]


def _severity_tag(severity: Severity) -> str:
    return "" if severity is Severity.ERROR else f" [{severity.value}]"


def finding_lines(result: CheckResult, paint: Paint) -> list[str]:
    """One line per finding, in the order of the commits (newest first, as git
    log lists them), each commit's findings in the order the rules found them."""
    by_commit: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_commit[finding.sha].append(finding)
    lines: list[str] = []
    for commit in result.commits:
        for finding in by_commit.pop(commit.sha, ()):
            lines.append(finding_line(finding, commit.short_sha, paint))
    for sha, rest in by_commit.items():  # a range finding about a commit not listed
        lines.extend(finding_line(finding, sha[:10], paint) for finding in rest)
    return lines


def finding_line(finding: Finding, short_sha: str, paint: Paint | None = None) -> str:
    """`SHA CODE [severity] message`; errors carry no severity tag."""
    paint = paint or Paint()
    severity = _severity_tag(finding.severity)
    # Commit data is untrusted: made visible before any colour is added around it.
    message = visible(finding.message).replace("\n", " ")
    code = paint.code(finding.severity, finding.code)
    where = f"{paint.sha(visible(short_sha))} " if short_sha else ""
    return f"{where}{code}{severity} {message}"


def hint_lines(findings: tuple[Finding, ...] | list[Finding], paint: Paint) -> list[str]:
    """Each distinct hint once, in the order first met, with the codes it answers
    and, when it answers more than one finding, how many."""
    codes: dict[str, dict[str, None]] = {}
    counts: dict[str, int] = {}
    for finding in findings:
        if not finding.hint:
            continue
        codes.setdefault(finding.hint, {})[finding.code] = None
        counts[finding.hint] = counts.get(finding.hint, 0) + 1
    lines = []
    for hint, seen in codes.items():
        count = counts[hint]
        times = f" ({count} findings)" if count > 1 else ""
        label = paint.dim(f"hint: {', '.join(seen)}{times}:")
        lines.append(f"{label} {visible(hint)}")
    return lines


def statistics_lines(findings: tuple[Finding, ...] | list[Finding], paint: Paint) -> list[str]:
    """ruff's --statistics: a count per rule (and severity), most frequent first."""
    counts: dict[tuple[str, Severity], int] = {}
    for finding in findings:
        key = (finding.code, finding.severity)
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = len(str(ordered[0][1])) if ordered else 1
    return [
        f"{count:>{width}}  {paint.code(severity, code)}  "
        f"{'[' + severity.value + ']':<9}  {KNOWN_RULE_NAMES.get(code, '')}".rstrip()
        for (code, severity), count in ordered
    ]


def proven_lines(result: CheckResult) -> list[str]:
    """One line per proven fix that names the tests that proved it."""
    verdicts = result.evidence.verdicts if result.evidence is not None else {}
    lines = []
    for commit in result.commits:
        verdict = verdicts.get(commit.sha)
        if verdict is not None and verdict.outcome == "proven" and verdict.tests:
            tests = ", ".join(t.line() for t in verdict.tests[:3])
            more = f" and {len(verdict.tests) - 3} more" if len(verdict.tests) > 3 else ""
            lines.append(visible(f"{commit.short_sha} proven red/green by {tests}{more}"))
    return lines


def format_finding(finding: Finding, short_sha: str) -> str:
    """A finding with its hint under it: the commit-msg hook's form, for the one
    commit being made, where every hint is about that commit."""
    severity = _severity_tag(finding.severity)
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
    return visible(
        f"reviewgate: {plural(checked, 'commit')} checked in {result.range} "
        f"({result.policy.source}): {found}{where}"
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
