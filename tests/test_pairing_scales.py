"""Pairing a range's fixes costs time linear in the range.

A refactor once rebuilt a set inside a per-commit comprehension in `pair_range`:
every commit then paid for every fix candidate, and a 20,000-commit check spent
two thirds of its time there. The guard times the same work at N and 2N commits
in one process, so the machine's speed cancels out of the ratio; it counts the
process's own CPU time, best of five, so other processes' load does not.
"""

from __future__ import annotations

import time

from conftest import Repo
from reviewgate.git.repo import open_repo
from reviewgate.model.commit import ChangedPath, Commit, Person
from reviewgate.model.evidence import CommitDiff
from reviewgate.pairs.gather import pair_range
from reviewgate.policy.schema import Policy

PERSON = Person("Ann Example", "ann@example.org", "2024-01-01T00:00:00+00:00")


def fix_chain(count: int) -> tuple[list[Commit], dict[str, CommitDiff]]:
    """`count` fixes, each with its test in the same commit, newest first."""
    shas = [f"{index:040x}" for index in range(1, count + 1)]
    commits = [
        Commit(
            sha=sha,
            parents=(shas[index - 1],) if index else (),
            author=PERSON,
            committer=PERSON,
            message=f"fix: bug {index}\n",
        )
        for index, sha in enumerate(shas)
    ]
    diff = CommitDiff((ChangedPath("M", "src/app.py"), ChangedPath("M", "tests/test_app.py")))
    return commits[::-1], {sha: diff for sha in shas}


def best_time(repo: object, commits: list[Commit], diffs: dict[str, CommitDiff]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        fixes, _, _ = pair_range(repo, commits, Policy(), diffs, ())
        best = min(best, time.process_time() - start)
        assert len(fixes) == len(commits)
    return best


def test_pair_range_time_grows_linearly(repo: Repo) -> None:
    repo.commit("init\n")
    handle = open_repo(repo.path)
    small = best_time(handle, *fix_chain(3000))
    large = best_time(handle, *fix_chain(6000))
    # Linear work doubles (~2); the quadratic loop quadrupled it (~4).
    assert large / small < 3.0, f"{small:.3f}s for 3000 fixes, {large:.3f}s for 6000"
