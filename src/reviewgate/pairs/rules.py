"""RG201, RG204: a fix brings the test that shows its bug, and leaves older tests alone.

Pure: the commits, the policy and the diffs that gathering read for the fix
candidates (reviewgate.pairs.diffs) in, findings out. Which commits are fixes and how
they pair with their tests is reviewgate.pairs.fixes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reviewgate.model.finding import Finding, Severity
from reviewgate.model.fix import NO_TEST_NEEDED, SAME_COMMIT, TWO_COMMIT, UNPAIRED, Fix
from reviewgate.model.record import replace
from reviewgate.model.rulebook import make_finding, rule, severity_for
from reviewgate.pairs.fixes import TEST_COMMIT_TRAILER, WAIVER_TRAILER, is_fix, pair_fixes
from reviewgate.pairs.weakening import only_comments, weakening_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import CommitDiff, Evidence, FileDiff
    from reviewgate.policy.schema import Policy

_SHAPES = {
    "same-commit": "in the fix itself",
    "previous-commit": "in a test-only commit just before the fix",
    "either": "in the fix itself or in a test-only commit just before it",
}


@rule("RG201", "fix-without-test", "a fix with no test change, in its commit or the one before")
def fix_without_test(
    fix: Fix, policy: Policy, diffs: Mapping[str, CommitDiff] | None = None
) -> Finding | None:
    """## What it does
    Finds fixes that bring no test. A commit is a fix when its subject matches
    `fixes.subject` (by default `fix: x`, `fix(scope): x`, `Fix x`, `Fixes x`,
    `hotfix x` or `area: fix x`, in any case) or when it carries a trailer from
    `fixes.trailers` (`Fixes:`, `Closes:`, `Resolves:`). `tests.required_for`
    widens this to every commit that declares or shows a tool (`assisted`) or to
    every commit (`code`); each is then judged as a fix is. Its test may be, as
    `fixes.pairing` allows:

    - in the same commit, which then changes test files and source files;
    - in the commit just before it (its first parent, never a merge), which
      changes only test files (and files under `paths.ignore`). It may lie outside the
      checked range: already pushed and not merged yet (it goes up for review
      with the fix), or written by the fix's own author. Someone else's test
      commit on the base branch, or a merge that brought one in, is not its test;
    - in an earlier test-only commit of the range that the fix names with a
      `Test-commit: <sha>` trailer, on the fix's first-parent line, when no commit
      between the two changes a test (or in its parent, named so).

    A fix that changes no source file (only files under `paths.ignore`, or only
    tests: it fixes a test) needs no test. Test files are those matching
    `paths.tests`; Rust's inline `#[cfg(test)]` modules cannot be told by path.
    A test change that only adds, removes or moves comments and whitespace (or
    renames the file) is no test: no line of test code shows the bug.

    ## Why is this bad?
    A fix without a test says the bug is gone without showing it was there. The
    next change can bring the bug back unnoticed, and a reviewer cannot tell a
    fix from a guess. With a test, `reviewgate verify` proves that it fails
    without the fix and passes with it.

    ## Example
    ```
    fix(parser): accept an empty input
    ```
    changing only `src/parser.py`.

    ## Use instead
    ```
    fix(parser): accept an empty input
    ```
    changing `src/parser.py` and `tests/test_parser.py`; or a commit
    `test(parser): show the crash on empty input` just before it.

    ## How to fix
    Add a test that fails without the fix, in the fix or in a test-only commit
    just before it. When no test can show the bug (hardware, timing, a third
    party's outage), add a `Test-waiver: <reason>` trailer: the finding becomes a
    notice, and the commit then needs a human sign-off. A waiver without a
    reason waives nothing.
    """
    hollow = _comment_only_tests(fix, diffs or {})
    if fix.shape != UNPAIRED and not hollow:
        return None
    commit = fix.commit
    where = _SHAPES.get(policy.fixes.pairing, _SHAPES["either"])
    kind, why = "fix", ""
    if not is_fix(commit, policy):  # asked for by tests.required_for
        kind, where = "commit", where.replace("the fix", "the commit")
        why = f" (tests.required_for: {policy.tests.required_for})"
    name = f"this {kind}" if commit.pending else f"{kind} {commit.short_sha}"
    message = f"{name} changes source files and has no test{why}: none {where}" if why else (
        f"{name} has no test: none {where}")
    if hollow:
        message = (
            f"{name} has no test: its test change only adds or moves comments and "
            f"whitespace ({', '.join(hollow[:3])})"
        )
    if fix.note:
        message += f" ({fix.note})"
    if fix.waiver is not None:
        found = make_finding(
            commit,
            "RG201",
            f"{message}; waived by `{WAIVER_TRAILER}: {fix.waiver}`, so the commit needs a "
            "human sign-off",
            "a reviewer other than the author signs off on the waiver",
            policy.rules,
        )
        return None if found is None else replace(found, severity=Severity.NOTICE)
    hint = (
        "add a test that fails without the fix, "
        + where
        + (f" (or name it with `{TEST_COMMIT_TRAILER}: <sha>`)" if "just before" in where else "")
        + f"; if no test can show the bug, add the trailer `{WAIVER_TRAILER}: <reason>`"
    )
    return make_finding(commit, "RG201", message, hint, policy.rules)


def _comment_only_tests(fix: Fix, diffs: Mapping[str, CommitDiff]) -> list[str]:
    """The test files a pair rests on, when every one of them was read line by line
    and changes only comments and whitespace; else []."""
    holder = {SAME_COMMIT: fix.commit, TWO_COMMIT: fix.test_commit}.get(fix.shape)
    diff = diffs.get(holder.sha) if holder is not None else None
    if diff is None:
        return []
    files = [file for file in diff.test_files if file.path in fix.test_paths]
    if files and all(only_comments(file) for file in files):
        return [file.path for file in files]
    return []


@rule("RG204", "test-weakened", "a fix changes or deletes test lines that existed before it")
def test_weakened(
    fix: Fix, diff: CommitDiff, policy: Policy, test_diff: CommitDiff | None = None
) -> Finding | None:
    """## What it does
    Finds fixes that remove or edit lines of test files that existed before the
    fix: in a two-commit pair the lines the test commit added (and any older
    ones), in a same-commit pair the lines the fix found in place. A line it
    moves unchanged within the same file is fine. A deleted test file counts as
    deleting all its lines. Blank lines do not count. Lines the fix adds are fine,
    except those that skip or disable an existing test: a skip marker on it
    (`@pytest.mark.skip`, `skipif`, `xfail`, `pytestmark = pytest.mark.skip`,
    `@unittest.skip`, `@Disabled`, `@Ignore`, `#[ignore]`), a skip call in it
    (`pytest.skip(`, `self.skipTest(`, `t.Skip(`), a skipped block around it
    (`describe.skip(`, `it.skip(`, `xit(`), or a `return` at its top. Fixes that
    change no source file (fixes of a test) are not checked.

    ## Why is this bad?
    Between red and green, the test must stay frozen. A test that the fix edits
    no longer shows the bug that was reported: the fix may "pass" because an
    assertion was loosened, a case removed, or an expected value changed to what
    the broken code returns.

    ## Example
    ```
    test: show the crash on empty input      # adds `assert parse("") == []`
    fix: accept an empty input               # changes it to `assert parse("") is not None`
    ```

    ## Use instead
    ```
    test: show the crash on empty input      # adds `assert parse("") == []`
    fix: accept an empty input               # changes src/parser.py only
    ```

    ## How to fix
    Keep the test's existing lines as they are and make the code pass them. If a
    test was wrong, correct it in a commit of its own (`test: ...`), before the
    fix, where a reviewer sees it; or set `rules: {RG204: warning}` when editing
    tests within fixes is the project's practice.
    """
    if fix.shape == NO_TEST_NEEDED:
        return None
    changed = [found for found in map(_removed_lines, diff.test_files) if found]
    disabling = [(file.path, found) for file in diff.test_files if (found := weakening_lines(file))]
    if not changed and not disabling:
        return None
    # Which of the lines were added by the test commit just before (T of a pair):
    # F's old side is T's new side, so T's added line numbers apply as they are.
    from_test = _added_lines(test_diff) if test_diff is not None else {}
    theirs: list[str] = []
    older: list[str] = []
    for path, lines, texts in changed:
        added = from_test.get(path, set())
        # A binary file has no line numbers, only what happened to it.
        numbered = list(zip(lines, texts, strict=True)) if lines else []
        mine = [(n, t) for n, t in numbered if n in added]
        rest = [(n, t) for n, t in numbered if n not in added]
        if mine:
            theirs.append(_describe(path, mine))
        if rest or not lines:
            older.append(_describe(path, rest) if rest else f"{path} ({_sample(texts)})")
    name = "this fix" if fix.commit.pending else f"fix {fix.commit.short_sha}"
    clauses = []
    if theirs and fix.test_commit is not None:
        clauses.append(
            f"test lines its test commit {fix.test_commit.short_sha} added: " + "; ".join(theirs)
        )
    if older:
        clauses.append("test lines that existed before it: " + "; ".join(older))
    message = f"{name} changes or deletes " + "; and ".join(clauses) if clauses else name
    if disabling:
        message += (
            (" and" if clauses else "") + " adds lines that skip or disable existing "
            "tests: " + "; ".join(_describe(path, lines) for path, lines in disabling)
        )
    hint = "keep the existing test lines as they are; correct a wrong test in a commit of its own"
    if disabling:
        hint = (
            "keep every existing test running (take out the skip marker, skip call or "
            "early return) and its lines as they are; " + hint.partition("; ")[2]
        )
    return make_finding(fix.commit, "RG204", message, hint, policy.rules)


def _removed_lines(file: FileDiff) -> tuple[str, list[int], list[str]] | None:
    """The file's old name, and the old line numbers and text that the diff takes
    away and does not put back unchanged elsewhere in the file."""
    path = file.old_path or file.path
    if file.binary:
        if file.status == "A":
            return None
        return (path, [], ["binary file changed" if file.status != "D" else "deleted"])
    added: dict[str, int] = {}
    for hunk in file.hunks:
        for text in hunk.added:
            added[text.rstrip()] = added.get(text.rstrip(), 0) + 1
    numbers: list[int] = []
    texts: list[str] = []
    for hunk in file.hunks:
        for number, text in zip(hunk.old.lines(), hunk.removed, strict=False):
            key = text.rstrip()
            if not key.strip():
                continue
            if added.get(key, 0) > 0:
                added[key] -= 1  # moved, not changed
                continue
            numbers.append(number)
            texts.append(text.strip())
    if not numbers:
        return None
    return path, numbers, texts


def _describe(path: str, lines: list[tuple[int, str]]) -> str:
    return f"{path} {_spans([n for n, _ in lines])} ({_sample([t for _, t in lines])})"


def _added_lines(diff: CommitDiff) -> dict[str, set[int]]:
    """Per test file (by its new name), the line numbers the commit added."""
    out: dict[str, set[int]] = {}
    for file in diff.test_files:
        numbers = out.setdefault(file.path, set())
        for hunk in file.hunks:
            numbers.update(range(hunk.new.start, hunk.new.start + len(hunk.added)))
    return out


def _spans(numbers: list[int]) -> str:
    if not numbers:
        return "(binary)"
    runs: list[str] = []
    start = prev = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    label = "line" if len(numbers) == 1 else "lines"
    return f"{label} {', '.join(runs)}"


def _sample(texts: list[str]) -> str:
    first = texts[0] if len(texts[0]) <= 60 else texts[0][:57] + "..."
    more = f" and {len(texts) - 1} more" if len(texts) > 1 else ""
    return f"`{first}`{more}"


def check_pairs(commits: Sequence[Commit], policy: Policy, evidence: Evidence) -> list[Finding]:
    """RG201 and RG204 for every fix of the range."""
    want_201 = severity_for("RG201", policy.rules) is not Severity.OFF
    want_204 = severity_for("RG204", policy.rules) is not Severity.OFF
    if not (want_201 or want_204):
        return []
    findings: list[Finding] = []
    diffs: Mapping[str, CommitDiff] = evidence.diffs
    fixes = evidence.fixes if evidence.fixes is not None else pair_fixes(commits, policy, diffs)
    for fix in fixes:
        if want_201 and (found := fix_without_test(fix, policy, diffs)) is not None:
            findings.append(found)
        diff = diffs.get(fix.commit.sha)
        if not want_204 or diff is None:
            continue
        test_diff = None
        if fix.test_commit is not None and fix.commit.parents[:1] == (fix.test_commit.sha,):
            test_diff = diffs.get(fix.test_commit.sha)
        if (found := test_weakened(fix, diff, policy, test_diff)) is not None:
            findings.append(found)
    return findings
