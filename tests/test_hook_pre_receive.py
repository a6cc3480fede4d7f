"""The server-side gate: hooks/pre-receive copied into a bare repository, real
`git push` runs against it. The findings reach the pusher as "remote:" lines,
a rejected push moves no ref and leaves no object behind (git's quarantine), and
the policy comes from what the server already holds, never from the push.

A bad commit carries Claude Code's footer and no declaration (RG101); a clean
one is not tool-assisted at all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.commands.hook_pre_receive import plan_receive
from reviewgate.git.pushed_refs import RefUpdate
from test_hook_commit_msg import FOOTER, HOOKS_DIR, out, run_git

BAD = f"feat: tool-written\n\n{FOOTER}\n"
# Switches off what would judge BAD: disclosure, and sign-off of assisted commits.
RELAXED = "assistance:\n  require: off\nsignoff:\n  required_for: none\n"


@pytest.fixture
def server(tmp_path: Path) -> Path:
    path = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def install_gate(server: Path) -> None:
    """As an administrator would: copy the script into the bare repository."""
    target = server / "hooks" / "pre-receive"
    shutil.copy2(HOOKS_DIR / "pre-receive", target)
    assert target.stat().st_mode & 0o111


@pytest.fixture
def pusher(repo: Repo, server: Path) -> Repo:
    """A repository whose first clean commit is on the server; no local hooks."""
    repo.git("remote", "add", "origin", str(server))
    repo.commit("feat: start", {"a.txt": "a\n"})
    repo.git("push", "-q", "origin", "main")
    return repo


def push(repo: Repo, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_git(repo, "push", "origin", *args)


def server_ref(server: Path, ref: str) -> str | None:
    done = git(server, "rev-parse", "--verify", "--quiet", ref, check=False)
    return done.stdout.strip() or None


def has_object(server: Path, oid: str) -> bool:
    return git(server, "cat-file", "-e", oid, check=False).returncode == 0


def test_a_bad_push_is_rejected_with_the_findings_shown_as_remote(
    pusher: Repo, server: Path
) -> None:
    install_gate(server)
    before = server_ref(server, "main")
    bad = pusher.commit(BAD)
    result = push(pusher, "main")
    text = out(result)
    assert result.returncode != 0
    assert f"remote: {bad[:10]} RG101" in text
    assert "remote: reviewgate: the push is rejected and no ref was updated." in text
    assert "pre-receive hook declined" in text
    assert server_ref(server, "main") == before
    # --no-verify skips the pusher's hooks, not the server's.
    again = push(pusher, "--no-verify", "main")
    assert again.returncode != 0 and "RG101" in out(again)


def test_rejected_objects_stay_in_quarantine(pusher: Repo, server: Path) -> None:
    install_gate(server)
    blob_text = "only in the rejected push\n"
    bad = pusher.commit(BAD, {"new.txt": blob_text})
    blob = pusher.git("rev-parse", f"{bad}:new.txt").stdout.strip()
    refs_before = git(server, "for-each-ref").stdout
    assert push(pusher, "main").returncode != 0
    assert not has_object(server, bad) and not has_object(server, blob)
    # The hook wrote nothing: no ref, no notes.
    assert git(server, "for-each-ref").stdout == refs_before
    # An accepted push's objects do arrive.
    pusher.git("reset", "-q", "--hard", "HEAD~1")
    clean = pusher.commit("feat: clean", {"new.txt": blob_text})
    accepted = push(pusher, "main")
    assert accepted.returncode == 0, out(accepted)
    assert has_object(server, clean) and has_object(server, blob)
    assert server_ref(server, "main") == clean


def test_a_clean_push_is_accepted(pusher: Repo, server: Path) -> None:
    install_gate(server)
    pusher.commit("feat: more")
    result = push(pusher, "main")
    assert result.returncode == 0, out(result)
    assert "remote: reviewgate: 1 new commit checked in 1 ref: accepted" in out(result)


def test_a_new_ref_is_judged_on_the_commits_no_ref_has(pusher: Repo, server: Path) -> None:
    old_bad = pusher.commit(BAD)
    assert push(pusher, "main").returncode == 0  # before the gate existed
    install_gate(server)
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit("feat: on top")
    accepted = push(pusher, "topic")
    assert accepted.returncode == 0, out(accepted)
    assert old_bad[:10] not in out(accepted)
    pusher.git("checkout", "-q", "-b", "topic2")
    bad = pusher.commit(BAD.replace("tool-written", "again"))
    rejected = push(pusher, "topic2")
    assert rejected.returncode != 0
    assert f"{bad[:10]} RG101" in out(rejected) and old_bad[:10] not in out(rejected)
    assert "refs/heads/topic2 (new:" in out(rejected)
    assert server_ref(server, "topic2") is None


def test_every_ref_is_checked_and_the_push_is_all_or_nothing(
    pusher: Repo, server: Path
) -> None:
    install_gate(server)
    before = server_ref(server, "main")
    pusher.commit("feat: clean on main")
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit(BAD)
    result = push(pusher, "main", "topic")
    assert result.returncode != 0
    assert "refs/heads/topic" in out(result) and "RG101" in out(result)
    assert server_ref(server, "main") == before and server_ref(server, "topic") is None


def test_a_deletion_passes(pusher: Repo, server: Path) -> None:
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit(BAD)
    assert push(pusher, "topic").returncode == 0
    install_gate(server)
    result = push(pusher, "--delete", "topic")
    assert result.returncode == 0, out(result)
    assert server_ref(server, "topic") is None


def test_an_annotated_tag_is_peeled(pusher: Repo, server: Path) -> None:
    install_gate(server)
    bad = pusher.commit(BAD)
    pusher.git("tag", "-a", "-m", "release", "v1")
    result = push(pusher, "v1")
    assert result.returncode != 0
    assert f"{bad[:10]} RG101" in out(result) and "refs/tags/v1" in out(result)
    assert server_ref(server, "refs/tags/v1") is None


def test_a_push_cannot_relax_the_policy_that_judges_it(pusher: Repo, server: Path) -> None:
    pusher.commit("chore: policy", {".reviewgate.yaml": "version: 1\n"})
    assert push(pusher, "main").returncode == 0
    install_gate(server)
    pusher.commit("chore: relax the policy", {".reviewgate.yaml": RELAXED})
    bad = pusher.commit(BAD)
    result = push(pusher, "main")
    text = out(result)
    assert result.returncode != 0, text
    assert f"{bad[:10]} RG101" in text
    # The attempt is reported, and the judging policy is named.
    assert "differs from the trusted one" in text
    assert ":.reviewgate.yaml)" in text
    # Once the relaxed policy is on the server (here: pushed past the gate), it judges.
    pusher.git("reset", "-q", "--hard", "HEAD~1")
    (server / "hooks" / "pre-receive").unlink()
    assert push(pusher, "main").returncode == 0
    install_gate(server)
    pusher.commit(BAD)
    relaxed = push(pusher, "main")
    assert relaxed.returncode == 0, out(relaxed)


def test_a_new_ref_is_judged_by_the_default_branch(pusher: Repo, server: Path) -> None:
    install_gate(server)
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit("chore: relax the policy", {".reviewgate.yaml": RELAXED})
    pusher.commit(BAD)
    result = push(pusher, "topic")
    assert result.returncode != 0 and "RG101" in out(result)


def test_an_empty_repository_uses_the_built_in_policy(
    repo: Repo, server: Path
) -> None:
    install_gate(server)
    repo.git("remote", "add", "origin", str(server))
    repo.commit("chore: relax the policy", {".reviewgate.yaml": RELAXED})
    repo.commit(BAD)
    result = push(repo, "main")
    assert result.returncode != 0, out(result)
    assert "RG101" in out(result) and "(<built-in>)" in out(result)


def test_gated_refs_can_be_limited(pusher: Repo, server: Path) -> None:
    install_gate(server)
    git(server, "config", "--add", "reviewgate.refs", "refs/heads/main")
    git(server, "config", "--add", "reviewgate.refs", "refs/heads/release/*")
    pusher.git("checkout", "-q", "-b", "topic")
    bad = pusher.commit(BAD)
    assert push(pusher, "topic").returncode == 0
    rejected = push(pusher, "topic:release/1.0")
    assert rejected.returncode != 0 and f"{bad[:10]} RG101" in out(rejected)
    # A commit accepted on an ungated ref is still judged when it reaches main.
    rejected = push(pusher, "topic:main")
    assert rejected.returncode != 0 and f"{bad[:10]} RG101" in out(rejected)


def test_notes_refs_are_gated_only_when_named() -> None:
    sha, zero, main = "a" * 40, "0" * 40, "b" * 40
    notes = (RefUpdate("refs/notes/reviewgate", zero, sha),)
    plan = {"peeled": {sha: sha}, "trusted": main, "held": (main,)}
    assert plan_receive(notes, patterns=(), **plan) == ((), ())  # type: ignore[arg-type]
    ranges, _ = plan_receive(notes, patterns=("refs/notes/*",), **plan)  # type: ignore[arg-type]
    # A new ref, notes or not, is read against the protected branches only.
    assert [r.revisions for r in ranges] == [(sha, f"^{main}")]


def test_protected_branches_are_gated_whatever_the_patterns() -> None:
    sha, zero = "a" * 40, "0" * 40
    update = (RefUpdate("refs/heads/main", zero, sha),)
    plan = {"peeled": {sha: sha}, "trusted": None}
    assert plan_receive(update, patterns=("refs/tags/*",), **plan) == ((), ())  # type: ignore[arg-type]
    ranges, _ = plan_receive(  # type: ignore[arg-type]
        update, patterns=("refs/tags/*",), protected=("refs/heads/main",), **plan
    )
    assert [r.revisions for r in ranges] == [(sha,)]


def test_a_malformed_line_is_exit_2_in_one_line(server: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "hook", "pre-receive"], cwd=server,
        input=b"not a line\n", capture_output=True, timeout=60,
    )
    assert result.returncode == 2
    assert out(result).count("\n") == 1 and "reviewgate: error:" in out(result)


def test_a_non_bare_server_with_update_instead(repo: Repo, tmp_path: Path) -> None:
    # git runs pre-receive in the server's .git with GIT_DIR=. (relative); reviewgate's
    # git processes that start elsewhere must still find the repository.
    served = tmp_path / "served"
    git(tmp_path, "init", "-q", "-b", "main", str(served))
    git(served, "commit", "-q", "--allow-empty", "-m", "feat: start")
    git(served, "config", "receive.denyCurrentBranch", "updateInstead")
    install_gate(served / ".git")
    repo.git("remote", "add", "origin", str(served))
    repo.git("fetch", "-q", "origin")
    repo.git("reset", "-q", "--hard", "origin/main")
    clean = repo.commit("feat: more", {"b.txt": "b\n"})
    result = push(repo, "main")
    assert result.returncode == 0, out(result)
    assert git(served, "rev-parse", "HEAD").stdout.strip() == clean
    repo.commit(f"feat: tool-written\n\n{FOOTER}\n", {"c.txt": "c\n"})
    refused = push(repo, "main")
    assert refused.returncode != 0
    assert "RG101" in out(refused)
