"""Read the diffs of chosen commits: every changed path, and the line changes of
test files, from ONE `git diff-tree --stdin` process however many commits.

Only the commits the pairing rules need (reviewgate.pairs.fixes.fix_candidates) are read,
so a long range without fixes costs no diff at all. `check` reads in two steps:
`read_changes` gives the paths of every candidate (no patch: git compares trees
only), and reviewgate.pairs.test_patches then reads line changes only where RG204 can
find something, the test files a fix modifies or deletes, limited by pathspec.

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
from collections.abc import Collection, Iterable, Mapping

from reviewgate.errors import GitError
from reviewgate.git.unreadable import failing_first, unreadable_error
from reviewgate.model.commit import ChangedPath
from reviewgate.model.evidence import CommitDiff, FileDiff, Hunk, LineSpan
from reviewgate.pairs.paths import TEST, classify

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.policy.schema import Policy

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

# With three lines of context, for the test files RG204 reads: an added `return`
# or skip marker is judged by the lines around it. Hunks are still split as -U0's.
CONTEXT_DIFF_TREE_ARGS: tuple[str, ...] = tuple("-U3" if a == "-U0" else a for a in DIFF_TREE_ARGS)

# The same, without the patch: paths only.
RAW_DIFF_TREE_ARGS: tuple[str, ...] = tuple(a for a in DIFF_TREE_ARGS if a not in ("-p", "-U0"))

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
    return run_diff_tree(repo, wanted, DIFF_TREE_ARGS, (), policy, with_patch=True)


def read_changes(repo: Any, shas: Iterable[str], policy: Policy) -> dict[str, CommitDiff]:
    """Like read_diffs, but paths only: each test file's FileDiff has no hunks yet."""
    wanted = list(dict.fromkeys(shas))
    return run_diff_tree(repo, wanted, RAW_DIFF_TREE_ARGS, (), policy, with_patch=False)


def run_diff_tree(
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
        raise diff_tree_error(str(repo.git_dir), done.returncode, done.stderr, wanted, done.stdout)
    found = parse_diff_tree(done.stdout, policy, with_patch=with_patch, only=only)
    missing = [sha for sha in wanted if sha not in found]
    if missing:
        raise GitError(f"git diff-tree: no such commit {missing[0]}")
    return found


def diff_tree_error(
    git_dir: str, code: int, stderr: bytes, wanted: list[str], stdout: bytes
) -> GitError:
    """What a failed `git diff-tree --stdin` means, in one line: an object it cannot
    read is named with the commit and path that hold it."""
    text = stderr.decode("utf-8", "replace")
    found = unreadable_error(git_dir, text, failing_first(wanted, stdout))
    if found is not None:
        return found
    lines = text.strip().splitlines()
    return GitError(f"git diff-tree: {lines[0] if lines else f'exit {code}'}")


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
        files.append(
            FileDiff(change.path, change.old_path, change.status, hunks, binary, patched=True)
        )
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
    """The `-U0` hunks of one file's patch, read with any context (`-U3`): each run
    of removed and added lines is one hunk, numbered as `git diff -U0` numbers it,
    with the new file's lines the patch shows around it."""
    hunks: list[Hunk] = []
    for start, body in _git_hunks(lines):
        hunks.extend(_split(start, body))
    return tuple(hunks)


def _git_hunks(lines: list[bytes]) -> list[tuple[tuple[int, int], list[bytes]]]:
    """((old start, new start), body lines) of each `@@` hunk git wrote."""
    found: list[tuple[tuple[int, int], list[bytes]]] = []
    for line in lines:
        header = _HUNK.match(line)
        if header is not None:
            old, new = int(header.group(1)), int(header.group(3))
            # An empty side starts after its line `start` (git's -U0 convention).
            old += 1 if _count(header.group(2)) == 0 else 0
            new += 1 if _count(header.group(4)) == 0 else 0
            found.append(((old, new), []))
        elif found and line[:1] in (b" ", b"-", b"+"):
            found[-1][1].append(line)
    return found


def _split(start: tuple[int, int], body: list[bytes]) -> list[Hunk]:
    old_no, new_no = start
    shown: list[str] = []  # the new file's lines, as the patch shows them
    runs: list[tuple[int, int, int, list[str], list[str]]] = []  # (old, new, at, -, +)
    in_run = False
    for line in body:
        text = _decode(line[1:])
        if line[:1] == b" ":
            shown.append(text)
            old_no, new_no, in_run = old_no + 1, new_no + 1, False
            continue
        if not in_run:
            runs.append((old_no, new_no, len(shown), [], []))
            in_run = True
        if line[:1] == b"-":
            runs[-1][3].append(text)
            old_no += 1
        else:
            runs[-1][4].append(text)
            shown.append(text)
            new_no += 1
    hunks = []
    for old, new, at, removed, added in runs:
        end = at + len(added)
        hunks.append(
            Hunk(
                # -U0 numbers an empty side by the line before it.
                LineSpan(old if removed else old - 1, len(removed)),
                LineSpan(new if added else new - 1, len(added)),
                tuple(removed),
                tuple(added),
                tuple(shown[max(0, at - 3) : at]),
                tuple(shown[end : end + 3]),
            )
        )
    return hunks


def _count(raw: bytes | None) -> int:
    return 1 if raw is None else int(raw)


def _decode(raw: bytes) -> str:
    # Paths and lines are bytes to git; keep undecodable ones round-trippable.
    return raw.decode("utf-8", "surrogateescape")
