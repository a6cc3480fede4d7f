"""Where a policy file named by `--config`, the action's `config:` input or
REVIEWGATE_CONFIG lies: inside the repository's working tree, or outside it.

A path inside the working tree is part of what a pull request changes: with a
trusted revision (CI's base, --policy-from, the server's protected branch) it is
read as committed there, like `.reviewgate.yaml`, never from the checkout. Only a
path outside the working tree (a file the CI or the server's administrator
keeps) is read as a plain file.

The test is lexical: the path as given, made absolute from the current directory,
against the top of the working tree. A symbolic link that the checkout holds
(`ci` -> `/etc`) is a change of the pull request's like any other, and is not
followed to decide.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import git as gitpython


def path_in_tree(repo: gitpython.Repo, given: str) -> str | None:
    """`given` as a path from the top of the working tree ("ci/policy.yaml") when it
    lies inside it, outside the git directory; None when it lies outside, and in a
    bare repository, which has no working tree."""
    top = repo.working_tree_dir
    if top is None:
        return None
    absolute = os.path.abspath(given)
    for root in dict.fromkeys((os.path.abspath(top), os.path.realpath(top))):
        relative = os.path.relpath(absolute, root)
        parts = relative.split(os.sep)
        if parts[0] in ("..", ".") or relative.startswith(".." + os.sep):
            continue
        if parts[0] == ".git":
            return None  # the git directory: no commit can hold it
        return "/".join(parts)
    return None
