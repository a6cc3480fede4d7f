"""Timing helpers shared by the benchmark scripts (stdlib only).

The compared commands run interleaved, A B C A B C ..., in one loop of
`time.perf_counter` around `subprocess.run`: on a busy machine the load drifts,
and interleaving spreads the drift over every command instead of charging it to
whichever ran last, so the ratios of medians measured in one run are what the
scripts judge. Every command runs once untimed first, so a broken command fails
loudly with its stderr instead of being timed as if it worked.

`ratio_line` prints a target's PASS or MISS and remembers a MISS; a script's
`--check` flag ends it with `exit_status`, 1 when any target was missed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent


TOOL = "interleaved perf_counter loop"


class BenchError(RuntimeError):
    """A benchmarked command could not run as expected."""


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]
    # reviewgate exits 1 when it has findings, gitlint with the number of
    # violations: both are results, not failures.
    ok_codes: frozenset[int] = field(default_factory=lambda: frozenset({0}))

    def shell(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class Timing:
    label: str
    median: float
    runs: int
    tool: str


def reviewgate_argv(override: str | None = None) -> tuple[str, ...]:
    """How to run reviewgate: an explicit override, else the console script installed
    beside this Python (`pip install -e .`), else `python -m reviewgate` from src/."""
    if override:
        return tuple(shlex.split(override))
    script = Path(sys.executable).parent / "reviewgate"
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script),)
    return (sys.executable, "-m", "reviewgate")


def interpreter_of(argv: Sequence[str]) -> str | None:
    """The Python that runs `argv`: itself when it is `python -m ...`, else the one
    named in its script's #! line (None when that cannot be told)."""
    first = Path(argv[0])
    if len(argv) > 2 and argv[1] == "-m":
        return str(first)
    try:
        with first.open("rb") as handle:
            line = handle.readline(500)
    except OSError:
        return None
    parts = line[2:].decode("utf-8", "replace").split() if line.startswith(b"#!") else []
    if len(parts) == 1 and "python" in Path(parts[0]).name:
        return parts[0]
    return None


def reviewgate_env(argv: Sequence[str]) -> dict[str, str]:
    """The environment for `python -m reviewgate` to find this checkout's package
    even when it is not installed; an installed command gets the environment as is."""
    env = dict(os.environ)
    # Time reviewgate as an installation runs it, with its bytecode cached (pip
    # compiles on install; an editable install writes it on first import). Kept
    # out of the checkout; the untimed first run fills it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "reviewgate-bench-pyc"))
    if tuple(argv[1:3]) != ("-m", "reviewgate"):
        return env
    src = str(PROJECT_ROOT / "src")
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if src not in paths:
        env["PYTHONPATH"] = os.pathsep.join([*paths, src])
    return env


def preflight(command: Command, cwd: Path, env: Mapping[str, str] | None = None) -> bytes:
    """Run `command` once; return its stdout, or raise BenchError naming what broke."""
    proc = subprocess.run(
        command.argv, cwd=cwd, env=None if env is None else dict(env), capture_output=True
    )
    if proc.returncode not in command.ok_codes:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise BenchError(
            f"{command.label}: exit {proc.returncode} (expected one of "
            f"{sorted(command.ok_codes)}) from {command.shell()}\n{err[-2000:]}"
        )
    return proc.stdout


def time_commands(
    commands: Sequence[Command],
    *,
    runs: int,
    cwd: Path | Sequence[Path],
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
    verify: bool = True,
) -> list[Timing]:
    """The median wall time of each command over `runs` rounds (output discarded),
    the commands interleaved within each round. `cwd` is one directory, or one per
    command. With `verify`, each command first runs once through `preflight`."""
    dirs = [Path(cwd)] * len(commands) if isinstance(cwd, (str, Path)) else list(cwd)
    if verify:
        for command, where in zip(commands, dirs, strict=True):
            preflight(command, where, env)
    full_env = None if env is None else dict(env)
    samples: list[list[float]] = [[] for _ in commands]
    for index in range(warmup + runs):
        for command, where, taken in zip(commands, dirs, samples, strict=True):
            start = time.perf_counter()
            proc = subprocess.run(
                command.argv, cwd=where, env=full_env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            elapsed = time.perf_counter() - start
            if proc.returncode not in command.ok_codes:
                raise BenchError(f"{command.label}: exit {proc.returncode} during timing")
            if index >= warmup:
                taken.append(elapsed)
    return [
        Timing(command.label, statistics.median(taken), runs, TOOL)
        for command, taken in zip(commands, samples, strict=True)
    ]


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table; the first column is left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "MISS"


# The targets missed so far in this process, for `exit_status`.
MISSED: list[str] = []


def ratio_line(name: str, ratio: float, target: float) -> str:
    """`ratio NAME: R.RRx (target <= T.Tx) PASS|MISS`; a MISS is remembered."""
    result = verdict(ratio, target)
    if result == "MISS":
        MISSED.append(name)
    return f"ratio {name}: {ratio:.2f}x (target <= {show_target(target)}x) {result}"


def show_target(target: float) -> str:
    """2.0 as "2.0", 0.3 as "0.30": as many decimals as the issue states them."""
    return f"{target:.1f}" if round(target, 1) == target and target >= 1 else f"{target:.2f}"


def missed(name: str) -> None:
    """Remember a target judged by a script's own line (not `ratio_line`)."""
    MISSED.append(name)


def exit_status(check: bool) -> int:
    """0, or with `check` 1 when a target was missed (after saying which)."""
    if not MISSED:
        if check:
            print("check: every target met")
        return 0
    print(f"check: {len(MISSED)} target(s) missed: {'; '.join(MISSED)}")
    return 1 if check else 0


def add_check_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is missed (default: print, exit 0)")
