"""Whether the `git commit` that runs the commit-msg hook amends HEAD.

git tells no hook about `--amend`: prepare-commit-msg gets `commit HEAD` for
`--amend` and for `-c HEAD`/`-C HEAD` alike, and `message` with no commit for
`--amend -m`/`-F`; the hooks' environment is the same with and without it
(checked against git 2.39). What does tell is the command line of the `git`
process that runs the hook: its parent (plain hooks, core.hooksPath), or a few
generations up (pre-commit runs hooks from its own process). On Linux that is
read from /proc, with no process started; elsewhere the answer is "cannot tell",
and the hook judges the staged change alone, as before.

Only a fix's message pays for this: the hook asks it after the message is known
to be a fix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

# git's global options that take the next argument as their value.
_GLOBAL_WITH_VALUE = frozenset(
    {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env"}
)
# `git commit` options that take the next argument as their value (when not
# attached: `-mtext`, `--message=text`).
_SHORT_WITH_VALUE = frozenset("mFcCt")
_LONG_WITH_VALUE = frozenset(
    {"--message", "--file", "--reuse-message", "--reedit-message", "--template", "--author",
     "--date", "--cleanup", "--fixup", "--squash", "--trailer", "--pathspec-from-file"}
)
_GENERATIONS = 4  # git -> sh -> pre-commit -> this hook, at most


def amending(aliases: Mapping[str, str] | None = None) -> bool | None:
    """True when the nearest `git commit` among this process's ancestors has
    `--amend`, False when it has not, None when none can be read (not Linux, or
    the hook was not run by git)."""
    pid = os.getppid()
    for _ in range(_GENERATIONS):
        if pid <= 1:
            return None
        argv = _cmdline(pid)
        if argv is None:
            return None
        verdict = commit_amends(argv, aliases or {})
        if verdict is not None:
            return verdict
        pid = _parent(pid)
    return None


def _cmdline(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0")[:-1]]


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            fields = handle.read().rpartition(b")")[2].split()
        return int(fields[1])
    except (OSError, IndexError, ValueError):
        return 0


def commit_amends(argv: Sequence[str], aliases: Mapping[str, str]) -> bool | None:
    """For a git command line: True for `git commit --amend`, False for another
    `git commit` or another git command, None when `argv` is not git's."""
    if not argv or os.path.basename(argv[0]) not in ("git", "git.exe"):
        return None
    args = list(argv[1:])
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in _GLOBAL_WITH_VALUE and args:
            args.pop(0)
    if not args:
        return False
    command, rest = args[0], args[1:]
    alias = aliases.get(f"alias.{command}", "")
    if command != "commit" and alias and not alias.startswith("!"):
        # A non-shell alias runs in the same process: `git amend` for
        # `alias.amend = commit --amend --no-edit`.
        import shlex

        try:
            words = shlex.split(alias)
        except ValueError:
            words = []
        if words:
            command, rest = words[0], [*words[1:], *rest]
    return command == "commit" and _has_amend(rest)


def _has_amend(args: Sequence[str]) -> bool:
    amend = False
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("--"):
            name = arg.split("=", 1)[0]
            if len(name) >= 4 and "--amend".startswith(name):
                amend = True  # git takes any unambiguous prefix: --am, --amen
            elif name == "--no-amend":
                amend = False
            elif "=" not in arg and name in _LONG_WITH_VALUE:
                skip = True
        elif arg.startswith("-") and len(arg) > 1:
            # Bundled short options: `-am msg`, `-mmsg`, `-aC HEAD`.
            for at, letter in enumerate(arg[1:], start=1):
                if letter in _SHORT_WITH_VALUE:
                    skip = at == len(arg) - 1
                    break
    return amend
