"""Files as committed at a revision: the policy, the allowed signers.

What judges a change is read from a revision the change cannot have written (the
target branch, the server's protected branch), never from the working tree. A
symbolic link inside the tree is followed there, one out of the tree refused.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from reviewgate.errors import GitError, PolicyError
from reviewgate.policy.schema import POLICY_FILE_NAME

if TYPE_CHECKING:
    import git as gitpython

_SYMLINK_MODE = "120000"
_MAX_SYMLINKS = 8


def policy_text_at(repo: gitpython.Repo, rev: str, path: str = POLICY_FILE_NAME) -> str | None:
    """The text of the policy file `path` (relative to the top) as committed at
    `rev`; None when it does not exist there.

    A symbolic link inside the tree is followed. Raises GitError when `rev` is not
    a commit here, PolicyError when `path` is not a readable text file at `rev`."""
    commit = commit_of(repo, rev)
    if commit is None:
        raise GitError(f"unknown revision {rev!r}: cannot read {path} there")
    current = path.strip("/")
    for _ in range(_MAX_SYMLINKS):
        entry = tree_entry(repo, commit, current)
        if entry is None:
            if current != path.strip("/"):  # reached through a link that leads nowhere
                raise PolicyError(
                    f"{rev}:{path}: is a symbolic link that points to a missing file ({current!r})"
                )
            return None
        mode, kind, oid = entry
        where = f"{rev}:{current}"
        if kind != "blob":
            raise PolicyError(f"{where}: is a {kind}, not a policy file")
        data = git_call(
            repo, "cat_file", "blob", oid, stdout_as_string=False, strip_newline_in_stdout=False
        )
        if mode != _SYMLINK_MODE:
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise PolicyError(f"{where}:{line}: the policy file is not UTF-8") from None
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(current), data.decode("utf-8", "surrogateescape"))
        )
        if target.startswith(("/", "../")) or target == "..":
            raise PolicyError(f"{where}: is a symbolic link out of the repository")
        current = target
    raise PolicyError(f"{rev}:{path}: too many levels of symbolic links")


def policy_differs(
    repo: gitpython.Repo, base: str, head: str, path: str = POLICY_FILE_NAME
) -> bool:
    """Whether the policy file's text at `head` differs from the one at `base`
    (a file added or removed counts as a difference)."""
    return policy_text_at(repo, base, path) != policy_text_at(repo, head, path)


def commit_of(repo: gitpython.Repo, rev: str) -> str | None:
    """The commit `rev` names (a tag peeled), or None when it is not here."""
    import git as gitpython  # GitPython needs a git binary to import

    try:
        return repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except gitpython.GitCommandError:
        return None


def tree_entry(repo: gitpython.Repo, commit: str, path: str) -> tuple[str, str, str] | None:
    """(mode, type, object id) of `path` in `commit`, or None when it is absent."""
    listing = git_call(
        repo, "ls_tree", "-z", "--full-tree", commit, "--", path, env={"GIT_LITERAL_PATHSPECS": "1"}
    )
    for record in listing.split("\0"):
        meta, _, name = record.partition("\t")
        if name == path:
            mode, kind, oid = meta.split()
            return mode, kind, oid
    return None


def git_call(repo: gitpython.Repo, command: str, *args: str, **kwargs: Any) -> Any:
    import git as gitpython  # GitPython needs a git binary to import

    try:
        return getattr(repo.git, command)(*args, **kwargs)
    except gitpython.GitCommandError as error:
        raise git_error(error) from None


def git_error(error: Any) -> GitError:
    """One line from what git said: GitPython wraps stderr as "stderr: '...'"."""
    text = str(error.stderr or "").strip().removeprefix("stderr:").strip().strip("'")
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    command = " ".join(str(part) for part in error.command[:2]) if error.command else "git"
    return GitError(line.removeprefix("fatal: ").removeprefix("error: ") or f"{command} failed")
