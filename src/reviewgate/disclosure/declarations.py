"""Disclosure declarations: the trailers in which a commit says which tool helped.

A *declaration* is a trailer whose key policy accepts (`assistance.trailers`, any
case). Under Co-authored-by only an identity that names a tool declares anything:
co-authors are usually people. Pure functions; the rules that judge declarations
against a commit's tool signatures live in rules/assistance.py.
"""

from __future__ import annotations

import re

from reviewgate.disclosure.identity import (
    Tool,
    declaration_key,
    declaration_value,
    match_identity,
    model_from_identity,
    policy_tools,
    tool_named_in,
)
from reviewgate.disclosure.keys import declares_none, looks_like_person
from reviewgate.disclosure.lines import PARAGRAPH, body_lines
from reviewgate.model.emails import parse_ident
from reviewgate.model.record import record

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy

CO_AUTHORED_BY = "co-authored-by"

# Template words copied from documentation instead of real values. Matched only in
# capitals (a model may well contain the word "model" in lower case).
PLACEHOLDER_WORDS = frozenset({
    "AGENT", "AGENT_NAME", "AGENTNAME", "MODEL", "MODEL_VERSION", "MODELVERSION", "MODEL_NAME",
    "TOOL", "TOOL1", "TOOL2", "TOOLS", "NAME", "VERSION", "TODO", "TBD", "XXX",
})
_PLACEHOLDER_AGENTS = frozenset({"agent", "agent_name", "agent-name", "tool", "name", "unknown"})
_PLACEHOLDER_MODELS = frozenset({"model", "model_version", "model-version", "version"})
KERNEL_FORMAT = re.compile(
    r"(?P<agent>[A-Za-z0-9][\w.+-]*):(?P<model>[A-Za-z0-9][\w.+/:@-]*)"
    r"(?P<tools>(?:\s+[A-Za-z0-9][\w.+/-]*)*)"
)
# The shorter form `LLM [TOOL...]` (format kernel-llm), which also accepts AGENT:MODEL.
KERNEL_LLM_FORMAT = re.compile(
    r"[A-Za-z0-9][\w.+/:@-]*(?:\s+[A-Za-z0-9][\w.+/-]*)*"
)


@record
class Declaration:
    key: str
    value: str
    tool: Tool | None  # None: names no known tool (or is `none`)
    is_none: bool
    model: str | None = None
    where: str = "trailer"  # git's trailer block, or "paragraph" elsewhere in the body

    @property
    def line(self) -> str:
        return f"{self.key}: {self.value}".rstrip()


def _without_identity(value: str) -> str:
    """`value` less a trailing "<address>": "Kimi K3 via Crush <crush@charm.land>"
    names its harness by address, which is no template text."""
    value = value.strip()
    if value.endswith(">"):
        start = value.rfind("<")
        if start != -1 and "@" in value[start:]:
            return value[:start].strip()
    return value


def placeholder_in(value: str) -> str | None:
    """The template text in a declaration (`AGENT_NAME`, `<model>`, `[TOOL1]`), or None."""
    value = _without_identity(value)
    for token in re.split(r"[\s:]+", value.strip()):
        if re.search(r"[<>{}\[\]]", token) or re.fullmatch(r"\.{2,}|…", token):
            return token
        bare = token.strip("(),.;")
        if bare in PLACEHOLDER_WORDS:
            return token
    shaped = re.match(r"([^\s:]+):(\S+)", value.strip())
    if shaped:
        agent, model = shaped.groups()
        if agent.lower() in _PLACEHOLDER_AGENTS:
            return agent
        if model.lower() in _PLACEHOLDER_MODELS:
            return model
    return None


def declaration_problem(value: str, fmt: str) -> str | None:
    """Why a declaration's value is malformed under `fmt` (any | kernel | kernel-llm), or None."""
    value = value.strip()
    if not value:
        return "is empty"
    if declares_none(value):
        return None
    placeholder = placeholder_in(value)
    if placeholder:
        return f"holds the placeholder {placeholder!r}"
    if fmt == "kernel" and not KERNEL_FORMAT.fullmatch(value):
        return "does not match the kernel format AGENT:MODEL [TOOL...]"
    if fmt == "kernel-llm" and not KERNEL_LLM_FORMAT.fullmatch(value):
        return "does not match the kernel format LLM [TOOL...] (or AGENT:MODEL [TOOL...])"
    return None


def _declared_model(value: str) -> str | None:
    shaped = re.match(r"[^\s:]+:(\S+)", value.strip())
    if shaped and not placeholder_in(shaped.group(1)):
        return shaped.group(1)
    return None


def declaration_lines(commit: Commit) -> list[tuple[str, str, str]]:
    """(key, value, where) of every line that can declare: git's trailers, then the
    trailer-shaped lines of the other disclosure paragraphs (a pull-request
    template's `Assisted-by:` above `Closes #…`). Prose is never read."""
    lines = [(key, value, "trailer") for key, value in commit.trailers]
    if "\n" in commit.message.strip():
        lines += [(line.key, line.value, PARAGRAPH)
                  for line in body_lines(commit.message, commit.trailers)
                  if line.where == PARAGRAPH]
    return lines


def find_declarations(commit: Commit, policy: Policy) -> list[Declaration]:
    accepted = {key.lower() for key in policy.assistance.trailers}
    extras = policy_tools(policy.assistance.tools)
    found: list[Declaration] = []
    for key, value, where in declaration_lines(commit):
        lowered = key.lower()
        if lowered not in accepted:
            continue
        if lowered == CO_AUTHORED_BY:
            name, email = parse_ident(value)
            tool = match_identity(name, email, extras)
            if tool:
                found.append(Declaration(key, value, tool, False,
                                         model_from_identity(tool, name), where))
            continue
        is_none = declares_none(value)
        tool = None if is_none else tool_named_in(value, extras)
        if tool is None and not is_none and not placeholder_in(value):
            name, email = parse_ident(value) if "@" in value else (value, "")
            if looks_like_person(name, personal_address=bool(email)):
                continue  # "Assisted-by: Viktor Szakats" credits a person, not a tool
        found.append(Declaration(key, value, tool, is_none, _declared_model(value), where))
    return found


def declaration_line(tool: Tool, model: str | None, policy: Policy) -> tuple[str, str]:
    """The exact trailer line that declares `tool` under `policy`, and a note for
    the rare policy that accepts no key able to hold it."""
    accepted = policy.assistance.trailers
    key = declaration_key(accepted)
    if key:
        return f"{key}: {declaration_value(tool, model)}", ""
    if tool.identity and any(k.lower() == CO_AUTHORED_BY for k in accepted):
        return f"Co-authored-by: {tool.identity}", ""
    return (f"Assisted-by: {declaration_value(tool, model)}",
            " (and add Assisted-by to assistance.trailers: no accepted key can hold it)")
