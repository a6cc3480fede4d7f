"""Bytecode cached outside the worktree must not carry the red state into green.

With PYTHONPYCACHEPREFIX set (a user's shell, a CI image), Python keeps .pyc
files in that directory, keyed by the source's path, size and mtime in whole
seconds. Red and green are checked out at the same path, usually within the same
second, and a one-character fix keeps the size: green then ran red's bytecode and
the fix was judged NOT GREEN. `git clean -x` cannot reach that directory."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import Repo
from verify_helpers import base_project, reviewgate, write_policy

# Runs each test file with the worktree importable, writing bytecode as Python
# does by default (the verify helpers' runner turns that off).
RUN_FILES = ("import os, runpy, sys; sys.path.insert(0, os.getcwd()); "
             "[runpy.run_path(path) for path in sys.argv[1:]]")


def test_a_bytecode_cache_outside_the_worktree_cannot_judge_green(
    repo: Repo, tmp_path: Path
) -> None:
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "-c", RUN_FILES, "{tests}"])
    base = base_project(repo)
    # Three fixes that each keep calc.py's size: three chances for a stale .pyc.
    for number, (buggy, fixed) in enumerate([("-", "+"), ("*", "+"), ("%", "+")]):
        repo.commit(f"feat: break add {number}",
                    {"pkg/calc.py": f"def add(a, b):\n    return a {buggy} b\n"})
        repo.commit(f"fix: add adds {number}", {
            "pkg/calc.py": f"def add(a, b):\n    return a {fixed} b\n",
            f"tests/test_add_{number}.py": "from pkg.calc import add\nassert add(2, 3) == 5\n",
        })
    cache = tmp_path / "pycache"
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD",
                        env={"PYTHONPYCACHEPREFIX": str(cache)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 fix(es) verified: 3 proven" in result.stdout
