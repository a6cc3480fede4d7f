"""`reviewgate hook`: install the hook scripts, and the entry points they call.

`hook commit-msg` and `hook prepare-commit-msg` normally reach their commands
through entry.py's fast path, without click; these are the same commands for
`python -m reviewgate hook …` and for click's help and errors.
"""

from __future__ import annotations

import os
import sys

import click

from reviewgate.cli_help import Group, config_option, reports_errors


@click.group(cls=Group)
def hook() -> None:
    """Install reviewgate's git hooks, and their entry points (commit-msg,
    prepare-commit-msg, pre-push, pre-receive)."""


_HOOK_CHOICE = click.Choice(["commit-msg", "prepare-commit-msg", "pre-push", "pre-receive"])


@hook.command("install")
@click.option("--hook", "names", multiple=True, type=_HOOK_CHOICE, metavar="NAME",
              help="Install only this hook (repeatable; default: commit-msg, "
              "prepare-commit-msg and pre-push; pre-receive for a server).")
@click.option("--force", is_flag=True, help="Replace a hook that is not reviewgate's.")
@reports_errors
def hook_install(names: tuple[str, ...], force: bool) -> None:
    """Write reviewgate's hook scripts into this repository's hooks directory
    (`git rev-parse --git-path hooks`). They run the Python reviewgate is installed
    in, so an IDE whose PATH lacks reviewgate still runs them."""
    from reviewgate.commands.hook_install import DEFAULT_HOOKS, hook_python, install_hooks

    python = hook_python(sys.executable)
    for change in install_hooks(names or DEFAULT_HOOKS, force=force, python=python):
        click.echo(change.line())
    if not python:
        click.echo(f"reviewgate: note: {sys.executable} imports this reviewgate only through "
                   "PYTHONPATH, which git's hooks may not have; they run `reviewgate` from "
                   "PATH instead", err=True)


@hook.command("uninstall")
@click.option("--hook", "names", multiple=True, type=_HOOK_CHOICE, metavar="NAME",
              help="Remove only this hook (repeatable; default: every one).")
@reports_errors
def hook_uninstall(names: tuple[str, ...]) -> None:
    """Remove the hooks `reviewgate hook install` wrote; leave anyone else's."""
    from reviewgate.commands.hook_install import HOOK_NAMES, uninstall_hooks

    changes = uninstall_hooks(names or HOOK_NAMES)
    for change in changes:
        click.echo(change.line())
    if not changes:
        click.echo("no reviewgate hook to remove")


@hook.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@config_option
@reports_errors
def hook_commit_msg(message_file: str, config: str | None) -> None:
    """Check the commit message being written in MESSAGE_FILE."""
    from reviewgate.commands.hook_commit_msg import commit_msg_hook

    code, text = commit_msg_hook(message_file, config=config)
    if text:
        click.echo(text, err=True, nl=False)
    sys.exit(code)


@hook.command("prepare-commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False))
@click.argument("source", required=False, default="")
@click.argument("sha", required=False, default="")
@config_option
@reports_errors
def hook_prepare_commit_msg(message_file: str, source: str, sha: str, config: str | None) -> None:
    """Add the disclosure trailer when committing from inside a known AI agent."""
    from reviewgate.commands.hook_prepare_commit_msg import prepare_commit_msg_hook

    code, text = prepare_commit_msg_hook(message_file, source, sha, config=config)
    if text:
        click.echo(text, err=True, nl=False)
    sys.exit(code)


@hook.command("pre-push")
@click.argument("remote", required=False, default="")
@click.argument("url", required=False, default="")
@config_option
@reports_errors
def hook_pre_push(remote: str, url: str, config: str | None) -> None:
    """Check the new commits of every ref git pushes (its ref lines on stdin)."""
    from reviewgate.commands.hook_pre_push import pre_push_hook
    from reviewgate.git.pushed_refs import read_hook_stdin

    code, text = pre_push_hook(remote, url, read_hook_stdin(), os.environ, config=config)
    click.echo(text, err=True, nl=False)
    sys.exit(code)


@hook.command("pre-receive")
@click.option("--ref", "refs", multiple=True, metavar="GLOB",
              help="Gate only refs matching GLOB (repeatable; default: git config "
              "reviewgate.refs, else every ref but refs/notes/*).")
@config_option
@reports_errors
def hook_pre_receive(refs: tuple[str, ...], config: str | None) -> None:
    """Server side: reject a push whose new commits break the policy (git's lines on stdin)."""
    from reviewgate.commands.hook_pre_receive import pre_receive_hook
    from reviewgate.git.pushed_refs import read_hook_stdin

    code, text = pre_receive_hook(read_hook_stdin(), patterns=refs, config=config)
    click.echo(text, err=True, nl=False)
    sys.exit(code)
