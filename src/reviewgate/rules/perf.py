"""RG401: a commit that claims a speed-up shows the measurement.

Pure: one commit and the policy in, findings out. Evidence is the output of a
benchmark tool pasted into the body (recognised by the shape each tool prints,
indented or not, also inside a Markdown table) or a trailer from `perf.trailers`.

Recognised output:
  hyperfine         "Time (mean ± σ):  12.3 ms ± 0.4 ms" lines, the "N times
                    faster than" summary, and `--export-markdown` tables
                    ("| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |").
  benchstat         rows with a significance test, "(p=0.000 n=10)", as both the
                    old and the current benchstat print them, or a header
                    ("name  old time/op  new time/op  delta", "│ sec/op │")
                    above a "± 2%" row.
  pytest-benchmark  the table header "Name (time in ms)  Min  Max  Mean ...".
"""

from __future__ import annotations

import re

from reviewgate.findings import Finding, make_finding, rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.commit import Commit
    from reviewgate.policy import Policy

_UNIT = r"(?:ns|µs|μs|us|ms|s|min|h)"
_NUMBER = r"\d[\d.,]*"
_HYPERFINE = (
    re.compile(rf"Time \((?:mean ± σ|abs ≡)\):\s+{_NUMBER} {_UNIT}"),
    re.compile(rf"^\s*{_NUMBER}(?: ± {_NUMBER})? times faster than ", re.MULTILINE),
    re.compile(
        rf"^\s*\|\s*Command\s*\|\s*Mean \[{_UNIT}\]\s*\|\s*Min \[{_UNIT}\]\s*\|"
        rf"(?:.*\n)*?\s*\|[^|\n]+\|\s*{_NUMBER} ± {_NUMBER}\s*\|",
        re.MULTILINE,
    ),
)
_BENCHSTAT = (
    re.compile(r"\(p=[01]\.\d+ n=\d+(?:\+\d+)?\)"),
    re.compile(
        r"^\s*(?:name\s+(?:old\s+)?\S+/op\b|.*│\s*(?:sec|B|allocs)/op\b).*\n"
        rf"(?:.*\n)*?.*\S\s+{_NUMBER}\S*\s*±\s*\d+%",
        re.MULTILINE,
    ),
)
_PYTEST_BENCHMARK = (re.compile(r"Name \(time in (?:ns|us|ms|s)\)[\s|]+Min[\s|]+Max[\s|]+Mean\b"),)


def benchmark_tool_in(text: str) -> str | None:
    """The benchmark tool whose output `text` holds, or None."""
    for name, patterns in (
        ("hyperfine", _HYPERFINE),
        ("benchstat", _BENCHSTAT),
        ("pytest-benchmark", _PYTEST_BENCHMARK),
    ):
        if any(pattern.search(text) for pattern in patterns):
            return name
    return None


def claims_speedup(commit: Commit, policy: Policy) -> bool:
    subject = commit.subject
    # A revert claims nothing of its own, whatever the subject it quotes says.
    if subject.startswith('Revert "'):
        return False
    return re.search(policy.perf.subject, subject, re.IGNORECASE) is not None


@rule("RG401", "performance-claim-without-evidence", "a speed-up claimed without a benchmark")
def check_perf(commit: Commit, policy: Policy) -> list[Finding]:
    """## What it does
    Finds commits that claim to make something faster but show no measurement.
    A commit claims a speed-up when its subject matches `perf.subject`: by
    default the Conventional Commits type `perf:` (`perf(scope):`, `perf!:`) or
    the words "faster", "speed up", "speedup", "quicker". It must carry a
    benchmark's output in its body (hyperfine, benchstat or pytest-benchmark,
    pasted as the tool prints it) or a trailer from `perf.trailers`
    (`Benchmark: <where the figures are>`).

    ## Why is this bad?
    Performance changes trade clarity for speed, and intuition about speed is
    often wrong. A claim without figures cannot be checked by a reviewer or
    repeated later, and a change that made nothing faster keeps its cost.

    ## Example
    ```
    perf(parser): cache compiled patterns
    ```

    ## Use instead
    ```
    perf(parser): cache compiled patterns

    Benchmark 1: ./parse big.json
      Time (mean ± σ):      41.2 ms ±   0.6 ms    [User: 38.1 ms, System: 3.0 ms]
      Range (min … max):    40.3 ms …  43.0 ms    70 runs
    ```

    ## How to fix
    Run the benchmark before and after the change and paste the tool's output
    (`hyperfine 'old' 'new'`, `benchstat old.txt new.txt`, `pytest
    --benchmark-compare`) into the message, or add a `Benchmark:` trailer that
    says where the figures are. If the commit makes no claim, reword its subject.
    """
    if not claims_speedup(commit, policy):
        return []
    if any(value.strip() for value in commit.trailer_values(*policy.perf.trailers)):
        return []
    body = commit.message.split("\n", 1)[1] if "\n" in commit.message else ""
    if benchmark_tool_in(body) is not None:
        return []
    trailer = policy.perf.trailers[0] if policy.perf.trailers else "Benchmark"
    found = make_finding(
        commit,
        "RG401",
        f"{commit.short_sha} claims a speed-up ({commit.subject[:60]!r}) but shows no "
        "benchmark output and no trailer " + ", ".join(policy.perf.trailers or ("Benchmark",)),
        "paste hyperfine, benchstat or pytest-benchmark output into the message, or add "
        f"the trailer `{trailer}: <where the figures are>`",
        policy.rules,
    )
    return [] if found is None else [found]
