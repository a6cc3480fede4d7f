"""stats' chart fits the page at any history length: months, else quarters, else
years (issue 16, item 7). Pure functions, no git."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from reviewgate.report.buckets import (
    MAX_BARS,
    MAX_YEARS,
    Bucket,
    buckets,
    choose_level,
    month_index,
    period_label,
    span,
)
from reviewgate.report.svg import CHAR_WIDTH, CHART_WIDTH, label_step, month_chart


def months_from(year: int, month: int, count: int) -> list[tuple[str, int, int]]:
    """`count` consecutive months from year-month, each with 3 commits, 1 assisted."""
    start = year * 12 + month - 1
    return [(period_label(start + i, "month"), 3, 1) for i in range(count)]


@pytest.mark.parametrize(
    ("count", "level", "bars"),
    [
        (1, "month", 1),
        (36, "month", 36),
        (48, "month", 48),
        (49, "quarter", 17),  # Jan 2020 .. Jan 2024: 16 quarters and one more
        (77, "quarter", 26),  # Jan 2020 .. May 2026
        (144, "quarter", 48),  # 12 whole years: 48 quarters still fit
        (145, "year", 13),
        (240, "year", 20),  # 20 years
    ],
)
def test_level_by_history_length(count: int, level: str, bars: int) -> None:
    chosen, drawn = buckets(months_from(2020, 1, count))
    assert (chosen, len(drawn)) == (level, bars)
    assert sum(bar.total for bar in drawn) == 3 * count
    assert sum(bar.assisted for bar in drawn) == count
    assert len(drawn) <= MAX_BARS


def test_quarters_start_where_the_calendar_does() -> None:
    # 49 months from November 2019: the first quarter holds only Nov and Dec.
    level, drawn = buckets(months_from(2019, 11, 49))
    assert level == "quarter"
    assert drawn[0] == Bucket("2019-Q4", 6, 2, start=2019 * 12 + 9)
    assert drawn[1].period == "2020-Q1" and drawn[1].total == 9
    assert drawn[-1].period == "2023-Q4" and drawn[-1].total == 6  # Oct and Nov
    assert len(drawn) == span(month_index("2019-11"), month_index("2023-11"), "quarter") == 17


def test_span_counts_calendar_periods() -> None:
    # Dec 2019 to Jan 2020 is two months, two quarters and two years.
    first, last = month_index("2019-12"), month_index("2020-01")
    assert (span(first, last, "month"), span(first, last, "quarter"),
            span(first, last, "year")) == (2, 2, 2)
    assert choose_level(first, first + 47) == "month"
    assert choose_level(first, first + 48) == "quarter"


def test_empty_periods_between_are_drawn_at_zero() -> None:
    level, drawn = buckets([("2025-01", 2, 1), ("2025-04", 5, 0)])
    assert level == "month"
    assert [(b.period, b.total, b.assisted) for b in drawn] == [
        ("2025-01", 2, 1), ("2025-02", 0, 0), ("2025-03", 0, 0), ("2025-04", 5, 0),
    ]


def test_a_stray_date_does_not_make_thousands_of_bars() -> None:
    # One commit dated 2999 (a wrong clock) in a 2020 project: a thousand years,
    # so only the years with commits are bars.
    months = [("1970-01", 1, 0), *months_from(2020, 1, 36), ("2999-12", 1, 1)]
    level, drawn = buckets(months)
    assert level == "year"
    assert [b.period for b in drawn] == ["1970", "2020", "2021", "2022", "2999"]
    assert sum(b.total for b in drawn) == 3 * 36 + 2
    # Without it, 1970 to 2022 is drawn year by year, the empty ones included.
    level, drawn = buckets(months[:-1])
    assert (level, len(drawn), drawn[1]) == ("year", 53, Bucket("1971", 0, 0, start=1971 * 12))


def test_labels_that_are_not_months_follow_as_they_are() -> None:
    level, drawn = buckets([("2025-02", 1, 1), ("unknown", 2, 0), ('20"26-01', 1, 1)])
    assert level == "month"
    assert [b.period for b in drawn] == ["2025-02", "unknown", '20"26-01']
    assert buckets([("unknown", 2, 0)]) == ("month", (Bucket("unknown", 2, 0),))
    assert buckets([]) == ("month", ())


@pytest.mark.parametrize("label", ["2025-13", "2025-00", "25-01", "2025-1", "2025-01x"])
def test_month_index_takes_only_months(label: str) -> None:
    assert month_index(label) is None


def test_label_step_leaves_room_for_each_label() -> None:
    assert label_step("month", 72, 7) == 1  # a year of months: every one
    assert label_step("month", 18, 7) == 4  # 48 months: January, May, September
    assert label_step("quarter", 21, 7) == 4  # a label each year
    assert label_step("year", 9, 4) == 5
    for level, slot, chars in (("month", 18.5, 7), ("quarter", 30, 7), ("year", 12, 4)):
        step = label_step(level, slot, chars)
        assert step * slot >= chars * CHAR_WIDTH + 8


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.svg: dict[str, str | None] = {}
        self.groups: list[dict[str, str | None]] = []
        self.rects: list[dict[str, str | None]] = []
        self.axis: list[str] = []
        self.values: list[str] = []
        self._text: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg":
            self.svg = found
        elif tag == "g":
            self.groups.append(found)
        elif tag == "rect":
            self.rects.append(found)
        elif tag == "text":
            self._text = found.get("class")

    def handle_data(self, data: str) -> None:
        if self._text == "axis":
            self.axis.append(data)
        elif self._text == "value":
            self.values.append(data)
        self._text = None


def chart_of(months: list[tuple[str, int, int]]) -> _Svg:
    parser = _Svg()
    parser.feed(month_chart(*buckets(months)))
    return parser


@pytest.mark.parametrize("count", [1, 3, 36, 48, 49, 77, 120, 240, 600, 1440])
def test_the_chart_is_one_width_whatever_the_history(count: int) -> None:
    chart = chart_of(months_from(2000, 1, count))
    assert chart.svg["width"] == "100%"
    assert chart.svg["viewbox"] == f"0 0 {CHART_WIDTH} 220"
    bars = int(chart.svg["data-bars"] or 0)
    assert bars == len(chart.groups) <= (MAX_BARS if count <= 12 * MAX_BARS else MAX_YEARS)
    assert len(chart.rects) == 2 * bars
    # Every bar inside the drawing, none overlapping the next.
    edges = sorted(
        (float(r["x"] or 0), float(r["x"] or 0) + float(r["width"] or 0))
        for r in chart.rects if r["data-kind"] == "assisted"
    )
    assert edges[0][0] > 0 and edges[-1][1] <= CHART_WIDTH
    assert all(right < next_left for (_, right), (next_left, _) in pairwise(edges))
    # Axis labels: the two figures of the y axis, and period labels spaced so
    # they cannot overlap (CHAR_WIDTH a character at the chart's font).
    periods = chart.axis[2:]
    assert periods and len(periods) * (len(periods[0]) * CHAR_WIDTH + 8) <= CHART_WIDTH


def test_a_dense_chart_labels_the_same_months_each_year() -> None:
    chart = chart_of(months_from(2021, 1, 48))
    assert chart.svg["data-level"] == "month"
    labels = chart.axis[2:]
    assert labels[:3] == ["2021-01", "2021-05", "2021-09"]
    assert len(labels) == 12
    assert all(re.fullmatch(r"\d{4}-(01|05|09)", label) for label in labels)
    yearly = chart_of(months_from(2015, 1, 120)).axis[2:]
    assert yearly == [f"{year}-Q1" for year in range(2015, 2025)]


def test_values_show_where_there_is_room() -> None:
    assert chart_of(months_from(2021, 1, 6)).values == ["3"] * 6
    wide = chart_of([(label, 12345, 1) for label, _, _ in months_from(2021, 1, 48)])
    assert wide.values == []  # five digits do not fit over an 18 px slot
    assert len(wide.groups) == 48
