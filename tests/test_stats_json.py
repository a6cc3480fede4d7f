"""`reviewgate stats --format json`: stats' figures for dashboards (issue 16,
item 7; docs/json-report.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Repo
from stats_history import (
    EPOCH,
    SMALL,
    import_history,
    monthly,
    reviewgate,
)


@pytest.fixture
def small(repo: Repo) -> Repo:
    import_history(repo, SMALL)
    return repo


def test_json_report_of_a_small_history(small: Repo) -> None:
    done = reviewgate(small.path, "stats", "main", "--format", "json", SOURCE_DATE_EPOCH=EPOCH)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {
        "schema", "report", "repository", "range", "policy", "generated", "period",
        "totals", "by_tool", "unrecognised", "by_month", "chart",
    }
    assert (report["schema"], report["report"], report["range"]) == (1, "stats", "main")
    assert report["repository"] == {"name": "repo", "origin": None}
    assert report["policy"] == "<built-in>"
    assert report["generated"] == "2026-01-02T03:04:05Z"
    assert report["period"] == {"first": "2025-11-03", "last": "2026-01-15"}
    totals = report["totals"]
    assert (totals["commits"], totals["skipped"], totals["fixes"]) == (5, 0, 1)
    # The kernel docs' template text (AGENT_NAME:MODEL_VERSION) is no tool: the
    # commit that holds only it is not assisted.
    assert totals["assisted"] == {"count": 3, "of": 5, "ratio": 0.6}
    assert totals["signed_off"] == {"count": 1, "of": 3, "ratio": 1 / 3}
    assert totals["fixes_with_tests"] == {"count": 0, "of": 1, "ratio": 0.0}
    assert totals["verified"] is None
    assert report["by_tool"] == [
        {"tool": "Claude Code", "commits": 2}, {"tool": "OpenAI Codex", "commits": 1},
    ]
    assert "AGENT_NAME" not in done.stdout
    assert report["by_month"] == [
        {"month": "2025-11", "commits": 2, "assisted": 1},
        {"month": "2025-12", "commits": 2, "assisted": 1},
        {"month": "2026-01", "commits": 1, "assisted": 1},
    ]
    assert report["chart"] == {
        "level": "month",
        "periods": [{"period": m["month"], "commits": m["commits"], "assisted": m["assisted"]}
                    for m in report["by_month"]],
    }


def test_json_chart_is_by_quarter_for_ten_years(repo: Repo) -> None:
    import_history(repo, monthly(2015, 120, per_month=2))
    report = json.loads(reviewgate(repo.path, "stats", "main", "--format", "json").stdout)
    assert report["totals"]["commits"] == 240
    assert len(report["by_month"]) == 120
    chart = report["chart"]
    assert chart["level"] == "quarter" and len(chart["periods"]) == 40
    assert chart["periods"][0] == {"period": "2015-Q1", "commits": 6, "assisted": 3}
    assert sum(p["commits"] for p in chart["periods"]) == 240


def test_json_with_html_keeps_stdout_one_document(small: Repo, tmp_path: Path) -> None:
    page = tmp_path / "stats.html"
    done = reviewgate(small.path, "stats", "main", "--format", "json", "--html", str(page))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["commits"] == 5
    assert done.stderr == f"wrote {page}\n"
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_json_keeps_hostile_names_exact_and_inert(repo: Repo) -> None:
    # A tool missing from the registry is named as its declaration names it.
    name = "Evil\x1b\u202eBot\x9b31m"
    import_history(repo, [("2025-11-03T12:00:00Z", f"Add it\n\nAssisted-by: {name}:m1\n")])
    done = reviewgate(repo.path, "stats", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert not any(ch in done.stdout for ch in "\x1b\u202e\x9b")
    assert [row["tool"] for row in json.loads(done.stdout)["by_tool"]] == [name]
