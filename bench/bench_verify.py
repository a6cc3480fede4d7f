"""Time `reviewgate verify` on a history of 50 fixes with a fast test command.

Prints: the first run (empty cache), the cached second run (target <= 5% of the
first), and `-j 1` against `-j 2` with `--no-cache` (target: -j 2 at least 1.6x
faster on two cores). Each figure is the median of --runs rounds; each round
runs the four interleaved (first, cached, -j 1, -j 2), so the machine's load
drifts over all of them alike. `--check` exits 1 when a target is missed.

Two kinds of fast test (--tests):

- `python` (default): each test is a two-line Python script that imports the
  module and asserts, run as `<this python> -I {tests}`: a real test that costs
  a Python start-up (~20-40 ms), as the smallest unit test does;
- `sh`: each test is a one-line `grep` for the fixed line, run as `sh {tests}`,
  so nearly all the time measured is reviewgate's own work (worktrees,
  checkouts, process groups, the notes cache).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import (
    BenchError,
    add_check_flag,
    exit_status,
    missed,
    reviewgate_argv,
    reviewgate_env,
)

CACHED_TARGET = 0.05
PARALLEL_TARGET = 1.6


def build_repo(path: Path, fixes: int, tests: str = "python") -> str:
    """A base commit with `fixes` buggy modules, then one same-commit fix each,
    written by one `git fast-import`. Returns the base commit's sha."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    # sys.executable, not `python3` from PATH: a version manager's shim (pyenv) would
    # add its own start-up, a shell script's, to every test.
    python = json.dumps(sys.executable)
    command = '[sh, "{tests}"]' if tests == "sh" else f'[{python}, -I, "{{tests}}"]'
    policy = f"verify:\n  command: {command}\n  timeout: 60\n"
    stream: list[bytes] = []
    mark = 0

    def blob_line(name: str, text: str) -> None:
        data = text.encode()
        stream.append(f"M 100644 inline {name}\ndata {len(data)}\n".encode() + data + b"\n")

    def commit(message: str, files: dict[str, str], when: int) -> None:
        nonlocal mark
        mark += 1
        msg = message.encode()
        stream.append(
            f"commit refs/heads/main\nmark :{mark}\n"
            f"author Bench <bench@example.org> {when} +0000\n"
            f"committer Bench <bench@example.org> {when} +0000\n"
            f"data {len(msg)}\n".encode() + msg + b"\n"
        )
        if mark > 1:
            stream.append(f"from :{mark - 1}\n".encode())
        for name, text in files.items():
            blob_line(name, text)
        stream.append(b"\n")

    start = 1_700_000_000
    base = {f"src/m{i}.py": f"def value():\n    return {i} - 1\n" for i in range(fixes)}
    commit("feat: modules\n", {".reviewgate.yaml": policy, **base}, start)
    for i in range(fixes):
        commit(f"fix: m{i} returns {i}\n", {
            f"src/m{i}.py": f"def value():\n    return {i}\n",
            **({f"tests/test_m{i}.sh": f"grep -qx '    return {i}' src/m{i}.py\n"}
               if tests == "sh" else
               {f"tests/test_m{i}.py": f"import sys\nsys.path.insert(0, 'src')\n"
                                       f"from m{i} import value\nassert value() == {i}\n"}),
        }, start + i + 1)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(stream),
                   check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    return subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=path,
                          capture_output=True, text=True, check=True).stdout.strip()


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or "error(s)" not in proc.stdout:
        raise BenchError(f"{' '.join(argv)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return elapsed


def drop_cache(repo: Path) -> None:
    subprocess.run(["git", "update-ref", "-d", "refs/notes/reviewgate"], cwd=repo, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixes", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tests", choices=("python", "sh"), default="python",
                        help="the kind of fast test each fix brings (default: python)")
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    add_check_flag(parser)
    args = parser.parse_args(argv)
    if args.tests == "sh" and shutil.which("sh") is None:
        print("bench_verify: sh is not on PATH", file=sys.stderr)
        return 2
    rg = list(reviewgate_argv(args.reviewgate))
    env = {**os.environ, **reviewgate_env(rg)}
    env.pop("CI", None)  # plain progress lines either way; keep the output stable
    print(f"cpus: {os.cpu_count()}; {args.fixes} fixes; {args.tests} tests; "
          f"median of {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="rg-bench-verify-") as tmp:
        repo = Path(tmp) / "repo"
        base = build_repo(repo, args.fixes, args.tests)
        span = f"{base}..HEAD"
        try:
            first, cached, one, two = [], [], [], []
            for _ in range(args.runs):
                drop_cache(repo)
                first.append(timed([*rg, "verify", span], repo, env))
                cached.append(timed([*rg, "verify", span], repo, env))
                one.append(timed([*rg, "verify", "--no-cache", "-j", "1", span], repo, env))
                two.append(timed([*rg, "verify", "--no-cache", "-j", "2", span], repo, env))
        except BenchError as error:
            print(f"bench_verify: {error}", file=sys.stderr)
            return 2
    rows = [("first run (empty cache, -j 1)", first), ("second run (cached)", cached),
            ("--no-cache -j 1", one), ("--no-cache -j 2", two)]
    width = max(len(label) for label, _ in rows)
    print()
    for label, samples in rows:
        median = statistics.median(samples)
        print(f"{label:<{width}}  {median:8.3f} s  {median / args.fixes * 1000:7.1f} ms/fix")
    print()
    ratio = statistics.median(cached) / statistics.median(first)
    verdict = "PASS" if ratio <= CACHED_TARGET else "MISS"
    if verdict == "MISS":
        missed("cached / first")
    print(f"ratio cached / first: {ratio:.3f}x (target <= {CACHED_TARGET:.2f}x) {verdict}")
    speedup = statistics.median(one) / statistics.median(two)
    verdict = "PASS" if speedup >= PARALLEL_TARGET else "MISS"
    if verdict == "MISS":
        missed("-j 2 over -j 1")
    print(f"speedup -j 2 over -j 1: {speedup:.2f}x (target >= {PARALLEL_TARGET:.1f}x) {verdict}")
    return exit_status(args.check)


if __name__ == "__main__":
    sys.exit(main())
