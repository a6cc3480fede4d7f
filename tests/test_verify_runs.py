"""How verify runs the command and reads its results: the command runs as written
for data-driven tests, placeholders, flaky tests, outcomes the machine decides,
and the tests named in every report format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.verify.plan import directories, go_packages
from reviewgate.verify.runner import expand_command
from verify_helpers import Runner, reviewgate, write_policy

BUGGY = "def f():\n    return 1\n"
FIXED = "def f():\n    return 2\n"
# Runs every data file of tests/data: a data-driven suite, as parsers have.
DATA_SUITE = """\
import pathlib, sys
sys.path.insert(0, ".")
from src.m import f
for case in sorted(pathlib.Path("tests/data").glob("*.txt")):
    assert f() >= int(case.read_text()), case
"""
PYTEST_JUNIT = [
    sys.executable,
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "--junitxml={junit}",
    "{tests}",
]


def _base(repo: Repo, files: dict[str, str] | None = None) -> str:
    return repo.commit("feat: m", {"src/__init__.py": "", "src/m.py": BUGGY, **(files or {})})


def _policy(tmp_path: Path, command: list[str], extra: str = "") -> str:
    path = write_policy(tmp_path / "policy.yaml", command)
    path.write_text(path.read_text() + extra)
    return str(path)


def test_a_command_without_tests_runs_for_a_fix_whose_test_is_data(
    repo: Repo, tmp_path: Path
) -> None:
    base = _base(repo, {"tests/run_data.py": DATA_SUITE, "tests/data/one.txt": "1\n"})
    repo.commit("fix: f returns 2", {"src/m.py": FIXED, "tests/data/two.txt": "2\n"})
    policy = _policy(tmp_path, [sys.executable, "tests/run_data.py"])
    result = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout


def test_tests_with_only_data_says_how_to_write_the_command(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo, {"tests/run_data.py": DATA_SUITE, "tests/data/one.txt": "1\n"})
    repo.commit("fix: f returns 2", {"src/m.py": FIXED, "tests/data/two.txt": "2\n"})
    runner = Runner(tmp_path)
    policy = _policy(tmp_path, runner.command())
    result = reviewgate(repo.path, "check", "--verify", "--config", policy, f"{base}..HEAD")
    assert result.returncode == 1
    assert "no runnable test file" in result.stdout and "tests/data/two.txt" in result.stdout
    assert "hint: RG205: let verify.command run the suite that reads the data: leave out " \
        "{tests}" in result.stdout
    assert runner.runs() == []


def test_a_test_file_named_like_an_option_reaches_the_runner_as_a_path(
    repo: Repo, tmp_path: Path
) -> None:
    # A root-level `-k_test.py` matches **/*_test.py. Given bare, the runner (or
    # pytest, or python) would take it for an option.
    base = _base(repo)
    repo.commit(
        "fix: f returns 2",
        {
            "src/m.py": FIXED,
            "-k_test.py": "from src.m import f\nassert f() == 2\n",
        },
    )
    runner = Runner(tmp_path)
    policy = _policy(tmp_path, runner.command())
    result = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    assert runner.runs() == ["1 ./-k_test.py", "0 ./-k_test.py"]


def test_placeholders_for_directories_and_go_packages() -> None:
    files = [
        "-x/a_test.go",
        "pkg/b_test.go",
        "pkg/testdata/in/c.txt",
        "tests/data/d.json",
        "top_test.go",
        "cmd/tool/testdata/e.golden",
    ]
    assert go_packages(files) == ("./-x", "./pkg", ".", "./cmd/tool")
    assert directories(files) == (
        "./-x",
        "pkg",
        "pkg/testdata/in",
        "tests/data",
        ".",
        "cmd/tool/testdata",
    )
    argv = ["go", "test", "{packages}", "-run={tests}", "--dirs={test_dirs}", "--out={junit}"]
    assert expand_command(
        argv,
        ["-k_test.go"],
        "/w",
        test_dirs=["a", "b"],
        packages=go_packages(files),
        junit="/w/r.xml",
    ) == [
        "go",
        "test",
        "./-x",
        "./pkg",
        ".",
        "./cmd/tool",
        "-run=./-k_test.go",
        "--dirs=a b",
        "--out=/w/r.xml",
    ]


FLAKY = """\
import os, sys
marker = {marker!r}
if os.path.exists(marker):
    os.remove(marker)
    sys.exit(1)
open(marker, "w").close()
"""


@pytest.mark.parametrize("reruns", [1, 0])
def test_a_flaky_test_is_never_proven_nor_cached(repo: Repo, tmp_path: Path, reruns: int) -> None:
    base = _base(repo)
    fix = repo.commit(
        "fix: f returns 2",
        {
            "src/m.py": FIXED,
            "tests/test_flaky.py": FLAKY.format(marker=str(tmp_path / "mark")),
        },
    )
    runner = Runner(tmp_path)
    policy = _policy(tmp_path, runner.command(), f"  reruns: {reruns}\n")
    first = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    if reruns == 0:  # no second look: the one red run passed
        assert "NOT RED" in first.stdout and first.returncode == 1, first.stdout
        return
    # Red passed, then failed when run again: neither verdict holds.
    assert first.returncode == 0, first.stdout + first.stderr
    assert (
        "FLAKY" in first.stdout and "tests/test_flaky.py" not in first.stdout.split("FLAKY", 1)[0]
    )
    assert "red gave different results in run 1 and run 2" in first.stdout
    assert f"notice: {fix[:12]} RG205" in first.stdout
    assert len(runner.runs()) == 2
    second = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert "(cached)" not in second.stdout and len(runner.runs()) == 4
    check = reviewgate(repo.path, "check", "--format", "json", "--config", policy, f"{base}..HEAD")
    assert check.returncode == 0  # nothing cached: nothing to report


def test_an_outcome_the_machine_decides_is_not_cached(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo)
    repo.commit(
        "fix: f returns 2",
        {
            "src/m.py": FIXED,
            "tests/test_m.py": "import no_such_module_on_this_machine\nassert True\n",
        },
    )
    runner = Runner(tmp_path)
    policy = _policy(tmp_path, runner.command(), "  reruns: 0\n")
    first = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    # Both states stop before any test runs: the fix is not to blame (RG205, not RG203).
    assert "NOT GREEN" not in first.stdout, first.stdout + first.stderr
    assert (
        "could not run: the Python module 'no_such_module_on_this_machine' is missing on "
        "this machine, so the result is not cached"
    ) in first.stdout
    # The first error of the output, not only its last line.
    assert "| ModuleNotFoundError: No module named 'no_such_module_on_this_machine'" in (
        first.stdout
    )
    runs = len(runner.runs())
    second = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert "(cached)" not in second.stdout
    assert len(runner.runs()) == 2 * runs


def test_reports_name_the_tests_that_proved_each_fix(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo)
    fix = repo.commit(
        "fix: f returns 2",
        {
            "src/m.py": FIXED,
            "tests/test_m.py": "from src.m import f\n\n\ndef test_two():\n    assert f() == 2\n",
        },
    )
    policy = _policy(tmp_path, PYTEST_JUNIT)
    verify = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "tests/test_m.py::test_two failed → passed" in verify.stdout
    text = reviewgate(repo.path, "check", "--config", policy, f"{base}..HEAD")
    assert (
        f"{fix[:10]} proven red/green by tests/test_m.py::test_two failed → passed" in text.stdout
    )
    document = json.loads(
        reviewgate(
            repo.path, "check", "--format", "json", "--config", policy, f"{base}..HEAD"
        ).stdout
    )
    (commit,) = document["commits"]
    assert commit["verification"]["outcome"] == "proven"
    assert commit["verification"]["tests"] == [
        {
            "name": "tests/test_m.py::test_two",
            "red": "failed",
            "green": "passed",
            "message": "assert 1 == 2\n+  where 1 = f()",
        }
    ]
    sarif = json.loads(
        reviewgate(
            repo.path, "check", "--format", "sarif", "--config", policy, f"{base}..HEAD"
        ).stdout
    )
    (verified,) = sarif["runs"][0]["properties"]["verifications"]
    assert verified["commit"] == fix and verified["outcome"] == "proven"
    assert verified["tests"][0]["name"] == "tests/test_m.py::test_two"


def test_sarif_results_of_verify_rules_carry_their_tests(repo: Repo, tmp_path: Path) -> None:
    base = _base(
        repo,
        {"tests/test_old.py": "from src.m import f\n\n\ndef test_one():\n    assert f() == 1\n"},
    )
    fix = repo.commit(
        "fix: f returns 2",
        {
            "src/m.py": FIXED,
            "tests/test_m.py": "from src.m import f\n\n\ndef test_two():\n    assert f() == 2\n",
        },
    )
    command = [c for c in PYTEST_JUNIT if c != "{tests}"]  # the whole suite
    policy = _policy(tmp_path, command)
    verify = reviewgate(repo.path, "verify", "--config", policy, f"{base}..HEAD")
    assert verify.returncode == 1 and "BREAKS A TEST" in verify.stdout, verify.stdout
    sarif = json.loads(
        reviewgate(
            repo.path, "check", "--format", "sarif", "--config", policy, f"{base}..HEAD"
        ).stdout
    )
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "RG206"]
    assert result["properties"]["commit"] == fix
    assert result["properties"]["tests"][0]["name"] == "tests/test_old.py::test_one"
    assert result["properties"]["tests"][0]["green"] == "failed"
    assert "tests/test_old.py::test_one passed → failed" in result["message"]["text"]


def test_the_policy_command_shows_what_auto_picks(repo: Repo) -> None:
    repo.commit("feat: go", {"go.mod": "module example.com/m\n\ngo 1.19\n"})
    shown = reviewgate(repo.path, "policy")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[-1] == (
        '# verify.command auto picks here: ["go", "test", "-json", "-count=1", "{packages}"], '
        "from go.mod"
    )
    document = json.loads(reviewgate(repo.path, "policy", "--format", "json").stdout)
    assert document["auto"] == {
        "command": ["go", "test", "-json", "-count=1", "{packages}"],
        "reason": "go.mod",
    }
