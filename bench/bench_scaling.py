#!/usr/bin/env python3
"""Does `reviewgate check` grow linearly with the history? Time it at N and 2N commits.

    python bench/bench_scaling.py [--commits 5000] [--runs 3] [--format text] [--check]

Builds (or reuses) two benchmark histories with `make_repo.py`, of N and 2N
commits (same seed, so the same mix of commits), and times the same command,
`reviewgate check HEAD` with the default policy, in both, interleaved (N 2N N 2N
...). It prints the ratio of the medians: linear work gives about 2, a loop
that is quadratic in the commits 3.4 or more (issue 15: one such loop cost 65%
of a 20,000-commit check before anything noticed). Target: at most 2.6x; with
`--check` the script exits 1 above it. A ratio measured in one run, so the
machine's load cancels out; `.ci/run` runs it with `--check`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import make_repo
from _timing import (
    TOOL,
    BenchError,
    Command,
    add_check_flag,
    exit_status,
    format_table,
    ratio_line,
    reviewgate_argv,
    reviewgate_env,
    time_commands,
)

TARGET = 2.6


def default_dir() -> Path:
    return Path(tempfile.gettempdir()) / "reviewgate-bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=5_000, help="N (the other run: 2N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", dest="fmt", default="text",
                        choices=("text", "json", "sarif", "github", "junit"))
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the histories are built or reused (default: $TMPDIR/"
                        "reviewgate-bench)")
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    add_check_flag(parser)
    args = parser.parse_args(argv)

    where = args.dir or default_dir()
    sizes = (args.commits, 2 * args.commits)
    repos = []
    for size in sizes:
        built = make_repo.build_repo(where / f"repo-{size}-seed{args.seed}", size, args.seed)
        how = "reused" if built.reused else f"built in {built.seconds:.1f} s"
        print(f"repository: {built.path} ({built.commits} commits, {how})")
        repos.append(built.path)
    rg = reviewgate_argv(args.reviewgate)
    command = (*rg, "check", "HEAD", "--format", args.fmt)
    commands = [Command(f"check --format {args.fmt}, {size} commits", command,
                        frozenset({0, 1})) for size in sizes]
    print(f"  command: {commands[0].shell()}")
    try:
        timings = time_commands(commands, runs=args.runs, cwd=repos, env=reviewgate_env(rg))
    except BenchError as error:
        print(f"bench_scaling: {error}", file=sys.stderr)
        return 2
    print(f"\nmedian of {args.runs} interleaved runs, timed with {TOOL}\n")
    print(format_table(("command", "median s", "commits/s"), [
        (t.label, f"{t.median:.3f}", f"{size / t.median:,.0f}")
        for t, size in zip(timings, sizes, strict=True)
    ]))
    print()
    small, large = timings
    print(ratio_line(f"{sizes[1]} commits / {sizes[0]} commits", large.median / small.median,
                     TARGET))
    print("(linear: about 2.0x; quadratic: 3.4x or more)")
    return exit_status(args.check)


if __name__ == "__main__":
    sys.exit(main())
