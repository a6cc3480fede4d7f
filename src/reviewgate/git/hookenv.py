"""What the commit-message hooks need from git, read fast.

The commit-msg hook runs on every commit, so this module imports no GitPython and
runs at most one git process on the usual path: `git var -l` prints the whole
configuration *and* the author and committer identities git would use. Where the
repository is comes from how git runs hooks: from the top of the working tree
(GIT_PREFIX is set), with the message file inside the git directory.

Facts relied on (checked against git 2.39 with real commits, see the tests):
- git exports GIT_EDITOR=: to commit-msg and prepare-commit-msg hooks exactly when
  no editor is started (`-m`, `-F`, `--no-edit`); that is what decides
  `commit.cleanup=default` (strip with an editor, whitespace without one).
- `git commit` exports GIT_AUTHOR_NAME/EMAIL/DATE to its hooks (so --author and
  --reset-author are seen); `git var GIT_AUTHOR_IDENT` honours them.
- `git merge` hands the hooks .git/MERGE_MSG after writing .git/MERGE_HEAD.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Mapping

from reviewgate.errors import GitError, ReviewgateError
from reviewgate.model.commit import Person
from reviewgate.model.message import CLEANUP_MODES, CUT_LINE
from reviewgate.model.record import field, record

# The branches whose history counts as merged, besides a remote's or server's
# HEAD: what the hooks protect from unsigned commits and from strangers' tests.
DEFAULT_BRANCHES = ("main", "master")


TYPE_CHECKING = False  # see findings.py: typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any

# Keys read from `git var -l`; the names are git's canonical lower-case spellings.
_WANTED_CONFIG = frozenset(
    {
        "core.commentchar",
        "core.commentstring",
        "commit.cleanup",
        "commit.verbose",
        "trailer.separators",
        "i18n.commitencoding",
    }
)
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off", ""})


@record
class GitSettings:
    """The settings of the repository that shape a message, as git resolves them."""

    comment: str = "#"  # core.commentChar / core.commentString, maybe "auto"
    cleanup: str = "default"  # commit.cleanup
    verbose: bool = False  # commit.verbose
    separators: str = ":"  # trailer.separators
    commit_encoding: str | None = None  # i18n.commitEncoding
    author: Person | None = None
    committer: Person | None = None
    config: Mapping[str, str] = field(default_factory=dict, compare=False)


@record
class RepoPaths:
    # Plain strings, not pathlib: the hook's start-up pays for every import.
    root: str | None  # working tree top; None outside a repository
    git_dir: str | None


def run_git(args: list[str], cwd: str | os.PathLike[str] | None = None) -> str:
    """stdout of one git process, decoded leniently; GitError when git is missing."""
    argv = ["git", *(["-C", os.fspath(cwd)] if cwd is not None else []), *args]
    spawn = getattr(os, "posix_spawnp", None)
    code, out, err = _spawn(argv, spawn) if spawn else _subprocess(argv)
    if code != 0:
        first = err.decode("utf-8", "replace").strip().splitlines()
        # Our own "error: " prefix comes first; git's would double it.
        reason = first[0].removeprefix("fatal: ").removeprefix("error: ") if first else ""
        raise GitError(reason or f"git {args[0]} failed ({code})")
    return out.decode("utf-8", "surrogateescape")


def _spawn(argv: list[str], spawn: Any) -> tuple[int, bytes, bytes]:
    # posix_spawn instead of subprocess: importing subprocess (selectors, signal,
    # threading) is a visible share of the commit-msg hook's start-up time.
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    actions = [
        (os.POSIX_SPAWN_DUP2, out_write, 1),
        (os.POSIX_SPAWN_DUP2, err_write, 2),
        (os.POSIX_SPAWN_CLOSE, out_read),
        (os.POSIX_SPAWN_CLOSE, err_read),
    ]
    try:
        pid = spawn(argv[0], argv, os.environ, file_actions=actions)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    finally:
        os.close(out_write)
        os.close(err_write)
    # git's stderr here is at most a line or two, far below a pipe's buffer, so
    # reading stdout to its end first cannot deadlock.
    with os.fdopen(out_read, "rb") as out, os.fdopen(err_read, "rb") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


def _subprocess(argv: list[str]) -> tuple[int, bytes, bytes]:
    import subprocess  # where os.posix_spawnp is missing (Windows)

    try:
        done = subprocess.run(argv, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"{argv[0]} {argv[1]} did not answer within 60 s") from None
    return done.returncode, done.stdout, done.stderr


def read_settings(cwd: str | os.PathLike[str] | None = None) -> GitSettings:
    """The settings and identities of the repository at `cwd`, from one `git var -l`."""
    return parse_var_list(run_git(["var", "-l"], cwd))


def parse_var_list(text: str) -> GitSettings:
    """Parse `git var -l`: config lines (KEY=VALUE, in the order git read them, so the
    last one wins as in git) followed by GIT_*_IDENT lines."""
    config: dict[str, str] = {}
    comment = "#"
    idents: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition("=")
        if key in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            idents[key] = value
            continue
        key = key.lower()
        if not sep or (key not in _WANTED_CONFIG and not key.startswith("alias.")):
            continue  # aliases: `git amend` may be `commit --amend` (git/amending.py)
        config[key] = value
        # git >= 2.45 treats the two keys as one setting: the later line wins.
        if key in ("core.commentchar", "core.commentstring") and value:
            comment = "auto" if value.lower() == "auto" else value
    return GitSettings(
        comment=comment,
        cleanup=config.get("commit.cleanup", "default").lower() or "default",
        verbose=_git_bool(config.get("commit.verbose", "false")),
        separators=config.get("trailer.separators") or ":",
        commit_encoding=config.get("i18n.commitencoding") or None,
        author=parse_ident(idents["GIT_AUTHOR_IDENT"]) if "GIT_AUTHOR_IDENT" in idents else None,
        committer=(
            parse_ident(idents["GIT_COMMITTER_IDENT"]) if "GIT_COMMITTER_IDENT" in idents else None
        ),
        config=config,
    )


def _git_bool(value: str) -> bool:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    try:
        return int(value) != 0  # commit.verbose may be a level: 1, 2
    except ValueError:
        return False


def parse_ident(ident: str) -> Person:
    """`Name <email> 1767323045 +0100`, as git var prints it, to a Person whose date is
    strict ISO 8601 like git's %aI."""
    name, _, rest = ident.partition("<")
    email, _, stamp = rest.partition(">")
    return Person(name.strip(), email.strip(), _iso_date(stamp.split()))


def _iso_date(parts: list[str]) -> str:
    if len(parts) != 2:
        return ""
    seconds, offset = parts
    # time, not datetime: datetime's import costs the hook more than this code.
    import time

    try:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = int(offset[1:3]), int(offset[3:5])
        local = time.gmtime(int(seconds) + sign * (hours * 3600 + minutes * 60))
    except (ValueError, OverflowError, OSError):
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%S", local) + f"{offset[0]}{offset[1:3]}:{offset[3:5]}"


def editor_used(environ: Mapping[str, str]) -> bool:
    """Whether git started an editor for this commit. git sets GIT_EDITOR=: in the
    hooks' environment when it does not; a user's own GIT_EDITOR=: looks the same,
    and then git's editor was a no-op, so "no editor" is the truthful reading."""
    return environ.get("GIT_EDITOR", "") != ":"


def cleanup_mode(settings: GitSettings, environ: Mapping[str, str]) -> str:
    """commit.cleanup resolved as git's get_cleanup_mode() does: `default` is strip
    with an editor and whitespace without; `scissors` without an editor is plain
    whitespace. An unknown value makes git fail before any hook runs, so it is read
    as `default` here."""
    mode = settings.cleanup
    edited = editor_used(environ)
    if mode == "scissors" and not edited:
        return "whitespace"
    if mode in CLEANUP_MODES:
        return mode
    return "strip" if edited else "whitespace"


def scissors_offset(text: str, comment: str) -> int | None:
    """Where git's scissors line starts (wt_status_locate_end), or None."""
    line = f"{comment} {CUT_LINE}"
    if text.startswith(line):
        return 0
    found = text.find("\n" + line)
    return None if found < 0 else found + 1


def _codec(encoding: str | None) -> str:
    """Python's name for i18n.commitEncoding; UTF-8 when unset or unknown to Python."""
    if encoding:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            pass
    return "utf-8"


def decode_message(data: bytes, encoding: str | None, errors: str = "replace") -> str:
    """A message file's text: in i18n.commitEncoding when it is set and known to
    Python, else UTF-8. `errors="surrogateescape"` keeps undecodable bytes so that
    the text can be written back byte for byte."""
    return data.decode(_codec(encoding), errors)


def encode_message(text: str, encoding: str | None) -> bytes:
    """The inverse of decode_message(..., errors="surrogateescape")."""
    return text.encode(_codec(encoding), "surrogateescape")


def read_message_file(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ReviewgateError(f"commit message file {os.fspath(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ReviewgateError(f"{os.fspath(path)!r} is a directory, not a message file") from None
    except OSError as exc:
        raise ReviewgateError(f"cannot read {os.fspath(path)!r}: {exc.strerror}") from None


def locate_repo(
    message_file: str | os.PathLike[str],
    environ: Mapping[str, str],
    cwd: str | os.PathLike[str] | None = None,
) -> RepoPaths:
    """The working tree and git directory of the commit being made.

    Run by git (GIT_PREFIX is exported), the hook's directory is the top of the
    working tree and the message file lies in the git directory, so no process is
    needed. Otherwise (run by hand, from anywhere) one `git rev-parse` tells."""
    here = os.fspath(cwd) if cwd is not None else os.getcwd()
    parent = os.path.dirname(os.path.join(here, os.fspath(message_file)))
    if "GIT_PREFIX" in environ and os.path.isfile(os.path.join(parent, "HEAD")):
        return RepoPaths(here, parent)
    try:
        out = run_git(["rev-parse", "--absolute-git-dir", "--show-toplevel"], here)
    except GitError:
        return RepoPaths(None, None)
    lines = out.splitlines()
    git_dir = lines[0] if lines else None
    root = lines[1] if len(lines) > 1 else None
    return RepoPaths(root, git_dir)


def merge_parents(
    git_dir: str | os.PathLike[str] | None, cwd: str | os.PathLike[str] | None = None
) -> tuple[str, ...]:
    """HEAD and the MERGE_HEAD commits when a merge is being concluded, else ().
    HEAD is resolved only then, so an ordinary commit costs no extra process."""
    if git_dir is None:
        return ()
    try:
        merge_head = os.path.join(git_dir, "MERGE_HEAD")
        with open(merge_head, encoding="ascii", errors="replace") as handle:
            heads = handle.read().split()
    except OSError:
        return ()
    if not heads:
        return ()
    try:
        head = run_git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], cwd).strip()
    except GitError:
        head = ""
    return (head, *heads) if head else tuple(heads)
