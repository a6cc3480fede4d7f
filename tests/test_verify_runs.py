"""How verify runs the command: test files named like options."""

from __future__ import annotations

from pathlib import Path

from conftest import Repo
from verify_helpers import Runner, reviewgate, write_policy

BUGGY = "def f():\n    return 1\n"
FIXED = "def f():\n    return 2\n"
def _base(repo: Repo, files: dict[str, str] | None = None) -> str:
    return repo.commit("feat: m", {"src/__init__.py": "", "src/m.py": BUGGY, **(files or {})})


def _policy(tmp_path: Path, command: list[str], extra: str = "") -> str:
    path = write_policy(tmp_path / "policy.yaml", command)
    path.write_text(path.read_text() + extra)
    return str(path)


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

