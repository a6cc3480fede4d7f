"""The SARIF 2.1.0 report (`--format sarif`), for GitHub code scanning and any
other SARIF viewer.

Where a finding is. reviewgate judges commits, not lines, and SARIF has no kind of
location for a commit. GitHub code scanning shows a result only when its first
location has a `physicalLocation` (a repository-relative `artifactLocation.uri`
and a `region.startLine`), so every result gets two locations in one:

- `physicalLocation`: line 1 of the first path (git's order) that the commit adds,
  modifies, renames, copies or retypes, so the alert sits on a file of the commit
  under review. A commit with no such path (empty, deletions only, a merge that
  changes nothing against its first parent, or paths not read) points at the
  policy file `.reviewgate.yaml` at the repository root, the file that asks for
  what the commit lacks, whether or not the repository has one yet.
- `logicalLocations`: the commit itself, `fullyQualifiedName` its full sha, `name`
  its short sha, `kind` "object" (a commit is a git object).

The commit's sha and subject are also in the result's `properties` and its message
starts with them, since a viewer that shows only the file would otherwise hide
which commit is meant.

`partialFingerprints["reviewgate/v1"]` is `CODE:SHA` (with `:N` for the N-th
finding of the same rule in one commit, N >= 2): stable across runs as long as the
commit is, so code scanning keeps one alert per finding; a rewritten commit has a
new sha and so a new alert, which is right, since it has to be judged again. (The
upload-sarif action adds its own `primaryLocationLineHash` of line 1 of the file.)

The rules are every registered rule (reviewgate.model.rulebook.RULES), with their
documentation as help, so a viewer can explain a result without reviewgate.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from reviewgate import __version__
from reviewgate.model.display import json_safe
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import RULES, Rule
from reviewgate.pipeline.range_rules import register_all

if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Verdict
    from reviewgate.model.result import CheckResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/reviewgate/reviewgate"
FINGERPRINT_KEY = "reviewgate/v1"
POLICY_FILE = ".reviewgate.yaml"

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTICE: "note",
    Severity.OFF: "none",
}
# Statuses whose path exists after the commit (a deleted path cannot carry an alert).
_PRESENT = frozenset("AMRCT")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SECTION = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)


def render_sarif(result: CheckResult) -> str:
    register_all()

    rules = sorted(RULES.values(), key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    commits = {commit.sha: commit for commit in result.commits}
    seen: dict[tuple[str, str], int] = {}
    results: list[dict[str, Any]] = []
    verdicts = result.evidence.verdicts if result.evidence is not None else {}
    for finding in result.findings:
        key = (finding.code, finding.sha)
        seen[key] = seen.get(key, 0) + 1
        sarif = result_to_sarif(finding, commits.get(finding.sha), index, seen[key])
        verdict = verdicts.get(finding.sha)
        if verdict is not None and finding.code in VERIFY_CODES:
            sarif["properties"]["tests"] = _tests(verdict)
        results.append(sarif)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "reviewgate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_to_sarif(rule) for rule in rules],
                    }
                },
                "results": results,
                "properties": {
                    "range": clean(result.range),
                    "policy": clean(result.policy.source),
                    "commits": len(result.commits),
                    "exitCode": result.exit_code,
                    # Every verified fix, proven ones included: the tests that decided it.
                    "verifications": [
                        {"commit": sha, "outcome": v.outcome, "tests": _tests(v)}
                        for sha, v in verdicts.items()
                    ],
                },
            }
        ],
    }
    return json_safe(json.dumps(log, indent=2, ensure_ascii=False) + "\n")


VERIFY_CODES = frozenset({"RG202", "RG203", "RG205", "RG206"})


def _tests(verdict: Verdict) -> list[dict[str, str]]:
    return [
        {"name": clean(t.name), "red": t.red, "green": t.green, "message": clean(t.message)}
        for t in verdict.tests
    ]


def rule_to_sarif(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what_it_does(rule)},
        "help": {"text": rule.doc or rule.summary, "markdown": rule.doc or rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.default_severity]},
        "properties": {"tags": ["reviewgate"]},
    }
    if rule.default_severity is Severity.OFF:
        descriptor["defaultConfiguration"]["enabled"] = False
    return descriptor


def what_it_does(rule: Rule) -> str:
    """The "What it does" section of the rule's documentation as one paragraph (the
    full text is in `help`); the summary when the documentation has no such section."""
    sections = list(_SECTION.finditer(rule.doc))
    for i, heading in enumerate(sections):
        if heading.group("title").strip().lower() == "what it does":
            end = sections[i + 1].start() if i + 1 < len(sections) else len(rule.doc)
            text = " ".join(rule.doc[heading.end() : end].split())
            if text:
                return text
    return rule.summary


def result_to_sarif(
    finding: Finding, commit: Commit | None, index: dict[str, int], ordinal: int
) -> dict[str, Any]:
    short = commit.short_sha if commit else finding.sha[:10]
    subject = clean(commit.subject) if commit else ""
    text = f"{short} {subject}: {clean(finding.message)}" if subject else clean(finding.message)
    if finding.hint:
        text += f"\nhint: {clean(finding.hint)}"
    fingerprint = f"{finding.code}:{finding.sha}" + (f":{ordinal}" if ordinal > 1 else "")
    path, why = location_path(commit)
    sarif: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        sarif["ruleIndex"] = index[finding.code]
    sarif.update(
        {
            "level": LEVELS[finding.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": path_to_uri(path)},
                        "region": {"startLine": 1},
                    },
                    "logicalLocations": [
                        {"name": short, "fullyQualifiedName": finding.sha, "kind": "object"}
                    ],
                    "message": {"text": f"{why} {short}"},
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            "properties": {"commit": finding.sha, "subject": subject},
        }
    )
    return sarif


def location_path(commit: Commit | None) -> tuple[str, str]:
    """The path a result about `commit` is shown on, and why that one."""
    for change in (commit.changes or ()) if commit else ():
        if change.status[:1] in _PRESENT and change.path:
            return change.path, "a file changed by commit"
    return POLICY_FILE, "the policy file; no file present after commit"


def path_to_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference: percent-encoded
    UTF-8, with the original bytes of a path that is not UTF-8."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def clean(text: str) -> str:
    """Text with git's undecodable bytes (lone surrogates) as U+FFFD, which a UTF-8
    JSON file can hold."""
    return _SURROGATE.sub("\ufffd", text)
