"""The registry of rules, and what every rule shares: its severity under the policy,
and which commits it looks at.

Every rule registers itself here with its stable code. Its documentation is the
docstring of the function that implements it, in ruff's form (What it does, Why,
Example, How to fix), so `reviewgate explain CODE` and the code cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

from reviewgate.model.finding import _SEVERITIES, Finding, Severity
from reviewgate.model.message import is_fixup_subject
from reviewgate.model.record import record

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy

    RuleFunction = TypeVar("RuleFunction", bound=Callable[..., object])

# Every rule's stable code and name. The policy validates `rules:` against it
# without importing the rule modules; a test checks that it matches RULES.
KNOWN_RULE_NAMES: dict[str, str] = {
    "RG101": "undeclared-assistance",
    "RG102": "malformed-declaration",
    "RG103": "tool-signed-off",
    "RG104": "missing-declaration",
    "RG105": "assistance-forbidden",
    "RG106": "tool-co-author",
    "RG107": "tool-author",
    "RG108": "tool-not-accepted",
    "RG201": "fix-without-test",
    "RG202": "test-not-red",
    "RG203": "fix-not-green",
    "RG204": "test-weakened",
    "RG205": "verify-error",
    "RG206": "fix-breaks-test",
    "RG301": "missing-signoff",
    "RG302": "self-signoff",
    "RG303": "unknown-reviewer",
    "RG304": "unsigned-signoff",
    "RG401": "performance-claim-without-evidence",
}


@record
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
        doc = cleandoc(func.__doc__ or "")
        RULES[code] = Rule(code, name, summary, severity, doc)
        return func

    return register



def cleandoc(doc: str) -> str:
    """`inspect.cleandoc`, without importing `inspect` on the hooks' path: tabs
    expanded, the common indentation of the lines after the first removed, blank
    lines at either end dropped."""
    lines = doc.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()]
    margin = min(indents, default=0)
    lines = [lines[0].lstrip(), *(line[margin:] for line in lines[1:])]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)



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



def is_fixup(commit: Commit) -> bool:
    """A `commit --fixup/--squash/--fixup=amend:` commit, which `rebase --autosquash`
    folds into its target before it reaches a branch."""
    return is_fixup_subject(commit.message)



def selected(commit: Commit, policy: Policy) -> bool:
    """Whether policy.commits lets the rules look at `commit`."""
    if commit.is_merge and policy.commits.merges == "skip":
        return False
    return not (is_fixup(commit) and policy.commits.fixups == "skip")

