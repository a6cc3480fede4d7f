"""A test runner missing on this machine is RG205 (could not verify), never RG203.

A fresh user's `python` on PATH was reviewgate's own venv, without pytest: both
states failed with `No module named pytest` before any test ran, and verify said
the fix was not green (RG203, "make the test pass on the fix commit")."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import Repo
from verify_helpers import base_project, reviewgate, same_commit_fix, write_policy


def test_a_missing_test_runner_is_an_error_that_names_it(repo: Repo, tmp_path: Path) -> None:
    runner = "reviewgate_no_such_runner"
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "-m", runner, "{tests}"])
    base = base_project(repo)
    fix = same_commit_fix(repo)
    result = reviewgate(repo.path, "check", "--verify", "--format", "json", "--config",
                        str(policy), f"{base}..HEAD")
    assert result.returncode == 1, result.stderr
    [commit] = json.loads(result.stdout)["commits"]
    assert commit["sha"] == fix
    codes = {finding["code"]: finding for finding in commit["findings"]}
    assert "RG203" not in codes
    error = codes["RG205"]
    assert f"the Python module {runner!r} is missing on this machine" in error["message"]
    assert error["hint"].startswith("install what the tests need where reviewgate runs them")
    # Not cached: the next machine may have the runner.
    again = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "0 from the cache" in again.stdout


def test_an_error_keeps_the_machine_cause_in_its_detail(repo: Repo, tmp_path: Path) -> None:
    # A red that errors (an exit listed in verify.error_exit_codes) names what the
    # machine lacks as well, as it did before RG203 learned the case above.
    says = "import sys; print(\"ModuleNotFoundError: No module named 'zz_absent'\"); sys.exit(3)"
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "-c", says, "{tests}"],
                          error_exit_codes=[3])
    base = base_project(repo)
    same_commit_fix(repo)
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1
    assert ("; the Python module 'zz_absent' is missing on this machine, so the result is "
            "not cached") in result.stdout, result.stdout
