"""The registry of AI tools: every tool reviewgate knows and the indexes that find
one from a mark.

The data lives in registry_agents.py (agents a person runs) and
registry_services.py (hosted agents, review bots, app builders); `Tool` and
`Licence` in tool.py. To add a tool, add one `Tool(...)` there with its source:
the indexes below pick it up, and tests/test_registry.py checks that no string
belongs to two tools.

How each field is matched:

* `emails`: the whole address, lower-cased; `email_patterns`: a full match of it.
* `bots`: a GitHub App login (`name[bot]`), as the identity's name or in a no-reply
  address `ID+name[bot]@users.noreply.github.com`.
* `named_emails`: (word, address) pairs for an address that other automation shares:
  the address must match whole and the lower-cased name must hold the word.
* `name_marks`: the lower-cased display name ends with it (aider's "Jane (aider)").
* `session_keys`: a trailer key that discloses by itself (`Claude-Session`).
* `session_urls`: a URL prefix; a line that is only such a URL, or a trailer whose
  value starts with one, is the tool's session link.
* `key_values`: an exact `Key: value` line, lower-cased (`Made-with: Cursor`).
* `subject_prefixes`: the subject starts with it, case and all (`aider: `).
* `markers`: a whole body line the tool writes, lower-cased.
"""

from __future__ import annotations

import re

from reviewgate.disclosure.registry_agents import AGENTS
from reviewgate.disclosure.registry_services import SERVICES
from reviewgate.disclosure.tool import Licence, Tool

__all__ = ["REGISTRY", "Licence", "Tool", "by_name"]

REGISTRY: tuple[Tool, ...] = AGENTS + SERVICES

BY_EMAIL: dict[str, Tool] = {email: tool for tool in REGISTRY for email in tool.emails}
BY_BOT: dict[str, Tool] = {login: tool for tool in REGISTRY for login in tool.bots}
EMAIL_PATTERNS: tuple[tuple[re.Pattern[str], Tool], ...] = tuple(
    (re.compile(pattern), tool) for tool in REGISTRY for pattern in tool.email_patterns
)
NAMED_EMAILS: dict[str, tuple[tuple[str, Tool], ...]] = {}
for _tool in REGISTRY:
    for _word, _email in _tool.named_emails:
        NAMED_EMAILS[_email] = (*NAMED_EMAILS.get(_email, ()), (_word, _tool))
NAME_MARKS: tuple[tuple[str, Tool], ...] = tuple(
    (mark, tool) for tool in REGISTRY for mark in tool.name_marks
)
SESSION_KEYS: dict[str, Tool] = {key: tool for tool in REGISTRY for key in tool.session_keys}
SESSION_KEY_SET: frozenset[str] = frozenset(SESSION_KEYS)
SESSION_URLS: tuple[tuple[str, Tool], ...] = tuple(
    (url, tool) for tool in REGISTRY for url in tool.session_urls
)
KEY_VALUES: dict[tuple[str, str], Tool] = {
    pair: tool for tool in REGISTRY for pair in tool.key_values
}
SUBJECT_PREFIXES: tuple[tuple[str, Tool], ...] = tuple(
    (prefix, tool) for tool in REGISTRY for prefix in tool.subject_prefixes
)
MARKERS: dict[str, Tool] = {marker: tool for tool in REGISTRY for marker in tool.markers}
_BY_NAME: dict[str, Tool] = {}
for _tool in reversed(REGISTRY):  # the first tool wins a name two would claim
    for _name in _tool.names():
        _BY_NAME[_name] = _tool


def by_name(name: str) -> Tool | None:
    """The registry tool called `name` (any case) by its name, title, token or an
    alias."""
    return _BY_NAME.get(name.strip().lower())


def session_url_tool(text: str) -> Tool | None:
    """The tool whose session-page URL `text` (lower-cased) starts with."""
    for prefix, tool in SESSION_URLS:
        if text.startswith(prefix):
            return tool
    return None
