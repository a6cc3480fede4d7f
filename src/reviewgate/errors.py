"""Errors that end a command with exit status 2 and a one-line message."""

from __future__ import annotations


class ReviewgateError(Exception):
    """A usage, policy or git problem: reported in one line, exit status 2."""

    exit_code = 2


class PolicyError(ReviewgateError):
    """The policy file is malformed or invalid."""


class GitError(ReviewgateError):
    """git is missing, the directory is no repository, or git refused a request."""


class ShallowCloneError(GitError):
    """The range reaches past the boundary of a shallow clone."""


DEBUG_VARIABLE = "REVIEWGATE_DEBUG"


def internal_error_line(error: BaseException) -> str:
    """The one line for an error reviewgate did not expect: a bug, so it says how to
    get the traceback to report it."""
    return (
        f"reviewgate: internal error: {type(error).__name__}: {error} (a bug in reviewgate; "
        f"{DEBUG_VARIABLE}=1 shows the traceback to report)"
    )
