"""Reports a test runner prints: `go test -json`, TAP, Rust's libtest listing.

Each parser takes the run's output (stdout and stderr together, the worktree's
path already taken out) and gives a TestReport, or None when the output holds no
such report. See results.py for what the statuses mean.
"""

from __future__ import annotations

import json
import os
import re

from reviewgate.verify.results import (
    ERROR,
    FAILED,
    MESSAGE_LINES,
    PASSED,
    SCRIPT_SUFFIXES,
    SKIPPED,
    TestReport,
    TestResult,
    first_lines,
    make_report,
)

# --- go test -json -----------------------------------------------------------

_GO_PLAIN_FAIL = re.compile(r"^FAIL\s+(\S+) \[(build|setup) failed\]")
_GO_HEADER = re.compile(r"^# (\S+)")


def parse_go_json(text: str, root: str) -> TestReport | None:
    module = _go_module(root)
    outputs: dict[tuple[str, str], list[str]] = {}
    finals: dict[tuple[str, str], str] = {}
    broken: list[str] = []  # packages that did not build
    notes: dict[str, list[str]] = {}  # package -> what the compiler said
    header: str | None = None
    for line in text.splitlines():
        if line.startswith("{"):
            header = None
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            action = event.get("Action")
            package = str(event.get("Package") or event.get("ImportPath") or "").split(" ")[0]
            key = (package, str(event.get("Test") or ""))
            if action == "output":
                outputs.setdefault(key, []).append(str(event.get("Output", "")))
            elif action == "build-output":  # go 1.24 and later
                notes.setdefault(package, []).append(str(event.get("Output", "")).rstrip())
            elif action in ("pass", "fail", "skip"):
                finals[key] = str(action)
            elif action == "build-fail":
                broken.append(package)
        elif (found := _GO_PLAIN_FAIL.match(line)) is not None:
            broken.append(found.group(1))
            header = None
        elif (head := _GO_HEADER.match(line)) is not None:
            header = head.group(1)
        elif header is not None and line.strip():
            notes.setdefault(header, []).append(line)
    if not finals and not broken:
        return None
    results: list[TestResult] = []
    failing = {package for (package, test), action in finals.items() if test and action == "fail"}
    declared = _GoTests(root)
    for (package, test), action in finals.items():
        where = _go_dir(package, module)
        if test:
            status = {"pass": PASSED, "fail": FAILED, "skip": SKIPPED}[action]
            message = _go_message(outputs.get((package, test), [])) if status == FAILED else ""
            file = declared.file_of(where, test.split("/", 1)[0]) or where
            results.append(TestResult(f"{where}::{test}", status, message, file))
        elif action == "fail" and package not in failing and package not in broken:
            # The test binary failed outside any test: a panic in init, TestMain.
            message = _go_message(outputs.get((package, ""), []))
            results.append(TestResult(where, ERROR, message, where))
    for package in dict.fromkeys(broken):
        where = _go_dir(package, module)
        said = first_lines("\n".join(notes.get(package, [])))
        results.append(
            TestResult(where, ERROR, f"build failed: {said}" if said else "build failed", where)
        )
    return make_report("go-json", results)


_GO_FUNC = re.compile(r"^func ((?:Test|Example|Benchmark|Fuzz)\w*)\(", re.MULTILINE)


class _GoTests:
    """Which `_test.go` file of a package declares each test function, so a test
    is known to be the fix's own when the fix brings its file."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.by_dir: dict[str, dict[str, str]] = {}

    def file_of(self, directory: str, function: str) -> str:
        if directory not in self.by_dir:
            found: dict[str, str] = {}
            path = os.path.join(self.root, directory)
            try:
                names = sorted(n for n in os.listdir(path) if n.endswith("_test.go"))
            except OSError:
                names = []
            for name in names:
                try:
                    with open(
                        os.path.join(path, name), encoding="utf-8", errors="replace"
                    ) as handle:
                        text = handle.read(1 << 20)
                except OSError:
                    continue
                relative = name if directory == "." else f"{directory}/{name}"
                for declared in _GO_FUNC.findall(text):
                    found.setdefault(declared, relative)
            self.by_dir[directory] = found
        return self.by_dir[directory].get(function, "")


def _go_message(lines: list[str]) -> str:
    kept = [line for line in lines if not line.lstrip().startswith(("=== ", "--- "))]
    return first_lines("".join(kept))


def _go_module(root: str) -> str:
    try:
        with open(os.path.join(root, "go.mod"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("module "):
                    return line.split()[1].strip('"')
    except OSError:
        pass
    return ""


def _go_dir(package: str, module: str) -> str:
    """A package's directory from the module's top ("." for the module itself)."""
    if module and package == module:
        return "."
    if module and package.startswith(module + "/"):
        return package[len(module) + 1 :]
    return package


# --- TAP ---------------------------------------------------------------------

_TAP_RESULT = re.compile(r"^(\s*)(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*)$")
_TAP_SUBTEST = re.compile(r"^(\s*)# Subtest: (.*)$")
_TAP_DIRECTIVE = re.compile(r"\s#\s*(SKIP|TODO)\b.*$", re.IGNORECASE)


def parse_tap(text: str, root: str) -> TestReport | None:
    lines = text.splitlines()
    if not any(line.startswith("TAP version") or re.match(r"^\s*1\.\.\d+", line) for line in lines):
        return None
    stack: list[tuple[int, str]] = []
    results: list[TestResult] = []
    diagnostics: list[str] = []  # "# ..." lines since the last result (a file's stderr)
    for index, line in enumerate(lines):
        subtest = _TAP_SUBTEST.match(line)
        if subtest:
            depth = len(subtest.group(1))
            while stack and stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, subtest.group(2)))
            continue
        found = _TAP_RESULT.match(line)
        if not found:
            if line.lstrip().startswith("# ") and not _TAP_SUBTEST.match(line):
                diagnostics.append(line.lstrip()[2:])
            continue
        depth = len(found.group(1))
        while stack and stack[-1][0] > depth:
            stack.pop()
        if stack and stack[-1][0] == depth:
            stack.pop()
        description = _TAP_DIRECTIVE.sub("", found.group(3)).strip()
        directive = _TAP_DIRECTIVE.search(found.group(3))
        name = " > ".join([*(n for _, n in stack), description])
        status = PASSED if found.group(2) == "ok" else FAILED
        if directive is not None:
            status = SKIPPED
        message, file = "", ""
        if status == FAILED:
            message = _tap_error(lines, index + 1, depth)
            if description.startswith("/") or description.endswith(SCRIPT_SUFFIXES):
                # A test file that could not load (node names it by its path).
                status, file = ERROR, description
                errors = [d for d in diagnostics if re.search(r"Error\b|error:", d)]
                message = first_lines("\n".join(errors[:2])) or message
        diagnostics = []
        results.append(TestResult(name, status, message, file))
    # A suite's own line repeats what its tests said: keep the tests.
    parents = {r.name.rsplit(" > ", 1)[0] for r in results if " > " in r.name}
    return make_report("tap", [r for r in results if r.name not in parents])


def _tap_error(lines: list[str], start: int, depth: int) -> str:
    """The `error:` of the YAML block after a `not ok` line, if it has one."""
    for offset, line in enumerate(lines[start : start + 40]):
        stripped = line.strip()
        if stripped == "..." or _TAP_RESULT.match(line):
            break
        if stripped.startswith("error:"):
            value = stripped[len("error:") :].strip()
            if value in ("|-", "|", ">-", ">"):
                body = []
                for more in lines[start + offset + 1 : start + offset + 2 + MESSAGE_LINES]:
                    if not more.strip():
                        continue
                    if len(more) - len(more.lstrip()) <= depth + 2:
                        break
                    body.append(more.strip())
                value = "\n".join(b for b in body if b)
            return first_lines(value.strip("'\""))
    return ""


# --- Rust's libtest (cargo test) ---------------------------------------------

_CARGO_TARGET = re.compile(r"^\s+Running (?:unittests )?(\S+)")
_CARGO_DOCTESTS = re.compile(r"^\s+Doc-tests (\S+)")
_LIBTEST = re.compile(r"^test (.+?) \.\.\. (ok|FAILED|ignored)\b")
_CARGO_FAILURE = re.compile(r"^---- (.+?) stdout ----$")
_CARGO_CANNOT_COMPILE = re.compile(r"^error: could not compile `([^`]+)`(?: \(([^)]*)\))?")
_RUSTC_ERROR = re.compile(r"^error(\[E\d+\])?: ")
_RUSTC_WHERE = re.compile(r"^\s*--> (\S+?):\d+")


def parse_libtest(text: str, root: str) -> TestReport | None:
    target = ""
    results: list[TestResult] = []
    failures: dict[str, list[str]] = {}
    current: list[str] | None = None
    first_error: list[str] = []
    seen = False
    for line in text.splitlines():
        if (found := _CARGO_TARGET.match(line)) is not None:
            target, current = found.group(1), None
        elif (found := _CARGO_DOCTESTS.match(line)) is not None:
            target, current = f"doc-tests {found.group(1)}", None
        elif line.startswith("running ") and line.rstrip().endswith(("test", "tests")):
            seen = True
        elif (found := _LIBTEST.match(line)) is not None:
            status = {"ok": PASSED, "FAILED": FAILED, "ignored": SKIPPED}[found.group(2)]
            file = target if target.endswith(".rs") else ""
            results.append(TestResult(f"{target}::{found.group(1)}", status, "", file))
        elif (found := _CARGO_FAILURE.match(line)) is not None:
            current = failures.setdefault(f"{target}::{found.group(1)}", [])
        elif current is not None and (line == "failures:" or line.startswith("test result:")):
            current = None
        elif current is not None:
            noise = line.startswith(("stack backtrace", "note: ", " " * 3)) or not line.strip()
            if len(current) < MESSAGE_LINES and not noise:
                current.append(line)
        elif _RUSTC_ERROR.match(line) and not line.startswith(
            ("error: test failed", "error: could not compile")
        ):
            first_error = first_error or [line]
        elif (found := _RUSTC_WHERE.match(line)) is not None and len(first_error) == 1:
            first_error.append(line.strip())
        elif (found := _CARGO_CANNOT_COMPILE.match(line)) is not None:
            seen = True
            what = f"{found.group(1)} ({found.group(2)})" if found.group(2) else found.group(1)
            where = _RUSTC_WHERE.match(first_error[1]) if len(first_error) > 1 else None
            results.append(
                TestResult(
                    f"could not compile {what}",
                    ERROR,
                    first_lines("\n".join(first_error)) or line,
                    where.group(1) if where else "",
                )
            )
            first_error = []
    if not seen and not results:
        return None
    results = [
        TestResult(r.name, r.status, first_lines("\n".join(failures.get(r.name, []))), r.file)
        if r.status == FAILED
        else r
        for r in results
    ]
    return make_report("libtest", results)
