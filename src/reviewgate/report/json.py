"""The JSON report. Its schema is documented in docs/json-report.md and is stable:
fields may be added, never renamed or removed, within a schema version."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reviewgate.disclosure.assistance import assistance, to_json
from reviewgate.model.commit import Commit, Person
from reviewgate.model.display import json_safe
from reviewgate.model.finding import Finding

if TYPE_CHECKING:
    from reviewgate.model.result import CheckResult
    from reviewgate.policy.schema import Policy

SCHEMA_VERSION = 1


def render_json(result: CheckResult) -> str:
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
    # One commit per line: readable and diffable, yet every call stays on the C
    # encoder (json.dumps with `indent` falls back to the slow pure-Python one).
    commits = ",\n".join(
        "    " + json.dumps(commit_to_json(c, by_commit.get(c.sha, []), result.policy))
        for c in result.commits
    )
    body = json.dumps(head)[:-1]
    inner = f"[\n{commits}\n  ]" if commits else "[]"
    # Commit data stays exact for a parser, inert in a log: docs/security.md, "Output".
    return json_safe(f'{body}, "commits": {inner}}}\n')


def person_to_json(person: Person) -> dict[str, str]:
    return {"name": person.name, "email": person.email, "date": person.date}


def finding_to_json(finding: Finding) -> dict[str, str]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
    }


def commit_to_json(commit: Commit, findings: list[Finding],
                   policy: Policy | None = None) -> dict[str, Any]:
    found = {} if policy is None else {"assistance": to_json(assistance(commit, policy))}
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
