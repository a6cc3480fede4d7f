"""The periods of stats' chart: months, or quarters or years when months would
not fit.

A chart of one bar per month is readable up to about four years in a page's
width; ten years of history need 120 bars, each a few pixels wide. So the bars
become quarters, then years, and the periods without commits between the first
and the last are drawn too (at height 0), so that the axis is time. Pure
functions of stats' months: tested without git, shared by the HTML page and the
JSON report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# The most bars a chart draws: 48 bars in a page's 920 px leave each one a
# slot of 18 px, a 13 px bar and room for a label every third bar.
MAX_BARS = 48
# Past 48 years (the Unix history repository starts in 1970) bars are years all
# the same, thinner; past this many, the span is a wrong clock (a commit dated
# 2999), and only the years with commits are drawn.
MAX_YEARS = 120
LEVELS = ("month", "quarter", "year")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Bucket:
    """One bar: `period` is `2025-12`, `2025-Q4` or `2025` (or a month label that
    is not a date, kept as it is); `start` its first month, for aligning labels."""

    period: str
    total: int
    assisted: int
    start: int | None = None  # months since year 0 of the period's first month

    @property
    def other(self) -> int:
        return self.total - self.assisted


def month_index(label: str) -> int | None:
    """`2025-12` as a count of months (year * 12 + month - 1); None for any other
    label (`unknown`, a malformed date)."""
    match = _MONTH.fullmatch(label)
    return int(match.group(1)) * 12 + int(match.group(2)) - 1 if match else None


def span(first: int, last: int, level: str) -> int:
    """How many periods of `level` from month index `first` to `last`, both included."""
    size = _size(level)
    return last // size - first // size + 1


def choose_level(first: int, last: int, max_bars: int = MAX_BARS) -> str:
    """The finest level at which the periods from month `first` to month `last`
    make at most `max_bars` bars; "year" when even years do not fit."""
    for level in LEVELS:
        if span(first, last, level) <= max_bars:
            return level
    return "year"


def period_label(index: int, level: str) -> str:
    year, month = divmod(index, 12)
    if level == "month":
        return f"{year:04d}-{month + 1:02d}"
    if level == "quarter":
        return f"{year:04d}-Q{month // 3 + 1}"
    return f"{year:04d}"


def buckets(
    months: Sequence[tuple[str, int, int]], max_bars: int = MAX_BARS
) -> tuple[str, tuple[Bucket, ...]]:
    """The chart's level and bars for `months` (label, total, assisted), oldest
    first. Every period from the first dated month to the last is a bar, empty
    ones included, unless they are years and more than MAX_YEARS: then only the
    years with commits are bars. Labels that are not months follow the dated
    bars, as they are."""
    dated: dict[int, list[int]] = {}
    undated: list[Bucket] = []
    for label, total, assisted in months:
        index = month_index(label)
        if index is None:
            undated.append(Bucket(label, total, assisted))
        else:
            counts = dated.setdefault(index, [0, 0])
            counts[0] += total
            counts[1] += assisted
    if not dated:
        return "month", tuple(undated)
    first, last = min(dated), max(dated)
    level = choose_level(first, last, max_bars)
    size = _size(level)
    per_period: dict[int, list[int]] = {}
    for index, (total, assisted) in dated.items():
        counts = per_period.setdefault(index // size, [0, 0])
        counts[0] += total
        counts[1] += assisted
    if span(first, last, level) <= max(max_bars, MAX_YEARS if level == "year" else 0):
        periods = range(first // size, last // size + 1)
    else:
        periods = sorted(per_period)  # type: ignore[assignment]
    bars = tuple(
        Bucket(period_label(p * size, level), *per_period.get(p, (0, 0)), start=p * size)
        for p in periods
    )
    return level, bars + tuple(undated)


def _size(level: str) -> int:
    return {"month": 1, "quarter": 3, "year": 12}[level]
