"""`reviewgate check`: read a range, run the rules, report."""

from __future__ import annotations

from collections.abc import Iterable

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


def render_chunks(result: CheckResult, fmt: str) -> Iterable[str]:
    """The report in `fmt` as chunks to write one after another: JSON is streamed
    (a long range's report would double the memory it takes); the others are one."""
    if fmt == "json":
        from reviewgate.report.json import iter_json

        return iter_json(result)
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
