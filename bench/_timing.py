"""Timing helpers shared by the benchmark scripts (stdlib only).

Medians come from hyperfine when it is on PATH (it handles warmup and outliers
well), else from a plain loop of `time.perf_counter` around `subprocess.run`.
Every command runs once untimed first, so a broken command fails loudly with its
stderr instead of being timed as if it worked.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
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


def find_hyperfine() -> str | None:
    return shutil.which("hyperfine")


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
    cwd: Path,
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
    use_hyperfine: bool = True,
    verify: bool = True,
) -> list[Timing]:
    """The median wall time of each command over `runs` runs (output discarded).
    With `verify`, each command first runs once through `preflight`."""
    if verify:
        for command in commands:
            preflight(command, cwd, env)
    hyperfine = find_hyperfine() if use_hyperfine else None
    if hyperfine and runs >= 2:
        return _hyperfine(hyperfine, commands, runs=runs, cwd=cwd, env=env, warmup=warmup)
    return [_loop(c, runs=runs, cwd=cwd, env=env, warmup=warmup) for c in commands]


def _loop(
    command: Command, *, runs: int, cwd: Path, env: Mapping[str, str] | None, warmup: int
) -> Timing:
    full_env = None if env is None else dict(env)
    samples: list[float] = []
    for index in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(
            command.argv, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode not in command.ok_codes:
            raise BenchError(f"{command.label}: exit {proc.returncode} during timing")
        if index >= warmup:
            samples.append(elapsed)
    return Timing(command.label, statistics.median(samples), runs, "perf_counter loop")


def _hyperfine(
    hyperfine: str,
    commands: Sequence[Command],
    *,
    runs: int,
    cwd: Path,
    env: Mapping[str, str] | None,
    warmup: int,
) -> list[Timing]:
    # -N: no intermediate shell, so nothing needs subtracting from short commands.
    # -i: exit codes were checked by preflight; findings make reviewgate exit 1.
    with tempfile.TemporaryDirectory(prefix="rg-bench-") as tmp:
        export = Path(tmp) / "hyperfine.json"
        argv = [
            hyperfine, "-N", "-i", "--style", "basic", "--output", "null",
            "--runs", str(runs), "--warmup", str(warmup),
            "--export-json", str(export),
        ]
        for command in commands:
            argv += ["--command-name", command.label, command.shell()]
        proc = subprocess.run(
            argv, cwd=cwd, env=None if env is None else dict(env), capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise BenchError(f"hyperfine failed: {proc.stderr.strip()[-2000:]}")
        results = json.loads(export.read_text())["results"]
    return [
        Timing(command.label, float(result["median"]), len(result["times"]), "hyperfine")
        for command, result in zip(commands, results, strict=True)
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


def ratio_line(name: str, ratio: float, target: float) -> str:
    return f"ratio {name}: {ratio:.2f}x (target <= {target:.1f}x) {verdict(ratio, target)}"
