"""Which parser reads a run's report (verify/results.py lists the kinds)."""

from __future__ import annotations

from reviewgate.verify import streams
from reviewgate.verify.junit import parse_junit
from reviewgate.verify.results import TestReport


def parse_report(kind: str, output: str, junit: bytes | None, root: str) -> TestReport | None:
    """The report of one run, or None when the run left none to read."""
    if kind == "junit":
        return parse_junit(junit, root) if junit is not None else None
    parser = {
        "go-json": streams.parse_go_json,
        "tap": streams.parse_tap,
        "libtest": streams.parse_libtest,
    }[kind]
    return parser(output.replace(root.rstrip("/") + "/", ""), root)
