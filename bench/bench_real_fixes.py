"""Check `reviewgate verify` against running the tests by hand, on a real project's
real fix commits.

For each fix of the range that reviewgate verifies, the script prints what
reviewgate concluded (with the tests it named) and what pytest says when run by
hand: the red state built apart from reviewgate (`git archive` of the fix's
parent, with the fix's test files written over it from `git show`), the green
state (`git archive` of the fix), the whole suite run in each with pytest's own
terminal summary (`-rA`, not the JUnit report reviewgate reads), and the same
rules applied to what it lists: a test that fails in red and passes in green
proves the fix, one that passes in red and fails in green is broken. It ends with
how many verdicts agree.

    git clone https://github.com/hukkin/tomli /tmp/tomli
    python bench/bench_real_fixes.py --repo /tmp/tomli --range 22834cf~1..8d34a60

Without --repo it builds a small Python project with one fix of each kind
(proven, not red, breaking a test) and checks that: the smoke test of the
script itself. Python projects only (the by-hand run is pytest's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from _timing import reviewgate_argv, reviewgate_env

_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR) (\S+(?:\[[^\]]*\])?)")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def export(repo: Path, revision: str, into: Path) -> None:
    data = subprocess.run(
        ["git", "-C", str(repo), "archive", revision], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(into, filter="data")


def by_hand(repo: Path, fix: str, test_files: list[str], python: str) -> dict[str, str]:
    """Each test's result in red and in green, as pytest's summary lists it:
    name -> "red/green" (e.g. "failed/passed")."""
    states: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="rg-by-hand-") as tmp:
        for state in ("red", "green"):
            root = Path(tmp) / state
            root.mkdir()
            export(repo, fix if state == "green" else f"{fix}^", root)
            if state == "red":
                for path in test_files:
                    shown = subprocess.run(
                        ["git", "-C", str(repo), "show", f"{fix}:{path}"], capture_output=True
                    )
                    target = root / path
                    if shown.returncode != 0:  # the fix deletes it
                        target.unlink(missing_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(shown.stdout)
            ran = subprocess.run(
                [python, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=900,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            states[state] = {
                found.group(2): found.group(1).lower()
                for line in ran.stdout.splitlines()
                if (found := _SUMMARY.match(line))
            }
    names = states["red"].keys() | states["green"].keys()
    return {
        n: f"{states['red'].get(n, 'absent')}/{states['green'].get(n, 'absent')}"
        for n in sorted(names)
    }


def hand_outcome(results: dict[str, str]) -> tuple[str, list[str]]:
    """The outcome the same rules give for the by-hand results."""
    red_errors = [n for n, r in results.items() if r.startswith("error/")]
    if red_errors:
        return "error", red_errors
    broken = [n for n, r in results.items() if r in ("passed/failed", "passed/error")]
    fixed = [n for n, r in results.items() if r == "failed/passed"]
    if broken:
        return "broken", broken
    if fixed:
        return "proven", fixed
    failing = [n for n, r in results.items() if r.startswith("failed/")]
    return ("not-green", failing) if failing else ("not-red", [])


def fix_tests(repo: Path, fix: str) -> list[str]:
    """The test files the fix (or its test commit) changed, as reviewgate paired them."""
    changed = git(repo, "diff", "--name-only", "--no-renames", f"{fix}^", fix).split("\n")
    return [
        p
        for p in changed
        if p.startswith(("tests/", "test/")) or "/test_" in p or p.startswith("test_")
    ]


def tiny_project(path: Path) -> str:
    """A project with a proven fix, a not-red fix and a fix that breaks a test."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "b@example.org",
    }

    def commit(message: str, files: dict[str, str]) -> None:
        for name, text in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text)
        subprocess.run(["git", "-C", str(path), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(path), "commit", "-q", "-m", message], check=True, env=env)

    def test(name: str, check: str) -> str:
        return f"from calc import add, mul\n\n\ndef test_{name}():\n    assert {check}\n"

    commit(
        "feat: calc",
        {
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
            "calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n"
            "    return a * b if a else 1\n",
            "tests/test_mul.py": test("mul", "mul(2, 3) == 6"),
        },
    )
    base = git(path, "rev-parse", "HEAD").strip()
    commit(
        "fix: add adds",
        {  # proven
            "calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n"
            "    return a * b if a else 1\n",
            "tests/test_add.py": test("add", "add(2, 3) == 5"),
        },
    )
    commit(
        "fix: mul of ones",
        {  # its test passes without it: not red
            "calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n"
            "    return b * a if a else 1\n",
            "tests/test_ones.py": test("ones", "mul(1, 1) == 1"),
        },
    )
    commit(
        "calc: fix mul of zero",
        {  # its test goes green, test_mul goes red
            "calc.py": "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n"
            "    return a + b if a else 0\n",
            "tests/test_zero.py": test("zero", "mul(0, 5) == 0"),
        },
    )
    return f"{base}..HEAD"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, help="a clone of the project (default: a tiny one)")
    parser.add_argument("--range", dest="span", help="the commits to verify, e.g. A..B")
    parser.add_argument("--python", default=sys.executable, help="the Python to run pytest")
    parser.add_argument("-j", "--jobs", default="2")
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    args = parser.parse_args(argv)
    rg = list(reviewgate_argv(args.reviewgate))
    env = {**os.environ, **reviewgate_env(rg)}
    env.pop("CI", None)
    with tempfile.TemporaryDirectory(prefix="rg-real-fixes-") as tmp:
        repo, span = args.repo, args.span
        if repo is None:
            repo = Path(tmp) / "tiny"
            span = tiny_project(repo)
        if not span:
            parser.error("--range is required with --repo")
        repo = repo.resolve()
        started = time.perf_counter()
        subprocess.run(
            [*rg, "verify", "--no-cache", "-j", args.jobs, span],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        report = subprocess.run(
            [*rg, "check", "--format", "json", span],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        if not report.stdout:
            print(f"bench_real_fixes: reviewgate check failed: {report.stderr}", file=sys.stderr)
            return 2
        commits = json.loads(report.stdout)["commits"]
        verified = [c for c in reversed(commits) if c.get("verification")]
        print(
            f"{repo.name} {span}: {len(verified)} fixes verified by reviewgate in {elapsed:.1f} s"
        )
        agree = 0
        for commit in verified:
            verdict = commit["verification"]
            ours = verdict["outcome"]
            named = {t["name"] for t in verdict["tests"]}
            results = by_hand(repo, commit["sha"], fix_tests(repo, commit["sha"]), args.python)
            hand, hand_tests = hand_outcome(results)
            # reviewgate names at most 8 tests per verdict: those must be among the
            # ones found by hand, and as many as there are up to 8.
            same = ours == hand and (
                ours not in ("proven", "broken")
                or (named <= set(hand_tests) and len(named) == min(8, len(hand_tests)))
            )
            agree += same
            print(f"\n{commit['sha'][:10]} {commit['subject'][:72]}")
            print(
                f"  reviewgate: {ours}"
                + "".join(
                    f"\n    {t['name']} {t['red']} → {t['green'] or '-'}" for t in verdict["tests"]
                )
            )
            print(
                f"  by hand:    {hand}, {len(hand_tests)} test(s)"
                + "".join(f"\n    {n} {results[n].replace('/', ' → ')}" for n in hand_tests[:8])
            )
            print(f"  {'agree' if same else 'DISAGREE'}")
    print(f"\nagree: {agree}/{len(verified)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
