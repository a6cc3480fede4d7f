"""RG106–RG108: what a project's AI policy says beyond disclosure.

RG106: a tool credited in `Co-authored-by` where `assistance.co_authors: people`
(Mesa, the Linux kernel). RG107: a commit authored by a tool where
`assistance.author: human` (the kernel, LLVM). RG108: a tool the policy does not
accept (`assistance.allow`, `assistance.deny`, `assistance.harness`), judged from
the registry's licence data. Pure functions over what disclosure.rules already
found on the commit (its declarations and the tools' marks); no git.
"""

from __future__ import annotations

from reviewgate.disclosure.declarations import declaration_line
from reviewgate.disclosure.identity import Tool, tool_by_name
from reviewgate.disclosure.judge import tool_marks
from reviewgate.disclosure.registry import REGISTRY
from reviewgate.errors import PolicyError
from reviewgate.model.record import replace
from reviewgate.model.rulebook import make_finding, rule

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.disclosure.declarations import Declaration
    from reviewgate.disclosure.identity import Signature
    from reviewgate.model.commit import Commit
    from reviewgate.model.finding import Finding
    from reviewgate.policy.schema import Policy

CODES = ("RG106", "RG107", "RG108")
Raw = tuple[str, str, str]  # (code, message, hint)


@rule("RG106", "tool-co-author",
      "a tool named in Co-authored-by where the policy reserves it for people")
def tool_co_author(policy: Policy, signatures: tuple[Signature, ...]) -> list[Raw]:
    """## What it does
    With `assistance.co_authors: people`, reports a `Co-authored-by` line whose
    identity is an AI tool (`Co-authored-by: Claude <noreply@anthropic.com>`),
    in git's trailer block or in a disclosure paragraph of the body.

    ## Why is this bad?
    Some projects keep `Co-authored-by` (and the kernel's `Co-developed-by`) for
    people: a co-author shares the authorship, and in the kernel every
    co-developer adds their own `Signed-off-by`, which only a person can give.
    Such projects declare a tool in a trailer of its own (`Assisted-by:`), as
    Mesa and the Linux kernel ask.

    ## Example
    ```
    drm/amd: fix a use-after-free in the fence path

    Co-authored-by: Claude <noreply@anthropic.com>
    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## Use instead
    ```
    drm/amd: fix a use-after-free in the fence path

    Assisted-by: Claude:claude-opus-4-1
    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## How to fix
    Replace the tool's `Co-authored-by` with the declaration the hint gives
    (`git commit --amend`); write the model you used if you know it.
    """
    raws: list[Raw] = []
    for signature in signatures:
        if not signature.where.lower().endswith("co-authored-by"):
            continue
        line, _ = declaration_line(signature.tool, signature.model, _people_only(policy))
        raws.append(("RG106",
                     f"`{signature.text}`: {signature.tool.display} is a tool, and this "
                     f"project keeps Co-authored-by for people",
                     f"replace `{signature.text}` with `{line}`"))
    return raws


@rule("RG107", "tool-author", "a commit whose author is a tool where the policy requires a human")
def tool_author(policy: Policy, signatures: tuple[Signature, ...]) -> list[Raw]:
    """## What it does
    With `assistance.author: human`, reports a commit whose author identity is
    an AI tool (`Claude <noreply@anthropic.com>`, `copilot-swe-agent[bot]`,
    `Paul (aider)`).

    ## Why is this bad?
    Projects such as LLVM ("the contributor is always the author"), Fedora and
    the Linux kernel hold a person accountable for every change: the author is
    who answers the reviewers' questions. A tool may help, and is declared; it
    is not the author.

    ## Example
    ```
    Author: Claude <noreply@anthropic.com>

        [X86] fold a redundant zero extension
    ```

    ## Use instead
    ```
    Author: Ada Lovelace <ada@example.org>

        [X86] fold a redundant zero extension

        Assisted-by: Claude:claude-opus-4-1
    ```

    ## How to fix
    Make yourself the author (`git commit --amend --reset-author`, or
    `git rebase -i --exec 'git commit --amend --no-edit --reset-author'` for a
    series) and declare the tool with the line the hint gives.
    """
    for signature in signatures:
        if signature.where != "author":
            continue
        line, _ = declaration_line(signature.tool, signature.model, _people_only(policy))
        return [("RG107",
                 f"the author `{signature.text}` is {signature.tool.display}, a tool; this "
                 f"project requires a human author",
                 f"make a human the author (git commit --amend --reset-author) and add the "
                 f"trailer `{line}`")]
    return []


@rule("RG108", "tool-not-accepted",
      "a tool shown or declared that the policy's allow, deny or harness does not accept")
def tool_not_accepted(policy: Policy, tools: list[Tool], first_mark: dict[str, str]) -> list[Raw]:
    """## What it does
    Reports every AI tool a commit shows or declares that the policy does not
    accept: one named in `assistance.deny`, one missing from `assistance.allow`
    (when the list is not empty), or, with `assistance.harness: free-software`,
    one whose harness is not free software by the registry's licence data
    (each licence fact names its source in the registry).

    ## Why is this bad?
    Some maintainers accept AI help only from tools they can inspect and run
    themselves, or from a named set their lawyers have read the terms of. A
    commit made with another tool is one they did not agree to.

    ## Example
    With
    ```yaml
    assistance:
      harness: free-software
    ```
    the commit
    ```
    parser: accept an empty input

    Assisted-by: Claude:claude-opus-4-1
    ```
    is reported: "Claude Code is proprietary; this project accepts
    free-software harnesses only: OpenAI Codex, Aider, Gemini CLI, …".

    ## Use instead
    ```
    parser: accept an empty input

    Assisted-by: Codex:gpt-5-codex
    ```
    written with a tool the policy accepts (here OpenAI Codex, Apache-2.0).

    ## How to fix
    Redo the change with a tool the project accepts, or without one, and declare
    what you used. If the registry's licence fact is wrong, correct it there with
    its source.
    """
    raws: list[Raw] = []
    for tool in tools:
        why = refusal(tool, policy)
        if why:
            mark = first_mark[tool.key]
            raws.append(("RG108", f"{why} (`{mark}`)",
                         f"redo the change with a tool this project accepts, or without one, "
                         f"then remove `{mark}`"))
    return raws


def refusal(tool: Tool, policy: Policy) -> str | None:
    """Why `policy` does not accept `tool`, or None when it does."""
    a = policy.assistance
    names = tool.names()
    if any(name.lower() in names for name in a.deny):
        return f"{tool.display} is denied by this project's policy (assistance.deny)"
    if a.allow and not any(name.lower() in names for name in a.allow):
        return f"{tool.display} is not among the tools this project accepts: {accepted(policy)}"
    if a.harness == "free-software" and not tool.licence.is_free_software:
        return (f"{tool.display} is {tool.licence.describe()}; this project accepts "
                f"free-software harnesses only: {accepted(policy)}")
    return None


def accepted(policy: Policy) -> str:
    """The registry tools `policy` accepts, by the names people know them by."""
    a = policy.assistance
    if not (a.allow or a.deny or a.harness != "any"):
        return "any tool"
    ok = [t.display for t in REGISTRY if _accepts(t, policy)]
    return ", ".join(ok) or "none"


def _accepts(tool: Tool, policy: Policy) -> bool:
    a = policy.assistance
    names = tool.names()
    if any(name.lower() in names for name in a.deny):
        return False
    if a.allow and not any(name.lower() in names for name in a.allow):
        return False
    return a.harness != "free-software" or tool.licence.is_free_software


def _people_only(policy: Policy) -> Policy:
    """`policy` as declaration_line should see it when Co-authored-by is not a
    declaration here: with Assisted-by as the key when no other key is accepted."""
    keys = tuple(k for k in policy.assistance.trailers if k.lower() != "co-authored-by")
    return replace(policy, assistance=replace(policy.assistance, trailers=keys or ("Assisted-by",)))


def check_tool_names(policy: Policy) -> None:
    """Raise PolicyError, naming file and line, for a name in assistance.allow or
    assistance.deny that is no registry tool (nor one of assistance.tools)."""
    a = policy.assistance
    for key, names in (("allow", a.allow), ("deny", a.deny)):
        for i, name in enumerate(names):
            if tool_by_name(name, a.tools) is None:
                where = policy.origins.get(f"assistance.{key}[{i}]", policy.source)
                # Only on this error: difflib would cost the commit-msg hook 5 ms.
                from difflib import get_close_matches

                names_known = [t.name for t in REGISTRY]
                near = get_close_matches(name, names_known, n=1, cutoff=0.6)
                hint = (f"did you mean {near[0]!r}?" if near
                        else "registry names: " + ", ".join(names_known))
                raise PolicyError(f"{where}: unknown tool {name!r} in assistance.{key} ({hint})")


def check_policy_rules(commit: Commit, policy: Policy) -> list[Finding]:
    """RG106–RG108 for one commit."""
    a = policy.assistance
    wants_tools = bool(a.allow or a.deny or a.harness != "any")
    if a.co_authors == "any" and a.author == "any" and not wants_tools:
        return []
    check_tool_names(policy)
    declarations, signatures = tool_marks(commit, policy)
    if not declarations and not signatures:
        return []
    raws: list[Raw] = []
    # Where assistance is forbidden, RG105 already reports every mark of a tool.
    forbidden = a.require == "forbidden"
    if a.co_authors == "people" and not forbidden:
        raws += tool_co_author(policy, signatures)
    if a.author == "human" and not forbidden:
        raws += tool_author(policy, signatures)
    if wants_tools:
        tools, first = _tools_shown(declarations, signatures)
        raws += tool_not_accepted(policy, tools, first)
    findings = (make_finding(commit, code, message, hint, policy.rules)
                for code, message, hint in raws)
    return [f for f in findings if f is not None]


def _tools_shown(declarations: tuple[Declaration, ...], signatures: tuple[Signature, ...]
                 ) -> tuple[list[Tool], dict[str, str]]:
    tools: list[Tool] = []
    first: dict[str, str] = {}
    for tool, mark in [*((d.tool, d.line) for d in declarations if d.tool and not d.is_none),
                       *((s.tool, s.text) for s in signatures)]:
        if tool.key not in first:
            first[tool.key] = mark
            tools.append(tool)
    return tools, first
