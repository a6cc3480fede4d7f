"""The server gate against pushes that route around it: commits parked on an
ungated notes ref, a HEAD naming a branch nobody pushes, signature policies on an
empty server, a broken approvals ref, and approvals pushed with their branch.
Real `git push` runs into local bare repositories carrying hooks/pre-receive."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import Repo, git
from test_approvals import approve, as_reviewer, make_key
from test_check_cli import reviewgate
from test_hook_commit_msg import out
from test_hook_pre_receive import install_gate, push, server_ref
from test_rules_signoff import ASSISTED

APPROVALS = "refs/notes/reviewgate-approvals"


def bare(tmp_path: Path, name: str = "srv.git", branch: str = "main") -> Path:
    path = tmp_path / name
    git(tmp_path, "init", "-q", "--bare", "-b", branch, str(path))
    install_gate(path)
    return path


def with_origin(repo: Repo, server: Path) -> Repo:
    repo.git("remote", "add", "origin", str(server))
    return repo


def test_a_commit_parked_on_a_notes_ref_is_still_judged_on_a_new_branch(
    repo: Repo, tmp_path: Path
) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    assert push(repo, "main").returncode == 0
    assisted = repo.commit(ASSISTED)
    assert push(repo, "HEAD:refs/heads/topic").returncode != 0
    parked = push(repo, "HEAD:refs/notes/evil")  # notes refs are not gated
    assert parked.returncode == 0, out(parked)
    for target in ("HEAD:refs/heads/topic", "HEAD:refs/tags/v1"):
        again = push(repo, target)
        assert again.returncode != 0, out(again)
        assert f"{assisted[:10]} RG301" in out(again)
    assert server_ref(server, "refs/heads/topic") is None


def test_with_patterns_a_notes_ref_does_not_count_as_reviewed_either(
    repo: Repo, tmp_path: Path
) -> None:
    server = bare(tmp_path)
    git(server, "config", "--add", "reviewgate.refs", "refs/heads/*")
    git(server, "config", "--add", "reviewgate.refs", "refs/notes/*")
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    assert push(repo, "main").returncode == 0
    repo.commit(ASSISTED)
    (server / "hooks" / "pre-receive").rename(server / "hooks" / "off")
    assert push(repo, "HEAD:refs/notes/evil").returncode == 0  # past the gate
    (server / "hooks" / "off").rename(server / "hooks" / "pre-receive")
    again = push(repo, "HEAD:refs/heads/topic")
    assert again.returncode != 0 and "RG301" in out(again), out(again)


def test_an_unborn_head_falls_back_to_main_and_says_so(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path, branch="master")  # everyone pushes main
    with_origin(repo, server)
    repo.commit("chore: policy", {".reviewgate.yaml": "signoff:\n  required_for: none\n"})
    first = push(repo, "main")
    assert first.returncode == 0, out(first)
    assert "neither it, main nor master exists yet" in out(first)
    assert "every ref is judged by the built-in defaults" in out(first)
    # main's policy (no sign-off) judges a new branch, not the built-in defaults.
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit(ASSISTED)
    result = push(repo, "topic")
    assert result.returncode == 0, out(result)
    assert "HEAD names refs/heads/master, which does not exist" in out(result)
    assert "judged by the policy at refs/heads/main" in out(result)


def test_an_unprotected_only_branch_judges_nothing(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path, branch="master")
    with_origin(repo, server)
    repo.commit("chore: policy", {".reviewgate.yaml": "signoff:\n  required_for: none\n"})
    assert push(repo, "main:trunk").returncode == 0
    repo.commit(ASSISTED)
    # trunk is no protected branch: anyone may rewrite it, so its policy judges nothing.
    result = push(repo, "main:topic")
    assert result.returncode == 1, out(result)
    assert "RG301" in out(result) and "git symbolic-ref HEAD refs/heads/BRANCH" in out(result)
    # Once HEAD names it, trunk is protected and its policy judges.
    git(server, "symbolic-ref", "HEAD", "refs/heads/trunk")
    again = push(repo, "main:topic")
    assert again.returncode == 0, out(again)


def test_a_signature_policy_does_not_block_the_first_push(
    repo: Repo, tmp_path: Path
) -> None:
    server = bare(tmp_path)
    policy = tmp_path / "server-policy.yaml"
    policy.write_text("signoff:\n  signature: ssh\n")
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    env = {**os.environ, "REVIEWGATE_CONFIG": str(policy)}
    first = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, env=env,
                           capture_output=True, timeout=120)
    assert first.returncode == 0, out(first)
    assisted = repo.commit(f"{ASSISTED}Reviewed-by: A U Thor <author@example.com>\n")
    fresh = bare(tmp_path, "fresh.git")
    unborn = subprocess.run(["git", "push", str(fresh), "main"], cwd=repo.path, env=env,
                            capture_output=True, timeout=120)
    assert unborn.returncode == 1, out(unborn)  # judged, not an error (exit 2)
    assert f"{assisted[:10]} RG30" in out(unborn)
    assert "no signature is trusted" in out(unborn)


def test_check_with_a_signature_policy_in_an_unborn_repository(
    repo: Repo, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("signoff:\n  signature: ssh\n")
    tip = repo.commit(ASSISTED)
    repo.git("branch", "-q", "work")
    repo.git("checkout", "-q", "--orphan", "empty")  # HEAD unborn, `work` holds the commit
    result = reviewgate(repo.path, "check", "--config", str(policy), "work")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{tip[:10]} RG301" in result.stdout
    assert "no signature is trusted" in result.stdout


def test_a_broken_approvals_ref_counts_as_no_approvals(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    assert push(repo, "main").returncode == 0
    blob = git(repo.path, "hash-object", "-w", "--stdin", input="junk\n").stdout.strip()
    assert push(repo, "-f", f"{blob}:{APPROVALS}").returncode == 0
    repo.git("fetch", "-q", "origin", f"+{APPROVALS}:{APPROVALS}")
    repo.commit("feat: more")
    clean = push(repo, "main")
    assert clean.returncode == 0, out(clean)
    assisted = repo.commit(ASSISTED)
    result = push(repo, "main")
    assert result.returncode == 1, out(result)
    assert f"{assisted[:10]} RG301" in out(result)
    assert f"cannot read the notes in {APPROVALS}" in out(result)
    local = reviewgate(repo.path, "check", "origin/main..main")
    assert local.returncode == 1, local.stdout + local.stderr
    assert "no approval counts" in local.stdout


@pytest.fixture
def approver(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    """A pusher whose server trusts rita's key for approvals."""
    key, line = make_key(tmp_path, "rita")
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("chore: policy", {
        ".reviewgate.yaml": "signoff:\n  signature: ssh\n",
        ".reviewgate/allowed_signers": f"rita@example.org {' '.join(line.split()[:2])}\n",
    })
    assert push(repo, "main").returncode == 0
    as_reviewer(repo, "Rita", "rita@example.org", key)
    return repo, tmp_path


def test_approvals_pushed_with_the_branch_count(approver: tuple[Repo, Path]) -> None:
    repo, _ = approver
    # as_reviewer made Rita this checkout's identity; Ada still wrote and committed
    # the change, so Rita's approval is a review by someone else.
    repo.commit(ASSISTED, committer="Ada Author <ada@example.org>")
    alone = push(repo, "main")
    assert alone.returncode == 1 and "RG301" in out(alone)
    assert "push refs/notes/reviewgate-approvals before (or with) the branch" in out(alone)
    approve(repo, "origin/main..main")
    together = push(repo, "main", APPROVALS)
    assert together.returncode == 0, out(together)
    assert "RG301" not in out(together)


def test_pushed_approvals_still_need_a_trusted_signature(
    approver: tuple[Repo, Path],
) -> None:
    repo, tmp_path = approver
    mallory, _ = make_key(tmp_path, "mallory")
    as_reviewer(repo, "Rita", "rita@example.org", mallory)  # rita's name, another key
    repo.commit(ASSISTED)
    approve(repo, "origin/main..main")
    result = push(repo, "main", APPROVALS)
    assert result.returncode == 1, out(result)
    assert "RG30" in out(result)
