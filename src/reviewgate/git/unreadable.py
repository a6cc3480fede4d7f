"""An object git cannot read, named by the commit and path that hold it.

A partial clone that cannot reach its promisor, or a damaged repository, makes
git stop with `fatal: unable to read <sha>`: an object id, and no word of which
commit or file it belongs to. This module finds them, on that error path only:
the commits the failing command read (at most MAX_SEARCHED of them, newest
first), their parents, and their trees (`git ls-tree -r -t` lists a tree's
entries up to the one it cannot read, that one included).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence

from reviewgate.errors import GitError
from reviewgate.git.revisions import stdin_revisions

MAX_SEARCHED = 64
_OID = r"([0-9a-f]{40}(?:[0-9a-f]{24})?)"
# What git says of an object it cannot read, by git version and command.
_UNREADABLE = re.compile(
    r"(?:unable to read(?: tree| sha1 file of [^\n]*? \(|)"
    r"|could not read|could not fetch|bad object|missing (?:blob|tree|commit)(?: object)?"
    r"|invalid object)"
    r" ?'?" + _OID,
    re.IGNORECASE,
)
_CHILD = re.compile(r"parents of commit " + _OID)
FIX = (
    "the clone is partial or damaged: fetch what it lacks (`git fetch origin`; a partial "
    "clone fetches missing objects from its promisor remote), then check it with `git fsck`"
)


def unreadable_oid(stderr: str) -> str | None:
    """The object id git names in an "unable to read" error, if it says one."""
    found = _UNREADABLE.search(stderr)
    return found.group(1) if found else None


def unreadable_error(git_dir: str, stderr: str, commits: Sequence[str]) -> GitError | None:
    """A one-line error naming the unreadable object, the commit (one of `commits`,
    the commits the failing command read) and the path that hold it, and the fix;
    None when git's words name no unreadable object."""
    oid = unreadable_oid(stderr)
    if oid is None:
        return None
    said = next((ln.strip() for ln in stderr.splitlines() if ln.strip()), "")
    said = said.removeprefix("fatal: ").removeprefix("error: ")
    return GitError(
        f"cannot read object {oid[:12]} ({_where(git_dir, oid, commits)}); {FIX} (git: {said})"
    )


def unreadable_in_log(
    git_dir: str, stderr: str, revisions: Sequence[str], last: str
) -> GitError | None:
    """unreadable_error for a failed `git log` of `revisions`, whose last commit
    read whole was `last`."""
    options, text = stdin_revisions(revisions)
    return unreadable_error(git_dir, stderr, range_commits(git_dir, options, text, last))


def failing_first(commits: Sequence[str], output: bytes) -> list[str]:
    """`commits`, in the order a `--stdin` git command read them, with the one it
    failed on first: the last whose id its `output` shows (git names a commit
    before it reads its trees), then those it never reached."""
    shown = [sha for sha in commits if sha.encode() in output]
    last = shown[-1:] if shown else []
    rest = [sha for sha in commits if sha not in shown]
    return [*last, *rest, *shown[:-1]]


def range_commits(
    git_dir: str, options: Sequence[str], revisions: str, after: str = ""
) -> list[str]:
    """Commits to search for a failed `git log` of a range, newest first: those
    its tips reach (`git rev-list` from the tips alone streams, where a range's
    walk would stop before listing any), from the one after `after` (the last
    commit read whole) on, then those before it."""
    tips = [line for line in revisions.splitlines() for line in line.split("..")[-1:] if line]
    tips = [tip.lstrip("^") for tip in tips if not tip.startswith("^")]
    selectors = []
    for option in options:
        if option == "--not":
            break
        if option.startswith(("--all", "--branches", "--tags", "--remotes", "--glob")):
            selectors.append(option)
    out, err = _run(
        git_dir,
        "rev-list",
        f"--max-count={MAX_SEARCHED * 4}",
        *selectors,
        "--stdin",
        input="".join(f"{tip}\n" for tip in tips),
    )
    # rev-list stops at a commit whose parent it cannot read, and names that commit.
    child = _CHILD.search(err)
    listed = [*([child.group(1)] if child else []), *out.split()]
    if after in listed:
        at = listed.index(after) + 1
        return [*listed[at:], *listed[:at]]
    return [*([after] if after else []), *listed]


def _where(git_dir: str, oid: str, commits: Sequence[str]) -> str:
    searched = list(dict.fromkeys(commits))[:MAX_SEARCHED]
    if oid in searched:
        return f"commit {oid[:10]} itself"
    parents = _parents(git_dir, searched)
    for commit in searched:
        if oid in parents.get(commit, ()):
            return f"commit {oid[:10]}, a parent of {commit[:10]}"
    for commit in searched:
        for holder in (commit, *parents.get(commit, ())[:1]):
            path = _path_in(git_dir, holder, oid)
            if path is not None:
                side = "" if holder == commit else f", as its parent {holder[:10]} has it"
                return f"{path} in commit {commit[:10]}{side}"
    if len(searched) == 1:
        return f"read for commit {searched[0][:10]}"
    return "no commit of the range names it: a tree or commit git reached on its way"


def _parents(git_dir: str, commits: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if not commits:
        return {}
    done = _git(
        git_dir,
        "log",
        "--no-walk=unsorted",
        "--ignore-missing",
        "--format=%H %P",
        "--stdin",
        input="".join(f"{sha}\n" for sha in commits),
    )
    found: dict[str, tuple[str, ...]] = {}
    for line in done.splitlines():
        sha, *parents = line.split()
        found[sha] = tuple(parents)
    return found


def _path_in(git_dir: str, commit: str, oid: str) -> str | None:
    """The path of `oid` in `commit`'s tree, from the entries git could list."""
    listing = _git(git_dir, "ls-tree", "-r", "-t", "-z", "--full-tree", commit)
    for record in listing.split("\0"):
        meta, _, path = record.partition("\t")
        if meta.split(" ")[2:3] == [oid]:
            return path
    return None


def _git(git_dir: str, *args: str, input: str = "") -> str:
    """git's stdout, whatever its exit status: what it listed before it failed."""
    return _run(git_dir, *args, input=input)[0]


def _run(git_dir: str, *args: str, input: str = "") -> tuple[str, str]:
    try:
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", *args],
            input=input.encode(),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "", ""
    return (done.stdout.decode("utf-8", "surrogateescape"), done.stderr.decode("utf-8", "replace"))
