#!/usr/bin/env python3
"""Time the sign-off rules where every merge carries the sign-off for its branch.

    python bench/bench_signoff.py [--commits 20000] [--branch 5] [--runs 3]

A merge's `Reviewed-by` covers M^1..M, the commits it brings in. The script builds
two histories of tool-assisted commits, merged in topic branches of `--branch`
commits: in one every merge carries a `Reviewed-by`, in the other none does (each
commit is then reported by RG301, and nothing is covered). It times
`reviewgate check HEAD` in each. Working out what each merge covers must grow
with the history, not with its square: the target is the signed history at most
1.5x the unsigned one (a covered commit is judged, RG302-RG304, where an uncovered
one is only reported). Walking every ancestor of each merge took 28 s for 20,000
commits, 22x the unsigned run. Prints PASS or MISS; exits 0 when the commands ran.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import (
    BenchError,
    Command,
    add_check_flag,
    exit_status,
    format_table,
    preflight,
    ratio_line,
    reviewgate_argv,
    reviewgate_env,
    time_commands,
)

TARGET = 1.5


def fast_import_stream(commits: int, branch: int, *, signed: bool) -> bytes:
    """Topic branches of `branch` assisted commits, each forked from main's tip and
    merged into main. Marks: :N for the Nth commit."""
    lines: list[bytes] = []
    mark = 0
    when = 1_700_000_000

    def commit(ref: str, message: str, parents: list[int]) -> int:
        nonlocal mark, when
        mark += 1
        when += 60
        data = message.encode()
        lines.extend([
            f"commit {ref}".encode(), f"mark :{mark}".encode(),
            f"author Ann <ann@example.org> {when} +0000".encode(),
            f"committer Ann <ann@example.org> {when} +0000".encode(),
            b"data %d" % len(data), data,
        ])
        if parents:
            lines.append(f"from :{parents[0]}".encode())
        lines.extend(f"merge :{p}".encode() for p in parents[1:])
        lines.append(f"M 644 inline file{mark % 50}.txt".encode())
        content = f"{mark}\n".encode()
        lines.extend([b"data %d" % len(content), content, b""])
        return mark

    # A human's root commit, so that the first branch is merged like the others.
    main = commit("refs/heads/main", "chore: start\n", [])
    made = 1
    while made + 2 <= commits:  # room for a branch of one and its merge
        tip = main
        for _ in range(min(branch, commits - made - 1)):
            tip = commit("refs/heads/topic", f"feat: change {mark + 1}\n\n"
                         "Assisted-by: Claude:claude-opus-4-1\n", [tip] if tip else [])
            made += 1
        trailer = "\nReviewed-by: Grace Hopper <grace@example.org>\n" if signed else ""
        assert tip is not None
        main = commit("refs/heads/main", f"Merge branch 'topic'\n{trailer}", [main, tip])
        made += 1
    return b"\n".join(lines) + b"\n"


def build(path: Path, commits: int, branch: int, *, signed: bool) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, check=True,
                   input=fast_import_stream(commits, branch, signed=signed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--branch", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    add_check_flag(parser)
    args = parser.parse_args(argv)

    rg = reviewgate_argv(args.reviewgate)
    env = reviewgate_env(rg)
    findings = frozenset({0, 1})
    with tempfile.TemporaryDirectory(prefix="rg-bench-signoff-") as scratch:
        commands, dirs = [], []
        for name, signed in (("signed", True), ("unsigned", False)):
            repo = Path(scratch) / name
            build(repo, args.commits, args.branch, signed=signed)
            command = Command(f"check, {name} merges", (*rg, "check", "HEAD"), findings)
            try:
                report = preflight(command, repo, env).decode("utf-8", "replace")
            except BenchError as error:
                print(f"bench_signoff: {error}", file=sys.stderr)
                return 2
            reported = len(re.findall(r"^[0-9a-f]+ RG301 ", report, re.MULTILINE))
            print(f"{name}: {reported} commits without a sign-off (RG301)")
            if signed and reported:
                # Every commit lies on a signed branch: a finding means a wrong answer.
                print(f"bench_signoff: {reported} RG301 in the signed history", file=sys.stderr)
                return 2
            commands.append(command)
            dirs.append(repo)
        try:
            timings = time_commands(commands, runs=args.runs, cwd=dirs, env=env, warmup=0,
                                    verify=False)
        except BenchError as error:
            print(f"bench_signoff: {error}", file=sys.stderr)
            return 2
    print(f"\n{args.commits} commits, branches of {args.branch}, median of {args.runs} "
          f"interleaved runs, timed with {timings[0].tool}\n")
    print(format_table(("command", "median s"), [(t.label, f"{t.median:.3f}") for t in timings]))
    print()
    print(ratio_line("signed merges / unsigned merges", timings[0].median / timings[1].median,
                     TARGET))
    return exit_status(args.check)

if __name__ == "__main__":
    sys.exit(main())
