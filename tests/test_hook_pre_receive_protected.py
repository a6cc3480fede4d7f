"""Issue 12, server side: attacks on the pre-receive gate, each performed with real
`git push` runs into a local bare repository that carries hooks/pre-receive, next
to the honest push that still goes through.

The project's policy (STRICT) wants a sign-off on every commit, which the built-in
defaults do not: a plain, unreviewed commit passes the defaults and fails STRICT.
Every attack below tries to get such a commit onto the server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Repo, git
from test_hook_commit_msg import out
from test_hook_pre_receive import push, server_ref
from test_hook_pre_receive_trust import bare, with_origin

STRICT = "signoff:\n  required_for: all\n"
RELAXED = "assistance:\n  require: off\nsignoff:\n  required_for: none\n"
REVIEWED = "\n\nReviewed-by: Rita Reviewer <rita@example.org>\n"


def amend(repo: Repo, message: str) -> None:
    repo.git("commit", "-q", "--amend", "--no-verify", "--allow-empty", "-m", message)


@contextlib.contextmanager
def gate_off(server: Path) -> Iterator[None]:
    """A push past the gate: what a server held before the gate (or a fixed gate)
    was installed."""
    hook = server / "hooks" / "pre-receive"
    hook.rename(server / "hooks" / "off")
    try:
        yield
    finally:
        (server / "hooks" / "off").rename(hook)


@pytest.fixture
def strict(repo: Repo, tmp_path: Path) -> tuple[Repo, Path, dict[str, str]]:
    """main: start (no policy) then policy (STRICT, reviewed), both on the server."""
    server = bare(tmp_path)
    with_origin(repo, server)
    shas = {"start": repo.commit("feat: start", {"a.txt": "a\n"})}
    shas["policy"] = repo.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    first = push(repo, "main")
    assert first.returncode == 0, out(first)
    return repo, server, shas


def test_rewinding_main_to_before_the_policy_is_refused(
    strict: tuple[Repo, Path, dict[str, str]],
) -> None:
    repo, server, shas = strict
    rewind = push(repo, "--force", f"{shas['start']}:main")
    assert rewind.returncode == 1, out(rewind)
    assert "refs/heads/main: this non-fast-forward push" in out(rewind)
    assert "changes .reviewgate.yaml" in out(rewind)
    assert server_ref(server, "main") == shas["policy"]
    # The push the rewind prepared: a merge that brings the policy back with an
    # unreviewed commit is judged by the policy main holds, not the defaults.
    repo.git("checkout", "-q", "-b", "sneak", shas["start"])
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "Merge main", shas["policy"])
    merged = push(repo, "HEAD:main")
    assert merged.returncode == 1, out(merged)
    assert f"{plain[:10]} RG301" in out(merged)
    # The honest rewrite of main that keeps its policy goes through.
    repo.git("checkout", "-q", "main")
    repo.commit("feat: more" + REVIEWED)
    amend(repo, "feat: more, reworded" + REVIEWED)
    assert push(repo, "main").returncode == 0
    amend(repo, "feat: more, again" + REVIEWED)
    honest = push(repo, "--force", "main")
    assert honest.returncode == 0, out(honest)


def test_a_topic_branch_that_relaxes_its_policy_judges_nothing(
    strict: tuple[Repo, Path, dict[str, str]],
) -> None:
    repo, _, _ = strict
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    relaxed = push(repo, "topic")
    assert relaxed.returncode == 0, out(relaxed)  # reviewed: the change itself may go up
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    attack = push(repo, "topic")
    assert attack.returncode == 1, out(attack)
    assert f"{plain[:10]} RG301" in out(attack)
    assert "differs from the trusted one" in out(attack)
    amend(repo, "feat: reviewed" + REVIEWED)
    honest = push(repo, "topic")
    assert honest.returncode == 0, out(honest)


def test_a_new_tag_or_branch_checks_what_no_protected_branch_holds(
    strict: tuple[Repo, Path, dict[str, str]],
) -> None:
    repo, server, _ = strict
    repo.git("checkout", "-q", "-b", "topic")
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    with gate_off(server):  # accepted on topic before the gate judged topics
        assert push(repo, "topic").returncode == 0
    for target in ("HEAD:refs/tags/v1", "HEAD:refs/heads/promoted"):
        attack = push(repo, target)
        assert attack.returncode == 1, out(attack)
        assert f"{plain[:10]} RG301" in out(attack)
        assert "the commits no protected branch has" in out(attack)
    assert server_ref(server, "refs/tags/v1") is None
    honest = push(repo, "main:refs/tags/v0")
    assert honest.returncode == 0, out(honest)
    assert "0 new commits checked" in out(honest)


def test_deleting_and_recreating_main_is_refused(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path, branch="master")  # HEAD names a branch nobody pushes
    with_origin(repo, server)
    repo.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    assert push(repo, "main").returncode == 0
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    with gate_off(server):
        assert push(repo, "topic").returncode == 0
    delete = push(repo, "--delete", "main")
    assert delete.returncode == 1, out(delete)
    assert "refs/heads/main is a protected branch" in out(delete)
    assert "git config reviewgate.allowDelete true" in out(delete)
    assert server_ref(server, "main") is not None
    # Moving main onto topic: its commits are checked against what main held.
    moved = push(repo, "--force", "topic:main")
    assert moved.returncode == 1, out(moved)
    assert f"{plain[:10]} RG301" in out(moved)
    # An honest deletion: a topic branch, or main once the administrator allows it.
    assert push(repo, "--delete", "topic").returncode == 0
    git(server, "config", "reviewgate.allowDelete", "true")
    allowed = push(repo, "--delete", "main")
    assert allowed.returncode == 0, out(allowed)


def test_a_protected_branch_is_gated_whatever_reviewgate_refs_says(
    strict: tuple[Repo, Path, dict[str, str]],
) -> None:
    repo, server, _ = strict
    git(server, "config", "--add", "reviewgate.refs", "refs/heads/release/*")
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    attack = push(repo, "main")
    assert attack.returncode == 1 and f"{plain[:10]} RG301" in out(attack), out(attack)
    assert push(repo, "main:topic").returncode == 0  # not gated: as configured


def test_the_server_names_the_policy_ref(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    assert push(repo, "main:refs/heads/policy").returncode == 0
    repo.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    assert push(repo, "main").returncode == 0
    git(server, "config", "reviewgate.policyRef", "policy")
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    attack = push(repo, "main")
    assert attack.returncode == 1, out(attack)
    assert f"{plain[:10]} RG301" in out(attack)
    delete = push(repo, "--delete", "policy")
    assert delete.returncode == 1 and "refs/heads/policy is a protected branch" in out(delete)
    amend(repo, "feat: reviewed" + REVIEWED)
    honest = push(repo, "main")
    assert honest.returncode == 0, out(honest)


def test_the_server_names_a_policy_file(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    (server / "reviewgate-policy.yaml").write_text(STRICT)
    git(server, "config", "reviewgate.policyFile", "reviewgate-policy.yaml")
    repo.commit("feat: start" + REVIEWED)
    assert push(repo, "main").returncode == 0
    repo.commit("chore: relax", {".reviewgate.yaml": RELAXED})
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    attack = push(repo, "main")
    assert attack.returncode == 1, out(attack)
    assert f"{plain[:10]} RG301" in out(attack)
    assert "reviewgate-policy.yaml" in out(attack)
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    repo.commit("feat: reviewed" + REVIEWED)
    honest = push(repo, "main")
    assert honest.returncode == 0, out(honest)
