"""RG401: a speed-up claim carries benchmark output or a Benchmark: trailer."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import textwrap

import pytest

from conftest import Repo
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.model.commit import Commit, Person
from reviewgate.model.trailers import parse_trailers
from reviewgate.perf.rules import benchmark_tool_in, check_perf
from reviewgate.pipeline.rules import run_rules
from reviewgate.policy.files import load_policy
from reviewgate.policy.schema import PerfPolicy, Policy

POLICY = Policy()

# The shapes the tools print (figures made up; layout as each tool prints it).
HYPERFINE = """\
Benchmark 1: ./parse-old big.json
  Time (mean ± σ):      41.2 ms ±   0.6 ms    [User: 38.1 ms, System: 3.0 ms]
  Range (min … max):    40.3 ms …  43.0 ms    70 runs

Benchmark 2: ./parse-new big.json
  Time (mean ± σ):      25.0 ms ±   0.4 ms    [User: 22.0 ms, System: 2.9 ms]
  Range (min … max):    24.2 ms …  26.1 ms    113 runs
"""
HYPERFINE_SUMMARY = """\
Summary
  ./parse-new big.json ran
    1.65 ± 0.04 times faster than ./parse-old big.json
"""
HYPERFINE_MARKDOWN = """\
| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |
|:---|---:|---:|---:|---:|
| `./parse-old` | 41.2 ± 0.6 | 40.3 | 43.0 | 1.65 ± 0.04 |
| `./parse-new` | 25.0 ± 0.4 | 24.2 | 26.1 | 1.00 |
"""
BENCHSTAT_OLD = """\
name        old time/op  new time/op  delta
GobEncode   13.6ms ± 1%  11.8ms ± 1%  -13.31%  (p=0.016 n=4+5)
JSONEncode  32.1ms ± 1%  31.8ms ± 1%     ~     (p=0.286 n=4+5)
"""
BENCHSTAT_NEW = """\
goos: linux
goarch: amd64
pkg: example.com/parse
          │   old.txt   │              new.txt               │
          │   sec/op    │   sec/op     vs base               │
Decode-8    1.043m ± 2%   0.612m ± 1%  -41.32% (p=0.000 n=10)
"""
BENCHSTAT_SINGLE = """\
name        time/op
GobEncode   13.6ms ± 1%
"""
# As printed with --benchmark-columns=min,max,mean,rounds (the full table is wider).
PYTEST_BENCHMARK = """\
--------------------------- benchmark: 2 tests ----------------------------
Name (time in us)        Min       Max      Mean  Rounds
---------------------------------------------------------------------------
test_parse_new       24.1000   30.2000   25.0100    4000
test_parse_old       40.3000   52.0000   41.2000    2400
"""
PYTEST_BENCHMARK_MARKDOWN = """\
| Name (time in ns) | Min | Max | Mean | StdDev | Median |
|---|---|---|---|---|---|
| test_parse | 699.99 | 7,175.00 | 1,562.14 | 646.92 | 1,441.70 |
"""


def commit_of(message: str) -> Commit:
    """A commit record as the commit-msg hook builds one, trailers parsed by git's rules."""
    who = Person("A", "a@example.com")
    trailers = tuple(parse_trailers(message, divider=False))
    return Commit("a" * 40, ("b" * 40,), who, who, message, trailers)


@pytest.mark.parametrize(
    ("output", "tool"),
    [
        (HYPERFINE, "hyperfine"),
        (HYPERFINE_SUMMARY, "hyperfine"),
        (HYPERFINE_MARKDOWN, "hyperfine"),
        (textwrap.indent(HYPERFINE, "    "), "hyperfine"),
        (BENCHSTAT_OLD, "benchstat"),
        (BENCHSTAT_NEW, "benchstat"),
        (BENCHSTAT_SINGLE, "benchstat"),
        (PYTEST_BENCHMARK, "pytest-benchmark"),
        (PYTEST_BENCHMARK_MARKDOWN, "pytest-benchmark"),
        ("It is about twice as fast now.\n", None),
        ("| Command | Mean |\n|---|---|\n| x | fast |\n", None),
        ("name  time/op\nfoo   fast\n", None),
        ("Time (mean): quick\n", None),
    ],
)
def test_benchmark_output_is_recognised(output: str, tool: str | None) -> None:
    assert benchmark_tool_in(output) == tool


@pytest.mark.parametrize(
    ("message", "flagged"),
    [
        ("perf: cache patterns\n", True),
        ("perf(parser)!: cache patterns\n", True),
        ("PERF: cache\n", True),
        ("feat: make parsing 2x faster\n", True),
        ("refactor: speed up the loop by 30%\n", True),
        ("fix: cut startup from 300 ms to 40 ms\n", True),
        ("feat: 3x quicker startup\n", True),
        # Issue 16: words alone claim nothing, nor do docs:, test: and chore:.
        ("refactor: speed up the loop\n", False),
        ("feat: quicker startup\n", False),
        ("docs: explain the faster path\n", False),
        ("docs(readme): the path is 2x faster\n", False),
        ("test: check the 30% faster path\n", False),
        ("chore: speedups in CI, 2x faster\n", False),
        ("fix: time out after 5s\n", False),
        ("fix: parse 0x1f faster\n", False),
        ("feat: add a parser\n", False),
        ("perform: not the type\n", False),
        ('Revert "perf: cache patterns"\n', False),
        ("perf: cache\n\nBenchmark: bench/parse.py, 41 ms -> 25 ms\n", False),
        ("perf: cache\n\nBenchmark:\n", True),  # an empty trailer is no evidence
        ("perf: cache\n\nBenchmark: TODO\n", True),  # nor is a placeholder
        ("perf: cache\n\nBenchmark: n/a\n", True),
        (f"perf: cache\n\n{HYPERFINE}", False),
        (f"perf: cache\n\n{BENCHSTAT_NEW}", False),
        (f"perf: cache\n\n{PYTEST_BENCHMARK}", False),
        (f"perf: cache\n\nbefore:\n{textwrap.indent(BENCHSTAT_OLD, '    ')}", False),
    ],
)
def test_claims_need_evidence(repo: Repo, message: str, flagged: bool) -> None:
    repo.commit(message)
    (commit,) = read_commits(open_repo(repo.path), RangeSpec(("HEAD",)))
    found = check_perf(commit, POLICY)
    assert bool(found) is flagged
    if flagged:
        assert found[0].code == "RG401" and "Benchmark" in found[0].hint


def test_output_in_the_subject_does_not_count() -> None:
    assert check_perf(commit_of("perf: Time (mean ± σ):  1.0 ms\n"), POLICY)


def test_real_hyperfine_output_is_evidence(repo: Repo) -> None:
    if shutil.which("hyperfine") is None:
        pytest.skip("hyperfine is not installed")
    run = subprocess.run(
        ["hyperfine", "-N", "--runs", "3", "--style", "basic", "true", "sleep 0.001"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert benchmark_tool_in(run.stdout) == "hyperfine"
    repo.commit(f"perf: nothing\n\n{run.stdout}")
    commits = list(read_commits(open_repo(repo.path), RangeSpec(("HEAD",))))
    assert [f for f in run_rules(commits, POLICY) if f.code == "RG401"] == []


def test_policy_keys_configure_the_rule() -> None:
    policy = load_policy(
        None,
        text="perf:\n  subject: '^opt:'\n  trailers: [Measured-by]\n",
        source=".reviewgate.yaml",
    )
    assert policy.perf == PerfPolicy(subject="^opt:", trailers=("Measured-by",))
    assert check_perf(commit_of("opt: loop\n"), policy)
    assert not check_perf(commit_of("perf: loop\n"), policy)
    assert not check_perf(commit_of("opt: loop\n\nMeasured-by: ci run 77\n"), policy)
    quiet = dataclasses.replace(policy, rules={"RG401": "off"})
    assert check_perf(commit_of("opt: loop\n"), quiet) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("perf:\n  subjct: x\n", "unknown key 'perf.subjct' (did you mean 'perf.subject'?)"),
        ("perf:\n  subject: '('\n", "perf.subject"),
        ("perf:\n  trailers: Benchmark\n", "'perf.trailers' must be a list"),
        ("prf:\n  subject: x\n", "unknown key 'prf' (did you mean 'perf'?)"),
    ],
)
def test_policy_errors(text: str, message: str) -> None:
    from reviewgate.errors import PolicyError

    with pytest.raises(PolicyError, match=re.escape(message)):
        load_policy(None, text=text, source=".reviewgate.yaml")


def test_a_line_too_long_for_a_table_row_is_not_read() -> None:
    # Benchmark output is read a line at a time, and overlong lines are skipped, so
    # the patterns stay linear however a message is crafted (one took 18 s).
    row = "GobEncode   13.6ms ± 1%"
    assert benchmark_tool_in(f"name        time/op\n{row}\n") == "benchstat"
    assert benchmark_tool_in(f"name        time/op\n{row}{' ' * 400}x\n") is None
    crafted = "name old time/op\n" + "a " + "1" * 30000 + "\n"
    assert benchmark_tool_in(crafted) is None
    assert benchmark_tool_in("| Command | Mean [ms] | Min [ms] |\n" * 4000) is None


def test_a_check_whose_rules_are_all_off_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewgate.pipeline.rules as rules

    seen: list[str] = []

    def counting(commit: Commit, policy: Policy) -> list:
        seen.append(commit.sha)
        return list(check_perf(commit, policy))

    monkeypatch.setitem(rules.CHECK_CODES, counting, ("RG401",))
    commits = [commit_of("perf: faster parsing\n")] * 3
    on = run_rules(commits, POLICY, checks=[counting])
    assert [f.code for f in on] == ["RG401"] * 3 and len(seen) == 3
    off = dataclasses.replace(POLICY, rules={"RG401": "off"})
    assert run_rules(commits, off, checks=[counting]) == []
    assert len(seen) == 3  # not called once more
