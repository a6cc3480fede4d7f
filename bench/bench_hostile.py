#!/usr/bin/env python3
"""Time hostile commits through `reviewgate check` and a real pre-receive push.

    python bench/bench_hostile.py [--scale 1.0] [--only NAME] [--check] [--work DIR]

Each case is one commit built with `git fast-import` on top of a plain base
commit (sizes at --scale 1 are the ones issue 12 measured: a 50 MB message,
160 000 spaces inside a Co-authored-by line, 16 000 Co-authored-by lines, ...).
For each it prints

- `git log %B`: `git log --format=%B BASE..COMMIT`, what reading the message costs;
- `git log`: the `git log` reviewgate itself streams from (its format, with
  git's own trailer parsing, and --name-status), over the same range: no check
  can cost less than the process it reads, and for a trailer folded over
  thousands of lines git's own %(trailers) is the expensive part (git 2.39);
- `check`: `reviewgate check BASE..COMMIT --format json`, minus the same command
  on a one-line commit (Python's start-up and the policy are no part of a
  commit's cost);
- `push`: `git push` of the commit to a bare repository whose pre-receive hook
  runs reviewgate, minus the same push to a repository without the hook, minus
  that difference for the one-line commit;

and `ratio = max(check, push) / max(git log, FLOOR)`. A case with commits below
it (signoff-ranges) subtracts the check of those commits alone, so that only what
its statements add is its cost. FLOOR (0.05 s) keeps
timer noise on a tiny `git log` from making a ratio of nothing.

The target, TARGET = 25x, and why: reviewgate reads each commit in Python, where
one pass over a string costs 10-50 times what git's C costs, and it makes a few
such passes (the log parser, git-exact trailer and line scans, the disclosure and
performance rules, the report). A linear implementation measures 5-15x here; a
quadratic one measures in the hundreds or thousands at these sizes (211 s against
0.5 s for the 50 MB message before issue 12). 25x separates the two with room for
a busy machine, and still bounds a 50 MB commit to seconds.

It exits 0 after printing, whatever the figures (benchmarks print, tests judge);
with --check it exits 1 when a ratio exceeds TARGET, and with --expect it exits 1
when a case's check does not find what it should.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _timing import PROJECT_ROOT, format_table, reviewgate_argv, reviewgate_env
from bench_check import git_log_args

TARGET = 25.0
FLOOR = 0.05
HOOK = PROJECT_ROOT / "hooks" / "pre-receive"
CLAUDE = "Claude <noreply@anthropic.com>"


@dataclass(frozen=True)
class Case:
    name: str
    # scale -> (author "Name <email>", message bytes); in a case with a chain,
    # RANGES in the message stands for statements naming the chain's commits.
    build: Callable[[float], tuple[str, bytes]]
    expect: frozenset[str]  # the rule codes `check` must find, no more, no fewer
    chain: Callable[[float], int] = lambda scale: 0  # assisted commits below it


def _n(base: int, scale: float) -> int:
    return max(2, int(base * scale))


def _huge_message(scale: float) -> tuple[str, bytes]:
    line = b"A line of ordinary prose in a very long commit message body.\n"
    return "Ann <ann@example.org>", b"docs: a long message\n\n" + line * _n(
        50_000_000 // len(line), scale
    ) + f"\nCo-authored-by: {CLAUDE}\n".encode()


def _spaces_in_coauthor(scale: float) -> tuple[str, bytes]:
    spaces = b" " * _n(160_000, scale)
    return "Ann <ann@example.org>", (
        b"feat: spaces\n\nBody.\n\nCo-authored-by: Claude" + spaces + b"x <noreply@anthropic.com>\n"
    )


def _spaces_in_author(scale: float) -> tuple[str, bytes]:
    # A tool's address, and a display name that model_from_identity reads.
    return "Claude" + " " * _n(160_000, scale) + "x <noreply@anthropic.com>", b"feat: x\n\nBody.\n"


def _many_coauthors(scale: float) -> tuple[str, bytes]:
    lines = b"".join(
        b"Co-authored-by: Person %d <p%d@example.org>\n" % (i, i) for i in range(_n(16_000, scale))
    )
    return "Ann <ann@example.org>", b"feat: many\n\nBody.\n\n" + lines + (
        f"Co-authored-by: {CLAUDE}\n".encode()
    )


def _continuations(scale: float) -> tuple[str, bytes]:
    more = b" a continuation line of the trailer above\n" * _n(16_000, scale)
    return "Ann <ann@example.org>", (
        f"feat: folded\n\nBody.\n\nCo-authored-by: {CLAUDE}\n".encode() + more
    )


def _statements(scale: float) -> tuple[str, bytes]:
    # One statement per assisted commit below it, each naming its parent..itself:
    # together they sign off the chain, and each once walked the whole range.
    return "Ann <ann@example.org>", (
        b"feat: ranges\n\nBody.\n\nRANGES" + f"Co-authored-by: {CLAUDE}\n".encode()
        + b"Reviewed-by: Bob <bob@example.org>\n"
    )


def _long_words(scale: float) -> tuple[str, bytes]:
    word = b"a" * _n(1_000_000, scale)
    return "Ann <ann@example.org>", (
        b"feat: words\n\n" + word + b"\n\n" + b"1" * len(word) + b"\n\n| " + word
        + f"\n\nCo-authored-by: {CLAUDE}\n".encode()
    )


def _blank_runs(scale: float) -> tuple[str, bytes]:
    return "Ann <ann@example.org>", (
        b"perf: faster\n\n" + b" \n" * _n(500_000, scale) + b"Time (mean \xc2\xb1 \xcf\x83):"
        + b" " * _n(100_000, scale) + f"x\n\nCo-authored-by: {CLAUDE}\n".encode()
    )


UNSIGNED = frozenset({"RG301"})  # declared (Claude), and nobody signed it off
CASES = (
    Case("huge-message", _huge_message, UNSIGNED),
    Case("spaces-in-coauthor", _spaces_in_coauthor, UNSIGNED),
    Case("spaces-in-author", _spaces_in_author, frozenset({"RG101", "RG301"})),
    Case("many-coauthors", _many_coauthors, UNSIGNED),
    Case("continuations", _continuations, UNSIGNED),
    Case("signoff-ranges", _statements, frozenset(), chain=lambda scale: _n(4_000, scale)),
    Case("long-words", _long_words, UNSIGNED),
    Case("blank-runs", _blank_runs, frozenset({"RG401", "RG301"})),
)
# The reference: a small commit judged as the hostile ones are (rejected on
# RG301), so that both pushes take the same path through the hook.
PLAIN = Case("plain", lambda scale: (
    "Ann <ann@example.org>", f"docs: plain\n\nCo-authored-by: {CLAUDE}\n".encode()), UNSIGNED)


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(f"bench_hostile: git {' '.join(args)}: {done.stderr.decode()[-500:]}")
    return done.stdout.decode()


def _commit(ref: str, mark: int, author: str, message: bytes, parent: str) -> bytes:
    when = b"1700000000 +0000"
    return (b"commit %s\nmark :%d\nauthor %s %s\ncommitter Ann <ann@example.org> %s\n"
            b"data %d\n%s\nfrom %s\n\n" % (ref.encode(), mark, author.encode(), when, when,
                                           len(message), message, parent.encode()))


def build(work: Path, cases: list[Case], scale: float) -> dict[str, str]:
    """Two fast-import streams: a base commit on main and each case's chain of
    assisted commits; then each case's commit on a branch of its own."""
    if work.exists():
        shutil.rmtree(work)
    git(work.parent, "init", "-q", "-b", "main", str(work))
    out = bytearray(b"blob\nmark :1\ndata 2\na\n")
    out += b"commit refs/heads/main\nmark :2\nauthor Ann <ann@example.org> 1700000000 +0000\n"
    out += b"committer Ann <ann@example.org> 1700000000 +0000\ndata 11\nfeat: base\n"
    out += b"M 100644 :1 a.txt\n\n"
    mark = 3
    for case in cases:
        parent = ":2"
        for i in range(case.chain(scale)):
            message = b"feat: step %d\n\nCo-authored-by: %s\n" % (i, CLAUDE.encode())
            out += _commit(f"refs/heads/{case.name}-chain", mark, "Ann <ann@example.org>",
                           message, parent)
            parent, mark = f":{mark}", mark + 1
    git(work, "fast-import", "--quiet", stdin=bytes(out))
    out = bytearray()
    for case in cases:
        author, message = case.build(scale)
        parent = "refs/heads/main"
        if case.chain(scale):
            parent = f"refs/heads/{case.name}-chain"
            shas = git(work, "rev-list", "--reverse", f"main..{parent}").split()
            ranges = b"".join(b"Signoff-range: %s..%s\n" % (a[:12].encode(), b[:12].encode())
                              for a, b in zip(["main", *shas], shas, strict=False))
            base = git(work, "rev-parse", "main").strip()
            ranges = ranges.replace(b"main..", base[:12].encode() + b"..", 1)
            message = message.replace(b"RANGES", ranges)
        out += _commit(f"refs/heads/{case.name}", mark, author, message, parent)
        mark += 1
    git(work, "fast-import", "--quiet", stdin=bytes(out))
    refs = [case.name for case in cases] + [f"{c.name}-chain" for c in cases if c.chain(scale)]
    return {ref: git(work, "rev-parse", ref).strip() for ref in refs}


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
          timeout: float | None = None) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    return time.perf_counter() - start, done


def server(root: Path, name: str, hook: bool) -> Path:
    path = root / name
    if path.exists():
        shutil.rmtree(path)
    git(root, "init", "-q", "--bare", "-b", "main", str(path))
    if hook:
        shutil.copy2(HOOK, path / "hooks" / "pre-receive")
    return path


def push_time(work: Path, remote: Path, sha: str, ref: str, env: dict[str, str],
              timeout: float | None) -> float:
    seconds, _ = timed(["git", "push", "-q", str(remote), f"{sha}:refs/heads/{ref}"], work,
                       env, timeout)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="case size (1: issue 12's)")
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    parser.add_argument("--work", type=Path, help="where to build (default: a temporary directory)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 over {TARGET}x")
    parser.add_argument("--expect", action="store_true", help="exit 1 when a case finds nothing")
    parser.add_argument("--no-push", action="store_true", help="time `check` only")
    parser.add_argument("--runs", type=int, default=1, help="keep the best of N runs")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per command")
    args = parser.parse_args(argv)

    cases = [c for c in CASES if not args.only or c.name in args.only]
    root = Path(args.work or tempfile.mkdtemp(prefix="rg-hostile-"))
    root.mkdir(parents=True, exist_ok=True)
    work = root / "work"
    started = time.perf_counter()
    shas = build(work, [PLAIN, *cases], args.scale)
    base = git(work, "rev-parse", "main").strip()
    print(f"built {len(cases)} hostile commits (scale {args.scale}) in "
          f"{time.perf_counter() - started:.1f} s in {root}")

    rg = list(reviewgate_argv())
    rg_log = git_log_args(with_paths=True)  # ends with the range: HEAD
    env = reviewgate_env(rg)
    # The hook finds the `reviewgate` beside this Python (the tested build).
    env["PATH"] = os.pathsep.join([str(Path(rg[0]).parent), env.get("PATH", "")])
    hooked = server(root, "hooked.git", hook=True)
    bare = server(root, "bare.git", hook=False)
    if not args.no_push:
        for remote in (hooked, bare):
            git(work, "push", "-q", str(remote), "main")

    def check(sha: str) -> tuple[float, set[str]]:
        runs = [timed([*rg, "check", f"{base}..{sha}", "--format", "json"], work, env,
                      args.timeout) for _ in range(args.runs)]
        seconds, done = min(runs, key=lambda run: run[0])
        if done.returncode not in (0, 1):
            raise SystemExit(f"bench_hostile: check exited {done.returncode}: "
                             f"{done.stderr.decode()[-500:]}")
        codes = {finding["code"] for commit in json.loads(done.stdout)["commits"]
                 for finding in commit.get("findings", [])}
        return seconds, codes

    def push_cost(sha: str, ref: str) -> float:
        # The best of --runs: a busy machine only ever adds time. Each run pushes
        # to a new ref (a rejected push leaves nothing behind, an accepted one would).
        with_hook = min(push_time(work, hooked, sha, f"{ref}-{i}", env, args.timeout)
                        for i in range(args.runs))
        without = min(push_time(work, bare, sha, f"{ref}-{i}", env, args.timeout)
                      for i in range(args.runs))
        return with_hook - without

    check(shas["plain"])  # untimed: fills the bytecode cache
    plain_check, _ = check(shas["plain"])
    plain_push = 0.0 if args.no_push else push_cost(shas["plain"], "plain")
    rows, over, missed = [], [], []
    for case in cases:
        sha = shas[case.name]
        plain_log, _ = timed(["git", "log", "--format=%B", f"{base}..{sha}"], work)
        log_seconds, _ = timed([f"{base}..{sha}" if a == "HEAD" else a for a in rg_log], work)
        check_seconds, codes = check(sha)
        reference = plain_check
        if case.chain(args.scale):
            # The commits below it cost what any commit costs (bench_check.py's
            # business): only what the statements add is this case's.
            reference, _ = check(shas[f"{case.name}-chain"])
        check_cost = max(0.0, check_seconds - reference)
        push = 0.0 if args.no_push else max(
            0.0, push_cost(sha, case.name) - plain_push - (reference - plain_check))
        ratio = max(check_cost, push) / max(log_seconds, FLOOR)
        found = codes == case.expect
        rows.append([case.name, f"{plain_log:.3f}", f"{log_seconds:.3f}", f"{check_cost:.3f}",
                     "-" if args.no_push else f"{push:.3f}", f"{ratio:.1f}x",
                     "yes" if found else "NO: " + (",".join(sorted(codes)) or "none")])
        if ratio > TARGET:
            over.append(case.name)
        if not found:
            missed.append(case.name)
    print(format_table(["case", "git log %B s", "git log s", "check s", "push s", "ratio", "found"],
                       rows))
    print(f"target: ratio <= {TARGET:.0f}x (FLOOR {FLOOR} s); "
          + ("all within" if not over else "over: " + ", ".join(over)))
    if not args.work:
        shutil.rmtree(root, ignore_errors=True)
    if args.check and over:
        return 1
    if args.expect and missed:
        print("found nothing in: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
