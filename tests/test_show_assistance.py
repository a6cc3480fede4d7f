"""Issue 13, item 7 end to end: the JSON report's `assistance` object, `reviewgate
check --show-assistance`, and `stats`' list of tool-like marks not recognised, on
real repositories."""

from __future__ import annotations

import json
import re

from conftest import Repo
from reviewgate.pipeline.run import run_check
from reviewgate.report.stats import compute_stats, render_stats_text
from test_check_cli import reviewgate

CRUSH = "💘 Generated with Crush\n\nAssisted-by: Kimi K3 via Crush <crush@charm.land>\n"


def history(repo: Repo) -> dict[str, str]:
    return {
        "human": repo.commit("feat: by hand", {"a.py": "x = 1\n"}),
        "crush": repo.commit(f"feat: with crush\n\n{CRUSH}", {"b.py": "y = 2\n"}),
        "person": repo.commit("fix: credit\n\nAssisted-by: Viktor Szakats\n", {"c.py": "z\n"}),
        "unknown": repo.commit(
            "feat: new agent\n\nZorblax-Session: https://zorblax.example/s/1\n\n"
            "Assisted-by: AGENT_NAME:MODEL_VERSION\n",
            {"d.py": "w\n"}, author="acme-ai[bot] <1+acme-ai[bot]@users.noreply.github.com>"),
        "bump": repo.commit("chore(deps): bump x", {"e.txt": "1\n"},
                            author="dependabot[bot] <49699333+dependabot[bot]@users.noreply"
                                   ".github.com>"),
    }


def test_json_report_gives_every_commit_its_assistance(repo: Repo) -> None:
    shas = history(repo)
    result = reviewgate(repo.path, "check", "--format", "json", "HEAD")
    report = json.loads(result.stdout)
    by_sha = {commit["sha"]: commit["assistance"] for commit in report["commits"]}
    assert set(by_sha) == set(shas.values())
    assert by_sha[shas["human"]] == {"tools": [], "declared_none": False,
                                     "unnamed_declarations": []}
    (crush,) = by_sha[shas["crush"]]["tools"]
    assert crush["name"] == "Crush" and crush["declared"] is True
    assert crush["licence"] == "source-available"
    assert {e["where"] for e in crush["evidence"]} == {"footer", "trailer Assisted-by"}
    assert by_sha[shas["person"]]["tools"] == []
    # A placeholder declares a tool it does not name: shown, never taken for one.
    assert by_sha[shas["unknown"]] == {
        "tools": [], "declared_none": False,
        "unnamed_declarations": ["Assisted-by: AGENT_NAME:MODEL_VERSION"]}
    # No finding for the person credited, nor for Crush's declaration (no RG102).
    codes = {f["code"] for c in report["commits"] for f in c["findings"]
             if c["sha"] in (shas["person"], shas["crush"])}
    assert "RG102" not in codes


def test_show_assistance_prints_every_commit_and_its_evidence(repo: Repo) -> None:
    shas = history(repo)
    result = reviewgate(repo.path, "check", "--show-assistance", "HEAD")
    out = result.stdout
    assert re.search(rf"^{shas['crush'][:7]}\w* feat: with crush\n  Crush \(Crush\): declared\n",
                     out, re.M)
    assert "    footer: 💘 Generated with Crush\n" in out
    assert "    trailer: Assisted-by: Kimi K3 via Crush <crush@charm.land>\n" in out
    assert re.search(rf"^{shas['human'][:7]}\w* feat: by hand\n  no tool shown or declared\n",
                     out, re.M)
    assert "  names no known tool: Assisted-by: AGENT_NAME:MODEL_VERSION\n" in out
    assert "checked in HEAD" in out  # the usual report follows


def test_show_assistance_is_text_only(repo: Repo) -> None:
    history(repo)
    result = reviewgate(repo.path, "check", "--show-assistance", "--format", "json", "HEAD")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--show-assistance prints text" in result.stderr


def test_stats_lists_marks_not_recognised_and_never_counts_a_placeholder(repo: Repo) -> None:
    history(repo)
    result = run_check(revisions=("HEAD",), cwd=repo.path)
    stats = compute_stats(result.commits, result.policy, "HEAD")
    assert dict(stats.unrecognised) == {"bot acme-ai[bot]": 1, "key Zorblax-session": 1}
    assert dict(stats.by_tool) == {"Crush": 1}
    assert "AGENT_NAME" not in render_stats_text(stats)
    text = render_stats_text(stats)
    assert "tool-like marks not recognised" in text
    assert "      1  bot acme-ai[bot]" in text
