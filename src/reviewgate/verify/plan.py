"""From paired fixes to verification jobs, and the split of jobs into shards.

Pure: no git. A job names the commits that make its red and green states; the
engine (verify/engine.py) turns them into trees. Red is always the fix's first
parent with the test paths of the pair (C's own, or T's) as the fix has them, so
red and green run the very same test files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewgate.errors import ReviewgateError
from reviewgate.pairs.paths import TEST, classify, path_matches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import ChangedPath
    from reviewgate.model.evidence import CommitDiff
    from reviewgate.model.fix import Fix
    from reviewgate.policy.schema import Policy

SAME_COMMIT = "same-commit"
TWO_COMMIT = "two-commit"
# What `{tests}` may hold: files in a programming language. Anything else under a
# test directory (tests/data/x.json, fixtures, snapshots) is data, and naming it
# to a test runner makes the run fail as "could not run" (pytest exits 4).
RUNNABLE_SUFFIXES = frozenset({
    ".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".go", ".rs",
    ".java", ".kt", ".kts", ".scala", ".groovy", ".rb", ".php", ".cs", ".fs", ".c", ".cc",
    ".cpp", ".cxx", ".h", ".hpp", ".m", ".swift", ".dart", ".ex", ".exs", ".erl", ".clj",
    ".cljs", ".lua", ".pl", ".t", ".r", ".jl", ".hs", ".ml", ".zig", ".sh", ".bash", ".bats",
})


@dataclass(frozen=True)
class Job:
    fix: str  # sha of C, or F of a pair: the green state
    shape: str  # same-commit | two-commit
    red_commit: str | None  # T of a pair; None for a same-commit fix
    base: str | None  # the fix's first parent; None for a root commit
    red_paths: tuple[str, ...]  # every test path C (or T) changes, old names too
    tests: tuple[str, ...]  # the test files the command runs ({tests})
    subject: str = ""
    # Every test file of the pair, data included ({test_dirs}, {packages}, and
    # which tests of a report are the fix's own).
    test_files: tuple[str, ...] = ()

    @property
    def root_commit(self) -> bool:
        return self.base is None


def plan_jobs(
    fixes: Iterable[Fix], policy: Policy, diffs: Mapping[str, CommitDiff] | None = None
) -> list[Job]:
    """One job per fix that has a test to prove (same-commit or two-commit)."""
    jobs: list[Job] = []
    for fix in fixes:
        commit = fix.commit
        if fix.shape == SAME_COMMIT:
            changes = _changes(commit.sha, commit.changes, diffs)
            jobs.append(Job(
                commit.sha, SAME_COMMIT, None, commit.parents[0] if commit.parents else None,
                test_paths_changed(changes, policy), runnable_tests(fix.test_paths, policy),
                commit.subject, pair_files(fix.test_paths),
            ))
        elif fix.shape == TWO_COMMIT and fix.test_commit is not None:
            # Red is F's parent with the pair's test files as F has them, not T
            # itself: a commit between T and F that fixes the bug (or F's own
            # edit of the test) would otherwise go unseen. For the usual pair,
            # T right before an F that leaves its test alone, this is T's tree.
            test_commit = fix.test_commit
            test_changes = _changes(test_commit.sha, test_commit.changes, diffs)
            jobs.append(Job(
                commit.sha, TWO_COMMIT, test_commit.sha,
                commit.parents[0] if commit.parents else None,
                test_paths_changed(test_changes, policy),
                runnable_tests(fix.test_paths, policy), commit.subject,
                pair_files(fix.test_paths),
            ))
    return jobs


def runnable_tests(paths: Iterable[str], policy: Policy) -> tuple[str, ...]:
    """The test files a command can run: a source-code suffix (RUNNABLE_SUFFIXES)
    and not matched by `paths.ignore` (docs, notes), in the fix's order."""
    runnable: dict[str, None] = {}
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        suffix = name[name.rfind("."):].lower() if "." in name else ""
        if suffix in RUNNABLE_SUFFIXES and not path_matches(path, policy.paths.ignore):
            runnable[path] = None
    return tuple(runnable)


def pair_files(paths: Iterable[str]) -> tuple[str, ...]:
    """The pair's test files, data included: `tests/data/x.txt` is a test's fixture
    even though `paths.ignore` lists `*.txt` (a test path wins over an ignored one)."""
    return tuple(dict.fromkeys(paths))


def uses(command: Sequence[str], placeholder: str) -> bool:
    """Whether the command names `placeholder` ("{tests}") in any argument."""
    return any(placeholder in arg for arg in command)


def as_argument(path: str) -> str:
    """A repository-relative path that a command cannot take for an option: a name
    that starts with `-` (a root-level `-k_test.py`) is given as `./-k_test.py`."""
    return f"./{path}" if path.startswith("-") else path


def directories(files: Iterable[str]) -> tuple[str, ...]:
    """`{test_dirs}`: the directories of the test files ("." for the top)."""
    dirs = (path.rsplit("/", 1)[0] if "/" in path else "." for path in files)
    return tuple(as_argument(d) for d in dict.fromkeys(dirs))


def go_packages(files: Iterable[str]) -> tuple[str, ...]:
    """`{packages}`: the Go package of each `_test.go` file, and of each file under
    a `testdata/` directory (the package that directory sits in), as `./dir`."""
    found: dict[str, None] = {}
    for path in files:
        parts = path.split("/")
        if "testdata" in parts[:-1]:
            directory = "/".join(parts[: parts.index("testdata")])
        elif path.endswith("_test.go"):
            directory = "/".join(parts[:-1])
        else:
            continue
        found["./" + directory if directory else "."] = None
    return tuple(found)


def test_paths_changed(changes: Iterable[ChangedPath], policy: Policy) -> tuple[str, ...]:
    """Every test path a commit touches: added, changed, deleted, and both names
    of a rename, so that red takes exactly the commit's test changes."""
    paths: dict[str, None] = {}
    for change in changes:
        for path in (change.old_path, change.path):
            if path is not None and classify(path, policy) == TEST:
                paths[path] = None
    return tuple(paths)


def _changes(
    sha: str,
    own: Sequence[ChangedPath] | None,
    diffs: Mapping[str, CommitDiff] | None,
) -> Sequence[ChangedPath]:
    if diffs is not None and sha in diffs:
        return diffs[sha].paths
    return own or ()


def parse_shard(text: str) -> tuple[int, int]:
    """"K/N" (1 <= K <= N) as (K, N): the K-th of N shards, as GitLab's
    CI_NODE_INDEX/CI_NODE_TOTAL and a matrix of 1..N number them."""
    left, sep, right = text.partition("/")
    try:
        index, total = int(left), int(right)
    except ValueError:
        index = total = 0
    if not sep or total < 1 or not 1 <= index <= total:
        raise ReviewgateError(f"--shard must be K/N with 1 <= K <= N, got {text!r}")
    return index, total


def select_shard(jobs: Sequence[Job], shard: tuple[int, int] | None) -> list[Job]:
    """The jobs of shard K of N. Jobs are ordered by a digest of their fix's sha
    (the same on every machine; Python's hash() is salted per process) and dealt
    round-robin, so every shard of the same range gets its share, and the shards
    together cover each job exactly once. The result keeps the range's order."""
    if shard is None:
        return list(jobs)
    index, total = shard
    ordered = sorted(jobs, key=lambda job: hashlib.sha256(job.fix.encode()).hexdigest())
    mine = {job.fix for i, job in enumerate(ordered) if i % total == index - 1}
    return [job for job in jobs if job.fix in mine]
