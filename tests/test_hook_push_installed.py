"""The push hooks as users install them: the plain scripts in hooks/ (their
fallbacks, failing closed) and the pre-push stage of pre-commit, whose
environment test_hooks_installed builds once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo
from test_hook_commit_msg import HOOKS_DIR, SRC, out
from test_hook_pre_push import BAD, make_pusher, make_server, remote_ref
from test_hooks_installed import (
    _bin_dir,
    _system_path,
    hook_repo,  # noqa: F401  (a session fixture)
)


@pytest.fixture
def server(tmp_path: Path) -> Path:
    return make_server(tmp_path)


@pytest.fixture
def pusher(repo: Repo, server: Path) -> Repo:
    return make_pusher(repo, server)

# --- the scripts ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pre-push", "pre-receive"])
def test_scripts_are_executable_posix_sh(name: str) -> None:
    script = HOOKS_DIR / name
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert text.startswith("#!/bin/sh\n") and f"\nhook={name}\n" in text
    for shell in ("sh", "dash", "bash"):
        found = shutil.which(shell)
        if found:
            check = subprocess.run([found, "-n", str(script)], capture_output=True)
            assert check.returncode == 0, check.stderr


def test_scripts_fail_closed_without_reviewgate(
    pusher: Repo, server: Path, tmp_path: Path
) -> None:
    bin_dir = _bin_dir(tmp_path, python3="exit 1", python="exit 1")
    env = {"PATH": f"{bin_dir}{os.pathsep}{_system_path()}"}
    pusher.commit("feat: clean")
    result = subprocess.run(["git", "push", "origin", "main"], cwd=pusher.path,
                            env={**os.environ, **env}, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert "reviewgate is not installed" in out(result) and "--no-verify" in out(result)
    shutil.copy2(HOOKS_DIR / "pre-receive", server / "hooks" / "pre-receive")
    result = subprocess.run(["git", "push", "--no-verify", "origin", "main"], cwd=pusher.path,
                            env={**os.environ, **env}, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert "remote: reviewgate: cannot run the pre-receive hook" in out(result)
    assert remote_ref(server, "main") != pusher.head()


def test_scripts_fall_back_to_python_m_reviewgate(pusher: Repo, tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path, python3=f'exec "{sys.executable}" "$@"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{_system_path()}",
           "PYTHONPATH": str(SRC)}
    pusher.commit(BAD)
    # The ref lines still reach reviewgate through the script's exec.
    result = subprocess.run(["git", "push", "origin", "main"], cwd=pusher.path, env=env,
                            capture_output=True, timeout=60)
    assert result.returncode != 0 and "RG101" in out(result), out(result)


# --- through pre-commit's pre-push stage -----------------------------------------


@pytest.fixture
def pre_commit_pusher(
    repo: Repo, server: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Repo:
    # pre-commit's environment for this checkout, built once per session.
    source, rev, home = request.getfixturevalue("hook_repo")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    repo.git("remote", "add", "origin", str(server))
    repo.write(".pre-commit-config.yaml", (
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n"
        "      - id: reviewgate-pre-push\n"
    ))
    repo.commit("chore: add pre-commit config")
    repo.git("push", "-q", "origin", "main")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "-t", "pre-push"],
        cwd=repo.path, check=True, capture_output=True, timeout=120,
    )
    assert "pre-commit" in (repo.path / ".git" / "hooks" / "pre-push").read_text()
    return repo


def _without_pythonpath() -> dict[str, str]:
    # The hook must run the copy pre-commit installed, not this checkout.
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.mark.slow
def test_pre_commit_pre_push_stage(pre_commit_pusher: Repo, server: Path) -> None:
    repo = pre_commit_pusher
    env = _without_pythonpath()
    repo.commit("feat: clean", {"c.txt": "c\n"})
    passed = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, env=env,
                            capture_output=True, timeout=600)
    assert passed.returncode == 0, out(passed)
    assert "reviewgate (pushed commits)" in out(passed)
    assert remote_ref(server, "main") == repo.head()
    # An empty commit changes no file: the hook must run all the same.
    bad = repo.commit(BAD)
    blocked = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, env=env,
                             capture_output=True, timeout=600)
    assert blocked.returncode != 0
    assert f"{bad[:10]} RG101" in out(blocked)
    assert remote_ref(server, "main") != bad
    # A new branch: only what the remote lacks, so the bad commit already
    # there (pushed past the hook) is not held against it.
    forced = subprocess.run(["git", "push", "--no-verify", "origin", "main"], cwd=repo.path,
                            env=env, capture_output=True, timeout=600)
    assert forced.returncode == 0, out(forced)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("feat: topic")
    new = subprocess.run(["git", "push", "origin", "topic"], cwd=repo.path, env=env,
                         capture_output=True, timeout=600)
    assert new.returncode == 0, out(new)
    assert remote_ref(server, "topic") == repo.head()


def _warned_on_dev(repo: Repo, env: dict[str, str]) -> str:
    """An unsigned commit pushed to dev, where RG301 only warns; its sha."""
    repo.git("checkout", "-q", "-b", "dev")
    unsigned = repo.commit("feat: tool-written\n\nAssisted-by: Claude:opus-4\n",
                           {"d.txt": "d\n"})
    to_dev = subprocess.run(["git", "push", "origin", "dev"], cwd=repo.path, env=env,
                            capture_output=True, timeout=600)
    assert to_dev.returncode == 0, out(to_dev)
    assert "RG301" in out(to_dev)
    return unsigned


@pytest.mark.slow
def test_pre_commit_main_after_a_warned_topic_needs_the_sign_off(
    pre_commit_pusher: Repo, server: Path
) -> None:
    # Under pre-commit the walk excludes what any remote branch has: the unsigned
    # commit that went up to dev with RG301 as a warning must not reach main.
    repo = pre_commit_pusher
    env = _without_pythonpath()
    unsigned = _warned_on_dev(repo, env)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "dev")
    to_main = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, env=env,
                             capture_output=True, timeout=600)
    assert to_main.returncode != 0, out(to_main)
    assert f"{unsigned[:10]} RG301" in out(to_main)
    assert remote_ref(server, "main") != unsigned


@pytest.mark.slow
def test_pre_commit_a_new_master_after_a_warned_topic_needs_the_sign_off(
    pre_commit_pusher: Repo, server: Path
) -> None:
    # pre-commit's old commit for a new branch is the parent of its oldest new
    # commit: here the warned dev commit, which must not be taken as master's own.
    repo = pre_commit_pusher
    env = _without_pythonpath()
    unsigned = _warned_on_dev(repo, env)
    repo.git("checkout", "-q", "-b", "master")
    repo.commit("feat: clean", {"e.txt": "e\n"})
    to_master = subprocess.run(["git", "push", "origin", "master"], cwd=repo.path, env=env,
                               capture_output=True, timeout=600)
    assert to_master.returncode != 0, out(to_master)
    assert f"{unsigned[:10]} RG301" in out(to_master)
    assert remote_ref(server, "master") is None
