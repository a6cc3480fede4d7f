"""Judge one commit's disclosure: read its marks and declarations once, run
RG101–RG105 (disclosure/rules.py) as `assistance.require` says, and keep the
answer for the rest of the run (the sign-off rules and stats ask again)."""

from __future__ import annotations

from reviewgate.disclosure.declarations import Declaration, find_declarations
from reviewgate.disclosure.identity import Signature, find_tool_signatures, may_carry_marks
from reviewgate.disclosure.rules import (
    MODES,
    Facts,
    Raw,
    assistance_forbidden,
    malformed_declaration,
    missing_declaration,
    tool_signed_off,
    undeclared_assistance,
)
from reviewgate.errors import PolicyError
from reviewgate.model.finding import Finding
from reviewgate.model.memo import ContentMemo, IdentityMemo
from reviewgate.model.rulebook import make_finding

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy


# The sign-off rule asks the same of every commit later in the same run.
_ANSWERS = IdentityMemo()
_BY_CONTENT = ContentMemo()

_Answer = tuple[tuple[Declaration, ...], tuple[Signature, ...], tuple[Raw, ...]]


def disclosure_key(commit: Commit) -> tuple[object, ...]:
    """All that the disclosure rules read of a commit: its identities, its trailers,
    and its message only when a line of it can be a tool's mark. Commits with equal
    keys get equal answers, and a long range repeats few keys."""
    author, committer = commit.author, commit.committer
    message = commit.message if may_carry_marks(commit.message) else None
    return (author.name, author.email, committer.name, committer.email, commit.trailers,
            message)


def _answer(commit: Commit, policy: Policy) -> _Answer:
    return _ANSWERS.get(  # type: ignore[return-value]
        commit,
        policy,
        lambda: _BY_CONTENT.get(
            disclosure_key(commit), policy, lambda: _judge(commit, policy)
        ),
    )


def _judge(commit: Commit, policy: Policy) -> _Answer:
    declarations = tuple(find_declarations(commit, policy))
    signatures = tuple(find_tool_signatures(commit, policy.assistance.tools))
    mode = policy.assistance.require
    if mode not in MODES or mode == "off":
        return declarations, signatures, ()
    if (
        not signatures
        and not declarations
        and mode != "every-commit"
        and not any(key.lower() == "signed-off-by" for key, _ in commit.trailers)
    ):
        # Most commits of a long range: no tool, no declaration, nothing to judge.
        return declarations, signatures, ()
    facts = Facts(commit, policy, signatures, declarations)
    if mode == "forbidden":
        raws = assistance_forbidden(facts)
    else:
        raws = [*undeclared_assistance(facts), *malformed_declaration(facts),
                *tool_signed_off(facts)]
        if mode == "every-commit":
            raws += missing_declaration(facts)
    return declarations, signatures, tuple(raws)


def tool_marks(
    commit: Commit, policy: Policy
) -> tuple[tuple[Declaration, ...], tuple[Signature, ...]]:
    """The commit's declarations and the tool signatures found on it."""
    declarations, signatures, _ = _answer(commit, policy)
    return declarations, signatures


def check_assistance(commit: Commit, policy: Policy) -> list[Finding]:
    """RG101–RG105 for one commit under `policy.assistance.require`."""
    mode = policy.assistance.require
    if mode == "off":
        return []
    if mode not in MODES:
        raise PolicyError(
            f"assistance.require: unknown mode {mode!r} (use one of {', '.join(MODES)})")
    raws = _answer(commit, policy)[2]
    if not raws:
        return []
    findings = (make_finding(commit, code, message, hint, policy.rules)
                for code, message, hint in raws)
    return [f for f in findings if f is not None]
