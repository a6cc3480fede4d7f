"""`reviewgate check`: read a range, run the rules, report."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import TextIO

from reviewgate.errors import ReviewgateError
from reviewgate.report.text import render_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.result import CheckResult


def write_report(path: str, text: str | Iterable[str]) -> None:
    """Write the report (a text, or its chunks) to `path`; a path that cannot be
    written is a usage error (exit 2), never a traceback nor exit 1, which means
    findings."""
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
    except OSError as error:
        raise ReviewgateError(f"cannot write the report to {path!r}: {error.strerror}") from None


def render_chunks(
    result: CheckResult, fmt: str, *, statistics: bool = False, quiet: bool = False,
    colour: bool = False,
) -> Iterable[str]:
    """The report in `fmt` as chunks to write one after another: JSON is streamed
    (a long range's report would double the memory it takes); the others are one.
    `statistics`, `quiet` and `colour` shape the text report."""
    if fmt == "json":
        from reviewgate.report.json import iter_json

        return iter_json(result)
    if fmt == "text":
        return (render_text(result, statistics=statistics, quiet=quiet, colour=colour),)
    return (render(result, fmt),)


def render(result: CheckResult, fmt: str) -> str:
    """The report in `fmt`; each renderer is imported only when it is asked for."""
    if fmt == "json":
        from reviewgate.report.json import render_json

        return render_json(result)
    if fmt == "sarif":
        from reviewgate.report.sarif import render_sarif

        return render_sarif(result)
    if fmt == "github":
        from reviewgate.report.github import render_github

        return render_github(result)
    if fmt == "junit":
        from reviewgate.report.junit import render_junit

        return render_junit(result)
    return render_text(result)


def wants_colour(stream: object, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal, as most tools do: `NO_COLOR` (no-color.org) turns it
    off, and wins over `FORCE_COLOR` (force-color.org), which turns it on anywhere."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("TERM") != "dumb"


def shows_progress(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Progress is drawn in place on a terminal; never in CI, whose log keeps every
    redraw, nor into a pipe or a file."""
    return bool(stream.isatty()) and not environ.get("CI")


class CommitProgress:
    """`reviewgate: 12,000 commits read…` on a terminal's stderr while a long range
    is read, rewritten in place and erased at the end. Never in CI logs or pipes,
    where a line per update would be noise: those wait for the report."""

    SHOW_FROM = 1000  # commits: a shorter range is read before anyone waits
    EVERY = 0.1  # seconds between redraws

    def __init__(self, stream: TextIO, environ: Mapping[str, str]) -> None:
        self.stream = stream
        self.on = shows_progress(stream, environ)
        self.shown = False
        self.last = 0.0

    def __call__(self, count: int) -> None:
        if not self.on or count < self.SHOW_FROM:
            return
        now = time.monotonic()
        if now - self.last < self.EVERY:
            return
        self.last = now
        self.stream.write(f"\rreviewgate: {count:,} commits read…")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")  # erase the line: the report follows
            self.stream.flush()
            self.shown = False
