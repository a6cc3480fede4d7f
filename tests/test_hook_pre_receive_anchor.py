"""The server's policy comes from the first protected branch that exists
(reviewgate.policyRef, HEAD's branch, main, master). Creating a missing one that
ranks higher hands it the trust: at an old commit, it brought back an old policy
for every later push (found by an attack review). Real pushes into a local bare
repository with the gate installed."""

from __future__ import annotations

from pathlib import Path

from conftest import Repo, git
from test_hook_commit_msg import out
from test_hook_pre_receive import push, server_ref
from test_hook_pre_receive_protected import RELAXED, REVIEWED, STRICT
from test_hook_pre_receive_trust import bare, with_origin


def _served(repo: Repo, tmp_path: Path, head: str) -> tuple[Path, dict[str, str]]:
    """A server whose HEAD names `head`, which does not exist: main stands in, and
    holds the STRICT policy."""
    server = bare(tmp_path, branch=head)
    with_origin(repo, server)
    shas = {"start": repo.commit("feat: start" + REVIEWED, {"a.txt": "a\n"})}
    shas["policy"] = repo.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    assert push(repo, "main").returncode == 0
    return server, shas


def test_an_old_commit_cannot_become_the_branch_that_holds_the_policy(
    repo: Repo, tmp_path: Path
) -> None:
    server, shas = _served(repo, tmp_path, "master")
    attack = push(repo, f"{shas['start']}:refs/heads/master")
    assert attack.returncode == 1, out(attack)
    assert (f"refs/heads/master: creating it at {shas['start'][:12]} would make its policy "
            "judge the server's pushes in place of refs/heads/main") in out(attack)
    assert server_ref(server, "refs/heads/master") is None
    # The rest of the attack: a relaxed policy on the would-be anchor, then an
    # unreviewed commit to main. Each step is still judged by main's STRICT policy.
    repo.git("checkout", "-q", "-b", "evil", shas["start"])
    repo.commit("chore: relax", {".reviewgate.yaml": RELAXED})
    assert push(repo, "evil:master").returncode == 1
    assert server_ref(server, "refs/heads/master") is None
    repo.git("checkout", "-q", "main")
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    to_main = push(repo, "main")
    assert to_main.returncode == 1 and f"{plain[:10]} RG301" in out(to_main), out(to_main)


def test_the_policy_ref_cannot_be_created_at_an_old_commit(repo: Repo, tmp_path: Path) -> None:
    server, shas = _served(repo, tmp_path, "main")
    git(server, "config", "reviewgate.policyRef", "release")
    attack = push(repo, f"{shas['start']}:refs/heads/release")
    assert attack.returncode == 1, out(attack)
    assert "refs/heads/release: creating it at" in out(attack)


def test_creating_it_at_the_current_tip_or_on_top_is_accepted(
    repo: Repo, tmp_path: Path
) -> None:
    server, shas = _served(repo, tmp_path, "master")
    honest = push(repo, "main:refs/heads/master")
    assert honest.returncode == 0, out(honest)
    assert server_ref(server, "refs/heads/master") == shas["policy"]
    # A branch that ranks lower than the one that judges is no anchor: no refusal.
    assert push(repo, f"{shas['start']}:refs/heads/topic").returncode == 0
