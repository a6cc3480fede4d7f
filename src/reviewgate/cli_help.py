"""click's side of the command line that cli.py's commands share: one format for
every error (click's usage errors and reviewgate's own: `reviewgate: error: …`,
exit 2), command summaries that `reviewgate --help` does not cut off, and an
example or two at the end of each command's help."""

from __future__ import annotations

import sys
from typing import Any

import click

# What `reviewgate --help` lists for each command: click would cut the first
# sentence of the docstring at 45 characters.
SUMMARIES = {
    "approve": "Record that you reviewed a range, as a signed git note.",
    "check": "Check the commits of a range against the policy.",
    "explain": "Print a rule's documentation: why it exists, how to fix it.",
    "hook": "Entry points for git hooks (commit-msg, pre-push, ...).",
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
    "hook": ("git config core.hooksPath /path/to/reviewgate/hooks",),
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
        text += f" (see '{ctx.command_path} --help')"
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
