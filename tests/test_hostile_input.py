"""Bad input (issue 12, item 12; docs/security.md, "Bad input"): one commit must
never stall the gate. Each hostile commit below once cost minutes (quadratic
time in a regular expression, in the log parser, or per trailer line); here it
only has to complete, through `reviewgate check` and through a real push to a
server whose pre-receive hook runs reviewgate, and find what it should. How its
cost compares with `git log` is bench/bench_hostile.py's business."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from test_hook_commit_msg import HOOKS_DIR, run_git

CLAUDE = "Claude <noreply@anthropic.com>"
UNSIGNED = {"RG301"}  # declares Claude; nobody signed it off
TIMEOUT = 120  # generous: the quadratic versions took minutes at these sizes


def fast_import(repo: Repo, author: str, message: bytes, parent: str = "refs/heads/main",
                ref: str = "refs/heads/hostile") -> str:
    when = b"1700000000 +0000"
    stream = (b"commit %s\nauthor %s %s\ncommitter Ann <ann@example.org> %s\n"
              b"data %d\n%s\nfrom %s\n\n" % (ref.encode(), author.encode(), when, when,
                                             len(message), message, parent.encode()))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo.path, input=stream, check=True,
                   capture_output=True, timeout=TIMEOUT)
    return git(repo.path, "rev-parse", ref).stdout.strip()


def codes_of(repo: Repo, revision: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", revision, "--format", "json"],
        cwd=repo.path, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode in (0, 1), done.stderr
    return {f["code"] for c in json.loads(done.stdout)["commits"] for f in c["findings"]}


CASES = {
    "16 MB message": (
        "Ann <ann@example.org>",
        b"docs: long\n\n" + b"An ordinary line of a very long body of prose.\n" * 340_000
        + f"\nCo-authored-by: {CLAUDE}\n".encode(),
        UNSIGNED,
    ),
    "160k spaces in a Co-authored-by line": (
        "Ann <ann@example.org>",
        b"feat: x\n\nBody.\n\nCo-authored-by: Claude" + b" " * 160_000
        + b"x <noreply@anthropic.com>\n",
        UNSIGNED,
    ),
    "160k spaces in a tool author's name": (
        "Claude" + " " * 160_000 + "x <noreply@anthropic.com>",
        b"feat: x\n\nBody.\n",
        {"RG101", "RG301"},
    ),
    "16k Co-authored-by lines": (
        "Ann <ann@example.org>",
        b"feat: many\n\nBody.\n\n"
        + b"".join(b"Co-authored-by: P %d <p%d@example.org>\n" % (i, i) for i in range(16_000))
        + f"Co-authored-by: {CLAUDE}\n".encode(),
        UNSIGNED,
    ),
    "16k continuation lines": (
        "Ann <ann@example.org>",
        f"feat: folded\n\nBody.\n\nCo-authored-by: {CLAUDE}\n".encode()
        + b" more of the value above\n" * 16_000,
        UNSIGNED,
    ),
    "a 1 MB word and a 1 MB number": (
        "Ann <ann@example.org>",
        b"feat: w\n\n" + b"a" * 1_000_000 + b"\n\n" + b"1" * 1_000_000 + b"\n\n| " + b"a" * 100_000
        + f"\n\nCo-authored-by: {CLAUDE}\n".encode(),
        UNSIGNED,
    ),
    "500k blank lines and a long benchmark line": (
        "Ann <ann@example.org>",
        b"perf: faster\n\n" + b" \n" * 500_000 + "Time (mean ± σ):".encode() + b" " * 100_000
        + f"x\n\nCo-authored-by: {CLAUDE}\n".encode(),
        {"RG401", "RG301"},
    ),
}


@pytest.fixture
def based(repo: Repo) -> Repo:
    repo.commit("feat: base", {"a.txt": "a\n"})
    return repo


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_commit_is_checked(based: Repo, name: str) -> None:
    author, message, expected = CASES[name]
    fast_import(based, author, message)
    assert codes_of(based, "main..hostile") == expected


def test_thousands_of_signoff_range_statements(based: Repo) -> None:
    """Each statement once walked the whole range: 3,000 statements over 3,000
    assisted commits. Together they sign every commit off."""
    stream = bytearray()
    when = b"1700000000 +0000"
    parent = b"refs/heads/main"
    for i in range(3000):
        message = b"feat: step %d\n\nCo-authored-by: %s\n" % (i, CLAUDE.encode())
        stream += (b"commit refs/heads/chain\nmark :%d\nauthor Ann <ann@example.org> %s\n"
                   b"committer Ann <ann@example.org> %s\ndata %d\n%s\nfrom %s\n\n"
                   % (i + 1, when, when, len(message), message, parent))
        parent = b":%d" % (i + 1)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=based.path, input=bytes(stream),
                   check=True, capture_output=True, timeout=TIMEOUT)
    shas = [based.head(), *git(based.path, "rev-list", "--reverse", "main..chain").stdout.split()]
    statements = b"".join(b"Signoff-range: %s..%s\n" % (a[:12].encode(), b[:12].encode())
                          for a, b in itertools.pairwise(shas))
    fast_import(based, "Ann <ann@example.org>",
                b"feat: review\n\nBody.\n\n" + statements
                + b"Reviewed-by: Bob <bob@example.org>\n", parent="refs/heads/chain")
    assert codes_of(based, "main..hostile") == set()
    # Without the statements, nothing signs the chain off.
    assert "RG301" in codes_of(based, "main..chain")


@pytest.mark.parametrize("name", ["160k spaces in a Co-authored-by line",
                                  "160k spaces in a tool author's name", "16 MB message"])
def test_a_hostile_push_is_judged(based: Repo, tmp_path: Path, name: str) -> None:
    server = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    shutil.copy2(HOOKS_DIR / "pre-receive", server / "hooks" / "pre-receive")
    based.git("push", "-q", str(server), "main")
    author, message, expected = CASES[name]
    sha = fast_import(based, author, message)
    done = run_git(based, "push", str(server), f"{sha}:refs/heads/main")
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert done.returncode != 0, said  # rejected: RG301 (and RG101) are errors
    assert all(code in said for code in expected), said[-2000:]
    assert git(server, "rev-parse", "main").stdout.strip() != sha
