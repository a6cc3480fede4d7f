#!/usr/bin/env python3
"""Build a large, realistic benchmark repository with ONE `git fast-import` stream.

    python bench/make_repo.py PATH --commits 20000 [--seed N]

The history is a function of (--commits, --seed): the same arguments give the same
commit ids. A marker file in PATH/.git records them, so a second call with the same
arguments reuses the repository instead of building it again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _history import generate

# Bump whenever _history.py or _messages.py change the stream, so that old
# repositories are rebuilt instead of reused.
GENERATOR_VERSION = 1
MARKER = "reviewgate-bench.json"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    head: str
    commits: int
    seconds: float
    reused: bool


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def _marker_params(commits: int, seed: int) -> dict[str, int]:
    return {"generator": GENERATOR_VERSION, "commits": commits, "seed": seed}


def _reusable(path: Path, commits: int, seed: int) -> bool:
    marker = path / ".git" / MARKER
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    if {k: recorded.get(k) for k in ("generator", "commits", "seed")} != _marker_params(
            commits, seed):
        return False
    try:
        return _git(path, "rev-parse", "--verify", "HEAD") == recorded.get("head")
    except subprocess.CalledProcessError:
        return False


def build_repo(path: Path, commits: int, seed: int = 1, *, force: bool = False) -> BuildResult:
    """Build (or reuse) the benchmark repository at `path`."""
    if commits < 1:
        raise ValueError("--commits must be at least 1")
    path = path.resolve()
    start = time.perf_counter()
    if not force and _reusable(path, commits, seed):
        head = _git(path, "rev-parse", "HEAD")
        return BuildResult(path, head, commits, time.perf_counter() - start, True)
    if path.exists() and any(path.iterdir()) and not (path / ".git" / MARKER).exists():
        raise SystemExit(f"make_repo: {path} exists and is not a benchmark repository; "
                         "refusing to overwrite it")
    # Build beside the target and move it in place, so a half-built repository is never
    # taken for a finished one.
    staging = path.with_name(f".{path.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _git(staging, "init", "-q", "-b", "main")
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=staging,
                            stdin=subprocess.PIPE)
    assert proc.stdin is not None
    buffer: list[bytes] = []
    size = 0

    def write(data: bytes) -> None:
        nonlocal size
        buffer.append(data)
        size += len(data)
        if size > 1 << 20:
            proc.stdin.write(b"".join(buffer))  # type: ignore[union-attr]
            buffer.clear()
            size = 0

    generate(commits, seed, write)
    proc.stdin.write(b"".join(buffer))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"make_repo: git fast-import failed with exit {proc.returncode}")
    _git(staging, "update-ref", "-d", "refs/heads/side")
    _git(staging, "reset", "-q", "--hard")
    head = _git(staging, "rev-parse", "HEAD")
    (staging / ".git" / MARKER).write_text(
        json.dumps({**_marker_params(commits, seed), "head": head}) + "\n")
    if path.exists():
        shutil.rmtree(path)
    staging.rename(path)
    return BuildResult(path, head, commits, time.perf_counter() - start, False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rebuild even if reusable")
    args = parser.parse_args(argv)
    result = build_repo(args.path, args.commits, args.seed, force=args.force)
    verb = "reused" if result.reused else "built"
    print(f"{verb} {result.path}: {result.commits} commits, seed {args.seed}, "
          f"HEAD {result.head[:12]} in {result.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
