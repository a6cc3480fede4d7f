"""Red states of unusual shapes (a test directory replaced by a file of the same
name and back), which test files the command is given and what it can reach, the
cache key's test list, and what verify's exit status covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, git
from verify_helpers import Runner, reviewgate, write_policy

BUGGY = "def f():\n    return 1\n"
FIXED = "def f():\n    return 2\n"
TEST_F = "from src.m import f\nassert f() == 2\n"


def _base(repo: Repo, files: dict[str, str]) -> str:
    return repo.commit("feat: m", {"src/__init__.py": "", "src/m.py": BUGGY, **files})


def _verify(repo: Repo, tmp_path: Path, base: str, env: dict[str, str] | None = None) -> str:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD", env=env)
    return result.stdout + result.stderr


def test_a_test_directory_replaced_by_a_file_is_red_then_green(
    repo: Repo, tmp_path: Path
) -> None:
    base = _base(repo, {"tests/test_a.py/inner_test.py": "assert True\n"})
    git(repo.path, "rm", "-q", "-r", "tests/test_a.py")
    fix = repo.commit("fix: f returns 2", {"tests/test_a.py": TEST_F, "src/m.py": FIXED})
    out = _verify(repo, tmp_path, base)
    assert "proven (red, then green)" in out, out
    assert "1 proven" in out
    red = git(repo.path, "notes", "--ref", "reviewgate", "show", f"{fix}^{{tree}}").stdout
    red_tree = red.split("red=", 1)[1].split()[0]
    assert git(repo.path, "cat-file", "-t", f"{red_tree}:tests/test_a.py").stdout == "blob\n"
    assert git(repo.path, "show", f"{red_tree}:src/m.py").stdout == BUGGY


def test_a_test_file_replaced_by_a_directory_is_red_then_green(
    repo: Repo, tmp_path: Path
) -> None:
    base = _base(repo, {"tests/test_a.py": "assert True\n", "tests/keep.py": "k = 1\n"})
    git(repo.path, "rm", "-q", "tests/test_a.py")
    fix = repo.commit("fix: f returns 2", {
        "tests/test_a.py/inner_test.py": TEST_F, "src/m.py": FIXED,
    })
    out = _verify(repo, tmp_path, base)
    assert "proven (red, then green)" in out, out
    red = git(repo.path, "notes", "--ref", "reviewgate", "show", f"{fix}^{{tree}}").stdout
    red_tree = red.split("red=", 1)[1].split()[0]
    listed = git(repo.path, "ls-tree", "-r", "--name-only", red_tree).stdout.split()
    assert listed == ["src/__init__.py", "src/m.py", "tests/keep.py",
                      "tests/test_a.py/inner_test.py"]


def test_data_files_are_not_given_to_the_command(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo, {})
    repo.commit("fix: f returns 2", {
        "src/m.py": FIXED, "tests/test_m.py": TEST_F,
        "tests/data/x.json": "{}\n", "tests/data.bin": "\0\1", "tests/notes.txt": "n\n",
    })
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 proven" in result.stdout
    assert [line.split(" ", 1)[1] for line in runner.runs()] == ["tests/test_m.py"] * 2


def test_a_fix_with_only_data_test_files_has_no_runnable_test(
    repo: Repo, tmp_path: Path
) -> None:
    base = _base(repo, {})
    repo.commit("fix: f returns 2", {"src/m.py": FIXED, "tests/data/x.json": "{}\n"})
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no runnable test file" in result.stdout
    assert "RG205" in result.stdout
    assert runner.runs() == []


def test_the_cache_key_follows_the_test_list(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo, {})
    repo.commit("fix: f returns 2", {
        "src/m.py": FIXED, "tests/test_m.py": TEST_F, "tests/check_m.py": "assert False\n",
    })
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    broad = policy.read_text() + "paths:\n  tests: ['tests/**']\n"
    policy.write_text(broad)
    first = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "NOT GREEN" in first.stdout, first.stdout + first.stderr
    # The same trees, but tests/check_m.py (which always fails) is no longer
    # given to the command: the verdict cached for the old list must not return.
    policy.write_text(broad + "  ignore: ['tests/check_*']\n")
    second = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "(cached)" not in second.stdout, second.stdout
    assert "1 proven" in second.stdout, second.stdout + second.stderr
    # Green failed, so it ran once more (verify.reruns: 1) before NOT GREEN held.
    assert [line.split(" ", 1)[1] for line in runner.runs()] == [
        "tests/check_m.py tests/test_m.py", "tests/check_m.py tests/test_m.py",
        "tests/check_m.py tests/test_m.py", "tests/test_m.py", "tests/test_m.py",
    ]


def test_the_command_cannot_tell_red_from_green(repo: Repo, tmp_path: Path) -> None:
    base = _base(repo, {})
    env_dump = tmp_path / "env.log"
    repo.commit("fix: f returns 2", {
        "src/m.py": FIXED,
        "tests/test_m.py": "import os\n"
        f"open({str(env_dump)!r}, 'a').write(repr(sorted(os.environ)) + '\\n')\n" + TEST_F,
    })
    out = _verify(repo, tmp_path, base)
    assert "1 proven" in out, out
    red_env, green_env = env_dump.read_text().splitlines()
    assert red_env == green_env
    assert "REVIEWGATE_VERIFY_STATE" not in red_env


@pytest.mark.parametrize("tmpdir_inside_the_repository", [False, True])
def test_git_inside_the_command_does_not_reach_the_repository(
    repo: Repo, tmp_path: Path, tmpdir_inside_the_repository: bool
) -> None:
    base = _base(repo, {})
    # With $TMPDIR inside the repository, only GIT_CEILING_DIRECTORIES stops
    # git's search from finding the user's repository above the worktree.
    own_tmp = (repo.path if tmpdir_inside_the_repository else tmp_path) / "tmpdir"
    own_tmp.mkdir()
    repo.commit("fix: f returns 2", {
        "src/m.py": FIXED,
        "tests/test_m.py": "import subprocess\n"
        "subprocess.run(['git', 'tag', 'planted'])\n"
        "subprocess.run(['git', 'config', 'user.name', 'Planted'])\n" + TEST_F,
    })
    config_before = (repo.path / ".git" / "config").read_bytes()
    out = _verify(repo, tmp_path, base, env={"TMPDIR": str(own_tmp)})
    assert "1 proven" in out, out
    assert git(repo.path, "tag", "--list").stdout == ""
    assert (repo.path / ".git" / "config").read_bytes() == config_before


def test_verify_exits_on_its_own_findings_and_names_the_others(
    repo: Repo, tmp_path: Path
) -> None:
    base = _base(repo, {})
    repo.commit("fix: f returns 2", {"src/m.py": FIXED, "tests/test_m.py": TEST_F})
    repo.commit("fix: untested change", {"src/other.py": "x = 1\n"})
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    verified = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 proven" in verified.stdout
    assert "note: 1 error(s) of other rules (RG201)" in verified.stdout
    checked = reviewgate(repo.path, "check", "--verify", "--config", str(policy),
                         f"{base}..HEAD")
    assert checked.returncode == 1
    assert "RG201" in checked.stdout


def _pair_with_a_commit_between(repo: Repo, middle: dict[str, str]) -> tuple[str, str]:
    base = _base(repo, {})
    test = repo.commit("test: f returns 2", {"tests/test_m.py": TEST_F})
    repo.commit("refactor: m", middle)
    fix = repo.commit(f"fix: f returns 2\n\nTest-commit: {test[:12]}\n",
                      {"src/m.py": FIXED + "# fixed\n"})
    return base, fix


def test_a_pair_is_red_on_the_fixs_parent(repo: Repo, tmp_path: Path) -> None:
    # The commit between the test and the fix already fixes the bug: the fix
    # itself turns nothing green, and red (its parent, with the test) says so.
    base, _fix = _pair_with_a_commit_between(repo, {"src/m.py": FIXED})
    out = _verify(repo, tmp_path, base)
    assert "NOT RED" in out, out


def test_a_pair_with_an_unrelated_commit_between_is_proven(
    repo: Repo, tmp_path: Path
) -> None:
    base, fix = _pair_with_a_commit_between(repo, {"src/other.py": "y = 1\n"})
    out = _verify(repo, tmp_path, base)
    assert "1 proven" in out, out
    note = git(repo.path, "notes", "--ref", "reviewgate", "show", f"{fix}^{{tree}}").stdout
    red_tree = note.split("red=", 1)[1].split()[0]
    assert git(repo.path, "show", f"{red_tree}:src/other.py").stdout == "y = 1\n"
    assert git(repo.path, "show", f"{red_tree}:tests/test_m.py").stdout == TEST_F
    assert git(repo.path, "show", f"{red_tree}:src/m.py").stdout == BUGGY
