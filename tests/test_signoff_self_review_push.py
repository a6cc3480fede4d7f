"""Issue 12, item 8, end to end: a maintainer who reviews their own agent's commit
through a sub-address, or as the commit's committer, is refused by the server's
gate (real `git push` into a bare repository with hooks/pre-receive); a review by
someone who neither wrote nor committed the commit goes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo
from test_hook_commit_msg import out
from test_hook_pre_receive import push
from test_hook_pre_receive_trust import bare, with_origin

ASSISTED = "feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n"
MAINTAINER = "Mia Maintainer <mia@example.org>"


@pytest.mark.parametrize(
    "author, committer",
    [
        ("Mia's agent <mia+ai@example.org>", "Mia's agent <mia+ai@example.org>"),
        ("Claude <claude@example.org>", MAINTAINER),
        ("Ada Author <ada@example.org>", "Mia <MIA+laptop@example.org>"),
    ],
    ids=["sub-address", "tool-by-name", "committer"],
)
def test_self_review_is_refused_on_push(
    repo: Repo, tmp_path: Path, author: str, committer: str
) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    assert push(repo, "main").returncode == 0
    own = repo.commit(
        f"{ASSISTED}Reviewed-by: {MAINTAINER}\n",
        {"b.txt": "b\n"},
        author=author,
        committer=committer,
    )
    refused = push(repo, "main")
    assert refused.returncode == 1, out(refused)
    assert f"{own[:10]} RG302" in out(refused)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit(
        f"{ASSISTED}Reviewed-by: Grace Hopper <grace@example.org>\n",
        {"b.txt": "b\n"},
        author=author,
        committer=committer,
    )
    honest = push(repo, "main")
    assert honest.returncode == 0, out(honest)
