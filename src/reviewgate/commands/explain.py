"""`reviewgate explain CODE`: a rule's documentation, straight from its docstring."""

from __future__ import annotations

import difflib
import re

from reviewgate.errors import ReviewgateError
from reviewgate.model.rulebook import RULES, Rule
from reviewgate.pipeline.range_rules import register_all

register_all()  # every rule's documentation, the range rules' included

# Codes reserved by the design for capabilities still to come: a policy may already
# set their severity, so explain must not call them unknown.
PLANNED_RULES: dict[str, str] = {}


def find_rule(code: str) -> Rule:
    """The rule called `code` ("RG101", "rg101") or by name ("undeclared-assistance")."""
    wanted = code.strip()
    if wanted.upper() in RULES:
        return RULES[wanted.upper()]
    by_name = {r.name: r for r in RULES.values()}
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    if wanted.upper() in PLANNED_RULES:
        raise ReviewgateError(
            f"rule {wanted.upper()} ({PLANNED_RULES[wanted.upper()]}) is planned but not "
            "implemented in this version; `reviewgate explain` lists the rules that are"
        )
    nearest = _nearest(wanted, by_name)
    suggestion = f"; did you mean {nearest} ({RULES[nearest].name})?" if nearest else (
        "; `reviewgate explain` lists every rule")
    raise ReviewgateError(f"unknown rule {code!r}{suggestion}")


def _nearest(wanted: str, by_name: dict[str, Rule]) -> str | None:
    number = re.fullmatch(r"(?:RG)?(\d+)", wanted, re.IGNORECASE)
    if number and RULES:
        # Codes differ in one digit, so closeness in number beats closeness in text.
        return min(RULES, key=lambda c: (abs(int(c[2:]) - int(number.group(1))), c))
    near = difflib.get_close_matches(wanted.upper(), list(RULES), n=1, cutoff=0.6)
    if near:
        return near[0]
    near = difflib.get_close_matches(wanted.lower(), list(by_name), n=1, cutoff=0.5)
    return by_name[near[0]].code if near else None


def explain(code: str) -> str:
    """Code, name and summary, then the documentation of the rule."""
    found = find_rule(code)
    return (f"{found.code} ({found.name})\n\n{found.summary}\n"
            f"Default severity: {found.default_severity.value}\n\n{found.doc}\n")


def explain_all() -> str:
    """Every rule, one line each."""
    width = max((len(r.name) for r in RULES.values()), default=0)
    lines = [f"{r.code}  {r.name.ljust(width)}  {r.summary}"
             for r in sorted(RULES.values(), key=lambda r: r.code)]
    return "\n".join(lines) + "\n"
