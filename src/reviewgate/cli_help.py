"""click's side of the command line that cli.py's commands share: the options
several commands take, errors turned into one line and an exit status, one format for
every error (click's usage errors and reviewgate's own: `reviewgate: error: …`,
exit 2), command summaries that `reviewgate --help` does not cut off, and an
example or two at the end of each command's help."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from reviewgate.errors import DEBUG_VARIABLE, ReviewgateError, internal_error_line

# What `reviewgate --help` lists for each command: click would cut the first
# sentence of the docstring at 45 characters.
SUMMARIES = {
    "approve": "Record that you reviewed a range, as a signed git note.",
    "check": "Check the commits of a range against the policy.",
    "explain": "Print a rule's documentation: why it exists, how to fix it.",
    "hook": "Install the git hooks; their entry points (commit-msg, ...).",
    "install": "Write the hook scripts into this repository.",
    "uninstall": "Remove the hooks that `reviewgate hook install` wrote.",
    "init": "Write a commented starter .reviewgate.yaml.",
    "policy": "Print the effective policy and where each value came from.",
    "stats": "Figures about a range: assisted share, sign-offs, fixes.",
    "verify": "Prove each fix's test red without it and green with it.",
    "commit-msg": "Check the message of the commit being made.",
    "prepare-commit-msg": "Add the disclosure trailer inside a known AI agent.",
    "pre-push": "Check the new commits of every ref being pushed.",
    "pre-receive": "Server side: reject a push whose commits break the policy.",
}

# Examples, by command path without the program name.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("reviewgate check", "reviewgate explain RG101"),
    "check": (
        "reviewgate check                     # the commits not upstream yet",
        "reviewgate check origin/main..HEAD",
        "reviewgate check HEAD -n 20 --format json -o report.json",
    ),
    "verify": ("reviewgate verify origin/main..HEAD -j 2",),
    "approve": (
        "reviewgate approve origin/main..HEAD",
        "git push origin refs/notes/reviewgate-approvals",
    ),
    "stats": ("reviewgate stats HEAD --html stats.html",),
    "explain": ("reviewgate explain RG201", "reviewgate explain    # every rule"),
    "init": ("reviewgate init && git add .reviewgate.yaml",),
    "policy": ("reviewgate policy --format json",),
    "hook": ("reviewgate hook install",),
    "hook install": (
        "reviewgate hook install",
        "reviewgate hook install --hook pre-receive   # in a server's bare repository",
    ),
    "hook uninstall": ("reviewgate hook uninstall",),
    "hook commit-msg": ("reviewgate hook commit-msg .git/COMMIT_EDITMSG",),
    "hook prepare-commit-msg": (
        "reviewgate hook prepare-commit-msg .git/COMMIT_EDITMSG message",
    ),
    "hook pre-push": ("reviewgate hook pre-push origin git@host:repo.git < ref-lines",),
    "hook pre-receive": ("reviewgate hook pre-receive --ref 'refs/heads/*' < ref-lines",),
}


def error_line(message: str) -> str:
    return f"reviewgate: error: {message}"


def click_error_line(error: click.ClickException) -> str:
    """A click error in reviewgate's format, with where to read the usage."""
    text = error.format_message().strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]  # "No such option" reads as our own errors
    ctx = getattr(error, "ctx", None)
    if isinstance(error, click.UsageError) and ctx is not None:
        # git answers `git reviewgate --help` with the man page, when there is one.
        flag = "-h" if ctx.command_path.startswith("git ") else "--help"
        text += f" (see '{ctx.command_path} {flag}')"
    return error_line(text)


class _Examples:
    """Ends a command's help with its examples."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)  # type: ignore[misc]
        path = ctx.command_path.split(" ", 1)[1] if " " in ctx.command_path else ""
        examples = EXAMPLES.get(path)
        if examples:
            with formatter.section("Examples"):
                for line in examples:
                    formatter.write(f"{' ' * formatter.current_indent}{line}\n")

    def get_short_help_str(self, limit: int = 45) -> str:
        name = getattr(self, "name", "") or ""
        return SUMMARIES.get(name) or super().get_short_help_str(limit)  # type: ignore[misc]


class Command(_Examples, click.Command):
    pass


class Group(_Examples, click.Group):
    """The command line's group: its commands and subgroups get the examples, and
    every error leaves in one format."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            click.echo(click_error_line(error), err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("reviewgate: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


F = TypeVar("F", bound=Callable[..., Any])



# REVIEWGATE_CONFIG is read by policy.find_policy_file itself, so that an error
# names the variable rather than --config.
config_option = click.option(
    "--config",
    "config",
    metavar="FILE",
    help="Policy file to use instead of .reviewgate.yaml (env: REVIEWGATE_CONFIG); one "
    "inside the repository is read at the trusted revision when there is one.",
)



policy_from_option = click.option(
    "--policy-from",
    metavar="REV",
    help="Read the policy at this trusted revision (default in CI: the target branch).",
)



def verify_options(func: F) -> F:
    """--no-cache, -j and --shard, shared by `verify` and `check --verify`."""
    func = click.option(
        "--shard", metavar="K/N",
        help="Verify only the K-th of N shares of the fixes (a CI matrix; 1 <= K <= N).",
    )(func)
    func = click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
        help="Verify N fixes at once, each in its own worktree.",
    )(func)
    return click.option(  # type: ignore[return-value]
        "--no-cache", is_flag=True,
        help="Re-run every fix, ignoring results cached in refs/notes/reviewgate.",
    )(func)



def reports_errors(func: F) -> F:
    """Turn reviewgate's errors into one line on stderr and exit status 2, Ctrl-C
    into 130, and an error nobody expected into one line and 2 as well: exit 1
    means findings, and a crash is none."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ReviewgateError as error:
            click.echo(error_line(str(error)), err=True)
            sys.exit(error.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own, reported by click
        except KeyboardInterrupt:
            click.echo("reviewgate: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`| head`): nothing is wrong, and nothing more can
            # be said there. The final flush must not fail again on the closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)  # as a shell reports a process that SIGPIPE ended
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            click.echo(internal_error_line(error), err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]

