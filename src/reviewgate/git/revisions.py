"""Revisions for git's stdin: `git log --stdin`, never one argument per ref.

A server with 45,000 refs must not put a revision per ref on the command line: the
command dies of E2BIG (`OSError: Argument list too long`), and every push with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any


def stdin_revisions(revisions: Sequence[str]) -> tuple[list[str], str]:
    """`revisions` split for `git log --stdin`: the options that stay on the command
    line, and the text for stdin, one revision a line.

    A server with 45,000 refs must not put a revision per ref on the command line
    (E2BIG). git before 2.42 takes no option on stdin, and reads it with none of
    the command line's `--not` in force: a revision that follows an odd number of
    `--not` goes there as `^REV`. A range (A..B) or a parent shorthand (A^!, A^@)
    that `--not` would flip stays on the command line, where git reads it as it did."""
    options: list[str] = []
    lines: list[str] = []
    negated = False
    for rev in revisions:
        if rev.startswith("-"):
            options.append(rev)
            negated ^= rev == "--not"
        elif not negated:
            lines.append(rev)
        elif rev.startswith("^") and ".." not in rev:
            lines.append(rev[1:])
        elif ".." in rev or rev.endswith(("^!", "^@", "^-")):
            options.append(rev)
        else:
            lines.append(f"^{rev}")
    return options, "".join(f"{line}\n" for line in lines)


def feed(stdin: Any, text: str) -> None:
    """Write the revisions to git's stdin and close it. git reads all of them before
    it writes a line, so this cannot block on git's output."""
    try:
        stdin.write(text.encode("utf-8", "surrogateescape"))
    except BrokenPipeError:
        pass  # git stopped early (a bad revision): its stderr says why
    finally:
        with contextlib.suppress(OSError):
            stdin.close()
