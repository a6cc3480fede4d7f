"""RG204's reading: the line changes of the test files a fix modifies or deletes
(and the same files in its test commit), and RG201's: those of the test files a
pair rests on; chosen from the paths that
reviewgate.pairs.diffs read first, and read while the other rules run.

Trees are cheap for git to compare, blobs are not: only these files' patches are
worth computing. A pathspec keeps git to them; beyond 64 paths it names their
directories, since git matches every tree entry against every pathspec (1,321
paths: 15 s instead of 1.2 s on the benchmark history).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import replace

from reviewgate.model.evidence import CommitDiff, FileDiff
from reviewgate.model.fix import SAME_COMMIT, TWO_COMMIT
from reviewgate.pairs.diffs import CONTEXT_DIFF_TREE_ARGS, run_diff_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.fix import Fix
    from reviewgate.policy.schema import Policy

# Beyond this many paths, their directories limit the read (covering_pathspec).
_MAX_PATHSPECS = 64
# From this many commits on, start_test_patches reads with two git processes.
_SPLIT_AT = 256


def read_test_patches(
    repo: Any,
    wanted: Mapping[str, Collection[str]],
    policy: Policy,
    paths_only: Mapping[str, CommitDiff] | None = None,
) -> dict[str, tuple[FileDiff, ...]]:
    """The test files' line changes of each commit in `wanted` (sha -> paths, in
    range order), read for those paths only.

    A pathspec also limits which files rename detection may pair: a file outside
    it cannot be a rename's other side, so a test renamed in the whole tree may
    come out paired with another file, or as an addition. With `paths_only` (the
    whole-tree read of the same commits), a commit whose files disagree with it is
    read again without a pathspec."""
    if not wanted:
        return {}
    pathspec = covering_pathspec({path for chosen in wanted.values() for path in chosen})
    found = run_diff_tree(
        repo, list(wanted), CONTEXT_DIFF_TREE_ARGS, pathspec, policy, with_patch=True, only=wanted
    )
    if pathspec and paths_only is not None:
        astray = [sha for sha in wanted
                  if not _same_files(found[sha].test_files, paths_only.get(sha), wanted[sha])]
        if astray:
            found.update(run_diff_tree(repo, astray, CONTEXT_DIFF_TREE_ARGS, (), policy,
                                       with_patch=True,
                                       only={sha: wanted[sha] for sha in astray}))
    return {sha: diff.test_files for sha, diff in found.items()}


def _same_files(
    read: Sequence[FileDiff], whole: CommitDiff | None, names: Collection[str]
) -> bool:
    """Whether the files a limited read found for `names` are those (status, path,
    old path) that the whole-tree read found."""
    if whole is None:
        return True  # nothing to compare with (a commit read here only)
    expected = {(f.status, f.path, f.old_path) for f in whole.test_files
                if f.path in names or f.old_path in names}
    return {(f.status, f.path, f.old_path) for f in read} == expected


def covering_pathspec(paths: Collection[str]) -> tuple[str, ...]:
    """A short pathspec ("--", ...) that covers every one of `paths`: the paths
    themselves when there are few, else their directories, moved up until few
    remain; () (no limit) when even that fails. Every patch outside it is one git
    need not compute, and the parser picks the wanted files out of the rest."""
    if len(paths) <= _MAX_PATHSPECS:
        return ("--", *sorted(paths))
    covers = set(paths)
    while len(covers) > _MAX_PATHSPECS:
        # A top-level file has no directory to move up to: it stays itself.
        moved = {cover.rpartition("/")[0] or cover for cover in covers}
        if moved == covers:
            return ()
        covers = moved
    # A directory covers whatever lies below it; a literal pathspec matches a
    # directory's whole subtree.
    kept = [c for c in sorted(covers) if not any(c.startswith(o + "/") for o in covers)]
    return ("--", *kept)


def start_test_patches(
    repo: Any,
    wanted: Mapping[str, Collection[str]],
    policy: Policy,
    paths_only: Mapping[str, CommitDiff] | None = None,
) -> Callable[[], dict[str, tuple[FileDiff, ...]]]:
    """read_test_patches, begun now and finished by calling the result: git diffs
    while Python goes on with other rules. A long list is split in two halves, each
    read by a git process of its own: on two cores the rules that run meanwhile
    leave git most of a core, and the pair rules then wait for half as long."""
    shas = list(wanted)
    half = (len(shas) + 1) // 2 if len(shas) >= _SPLIT_AT else len(shas)
    # Contiguous halves, in range order: git reads neighbouring trees faster.
    parts = [shas[:half], shas[half:]] if half < len(shas) else [shas]
    done: list[dict[str, tuple[FileDiff, ...]] | BaseException] = [{} for _ in parts]

    def read(index: int, part: list[str]) -> None:
        try:
            done[index] = read_test_patches(
                repo, {sha: wanted[sha] for sha in part}, policy, paths_only
            )
        except BaseException as error:  # handed to the caller, raised there
            done[index] = error

    # The threads mostly wait for git, which releases the GIL; they parse at the end.
    threads = [
        threading.Thread(target=read, args=(index, part), name="reviewgate-test-patches",
                         daemon=True)
        for index, part in enumerate(parts)
    ]
    for thread in threads:
        thread.start()

    def finish() -> dict[str, tuple[FileDiff, ...]]:
        for thread in threads:
            thread.join()
        patches: dict[str, tuple[FileDiff, ...]] = {}
        for result in done:
            if isinstance(result, BaseException):
                raise result
            patches.update(result)
        return patches

    return finish


class PendingDiffs(Mapping[str, CommitDiff]):
    """Diffs whose test files' line changes are still being read: the first lookup
    waits for them. Rules that never look at diffs (sign-off) run meanwhile."""

    def __init__(
        self,
        paths_only: Mapping[str, CommitDiff],
        finish: Callable[[], Mapping[str, tuple[FileDiff, ...]]],
    ) -> None:
        self._paths_only = paths_only
        self._finish = finish
        self._complete: dict[str, CommitDiff] | None = None

    def _diffs(self) -> dict[str, CommitDiff]:
        if self._complete is None:
            self._complete = with_test_patches(self._paths_only, self._finish())
        return self._complete

    def __getitem__(self, sha: str) -> CommitDiff:
        return self._diffs()[sha]

    def __iter__(self) -> Iterator[str]:
        return iter(self._diffs())

    def __len__(self) -> int:
        return len(self._paths_only)


def weakening_candidates(
    fixes: Sequence[Fix], diffs: Mapping[str, CommitDiff]
) -> dict[str, set[str]]:
    """Which commits' test files RG204 must read line by line: the test files a fix
    modifies, renames or deletes (an added file takes nothing away), and for a pair
    the same files in its test commit, whose added lines the message names."""
    needed: dict[str, set[str]] = {}
    for fix in fixes:
        diff = diffs.get(fix.commit.sha)
        if diff is None:
            continue
        touched = {
            name
            for file in diff.test_files
            if file.status != "A"
            for name in (file.path, file.old_path)
            if name is not None
        }
        if not touched:
            continue
        needed.setdefault(fix.commit.sha, set()).update(touched)
        if fix.test_commit is not None:
            needed.setdefault(fix.test_commit.sha, set()).update(touched)
    return needed


def pair_test_candidates(
    fixes: Sequence[Fix], diffs: Mapping[str, CommitDiff]
) -> dict[str, set[str]]:
    """Which commits' test files RG201 must read line by line: those a pair rests on
    (a same-commit fix's own, a two-commit pair's test commit's), since a change of
    comments or whitespace alone is no test."""
    needed: dict[str, set[str]] = {}
    for fix in fixes:
        holder = {SAME_COMMIT: fix.commit, TWO_COMMIT: fix.test_commit}.get(fix.shape)
        diff = diffs.get(holder.sha) if holder is not None else None
        if holder is None or diff is None:
            continue
        names = {
            name
            for file in diff.test_files
            if file.path in fix.test_paths
            for name in (file.path, file.old_path)
            if name is not None
        }
        if names:
            needed.setdefault(holder.sha, set()).update(names)
    return needed


def with_test_patches(
    diffs: Mapping[str, CommitDiff], patches: Mapping[str, tuple[FileDiff, ...]]
) -> dict[str, CommitDiff]:
    """`diffs` with the test files that `patches` read replaced by their line changes;
    the other test files keep their paths only."""
    merged = dict(diffs)
    for sha, files in patches.items():
        diff = diffs.get(sha)
        if diff is None:
            continue
        read = {file.path: file for file in files}
        merged[sha] = replace(
            diff, test_files=tuple(read.get(file.path, file) for file in diff.test_files)
        )
    return merged
