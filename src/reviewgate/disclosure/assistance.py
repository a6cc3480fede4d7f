"""What reviewgate read of a commit's disclosure: the tools found, each with its
evidence, and whether a declaration covers it.

The JSON report gives every commit this object (`assistance`), `reviewgate check
--show-assistance` prints it, and the corpus benchmark scores it. It is built from
the answers the disclosure rules already computed (judge.tool_marks), so it costs a
look-up for a commit that carries no mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewgate.disclosure.declarations import Declaration
from reviewgate.disclosure.identity import Signature
from reviewgate.disclosure.judge import tool_marks
from reviewgate.disclosure.tool import Tool

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy


@dataclass(frozen=True)
class Evidence:
    """One mark: where it was found and its exact text."""

    where: str  # "author", "trailer Co-authored-by", "line Co-authored-by", "footer", ...
    text: str
    declares: bool  # an accepted declaration, as opposed to a mark that only shows


@dataclass(frozen=True)
class ToolFound:
    tool: Tool
    declared: bool  # a declaration under an accepted key names it
    evidence: tuple[Evidence, ...]
    model: str | None = None


@dataclass(frozen=True)
class Assistance:
    tools: tuple[ToolFound, ...]
    declared_none: bool  # `Assisted-by: none` or kin
    unnamed: tuple[str, ...]  # declarations that name no known tool (or a placeholder)

    @property
    def assisted(self) -> bool:
        return bool(self.tools or self.unnamed)


NOTHING = Assistance((), False, ())


def _where(declaration: Declaration) -> str:
    place = "trailer" if declaration.where == "trailer" else "paragraph"
    return f"{place} {declaration.key[:1].upper()}{declaration.key[1:].lower()}"


def assistance(commit: Commit, policy: Policy) -> Assistance:
    """The tools `commit` shows or declares, each with its evidence."""
    declarations, signatures = tool_marks(commit, policy)
    if not declarations and not signatures:
        return NOTHING
    return build(declarations, signatures)


def build(declarations: tuple[Declaration, ...], signatures: tuple[Signature, ...]) -> Assistance:
    order: list[str] = []
    tools: dict[str, Tool] = {}
    evidence: dict[str, list[Evidence]] = {}
    declared: set[str] = set()
    models: dict[str, str] = {}
    unnamed: list[str] = []

    def note(tool: Tool, item: Evidence, model: str | None) -> None:
        if tool.key not in tools:
            order.append(tool.key)
            tools[tool.key] = tool
            evidence[tool.key] = []
        if item not in evidence[tool.key]:
            evidence[tool.key].append(item)
        if model and tool.key not in models:
            models[tool.key] = model

    for signature in signatures:
        note(signature.tool, Evidence(signature.where, signature.text, False), signature.model)
    for declaration in declarations:
        if declaration.is_none:
            continue
        if declaration.tool is None:
            unnamed.append(declaration.line)
            continue
        declared.add(declaration.tool.key)
        note(
            declaration.tool,
            Evidence(_where(declaration), declaration.line, True),
            declaration.model,
        )
    found = tuple(
        ToolFound(tools[key], key in declared, tuple(evidence[key]), models.get(key))
        for key in order
    )
    declared_none = any(d.is_none for d in declarations)
    return Assistance(found, declared_none, tuple(unnamed))


_NOTHING_JSON: dict[str, object] = {"tools": [], "declared_none": False, "unnamed_declarations": []}


def to_json(found: Assistance) -> dict[str, object]:
    """The `assistance` object of the JSON report (docs/json-report.md). Most commits
    carry no mark and share one object, which json.dumps only reads."""
    if found is NOTHING:
        return _NOTHING_JSON
    return {
        "tools": [
            {
                "name": item.tool.name,
                "title": item.tool.display,
                "declared": item.declared,
                "model": item.model,
                "licence": item.tool.licence.kind,
                "evidence": [
                    {"where": e.where, "text": e.text, "declares": e.declares}
                    for e in item.evidence
                ],
            }
            for item in found.tools
        ],
        "declared_none": found.declared_none,
        "unnamed_declarations": list(found.unnamed),
    }


def _evidence_line(where: str, text: str) -> str:
    """`trailer: Assisted-by: …` rather than `trailer Assisted-by: Assisted-by: …`:
    where a line is a key's, the line names its key already."""
    place, _, key = where.partition(" ")
    if key and text.lower().startswith(f"{key.lower()}:"):
        return f"{place}: {text}"
    return f"{where}: {text}"


def to_text(found: Assistance) -> list[str]:
    """Lines for `reviewgate check --show-assistance`, indented under the commit."""
    if not found.assisted and not found.declared_none:
        return ["  no tool shown or declared"]
    lines: list[str] = []
    for item in found.tools:
        state = "declared" if item.declared else "not declared"
        model = f", model {item.model}" if item.model else ""
        lines.append(f"  {item.tool.display} ({item.tool.name}{model}): {state}")
        lines += [f"    {_evidence_line(e.where, e.text)}" for e in item.evidence]
    lines += [f"  names no known tool: {line}" for line in found.unnamed]
    if found.declared_none:
        lines.append("  declares that no tool helped")
    return lines
