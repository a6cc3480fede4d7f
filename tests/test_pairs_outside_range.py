"""A fix whose test commit lies just outside the checked range (already pushed,
already on the base branch, or cut off by -n) still pairs with it: the fix's
first parent is read apart from the range, as the commit-msg hook reads HEAD."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from test_hook_commit_msg import out
from test_hook_pre_push import make_pusher, make_server, push, remote_ref
from verify_helpers import Runner, write_policy

BUGGY = "def add(a, b):\n    return a - b\n"
FIXED = "def add(a, b):\n    return a + b\n"
TEST = "from pkg.calc import add\nassert add(2, 3) == 5\nassert add(0, 0) == 0\n"


def check(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "--format", "json", *args],
        cwd=repo.path, capture_output=True, text=True,
    )


def codes(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str]]:
    report = json.loads(result.stdout)
    return {(f["code"], c["sha"]) for c in report["commits"] for f in c.get("findings", [])}


def project(repo: Repo) -> str:
    return repo.commit("feat: calculator", {"pkg/__init__.py": "", "pkg/calc.py": BUGGY})


def test_a_test_commit_before_the_range_pairs_with_the_fix(repo: Repo) -> None:
    project(repo)
    test_commit = repo.commit("test: add adds", {"tests/test_add.py": TEST})
    fix = repo.commit("fix: add adds", {"pkg/calc.py": FIXED})
    result = check(repo, f"{test_commit}..HEAD")
    assert ("RG201", fix) not in codes(result), result.stdout
    # The same range with a source change before the fix: nothing pairs it.
    other = Repo(repo.path.parent / "other")
    other.path.mkdir()
    git(other.path, "init", "-q", "-b", "main")
    project(other)
    feature = other.commit("feat: more", {"pkg/more.py": "X = 1\n"})
    fix = other.commit("fix: add adds", {"pkg/calc.py": FIXED})
    assert ("RG201", fix) in codes(check(other, f"{feature}..HEAD"))


def test_a_window_that_cuts_the_pair_still_pairs_it(repo: Repo) -> None:
    project(repo)
    repo.commit("test: add adds", {"tests/test_add.py": TEST})
    fix = repo.commit("fix: add adds", {"pkg/calc.py": FIXED})
    result = check(repo, "-n", "1", "HEAD")
    assert json.loads(result.stdout)["summary"]["commits"] == 1
    assert ("RG201", fix) not in codes(result), result.stdout


def test_a_weakened_test_of_an_outside_test_commit_is_rg204(repo: Repo) -> None:
    project(repo)
    test_commit = repo.commit("test: add adds", {"tests/test_add.py": TEST})
    weakened = TEST.replace("assert add(0, 0) == 0\n", "")
    fix = repo.commit("fix: add adds", {"pkg/calc.py": FIXED, "tests/test_add.py": weakened})
    report = json.loads(check(repo, f"{test_commit}..HEAD").stdout)
    found = [f for c in report["commits"] if c["sha"] == fix
             for f in c.get("findings", []) if f["code"] == "RG204"]
    assert len(found) == 1, report
    assert f"test lines its test commit {test_commit[:10]} added" in found[0]["message"]


def test_pre_push_accepts_a_fix_whose_test_commit_is_already_pushed(
    repo: Repo, tmp_path: Path
) -> None:
    server = make_server(tmp_path)
    pusher = make_pusher(repo, server)
    # Sign-off is not what this test is about.
    pusher.write(".reviewgate.yaml", "version: 1\nsignoff:\n  required_for: none\n")
    project(pusher)
    pusher.commit("test: add adds", {"tests/test_add.py": TEST})
    assert push(pusher, "main").returncode == 0
    fix = pusher.commit("fix: add adds", {"pkg/calc.py": FIXED})
    result = push(pusher, "main")
    assert result.returncode == 0, out(result)
    assert remote_ref(server, "main") == fix
    # A fix after a pushed source change is still refused.
    pusher.commit("feat: more", {"pkg/more.py": "X = 1\n"})
    assert push(pusher, "main").returncode == 0
    pusher.commit("fix: add adds again", {"pkg/calc.py": FIXED + "\n"})
    refused = push(pusher, "main")
    assert refused.returncode != 0
    assert "RG201" in out(refused)


def test_verify_proves_a_pair_whose_test_commit_is_outside(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    project(repo)
    test_commit = repo.commit("test: add adds", {"tests/test_add.py": TEST})
    repo.commit("fix: add adds", {"pkg/calc.py": FIXED})
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "verify", "--config", str(policy),
         f"{test_commit}..HEAD"],
        cwd=repo.path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    assert [run.split()[0] for run in runner.runs()] == ["1", "0"]


def test_a_parent_at_a_shallow_edge_is_not_a_test_commit(repo: Repo, tmp_path: Path) -> None:
    project(repo)
    repo.commit("test: add adds", {"tests/test_add.py": TEST})
    fix = repo.commit("fix: add adds", {"pkg/calc.py": FIXED})
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.path}", str(shallow))
    # The test commit is the clone's edge: git cannot tell what it changed.
    result = check(Repo(shallow), "-n", "1", "HEAD")
    assert result.returncode == 1, result.stderr
    assert ("RG201", fix) in codes(result)
    (finding,) = [f for c in json.loads(result.stdout)["commits"] for f in c["findings"]
                  if f["code"] == "RG201"]
    assert "lies at the edge of this shallow clone" in finding["message"]
    # Under a policy that never pairs with a parent, the parent is beside the point.
    policy = tmp_path / "same-commit.yaml"
    policy.write_text("version: 1\nfixes:\n  pairing: same-commit\n")
    same = check(Repo(shallow), "--config", str(policy), "-n", "1", "HEAD")
    assert ("RG201", fix) in codes(same)
    assert "shallow clone" not in same.stdout


def test_a_test_commit_trailer_may_name_the_parent_outside(repo: Repo) -> None:
    project(repo)
    test_commit = repo.commit("test: add adds", {"tests/test_add.py": TEST})
    # The fix also adds a test file of its own, so without the trailer it would be
    # a same-commit pair; the trailer makes the parent its test commit, whose
    # lines it then takes away.
    weakened = TEST.replace("assert add(0, 0) == 0\n", "")
    fix = repo.commit(
        f"fix: add adds\n\nTest-commit: {test_commit[:12]}\n",
        {"pkg/calc.py": FIXED, "tests/test_add.py": weakened,
         "tests/test_more.py": "from pkg.calc import add\nassert add(1, 1) == 2\n"},
    )
    report = json.loads(check(repo, f"{test_commit}..HEAD").stdout)
    (commit,) = report["commits"]
    assert commit["sha"] == fix
    messages = {f["code"]: f["message"] for f in commit.get("findings", [])}
    assert "RG201" not in messages, report
    assert f"test lines its test commit {test_commit[:10]} added" in messages["RG204"]


@pytest.mark.parametrize("trailer", ["", "Test-commit: {sha}\n"])
def test_someone_else_s_test_commit_outside_is_not_the_fix_s(repo: Repo, trailer: str) -> None:
    # Branching off a test-only commit another person merged does not pair a fix,
    # nor does naming it.
    project(repo)
    theirs = repo.commit("test: add adds", {"tests/test_add.py": TEST},
                         author="Tess Tester <tess@example.org>")
    message = "fix: add adds\n\n" + trailer.format(sha=theirs[:12])
    fix = repo.commit(message, {"pkg/calc.py": FIXED})
    assert ("RG201", fix) in codes(check(repo, f"{theirs}..HEAD"))


def test_check_with_verify_reads_the_outside_parents_once(repo: Repo, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    project(repo)
    test_commit = repo.commit("test: add adds", {"tests/test_add.py": TEST})
    repo.commit("fix: add adds", {"pkg/calc.py": FIXED})
    trace = tmp_path / "trace.json"
    done = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "--verify", "--config", str(policy),
         f"{test_commit}..HEAD"],
        cwd=repo.path, capture_output=True, text=True,
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace)},
    )
    assert done.returncode in (0, 1), done.stderr
    starts = [json.loads(line) for line in trace.read_text().splitlines()]
    reads = [e for e in starts if e.get("event") == "start"
             and "--no-walk=unsorted" in e.get("argv", [])]
    assert len(reads) == 1, [e["argv"] for e in reads]
