"""Issue 12, item 3: a server with ~45,000 refs. Revisions reach git on stdin, so
no push dies of E2BIG (`OSError: Argument list too long`), which rejected every
push to such a server. Real `git push` into a bare repository with the gate."""

from __future__ import annotations

from pathlib import Path

from conftest import Repo, git
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.git.revisions import stdin_revisions
from test_hook_commit_msg import out
from test_hook_pre_receive import push
from test_hook_pre_receive_trust import bare, with_origin

REFS = 45_000


def fill_with_refs(server: Path, count: int) -> None:
    """`count` refs, each on a commit of its own (so that no two exclusions are
    the same), written by one git fast-import: seconds, not minutes."""
    lines: list[str] = []
    for i in range(count):
        message = f"chore: c{i}\n"
        lines += [
            "commit refs/heads/chain",
            f"mark :{i + 1}",
            "committer Ada Author <ada@example.org> 1700000000 +0000",
            f"data {len(message)}",
            message.rstrip("\n"),
        ]
        if i:
            lines.append(f"from :{i}")
        lines.append("")
    for i in range(count):
        lines += [f"reset refs/heads/many/{i:05d}", f"from :{i + 1}", ""]
    git(server, "fast-import", "--quiet", input="\n".join(lines) + "\n")


def test_a_server_with_45000_refs_accepts_pushes(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path)
    # Patterns made the gate list every gated ref's commit as an exclusion.
    git(server, "config", "--add", "reviewgate.refs", "refs/heads/*")
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    assert push(repo, "main").returncode == 0
    fill_with_refs(server, REFS)
    assert len(git(server, "for-each-ref").stdout.splitlines()) > REFS
    repo.commit("feat: more", {"b.txt": "b\n"})
    result = push(repo, "main", "main:refs/heads/topic", "main:refs/tags/v1")
    assert result.returncode == 0, out(result)
    assert "Argument list too long" not in out(result)
    assert "checked in 2 refs: accepted" in out(result)  # tags are not gated here
    # And the gate still judges there.
    repo.commit("feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n")
    refused = push(repo, "main:refs/heads/topic2")
    assert refused.returncode == 1 and "RG301" in out(refused), out(refused)
    # One walk excluding every one of the refs, as a push of many refs reads them.
    tips = git(server, "for-each-ref", "--format=%(objectname)", "refs/heads/many/").stdout
    excluded = [f"^{oid}" for oid in tips.split()]
    assert len(excluded) == REFS
    main = git(server, "rev-parse", "main").stdout.strip()
    read = list(read_commits(open_repo(server), RangeSpec((main, *excluded)), with_paths=False))
    assert [c.sha for c in read][:1] == [main] and len(read) == 2


def test_revisions_go_to_stdin_with_the_command_lines_not_applied() -> None:
    options, text = stdin_revisions(
        ["a", "^b", "c..d", "--not", "e", "^f", "g..h", "i^!", "--all", "--not", "j"]
    )
    assert options == ["--not", "g..h", "i^!", "--all", "--not"]
    assert text.splitlines() == ["a", "^b", "c..d", "^e", "f", "j"]
