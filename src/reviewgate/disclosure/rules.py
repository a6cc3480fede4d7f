"""RG101–RG105: disclosure of tool-assisted commits.

Pure functions: a commit and the policy in, findings out; no git. A *declaration*
is a trailer that says which tool helped (declarations.py); a *signature* is any
mark a tool leaves (identity.py).

Every hint carries the exact line that fixes the finding, in backticks, in one of
three shapes a person or a tool can apply: "add the trailer `L`", "replace `A`
with `B`", "remove `A`". The model in a suggested `AGENT:MODEL` comes from the
signature when it names one (aider's "aider (openai/gpt-4o)", "Claude Opus 4.1")
and is "unknown" otherwise: reviewgate cannot know the model, a placeholder would
itself be RG102, and "unknown" is a true statement the author can improve on.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewgate.disclosure.declarations import (
    CO_AUTHORED_BY,
    Declaration,
    declaration_line,
    declaration_problem,
)
from reviewgate.disclosure.identity import (
    Signature,
    Tool,
    declaration_key,
    declaration_value,
    match_identity,
    model_from_identity,
    policy_tools,
)
from reviewgate.model.emails import parse_ident
from reviewgate.model.finding import Severity
from reviewgate.model.record import record
from reviewgate.model.rulebook import rule, severity_for

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy

MODES = ("declared", "every-commit", "forbidden", "off")
Raw = tuple[str, str, str]  # (code, message, hint)


@record
class Facts:
    commit: Commit
    policy: Policy
    signatures: tuple[Signature, ...]
    declarations: tuple[Declaration, ...]

    @property
    def tool_declarations(self) -> list[Declaration]:
        return [d for d in self.declarations if not d.is_none]

    def declares(self, tool: Tool) -> bool:
        # A declaration that names no known tool gets the benefit of the doubt
        # (a tool missing from the registry, or a placeholder that RG102 reports).
        return any(d.tool is None or d.tool.key == tool.key for d in self.tool_declarations)


def _by_tool(signatures: Sequence[Signature]) -> dict[str, list[Signature]]:
    grouped: dict[str, list[Signature]] = {}
    for signature in signatures:
        grouped.setdefault(signature.tool.key, []).append(signature)
    return grouped


def _accepted(policy: Policy) -> str:
    return ", ".join(policy.assistance.trailers) or "none"


@rule("RG101", "undeclared-assistance",
      "a tool's signature with no accepted declaration of that tool")
def undeclared_assistance(facts: Facts) -> list[Raw]:
    """## What it does
    Finds commits that carry a mark of an AI tool (its author or committer
    identity, a `Co-authored-by` naming it, a footer such as Claude Code's
    "Generated with", Copilot's `Agent-Logs-Url`, `Made-with: Cursor`) but no
    trailer, under a key that `assistance.trailers` accepts, declaring that tool.
    A tool's `Co-authored-by` under a key that policy does not accept is a mark,
    not a declaration.

    ## Why is this bad?
    Reviewers read a tool-written change differently, and the project's policy
    says tool assistance is declared in a trailer it can check and query
    (`git log --format='%(trailers:key=Assisted-by)'`). A signature the policy does
    not accept, or a declaration of `none` next to a tool's footer, leaves the
    history saying something that is not true.

    ## Example
    ```
    fix(parser): accept an empty input

    🤖 Generated with [Claude Code](https://claude.com/claude-code)
    ```

    ## Use instead
    ```
    fix(parser): accept an empty input

    🤖 Generated with [Claude Code](https://claude.com/claude-code)

    Assisted-by: Claude:claude-opus-4-1
    ```

    ## How to fix
    Add the trailer the hint gives (`git commit --amend`, or `git rebase -i` with
    `reword` for older commits). The model is taken from the signature when it
    names one and is `unknown` otherwise: replace `unknown` with the model you
    used if you know it.
    """
    rg103_on = severity_for("RG103", facts.policy.rules) is not Severity.OFF
    signatures = [s for s in facts.signatures
                  if not (rg103_on and s.where == "trailer Signed-off-by")]
    none_declarations = [d for d in facts.declarations if d.is_none]
    named = sorted({d.tool.display for d in facts.tool_declarations if d.tool})
    raws: list[Raw] = []
    for group in _by_tool(signatures).values():
        tool = group[0].tool
        if facts.declares(tool):
            continue
        first = group[0]
        shown = f"{first.where} `{first.text}`"
        if none_declarations:
            message = (f"declares `{none_declarations[0].line}`, but {tool.display} signed it: "
                       f"{shown}")
        elif named:
            message = (f"{tool.display} signed it ({shown}), but the declarations name only "
                       f"{', '.join(named)}")
        else:
            message = (f"{tool.display} signed it ({shown}) and no trailer declares it "
                       f"(accepted: {_accepted(facts.policy)})")
        model = next((s.model for s in group if s.model), None)
        line, note = declaration_line(tool, model, facts.policy)
        if none_declarations and not raws:
            hint = f"replace `{none_declarations[0].line}` with `{line}`{note}"
        else:
            hint = f"add the trailer `{line}`{note}"
        raws.append(("RG101", message, hint))
    return raws


@rule("RG102", "malformed-declaration",
      "a declaration that does not match the policy's format or holds a placeholder")
def malformed_declaration(facts: Facts) -> list[Raw]:
    """## What it does
    Checks the value of every declaration under an accepted key other than
    `Co-authored-by` (which has git's own `Name <email>` form). The value must not
    be empty or hold template text copied from documentation (`AGENT_NAME:MODEL_VERSION`,
    `<agent>:<model>`, `TOOL:MODEL`, `[TOOL1]`). With `assistance.format: kernel` it
    must also read `AGENT:MODEL [TOOL...]`, the Linux kernel's form. `none`
    (the commit had no tool's help) is always well formed; `unknown` as a model
    is accepted, as an honest "not known".

    ## Why is this bad?
    A placeholder declares that some tool was used without saying which, and
    tools that read declarations (`git log --format='%(trailers:key=Assisted-by)'`,
    dashboards, audits) cannot parse a free-form line where the project asked for
    `AGENT:MODEL`.

    ## Example
    ```
    net: fix a leak in the error path

    Assisted-by: AGENT_NAME:MODEL_VERSION
    ```

    ## Use instead
    ```
    net: fix a leak in the error path

    Assisted-by: Claude:claude-opus-4-1 coccinelle
    ```

    ## How to fix
    Replace the line with the one the hint gives, writing the agent and the
    model you used; if no tool helped, declare `none`.
    """
    fmt = facts.policy.assistance.format
    groups = _by_tool(facts.signatures)
    raws: list[Raw] = []
    for declaration in facts.declarations:
        if declaration.key.lower() == CO_AUTHORED_BY:
            continue
        problem = declaration_problem(declaration.value, fmt)
        if not problem:
            continue
        message = f"`{declaration.line}` {problem}"
        others: list[Declaration] = []
        if declaration.tool is not None:
            fixes = [(declaration.tool, declaration.model)]
        else:
            # This line names no tool, so it was covering every signature; its fix
            # must declare each tool that nothing else declares.
            others = [d for d in facts.tool_declarations
                      if d is not declaration and not declaration_problem(d.value, fmt)]
            fixes = [(group[0].tool, next((s.model for s in group if s.model), None))
                     for group in groups.values()
                     if not any(d.tool is None or d.tool.key == group[0].tool.key
                                for d in others)]
        if fixes:
            tool, model = fixes[0]
            model = model or next((s.model for s in groups.get(tool.key, ()) if s.model), None)
            fixed = f"{declaration.key}: {declaration_value(tool, model)}"
            hint = f"replace `{declaration.line}` with `{fixed}`"
            for tool, model in fixes[1:]:
                line = f"{declaration.key}: {declaration_value(tool, model)}"
                hint += f", and add the trailer `{line}`"
        elif others:
            hint = f"remove `{declaration.line}`: the other declarations already name the tools"
        else:
            hint = (f"replace `{declaration.line}` with `{declaration.key}: none` if no tool "
                    f"helped; otherwise write the agent and the model you used, as AGENT:MODEL")
        raws.append(("RG102", message, hint))
    return raws


@rule("RG103", "tool-signed-off", "a tool named in Signed-off-by")
def tool_signed_off(facts: Facts) -> list[Raw]:
    """## What it does
    Finds a `Signed-off-by` trailer whose identity is an AI tool
    (`Signed-off-by: Claude <noreply@anthropic.com>`).

    ## Why is this bad?
    `Signed-off-by` certifies the Developer Certificate of Origin: the signer
    states they have the right to submit the change under the project's license.
    Only a person can make that statement; the Linux kernel's rules for coding
    assistants forbid tools from adding it. Bots that are not AI tools (such as
    `dependabot[bot]`) are not reported.

    ## Example
    ```
    docs: describe the retry policy

    Signed-off-by: Claude <noreply@anthropic.com>
    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## Use instead
    ```
    docs: describe the retry policy

    Assisted-by: Claude:claude-opus-4-1
    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## How to fix
    Remove the tool's `Signed-off-by`, or replace it with a declaration when the
    commit does not declare the tool yet, and sign off yourself (`git commit -s`).
    """
    extras = policy_tools(facts.policy.assistance.tools)
    raws: list[Raw] = []
    for key, value in facts.commit.trailers:
        if key.lower() != "signed-off-by":
            continue
        name, email = parse_ident(value)
        tool = match_identity(name, email, extras)
        if tool is None:
            continue
        line = f"{key}: {value}"
        message = f"`{line}`: {tool.display} is a tool and cannot certify the DCO"
        if facts.declares(tool):
            hint = f"remove `{line}`, and sign off yourself (git commit -s)"
        else:
            fixed, note = declaration_line(tool, model_from_identity(tool, name), facts.policy)
            hint = f"replace `{line}` with `{fixed}`{note}, and sign off yourself (git commit -s)"
        raws.append(("RG103", message, hint))
    return raws


@rule("RG104", "missing-declaration",
      "require: every-commit and the commit declares neither a tool nor none")
def missing_declaration(facts: Facts) -> list[Raw]:
    """## What it does
    With `assistance.require: every-commit`, every commit must say whether a tool
    helped: either a declaration of the tool, or `none`
    (`Assisted-by: none`). Commits that carry a tool's signature are reported by
    RG101 instead.

    ## Why is this bad?
    A project that asks every commit to answer the question wants silence to be
    impossible: a missing trailer may mean "no tool" or "forgot to say".

    ## Example
    ```
    refactor: split the config loader

    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## Use instead
    ```
    refactor: split the config loader

    Assisted-by: none
    Signed-off-by: Ada Lovelace <ada@example.org>
    ```

    ## How to fix
    Add `Assisted-by: none` when no tool helped, or the declaration of the tool
    and model that did. A `commit.template` or the prepare-commit-msg hook can
    add it for you.
    """
    if facts.declarations or facts.signatures:
        return []
    key = declaration_key(facts.policy.assistance.trailers)
    note = ""
    if key is None:
        key = "Assisted-by"
        note = " (and add Assisted-by to assistance.trailers: no accepted key can hold `none`)"
    return [("RG104",
             f"declares neither a tool nor none (accepted: {_accepted(facts.policy)})",
             f"add the trailer `{key}: none`{note} if no tool helped write this commit; "
             f"otherwise declare the agent and the model you used, as AGENT:MODEL")]


@rule("RG105", "assistance-forbidden",
      "require: forbidden and the commit declares or shows a tool")
def assistance_forbidden(facts: Facts) -> list[Raw]:
    """## What it does
    With `assistance.require: forbidden`, reports every commit that declares a
    tool (any declaration other than `none`) or carries a tool's signature.

    ## Why is this bad?
    Some projects do not accept machine-written changes at all, for reasons of
    licensing, provenance or review load. The policy says so, and the gate holds
    it.

    ## Example
    ```
    feat: add a JSON report

    Assisted-by: Claude:claude-opus-4-1
    ```

    ## Use instead
    ```
    feat: add a JSON report
    ```

    ## How to fix
    Write the change without a tool, then drop the tool's trailers and footers
    (and re-author a commit a tool authored). Deleting the lines alone does not
    make a tool-written change acceptable: it only hides it.
    """
    marks: list[str] = []
    for declaration in facts.tool_declarations:
        if declaration.line not in marks:
            marks.append(declaration.line)
    reauthor = False
    for signature in facts.signatures:
        if signature.where in ("author", "committer"):
            reauthor = True
        elif signature.text not in marks:
            marks.append(signature.text)
    if not marks and not reauthor:
        return []
    names = sorted({d.tool.display for d in facts.tool_declarations if d.tool}
                   | {s.tool.display for s in facts.signatures})
    shown = ", ".join(names) or "a tool"
    first = marks[0] if marks else next(
        f"{s.where} {s.text}" for s in facts.signatures if s.where in ("author", "committer"))
    steps = [f"remove `{mark}`" for mark in marks]
    if reauthor:
        steps.append("make a human its author and committer (git commit --amend --reset-author)")
    hint = ("this repository accepts no tool-assisted changes: redo the change without the tool, "
            "then " + "; ".join(steps))
    return [("RG105", f"assistance is forbidden, but the commit shows {shown}: `{first}`", hint)]
