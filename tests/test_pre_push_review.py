"""pre-push and sign-off: a topic branch goes up *for* review, so a missing sign-off
(RG301) does not block it; a push to the remote's default branch, where commits
are merged, still needs one. Real pushes to a local bare repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Repo, git
from test_hook_commit_msg import FOOTER, out, run_git
from test_hook_pre_push import make_pusher, make_server, push, remote_ref

ASSISTED = "feat: tool-written\n\nAssisted-by: Claude:opus-4\n"  # declared, not signed off


def setup(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    server = make_server(tmp_path)
    return make_pusher(repo, server), server


def test_a_topic_branch_goes_up_without_a_sign_off(repo: Repo, tmp_path: Path) -> None:
    pusher, server = setup(repo, tmp_path)
    pusher.git("checkout", "-q", "-b", "topic")
    tip = pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "topic")
    text = out(result)
    assert result.returncode == 0, text
    assert remote_ref(server, "refs/heads/topic") == tip
    assert "RG301" in text and "a sign-off comes in review, before the merge" in text
    assert ("RG301 does not block a topic branch: only commits pushed to main or master, "
            "or already on your own main or master") in text


def test_the_default_branch_still_needs_the_sign_off(repo: Repo, tmp_path: Path) -> None:
    pusher, server = setup(repo, tmp_path)
    before = remote_ref(server, "refs/heads/main")
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "main")
    assert result.returncode != 0
    assert "RG301" in out(result) and "push to origin blocked" in out(result)
    # What unblocks it is a review, not a rewrite.
    assert "await review: a reviewer signs them off (`reviewgate approve`" in out(result)
    assert "--amend" not in out(result)
    assert remote_ref(server, "refs/heads/main") == before


def test_a_commit_pushed_to_both_is_judged_by_the_default_branch(
    repo: Repo, tmp_path: Path
) -> None:
    pusher, server = setup(repo, tmp_path)
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    pusher.git("branch", "topic")
    result = push(pusher, "topic", "main")
    assert result.returncode != 0, out(result)
    assert remote_ref(server, "refs/heads/topic") is None


def test_the_remote_s_own_head_names_a_default_branch_too(repo: Repo, tmp_path: Path) -> None:
    pusher, _server = setup(repo, tmp_path)
    pusher.git("push", "-q", "origin", "main:trunk")
    pusher.git("remote", "set-head", "origin", "trunk")
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    to_topic = push(pusher, "topic")
    assert to_topic.returncode == 0, out(to_topic)
    assert "only commits pushed to main or master or trunk" in out(to_topic)
    for target in ("topic:trunk", "topic:main"):
        refused = push(pusher, target)
        assert refused.returncode != 0, target
        assert "RG301" in out(refused)


def test_a_remote_head_that_names_a_gone_branch_is_not_trusted(
    repo: Repo, tmp_path: Path
) -> None:
    # A clone made before master was renamed main still names master.
    pusher, _server = setup(repo, tmp_path)
    pusher.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/master")
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "main")
    assert result.returncode != 0
    assert "RG301" in out(result)


def test_commits_on_your_own_main_are_judged_as_going_to_main(
    repo: Repo, tmp_path: Path
) -> None:
    # Pushed to a topic branch first (pre-commit shows the hook only the first ref
    # of a push), they are still main's commits: RG301 blocks them.
    pusher, server = setup(repo, tmp_path)
    pusher.git("push", "-q", "origin", "main:dev")
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "HEAD:dev")
    assert result.returncode != 0, out(result)
    assert "RG301" in out(result)
    assert remote_ref(server, "refs/heads/dev") != pusher.head()


def test_other_findings_still_block_a_topic_branch(repo: Repo, tmp_path: Path) -> None:
    pusher, server = setup(repo, tmp_path)
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit(f"feat: tool-written\n\n{FOOTER}\n", {"b.txt": "b\n"})
    result = push(pusher, "topic")
    assert result.returncode != 0
    assert "RG101" in out(result)
    assert remote_ref(server, "refs/heads/topic") is None


def test_a_push_to_a_url_is_not_blocked_by_commits_the_server_has(
    repo: Repo, tmp_path: Path
) -> None:
    # With no remote name there are no tracking refs: nothing says which commits of
    # the local main the server lacks, so none are taken to be on their way to main.
    pusher, server = setup(repo, tmp_path)
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    pusher.git("push", "-q", "--no-verify", "origin", "main")
    pusher.git("checkout", "-q", "-b", "topic")
    tip = pusher.commit("feat: plain\n", {"c.txt": "c\n"})
    result = run_git(pusher, "push", str(server), "HEAD:refs/heads/topic")
    assert result.returncode == 0, out(result)
    assert remote_ref(server, "refs/heads/topic") == tip


def test_a_push_without_rg301_runs_no_extra_git(repo: Repo, tmp_path: Path) -> None:
    # The common push: one branch the remote has, read from its old commit.
    pusher, _server = setup(repo, tmp_path)
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit("feat: plain\n", {"c.txt": "c\n"})
    assert push(pusher, "topic").returncode == 0
    pusher.commit("feat: more\n", {"d.txt": "d\n"})
    trace = tmp_path / "trace.json"
    result = run_git(pusher, "push", "origin", "topic", env={"GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode == 0, out(result)
    argvs = [json.loads(line).get("argv", []) for line in trace.read_text().splitlines()]
    ours = [a for a in argvs if "symbolic-ref" in a or ("rev-list" in a and "--objects" not in a)]
    assert not ours, ours


def test_a_push_for_review_to_gerrit_is_not_blocked(repo: Repo, tmp_path: Path) -> None:
    # Gerrit's workflow: commit on main, push to refs/for/main for review.
    pusher, server = setup(repo, tmp_path)
    tip = pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "HEAD:refs/for/main")
    assert result.returncode == 0, out(result)
    assert remote_ref(server, "refs/for/main") == tip


def _warned_on_dev(pusher: Repo) -> str:
    """An unsigned commit pushed to a topic branch, where RG301 only warns."""
    pusher.git("checkout", "-q", "-b", "dev")
    tip = pusher.commit(ASSISTED, {"b.txt": "b\n"})
    assert push(pusher, "dev").returncode == 0
    return tip


@pytest.mark.parametrize("refs", [["main", "v1"], ["main", "dev:refs/heads/backup"]])
def test_main_pushed_with_a_new_ref_still_needs_the_sign_off(
    repo: Repo, tmp_path: Path, refs: list[str]
) -> None:
    # One walk for all refs excluded everything the remote had, the warned commit
    # on dev included, and main received it unjudged.
    pusher, server = setup(repo, tmp_path)
    _warned_on_dev(pusher)
    pusher.git("checkout", "-q", "main")
    pusher.git("merge", "-q", "--ff-only", "dev")
    pusher.git("tag", "-a", "v1", "-m", "release")
    before = remote_ref(server, "refs/heads/main")
    result = push(pusher, *refs)
    assert result.returncode != 0, out(result)
    assert "RG301" in out(result)
    assert remote_ref(server, "refs/heads/main") == before


def test_a_new_default_branch_needs_the_sign_off(repo: Repo, tmp_path: Path) -> None:
    pusher, server = setup(repo, tmp_path)
    _warned_on_dev(pusher)
    result = push(pusher, "dev:master")
    assert result.returncode != 0, out(result)
    assert remote_ref(server, "refs/heads/master") is None


def test_a_force_push_over_an_unknown_main_needs_the_sign_off(
    repo: Repo, tmp_path: Path
) -> None:
    pusher, server = setup(repo, tmp_path)
    _warned_on_dev(pusher)
    # Someone else moves the server's main; this clone never fetches it.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(server), str(other))
    git(other, "commit", "-q", "--allow-empty", "-m", "feat: elsewhere")
    git(other, "push", "-q", "origin", "main")
    moved = remote_ref(server, "refs/heads/main")
    result = push(pusher, "-f", "dev:main")
    assert result.returncode != 0, out(result)
    assert remote_ref(server, "refs/heads/main") == moved


@pytest.mark.parametrize("branch", ["main", "topic"])
def test_gerrit_submit_is_a_merge_not_a_review(
    repo: Repo, tmp_path: Path, branch: str
) -> None:
    pusher, _server = setup(repo, tmp_path)
    if branch != "main":
        pusher.git("checkout", "-q", "-b", branch)
    pusher.commit(ASSISTED, {"b.txt": "b\n"})
    result = push(pusher, "HEAD:refs/for/main%submit")
    assert result.returncode != 0, out(result)
    assert "RG301" in out(result)
