"""The stats page in a real headless Chromium: what the browser builds and draws.

Chromium comes from Debian's package (`apt-get install chromium`); the test skips
when it is missing. It runs offline: the page references nothing outside itself.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.commands.stats import run_stats
from reviewgate.report.html import render_stats_html
from reviewgate.report.svg import ASSISTED_COLOUR, OTHER_COLOUR, TOOL_COLOUR
from stats_history import import_history, monthly


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("Chromium not installed (apt-get install chromium)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # root in CI containers has no user namespace sandbox
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)


@pytest.fixture
def page(repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Path, object]:
    plan = [
        ("2025-11-03", "Add core\n"),
        ("2025-11-20", "Add api\n\nAssisted-by: Claude:opus-4\n"),
        ("2025-12-01", "Add cli\n\nAssisted-by: Codex:gpt-5\n"),
        ("2025-12-02", "fix: cli\n\nAssisted-by: Claude:opus-4\n"),
        ("2025-12-09", "Add docs\n"),
        ("2026-01-15", "Add ui\n\nAssisted-by: Claude:opus-4\n"),
    ]
    for date, message in plan:
        monkeypatch.setenv("GIT_AUTHOR_DATE", f"{date}T12:00:00Z")
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{date}T12:00:00Z")
        repo.commit(message)
    stats = run_stats(["HEAD"], cwd=repo.path)
    path = tmp_path / "stats.html"
    path.write_text(render_stats_html(stats), encoding="utf-8")
    return path, stats


class _Rects(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[dict[str, str | None]] = []
        self.svgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "rect":
            self.rects.append(dict(attrs))
        elif tag == "svg":
            self.svgs.append(dict(attrs))

    handle_startendtag = handle_starttag


def test_rendered_dom_has_the_bars(page: tuple[Path, object], tmp_path: Path) -> None:
    path, stats = page
    dom = run_chromium(tmp_path, "--dump-dom", path.as_uri()).stdout
    parser = _Rects()
    parser.feed(dom)
    assert {svg.get("id") for svg in parser.svgs} == {"chart-months", "chart-tools"}
    months = [r for r in parser.rects if r.get("data-period")]
    tools = [r for r in parser.rects if r.get("data-tool")]
    assert len(months) == 2 * len(stats.by_month) == 6  # type: ignore[attr-defined]
    assert [(r["data-tool"], r["data-count"]) for r in tools] == [
        ("Claude Code", "3"),
        ("OpenAI Codex", "1"),
    ]
    assisted = {r["data-period"]: r["data-count"] for r in months if r["data-kind"] == "assisted"}
    assert assisted == {"2025-11": "1", "2025-12": "2", "2026-01": "1"}


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB(A) rows of an 8-bit, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), header
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                near = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + near) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(r) for r in rows] if channels == 3 else [
        b"".join(r[i : i + 3] for i in range(0, len(r), 4)) for r in rows
    ]


def colour_counts(rows: list[bytes]) -> Counter[tuple[int, int, int]]:
    """How many pixels of each colour; a page holds few distinct colours."""
    counts: Counter[tuple[int, int, int]] = Counter()
    for row in rows:
        counts.update(zip(row[0::3], row[1::3], row[2::3], strict=True))
    return counts


def near(counts: Counter[tuple[int, int, int]], colour: str, tolerance: int = 12) -> int:
    want = bytes.fromhex(colour.lstrip("#"))
    return sum(
        n for rgb, n in counts.items() if all(abs(rgb[c] - want[c]) <= tolerance for c in range(3))
    )


def test_screenshot_shows_the_charts(page: tuple[Path, object], tmp_path: Path) -> None:
    path, _ = page
    shot = tmp_path / "stats.png"
    # Tall enough that the last chart (by tool, about 800 px down) is never at the
    # fold: at 900 px a run once drew it partly outside the shot.
    # The virtual time budget lets layout and paint settle before the shot is taken.
    run_chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        "--virtual-time-budget=2000",
        path.as_uri(),
    )
    assert shot.is_file() and shot.stat().st_size > 1000
    width, height, rows = read_png(shot)
    assert (width, height) == (1200, 1600)
    counts = colour_counts(rows)
    not_white = sum(n for rgb, n in counts.items() if min(rgb) < 230)
    assert not_white > 20_000, "the page looks blank"
    # Each series is drawn in its own colour, each bar thousands of pixels.
    for colour in (ASSISTED_COLOUR, OTHER_COLOUR, TOOL_COLOUR):
        assert near(counts, colour) > 1_000, colour


# The page holds no script; the copy measured gets one that writes the layout's
# widths into the DOM that --dump-dom prints, once the page has loaded.
_MEASURE = """<script>
addEventListener("load", () => {
  const root = document.documentElement;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")).slice(0, 10);
  document.body.dataset.scrollWidth = root.scrollWidth;
  document.body.dataset.clientWidth = root.clientWidth;
  document.body.dataset.overflowing = wide.join(" ");
});
</script>"""


class _Body(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.body = dict(attrs)


def layout_widths(tmp_path: Path, page: Path, window_width: int = 1280) -> dict[str, str | None]:
    probe = page.with_name(f"measured-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
                     encoding="utf-8")
    dom = run_chromium(
        tmp_path, f"--window-size={window_width},900", "--virtual-time-budget=2000",
        "--dump-dom", probe.as_uri(),
    ).stdout
    parser = _Body()
    parser.feed(dom)
    assert parser.body.get("data-client-width") == str(window_width), "the probe did not run"
    return parser.body


def assert_fits(widths: dict[str, str | None]) -> None:
    assert int(widths["data-scroll-width"] or 0) <= int(widths["data-client-width"] or 0), widths
    assert widths["data-overflowing"] == ""


def test_the_page_of_a_short_history_fits_1280_px(page: tuple[Path, object],
                                                  tmp_path: Path) -> None:
    path, _ = page
    assert_fits(layout_widths(tmp_path, path))


def test_the_page_of_ten_years_fits_1280_px(repo: Repo, tmp_path: Path) -> None:
    # 360 commits, one a month dated from 2015 to 2024 (the chart of 120 months
    # was 7,700 px wide), and a tool whose name is one 300-character word.
    long_name = "Averylongagentname" * 17
    history = monthly(2015, 120, per_month=3)
    history.append(("2024-12-20T12:00:00Z", f"Add more\n\nAssisted-by: {long_name}:m\n"))
    import_history(repo, history)
    stats = run_stats(["main"], cwd=repo.path)
    assert stats.total == 361 and (long_name, 1) in stats.by_tool
    path = tmp_path / "long.html"
    path.write_text(render_stats_html(stats), encoding="utf-8")
    assert 'data-level="quarter"' in path.read_text(encoding="utf-8")
    assert_fits(layout_widths(tmp_path, path))
    assert_fits(layout_widths(tmp_path, path, window_width=600))  # and a phone's width
