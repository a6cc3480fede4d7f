"""JUnit XML, as pytest (--junitxml), node (--test-reporter=junit), jest and
vitest's junit reporters and cargo-nextest write it, into a TestReport.

Read with the standard library's parser; a document that declares a DOCTYPE (the
only way to define entities) is refused, so no entity is ever expanded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from reviewgate.verify.results import (
    ERROR,
    FAILED,
    PASSED,
    SCRIPT_SUFFIXES,
    SKIPPED,
    ReportError,
    TestReport,
    TestResult,
    first_lines,
    make_report,
)

MAX_REPORT = 64 << 20  # bytes of a JUnit file read; a larger one is refused

_COULD_NOT_RUN = re.compile(
    r"collection failure|ImportError|ModuleNotFoundError|SyntaxError|Cannot find module"
    r"|could not compile|build failed|setup failed"
)


def parse_junit(data: bytes, root: str) -> TestReport:
    if len(data) > MAX_REPORT:
        raise ReportError(f"the JUnit report is larger than {MAX_REPORT >> 20} MB")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ReportError("the JUnit report declares a DOCTYPE, which reviewgate refuses")
    try:
        top = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ReportError(f"the JUnit report is not well-formed XML: {error}") from None
    prefix = root.rstrip("/") + "/"
    modules = _ModuleFiles(root)
    outer = (top.get("name", ""),) if top.tag == "testsuite" else ()
    results = [_junit_case(case, suites, prefix, modules) for case, suites in _cases(top, outer)]
    return make_report("junit", results)


def _cases(element: object, suites: tuple[str, ...]) -> Iterator[tuple[object, tuple[str, ...]]]:
    """Every testcase, with the names of the suites around it (describe blocks,
    a jest file)."""
    assert isinstance(element, Element)
    for child in element:
        if child.tag == "testcase":
            yield child, suites
        elif child.tag == "testsuite":
            yield from _cases(child, (*suites, child.get("name", "")))


def _junit_case(
    case: object, suites: tuple[str, ...], prefix: str, modules: _ModuleFiles
) -> TestResult:
    assert isinstance(case, Element)
    name = case.get("name", "").replace(prefix, "")
    classname = case.get("classname", "").replace(prefix, "")
    file = (case.get("file") or "").replace(prefix, "") or modules.file_of(classname or name)
    status, message = PASSED, ""
    for child in case:
        if child.tag in ("failure", "error"):
            # pytest's own explanation is its "E   " lines; other runners' is the message.
            said = [
                line[1:].strip()
                for line in (child.text or "").splitlines()
                if line.startswith("E ")
            ]
            text = "\n".join(said) or child.get("message") or child.text or ""
            text = text.replace(prefix, "")
            # pytest's <error> is a collection error or a fixture's; only the first
            # kind means the test could not run at all.
            body = f"{child.get('message') or ''}\n{child.text or ''}"
            could_not_run = child.tag == "error" and _COULD_NOT_RUN.search(body)
            status, message = (ERROR if could_not_run else FAILED), first_lines(text)
            break
        if child.tag == "skipped":
            status = SKIPPED
    if status == FAILED and (name.startswith("/") or name.endswith(SCRIPT_SUFFIXES)):
        # node --test names a test file that could not load (or exited early) by its path.
        status, file = ERROR, file or name
    if file.endswith(".py"):
        module = file[:-3].replace("/", ".")
        if not classname:  # a collection error names the module
            full = file
        else:
            rest = "" if classname == module else classname
            if classname.startswith(module + "."):
                rest = classname[len(module) + 1 :]
            full = "::".join(part for part in (file, rest.replace(".", "::"), name) if part)
    else:
        full = " > ".join(part for part in (*suites, name) if part)
    return TestResult(full, status, message, file)


class _ModuleFiles:
    """pytest's dotted class names (tests.test_x.TestK) back to the file they came
    from, for reports without the `file` attribute (junit_family xunit2)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.known: dict[str, str] = {}

    def file_of(self, dotted: str) -> str:
        if not dotted or "/" in dotted or " " in dotted:
            return ""
        if dotted not in self.known:
            parts = dotted.split(".")
            self.known[dotted] = ""
            for end in range(len(parts), 0, -1):
                candidate = "/".join(parts[:end]) + ".py"
                if os.path.isfile(os.path.join(self.root, candidate)):
                    self.known[dotted] = candidate
                    break
        return self.known[dotted]
