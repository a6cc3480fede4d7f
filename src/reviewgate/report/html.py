"""`reviewgate stats --html`: one self-contained page.

The page is opened from CI artifacts and mail attachments, often offline, so it
holds everything itself: inline CSS and SVG, no script, no font, no URL.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from reviewgate.model.display import visible
from reviewgate.report.svg import ASSISTED_COLOUR, OTHER_COLOUR, month_chart, tool_chart

if TYPE_CHECKING:
    from reviewgate.report.stats import Share, Stats

_CSS = f"""
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 960px;
       color: #212529; background: #fff; padding: 0 1rem; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
.range {{ font-family: ui-monospace, monospace; }}
#about th {{ color: #495057; font-weight: normal; }}
table {{ border-collapse: collapse; max-width: 100%; }}
th, td {{ text-align: left; padding: .25rem 1rem .25rem 0; border-bottom: 1px solid #dee2e6; }}
/* Names come from commits and config: a long one wraps rather than widen the page. */
h1, th, td, p {{ overflow-wrap: anywhere; }}
svg.chart {{ display: block; max-width: 100%; height: auto; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.chart text {{ font: 12px system-ui, sans-serif; fill: #212529; }}
.legend span {{ display: inline-block; width: .9em; height: .9em; margin: 0 .3em 0 1em;
               vertical-align: -.1em; }}
.empty {{ color: #868e96; }}
.legend .assisted {{ background: {ASSISTED_COLOUR}; }}
.legend .other {{ background: {OTHER_COLOUR}; }}
"""


def _e(value: object) -> str:
    # Commit data: control and bidirectional characters shown, not obeyed.
    return escape(visible(str(value)), quote=True)


def _about(stats: Stats) -> str:
    """Which repository, which commits, by which policy, when: the page is read
    far from the run that made it."""
    repository = stats.origin or stats.repository
    if stats.origin and stats.repository:
        repository = f"{stats.origin} (directory {stats.repository})"
    period = f"{stats.first_day} to {stats.last_day}" if stats.first_day else ""
    rows = [
        ("repository", "Repository", _e(repository)),
        ("range", "Range", f'<span class="range">{_e(stats.range)}</span>' if stats.range else ""),
        ("period", "Commits from", _e(period)),
        ("policy", "Policy", _e(stats.policy)),
    ]
    if stats.generated:
        shown = stats.generated.replace("T", " ")[:16] + " UTC"
        rows.append(("generated", "Generated",
                     f'<time datetime="{_e(stats.generated)}">{_e(shown)}</time>'))
    body = "\n".join(
        f'<tr id="about-{key}"><th>{label}</th><td>{cell}</td></tr>'
        for key, label, cell in rows
        if cell
    )
    return f'<table id="about">\n{body}\n</table>'


def _share_cell(share: Share) -> str:
    ratio = "" if share.ratio is None else f"{share.ratio:.4f}"
    return (
        f'<td class="num" data-count="{share.count}" data-of="{share.of}"'
        f' data-ratio="{ratio}">{_e(share.describe())}</td>'
    )


def _figures(stats: Stats) -> str:
    rows = [
        ("total", "Commits", f'<td class="num" data-count="{stats.total}">{stats.total}</td>'),
        ("assisted", "Tool-assisted", _share_cell(stats.assisted)),
        ("signed-off", "Assisted with a sign-off", _share_cell(stats.signed_off)),
        ("fixes", "Fixes", f'<td class="num" data-count="{stats.fixes}">{stats.fixes}</td>'),
        ("fixes-with-tests", "Fixes with a test", _share_cell(stats.fixes_with_tests)),
    ]
    verified = (
        _share_cell(stats.verified)
        if stats.verified is not None
        else f'<td class="num" data-measured="false">{_e(stats.verified_text)}</td>'
    )
    rows.append(("verified", "Fixes verified red/green", verified))
    if stats.skipped:
        rows.insert(
            1,
            ("skipped", "Skipped (merges, fixups)",
             f'<td class="num" data-count="{stats.skipped}">{stats.skipped}</td>'),
        )
    body = "\n".join(
        f'<tr id="fig-{key}"><th>{_e(label)}</th>{cell}</tr>' for key, label, cell in rows
    )
    return f'<table id="figures">\n{body}\n</table>'


def _tables(stats: Stats) -> str:
    months = "\n".join(
        f'<tr data-month="{_e(m.month)}"><td>{_e(m.month)}</td><td class="num">{m.total}</td>'
        f'<td class="num">{m.assisted}</td></tr>'
        for m in stats.by_month
    )
    tools = "\n".join(
        f'<tr data-tool="{_e(name)}"><td>{_e(name)}</td><td class="num">{count}</td></tr>'
        for name, count in stats.by_tool
    )
    return (
        '<table id="table-months"><tr><th>Month</th><th>Commits</th><th>Assisted</th></tr>\n'
        f"{months}\n</table>\n"
        '<table id="table-tools"><tr><th>Tool</th><th>Commits</th></tr>\n'
        f"{tools}\n</table>"
    )


def render_stats_html(stats: Stats) -> str:
    name = stats.origin or stats.repository
    about = " ".join(part for part in (name, stats.range) if part)
    title = f"reviewgate stats: {about}" if about else "reviewgate stats"
    level, bars = stats.periods()
    month_part = (
        month_chart(level, bars) if bars else '<p class="empty" id="chart-months">No commits.</p>'
    )
    tool_part = (
        tool_chart(list(stats.by_tool))
        if stats.by_tool
        else '<p class="empty" id="chart-tools">No tool-assisted commits.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>reviewgate stats{": " + _e(name) if name else ""}</h1>
{_about(stats)}
<h2>Figures</h2>
{_figures(stats)}
<h2>Commits by {level}</h2>
<p class="legend"><span class="assisted"></span>tool-assisted<span class="other"></span>other</p>
{month_part}
<h2>Tool-assisted commits by tool</h2>
{tool_part}
<h2>Tables</h2>
{_tables(stats)}
</body>
</html>
"""
