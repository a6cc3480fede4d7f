"""`reviewgate check --show-assistance`: what was read of each commit's disclosure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewgate.disclosure.assistance import assistance, to_text

if TYPE_CHECKING:
    from reviewgate.model.result import CheckResult


def render_assistance(result: CheckResult) -> str:
    """Every commit of the range, oldest last as `git log` lists them, with the tools
    found on it, the exact evidence and whether a declaration covers each."""
    lines: list[str] = []
    for commit in result.commits:
        lines.append(f"{commit.short_sha} {commit.subject}")
        lines.extend(to_text(assistance(commit, result.policy)))
    return "\n".join(lines) + "\n" if lines else ""
