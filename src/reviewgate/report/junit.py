"""The JUnit XML report (`--format junit`), for GitLab's test reports
(`artifacts:reports:junit`) and any CI that reads JUnit.

One test suite, "reviewgate", with one test case per commit read:
`classname="reviewgate.commits"`, `name="<short sha> <subject>"`. A commit with
an error finding fails: one `<failure>` whose `type` lists the error codes, whose
`message` is the first error, and whose body holds every finding of the commit
with its hint. A commit with only warnings or notices passes, its findings in
`<system-out>`. The suite counts tests and failures; errors and skipped are 0,
since reviewgate reports a commit it cannot judge as a finding.

XML 1.0 cannot hold most control characters, whatever the escaping, so they are
dropped from subjects and messages, and git's undecodable bytes (lone surrogates)
become U+FFFD; ElementTree escapes the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from reviewgate.model.display import xml_safe
from reviewgate.model.finding import Finding, Severity

if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.result import CheckResult

SUITE = "reviewgate"
CLASSNAME = "reviewgate.commits"
# Characters outside XML 1.0's Char production (tab, LF and CR are allowed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def render_junit(result: CheckResult) -> str:
    by_commit: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_commit[finding.sha].append(finding)
    cases = [testcase(commit, by_commit.get(commit.sha, [])) for commit in result.commits]
    failures = sum(case.find("failure") is not None for case in cases)
    counts = {
        "tests": str(len(cases)),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("range", result.range), ("policy", result.policy.source)):
        ET.SubElement(properties, "property", {"name": name, "value": xml_text(value)})
    suite.extend(cases)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # Commit data stays exact for a parser, inert in a log: docs/security.md, "Output".
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml_safe(body)}\n'


def testcase(commit: Commit, findings: list[Finding]) -> ET.Element:
    name = xml_text(f"{commit.short_sha} {commit.subject}")
    case = ET.Element("testcase", {"classname": CLASSNAME, "name": name})
    if not findings:
        return case
    body = "\n".join(describe(f) for f in findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        codes = list(dict.fromkeys(f.code for f in errors))
        message = f"{errors[0].code} {errors[0].message}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        failure = ET.SubElement(
            case, "failure", {"type": " ".join(codes), "message": xml_text(message)}
        )
        failure.text = xml_text(body)
    else:
        ET.SubElement(case, "system-out").text = xml_text(body)
    return case


def describe(finding: Finding) -> str:
    text = f"{finding.code} [{finding.severity.value}] {finding.message}"
    if finding.hint:
        text += f"\n  hint: {finding.hint}"
    return text


def xml_text(text: str) -> str:
    return _SURROGATE.sub("\ufffd", _NOT_XML.sub("", text))
