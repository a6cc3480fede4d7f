"""Who is a tool: which registry tool (registry.py) an identity or a line names,
and who is a bot.

Every other module asks this one. Matching goes by email first, because an email
is the part of an identity that a tool controls and a person does not share; names
are matched only where they cannot belong to a person (a GitHub App login ending
in ``[bot]``, aider's ``Name (aider)`` suffix). So "Claude Dupont <claude@dupont.fr>"
is a human, while "Claude <noreply@anthropic.com>" is Claude Code.

Bots and tools are different sets. Any account whose login ends in ``[bot]`` is a
bot (never a human reviewer), but only the bots in the registry are AI writing
tools: ``dependabot[bot]`` or ``renovate[bot]`` commits need no disclosure.

Policy's ``assistance.tools`` extends the registry with exact emails or with
regular expressions matched against "Name <email>".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from reviewgate.disclosure import lines as _lines
from reviewgate.disclosure.registry import (
    BY_BOT,
    BY_EMAIL,
    EMAIL_PATTERNS,
    KEY_VALUES,
    MARKERS,
    NAME_MARKS,
    NAMED_EMAILS,
    REGISTRY,
    SESSION_KEYS,
    SUBJECT_PREFIXES,
    by_name,
    session_url_tool,
)
from reviewgate.disclosure.tool import Tool
from reviewgate.model.emails import parse_ident
from reviewgate.model.record import record

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import ToolIdentity


# GitHub's no-reply addresses are "ID+LOGIN@users.noreply.github.com".
_GITHUB_NOREPLY = re.compile(r"(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com")

if TYPE_CHECKING:
    from typing import TypeAlias

    ToolLike: TypeAlias = "Tool | ToolIdentity"


@record
class Signature:
    """A mark a tool left on a commit: which tool, where, and the exact text."""

    tool: Tool
    where: str  # "author", "committer", "trailer Co-authored-by", "footer", ...
    text: str
    model: str | None = None  # when the mark names the model


def github_login(name: str, email: str) -> str:
    """The GitHub login an identity shows: the part of a no-reply address after
    "ID+", else a name that is a bot login; lower-case, "" when none."""
    match = _GITHUB_NOREPLY.fullmatch(email.strip().lower())
    if match:
        return match.group("login")
    lowered = name.strip().lower()
    return lowered if lowered.endswith("[bot]") else ""


def is_bot(name: str, email: str) -> bool:
    """A GitHub App or other automation account: never a human reviewer. Most bots
    (dependabot, renovate) are not AI writing tools."""
    local = email.strip().lower().split("@", 1)[0]
    return (
        name.strip().lower().endswith("[bot]")
        or local.endswith("[bot]")
        or github_login(name, email).endswith("[bot]")
    )


def is_human(name: str, email: str, extra_tools: Iterable[ToolLike] = ()) -> bool:
    return not is_bot(name, email) and match_identity(name, email, extra_tools) is None


def policy_tools(extra_tools: Iterable[ToolLike]) -> tuple[Tool, ...]:
    """Policy identities as registry Tools."""
    return tuple(t if isinstance(t, Tool) else _from_identity(t) for t in extra_tools)


@lru_cache(maxsize=256)
def _from_identity(identity: ToolIdentity) -> Tool:
    email = (identity.email or "").strip().lower()
    return Tool(
        identity.name, identity.name,
        emails=(email,) if email else (),
        identity=f"{identity.name} <{identity.email}>" if identity.email else None,
        pattern=identity.pattern,
    )


@lru_cache(maxsize=256)
def _regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def match_identity(name: str, email: str, extra_tools: Iterable[ToolLike] = ()) -> Tool | None:
    """The tool that "name <email>" belongs to, or None for a person or a plain bot."""
    return _match_identity(name, email, policy_tools(extra_tools) if extra_tools else ())


# A long range repeats the same few identities thousands of times.
@lru_cache(maxsize=4096)
def _match_identity(name: str, email: str, extras: tuple[Tool, ...]) -> Tool | None:
    lowered = email.strip().lower()
    if lowered:
        for tool in extras:
            if lowered in tool.emails:
                return tool
        if lowered in BY_EMAIL:
            return BY_EMAIL[lowered]
        for regex, tool in EMAIL_PATTERNS:
            if regex.fullmatch(lowered):
                return tool
    login = github_login(name, email)
    if login in BY_BOT:
        return BY_BOT[login]
    display = name.strip().lower()
    for mark, tool in NAME_MARKS:
        # aider marks the human's own identity: "Jane Doe (aider)" with Jane's email.
        if display.endswith(mark):
            return tool
    for word, tool in NAMED_EMAILS.get(lowered, ()):
        # An address other automation shares: "Gemini CLI <noreply@google.com>".
        if word in display:
            return tool
    ident = f"{name.strip()} <{email.strip()}>"
    for tool in extras:
        if tool.pattern and _regex(tool.pattern).search(ident):
            return tool
    return None


def tool_by_name(name: str, extra_tools: Iterable[ToolLike] = ()) -> Tool | None:
    """The tool called exactly `name` (any case), by its name, title or an alias."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    for tool in policy_tools(extra_tools):
        if wanted in tool.names():
            return tool
    return by_name(wanted)


def tool_named_in(text: str, extra_tools: Iterable[ToolLike] = ()) -> Tool | None:
    """The tool a declaration's value names: an identity ("Claude <noreply@…>"), or
    a leading name ("Claude:opus", "Claude Code", "aider (gpt-4o)")."""
    return _tool_named_in(text, policy_tools(extra_tools) if extra_tools else ())


# A range repeats the same few declarations ("Assisted-by: Claude:…") thousands of
# times, and each answer compares the value with every name of every tool.
@lru_cache(maxsize=4096)
def _tool_named_in(text: str, extras: tuple[Tool, ...]) -> Tool | None:
    if "@" in text:
        tool = match_identity(*parse_ident(text), extras)
        if tool:
            return tool
    lowered = text.strip().lower()
    # "GLM-5.1 via Crush", "Claude Sonnet 4.5 via Crush": the harness is named last.
    via = lowered.rfind(" via ")
    if via != -1:
        harness = _tool_named_in(text.strip()[via + 5:], extras)
        if harness:
            return harness
    best: tuple[int, Tool] | None = None
    for tool in (*extras, *REGISTRY):
        for known in tool.names():
            named = lowered == known or (
                lowered.startswith(known) and lowered[len(known)] in " :/(,;-")
            if named and (best is None or len(known) > best[0]):
                best = (len(known), tool)
    return best[1] if best else None


def model_from_identity(tool: Tool, name: str) -> str | None:
    """The model an identity's display name reveals: aider's "aider (openai/gpt-4o)",
    or Claude Code's "Claude Opus 4.1" (written as Anthropic's alias, claude-opus-4-1)."""
    name = name.strip()
    model = _parenthesised_tail(name)
    if model is not None and model.strip().lower() not in tool.names():
        return re.sub(r"\s+", "-", model.strip())
    if tool.key == "claude" and name.lower().startswith("claude ") and "[bot]" not in name:
        return re.sub(r"[\s.]+", "-", name.lower())
    return None


def _parenthesised_tail(name: str) -> str | None:
    """What `(?P<who>.*?)\\s*\\((?P<model>[^()]+)\\)` would fullmatch as its model,
    found without a regular expression: that one backtracked over every split of a
    long run of spaces (quadratic time in a crafted author name)."""
    if not name.endswith(")"):
        return None
    opening = name.rfind("(", 0, len(name) - 1)
    model = name[opening + 1 : -1]
    if opening < 0 or not model or ")" in model:
        return None
    # `.*?` does not cross a line break; the `\s*` before "(" may.
    return None if "\n" in name[:opening].rstrip() else model


def may_carry_marks(message: str) -> bool:
    """Whether `message` can hold a tool's mark: a body with a key's colon or a
    footer's verb, or a subject that starts the way a tool's does. False for most
    one-line subjects and plain prose bodies."""
    start = message.find("\n")
    if start != -1:
        body = message[start:]
        if ":" in body:
            return True
        lowered = body.lower()  # once, not once per word
        if any(word in lowered for word in _lines.FOOTER_WORDS):
            return True
    return any(message.startswith(prefix) for prefix, _ in SUBJECT_PREFIXES)


def canonical_key(key: str) -> str:
    """A trailer key in the spelling reviewgate reports: "Co-authored-by"."""
    return key[:1].upper() + key[1:].lower()


def find_tool_signatures(commit: Commit, extra_tools: Iterable[ToolLike] = ()) -> list[Signature]:
    """Every mark of a tool on `commit`, in this order: author and committer, git's
    trailer block, trailer-shaped lines elsewhere in the body, lone footers, session
    links and marker lines, the subject."""
    extras = policy_tools(extra_tools)
    found: list[Signature] = []
    seen: set[tuple[str, str]] = set()

    def add(tool: Tool, where: str, text: str, model: str | None = None) -> None:
        if (where, text) not in seen:
            seen.add((where, text))
            found.append(Signature(tool, where, text, model))

    for role, person in (("author", commit.author), ("committer", commit.committer)):
        tool = match_identity(person.name, person.email, extras)
        if tool:
            add(tool, role, str(person), model_from_identity(tool, person.name))
    message = commit.message
    if not may_carry_marks(message):
        return found
    for key, value in commit.trailers:
        _trailer_mark(key, value, f"{key}: {value}", "trailer", extras, add)
    scanned = _lines.scan(message, commit.trailers)
    for line in scanned.body:
        _trailer_mark(line.key, line.value, line.text, "line", extras, add)
    for text in scanned.lone:
        _lone_mark(text, extras, add)
    subject = _lines.subject(message)
    for prefix, tool in SUBJECT_PREFIXES:
        if subject.startswith(prefix):
            add(tool, "subject", subject)
    return found


def _trailer_mark(key: str, value: str, text: str, block: str, extras: tuple[Tool, ...],
                  add: Callable[..., None]) -> None:
    """The mark a `key: value` line leaves: a session key, an exact line such as
    `Made-with: Cursor`, a session link, or a tool's identity. Identities outside
    git's trailer block are "line" marks: they show the tool, and declare only
    where declarations.py says so."""
    lowered = key.lower()
    where = f"trailer {key}"  # session keys and exact lines keep their own spelling
    if lowered in SESSION_KEYS:
        add(SESSION_KEYS[lowered], where, text)
        return
    pair = (lowered, value.strip().lower())
    if pair in KEY_VALUES:
        add(KEY_VALUES[pair], where, text)
        return
    link = session_url_tool(pair[1])
    if link is not None:
        add(link, where, text)
        return
    if "@" in value:
        name, email = parse_ident(value)
        tool = match_identity(name, email, extras)
        if tool:
            add(tool, f"{block} {canonical_key(key)}", text, model_from_identity(tool, name))


def _lone_mark(line: str, extras: tuple[Tool, ...], add: Callable[..., None]) -> None:
    credited = _lines.footer_name(line)
    if credited is not None:
        tool = tool_by_name(credited, extras)
        if tool:
            add(tool, "footer", line)
        return
    url = _lines.bare_url(line)
    if url is not None:
        tool = session_url_tool(url)
        if tool:
            add(tool, "session link", line)
        return
    marker = MARKERS.get(line.lower())
    if marker is not None:
        add(marker, "body", line)


def declaration_key(accepted: Sequence[str]) -> str | None:
    """The trailer key a new declaration should use under policy `accepted` keys:
    Assisted-by or Generated-by first, then any other key but Co-authored-by."""
    for key in accepted:
        if key.lower() in ("assisted-by", "generated-by"):
            return key
    for key in accepted:
        if key.lower() != "co-authored-by":
            return key
    return None


def declaration_value(tool: Tool | str, model: str | None) -> str:
    """`AGENT:MODEL`, valid in both formats; "unknown" when the model is not known."""
    token = tool.token if isinstance(tool, Tool) else re.sub(r"\s+", "-", tool.strip())
    return f"{token}:{clean_model(model)}"


def clean_model(model: str | None) -> str:
    """A model string fit for `AGENT:MODEL`: one word, no bracketed suffix such as
    Claude Code's "[1m]" context marker."""
    if not model:
        return "unknown"
    model = re.sub(r"\[[^\]]*\]", "", model).strip()
    return re.sub(r"\s+", "-", model) or "unknown"
