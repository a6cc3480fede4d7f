"""reviewgate's only door to git for reading history.

A whole range is read by ONE streaming `git log -z` process: never one process per
commit. GitPython finds the repository, reads its config and runs the process; the
parsing of the stream is ours, so that any path (spaces, newlines, non-UTF-8 bytes)
survives.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewgate.errors import GitError, ShallowCloneError
from reviewgate.git.logformat import (
    KEY_VALUE_SEP,
    LOG_FORMAT,
    TRAILER_SEP,
    decode_message,
    parse_log_stream,
    read_chunks,
    split_trailers,
)
from reviewgate.git.revisions import feed, stdin_revisions
from reviewgate.git.unreadable import unreadable_in_log
from reviewgate.model.commit import Commit
from reviewgate.model.trailers import parse_trailers

if TYPE_CHECKING:
    import git as gitpython


# Revision options a user may pass through as a range; anything else starting with
# "-" is refused, so a range can never smuggle an option like --output into git.
_RANGE_OPTIONS = re.compile(
    r"^--(all|not|first-parent|no-merges|merges|ancestry-path|reverse|"
    r"(branches|tags|remotes)(=.+)?|(glob|exclude|since|until|after|before|max-count|skip)=.+)$"
)

SHALLOW_FIX = (
    "fetch more history: `git fetch --unshallow` (GitHub Actions: actions/checkout with "
    "`fetch-depth: 0`; GitLab: GIT_DEPTH: 0)"
)


def require_git() -> str:
    """The path of the git binary, or a GitError when it is not on PATH."""
    found = shutil.which("git")
    if not found:
        raise GitError("git is not installed or not on PATH")
    return found


def open_repo(path: str | os.PathLike[str] | None = None) -> gitpython.Repo:
    """The repository containing `path` (default: the current directory)."""
    require_git()
    # Here, not at the top: GitPython refuses to import without a git binary, and
    # require_git says that in reviewgate's words first.
    import git as gitpython
    named = os.environ.get("GIT_DIR") if path is None else None
    if named:
        # As git does: GIT_DIR names the repository (GIT_WORK_TREE its working tree),
        # and every git process reviewgate starts inherits it, so GitPython must agree.
        # Some start in another directory (the working tree's top): a relative path
        # (git gives hooks GIT_DIR=. or .git) must not change meaning there.
        for variable in ("GIT_DIR", "GIT_WORK_TREE"):
            if os.environ.get(variable):
                os.environ[variable] = os.path.abspath(os.environ[variable])
        named = os.environ["GIT_DIR"]
        try:
            return gitpython.Repo(named)
        except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
            raise GitError(f"not a git repository: {named} (from GIT_DIR)") from None
    where = Path(path or os.getcwd())
    try:
        return gitpython.Repo(where, search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        raise GitError(f"not a git repository: {where}") from None


def repo_root(repo: gitpython.Repo) -> Path:
    """The working tree root, or the git directory of a bare repository."""
    return Path(repo.working_tree_dir or repo.git_dir)


def config_value(repo: gitpython.Repo, section: str, option: str, default: str) -> str:
    """A git config value read in-process (no git process)."""
    reader = repo.config_reader()
    try:
        return str(reader.get_value(section, option, default))
    except Exception:  # GitPython raises several config parser errors; all mean "unset"
        return default


@dataclass(frozen=True)
class RangeSpec:
    """What `git log` gets to select commits, and how far it may go."""

    revisions: tuple[str, ...]
    max_count: int | None = None

    def describe(self) -> str:
        text = " ".join(self.revisions)
        return f"{text} (max {self.max_count})" if self.max_count is not None else text


def validate_revisions(revisions: Sequence[str]) -> tuple[str, ...]:
    """Refuse options that are not revision selectors (see _RANGE_OPTIONS)."""
    for rev in revisions:
        if rev.startswith("-") and not _RANGE_OPTIONS.match(rev):
            raise GitError(
                f"not a revision or range: {rev!r} (use A..B, A...B, ^A B, --all, "
                "or a revision with --max-count)"
            )
        if not rev:
            raise GitError("empty revision given")
    return tuple(revisions)


def default_range(repo: gitpython.Repo) -> RangeSpec | None:
    """The commits of HEAD that are not upstream yet: `@{upstream}..HEAD` when there
    is an upstream, else HEAD's commits that no remote-tracking branch has. None
    when HEAD has no commit yet."""
    if not repo.head.is_valid():
        return None
    try:
        repo.git.rev_parse("--verify", "--quiet", "@{upstream}")
    except Exception:  # no upstream, or detached HEAD
        return RangeSpec(("HEAD", "--not", "--remotes"))
    return RangeSpec(("@{upstream}..HEAD",))


def shallow_boundary(repo: gitpython.Repo) -> frozenset[str]:
    """The commits at which a shallow clone's history is cut off."""
    shallow_file = Path(repo.common_dir) / "shallow"
    try:
        return frozenset(shallow_file.read_text().split())
    except FileNotFoundError:
        return frozenset()


def log_args(spec: RangeSpec, *, with_paths: bool, merge_paths: bool = True) -> list[str]:
    args = ["-z", f"--format={LOG_FORMAT}", "--no-color", "--no-show-signature"]
    if with_paths:
        # Paths of a merge are its changes against the first parent, as a reviewer sees
        # them when the branch is merged. Those diffs are the dearest part of a long
        # log; without `merge_paths` git makes none.
        merges = "--diff-merges=first-parent" if merge_paths else "--diff-merges=off"
        args += ["--name-status", "-M", merges]
        # The user's taste in logs must not hide changes: log.showRoot=false drops
        # a root commit's paths, diff.ignoreSubmodules a submodule bump.
        args += ["--root", "--ignore-submodules=none"]
    if spec.max_count is not None:
        args.append(f"--max-count={spec.max_count}")
    # validate_revisions has refused every option that is not a revision selector.
    options, _ = stdin_revisions(spec.revisions)
    return [*args, *options, "--stdin", "--"]


def read_commits(
    repo: gitpython.Repo, spec: RangeSpec, *, with_paths: bool = True, divider: bool = False,
    merge_paths: bool = True,
) -> Iterator[Commit]:
    """Stream the commits of `spec`, newest first, from one `git log` process.
    With `with_paths` but not `merge_paths`, a merge's paths are not read (None).

    Raises GitError for an unknown revision and ShallowCloneError when the range
    reaches the boundary of a shallow clone.
    """
    # trailer.separators and the comment character, for our own parser: git parses
    # the trailers itself, so they are read only when a message needs the fallback.
    fallback: tuple[str, str] | None = None
    boundary = shallow_boundary(repo)
    import subprocess

    _, revisions = stdin_revisions(spec.revisions)
    process = repo.git.log(
        *log_args(spec, with_paths=with_paths, merge_paths=merge_paths), as_process=True,
        istream=subprocess.PIPE,
    )
    feed(process.proc.stdin, revisions)
    count = 0
    last = ""  # the last commit read whole: git failed after it, if it fails
    try:
        for raw in parse_log_stream(read_chunks(process.stdout)):
            count += 1
            if raw.sha in boundary and (spec.max_count is None or count < spec.max_count):
                raise ShallowCloneError(
                    f"shallow clone: history is cut off at {raw.sha[:10]}, inside the range "
                    f"{spec.describe()}; {SHALLOW_FIX}"
                )
            message = decode_message(raw.message, raw.encoding)
            if divider or TRAILER_SEP in raw.message or KEY_VALUE_SEP in raw.message:
                if fallback is None:
                    separators = config_value(repo, "trailer", "separators", ":")
                    fallback = (separators, _comment_char_for_history(repo))
                trailers = parse_trailers(
                    message, divider=divider, separators=fallback[0], comment=fallback[1]
                )
            else:
                trailers = split_trailers(decode_message(raw.trailers, raw.encoding))
            last = raw.sha
            yield Commit(
                sha=raw.sha,
                parents=raw.parents,
                author=raw.author,
                committer=raw.committer,
                message=message,
                trailers=tuple(trailers),
                encoding=raw.encoding or None,
                changes=raw.changes
                if with_paths and (merge_paths or len(raw.parents) < 2)
                else None,
            )
    finally:
        returncode, stderr = _finish(process)
    if returncode != 0:
        unreadable = unreadable_in_log(str(repo.git_dir), stderr, spec.revisions, last)
        raise unreadable or GitError(_explain_log_error(stderr, spec))


def read_listed_commits(
    repo: gitpython.Repo, shas: Sequence[str], held_by: Sequence[str] = ()
) -> dict[str, Commit]:
    """The commits `shas` name, each alone (no history walk), by sha: one `git log`.
    A commit this clone lacks, one at a shallow clone's edge (whose parents and so
    whose changes git cannot know), and one the revisions `held_by` reach (a
    missing revision among them is ignored) is left out."""
    cut = shallow_boundary(repo)
    listed = [sha for sha in shas if sha not in cut]
    if not listed:
        return {}
    exclude = ("--not", *held_by) if held_by else ()
    spec = RangeSpec(("--no-walk=unsorted", "--ignore-missing", *listed, *exclude))
    return {commit.sha: commit for commit in read_commits(repo, spec, with_paths=False)}


def _comment_char_for_history(repo: gitpython.Repo) -> str:
    # `git log %(trailers)` skips lines starting with core.commentChar; "auto" means
    # "#" there, since git only adjusts the character when it writes a template.
    value = config_value(repo, "core", "commentString", "") or config_value(
        repo, "core", "commentChar", "#"
    )
    return "#" if value in ("", "auto") else value


def _finish(process: object) -> tuple[int, str]:
    """Wait for the git process; its exit status and what it wrote to stderr."""
    proc = process.proc  # type: ignore[attr-defined]
    with contextlib.suppress(OSError):
        proc.stdout.close()
    err = proc.stderr.read() if proc.stderr else b""
    return proc.wait(), err.decode("utf-8", "replace")


def _explain_log_error(stderr: str, spec: RangeSpec) -> str:
    first = next((line for line in stderr.splitlines() if line.strip()), "git log failed")
    first = first.removeprefix("fatal: ").removeprefix("error: ")
    if "bad revision" in first or "unknown revision" in first or "ambiguous argument" in first:
        # git quotes the revision it could not resolve.
        name = re.search(r"'([^']*)'", first)
        which = name.group(1) if name else spec.describe()
        return f"unknown revision {which!r}: {first}"
    if "does not have any commits" in first:
        return f"no commits yet: {first}"
    return first


def short_rev(rev: str) -> str:
    """A sha shortened for reading; any other revision (a ref name) as it is."""
    is_sha = len(rev) in (40, 64) and all(c in "0123456789abcdef" for c in rev)
    return rev[:12] if is_sha else rev

