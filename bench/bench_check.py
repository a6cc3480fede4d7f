#!/usr/bin/env python3
"""Time `reviewgate check` and `stats` on a long history against the `git log` it streams.

    python bench/bench_check.py [--commits 20000] [--runs N] [--repo PATH] [--check]
    python bench/bench_check.py --history PATH_TO_A_REAL_REPOSITORY [--runs N] [--check]

Every command runs interleaved with the others (A B C A B C ...), and the ratios
of their medians are judged. Targets on the benchmark history (default policy):
`check --format text` at most 1.5x, and `--format json` at most 2.0x, the
`git log -z --name-status` that reviewgate streams from (its own format and flags);
`stats` at most 1.2x `check` on the same range; with a policy in which no rule
needs paths (the pair rules off), `check` at most 1.2x the bare `git log -z`. On a
real history (`--history`, e.g. a clone of git/git): text at most 1.2x and JSON at
most 1.6x the same baseline. It prints PASS or MISS for each; with `--check` it
exits 1 when any target is missed.

`--floors` also times two readers of that `git log -z` which do nothing with what
they read (`cat`, and Python), and plain `git log -z` in git's own format: the
floor that no check, in any language, can go below.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from pathlib import Path

import _memory
import make_repo
from _timing import (
    BENCH_DIR,
    PROJECT_ROOT,
    TOOL,
    BenchError,
    Command,
    add_check_flag,
    exit_status,
    format_table,
    interpreter_of,
    missed,
    preflight,
    ratio_line,
    reviewgate_argv,
    reviewgate_env,
    time_commands,
)

TARGET = 2.0
TEXT_TARGET = 1.5
STATS_TARGET = 1.2
NO_PATHS_TARGET = 1.2
# On a real long history (git/git's): fewer findings per commit than the benchmark's.
REAL_TEXT_TARGET = 1.2
REAL_JSON_TARGET = 1.6
MEMORY_TARGET_MIB = 300  # reviewgate's own peak, on git/git's whole history too


def git_log_args(*, with_paths: bool) -> tuple[str, ...]:
    """The `git log` arguments reviewgate itself uses with the default policy
    (which skips merges, so no first-parent diffs of merges), so the baseline is
    the very process reviewgate streams from."""
    try:
        from reviewgate.git import repo as rg_git
    except ImportError:
        sys.path.insert(0, str(PROJECT_ROOT / "src"))
        from reviewgate.git import repo as rg_git
    spec = rg_git.RangeSpec(("HEAD",))
    try:
        args = rg_git.log_args(spec, with_paths=with_paths, merge_paths=False)
    except TypeError:  # a reviewgate older than merge_paths
        args = rg_git.log_args(spec, with_paths=with_paths)
    return ("git", "log", *args)


def default_repo(commits: int, seed: int) -> Path:
    return Path(tempfile.gettempdir()) / "reviewgate-bench" / f"repo-{commits}-seed{seed}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="where to build or reuse the repository")
    parser.add_argument("--history", type=Path,
                        help="time an existing repository's HEAD instead (real-history targets)")
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    parser.add_argument("--floors", action="store_true",
                        help="also time readers of the log that do nothing (no target)")
    add_check_flag(parser)
    args = parser.parse_args(argv)

    if args.history:
        where = args.history.resolve()
        expected = None
        print(f"repository: {where} (existing history, real-history targets)")
    else:
        repo_path = args.repo or default_repo(args.commits, args.seed)
        built = make_repo.build_repo(repo_path, args.commits, args.seed)
        how = "reused" if built.reused else f"built in {built.seconds:.1f} s"
        print(f"repository: {built.path} ({built.commits} commits, seed {args.seed}, {how})")
        where, expected = built.path, built.commits

    rg = reviewgate_argv(args.reviewgate)
    findings = frozenset({0, 1})  # 1 = findings, which is a result, not a failure
    policies = write_policies(where)
    commands = [
        Command("git log --name-status", git_log_args(with_paths=True)),
        Command("git log (no paths)", git_log_args(with_paths=False)),
        Command("reviewgate check --format json", (*rg, "check", "HEAD", "--format", "json"),
                findings),
        Command("reviewgate check --format text", (*rg, "check", "HEAD", "--format", "text"),
                findings),
        Command("reviewgate stats", (*rg, "stats", "HEAD")),
        Command("check, no rule needs paths",
                (*rg, "check", "HEAD", "--config", str(policies["no-paths"])), findings),
        Command("check, disclosure rules only",
                (*rg, "check", "HEAD", "--config", str(policies["disclosure"])), findings),
        *(floor_commands(rg) if args.floors else []),
    ]
    env = reviewgate_env(rg)
    for command in commands:
        print(f"  {command.label}: {command.shell()}")
    try:
        # The untimed first run of each command checks it works and warms the caches.
        outputs = [preflight(command, where, env) for command in commands]
        checked = _count_commits(json.loads(outputs[2]))
        if expected is None and checked is not None:
            expected = checked
        if checked is not None and checked != expected:
            # Timing a check that skipped commits would flatter it.
            raise BenchError(f"reviewgate checked {checked} commits, expected {expected}")
        timings = time_commands(commands, runs=args.runs, cwd=where, env=env, warmup=0,
                                verify=False)
    except BenchError as error:
        print(f"bench_check: {error}", file=sys.stderr)
        return 2
    count = expected or 0
    print(f"\nmedian of {args.runs} interleaved runs, timed with {TOOL}\n")
    rows = [
        (t.label, f"{t.median:.3f}", f"{count / t.median:,.0f}") for t in timings
    ]
    print(format_table(("command", "median s", "commits/s"), rows))
    print()
    baseline, plain = timings[0].median, timings[1].median
    json_run, text_run, stats_run, no_paths, disclosure = timings[2:7]
    json_target, text_target = (
        (REAL_JSON_TARGET, REAL_TEXT_TARGET) if args.history else (TARGET, TEXT_TARGET)
    )
    print(ratio_line("check --format json / git log --name-status",
                     json_run.median / baseline, json_target))
    # The pair rules read the diffs of fixes (not of every commit), so the text
    # report is held closer to `git log --name-status` than JSON, which lists paths.
    print(ratio_line("check --format text / git log --name-status (default policy)",
                     text_run.median / baseline, text_target))
    print(ratio_line("stats / check --format text", stats_run.median / text_run.median,
                     STATS_TARGET))
    print(ratio_line("check, no rule needs paths / git log (no paths)",
                     no_paths.median / plain, NO_PATHS_TARGET))
    print(f"ratio check, disclosure rules only / git log (no paths): "
          f"{disclosure.median / plain:.2f}x (no target; the floor of any policy)")
    if _memory.available():
        print("\npeak memory, one run each (reviewgate's own RSS; its git children's "
              "anonymous memory, no target):")
        for command in commands[2:4]:
            peak = _memory.peak_memory(command.argv, where, env)
            print(f"  {command.label}: {peak.own_mib:.0f} MiB (git: {peak.children_anon_mib:.0f} "
                  f"MiB) (target <= {MEMORY_TARGET_MIB} MiB) "
                  f"{'PASS' if peak.own_mib <= MEMORY_TARGET_MIB else 'MISS'}")
            if peak.own_mib > MEMORY_TARGET_MIB:
                missed(f"{command.label} memory")
    if args.floors:
        print()
        by_cat, by_python, git_default = timings[7:10]
        # Every baseline writes to /dev/null; check must read a pipe. These readers
        # do nothing else, so no check can beat them.
        literal = git_default.median
        print("The floor of any reader of the log, before any work (git itself writes to "
              "/dev/null):")
        for timing in (by_cat, by_python):
            print(f"  floor {timing.label}: {timing.median / plain:.2f}x git log (no paths), "
                  f"{timing.median / literal:.2f}x {git_default.label}")
        print(f"  git log (no paths), to /dev/null: {plain / literal:.2f}x {git_default.label}")
    return exit_status(args.check)


def floor_commands(rg: tuple[str, ...]) -> list[Command]:
    """Readers of the `git log -z` that check streams from which do nothing with what
    they read: `cat`, and Python in reviewgate's interpreter. Their time is the
    least any reader of the pipe can cost, so a target below it is out of reach.
    Last, plain `git log -z` in git's own format, the issue's literal baseline."""
    log = git_log_args(with_paths=False)
    python = interpreter_of(rg) or sys.executable
    return [
        Command("git log (no paths) | cat", ("sh", "-c", f"{shlex.join(log)} | cat")),
        Command("git log (no paths) read by python",
                (python, str(BENCH_DIR / "_drain.py"), *log)),
        Command("git log -z, git's own format", ("git", "log", "-z", "HEAD")),
    ]


def write_policies(repo: Path) -> dict[str, Path]:
    """The two policies besides the default, written outside the repository's tree
    (in its .git directory) so that the history under check stays as built."""
    texts = {
        # The pair rules are the only ones that read diffs.
        "no-paths": "version: 1\nrules:\n  RG201: off\n  RG204: off\n",
        "disclosure": (
            "version: 1\nsignoff:\n  required_for: none\nrules:\n"
            + "".join(f"  {code}: off\n" for code in ("RG201", "RG204", "RG401"))
        ),
    }
    paths = {}
    for name, text in texts.items():
        path = repo / ".git" / f"reviewgate-bench-{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def _count_commits(report: object) -> int | None:
    """How many commits the JSON report (schema 1) says it checked."""
    summary = report.get("summary") if isinstance(report, dict) else None
    if isinstance(summary, dict) and isinstance(summary.get("commits"), int):
        return summary["commits"]
    return None


if __name__ == "__main__":
    sys.exit(main())
