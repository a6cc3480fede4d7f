"""The console script's entry point.

git runs the message hooks on every commit, so `reviewgate hook commit-msg FILE`
and `reviewgate hook prepare-commit-msg FILE [SOURCE [SHA]]` skip click (about a
third of the hook's start-up) when their arguments are plain. Anything else,
`--help` included, goes through the full click command line in cli.py.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_MAX_POSITIONALS = {"commit-msg": 1, "prepare-commit-msg": 3}


def parse_hook_args(args: Sequence[str]) -> tuple[str, list[str], str | None] | None:
    """(hook, positionals, config) for a plain hook call, else None."""
    if len(args) < 3 or args[0] != "hook" or args[1] not in _MAX_POSITIONALS:
        return None
    positionals: list[str] = []
    config: str | None = None
    rest = list(args[2:])
    while rest:
        arg = rest.pop(0)
        if arg == "--config" and rest:
            config = rest.pop(0)
        elif arg.startswith("--config="):
            config = arg.removeprefix("--config=")
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            positionals.append(arg)
    if not 1 <= len(positionals) <= _MAX_POSITIONALS[args[1]]:
        return None
    return args[1], positionals, config


def run_hook(hook: str, positionals: list[str], config: str | None) -> int:
    from reviewgate.errors import ReviewgateError

    try:
        if hook == "commit-msg":
            from reviewgate.commands.hook_commit_msg import commit_msg_hook

            code, text = commit_msg_hook(positionals[0], config=config)
        else:
            from reviewgate.commands.hook_prepare_commit_msg import prepare_commit_msg_hook

            padded = [*positionals, "", ""]
            code, text = prepare_commit_msg_hook(padded[0], padded[1], padded[2], config=config)
    except ReviewgateError as error:
        sys.stderr.write(f"reviewgate: error: {error}\n")
        return error.exit_code
    except Exception as error:
        import os

        from reviewgate.errors import DEBUG_VARIABLE, internal_error_line

        if os.environ.get(DEBUG_VARIABLE):
            raise
        sys.stderr.write(internal_error_line(error) + "\n")
        return 2
    if text:
        sys.stderr.write(text)
    return code


# REVIEWGATE_PROFILE=FILE: run the command under cProfile and write its profile
# to FILE (pstats format), as `python -m cProfile -o FILE -m reviewgate ...` does.
PROFILE_VARIABLE = "REVIEWGATE_PROFILE"


def main(argv: Sequence[str] | None = None) -> None:
    import os

    profile_to = os.environ.get(PROFILE_VARIABLE)
    if profile_to and sys.getprofile() is None:
        _profiled(profile_to, argv)
    else:
        _main(argv)


def _profiled(path: str, argv: Sequence[str] | None) -> None:
    import cProfile

    profiler = cProfile.Profile()
    try:
        profiler.runcall(_main, argv)
    finally:
        profiler.dump_stats(path)


def _main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    plain_hook = parse_hook_args(args)
    if plain_hook is not None:
        sys.exit(run_hook(*plain_hook))
    from reviewgate.cli import main as click_main

    prog_name = program_name(sys.argv[0] if argv is None else "")
    if args[:1] not in (["check"], ["stats"]):
        click_main(args=args, prog_name=prog_name)
        return
    import gc

    # A range allocates millions of small records that hold no cycles; at the
    # default threshold (700) the collector walks them again and again, 10% of a
    # 20,000-commit check. It still runs, a hundred times less often.
    gc.set_threshold(100_000, 50, 1000)
    try:
        click_main(args=args, prog_name=prog_name)
    except SystemExit as done:
        if sys.getprofile() is not None or sys.gettrace() is not None:
            # A profiler (cProfile, REVIEWGATE_PROFILE) or a tracer (coverage)
            # writes what it gathered when the process ends normally.
            raise
        _exit_now(done.code)


def program_name(argv0: str) -> str:
    """`git reviewgate` when git ran the `git-reviewgate` script (`git reviewgate
    check`), as usage lines should then say; `reviewgate` otherwise."""
    import os

    name = os.path.basename(argv0)
    return "git reviewgate" if name.removesuffix(".exe") == "git-reviewgate" else "reviewgate"


def _exit_now(code: object) -> None:
    """End the process without tearing down its objects one by one: after a long
    range that takes longer than some whole checks (0.3-0.5 s for 20,000 commits).
    Everything that must happen has happened: the report is written and every git
    process and temporary worktree is gone; only the streams need flushing."""
    import contextlib
    import os

    status = code if isinstance(code, int) else (0 if code is None else 1)
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`| head`) or a closed stream has nothing left to receive;
        # a descriptor closed before start (`>&-`) has no stream at all.
        if stream is None:
            continue
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
