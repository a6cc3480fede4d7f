"""reviewgate's only door to git for reading history.

A whole range is read by ONE streaming `git log -z` process: never one process per
commit. GitPython finds the repository, reads its config and runs the process; the
parsing of the stream is ours, so that any path (spaces, newlines, non-UTF-8 bytes)
survives.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import queue
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reviewgate.errors import GitError, ShallowCloneError
from reviewgate.model.commit import ChangedPath, Commit, Person
from reviewgate.model.message import parse_trailers

if TYPE_CHECKING:
    import git as gitpython

# Fields of one commit header, NUL-separated; the message (%B) comes last. git's
# own re-encoding to UTF-8 is kept (it honours the `encoding` header); `%e` lets us
# decode what git could not convert.
# git parses the trailers itself (%(trailers): committed messages, no `---`
# divider, core.commentChar and trailer.separators honoured): that is the very
# algorithm message.parse_trailers mirrors, and it costs git nothing measurable
# where Python would spend a third of a long check. RS between trailers, US
# between key and value; a message holding either falls back to our parser.
_TRAILER_SEP, _KEY_VALUE_SEP = b"\x1e", b"\x1f"
_TRAILERS = "%(trailers:only,unfold,separator=%x1e,key_value_separator=%x1f)"
_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%e", _TRAILERS, "%B")
LOG_FORMAT = "%x00".join(_FIELDS)
_HEADER_TOKENS = len(_FIELDS)

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


def log_args(spec: RangeSpec, *, with_paths: bool) -> list[str]:
    args = ["-z", f"--format={LOG_FORMAT}", "--no-color", "--no-show-signature"]
    if with_paths:
        # Paths of a merge are its changes against the first parent, as a reviewer sees
        # them when the branch is merged.
        args += ["--name-status", "-M", "--diff-merges=first-parent"]
        # The user's taste in logs must not hide changes: log.showRoot=false drops
        # a root commit's paths, diff.ignoreSubmodules a submodule bump.
        args += ["--root", "--ignore-submodules=none"]
    if spec.max_count is not None:
        args.append(f"--max-count={spec.max_count}")
    # validate_revisions has refused every option that is not a revision selector.
    return [*args, *spec.revisions, "--"]


def read_commits(
    repo: gitpython.Repo, spec: RangeSpec, *, with_paths: bool = True, divider: bool = False
) -> Iterator[Commit]:
    """Stream the commits of `spec`, newest first, from one `git log` process.

    Raises GitError for an unknown revision and ShallowCloneError when the range
    reaches the boundary of a shallow clone.
    """
    # trailer.separators and the comment character, for our own parser: git parses
    # the trailers itself, so they are read only when a message needs the fallback.
    fallback: tuple[str, str] | None = None
    boundary = shallow_boundary(repo)
    process = repo.git.log(*log_args(spec, with_paths=with_paths), as_process=True)
    count = 0
    try:
        for raw in _parse_log_stream(_chunks(process.stdout)):
            count += 1
            if raw.sha in boundary and (spec.max_count is None or count < spec.max_count):
                raise ShallowCloneError(
                    f"shallow clone: history is cut off at {raw.sha[:10]}, inside the range "
                    f"{spec.describe()}; {SHALLOW_FIX}"
                )
            message = _decode_message(raw.message, raw.encoding)
            if divider or _TRAILER_SEP in raw.message or _KEY_VALUE_SEP in raw.message:
                if fallback is None:
                    separators = config_value(repo, "trailer", "separators", ":")
                    fallback = (separators, _comment_char_for_history(repo))
                trailers = parse_trailers(
                    message, divider=divider, separators=fallback[0], comment=fallback[1]
                )
            else:
                trailers = _split_trailers(_decode_message(raw.trailers, raw.encoding))
            yield Commit(
                sha=raw.sha,
                parents=raw.parents,
                author=raw.author,
                committer=raw.committer,
                message=message,
                trailers=tuple(trailers),
                encoding=raw.encoding or None,
                changes=raw.changes if with_paths else None,
            )
    finally:
        returncode, stderr = _finish(process)
    if returncode != 0:
        raise GitError(_explain_log_error(stderr, spec))


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


def _chunks(stream: object, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of `stream` as they come, read by a thread of their own.

    A pipe holds 64 KiB: read and parsed in one thread, git would stop whenever
    Python parses, and the two would take turns instead of working at once. The
    thread only waits in read(), which releases the GIL."""
    # Bounded so that a stalled consumer cannot buffer a whole history in memory.
    pending: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=4096)
    read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]

    def pump() -> None:
        try:
            while True:
                chunk = read(size)
                pending.put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            pending.put(error)

    threading.Thread(target=pump, name="reviewgate-git-log", daemon=True).start()
    while True:
        item = pending.get()
        if isinstance(item, BaseException):
            raise item
        if not item:
            return
        yield item


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


# A tuple, not a frozen dataclass: one is built per commit of a range, and a
# frozen dataclass sets each field through object.__setattr__ (3x the cost).
class _RawCommit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    encoding: str
    trailers: bytes
    message: bytes
    changes: tuple[ChangedPath, ...]


# One commit of `git log -z --format=LOG_FORMAT --name-status`: NUL-ended header
# fields (the message last), then, when it changed paths, "\n" and its entries:
# R/C with two paths, any other status with one.
_RECORD = re.compile(
    rb"([0-9a-f]{40}(?:[0-9a-f]{24})?)\0([0-9a-f ]*)\0"
    + rb"([^\0]*)\0" * (_HEADER_TOKENS - 2)
    + rb"(?:\n((?:[RC][0-9]*\0[^\0]*\0[^\0]*\0|[ADMTUXB][0-9]*\0[^\0]*\0)*))?"
)
_NEXT_RECORD = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\0")


def _parse_log_stream(chunks: Iterator[bytes]) -> Iterator[_RawCommit]:
    """Parse the output of `git log -z --format=LOG_FORMAT [--name-status]`.

    One regular expression per commit instead of a Python step per NUL-separated
    token: parsing is most of what `check` costs on a long range. A record is
    complete once the next one has visibly begun (or the stream has ended), since a
    chunk may end inside its list of paths.
    """
    buffer = b""
    pos = 0
    ended = False
    while True:
        found = _RECORD.match(buffer, pos)
        if found is not None and (ended or _NEXT_RECORD.match(buffer, found.end()) is not None):
            pos = found.end()
            yield _make_raw(found)
            if ended and pos == len(buffer):
                return
            continue
        if ended:
            if pos == len(buffer):
                return
            raise GitError(f"unexpected git log output at byte {pos}")
        chunk = next(chunks, None)
        if chunk is None:
            ended = True
        else:
            # Keep only what is not parsed yet; grow by whole chunks.
            buffer = buffer[pos:] + chunk
            pos = 0


def _changes(block: bytes | None) -> tuple[ChangedPath, ...]:
    if not block:
        return ()
    tokens = block.split(b"\0")
    changes: list[ChangedPath] = []
    i, last = 0, len(tokens) - 1  # the block ends with a NUL: one empty token
    while i < last:
        status = tokens[i].decode("ascii")
        if status[0] in "RC":
            old, new = _path(tokens[i + 1]), _path(tokens[i + 2])
            changes.append(ChangedPath(status[0], new, old, int(status[1:] or 0)))
            i += 3
        else:
            changes.append(ChangedPath(status[0], _path(tokens[i + 1])))
            i += 2
    return tuple(changes)


def _path(raw: bytes) -> str:
    # Paths are bytes to git; keep undecodable ones round-trippable.
    return raw.decode("utf-8", "surrogateescape")


def _person(name: bytes, email: bytes, date: bytes) -> Person:
    return Person(name.decode("utf-8", "replace"), email.decode("utf-8", "replace"), date.decode())


def _make_raw(found: re.Match[bytes]) -> _RawCommit:
    sha, parents, an, ae, ad, cn, ce, cd, enc, trailers, message, paths = found.groups()
    return _RawCommit(
        sha=sha.decode("ascii"),
        parents=tuple(parents.decode("ascii").split()),
        author=_person(an, ae, ad),
        committer=_person(cn, ce, cd),
        encoding=enc.decode("ascii", "replace"),
        trailers=trailers,
        message=message,
        changes=_changes(paths),
    )


def _split_trailers(text: str) -> list[tuple[str, str]]:
    if not text:
        return []
    pairs = []
    for item in text.split(_TRAILER_SEP.decode()):
        key, _, value = item.partition(_KEY_VALUE_SEP.decode())
        pairs.append((key, value))
    return pairs


def _decode_message(raw: bytes, encoding: str) -> str:
    """git re-encodes messages to UTF-8 by their `encoding` header; when it could not
    (an encoding iconv does not know, or a wrong header), decode here."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if encoding:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding, "replace")
        except LookupError:
            pass
    return raw.decode("utf-8", "replace")


def short_rev(rev: str) -> str:
    """A sha shortened for reading; any other revision (a ref name) as it is."""
    is_sha = len(rev) in (40, 64) and all(c in "0123456789abcdef" for c in rev)
    return rev[:12] if is_sha else rev

