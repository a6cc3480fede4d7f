"""The command line: parse arguments, call the library, print. No logic lives here
that a test could not call without a terminal.

Each command imports its implementation when it runs, so `reviewgate hook
commit-msg` pays only for what the hook needs.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from typing import Any

import click

from reviewgate.cli_help import (
    Group,
    config_option,
    policy_from_option,
    reports_errors,
    verify_options,
)
from reviewgate.cli_hooks import hook
from reviewgate.errors import ReviewgateError


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Not click's version_option: it fails where the distribution's metadata is
    # missing (a source tree on PYTHONPATH); reviewgate.__version__ says "0+unknown".
    if value and not ctx.resilient_parsing:
        import reviewgate

        click.echo(f"reviewgate, version {reviewgate.__version__}")
        ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show the version and exit.")
def main() -> None:
    """Keep unreviewed, machine-written commits out of a git history."""


main.add_command(hook)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("revisions", nargs=-1, type=click.UNPROCESSED, metavar="[RANGE]...")
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Check at most N commits.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "junit"]),
    default="text",
    show_default=True,
    help="Report format: text, json (docs/json-report.md), sarif (2.1.0, for code "
    "scanning), github (workflow-command annotations) or junit (XML, as GitLab renders).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--deepen/--no-deepen",
    default=None,
    help="Fetch the history a shallow clone lacks for the range (default: on in CI).",
)
@policy_from_option
@click.option("--verify", "run_verify", is_flag=True,
              help="Also prove each fix red, then green (see `reviewgate verify`).")
@click.option("--show-assistance", is_flag=True,
              help="Print, for every commit, the tools found and the evidence read "
              "(text format; JSON has it in each commit's `assistance`).")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings of each rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@config_option
@verify_options
@reports_errors
def check(
    revisions: tuple[str, ...],
    max_count: int | None,
    fmt: str,
    output: str | None,
    deepen: bool | None,
    policy_from: str | None,
    run_verify: bool,
    show_assistance: bool,
    statistics: bool,
    quiet: bool,
    config: str | None,
    no_cache: bool,
    jobs: int,
    shard: str | None,
) -> None:
    """Check the commits of RANGE (anything `git rev-list` accepts).

    With no RANGE: in CI (GitHub Actions, GitLab CI, or REVIEWGATE_BASE) the pull or
    merge request's commits, judged by the policy of the target branch; elsewhere
    `@{upstream}..HEAD`, or HEAD's commits that no remote-tracking branch has.
    """
    from reviewgate.commands.check import (
        CommitProgress,
        render_chunks,
        wants_colour,
        write_report,
    )
    from reviewgate.pipeline.run import report_needs_paths, run_check

    gather = progress = None
    if (statistics or quiet) and fmt != "text":
        option = "--statistics" if statistics else "--quiet"
        raise ReviewgateError(f"{option} shapes the text report; the {fmt} report does not take it")
    signals: Any = nullcontext()
    if not run_verify and (no_cache or jobs != 1 or shard):
        raise ReviewgateError("--no-cache, -j and --shard apply to verification; add --verify")
    if show_assistance and fmt != "text":
        raise ReviewgateError(f"--show-assistance prints text; the {fmt} report does not take "
                              "it (JSON has each commit's `assistance` already)")
    if run_verify:
        from reviewgate.commands.verify import (
            Progress,
            check_verify_options,
            interrupts_as_keyboard_interrupt,
        )

        progress = Progress()
        gather = check_verify_options(no_cache, jobs, shard, progress)
        signals = interrupts_as_keyboard_interrupt()
    reading = CommitProgress(sys.stderr, os.environ)
    try:
        with signals:
            result = run_check(
                revisions=revisions,
                max_count=max_count,
                config=config,
                deepen=deepen,
                policy_from=policy_from,
                with_paths=report_needs_paths(fmt),
                # SARIF points a merge's findings at a file it changed.
                merge_paths=True if fmt == "sarif" else None,
                gather=gather,  # type: ignore[arg-type]
                on_commit=reading,
            )
    except KeyboardInterrupt:
        click.echo("reviewgate: interrupted; temporary worktrees removed", err=True)
        sys.exit(130)
    finally:
        reading.close()
        if progress is not None:
            progress.close()
    colour = output is None and fmt == "text" and wants_colour(sys.stdout, os.environ)
    chunks = render_chunks(result, fmt, statistics=statistics, quiet=quiet, colour=colour)
    if show_assistance:
        from reviewgate.report.assistance import render_assistance

        chunks = chain([render_assistance(result)], chunks)
    if output is not None:
        write_report(output, chunks)
        # The report went to a file; the log still says what was found.
        from reviewgate.report.text import summary_line

        click.echo(summary_line(result) + f" (report: {output})", err=True)
    else:
        for chunk in chunks:
            click.echo(chunk, nl=False, color=colour)
    sys.exit(result.exit_code)


@main.command("verify", context_settings={"ignore_unknown_options": True})
@click.argument("revisions", nargs=-1, type=click.UNPROCESSED, metavar="[RANGE]...")
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Verify at most N commits.")
@policy_from_option
@config_option
@verify_options
@click.option("--cleanup", is_flag=True,
              help="Only remove what killed verify runs left behind (worktrees, processes).")
@reports_errors
def verify_command(
    revisions: tuple[str, ...],
    max_count: int | None,
    policy_from: str | None,
    config: str | None,
    no_cache: bool,
    jobs: int,
    shard: str | None,
    cleanup: bool,
) -> None:
    """Prove that each fix of RANGE has a test that fails without it (red) and
    passes with it (green), in temporary worktrees; results are cached in
    refs/notes/reviewgate. RANGE defaults as for `check`."""
    from reviewgate.commands.verify import Progress, render_verify, run_cleanup, run_verify

    if cleanup:
        if revisions:
            raise ReviewgateError("--cleanup takes no range: it only removes leftovers")
        click.echo(run_cleanup(), nl=False)
        return
    progress = Progress()
    try:
        result = run_verify(
            revisions, config=config, policy_from=policy_from, use_cache=not no_cache,
            jobs=jobs, shard=shard, on_verdict=progress, max_count=max_count,
        )
    except KeyboardInterrupt:
        progress.close()
        click.echo("reviewgate: interrupted; temporary worktrees removed", err=True)
        sys.exit(130)
    progress.close()
    click.echo(render_verify(result), nl=False)
    sys.exit(result.exit_code)


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing policy file.")
@config_option
@reports_errors
def init(force: bool, config: str | None) -> None:
    """Write a commented starter .reviewgate.yaml."""
    from reviewgate.commands.init import init as write_policy
    from reviewgate.git.repo import open_repo, repo_root

    root = repo_root(open_repo())
    config = config or os.environ.get("REVIEWGATE_CONFIG") or None
    written = write_policy(root, force=force, path=Path(config).resolve() if config else None)
    click.echo(f"wrote {written}")


@main.command("policy")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@config_option
@reports_errors
def policy_command(fmt: str, config: str | None) -> None:
    """Print the effective policy and where each value came from."""
    from reviewgate.commands.policy_show import policy_here

    click.echo(policy_here(config, fmt=fmt), nl=False)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("revisions", nargs=-1, type=click.UNPROCESSED, metavar="[RANGE]...")
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Count at most N commits.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Figures as text, or as JSON for dashboards (docs/json-report.md, \"stats\").",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also write a self-contained HTML page with charts to FILE.",
)
@config_option
@reports_errors
def stats(
    revisions: tuple[str, ...],
    max_count: int | None,
    fmt: str,
    html_file: str | None,
    config: str | None,
) -> None:
    """Figures about the commits of RANGE (default: the range `check` reads):
    tool-assisted share by tool and month, sign-offs, fixes with tests."""
    from reviewgate.commands import stats as stats_command
    from reviewgate.commands.check import write_report

    figures = stats_command.run_stats(revisions, config=config, max_count=max_count)
    if fmt == "json":
        from reviewgate.report.stats_json import render_stats_json

        click.echo(render_stats_json(figures), nl=False)
    else:
        from reviewgate.report.stats import render_stats_text

        click.echo(render_stats_text(figures), nl=False)
    if html_file is not None:
        from reviewgate.report.html import render_stats_html

        write_report(html_file, render_stats_html(figures))
        # JSON on stdout stays one document.
        click.echo(f"wrote {html_file}", err=fmt == "json")


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("revisions", nargs=-1, type=click.UNPROCESSED, metavar="[RANGE]...")
@click.option("--dry-run", is_flag=True, help="Print the record; sign and write nothing.")
@click.option("--show", is_flag=True, help="Also print the record as written.")
@click.option("--all-history", is_flag=True,
              help="Allow a range with no lower bound (BRANCH, --all): all its history.")
@reports_errors
def approve(revisions: tuple[str, ...], dry_run: bool, show: bool, all_history: bool) -> None:
    """Record that you reviewed RANGE (default: the commits not upstream yet), as a
    signed note under refs/notes/reviewgate-approvals (docs/approve.md)."""
    from reviewgate.commands import approve as approve_command

    result = approve_command.run_approve(revisions, dry_run=dry_run, all_history=all_history)
    for warning in result.warnings:
        click.echo(f"reviewgate: warning: {warning}", err=True)
    if show or dry_run:
        click.echo(result.line)
    click.echo(result.summary())
    if result.written:
        click.echo(approve_command.PUSH_HINT)


@main.command()
@click.argument("code", required=False)
@reports_errors
def explain(code: str | None) -> None:
    """Print the documentation of rule CODE (all rules without CODE)."""
    from reviewgate.commands.explain import explain as explain_rule
    from reviewgate.commands.explain import explain_all

    click.echo(explain_rule(code) if code else explain_all())


if __name__ == "__main__":
    main()
