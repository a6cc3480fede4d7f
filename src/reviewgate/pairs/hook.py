"""RG201 in the commit-msg hook: does the commit being made bring its test?

Only a fix pays: for any other message no git process runs. A fix costs one
`git diff --cached` (the staged paths, which is what the commit will change; git
points GIT_INDEX_FILE at the right index for `commit -a` and `commit PATH`), and
a second process, for HEAD's paths, only when the staged paths alone do not pair
it and policy allows the two-commit shape. HEAD pairs as `check` would pair it:
when it is not pushed yet (it goes up in the same range), or when the fix's author
wrote it too; telling the first costs a third process, only for someone else's.

`git commit --amend` makes a commit that replaces HEAD: the hook then judges the
amended commit's whole change (the index against HEAD's first parent, or the
empty tree for a root commit), with HEAD's parent as the commit before it. git
does not tell hooks about --amend; git/amending.py reads it from the running
`git commit` where the system shows it (Linux), and elsewhere the staged change
alone is judged.

What the hook cannot see, it leaves to `reviewgate check` (CI, pre-receive):
- a `Test-commit:` trailer naming a commit other than HEAD.
RG204 (test weakening) needs line diffs and runs in `check` only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from reviewgate.errors import GitError
from reviewgate.git import hookenv
from reviewgate.git.amending import amending
from reviewgate.model.commit import ChangedPath, Commit, Person
from reviewgate.model.emails import normal_email
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.fix import UNPAIRED
from reviewgate.model.record import replace
from reviewgate.model.rulebook import selected, severity_for
from reviewgate.pairs.fixes import TEST_COMMIT_TRAILER, needs_test, pair_fixes
from reviewgate.pairs.rules import fix_without_test

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy

_DIFF_OPTIONS = ["-z", "--name-status", "-M", "--no-ext-diff", "--no-color"]


def staged_pair_findings(
    commit: Commit, policy: Policy, cwd: str, aliases: Mapping[str, str] | None = None
) -> list[Finding]:
    """RG201 for the pending `commit`, from the index and HEAD of the repo at `cwd`.
    `aliases` (git's alias.* settings) help tell `git amend`-style aliases."""
    if severity_for("RG201", policy.rules) is Severity.OFF:
        return []
    if not (selected(commit, policy) and needs_test(commit, policy)):
        return []
    base: list[str] = []
    previous: str | None = "HEAD"
    if amending(aliases):
        replaced = read_head(cwd)
        if replaced is not None:
            # The amended commit replaces HEAD: its change is against HEAD's parent.
            base = [replaced.parents[0] if replaced.parents else _empty_tree(cwd)]
            commit = replace(commit, parents=replaced.parents)
            previous = "HEAD^" if replaced.parents else None
    diff = hookenv.run_git(["diff", "--cached", *_DIFF_OPTIONS, *base], cwd)
    fix_commit = replace(commit, changes=parse_name_status(diff))
    (fix,) = pair_fixes([fix_commit], policy, {})
    if fix.shape == UNPAIRED and policy.fixes.pairing != "same-commit":
        head = read_head(cwd, previous) if previous else None
        if head is not None and _may_be_its_test(head, commit, cwd):
            fix_commit = replace(fix_commit, parents=(head.sha, *commit.parents[1:]))
            (fix,) = pair_fixes([fix_commit, head], policy, {})
    named = [v.strip().lower() for v in fix_commit.trailer_values(TEST_COMMIT_TRAILER)]
    head_sha = fix_commit.parents[0] if fix_commit.parents else ""
    two_commit = policy.fixes.pairing != "same-commit"
    if (
        fix.shape == UNPAIRED
        and two_commit
        and any(v and not head_sha.startswith(v) for v in named)
    ):
        return []  # it names a commit the hook did not read: `check` decides
    found = fix_without_test(fix, policy)
    return [] if found is None else [found]


def _empty_tree(cwd: str) -> str:
    """The empty tree's id in this repository's hash (SHA-1 or SHA-256)."""
    return hookenv.run_git(["hash-object", "-t", "tree", os.devnull], cwd).strip()


def read_head(cwd: str, rev: str = "HEAD") -> Commit | None:
    """HEAD's (or `rev`'s) sha and changed paths (against its first parent), or None
    before the first commit."""
    args = ["diff-tree", "-r", "--root", "--always", "--diff-merges=first-parent",
            "--format=%H%x00%ae%x00%P"]
    try:
        out = hookenv.run_git([*args, *_DIFF_OPTIONS, rev], cwd)
    except GitError:
        return None
    sha, _, rest = out.partition("\0")
    email, _, rest = rest.partition("\0")
    parents, _, rest = rest.partition("\0")
    if not sha:
        return None
    author = Person("", email)
    changes = parse_name_status(rest.lstrip("\n"))
    return Commit(sha.strip(), tuple(parents.split()), author, Person("", ""), "",
                  changes=changes)


def _may_be_its_test(head: Commit, fix: Commit, cwd: str) -> bool:
    """Whether HEAD may be the pending fix's test commit, as `check` and pre-push
    decide. Never a merge. Not pushed yet, it goes up in the fix's range: yes.
    Already on a remote, it lies outside that range (OutsideParents.may_pair): the
    fix's author wrote it, or no remote's default branch (main, master, HEAD)
    holds it yet."""
    if len(head.parents) > 1:
        return False
    if normal_email(head.author.email) == normal_email(fix.author.email):
        return True
    try:
        out = hookenv.run_git(
            ["for-each-ref", "--format=%(refname)", "--contains", head.sha, "refs/remotes/"],
            cwd,
        )
    except GitError:
        return True  # cannot tell: leave it to check
    # refs/remotes/REMOTE/BRANCH: a branch named bob/main is no default branch.
    branches = [ref.split("/", 3)[3] for ref in out.split() if ref.count("/") >= 3]
    return not any(branch in ("HEAD", *hookenv.DEFAULT_BRANCHES) for branch in branches)


def parse_name_status(text: str) -> tuple[ChangedPath, ...]:
    """The entries of `git diff --name-status -z` output."""
    tokens = text.split("\0")
    changes: list[ChangedPath] = []
    i = 0
    while i < len(tokens) - 1:
        status = tokens[i]
        if not status:
            i += 1
            continue
        if status[0] in "RC":
            changes.append(
                ChangedPath(status[0], tokens[i + 2], tokens[i + 1], int(status[1:] or 0))
            )
            i += 3
        else:
            changes.append(ChangedPath(status[0], tokens[i + 1]))
            i += 2
    return tuple(changes)
