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

import functools
import re

from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import make_finding, rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy

_UNIT = r"(?:ns|µs|μs|us|ms|s|min|h)"
_NUMBER = r"\d[\d.,]*"
# Benchmark output is read line by line, and a line longer than this is no table
# row: the patterns then stay linear in the message, whatever a commit holds (a
# multi-line pattern once took 18 s on one crafted message).
_MAX_LINE = 400

@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[Any, Any]:
    """The benchmark tools' patterns, compiled when a commit claims a speed-up:
    the commit-msg hook of any other commit never pays for them."""
    # Patterns that alone show a tool's output, one line each.
    _ONE_LINE = (
        ("hyperfine", re.compile(rf"Time \((?:mean ± σ|abs ≡)\):\s+{_NUMBER} {_UNIT}")),
        ("hyperfine", re.compile(rf"^\s*{_NUMBER}(?: ± {_NUMBER})? times faster than ")),
        ("benchstat", re.compile(r"\(p=[01]\.\d+ n=\d+(?:\+\d+)?\)")),
        (
            "pytest-benchmark",
            re.compile(r"Name \(time in (?:ns|us|ms|s)\)[\s|]+Min[\s|]+Max[\s|]+Mean\b"),
        ),
    )
    # A header line, then (any number of lines later) a row with figures.
    _HEADER_AND_ROW = (
        (
            "hyperfine",
            re.compile(rf"^\s*\|\s*Command\s*\|\s*Mean \[{_UNIT}\]\s*\|\s*Min \[{_UNIT}\]\s*\|"),
            re.compile(rf"^\s*\|[^|]+\|\s*{_NUMBER} ± {_NUMBER}\s*\|"),
        ),
        (
            "benchstat",
            re.compile(r"^\s*name\s+(?:old\s+)?\S+/op\b|│\s*(?:sec|B|allocs)/op\b"),
            # A figure starts after a non-digit, so a long run of digits is tried once.
            re.compile(r"(?<![\d.,])\d[\d.,]*[a-zA-Zµμ]*\s*±\s*\d+%"),
        ),
    )
    return _ONE_LINE, _HEADER_AND_ROW


# Every pattern above needs a digit or one of these words: a line without any is
# skipped with one search instead of six (half a million blank lines cost 3 s).
_MAYBE = re.compile(r"\d|Command|[Nn]ame|│")


def benchmark_tool_in(text: str) -> str | None:
    """The benchmark tool whose output `text` holds, or None."""
    _ONE_LINE, _HEADER_AND_ROW = _patterns()
    headers_seen: set[int] = set()
    found: set[str] = set()
    for line in text.splitlines():
        if len(line) > _MAX_LINE or _MAYBE.search(line) is None:
            continue
        for name, pattern in _ONE_LINE:
            if pattern.search(line):
                found.add(name)
        for at, (name, header, row) in enumerate(_HEADER_AND_ROW):
            if at in headers_seen and row.search(line):
                found.add(name)
            if header.search(line):
                headers_seen.add(at)
    for name in ("hyperfine", "benchstat", "pytest-benchmark"):
        if name in found:
            return name
    return None


# Values that hold a place for figures nobody has written yet.
_PLACEHOLDERS = frozenset({"todo", "tbd", "n/a", "na", "none", "-", "?", "later", "wip"})


def _is_evidence(value: str) -> bool:
    return value.strip().strip(".").lower() not in _PLACEHOLDERS | {""}


# Conventional Commits types that change no shipped code, so claim no speed-up
# whatever their subject says ("docs: explain the 2x faster path").
_NEVER_CLAIM = re.compile(r"^(docs?|tests?|chore)(\([^)]*\))?!?:", re.IGNORECASE)


def claims_speedup(commit: Commit, policy: Policy) -> bool:
    subject = commit.subject
    # A revert claims nothing of its own, whatever the subject it quotes says.
    if subject.startswith('Revert "') or _NEVER_CLAIM.match(subject):
        return False
    return _subject_pattern(policy.perf.subject).search(subject) is not None


@functools.lru_cache(maxsize=8)
def _subject_pattern(pattern: str) -> re.Pattern[str]:
    # Asked of every commit: compiled once, not looked up in re's cache each time.
    return re.compile(pattern, re.IGNORECASE)


@rule(
    "RG401",
    "performance-claim-without-evidence",
    "a speed-up claimed without a benchmark",
    Severity.WARNING,
)
def check_perf(commit: Commit, policy: Policy) -> list[Finding]:
    """## What it does
    Finds commits that claim to make something faster but show no measurement.
    A commit claims a speed-up when its subject matches `perf.subject`: by
    default the Conventional Commits type `perf:` (`perf(scope):`, `perf!:`), or
    a claim of a measured gain, a word such as "faster", "speed up", "cut" or
    "reduce" with a figure and its unit ("2x faster", "30% quicker", "from 300 ms
    to 40 ms"). A word alone ("a faster path") is no claim, and `docs:`, `test:`
    and `chore:` subjects never claim one. A warning by default
    (`rules: {RG401: error}` makes it block). It must carry a
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
    if any(_is_evidence(value) for value in commit.trailer_values(*policy.perf.trailers)):
        return []
    body = commit.message.split("\n", 1)[1] if "\n" in commit.message else ""
    if benchmark_tool_in(body) is not None:
        return []
    trailer = policy.perf.trailers[0] if policy.perf.trailers else "Benchmark"
    found = make_finding(
        commit,
        "RG401",
        f"claims a speed-up ({commit.subject[:60]!r}) but shows no "
        "benchmark output and no trailer " + ", ".join(policy.perf.trailers or ("Benchmark",)),
        "paste hyperfine, benchstat or pytest-benchmark output into the message, or add "
        f"the trailer `{trailer}: <where the figures are>`",
        policy.rules,
    )
    return [] if found is None else [found]
