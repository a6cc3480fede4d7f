"""Files as committed at a revision: the policy, the allowed signers.

What judges a change is read from a revision the change cannot have written (the
target branch, the server's protected branch), never from the working tree. A
symbolic link inside the tree is followed there, one out of the tree refused.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from reviewgate.errors import GitError, PolicyError
from reviewgate.policy.files import mentions_policy_table
from reviewgate.policy.schema import POLICY_FILE_NAME, PYPROJECT_FILE_NAME

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
    (a file added or removed counts as a difference); for a .toml file, its
    [tool.reviewgate] table (a pyproject.toml's other tables are not the policy)."""
    before = policy_text_at(repo, base, path)
    after = policy_text_at(repo, head, path)
    if before is None or after is None or not path.endswith(".toml"):
        return before != after
    from reviewgate.policy.pyproject import table_of

    return bool(table_of(before) != table_of(after))


def repo_policy_path_at(repo: gitpython.Repo, rev: str) -> str:
    """The file that holds the repository's own policy at `rev`, as find_policy_file
    chooses in a working tree: .reviewgate.yaml when `rev` has it, else
    pyproject.toml when it may hold a [tool.reviewgate] table, else
    .reviewgate.yaml (absent there: the built-in defaults)."""
    if policy_text_at(repo, rev, POLICY_FILE_NAME) is not None:
        return POLICY_FILE_NAME
    text = policy_text_at(repo, rev, PYPROJECT_FILE_NAME)
    if text is not None and mentions_policy_table(text):
        return PYPROJECT_FILE_NAME
    return POLICY_FILE_NAME


def repo_policy_differs(repo: gitpython.Repo, base: str, head: str) -> bool:
    """Whether the repository's own policy at `head` differs from the one at `base`:
    another file holds it (a deleted .reviewgate.yaml lets pyproject.toml's table
    rule), or its file differs. A policy file at `head` that cannot be read differs."""
    path = repo_policy_path_at(repo, base)
    try:
        return repo_policy_path_at(repo, head) != path or policy_differs(repo, base, head, path)
    except PolicyError:
        return True


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
