"""The verify cache in refs/notes/reviewgate: a second run re-runs nothing,
--no-cache does, a rebase that keeps the trees keeps the results, check reads
them, -j 2 runs in parallel, shards split the work and their notes merge; and the
command comes only from the trusted policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import Repo, git
from verify_helpers import (
    ADD_FIXED,
    TEST_ADD,
    Runner,
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    write_policy,
)

MUL_BUGGY = "def mul(a, b):\n    return a + b\n"


def _many_fixes(repo: Repo, count: int) -> str:
    files = {f"pkg/m{i}.py": f"def f():\n    return {i} - 1\n" for i in range(count)}
    base = repo.commit("feat: modules", {"pkg/__init__.py": "", **files})
    for i in range(count):
        repo.commit(f"fix: f{i}", {
            f"pkg/m{i}.py": f"def f():\n    return {i}\n",
            f"tests/test_m{i}.py": f"from pkg.m{i} import f\nassert f() == {i}\n",
        })
    return base


def test_second_run_reruns_nothing_and_no_cache_reruns(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _many_fixes(repo, 3)
    first = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "(cached)" not in first.stdout
    assert "3 proven" in first.stdout and "0 from the cache" in first.stdout
    assert len(runner.runs()) == 6  # red and green for each fix
    assert sorted(line.split()[0] for line in runner.runs()) == ["0"] * 3 + ["1"] * 3

    second = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert second.returncode == 0
    assert "3 from the cache" in second.stdout
    assert second.stdout.count("(cached)") == 3
    assert len(runner.runs()) == 6  # nothing ran

    forced = reviewgate(repo.path, "verify", "--config", str(policy), "--no-cache",
                        f"{base}..HEAD")
    assert forced.returncode == 0 and "0 from the cache" in forced.stdout
    assert len(runner.runs()) == 12


def test_the_cache_is_line_based_and_keyed_by_trees_and_command(
    repo: Repo, tmp_path: Path
) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    fix = same_commit_fix(repo)
    assert reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD").returncode == 0
    green_tree = git(repo.path, "rev-parse", f"{fix}^{{tree}}").stdout.strip()
    note = git(repo.path, "notes", "--ref", "reviewgate", "show", green_tree).stdout
    [line] = note.splitlines()
    assert line.startswith("v1 red=") and f" green={green_tree} " in line
    assert " outcome=proven red_exit=1 green_exit=0 detail=" in line
    # The red tree is the parent plus the fix's test: it holds the test, not the fix.
    red = line.split("red=", 1)[1].split()[0]
    assert git(repo.path, "show", f"{red}:tests/test_add.py").stdout == TEST_ADD
    assert git(repo.path, "show", f"{red}:pkg/calc.py").stdout != ADD_FIXED

    # A rebase onto a new root message keeps the trees: the result survives it.
    git(repo.path, "commit", "--amend", "-q", "-m", "fix: add adds, reworded")
    again = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert "1 from the cache" in again.stdout
    assert len(runner.runs()) == 2

    # Another command is another key.
    other = write_policy(tmp_path / "other.yaml", [*runner.command(), "--again"])
    reviewgate(repo.path, "verify", "--config", str(other), f"{base}..HEAD")
    assert len(runner.runs()) == 4
    note = git(repo.path, "notes", "--ref", "reviewgate", "show", green_tree).stdout
    assert len(note.splitlines()) == 2 and note.splitlines() == sorted(note.splitlines())


def test_check_reads_cached_verdicts_without_running(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    # The test passes without the fix: not red.
    fix = repo.commit("fix: docs of add", {"pkg/calc.py": "# adds\n" + "def add(a, b):\n"
                                           "    return a - b\n",
                                           "tests/test_sub.py": "assert 1 == 1\n"})
    before = reviewgate(repo.path, "check", "--config", str(policy), "--format", "json",
                        f"{base}..HEAD")
    assert "RG202" not in before.stdout  # nothing cached, nothing run
    assert runner.runs() == []
    verified = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert verified.returncode == 1 and "NOT RED" in verified.stdout
    runs = len(runner.runs())
    git(repo.path, "pack-refs", "--all")  # the cache ref is found packed, too
    after = reviewgate(repo.path, "check", "--config", str(policy), "--format", "json",
                       f"{base}..HEAD")
    assert after.returncode == 1
    codes = [(f["code"], f["commit"]) for f in _findings(after.stdout)]
    assert ("RG202", fix) in codes
    assert len(runner.runs()) == runs  # check only read the cache


def _findings(report: str) -> list[dict[str, str]]:
    data = json.loads(report)
    out = []
    for commit in data["commits"]:
        for finding in commit.get("findings", []):
            out.append({"code": finding["code"], "commit": commit["sha"]})
    return out


def test_check_verify_runs_and_reports(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    test = "from pkg.mul import mul\nassert mul(2, 3) == 6\n"
    repo.commit("fix: mul", {"pkg/mul.py": MUL_BUGGY, "tests/test_mul.py": test})
    result = reviewgate(repo.path, "check", "--verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1
    assert "RG203" in result.stdout  # the "fix" does not make its test pass
    assert len(runner.runs()) == 3  # red, green, and green again (verify.reruns: 1)
    assert our_worktrees(repo) == []


def test_parallel_jobs_each_get_a_worktree(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _many_fixes(repo, 4)
    result = reviewgate(repo.path, "verify", "-j", "2", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 proven" in result.stdout
    assert len(runner.runs()) == 8
    # Output lists the fixes in the order check lists commits (newest first),
    # whatever order they finished in.
    listed = [line.split("  ")[-1] for line in result.stdout.splitlines() if "proven (" in line]
    assert listed == [f"fix: f{i}" for i in (3, 2, 1, 0)]
    # Plain progress lines (no terminal here), one per fix.
    assert sorted(line.split()[0] for line in result.stderr.splitlines()) == [
        "[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert our_worktrees(repo) == []


def test_shards_cover_each_fix_once_and_their_notes_merge(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = _many_fixes(repo, 6)
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(origin))
    shard_repos = []
    verified: list[str] = []
    for k in (1, 2):
        clone = tmp_path / f"shard{k}"
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        result = reviewgate(clone, "verify", "--shard", f"{k}/2", "--config", str(policy),
                            f"{base}..HEAD")
        assert result.returncode == 0, result.stdout + result.stderr
        verified += [line.split()[0] for line in result.stdout.splitlines() if "proven (" in line]
        shard_repos.append(clone)
    assert len(verified) == 6 and len(set(verified)) == 6
    assert len(runner.runs()) == 12
    # Each shard pushes its notes to a ref of its own; one repository fetches both
    # and merges them as docs/verify.md says.
    for k, clone in enumerate(shard_repos, 1):
        git(clone, "push", "-q", "origin", f"refs/notes/reviewgate:refs/notes/reviewgate-shard{k}")
    collect = tmp_path / "collect"
    git(tmp_path, "clone", "-q", str(origin), str(collect))
    git(collect, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")
    git(collect, "update-ref", "refs/notes/reviewgate", "refs/notes/reviewgate-shard1")
    git(collect, "notes", "--ref", "reviewgate", "merge", "-s", "cat_sort_uniq",
        "refs/notes/reviewgate-shard2")
    both = reviewgate(collect, "verify", "--config", str(policy), f"{base}..HEAD")
    assert both.returncode == 0
    assert "6 from the cache" in both.stdout
    assert len(runner.runs()) == 12  # all twelve runs came from the two shards


def test_bad_shard_is_a_usage_error(repo: Repo, tmp_path: Path) -> None:
    base = base_project(repo)
    same_commit_fix(repo)
    for bad in ("3/2", "0/2", "x", "1/0"):
        result = reviewgate(repo.path, "verify", "--shard", bad, f"{base}..HEAD")
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"reviewgate: error: --shard must be K/N with 1 <= K <= N, got {bad!r}")


def test_the_command_comes_from_the_trusted_policy_only(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    evil_log = tmp_path / "evil.log"
    evil = ["python3", "-c", f"open({str(evil_log)!r}, 'a').write('ran\\n')"]
    trusted = f"verify:\n  command: {json.dumps(runner.command())}\n  sandbox: none\n"
    base = repo.commit("feat: calculator", {"pkg/__init__.py": "", "pkg/calc.py":
                                            "def add(a, b):\n    return a - b\n",
                                            ".reviewgate.yaml": trusted})
    # The pull request replaces the command (which would always "pass") and fixes.
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.commit("chore: faster tests", {".reviewgate.yaml": f"verify:\n  command: "
                                        f"{json.dumps(evil)}\n"})
    same_commit_fix(repo)
    result = reviewgate(repo.path, "verify", "--policy-from", base, f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven" in result.stdout
    assert "differs from the trusted one" in result.stdout
    assert not evil_log.exists()
    assert len(runner.runs()) == 2
    # In CI the base is trusted without being named.
    ci = reviewgate(repo.path, "verify", "--no-cache", env={
        "GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": repo.head(),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        # The target branch's tip (merged results), trusted; else origin/main.
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": base,
    })
    assert ci.returncode == 0, ci.stdout + ci.stderr
    assert not evil_log.exists()
    assert len(runner.runs()) == 4


def test_stats_shows_the_share_of_proven_fixes(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    same_commit_fix(repo)
    repo.commit("fix: already fine", {"pkg/calc.py": "# add\n" + ADD_FIXED,
                                      "tests/test_fine.py": "assert True\n"})
    before = reviewgate(repo.path, "stats", "--config", str(policy), f"{base}..HEAD")
    assert "fixes verified red/green  not measured" in before.stdout, before.stdout
    reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    after = reviewgate(repo.path, "stats", "--config", str(policy), f"{base}..HEAD")
    assert "fixes verified red/green  1 of 2 (50%)" in after.stdout, after.stdout


def test_the_policy_inside_the_commit_under_test_is_never_read(
    repo: Repo, tmp_path: Path
) -> None:
    runner = Runner(tmp_path)
    evil_log = tmp_path / "evil.log"
    evil = ["python3", "-c", f"open({str(evil_log)!r}, 'a').write('ran\\n')"]
    base = repo.commit("feat: calculator", {
        "pkg/__init__.py": "", "pkg/calc.py": "def add(a, b):\n    return a - b\n",
        ".reviewgate.yaml": f"verify:\n  command: {json.dumps(runner.command())}\n"
                            "  sandbox: none\n"})
    git(repo.path, "checkout", "-q", "-b", "feature")
    fix = repo.commit("fix: add adds", {
        ".reviewgate.yaml": f"verify:\n  command: {json.dumps(evil)}\n",
        "pkg/calc.py": ADD_FIXED, "tests/test_add.py": TEST_ADD})
    git(repo.path, "checkout", "-q", "main")
    # The user's checkout (main) holds the policy; the fix's own policy file is in
    # its tree, which is what the worktree checks out, and it is ignored.
    result = reviewgate(repo.path, "verify", f"{base}..{fix}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven" in result.stdout and not evil_log.exists()
    assert len(runner.runs()) == 2


def test_verify_options_of_check_need_verify(repo: Repo) -> None:
    base = base_project(repo)
    same_commit_fix(repo)
    for option in (["--no-cache"], ["-j", "2"], ["--shard", "1/2"]):
        result = reviewgate(repo.path, "check", *option, f"{base}..HEAD")
        assert result.returncode == 2
        assert result.stderr == ("reviewgate: error: --no-cache, -j and --shard apply to "
                                 "verification; add --verify\n")


def test_the_cache_is_written_without_a_git_identity(repo: Repo, tmp_path: Path) -> None:
    import os

    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    base = base_project(repo)
    same_commit_fix(repo)
    git(repo.path, "config", "user.useConfigOnly", "true")  # no identity can be guessed
    env = {k: v for k, v in os.environ.items()
           if k not in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_AUTHOR_NAME",
                        "GIT_AUTHOR_EMAIL")}
    probe = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=repo.path, env=env,
                           capture_output=True, text=True)
    assert probe.returncode != 0  # the situation of a bare CI runner
    result = subprocess.run([sys.executable, "-m", "reviewgate", "verify", "--config",
                             str(policy), f"{base}..HEAD"], cwd=repo.path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    author = git(repo.path, "log", "-1", "--format=%an <%ae>", "refs/notes/reviewgate").stdout
    assert author.strip() == "reviewgate <reviewgate@localhost>"
