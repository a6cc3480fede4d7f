"""Small inline SVG charts: no library, no script, no external reference.

The charts are meant to sit inside an HTML page, where an <svg> element needs no
xmlns; leaving it out keeps the page free of any URL at all.

Every bar carries data attributes naming what it stands for, so a test (or a
reader's browser tools) can check the drawing against the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

ASSISTED_COLOUR = "#d9480f"
OTHER_COLOUR = "#868e96"
TOOL_COLOUR = "#1c7ed6"


def attr(value: object) -> str:
    return escape(str(value), quote=True)


def _rect(x: float, y: float, width: float, height: float, fill: str, **data: object) -> str:
    attrs = "".join(f' data-{key.replace("_", "-")}="{attr(v)}"' for key, v in data.items())
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
        f' fill="{fill}"{attrs}>'
    )


def month_chart(months: Sequence[tuple[str, int, int]], *, chart_id: str = "chart-months") -> str:
    """A bar per month (label, total, assisted): assisted at the bottom, the other
    commits stacked above. Both parts of a bar are always drawn, even at height 0,
    so each month has exactly two rects."""
    bar, gap, top, bottom, left = 40, 24, 24, 40, 36
    height = 220
    plot = height - top - bottom
    width = left + max(1, len(months)) * (bar + gap) + gap
    peak = max((total for _, total, _ in months), default=0) or 1
    parts = [
        f'<svg id="{attr(chart_id)}" class="chart" role="img"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' data-bars="{len(months)}">',
        "<title>Commits per month, tool-assisted ones at the bottom of each bar</title>",
        f'<line x1="{left}" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#495057"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="axis">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot}" text-anchor="end" class="axis">0</text>',
    ]
    for index, (month, total, assisted) in enumerate(months):
        x = left + gap + index * (bar + gap)
        assisted_h = plot * assisted / peak
        other_h = plot * (total - assisted) / peak
        base = top + plot
        label = f"{month}: {total} commits, {assisted} tool-assisted"
        parts.append(
            f'<g class="month" data-month="{attr(month)}" data-total="{total}"'
            f' data-assisted="{assisted}">'
        )
        parts.append(
            _rect(x, base - assisted_h, bar, assisted_h, ASSISTED_COLOUR,
                  month=month, kind="assisted", count=assisted)
            + f"<title>{attr(label)}</title></rect>"
        )
        parts.append(
            _rect(x, base - assisted_h - other_h, bar, other_h, OTHER_COLOUR,
                  month=month, kind="other", count=total - assisted)
            + f"<title>{attr(label)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{base - assisted_h - other_h - 4:.1f}"'
            f' text-anchor="middle" class="value">{total}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{base + 16}" text-anchor="middle"'
            f' class="axis">{attr(month)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def tool_chart(tools: Sequence[tuple[str, int]], *, chart_id: str = "chart-tools") -> str:
    """A horizontal bar per tool, longest for the tool with the most commits."""
    row, gap, label_w, plot_w, right = 22, 8, 160, 360, 48
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
    # The label column is 160 px wide; the full name stays in data-tool and <title>.
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"
