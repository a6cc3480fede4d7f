"""Which commits are fixes, and where each fix's test is.

A commit is a fix when its subject matches `fixes.subject` (searched without regard
to case, as Conventional Commits types are case-insensitive) or when it carries a
non-empty trailer named in `fixes.trailers`.

A fix is paired with its test in one of two shapes (`fixes.pairing` chooses which
count):

- same-commit: the fix C changes test files and source files;
- two-commit: a test-only commit T (test files, and ignored files if any) comes
  just before the fix F, as F's first parent, in the range or just outside it
  when F's author wrote it or no default branch holds it yet (OutsideParents);
  or F names an earlier test-only commit of the range in a
  `Test-commit: <sha>` trailer. The
  trailer wins over adjacency, and an explicit pair also counts when T is not F's
  parent (the commits between them are not looked at).

When a fix could be paired both ways, the named test commit wins. Then, when the
fix changes tests itself and its parent is test-only, it continues the parent's
pair (two-commit) if it touches only the test files the parent touched, and is a
same-commit pair (its own tests) otherwise.

A fix that changes no source file (only ignored files, only tests — it fixes a test
— or nothing at all) needs no test: "no-test-needed". Everything else is
"unpaired" (RG201), unless it carries a `Test-waiver: <reason>` trailer, which
turns RG201 into a notice and makes the commit need a human sign-off. A waiver
without a reason is no waiver.

Renames count on both sides: moving a test into a source directory changes a test.
Merges and fixup!/squash! commits are fixes only when `rules.selected` lets the
rules look at them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from reviewgate.model.emails import normal_email
from reviewgate.model.fix import NO_TEST_NEEDED, SAME_COMMIT, TWO_COMMIT, UNPAIRED, Fix
from reviewgate.model.memo import IdentityMemo
from reviewgate.model.record import record
from reviewgate.model.rulebook import selected
from reviewgate.pairs.paths import IGNORED, SOURCE, TEST, classify

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import ChangedPath, Commit
    from reviewgate.model.evidence import CommitDiff
    from reviewgate.policy.schema import Policy

WAIVER_TRAILER = "Test-waiver"  # value: the reason; an empty reason is not a waiver
TEST_COMMIT_TRAILER = "Test-commit"  # value: sha (or unique prefix) of the test commit


_MIN_PREFIX = 4  # as git's shortest abbreviation


@lru_cache(maxsize=32)
def _subject_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# The diff prefetch, fix_candidates and pair_fixes all ask of every commit in one run.
_IS_FIX = IdentityMemo()


def is_fix(commit: Commit, policy: Policy) -> bool:
    return _IS_FIX.get(commit, policy, lambda: _is_fix(commit, policy))  # type: ignore[return-value]


def _is_fix(commit: Commit, policy: Policy) -> bool:
    if _subject_regex(policy.fixes.subject).search(commit.subject):
        return True
    return any(value.strip() for value in commit.trailer_values(*policy.fixes.trailers))


# Whether a commit declares or shows a tool. The disclosure rules know; they sit
# beside this package, not below it, so the rules package hands the check in.
_assisted: Callable[[Commit, Policy], bool] | None = None


def use_assisted_check(check: Callable[[Commit, Policy], bool]) -> None:
    global _assisted
    _assisted = check


def needs_test(commit: Commit, policy: Policy) -> bool:
    """Whether `tests.required_for` asks `commit` for a test: a fix; with
    `assisted` also a commit that declares or shows a tool; with `code` any commit.
    (A commit that changes no source file then needs none: "no-test-needed".)"""
    mode = policy.tests.required_for
    if mode == "code" or is_fix(commit, policy):
        return True
    if mode != "assisted":
        return False
    if _assisted is None:
        raise RuntimeError("tests.required_for: assisted needs reviewgate.rules imported")
    return _assisted(commit, policy)


def waiver_reason(commit: Commit) -> str | None:
    """The reason of the commit's Test-waiver, or None (no waiver, or no reason)."""
    for value in commit.trailer_values(WAIVER_TRAILER):
        if value.strip():
            return value.strip()
    return None


def _fixes(commits: Sequence[Commit], policy: Policy) -> Iterable[Commit]:
    # Imported here: reviewgate.pipeline.rules imports the rule modules, which import this one.
    return (c for c in commits if selected(c, policy) and needs_test(c, policy))


def fix_candidates(commits: Sequence[Commit], policy: Policy) -> set[str]:
    """The shas whose diffs pairing needs: each fix, its first parent when that is in
    the range, the commit its Test-commit trailer names, and the commits between the
    two (none of which may touch a test)."""
    in_range = _ShaIndex(commit.sha for commit in commits)
    by_sha: dict[str, Commit] | None = None
    wanted: set[str] = set()
    for commit in _fixes(commits, policy):
        wanted.add(commit.sha)
        if commit.parents and commit.parents[0] in in_range:
            wanted.add(commit.parents[0])
        named = _named_test_commit(commit, in_range)
        if named is not None:
            wanted.add(named)
            by_sha = by_sha if by_sha is not None else {c.sha: c for c in commits}
            wanted.update(c.sha for c in _between(named, commit.sha, by_sha) or ())
    return wanted


@record
class OutsideParents:
    """First parents of fixes that lie outside the range, read apart from it."""

    commits: Mapping[str, Commit]  # by sha
    unread: frozenset[str] = frozenset()  # at a shallow clone's edge: changes unknown
    # Not yet on a branch that is merged (the remote's or server's default branch):
    # they go up for review with the fix, whoever wrote them.
    unmerged: frozenset[str] = frozenset()

    def may_pair(self, sha: str, fix: Commit) -> Commit | None:
        """The outside parent `sha` when it may be `fix`'s test commit: the fix's
        own author wrote it, or it is not merged yet (someone else's test commit on
        the base branch is not this fix's test). Never a merge: against its first
        parent it shows whatever branch it brought in, as if it were its own."""
        parent = self.commits.get(sha)
        if parent is None or len(parent.parents) > 1:
            return None
        if sha in self.unmerged:
            return parent
        same = normal_email(parent.author.email) == normal_email(fix.author.email)
        return parent if same else None


NO_OUTSIDE = OutsideParents({})


def outside_parents(commits: Sequence[Commit], policy: Policy) -> list[str]:
    """The first parents of the range's fixes that lie outside the range, oldest
    fix first: each may be its fix's test commit, read apart from the range."""
    in_range = {commit.sha for commit in commits}
    found = (
        commit.parents[0]
        for commit in _fixes(commits, policy)
        if commit.parents and commit.parents[0] not in in_range
    )
    return list(dict.fromkeys(reversed(list(found))))


class _ShaIndex:
    """The shas of a range, found by a prefix without scanning them all: a range
    of thousands of Test-commit pairs would otherwise cost n^2."""

    def __init__(self, shas: Iterable[str]) -> None:
        self._shas = set(shas)
        self._by_prefix: dict[str, list[str]] = {}
        for sha in self._shas:
            self._by_prefix.setdefault(sha[:_MIN_PREFIX], []).append(sha)

    def __contains__(self, sha: object) -> bool:
        return sha in self._shas

    def starting_with(self, prefix: str) -> list[str]:
        bucket = self._by_prefix.get(prefix[:_MIN_PREFIX], [])
        return [sha for sha in bucket if sha.startswith(prefix)]


def _named_prefixes(commit: Commit) -> list[str]:
    """The sha prefixes the commit's Test-commit trailers give (the value's first
    word, at least as long as git's shortest abbreviation)."""
    found = []
    for value in commit.trailer_values(TEST_COMMIT_TRAILER):
        token = value.strip().split(maxsplit=1)[0].lower() if value.strip() else ""
        if len(token) >= _MIN_PREFIX and re.fullmatch(r"[0-9a-f]+", token):
            found.append(token)
    return found


def _named_test_commit(commit: Commit, in_range: _ShaIndex) -> str | None:
    """The one sha of the range that the Test-commit trailer names, if any."""
    for prefix in _named_prefixes(commit):
        matches = in_range.starting_with(prefix)
        if len(matches) == 1:
            return matches[0]
    return None


def _names(commit: Commit, sha: str) -> bool:
    """Whether a Test-commit trailer of `commit` names `sha`."""
    return any(sha.startswith(prefix) for prefix in _named_prefixes(commit))


def _kinds(changes: Iterable[ChangedPath], policy: Policy) -> dict[str, list[str]]:
    """The commit's paths by kind; a rename or copy counts its old path too."""
    kinds: dict[str, list[str]] = {TEST: [], IGNORED: [], SOURCE: []}
    for change in changes:
        kinds[classify(change.path, policy)].append(change.path)
        if change.old_path is not None and change.old_path != change.path:
            kinds[classify(change.old_path, policy)].append(change.old_path)
    return kinds


def _existing_tests(changes: Iterable[ChangedPath], policy: Policy) -> tuple[str, ...]:
    """Test files that exist after the commit: what a test command can run."""
    return tuple(
        dict.fromkeys(
            c.path for c in changes if c.status != "D" and classify(c.path, policy) == TEST
        )
    )


def _changes_of(commit: Commit, diffs: Mapping[str, CommitDiff]) -> tuple[ChangedPath, ...]:
    diff = diffs.get(commit.sha)
    if diff is not None:
        return diff.paths
    if commit.changes is not None:
        return commit.changes
    raise LookupError(f"no diff for fix candidate {commit.short_sha}: gather its diff first")


def _is_test_only(changes: Sequence[ChangedPath], policy: Policy) -> bool:
    """A commit that adds or changes a test and no source. Deleting a test shows no
    bug, so a commit that only deletes tests is no test commit."""
    kinds = _kinds(changes, policy)
    return bool(_existing_tests(changes, policy)) and not kinds[SOURCE]


def _between(older: str, sha: str, by_sha: Mapping[str, Commit]) -> list[Commit] | None:
    """The commits strictly between `older` and `sha` on `sha`'s first-parent line,
    newest first; None when that line leaves the range before reaching `older`. The
    walk stops there: a named test commit is usually a few commits back."""
    found: list[Commit] = []
    current = by_sha[sha]
    while current.parents:
        parent = current.parents[0]
        if parent == older:
            return found
        if parent not in by_sha:
            return None
        current = by_sha[parent]
        found.append(current)
    return None


def pair_fixes(
    commits: Sequence[Commit],
    policy: Policy,
    diffs: Mapping[str, CommitDiff],
    outside: OutsideParents = NO_OUTSIDE,
) -> list[Fix]:
    """Every fix of `commits` that policy selects, with its shape, in range order.
    `outside` holds first parents of fixes read from beyond the range: each may be
    its fix's test commit (OutsideParents.may_pair), and nothing else."""
    by_sha = {commit.sha: commit for commit in commits}
    index = _ShaIndex(by_sha)
    return [
        _pair(commit, by_sha, index, policy, diffs, outside)
        for commit in _fixes(commits, policy)
    ]


def _pair(
    commit: Commit,
    by_sha: Mapping[str, Commit],
    index: _ShaIndex,
    policy: Policy,
    diffs: Mapping[str, CommitDiff],
    outside: OutsideParents,
) -> Fix:
    changes = _changes_of(commit, diffs)
    kinds = _kinds(changes, policy)
    waiver = waiver_reason(commit)
    notes: list[str] = []
    if commit.trailer_values(WAIVER_TRAILER) and waiver is None:
        notes.append(f"its {WAIVER_TRAILER} trailer gives no reason, so it waives nothing")
    if not kinds[SOURCE]:
        return Fix(commit, NO_TEST_NEEDED, test_paths=tuple(kinds[TEST]), waiver=waiver)
    pairing = policy.fixes.pairing
    two_commit = pairing in ("previous-commit", "either")
    if two_commit and commit.trailer_values(TEST_COMMIT_TRAILER):
        found, why = _explicit_pair(commit, by_sha, index, policy, diffs, outside)
        if found is not None:
            tests = _existing_tests(_changes_of(found, diffs), policy)
            return Fix(commit, TWO_COMMIT, found, tests, waiver, "; ".join(notes))
        notes.append(why)
    # Only a test that exists afterwards can show the bug: deleting one shows nothing.
    own_tests = _existing_tests(changes, policy)
    same_commit = pairing in ("same-commit", "either") and bool(own_tests)
    first = commit.parents[0] if commit.parents else None
    parent = None if first is None else (by_sha.get(first) or outside.may_pair(first, commit))
    # A merge is never a test commit: against its first parent it shows whatever
    # the branch it brought in changed, tests someone else wrote included.
    if two_commit and parent is not None and len(parent.parents) <= 1:
        parent_changes = _changes_of(parent, diffs)
        parent_tests = _kinds(parent_changes, policy)[TEST]
        # A fix that touches only its test commit's files still continues that pair.
        if _is_test_only(parent_changes, policy) and (
            not same_commit or set(kinds[TEST]) <= set(parent_tests)
        ):
            tests = _existing_tests(parent_changes, policy)
            return Fix(commit, TWO_COMMIT, parent, tests, waiver, "; ".join(notes))
    if same_commit:
        return Fix(commit, SAME_COMMIT, None, own_tests, waiver, "; ".join(notes))
    if two_commit and first is not None and first in outside.unread:
        notes.append(f"its parent {first[:10]} lies at the edge of this shallow clone, so "
                     "what it changed is unknown (fetch more history: git fetch --deepen=1)")
    return Fix(commit, UNPAIRED, waiver=waiver, note="; ".join(notes))


def _explicit_pair(
    commit: Commit,
    by_sha: Mapping[str, Commit],
    index: _ShaIndex,
    policy: Policy,
    diffs: Mapping[str, CommitDiff],
    outside: OutsideParents,
) -> tuple[Commit | None, str]:
    named = commit.trailer_values(TEST_COMMIT_TRAILER)[0].strip()
    sha = _named_test_commit(commit, index)
    first = commit.parents[0] if commit.parents else ""
    between: list[Commit] | None
    if sha is None and outside.may_pair(first, commit) is not None and _names(commit, first):
        sha, between = first, []  # the parent, read from beyond the range
    elif sha is None:
        return None, f"{TEST_COMMIT_TRAILER}: {named!r} names no single commit of the range"
    else:
        between = _between(sha, commit.sha, by_sha)
    if between is None:
        return None, (
            f"{TEST_COMMIT_TRAILER}: {named!r} is not an earlier commit on the fix's "
            "first-parent line in the range"
        )
    test_commit = by_sha.get(sha) or outside.commits[sha]
    if len(test_commit.parents) > 1:
        return None, (
            f"{TEST_COMMIT_TRAILER}: {named!r} names {test_commit.short_sha}, a merge, "
            "which is no test commit"
        )
    if not _is_test_only(_changes_of(test_commit, diffs), policy):
        return None, (
            f"{TEST_COMMIT_TRAILER}: {named!r} names {test_commit.short_sha}, "
            "which does not change only tests"
        )
    # Red is the test commit and green the fix: a commit between them that changed a
    # test would go unseen, weakening it included.
    for middle in between:
        touched = _kinds(_changes_of(middle, diffs), policy)[TEST]
        if touched:
            return None, (
                f"{TEST_COMMIT_TRAILER}: {middle.short_sha}, between the test commit and the "
                f"fix, changes a test ({touched[0]})"
            )
    return test_commit, ""
