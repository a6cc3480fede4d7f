"""What stats' page and text report say about where their figures come from:
the repository, the range, the period, the policy and the date (issue 16, item 7)."""

from __future__ import annotations

import pytest

from conftest import Repo
from reviewgate.commands.stats import generated_at, origin_display, run_stats
from reviewgate.report.html import render_stats_html
from reviewgate.report.stats import render_stats_text
from stats_history import (
    EPOCH,
    SMALL,
    import_history,
    reviewgate,
)


@pytest.fixture
def small(repo: Repo) -> Repo:
    import_history(repo, SMALL)
    return repo


def test_page_and_text_name_repository_range_and_date(
    small: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    small.git("remote", "add", "origin", "https://ci:s3cret-token@git.example.org/team/app.git")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    stats = run_stats(["main"], cwd=small.path)
    assert (stats.repository, stats.origin) == ("repo", "git.example.org/team/app")
    page = render_stats_html(stats)
    assert "s3cret" not in page and "ci:" not in page
    assert "<h1>reviewgate stats: git.example.org/team/app</h1>" in page
    assert "<title>reviewgate stats: git.example.org/team/app main</title>" in page
    assert '<tr id="about-range"><th>Range</th><td><span class="range">main</span>' in page
    assert "<td>2025-11-03 to 2026-01-15</td>" in page
    assert '<time datetime="2026-01-02T03:04:05Z">2026-01-02 03:04 UTC</time>' in page
    assert '<tr id="about-policy"><th>Policy</th><td>&lt;built-in&gt;</td>' in page
    assert render_stats_html(run_stats(["main"], cwd=small.path)) == page  # reproducible
    text = render_stats_text(stats)
    assert any(line.split() == ["repository", "git.example.org/team/app"]
               for line in text.splitlines())
    assert any(line.split() == ["commits", "from", "2025-11-03", "to", "2026-01-15"]
               for line in text.splitlines())


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://github.com/reviewgate/reviewgate.git", "github.com/reviewgate/reviewgate"),
        ("https://x-access-token:ghs_abc@github.com/o/r", "github.com/o/r"),
        ("https://user:p@ss@host.example/o/r/", "host.example/o/r"),
        ("ssh://git@host.example:2222/o/r.git", "host.example:2222/o/r"),
        ("git@github.com:o/r.git", "github.com/o/r"),
        ("/srv/git/project.git", "/srv/git/project"),
        ("file:///srv/git/project", "/srv/git/project"),
        ("", ""),
    ],
)
def test_origin_display(url: str, shown: str) -> None:
    assert origin_display(url) == shown


def test_source_date_epoch() -> None:
    assert generated_at({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00Z"
    assert generated_at({"SOURCE_DATE_EPOCH": EPOCH}) == "2026-01-02T03:04:05Z"
    assert generated_at({}).endswith("Z")


@pytest.mark.parametrize("value", ["yesterday", "-5", "1e9", "9" * 30])
def test_a_bad_source_date_epoch_is_one_line(small: Repo, value: str) -> None:
    done = reviewgate(small.path, "stats", "main", SOURCE_DATE_EPOCH=value)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "SOURCE_DATE_EPOCH" in done.stderr and "unset it" in done.stderr


def test_page_shows_control_characters_of_names(repo: Repo) -> None:
    # A tool missing from the registry is named as its declaration names it.
    message = "Add it\n\nAssisted-by: Evil\x1b\u202eBot:m1\n"
    import_history(repo, [("2025-11-03T12:00:00Z", message)])
    page = render_stats_html(run_stats(["HEAD"], cwd=repo.path))
    assert "\x1b" not in page and "\u202e" not in page
    assert 'data-tool="Evil\\x1b\\u202eBot"' in page  # as the text report shows it
