"""Who is a tool: the one registry of AI tool signatures, and who is a bot.

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
from dataclasses import dataclass
from functools import lru_cache

from reviewgate.model.emails import parse_ident

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import ToolIdentity


@dataclass(frozen=True)
class Tool:
    """One AI writing tool and the marks it leaves on a commit."""

    name: str  # the agent token a declaration uses: "Assisted-by: Claude:MODEL"
    title: str = ""  # how people call it: "Claude Code"
    emails: tuple[str, ...] = ()  # exact, lower-case
    email_patterns: tuple[str, ...] = ()  # full-match regexes over the lower-case email
    bots: tuple[str, ...] = ()  # GitHub App logins, lower-case, "[bot]" included
    aliases: tuple[str, ...] = ()  # other lower-case names a declaration may use
    identity: str | None = None  # "Name <email>" for a Co-authored-by declaration
    pattern: str | None = None  # policy tools only: regex searched in "Name <email>"

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def token(self) -> str:
        """The name as one word, so that `TOKEN:MODEL` is a valid kernel declaration."""
        return re.sub(r"\s+", "-", self.name.strip()) or "unknown-tool"

    @property
    def display(self) -> str:
        return self.title or self.name

    def names(self) -> frozenset[str]:
        return _tool_names(self)


@lru_cache(maxsize=256)
def _tool_names(tool: Tool) -> frozenset[str]:
    # Asked for every declaration of every commit; a tool's names never change.
    return frozenset({tool.name.lower(), tool.display.lower(), tool.token.lower(), *tool.aliases})


# GitHub's no-reply addresses are "ID+LOGIN@users.noreply.github.com".
_GITHUB_NOREPLY = re.compile(r"(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com")

REGISTRY: tuple[Tool, ...] = (
    Tool(
        "Claude", "Claude Code",
        emails=("noreply@anthropic.com",),
        bots=("claude[bot]",),  # the Claude GitHub App / claude-code-action
        aliases=("claude-code", "claudecode", "anthropic-claude"),
        identity="Claude <noreply@anthropic.com>",
    ),
    Tool(
        "Codex", "OpenAI Codex",
        emails=("noreply@openai.com", "codex@openai.com"),
        bots=("chatgpt-codex-connector[bot]",),
        aliases=("codex-cli", "codex cli", "openai-codex"),
        identity="Codex <noreply@openai.com>",
    ),
    Tool(
        "Copilot", "GitHub Copilot",
        # The "Copilot" account's no-reply address; the coding agent commits as
        # copilot-swe-agent[bot] with this very email.
        email_patterns=(r"\d+\+copilot@users\.noreply\.github\.com",),
        bots=("copilot-swe-agent[bot]",),
        aliases=("github-copilot", "copilot-swe-agent", "copilot-cli", "copilot-agent"),
        identity="Copilot <198982749+Copilot@users.noreply.github.com>",
    ),
    Tool(
        "aider", "Aider",
        # aider/repo.py writes "Co-authored-by: aider (MODEL) <aider@aider.chat>";
        # some copies of it in the wild use noreply@.
        emails=("aider@aider.chat", "noreply@aider.chat"),
        identity="aider <aider@aider.chat>",
    ),
    Tool(
        "Cursor", "Cursor",
        emails=("cursoragent@cursor.com",),
        bots=("cursor[bot]",),
        aliases=("cursor-agent", "cursor agent", "cursor-cli"),
        identity="Cursor <cursoragent@cursor.com>",
    ),
    Tool(
        "Jules", "Google Jules",
        bots=("google-labs-jules[bot]",),
        aliases=("google-jules", "google-labs-jules"),
    ),
    Tool(
        "Devin", "Devin",
        bots=("devin-ai-integration[bot]",),
        aliases=("devin-ai", "devin-ai-integration"),
    ),
    Tool(
        "OpenHands", "OpenHands",
        emails=("openhands@all-hands.dev",),
        aliases=("opendevin", "all-hands"),
        identity="openhands <openhands@all-hands.dev>",
    ),
    Tool(
        "opencode", "OpenCode",
        emails=("noreply@opencode.ai",),
        bots=("opencode-agent[bot]",),
        identity="opencode <noreply@opencode.ai>",
    ),
    Tool(
        "Amp", "Amp",
        emails=("amp@ampcode.com",),
        aliases=("ampcode", "sourcegraph-amp"),
        identity="Amp <amp@ampcode.com>",
    ),
    Tool(
        "Gemini", "Gemini CLI",
        bots=("gemini-code-assist[bot]",),  # commits made from its review suggestions
        aliases=("gemini-cli", "gemini cli", "gemini-code-assist", "google-gemini"),
    ),
)

if TYPE_CHECKING:
    from typing import TypeAlias

    ToolLike: TypeAlias = "Tool | ToolIdentity"


@dataclass(frozen=True)
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


_BY_EMAIL = {email: tool for tool in REGISTRY for email in tool.emails}
_BY_BOT = {login: tool for tool in REGISTRY for login in tool.bots}
_EMAIL_PATTERNS = tuple((re.compile(p), tool) for tool in REGISTRY for p in tool.email_patterns)
_AIDER_SUFFIX = re.compile(r"\(aider\)\s*$", re.IGNORECASE)


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
        if lowered in _BY_EMAIL:
            return _BY_EMAIL[lowered]
        for regex, tool in _EMAIL_PATTERNS:
            if regex.fullmatch(lowered):
                return tool
    login = github_login(name, email)
    if login in _BY_BOT:
        return _BY_BOT[login]
    # aider marks the human's own identity: "Jane Doe (aider)" with Jane's email.
    if _AIDER_SUFFIX.search(name):
        return _BY_EMAIL["aider@aider.chat"]
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
    for tool in (*policy_tools(extra_tools), *REGISTRY):
        if wanted in tool.names():
            return tool
    return None


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
    paren = re.fullmatch(r"(?P<who>.*?)\s*\((?P<model>[^()]+)\)", name)
    if paren and paren.group("model").strip().lower() not in tool.names():
        return re.sub(r"\s+", "-", paren.group("model").strip())
    if tool.key == "claude" and name.lower().startswith("claude ") and "[bot]" not in name:
        return re.sub(r"[\s.]+", "-", name.lower())
    return None


# Footers and trailer-shaped lines that tools write; matched per line anywhere in
# the message, because tools often put them outside the final trailer block
# (Copilot's Agent-Logs-Url sits in its own paragraph, above Co-authored-by).
_FOOTER = re.compile(
    r"^\s*(?:🤖\s*)?Generated (?:with|by) \[(?P<name>[^\]]+)\]\([^)\s]*\)\s*$"
)
_MARK_LINES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^Agent-Logs-Url:\s*\S+", re.IGNORECASE), "Copilot", "trailer Agent-Logs-Url"),
    (re.compile(r"^Made-with:\s*Cursor\s*$", re.IGNORECASE), "Cursor", "trailer Made-with"),
    (re.compile(r"^Amp-Thread(?:-ID)?:\s*\S+", re.IGNORECASE), "Amp", "trailer Amp-Thread-ID"),
)
_CO_AUTHOR_LINE = re.compile(r"^(?P<key>co-authored-by):\s*(?P<value>.+?)\s*$", re.IGNORECASE)
# A superset of every per-line mark above, looked for once in the lower-cased
# message: most commits carry none, and then no line needs to be looked at.
# (Plain substring tests; an IGNORECASE regex alternation costs 10x more.)
_ANY_MARK = (
    "generated with [",
    "generated by [",
    "agent-logs-url:",
    "made-with:",
    "amp-thread",
    "co-authored-by:",
)


def may_carry_marks(message: str) -> bool:
    """Whether any line of `message` can be a tool's mark; False for most."""
    lowered = message.lower()
    return any(mark in lowered for mark in _ANY_MARK)


# Line boundaries of str.splitlines() other than "\n".
_OTHER_BREAKS = re.compile("[\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _mark_lines(message: str) -> list[str]:
    """The lines of `message` (as splitlines() cuts them) that hold a superset of
    a mark, in order. Found with substring searches: a message of forty lines
    with one footer costs a few searches, not forty lines of regular expressions."""
    lowered = message.lower()
    present = [mark for mark in _ANY_MARK if mark in lowered]
    if not present:
        return []
    if len(lowered) != len(message) or _OTHER_BREAKS.search(message):
        # Lower-casing moved the offsets, or lines end otherwise: look at each line.
        return [line for line in message.splitlines()
                if any(mark in line.lower() for mark in present)]
    starts: set[int] = set()
    for mark in present:
        at = lowered.find(mark)
        while at != -1:
            starts.add(lowered.rfind("\n", 0, at) + 1)
            at = lowered.find(mark, at + len(mark))
    lines = []
    for start in sorted(starts):
        end = message.find("\n", start)
        lines.append(message[start:] if end == -1 else message[start:end])
    return lines


def canonical_key(key: str) -> str:
    """A trailer key in the spelling reviewgate reports: "Co-authored-by"."""
    return key[:1].upper() + key[1:].lower()


def find_tool_signatures(commit: Commit, extra_tools: Iterable[ToolLike] = ()) -> list[Signature]:
    """Every mark of a tool on `commit`, in message order after author and committer."""
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
    for key, value in commit.trailers:
        if "@" in value:
            name, email = parse_ident(value)
            tool = match_identity(name, email, extras)
            if tool:
                line = f"{key}: {value}"
                add(tool, f"trailer {canonical_key(key)}", line, model_from_identity(tool, name))
    for raw in _mark_lines(commit.message):
        line = raw.strip()
        footer = _FOOTER.match(line)
        if footer:
            tool = tool_by_name(footer.group("name"), extras)
            if tool:
                add(tool, "footer", line)
            continue
        for regex, tool_name, where in _MARK_LINES:
            if regex.match(line):
                add(tool_by_name(tool_name) or Tool(tool_name), where, line)
        co_author = _CO_AUTHOR_LINE.match(line)
        if co_author is None:
            continue
        if line.lower() in {f"{key}: {value}".lower() for key, value in commit.trailers}:
            continue  # git's own trailer block: the trailer loop above saw it
        name, email = parse_ident(co_author.group("value"))
        tool = match_identity(name, email, extras)
        if tool:
            # Outside git's trailer block: it shows the tool but declares nothing.
            add(tool, "line Co-authored-by", line, model_from_identity(tool, name))
    return found


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
