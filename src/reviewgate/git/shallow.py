"""Deepen a shallow clone just enough for a range to be read whole.

CI checkouts are shallow by default (GitHub Actions: depth 1; GitLab: GIT_DEPTH).
reviewgate never checks fewer commits than asked, so before reading a range from
such a clone it fetches more history: first by doubling `--deepen` steps, then,
if that is not enough, with `--unshallow`.

A fetch here changes only the object store and `.git/shallow`: it asks for the
shallow commits themselves by object id with an empty `--refmap`, so no ref
(branch, remote-tracking branch, tag, FETCH_HEAD) moves. Servers that refuse to
hand out an object by id (protocol v0 without uploadpack.allowReachableSHA1InWant)
get a plain `git fetch --deepen=N REMOTE` instead, which also updates that remote's
tracking branches as any fetch does; local branches, the index and the working
tree are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewgate.git.repo import shallow_boundary

if TYPE_CHECKING:
    import git as gitpython

# How far the first round deepens; each further round doubles the step.
FIRST_STEP = 50
# Rounds of --deepen before falling back to --unshallow: 50+100+…+1600 commits.
MAX_ROUNDS = 6

# Keep fetches quiet and free of side effects beyond objects and .git/shallow.
_QUIET = ("--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules")
# A CI job has no terminal: a remote asking for credentials must fail, not hang.
_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


# The commits whose parents a shallow clone lacks; the one reader lives in git.py.
shallow_commits = shallow_boundary


def is_shallow(repo: gitpython.Repo) -> bool:
    """Whether the repository is a shallow clone (its `shallow` file lists commits)."""
    return bool(shallow_commits(repo))


def range_complete(
    repo: gitpython.Repo, revisions: Sequence[str], *, max_count: int | None = None
) -> bool:
    """Whether every commit of the range, and every parent it needs, is present.

    Mirrors git.read_commits: the range is cut off when the walk lists a shallow
    commit, except as the very last commit `max_count` allows. A revision that does
    not resolve counts as incomplete here: deepening may bring it."""
    import git as gitpython  # GitPython needs a git binary to import

    if not revisions:
        return True  # an empty range reads nothing (never hand git log no revision)
    boundary = shallow_commits(repo)
    args = [f"--max-count={max_count}"] if max_count is not None else []
    try:
        listed = repo.git.rev_list(*args, *revisions, "--").split()
    except gitpython.GitCommandError:
        return False
    if not boundary:
        return True
    return not any(
        sha in boundary and (max_count is None or position < max_count)
        for position, sha in enumerate(listed, start=1)
    )


def deepen_for(
    repo: gitpython.Repo,
    revisions: Sequence[str],
    *,
    remote: str = "origin",
    max_rounds: int = MAX_ROUNDS,
    first_step: int = FIRST_STEP,
    max_count: int | None = None,
    refspecs: Sequence[str] = (),
) -> bool:
    """Fetch just enough history from `remote` for `revisions` to be read whole.

    `refspecs` (e.g. ci.CiRange.fetch) are fetched first, whatever the depth: they
    name refs the range's meaning depends on, such as the default branch that a new
    branch's commits are told apart from. Returns True when the range is complete
    (or the clone is not shallow), False when it cannot be made so: no such remote,
    a fetch failed, or the remote no longer has the history. The caller then stops
    with exit 2 and git.SHALLOW_FIX.
    """
    has_remote = remote in _remote_names(repo)
    if refspecs and not (has_remote and _fetch_refspecs(repo, remote, refspecs, first_step)):
        return False
    if not is_shallow(repo) or range_complete(repo, revisions, max_count=max_count):
        return True
    if not has_remote:
        return False
    step = first_step
    for _ in range(max_rounds):
        boundary = shallow_commits(repo)
        if not _fetch_shallow(repo, remote, f"--deepen={step}"):
            return False
        if not is_shallow(repo) or range_complete(repo, revisions, max_count=max_count):
            return True
        if shallow_commits(repo) == boundary:
            break  # the remote no longer reaches these commits: deepening cannot help
        step *= 2
    if not _fetch_shallow(repo, remote, "--unshallow"):
        return False
    return not is_shallow(repo) or range_complete(repo, revisions, max_count=max_count)


def _remote_names(repo: gitpython.Repo) -> set[str]:
    import git as gitpython  # GitPython needs a git binary to import

    try:
        return set(repo.git.remote().split())
    except gitpython.GitCommandError:
        return set()


def _fetch_shallow(repo: gitpython.Repo, remote: str, depth_option: str) -> bool:
    """Deepen (or unshallow) the clone; True when git succeeded."""
    import git as gitpython  # GitPython needs a git binary to import

    # The server deepens every shallow commit it can reach from its refs, whatever
    # we want; wanting the shallow commits themselves lets the refs stay put.
    wanted = sorted(shallow_commits(repo))
    try:
        repo.git.fetch(*_QUIET, depth_option, "--refmap=", remote, *wanted, env=_NO_PROMPT)
        return True
    except gitpython.GitCommandError:
        pass
    try:
        repo.git.fetch(*_QUIET, depth_option, remote, env=_NO_PROMPT)
        return True
    except gitpython.GitCommandError:
        return False


def fetch_commit(repo: gitpython.Repo, sha: str, remote: str = "origin") -> bool:
    """Fetch one commit by its id (a force-push's old tip that this clone never had),
    moving no ref; True when it is here afterwards. Most servers hand out any
    commit they hold by id (protocol v2); a pruned one is gone for good."""
    return _fetch_refspecs(repo, remote, [sha], 1)


def _fetch_refspecs(repo: gitpython.Repo, remote: str, refspecs: Sequence[str], depth: int) -> bool:
    """Fetch `refspecs`; in a shallow clone only `depth` commits of each, since
    their whole history may be most of the repository. The deepening rounds that
    follow add what the range needs."""
    import git as gitpython  # GitPython needs a git binary to import

    # A --depth fetch may mark as shallow a commit that was complete here (when the
    # ref's history is already present); its objects stay, and the completeness
    # check that follows deepens it again.
    depth_args = [f"--depth={depth}"] if is_shallow(repo) else []
    try:
        repo.git.fetch(*_QUIET, *depth_args, remote, *refspecs, env=_NO_PROMPT)
        return True
    except gitpython.GitCommandError:
        return False
