"""The pre-push hook with real `git push` runs to a local bare repository: hooks/
installed through core.hooksPath, every ref of a push checked, new branches and
force-pushes read as DESIGN.md's "Pre-push ranges" says, tags peeled.

A bad commit carries Claude Code's footer and no declaration (RG101, whatever
sign-off rules add); a clean one is not tool-assisted at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.commands.hook_pre_push import PushRange, plan_push, pre_push_hook, push_revisions
from reviewgate.git.pushed_refs import RefUpdate
from test_hook_commit_msg import FOOTER, HOOKS_DIR, out, run_git
from test_hooks_installed import (
    hook_repo,  # noqa: F401  (a session fixture)
)

BAD = f"feat: tool-written\n\n{FOOTER}\n"
ZERO = "0" * 40


def make_server(tmp_path: Path) -> Path:
    path = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def make_pusher(repo: Repo, server: Path) -> Repo:
    """A clone-like repository with a clean first commit on the server, and
    reviewgate's hooks/ as core.hooksPath from then on."""
    repo.git("remote", "add", "origin", str(server))
    repo.commit("feat: start", {"a.txt": "a\n"})
    repo.git("push", "-q", "origin", "main")
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    return repo


@pytest.fixture
def server(tmp_path: Path) -> Path:
    return make_server(tmp_path)


@pytest.fixture
def pusher(repo: Repo, server: Path) -> Repo:
    return make_pusher(repo, server)


def push(repo: Repo, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_git(repo, "push", "origin", *args)


def remote_ref(server: Path, ref: str) -> str | None:
    done = git(server, "rev-parse", "--verify", "--quiet", ref, check=False)
    return done.stdout.strip() or None


def test_a_clean_push_passes(pusher: Repo, server: Path) -> None:
    pusher.commit("feat: more", {"b.txt": "b\n"})
    result = push(pusher, "main")
    assert result.returncode == 0, out(result)
    assert remote_ref(server, "main") == pusher.head()
    # A clean push gets nothing from reviewgate (git's own lines only).
    assert "reviewgate" not in out(result)


def test_a_bad_commit_blocks_the_push(pusher: Repo, server: Path) -> None:
    before = remote_ref(server, "main")
    pusher.commit(BAD)
    result = push(pusher, "main")
    text = out(result)
    assert result.returncode != 0
    assert "RG101" in text and "refs/heads/main" in text
    assert "failed to push some refs" in text
    assert "push to origin blocked" in text
    assert remote_ref(server, "main") == before


def test_every_ref_is_checked_not_just_the_first(pusher: Repo, server: Path) -> None:
    pusher.commit("feat: clean on main")
    pusher.git("checkout", "-q", "-b", "topic")
    bad = pusher.commit(BAD)
    pusher.git("checkout", "-q", "main")
    result = push(pusher, "main", "topic")
    text = out(result)
    assert result.returncode != 0, text
    assert f"{bad[:10]} RG101" in text and "reviewgate: refs/heads/topic (" in text
    # The report names the ref holding the bad commit, not the clean one.
    assert "reviewgate: refs/heads/main (" not in text
    assert text.count("commits checked in") == 1  # one summary for the whole push
    assert remote_ref(server, "topic") is None


def test_the_second_of_two_ref_lines_is_checked(pusher: Repo) -> None:
    # git's own order of the lines is its business: hand the hook the order here.
    clean = pusher.commit("feat: clean")
    pusher.git("checkout", "-q", "-b", "topic")
    bad = pusher.commit(BAD)
    old = pusher.git("rev-parse", "origin/main").stdout.strip()
    stdin = (f"refs/heads/main {clean} refs/heads/main {old}\n"
             f"refs/heads/topic {bad} refs/heads/topic {ZERO}\n")
    code, text = pre_push_hook("origin", "url", stdin, {}, cwd=pusher.path)
    assert code == 1, text
    assert "RG101" in text and "refs/heads/topic (new:" in text
    # The bad commit is reachable from topic only: main's report stays silent.
    assert "refs/heads/main (" not in text
    assert "2 commits checked in 2 refs pushed to origin" in text


def test_a_new_branch_checks_only_what_the_remote_lacks(pusher: Repo, server: Path) -> None:
    bad = pusher.commit(BAD)
    assert push(pusher, "--no-verify", "main").returncode == 0
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit("feat: on top", {"t.txt": "t\n"})
    result = push(pusher, "topic")
    assert result.returncode == 0, out(result)
    assert bad[:10] not in out(result)
    assert "reviewgate" not in out(result)
    assert remote_ref(server, "topic") == pusher.head()


def test_a_deletion_is_skipped(pusher: Repo, server: Path) -> None:
    pusher.git("checkout", "-q", "-b", "topic")
    pusher.commit(BAD)
    assert push(pusher, "--no-verify", "topic").returncode == 0
    result = push(pusher, "--delete", "topic")
    assert result.returncode == 0, out(result)
    assert remote_ref(server, "topic") is None
    code, text = pre_push_hook(
        "origin", "url", f"(delete) {ZERO} refs/heads/gone {pusher.head()}\n", {},
        cwd=pusher.path)
    assert (code, text) == (0, "")


def test_a_force_push_over_a_commit_never_fetched(
    pusher: Repo, server: Path, tmp_path: Path
) -> None:
    old_bad = pusher.commit(BAD)
    assert push(pusher, "--no-verify", "main").returncode == 0
    # Someone else pushes on top; this clone never fetches it.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(server), str(other))
    theirs = Repo(other).commit("feat: theirs")
    git(other, "push", "-q", "origin", "main")
    assert git(pusher.path, "cat-file", "-e", theirs, check=False).returncode != 0

    mine = pusher.commit(BAD.replace("tool-written", "mine"))
    blocked = push(pusher, "--force", "main")
    text = out(blocked)
    assert blocked.returncode != 0
    assert f"{mine[:10]} RG101" in text and "--not --remotes=origin" in text
    # Only the commits no remote-tracking branch has: the old one is on the remote.
    assert old_bad[:10] not in text
    assert remote_ref(server, "main") == theirs

    pusher.git("reset", "-q", "--hard", old_bad)
    pusher.commit("feat: mine, clean")
    forced = push(pusher, "--force", "main")
    assert forced.returncode == 0, out(forced)
    assert "reviewgate" not in out(forced)
    assert remote_ref(server, "main") == pusher.head()


def test_an_annotated_tag_is_peeled(pusher: Repo, server: Path) -> None:
    bad = pusher.commit(BAD)
    pusher.git("tag", "-a", "-m", "release", "v1")
    result = push(pusher, "v1")
    text = out(result)
    assert result.returncode != 0
    assert f"{bad[:10]} RG101" in text and "refs/tags/v1" in text
    assert remote_ref(server, "refs/tags/v1") is None
    # A tag of a commit the remote has brings nothing new.
    pusher.git("tag", "-a", "-m", "old", "v0", "origin/main")
    assert push(pusher, "v0").returncode == 0


def test_a_tag_of_a_blob_is_skipped(pusher: Repo, server: Path) -> None:
    blob = pusher.git("hash-object", "-w", "--stdin", input="data\n").stdout.strip()
    pusher.git("tag", "-a", "-m", "a blob", "blobtag", blob)
    result = push(pusher, "blobtag")
    assert result.returncode == 0, out(result)
    assert "refs/tags/blobtag" in out(result) and "not a commit" in out(result)


def test_deletions_and_notes_refs_are_not_planned() -> None:
    sha = "a" * 40
    updates = (RefUpdate("refs/notes/reviewgate", ZERO, sha),
               RefUpdate("refs/heads/gone", sha, ZERO),
               RefUpdate("refs/heads/new", ZERO, sha))
    ranges, skipped = plan_push(updates, {sha: sha})
    assert [r.update.ref for r in ranges] == ["refs/heads/new"] and skipped == ()


def test_one_selection_reads_every_ref() -> None:
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    update = PushRange(RefUpdate("refs/heads/x", a, b), b, a)
    new = PushRange(RefUpdate("refs/heads/y", ZERO, c), c, None)
    assert push_revisions((update, new), "origin") == (
        b, c, f"^{a}", "--not", "--remotes=origin")
    # Only a ref the remote-tracking branches must bound brings them in.
    assert push_revisions((update,), "origin") == (b, f"^{a}")


def test_nothing_on_stdin_is_nothing_to_check(pusher: Repo) -> None:
    assert pre_push_hook("origin", "url", "", {}, cwd=pusher.path) == (0, "")


def test_a_malformed_line_is_exit_2_in_one_line(pusher: Repo) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "hook", "pre-push", "origin", "url"], cwd=pusher.path,
        input=b"refs/heads/main not-an-oid\n", capture_output=True, timeout=60,
    )
    assert result.returncode == 2
    assert out(result).count("\n") == 1 and "reviewgate: error:" in out(result)


def test_pre_commit_variables_name_the_one_ref(pusher: Repo) -> None:
    # pre-commit reads git's lines itself and hands the hook one ref in variables.
    old = pusher.head()
    bad = pusher.commit(BAD)
    env = {"PRE_COMMIT_FROM_REF": old, "PRE_COMMIT_TO_REF": bad,
           "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
           "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
           "PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_URL": "url"}
    code, text = pre_push_hook("", "", "", env, cwd=pusher.path)
    assert code == 1 and f"{bad[:10]} RG101" in text, text
    clean = {**env, "PRE_COMMIT_TO_REF": old}
    assert pre_push_hook("", "", "", clean, cwd=pusher.path)[0] == 0
    # A branch whose history is all new (the remote is empty): pre-commit names
    # only the local branch.
    whole = {k: v for k, v in env.items() if not k.endswith(("FROM_REF", "TO_REF"))}
    pusher.git("update-ref", "-d", "refs/remotes/origin/main")
    code, text = pre_push_hook("", "", "", whole, cwd=pusher.path)
    assert code == 1 and "2 commits checked" in text, text
