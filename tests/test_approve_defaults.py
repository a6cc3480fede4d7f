"""Issue 16, item 8: `reviewgate approve`'s defaults. With no remote, no range
would mean all of history: refused like `approve HEAD`. The reviewer is who git
would commit as: GIT_COMMITTER_NAME/EMAIL beat user.name/email."""

from __future__ import annotations

import os

from conftest import Repo
from test_approve_cli import branch, notes_ref, run  # noqa: F401  (fixture)


def test_no_range_and_no_remote_is_refused_like_approve_head(branch: Repo) -> None:  # noqa: F811
    assert branch.git("remote").stdout == ""
    done = run(branch)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("reviewgate: error: refusing to approve HEAD and all its")
    assert "--all-history" in done.stderr and len(done.stderr.splitlines()) == 1
    assert notes_ref(branch) == ""
    head = run(branch, "HEAD")
    assert head.returncode == 2 and "all its history" in head.stderr
    everything = run(branch, "--all-history")
    assert everything.returncode == 0, everything.stderr
    assert "approved 3 commits" in everything.stdout


def test_the_committer_environment_beats_user_name(branch: Repo) -> None:  # noqa: F811
    # branch's reviewer is configured as Rita (user.name/user.email).
    env = {"GIT_COMMITTER_NAME": "Grace Hopper", "GIT_COMMITTER_EMAIL": "grace@example.org"}
    expected = branch.git("var", "GIT_COMMITTER_IDENT", env={**os.environ, **env}).stdout
    assert expected.startswith("Grace Hopper <grace@example.org>")
    done = run(branch, "--dry-run", "HEAD~1..HEAD", env=env)
    assert done.returncode == 0, done.stderr
    assert "as Grace Hopper <grace@example.org>" in done.stdout
    own = run(branch, "--dry-run", "HEAD~1..HEAD")  # no environment: the config
    assert "as Rita Reviewer <rita@example.org>" in own.stdout
