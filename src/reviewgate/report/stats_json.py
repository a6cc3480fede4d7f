"""`reviewgate stats --format json`: stats' figures for dashboards. The schema
is documented in docs/json-report.md ("stats") and is stable: fields may be
added, never renamed or removed, within a schema version."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reviewgate.model.display import json_safe

if TYPE_CHECKING:
    from reviewgate.report.stats import Share, Stats

STATS_SCHEMA_VERSION = 1


def share_to_json(share: Share | None) -> dict[str, Any] | None:
    if share is None:
        return None
    return {"count": share.count, "of": share.of, "ratio": share.ratio}


def stats_to_json(stats: Stats) -> dict[str, Any]:
    level, bars = stats.periods()
    return {
        "schema": STATS_SCHEMA_VERSION,
        "report": "stats",
        "repository": {"name": stats.repository, "origin": stats.origin or None},
        "range": stats.range,
        "policy": stats.policy,
        "generated": stats.generated or None,
        "period": {"first": stats.first_day or None, "last": stats.last_day or None},
        "totals": {
            "commits": stats.total,
            "skipped": stats.skipped,
            "assisted": share_to_json(stats.assisted),
            "signed_off": share_to_json(stats.signed_off),
            "fixes": stats.fixes,
            "fixes_with_tests": share_to_json(stats.fixes_with_tests),
            "verified": share_to_json(stats.verified),
        },
        "by_tool": [{"tool": name, "commits": count} for name, count in stats.by_tool],
        "unrecognised": [{"mark": mark, "commits": count} for mark, count in stats.unrecognised],
        "by_month": [
            {"month": m.month, "commits": m.total, "assisted": m.assisted} for m in stats.by_month
        ],
        "chart": {
            "level": level,
            "periods": [
                {"period": bar.period, "commits": bar.total, "assisted": bar.assisted}
                for bar in bars
            ],
        },
    }


def render_stats_json(stats: Stats) -> str:
    # Tool names and marks come from commits: exact for a parser, inert in a log.
    return json_safe(json.dumps(stats_to_json(stats), indent=2)) + "\n"
