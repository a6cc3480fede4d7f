"""Read the diffs of chosen commits: every changed path, and the line changes of
test files, from ONE `git diff-tree --stdin` process however many commits.

Only the commits the pairing rules need (reviewgate.fixes.fix_candidates) are read,
so a long range without fixes costs no diff at all. `check` reads in two steps:
`read_changes` gives the paths of every candidate (no patch: git compares trees
only), and `read_test_patches` then reads line changes only where RG204 can find
something, the test files a fix modifies or deletes, limited by pathspec.

The output of `diff-tree -z --raw -p`, per commit that changed anything:

    SHA NUL (":modes shas STATUS" NUL PATH NUL [PATH NUL])* NUL PATCH-TEXT

The raw records give the paths, NUL-terminated and never quoted; the patch text
holds one `diff --git` section per raw record, in the same order, so the sections
are matched to records by position and their quoted headers are never parsed. A
commit that changes nothing prints its SHA alone (`--always`); one that does not
exist prints nothing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from reviewgate.commit import ChangedPath
from reviewgate.errors import GitError
from reviewgate.evidence import CommitDiff, FileDiff, Hunk, LineSpan
from reviewgate.paths import TEST, classify

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.fixes import Fix
    from reviewgate.policy import Policy

DIFF_TREE_ARGS: tuple[str, ...] = (
    "diff-tree",
    "--stdin",
    "--always",  # an empty commit still prints its sha: a missing one is unknown
    "-r",
    "-z",
    "--root",
    "-M",
    "--raw",
    "-p",
    "-U0",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    # A merge's changes are those against its first parent, as `git log` in
    # reviewgate.git reads them.
    "--diff-merges=first-parent",
)

# The same, without the patch: paths only.
RAW_DIFF_TREE_ARGS: tuple[str, ...] = tuple(a for a in DIFF_TREE_ARGS if a not in ("-p", "-U0"))
# git matches every tree entry against every pathspec, so a long pathspec costs
# more than it saves (1,321 paths: 15 s instead of 1.2 s on the benchmark history).
# Beyond this many paths, their directories limit the read (covering_pathspec).
_MAX_PATHSPECS = 64
# From this many commits on, start_test_patches reads with two git processes.
_SPLIT_AT = 256

_SHA = rb"[0-9a-f]{40}(?:[0-9a-f]{24})?"
_HEADER = re.compile(_SHA + rb"\0")
_NEXT_HEADER = re.compile(rb"(?<=\n)" + _SHA + rb"\0")
# A file's patch starts the patch text (just after the NUL that ends the raw records)
# or a line; a NUL inside a line of content (git calls a file text when its first
# NUL lies past byte 8000) is no start.
_SECTION = re.compile(rb"(?<=\n)diff --git ")
_RAW = re.compile(rb":[0-7]+ [0-7]+ [0-9a-f]+ [0-9a-f]+ ([A-Z])([0-9]*)\0")
_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def read_diffs(repo: Any, shas: Iterable[str], policy: Policy) -> dict[str, CommitDiff]:
    """The CommitDiff of each of `shas` (against its first parent; a root commit
    against the empty tree), with the line changes of every test file. Raises
    GitError when git refuses."""
    wanted = list(dict.fromkeys(shas))
    return _diff_tree(repo, wanted, DIFF_TREE_ARGS, (), policy, with_patch=True)


def read_changes(repo: Any, shas: Iterable[str], policy: Policy) -> dict[str, CommitDiff]:
    """Like read_diffs, but paths only: each test file's FileDiff has no hunks yet."""
    wanted = list(dict.fromkeys(shas))
    return _diff_tree(repo, wanted, RAW_DIFF_TREE_ARGS, (), policy, with_patch=False)


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
    found = _diff_tree(
        repo, list(wanted), DIFF_TREE_ARGS, pathspec, policy, with_patch=True, only=wanted
    )
    if pathspec and paths_only is not None:
        astray = [sha for sha in wanted
                  if not _same_files(found[sha].test_files, paths_only.get(sha), wanted[sha])]
        if astray:
            found.update(_diff_tree(repo, astray, DIFF_TREE_ARGS, (), policy, with_patch=True,
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
    import threading

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


def _diff_tree(
    repo: Any,
    wanted: list[str],
    args: tuple[str, ...],
    pathspec: tuple[str, ...],
    policy: Policy,
    *,
    with_patch: bool,
    only: Mapping[str, Collection[str]] | None = None,
) -> dict[str, CommitDiff]:
    if not wanted:
        return {}
    # Literal pathspecs: a test file may be named `[x].py` or `*.py`.
    argv = ["git", "--literal-pathspecs", f"--git-dir={repo.git_dir}", *args, *pathspec]
    try:
        done = subprocess.run(
            argv, input="\n".join(wanted).encode() + b"\n", capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git diff-tree: {lines[0] if lines else f'exit {done.returncode}'}")
    found = parse_diff_tree(done.stdout, policy, with_patch=with_patch, only=only)
    missing = [sha for sha in wanted if sha not in found]
    if missing:
        raise GitError(f"git diff-tree: no such commit {missing[0]}")
    return found


def parse_diff_tree(
    data: bytes,
    policy: Policy,
    *,
    with_patch: bool = True,
    only: Mapping[str, Collection[str]] | None = None,
) -> dict[str, CommitDiff]:
    """Parse `git diff-tree -z --raw [-p -U0]` output (see the module docstring).
    With `only` (sha -> paths), each commit's test_files are just the files named
    there, with their line changes: the caller chose them as test files already, and
    classifying every path of a whole patch again costs more than git's diff."""
    out: dict[str, CommitDiff] = {}
    pos = 0
    while pos < len(data):
        header = _HEADER.match(data, pos)
        if header is None:
            raise GitError(f"unexpected git diff-tree output at byte {pos}")
        sha = data[pos : header.end() - 1].decode("ascii")
        pos = header.end()
        paths: list[ChangedPath] = []
        while (raw := _RAW.match(data, pos)) is not None:
            status, score = raw.group(1).decode(), raw.group(2)
            first_end = data.index(b"\0", raw.end())
            first = _decode(data[raw.end() : first_end])
            pos = first_end + 1
            if status in "RC":
                second_end = data.index(b"\0", pos)
                second = _decode(data[pos:second_end])
                pos = second_end + 1
                paths.append(ChangedPath(status, second, first, int(score or 0)))
            else:
                paths.append(ChangedPath(status, first))
        if not with_patch:
            out[sha] = CommitDiff(tuple(paths), _test_entries(paths, policy))
            continue
        if data[pos : pos + 1] == b"\0":
            pos += 1  # between the raw records and the patch
        # The next commit's header can only begin a line: patch lines start with
        # a letter, +, -, space, backslash or @.
        patch_end = _patch_end(data, pos) if paths else pos  # empty: its sha alone
        sections = _section_bounds(data, pos, patch_end)
        if only is None:
            chosen = [_is_test(change, policy) for change in paths]
        else:
            names = only.get(sha, ())
            chosen = [change.path in names or change.old_path in names for change in paths]
        out[sha] = CommitDiff(tuple(paths), _test_files(paths, chosen, data, sections))
        pos = patch_end
    return out


def _patch_end(data: bytes, pos: int) -> int:
    following = _NEXT_HEADER.search(data, pos)
    return following.start() if following is not None else len(data)


def _section_bounds(data: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each `diff --git` section of the patch in data[start:end]."""
    starts = [m.start() for m in _SECTION.finditer(data, start, end)]
    if data.startswith(b"diff --git ", start) and start not in starts:
        starts.insert(0, start)
    # A section's header line itself is left out of its span.
    bounds = []
    for begin, finish in zip(starts, [*starts[1:], end][: len(starts)], strict=True):
        newline = data.find(b"\n", begin, finish)
        bounds.append((finish if newline == -1 else newline + 1, finish))
    return bounds


def _test_files(
    paths: list[ChangedPath], chosen: list[bool], data: bytes, sections: list[tuple[int, int]]
) -> tuple[FileDiff, ...]:
    """The FileDiff, with line changes, of each path `chosen` marks."""
    files: list[FileDiff] = []
    at = 0
    for change, wanted in zip(paths, chosen, strict=True):
        # A type change (file to symlink) is patched as a deletion and an addition.
        taken = 2 if change.status == "T" else 1
        mine = sections[at : at + taken]
        at += taken
        if not wanted:
            continue  # only a test file's lines are ever looked at: leave them bytes
        lines = [data[begin:end].split(b"\n") for begin, end in mine]
        hunks = tuple(hunk for section in lines for hunk in _hunks(section))
        binary = any(
            line.startswith((b"Binary files ", b"GIT binary patch"))
            for section in lines
            for line in section
        )
        files.append(FileDiff(change.path, change.old_path, change.status, hunks, binary))
    if at != len(sections):
        raise GitError(f"git diff-tree: {len(sections)} patches for {len(paths)} changed paths")
    return tuple(files)


def _test_entries(paths: list[ChangedPath], policy: Policy) -> tuple[FileDiff, ...]:
    return tuple(
        FileDiff(change.path, change.old_path, change.status)
        for change in paths
        if _is_test(change, policy)
    )


def _is_test(change: ChangedPath, policy: Policy) -> bool:
    if classify(change.path, policy) == TEST:
        return True
    return change.old_path is not None and classify(change.old_path, policy) == TEST


def _hunks(lines: list[bytes]) -> tuple[Hunk, ...]:
    hunks: list[Hunk] = []
    current: tuple[LineSpan, LineSpan] | None = None
    removed: list[str] = []
    added: list[str] = []
    for line in lines:
        found = _HUNK.match(line)
        if found is not None:
            if current is not None:
                hunks.append(Hunk(current[0], current[1], tuple(removed), tuple(added)))
            old = LineSpan(int(found.group(1)), _count(found.group(2)))
            new = LineSpan(int(found.group(3)), _count(found.group(4)))
            current, removed, added = (old, new), [], []
        elif current is None:
            continue  # the section's extended headers and ---/+++ lines
        elif line.startswith(b"-"):
            removed.append(_decode(line[1:]))
        elif line.startswith(b"+"):
            added.append(_decode(line[1:]))
    if current is not None:
        hunks.append(Hunk(current[0], current[1], tuple(removed), tuple(added)))
    return tuple(hunks)


def _count(raw: bytes | None) -> int:
    return 1 if raw is None else int(raw)


def _decode(raw: bytes) -> str:
    # Paths and lines are bytes to git; keep undecodable ones round-trippable.
    return raw.decode("utf-8", "surrogateescape")
