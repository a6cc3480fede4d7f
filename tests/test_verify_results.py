"""Per-test reports (verify/results.py, verify/streams.py) and the verdicts judged
from them (verify/judge.py), on reports as the runners print them: pytest's and
node's JUnit XML, `go test -json` (go 1.19, with its plain-text build failures),
node's TAP and cargo's libtest listing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewgate.verify.judge import StateRun, after_green, after_red, disagreeing, explain
from reviewgate.verify.judge import machine_cause as cause
from reviewgate.verify.reports import parse_report
from reviewgate.verify.results import (
    ERROR,
    FAILED,
    PASSED,
    SKIPPED,
    ReportError,
    TestReport,
    TestResult,
    report_kind,
)
from reviewgate.verify.runner import RunResult

ROOT = "/tmp/rg-verify/wt"

PYTEST_XML = f"""<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">
<testsuite name="pytest" errors="1" failures="1" skipped="1" tests="6">
<testcase classname="tests.test_a" name="test_ok" file="tests/test_a.py" line="2" time="0.0"/>
<testcase classname="tests.test_a" name="test_bad" file="tests/test_a.py" line="3" time="0.0">
<failure message="assert -1 == 5">&gt;   def test_bad(): assert add(2,3)==5
E   assert -1 == 5
E    +  where -1 = add(2, 3)

tests/test_a.py:4: AssertionError</failure></testcase>
<testcase classname="tests.test_a.TestK" name="test_p[a b]" file="tests/test_a.py" line="5"/>
<testcase classname="tests.test_a" name="test_skip" file="tests/test_a.py" line="7">
<skipped type="pytest.skip" message="unconditional skip">{ROOT}/tests/test_a.py:8</skipped>
</testcase>
<testcase classname="tests.test_a" name="test_err" file="tests/test_a.py" line="11">
<error message="failed on setup with &quot;RuntimeError: fixture broke&quot;">E   RuntimeError: \
fixture broke</error></testcase>
<testcase classname="" name="tests.test_b" file="tests/test_b.py" time="0.000">
<error message="collection failure">ImportError while importing test module \
'{ROOT}/tests/test_b.py'.
E   ModuleNotFoundError: No module named 'pkg.missing'</error></testcase>
</testsuite></testsuites>"""

NODE_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testcase name="passes" time="0.000979" classname="test"/>
  <testcase name="fails" time="0.000995" classname="test" failure="strictly equal">
    <failure type="testCodeFailure" message="Expected values to be strictly equal:1 !== 2">
[Error [ERR_TEST_FAILURE]: Expected values to be strictly equal:</failure>
  </testcase>
  <testsuite name="group" time="0.000584" tests="1" failures="0" skipped="0">
    <testcase name="inner ok" time="0.000171" classname="test"/>
  </testsuite>
  <testcase name="{ROOT}/test/b.test.js" time="0.068864" classname="test" failure="test failed">
    <failure type="testCodeFailure" message="test failed">[Error: test failed]</failure>
  </testcase>
</testsuites>"""

GO_JSON = """\
{"Action":"run","Package":"example.com/m/calc","Test":"TestAdd"}
{"Action":"output","Package":"example.com/m/calc","Test":"TestAdd","Output":"=== RUN   TestAdd\\n"}
{"Action":"output","Package":"example.com/m/calc","Test":"TestAdd","Output":"    calc_test.go:5: \
Add(2, 3) = -1, want 5\\n"}
{"Action":"output","Package":"example.com/m/calc","Test":"TestAdd","Output":"--- FAIL: TestAdd\\n"}
{"Action":"fail","Package":"example.com/m/calc","Test":"TestAdd","Elapsed":0}
{"Action":"run","Package":"example.com/m/calc","Test":"TestZero"}
{"Action":"pass","Package":"example.com/m/calc","Test":"TestZero/sub","Elapsed":0}
{"Action":"pass","Package":"example.com/m/calc","Test":"TestZero","Elapsed":0}
{"Action":"skip","Package":"example.com/m/calc","Test":"TestLater","Elapsed":0}
{"Action":"fail","Package":"example.com/m/calc","Elapsed":0.002}
# example.com/m/other [example.com/m/other.test]
other/o_test.go:5:28: undefined: Missing
FAIL	example.com/m/other [build failed]
{"Action":"output","Package":"example.com/m/boom","Output":"panic: init went wrong\\n"}
{"Action":"fail","Package":"example.com/m/boom","Elapsed":0.01}
"""

NODE_TAP = """\
TAP version 13
# Subtest: passes
ok 1 - passes
  ---
  duration_ms: 0.999236
  ...
# Subtest: fails
not ok 2 - fails
  ---
  duration_ms: 1.28018
  failureType: 'testCodeFailure'
  error: |-
    Expected values to be strictly equal:

    1 !== 2
  code: 'ERR_ASSERTION'
  ...
# Subtest: group
    # Subtest: inner ok
    ok 1 - inner ok
      ---
      duration_ms: 0.147027
      ...
    # Subtest: inner skipped
    ok 2 - inner skipped # SKIP not today
    1..2
ok 3 - group
  ---
  type: 'suite'
  ...
# node:internal/modules/cjs/loader:1210
#   throw err;
# Error: Cannot find module '../lib/missing.js'
# Require stack:
# Subtest: test/b.test.js
not ok 4 - test/b.test.js
  ---
  failureType: 'testCodeFailure'
  exitCode: 1
  error: 'test failed'
  ...
1..4
# tests 4
# duration_ms 270.1
"""

CARGO = """\
   Compiling calc v0.1.0 (/tmp/rg-verify/wt)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 1.20s
     Running unittests src/lib.rs (target/debug/deps/calc-c6626fb655a8d231)

running 1 test
test tests::inner_ok ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/add.rs (target/debug/deps/add-8400a13b84aa9f83)

running 2 tests
test skipped ... ignored
test adds ... FAILED

failures:

---- adds stdout ----

thread 'adds' (10347) panicked at tests/add.rs:2:13:
assertion `left == right` failed
  left: -1
 right: 5
stack backtrace:
   0: __rustc::rust_begin_unwind
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.


failures:
    adds

test result: FAILED. 0 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.09s

error: test failed, to rerun pass `--test add`
   Doc-tests calc

running 1 test
test src/lib.rs - add (line 3) ... ok
"""

CARGO_BUILD_ERROR = """\
   Compiling calc v0.1.0 (/tmp/rg-verify/wt)
error[E0425]: cannot find function `missing` in crate `calc`
 --> tests/bad.rs:2:18
  |
2 | fn bad() { calc::missing(); }
  |                  ^^^^^^^ not found in `calc`

For more information about this error, try `rustc --explain E0425`.
error: could not compile `calc` (test "bad") due to 1 previous error
"""


def statuses(report: TestReport | None) -> dict[str, str]:
    assert report is not None
    return {name: result.status for name, result in report.results.items()}


def test_pytest_junit_names_tests_by_file_and_tells_errors_from_failures() -> None:
    report = parse_report("junit", "", PYTEST_XML.encode(), ROOT)
    assert statuses(report) == {
        "tests/test_a.py::test_ok": PASSED,
        "tests/test_a.py::test_bad": FAILED,
        "tests/test_a.py::TestK::test_p[a b]": PASSED,
        "tests/test_a.py::test_skip": SKIPPED,
        # A fixture that raises is the test failing; a module that cannot be
        # imported is a test that could not run.
        "tests/test_a.py::test_err": FAILED,
        "tests/test_b.py": ERROR,
    }
    assert report is not None
    assert report.results["tests/test_a.py::test_bad"].message == (
        "assert -1 == 5\n+  where -1 = add(2, 3)"
    )
    assert "No module named 'pkg.missing'" in report.results["tests/test_b.py"].message
    assert ROOT not in str(report)


def test_pytest_junit_without_file_attributes_finds_the_module(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("")
    xml = (
        '<testsuites><testsuite name="pytest"><testcase classname="tests.test_x.TestK" '
        'name="test_y"><failure message="no"/></testcase></testsuite></testsuites>'
    )
    report = parse_report("junit", "", xml.encode(), str(tmp_path))
    assert statuses(report) == {"tests/test_x.py::TestK::test_y": FAILED}


def test_node_junit_names_suites_and_a_file_that_cannot_load() -> None:
    report = parse_report("junit", "", NODE_XML.encode(), ROOT)
    assert statuses(report) == {
        "passes": PASSED,
        "fails": FAILED,
        "group > inner ok": PASSED,
        "test/b.test.js": ERROR,
    }


@pytest.mark.parametrize(
    "xml, problem",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><testsuites>&lol;'
            "</testsuites>",
            "declares a DOCTYPE",
        ),
        ("<testsuites><testcase name='x'>", "not well-formed XML"),
    ],
)
def test_a_junit_report_that_cannot_be_trusted_is_refused(xml: str, problem: str) -> None:
    with pytest.raises(ReportError, match=problem):
        parse_report("junit", "", xml.encode(), ROOT)


def test_go_json_with_build_failures_and_a_failing_binary(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.19\n")
    (tmp_path / "calc").mkdir()
    (tmp_path / "calc" / "add_test.go").write_text("func TestAdd(t *testing.T) {}\n")
    report = parse_report("go-json", GO_JSON, None, str(tmp_path))
    assert statuses(report) == {
        "calc::TestAdd": FAILED,
        "calc::TestZero/sub": PASSED,
        "calc::TestZero": PASSED,
        "calc::TestLater": SKIPPED,
        "other": ERROR,  # [build failed]
        "boom": ERROR,  # the binary failed outside any test
    }
    assert report is not None
    add = report.results["calc::TestAdd"]
    assert add.message == "calc_test.go:5: Add(2, 3) = -1, want 5"
    assert add.file == "calc/add_test.go"  # the file that declares it
    assert report.results["calc::TestZero"].file == "calc"  # declared elsewhere: the package
    assert report.results["other"].message == (
        "build failed: other/o_test.go:5:28: undefined: Missing"
    )
    assert report.results["boom"].message == "panic: init went wrong"
    assert parse_report("go-json", "ok  \texample.com/m\t0.1s\n", None, ROOT) is None


def test_tap_nests_subtests_and_tells_a_file_that_cannot_load() -> None:
    report = parse_report("tap", NODE_TAP, None, ROOT)
    assert statuses(report) == {
        "passes": PASSED,
        "fails": FAILED,
        "group > inner ok": PASSED,
        "group > inner skipped": SKIPPED,
        "test/b.test.js": ERROR,
    }
    assert report is not None
    assert report.results["fails"].message == "Expected values to be strictly equal:\n1 !== 2"
    assert report.results["test/b.test.js"].message == (
        "Error: Cannot find module '../lib/missing.js'"
    )
    assert parse_report("tap", "plain output, no TAP\n", None, ROOT) is None


def test_libtest_names_tests_after_their_target() -> None:
    report = parse_report("libtest", CARGO, None, ROOT)
    assert statuses(report) == {
        "src/lib.rs::tests::inner_ok": PASSED,
        "tests/add.rs::skipped": SKIPPED,
        "tests/add.rs::adds": FAILED,
        "doc-tests calc::src/lib.rs - add (line 3)": PASSED,
    }
    assert report is not None
    assert report.results["tests/add.rs::adds"].message.splitlines() == [
        "thread 'adds' (10347) panicked at tests/add.rs:2:13:",
        "assertion `left == right` failed",
        "  left: -1",
        " right: 5",
    ]
    broken = parse_report("libtest", CARGO_BUILD_ERROR, None, ROOT)
    assert broken is not None
    (error,) = broken.results.values()
    assert (error.name, error.status, error.file) == (
        'could not compile calc (test "bad")',
        ERROR,
        "tests/bad.rs",
    )
    assert error.message.startswith("error[E0425]: cannot find function `missing`")


@pytest.mark.parametrize(
    "argv, kind",
    [
        (["python", "-m", "pytest", "--junitxml={junit}"], "junit"),
        (["go", "test", "-json", "./..."], "go-json"),
        (["go", "test", "./..."], None),
        (["cargo", "test"], "libtest"),
        (["node", "--test"], "tap"),
        (["node", "--test", "--test-reporter=spec"], None),
        (["pytest", "-q", "{tests}"], None),
    ],
)
def test_the_report_kind_comes_from_the_command(argv: list[str], kind: str | None) -> None:
    assert report_kind(argv) == kind


# --- judging -------------------------------------------------------------------


def run(exit: int, **tests: str) -> StateRun:
    status = PASSED if exit == 0 else FAILED
    results = {
        name: TestResult(name, value, f"{name} said so", WHERE.get(name[0], ""))
        for name, value in tests.items()
    }
    return StateRun(RunResult(status, exit), TestReport("junit", results))


FILES = ("tests/test_x.py",)
WHERE = {"x": "tests/test_x.py", "y": "tests/test_y.py"}  # other names: the report says not


def test_proven_needs_a_test_to_go_from_fail_to_pass() -> None:
    red = run(1, x_new=FAILED, other=PASSED)
    assert after_red(red, FILES) is None
    decided = after_green(red, run(0, x_new=PASSED, other=PASSED), FILES)
    assert decided.outcome == "proven"
    assert [t.line() for t in decided.tests] == ["x_new failed → passed"]


def test_a_red_failing_only_because_of_another_test_is_not_proof() -> None:
    # Before: the fix's test passes, an unrelated test is broken. The exit status
    # says "red"; the tests say the fix's test shows nothing.
    red = run(1, x_new=PASSED, other=FAILED)
    decided = after_green(red, run(1, x_new=PASSED, other=FAILED), FILES)
    assert decided.outcome == "not-red"
    green_still_failing = after_green(run(1, x_new=FAILED), run(1, x_new=FAILED), FILES)
    assert green_still_failing.outcome == "not-green"


def test_a_fix_that_breaks_a_test_is_not_proven() -> None:
    red = run(1, x_new=FAILED, other=PASSED)
    decided = after_green(red, run(1, x_new=PASSED, other=FAILED), FILES)
    assert decided.outcome == "broken"
    assert [t.line() for t in decided.tests] == ["other passed → failed"]
    assert decided.tests[0].message == "other said so"


def test_errors_are_never_a_red() -> None:
    red = run(2, x_new=ERROR)
    decided = after_red(red, FILES)
    assert decided is not None and decided.outcome == "error"
    assert decided.detail == "red: x_new could not run: x_new said so"
    # Another test's error that the fix does not touch is no reason to stop.
    assert after_red(run(1, x_new=FAILED, y_elsewhere=ERROR), FILES) is None
    green = after_green(run(1, x_new=FAILED), run(1, x_new=PASSED, other=ERROR), FILES)
    assert green.outcome == "error" and green.detail.startswith("green: other could not run")
    nothing = after_red(run(5), FILES)
    assert nothing is not None and nothing.detail == "red: no test ran"


def test_without_reports_the_exit_status_decides() -> None:
    red = StateRun(
        RunResult(FAILED, 1),
        None,
        "Traceback (most recent call last):\n  File x\nAssertionError: 1 != 2\n",
    )
    assert after_red(red, FILES) is None
    decided = after_green(red, StateRun(RunResult(FAILED, 1)), FILES)
    assert decided.outcome == "not-green"
    assert explain(red.output) == ("AssertionError: 1 != 2",)
    passing = after_red(StateRun(RunResult(PASSED, 0)), FILES)
    assert passing is not None and passing.outcome == "not-red"


def test_runs_that_disagree_name_the_tests() -> None:
    assert disagreeing(run(1, a=FAILED, b=PASSED), run(1, a=PASSED, b=PASSED)) == ["a"]
    assert disagreeing(run(1, a=FAILED), run(1, a=FAILED)) == []
    plain = disagreeing(StateRun(RunResult(PASSED, 0)), StateRun(RunResult(FAILED, 1)))
    assert plain == ["the command's exit status (0, then 1)"]


def test_causes_that_lie_with_the_machine() -> None:
    here = {"textkit", "src/app"}.__contains__
    assert cause("ModuleNotFoundError: No module named 'requests'", here)
    assert cause("No module named 'textkit.missing'", here) is None  # the tree's own
    # A src/ layout whose package is not installed where the command runs.
    assert cause("ModuleNotFoundError: No module named 'app'", here)
    assert cause("Error: Cannot find module 'lodash'", here)
    assert cause("Error: Cannot find module '../lib/x.js'", here) is None
    assert cause("x.go:3:2: no required module provides package example.com/y", here)
    assert cause("AssertionError: 1 != 2", here) is None
