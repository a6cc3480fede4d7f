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
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reviewgate.commit import Person
from reviewgate.errors import GitError, ReviewgateError

CLEANUP_MODES = ("strip", "whitespace", "verbatim", "scissors")
# The scissors line of `git commit -v` and commit.cleanup=scissors (wt-status.c).
CUT_LINE = "------------------------ >8 ------------------------"
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class RepoPaths:
    root: Path | None  # working tree top; None outside a repository
    git_dir: Path | None


def run_git(args: list[str], cwd: str | os.PathLike[str] | None = None) -> str:
    """stdout of one git process, decoded leniently; GitError when git is missing."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not answer within 60 s") from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(first[0] if first else f"git {args[0]} failed ({done.returncode})")
    return done.stdout.decode("utf-8", "surrogateescape")


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
        if key not in _WANTED_CONFIG or not sep:
            continue
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
    try:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = int(offset[1:3]), int(offset[3:5])
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return datetime.fromtimestamp(int(seconds), tz).isoformat()
    except (ValueError, OverflowError, OSError):
        return ""


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
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ReviewgateError(f"commit message file {os.fspath(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ReviewgateError(f"{os.fspath(path)!r} is a directory, not a message file") from None
    except OSError as exc:
        raise ReviewgateError(f"cannot read {os.fspath(path)!r}: {exc.strerror}") from None


def locate_repo(
    message_file: str | os.PathLike[str], environ: Mapping[str, str], cwd: Path | None = None
) -> RepoPaths:
    """The working tree and git directory of the commit being made.

    Run by git (GIT_PREFIX is exported), the hook's directory is the top of the
    working tree and the message file lies in the git directory, so no process is
    needed. Otherwise (run by hand, from anywhere) one `git rev-parse` tells."""
    here = cwd or Path.cwd()
    parent = (here / message_file).parent
    if "GIT_PREFIX" in environ and (parent / "HEAD").is_file():
        return RepoPaths(here, parent)
    try:
        out = run_git(["rev-parse", "--absolute-git-dir", "--show-toplevel"], here)
    except GitError:
        return RepoPaths(None, None)
    lines = out.splitlines()
    git_dir = Path(lines[0]) if lines else None
    root = Path(lines[1]) if len(lines) > 1 else None
    return RepoPaths(root, git_dir)


def merge_parents(git_dir: Path | None, cwd: Path | None = None) -> tuple[str, ...]:
    """HEAD and the MERGE_HEAD commits when a merge is being concluded, else ().
    HEAD is resolved only then, so an ordinary commit costs no extra process."""
    if git_dir is None:
        return ()
    try:
        heads = (git_dir / "MERGE_HEAD").read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return ()
    if not heads:
        return ()
    try:
        head = run_git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], cwd).strip()
    except GitError:
        head = ""
    return (head, *heads) if head else tuple(heads)
