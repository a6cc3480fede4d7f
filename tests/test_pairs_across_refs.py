"""Who may write a fix's test commit that lies outside the range the fix is checked
in: the commit-msg hook, pre-push and check must agree. Real commits through the
hooks, real pushes to a bare repository.

- Someone else's test commit pushed to a topic branch, not merged: the fix's pull
  request carries it too, so it pairs everywhere.
- Someone else's test commit merged into main: it is not this fix's test, and a
  merge that brought it in does not stand in for the fix's author."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import Repo
from test_hook_commit_msg import commit, out
from test_hook_pre_push import make_pusher, make_server, push, remote_ref

BOB = "Bob Tester <bob@example.org>"
POLICY = "version: 1\nsignoff:\n  required_for: none\n"  # pairing alone is under test


def start(repo: Repo, tmp_path: Path) -> Repo:
    pusher = make_pusher(repo, make_server(tmp_path))
    pusher.commit("feat: app", {".reviewgate.yaml": POLICY, "src/app.py": "x = 1\n",
                                "tests/test_app.py": "def test(): pass\n"})
    assert push(pusher, "main").returncode == 0
    pusher.git("checkout", "-q", "-b", "bob-topic")
    pusher.commit("test: show the bug", {"tests/test_bug.py": "assert False\n"}, author=BOB)
    assert push(pusher, "bob-topic").returncode == 0
    return pusher


def rg201(repo: Repo, revisions: str) -> bool:
    done = subprocess.run([sys.executable, "-m", "reviewgate", "check", "--format", "json",
                           revisions], cwd=repo.path, capture_output=True, text=True)
    report = json.loads(done.stdout)
    return any(f["code"] == "RG201" for c in report["commits"] for f in c.get("findings", []))


def test_someone_else_s_unmerged_test_commit_pairs_everywhere(
    repo: Repo, tmp_path: Path
) -> None:
    pusher = start(repo, tmp_path)
    pusher.git("checkout", "-q", "-b", "alice-fix")
    pusher.write("src/app.py", "x = 2\n")
    pusher.git("add", "-A")
    made = commit(pusher, "fix: the bug\n")
    assert made.returncode == 0, out(made)
    pushed = push(pusher, "alice-fix")
    assert pushed.returncode == 0, out(pushed)
    assert not rg201(pusher, "origin/main..alice-fix")


def test_someone_else_s_merged_test_commit_pairs_nowhere(repo: Repo, tmp_path: Path) -> None:
    pusher = start(repo, tmp_path)
    pusher.git("checkout", "-q", "main")
    pusher.git("merge", "-q", "--no-ff", "-m", "Merge bob-topic", "bob-topic")
    assert push(pusher, "main").returncode == 0
    merged = pusher.head()
    pusher.write("src/app.py", "x = 2\n")
    pusher.git("add", "-A")
    made = commit(pusher, "fix: the bug\n")
    assert made.returncode != 0 and "RG201" in out(made)
    assert commit(pusher, "fix: the bug\n", "--no-verify").returncode == 0
    pushed = push(pusher, "main")
    assert pushed.returncode != 0 and "RG201" in out(pushed)
    assert remote_ref(pusher.path.parent / "server.git", "refs/heads/main") == merged
    assert rg201(pusher, "HEAD~1..HEAD")


def test_a_merge_in_the_range_is_no_test_commit(repo: Repo, tmp_path: Path) -> None:
    # Alice merges main (which gained Bob's test) into her topic, then fixes: the
    # merge shows only tests against its first parent, but they are not hers.
    pusher = start(repo, tmp_path)
    pusher.git("checkout", "-q", "main")
    pusher.git("checkout", "-q", "-b", "alice-topic")
    pusher.commit("feat: more", {"src/more.py": "y = 1\n"})
    pusher.git("merge", "-q", "--no-ff", "-m", "Merge bob-topic", "bob-topic")
    pusher.write("src/app.py", "x = 2\n")
    pusher.git("add", "-A")
    made = commit(pusher, "fix: the bug\n")
    assert made.returncode != 0 and "RG201" in out(made)
    merge = pusher.head()
    assert commit(pusher, f"fix: the bug\n\nTest-commit: {merge[:12]}\n",
                  "--no-verify").returncode == 0
    assert rg201(pusher, "origin/main..alice-topic")
    done = subprocess.run([sys.executable, "-m", "reviewgate", "check", "origin/main..HEAD"],
                          cwd=pusher.path, capture_output=True, text=True)
    assert f"names {merge[:10]}, a merge, which is no test commit" in done.stdout


def test_a_branch_named_like_main_is_no_default_branch(repo: Repo, tmp_path: Path) -> None:
    # Bob's test commit on origin/bob/main is not merged: the hook pairs with it,
    # as pre-push does.
    pusher = start(repo, tmp_path)
    assert push(pusher, "bob-topic:refs/heads/bob/main").returncode == 0
    pusher.git("checkout", "-q", "-b", "alice-fix", "bob-topic")
    pusher.write("src/app.py", "x = 2\n")
    pusher.git("add", "-A")
    made = commit(pusher, "fix: the bug\n")
    assert made.returncode == 0, out(made)
    assert push(pusher, "alice-fix").returncode == 0
