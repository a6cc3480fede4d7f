"""Findings, severities and the registry of rules.

Every rule registers itself here with its stable code. Its documentation is the
docstring of the function that implements it, in ruff's form (What it does, Why,
Example, How to fix), so `reviewgate explain CODE` and the code cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from reviewgate.commit import Commit
    from reviewgate.policy import Policy

    RuleFunction = TypeVar("RuleFunction", bound=Callable[..., object])


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    OFF = "off"


_SEVERITIES = {severity.value: severity for severity in Severity}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    sha: str  # "" for a message that is not committed yet
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    default_severity: Severity
    doc: str


RULES: dict[str, Rule] = {}


def rule(
    code: str, name: str, summary: str, severity: Severity = Severity.ERROR
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the documentation of rule `code`; the decorated object's docstring
    is its documentation. The function keeps its own type."""

    def register(func: RuleFunction) -> RuleFunction:
        doc = inspect.cleandoc(func.__doc__ or "")
        RULES[code] = Rule(code, name, summary, severity, doc)
        return func

    return register


def severity_for(code: str, overrides: dict[str, str]) -> Severity:
    """The policy's severity for `code`, falling back to the rule's default."""
    if code in overrides:
        value = overrides[code]
        # Asked for every rule of every commit; Severity(value) is an Enum lookup
        # that costs ten times a dict's.
        return _SEVERITIES.get(value) or Severity(value)
    registered = RULES.get(code)
    return registered.default_severity if registered else Severity.ERROR


def rule_enabled(policy: Policy, *codes: str) -> bool:
    """Whether any of `codes` is not switched off by the policy."""
    return any(policy.rules.get(code) != "off" for code in codes)


def make_finding(
    commit: Commit, code: str, message: str, hint: str, overrides: dict[str, str]
) -> Finding | None:
    severity = severity_for(code, overrides)
    if severity is Severity.OFF:
        return None
    return Finding(code, severity, commit.sha, message, hint)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
