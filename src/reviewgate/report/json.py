"""The JSON report. Its schema is documented in docs/json-report.md and is stable:
fields may be added, never renamed or removed, within a schema version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from reviewgate.disclosure.assistance import assistance, to_json
from reviewgate.model.commit import Commit, Person
from reviewgate.model.display import json_safe
from reviewgate.model.finding import Finding

if TYPE_CHECKING:
    from reviewgate.model.evidence import Verdict
    from reviewgate.model.result import CheckResult
    from reviewgate.policy.schema import Policy

SCHEMA_VERSION = 1


# Commits per chunk of the streamed report: big enough that writing costs nothing
# per commit, small enough that a long range never holds its report in memory.
CHUNK_COMMITS = 500


def render_json(result: CheckResult) -> str:
    return "".join(iter_json(result))


def iter_json(result: CheckResult) -> Iterator[str]:
    """The JSON report in chunks, for writing as it is made: the report of a long
    history is larger than the history's records (issue 15). The chunks joined
    are exactly `render_json`'s text."""
    by_commit: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_commit.setdefault(finding.sha, []).append(finding)
    head = {
        "schema": SCHEMA_VERSION,
        "range": result.range,
        "policy": result.policy.source,
        "exit_code": result.exit_code,
        "notes": result.notes,
        "summary": {
            "commits": len(result.commits),
            "errors": sum(f.severity.value == "error" for f in result.findings),
            "warnings": sum(f.severity.value == "warning" for f in result.findings),
            "notices": sum(f.severity.value == "notice" for f in result.findings),
        },
    }
    body = json.dumps(head)[:-1]
    commits = result.commits
    if not commits:
        yield json_safe(f'{body}, "commits": []}}\n')
        return
    yield json_safe(f'{body}, "commits": [\n')
    # One commit per line: readable and diffable, yet every call stays on the C
    # encoder (json.dumps with `indent` falls back to the slow pure-Python one).
    no_findings: list[Finding] = []
    verdicts = result.evidence.verdicts if result.evidence is not None else {}
    for start in range(0, len(commits), CHUNK_COMMITS):
        lines = ",\n".join(
            "    "
            + json.dumps(commit_to_json(c, by_commit.get(c.sha, no_findings), result.policy,
                                        verdicts.get(c.sha)))
            for c in commits[start:start + CHUNK_COMMITS]
        )
        more = start + CHUNK_COMMITS < len(commits)
        # Commit data stays exact for a parser, inert in a log: docs/security.md, "Output".
        yield json_safe(lines + (",\n" if more else "\n  ]}\n"))


def person_to_json(person: Person) -> dict[str, str]:
    return {"name": person.name, "email": person.email, "date": person.date}


def finding_to_json(finding: Finding) -> dict[str, str]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
    }


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    """What red/green verification found for one fix (docs/json-report.md)."""
    return {
        "outcome": verdict.outcome,
        "cached": verdict.cached,
        "red_exit": verdict.red_exit,
        "green_exit": verdict.green_exit,
        "detail": verdict.detail,
        "tests": [
            {"name": t.name, "red": t.red, "green": t.green, "message": t.message}
            for t in verdict.tests
        ],
        "output": list(verdict.lines),
    }


def commit_to_json(commit: Commit, findings: list[Finding],
                   policy: Policy | None = None,
                   verdict: Verdict | None = None) -> dict[str, Any]:
    found = {} if policy is None else {"assistance": to_json(assistance(commit, policy))}
    if verdict is not None:
        found["verification"] = verdict_to_json(verdict)
    return {
        "sha": commit.sha,
        "parents": commit.parents,  # json writes tuples as arrays
        "author": person_to_json(commit.author),
        "committer": person_to_json(commit.committer),
        "subject": commit.subject,
        "encoding": commit.encoding,
        "trailers": commit.trailers,
        "changes": None
        if commit.changes is None
        else [{"status": c.status, "path": c.path, "old_path": c.old_path} for c in commit.changes],
        "findings": [finding_to_json(f) for f in findings],
        **found,
    }
