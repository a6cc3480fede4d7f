"""Small inline SVG charts: no library, no script, no external reference.

The charts are meant to sit inside an HTML page, where an <svg> element needs no
xmlns; leaving it out keeps the page free of any URL at all.

Every bar carries data attributes naming what it stands for, so a test (or a
reader's browser tools) can check the drawing against the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from reviewgate.model.display import visible
from reviewgate.report.buckets import Bucket

ASSISTED_COLOUR = "#d9480f"
OTHER_COLOUR = "#868e96"
TOOL_COLOUR = "#1c7ed6"


def attr(value: object) -> str:
    # Tool names come from commits: control and bidirectional characters shown.
    return escape(visible(str(value)), quote=True)


def _rect(x: float, y: float, width: float, height: float, fill: str, **data: object) -> str:
    attrs = "".join(f' data-{key.replace("_", "-")}="{attr(v)}"' for key, v in data.items())
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
        f' fill="{fill}"{attrs}>'
    )


# The chart's drawing box: the page's text column is 928 px wide, and the SVG is
# scaled to the column's width, so that no history makes the page scroll sideways.
CHART_WIDTH = 920
CHART_HEIGHT = 220
# Label widths at the 12 px font of .chart text: a digit or a letter of
# "2025-Q4" is at most 8 px (DejaVu Sans, the usual fallback, draws digits 7.6 px).
CHAR_WIDTH = 8
# Steps between labelled bars that land on the same month of each year.
_LABEL_STEPS = {
    "month": (1, 2, 3, 4, 6, 12, 24, 60, 120),
    "quarter": (1, 2, 4, 8, 20, 40),
    "year": (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
}
_STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def label_step(level: str, slot: float, label_chars: int) -> int:
    """Label every how many bars, so that labels `label_chars` long, centred on
    bars `slot` px apart, do not touch."""
    needed = (label_chars * CHAR_WIDTH + 8) / slot
    for step in _LABEL_STEPS[level]:
        if step >= needed:
            return step
    return _LABEL_STEPS[level][-1]


def month_chart(
    level: str, bars: Sequence[Bucket], *, chart_id: str = "chart-months"
) -> str:
    """A bar per period (see report.buckets): assisted commits at the bottom, the
    other commits stacked above. Both parts of a bar are always drawn, even at
    height 0, so each period has exactly two rects. However many bars, the chart
    is CHART_WIDTH wide: bars narrow as they multiply, and only every few get a
    label and a count when there is no room for all."""
    top, bottom, right = 24, 40, 24  # room for the last bar's label
    width, height = CHART_WIDTH, CHART_HEIGHT
    plot = height - top - bottom
    peak = max((bar.total for bar in bars), default=0) or 1
    left = max(36, 8 + CHAR_WIDTH * len(str(peak)))  # the peak's digits, left of the axis
    slot = (width - left - right) / max(1, len(bars))
    bar_w = min(40.0, slot * 0.72)
    longest = max((len(bar.period) for bar in bars), default=1)
    step = label_step(level, slot, longest)
    parts = [
        f'<svg id="{attr(chart_id)}" class="chart wide" role="img" width="100%"'
        f' viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet"'
        f' data-bars="{len(bars)}" data-level="{attr(level)}">',
        f"<title>Commits per {attr(level)}, tool-assisted ones at the bottom of each bar</title>",
        f'<line x1="{left}" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#495057"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="axis">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot}" text-anchor="end" class="axis">0</text>',
    ]
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - bar_w) / 2
        centre = x + bar_w / 2
        assisted_h = plot * bar.assisted / peak
        other_h = plot * bar.other / peak
        base = top + plot
        label = f"{bar.period}: {bar.total} commits, {bar.assisted} tool-assisted"
        parts.append(
            f'<g class="period" data-period="{attr(bar.period)}" data-total="{bar.total}"'
            f' data-assisted="{bar.assisted}">'
        )
        parts.append(
            _rect(x, base - assisted_h, bar_w, assisted_h, ASSISTED_COLOUR,
                  period=bar.period, kind="assisted", count=bar.assisted)
            + f"<title>{attr(label)}</title></rect>"
        )
        parts.append(
            _rect(x, base - assisted_h - other_h, bar_w, other_h, OTHER_COLOUR,
                  period=bar.period, kind="other", count=bar.other)
            + f"<title>{attr(label)}</title></rect>"
        )
        if bar.total and len(str(bar.total)) * CHAR_WIDTH + 2 <= slot:
            parts.append(
                f'<text x="{centre:.1f}" y="{base - assisted_h - other_h - 4:.1f}"'
                f' text-anchor="middle" class="value">{bar.total}</text>'
            )
        position = index if bar.start is None else bar.start // _STEP_MONTHS[level]
        if position % step == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle"'
                f' class="axis">{attr(bar.period)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def tool_chart(tools: Sequence[tuple[str, int]], *, chart_id: str = "chart-tools") -> str:
    """A horizontal bar per tool, longest for the tool with the most commits."""
    row, gap, label_w, plot_w, right = 22, 8, 200, 360, 48
    height = max(1, len(tools)) * (row + gap) + gap
    width = label_w + plot_w + right
    peak = max((count for _, count in tools), default=0) or 1
    parts = [
        f'<svg id="{attr(chart_id)}" class="chart" role="img"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' data-bars="{len(tools)}">',
        "<title>Tool-assisted commits by tool</title>",
    ]
    for index, (name, count) in enumerate(tools):
        y = gap + index * (row + gap)
        length = plot_w * count / peak
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row / 2 + 5:.1f}" text-anchor="end"'
            f' class="axis">{attr(_short(name))}</text>'
        )
        parts.append(
            _rect(label_w, y, length, row, TOOL_COLOUR, tool=name, count=count)
            + f"<title>{attr(f'{name}: {count} commits')}</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{y + row / 2 + 5:.1f}"'
            f' class="value">{count}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _short(label: str, limit: int = 24) -> str:
    # The label column is 200 px wide: 24 characters of 8 px; the full name stays in
    # data-tool and <title>.
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"
