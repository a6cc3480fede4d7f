"""The GitHub Actions report (`--format github`): one workflow command per finding,
which the runner turns into an annotation on the run and the pull request.

    ::error title=RG101 undeclared-assistance::<short sha> <subject>: <message>%0Ahint: <hint>

warning findings use `::warning`, notices `::notice`; clean commits get nothing.
The last line is the plain summary of the text report. No `file=` property: a
finding is about a commit, not a file, and GitHub shows an annotation without
one on the run's summary page.

Escaping follows the runner's rules for workflow commands: in the message
(data) `%`, CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and
`,` also become `%3A` and `%2C`. So a subject or message can neither end the
command early nor start a new one.

GitHub shows at most 10 annotations of each kind per step (and 50 per job); the
rest are still in the log, and the summary line counts them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import RULES
from reviewgate.pipeline.range_rules import register_all
from reviewgate.report.text import summary_line

if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.result import CheckResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}


def render_github(result: CheckResult) -> str:
    register_all()  # every rule's name, for the titles

    if not result.commits:
        return f"reviewgate: no commits to check in {result.range}\n"
    commits = {commit.sha: commit for commit in result.commits}
    lines = [
        annotation(finding, commits.get(finding.sha))
        for finding in result.findings
        if finding.severity in COMMANDS
    ]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def annotation(finding: Finding, commit: Commit | None) -> str:
    rule = RULES.get(finding.code)
    title = f"{finding.code} {rule.name}" if rule else finding.code
    where = f"{commit.short_sha} {commit.subject}" if commit else finding.sha[:10]
    text = f"{where}: {finding.message}"
    if finding.hint:
        text += f"\nhint: {finding.hint}"
    command = COMMANDS[finding.severity]
    return f"::{command} title={escape_property(title)}::{escape_data(text)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
