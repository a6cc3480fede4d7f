"""Per-test results: what a test runner's structured report says of each test.

The records and the report kinds; the parsers are junit.py (JUnit XML) and
streams.py (the reports a runner prints), and reports.py picks the parser. Four
kinds of report, each turned into one TestReport (test name -> TestResult):

  junit    JUnit XML in the file `{junit}` names (pytest --junitxml, node
           --test-reporter=junit, jest/vitest junit reporters, cargo-nextest)
  go-json  the event stream of `go test -json`, with go's plain-text
           "FAIL <pkg> [build failed]" lines (go before 1.24 prints those apart)
  tap      TAP (node --test --test-reporter=tap), subtests named "suite > test"
  libtest  Rust's `cargo test` listing ("test x ... ok"), each test named after
           its target ("tests/add.rs::adds"), and "could not compile" errors

A test that could not run (a collection or import error, a Go package that does
not build, a Rust target that does not compile, a node test file that cannot
load) is ERROR, never FAILED: it proves nothing about the bug. Names never hold
the worktree's path, so red and green name a test alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
MESSAGE_LINES = 4
_RANK = {SKIPPED: 0, PASSED: 1, FAILED: 2, ERROR: 3}  # a name reported twice: the worst
SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")


class ReportError(Exception):
    """A report that exists but cannot be trusted or read (said in the verdict)."""


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    status: str  # passed | failed | error | skipped
    message: str = ""  # the first lines of the failure or error
    file: str = ""  # the test's file, or a Go package's directory; "" when unknown


@dataclass(frozen=True)
class TestReport:
    __test__ = False

    kind: str
    results: Mapping[str, TestResult]

    def named(self, *statuses: str) -> list[TestResult]:
        return [r for r in self.results.values() if r.status in statuses]


def report_kind(argv: Iterable[str]) -> str | None:
    """The kind of structured report a command produces, read from its argv."""
    args = list(argv)
    if any("{junit}" in arg for arg in args):
        return "junit"
    program = args[0].rsplit("/", 1)[-1] if args else ""
    if program == "go" and "test" in args and "-json" in args:
        return "go-json"
    if program == "cargo" and "test" in args:
        return "libtest"
    if program.startswith("node") and "--test" in args:
        reporters = [a.split("=", 1)[1] for a in args if a.startswith("--test-reporter=")]
        return "tap" if reporters in ([], ["tap"]) else None
    return None


def make_report(kind: str, results: Iterable[TestResult]) -> TestReport:
    by_name: dict[str, TestResult] = {}
    for result in results:
        known = by_name.get(result.name)
        if known is None or _RANK[result.status] > _RANK[known.status]:
            by_name[result.name] = result
    return TestReport(kind, by_name)


def first_lines(text: str, count: int = MESSAGE_LINES) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return "\n".join(line[:200] for line in lines[:count])
