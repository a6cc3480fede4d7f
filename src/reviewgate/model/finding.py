"""Findings and their severities: what every rule reports."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from reviewgate.model.record import record


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    OFF = "off"


_SEVERITIES = {severity.value: severity for severity in Severity}


@record
class Finding:
    code: str
    severity: Severity
    sha: str  # "" for a message that is not committed yet
    message: str
    hint: str = ""


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
