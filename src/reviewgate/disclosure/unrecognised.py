"""Marks that look like an AI tool's but that the registry does not know.

`reviewgate stats` lists them so that users can report new agents (or add them to
`assistance.tools`): a session-link key no registry tool writes (`Foo-Session:`),
a GitHub App account that is neither a known tool nor a known non-AI bot, an
address whose local part says "agent", a declaration naming an unknown tool. A
placeholder such as `AGENT_NAME` is template text, never a tool, and never listed.
"""

from __future__ import annotations

from reviewgate.disclosure.declarations import declaration_lines, placeholder_in
from reviewgate.disclosure.identity import github_login, match_identity
from reviewgate.disclosure.keys import STRONG_KEYS, WEAK_KEYS, declares_none, looks_like_person
from reviewgate.disclosure.lines import body_lines
from reviewgate.disclosure.registry import SESSION_KEY_SET, by_name
from reviewgate.model.emails import parse_ident

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit

# Bots that write no code with a model: never a tool, never "unrecognised".
NON_AI_BOTS = frozenset(
    {
        "dependabot[bot]",
        "dependabot-preview[bot]",
        "renovate[bot]",
        "github-actions[bot]",
        "pre-commit-ci[bot]",
        "snyk-bot",
        "greenkeeper[bot]",
        "allcontributors[bot]",
        "codecov[bot]",
        "stale[bot]",
        "mergify[bot]",
        "imgbot[bot]",
        "netlify[bot]",
        "vercel[bot]",
        "sonarcloud[bot]",
        "release-please[bot]",
        "changeset-bot[bot]",
        "github-merge-queue[bot]",
        "web-flow",
        "weblate",
        "transifex-integration[bot]",
        "pyup-bot",
        "deepsource-autofix[bot]",
        "copybara-service[bot]",
    }
)
_TOOLISH_KEY_ENDINGS = (
    "-session",
    "-session-id",
    "-session-url",
    "-thread",
    "-thread-id",
    "-thread-url",
    "-logs-url",
    "-agent",
    "-conversation",
)
_IDENTITY_KEYS = ("co-authored-by", "signed-off-by")


def _toolish_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in SESSION_KEY_SET or lowered in STRONG_KEYS or lowered in WEAK_KEYS:
        return False
    return lowered.endswith(_TOOLISH_KEY_ENDINGS) or lowered.startswith(("ai-", "llm-"))


def _toolish_identity(name: str, email: str) -> str | None:
    """How "name <email>" looks like an unknown tool, or None."""
    if match_identity(name, email) is not None:
        return None
    login = github_login(name, email)
    if login.endswith("[bot]") or name.strip().lower().endswith("[bot]"):
        bot = login or name.strip().lower()
        return None if bot in NON_AI_BOTS else f"bot {bot}"
    local = email.strip().lower().split("@", 1)[0]
    if "agent" in local.replace("agenda", ""):
        return f"identity {name.strip()} <{email.strip()}>"
    return None


def unrecognised_marks(commit: Commit) -> tuple[str, ...]:
    """The tool-like marks of `commit` that no registry tool claims, as short
    labels ("key Foo-Session", "bot acme-ai[bot]", "declared Zorblax")."""
    found: dict[str, None] = {}
    for person in (commit.author, commit.committer):
        label = _toolish_identity(person.name, person.email)
        if label:
            found[label] = None
    lines = declaration_lines(commit)
    if "\n" in commit.message.strip():
        lines += [
            (line.key, line.value, line.where)
            for line in body_lines(commit.message, commit.trailers)
            if line.where != "paragraph"
        ]
    for key, value, _ in lines:
        lowered = key.lower()
        if _toolish_key(key):
            found[f"key {key[:1].upper()}{key[1:].lower()}"] = None
        elif lowered in _IDENTITY_KEYS and "@" in value:
            label = _toolish_identity(*parse_ident(value))
            if label:
                found[label] = None
        elif lowered in STRONG_KEYS:
            label = _unknown_declaration(value)
            if label:
                found[label] = None
    return tuple(found)


def _unknown_declaration(value: str) -> str | None:
    """ "declared NAME" for a strong key's value that names a tool the registry does
    not know; None for a known tool, none, a person or a placeholder."""
    if declares_none(value) or placeholder_in(value):
        return None
    name, email = parse_ident(value) if "@" in value else (value, "")
    if email and match_identity(name, email) is not None:
        return None
    token = name.strip().split(":", 1)[0].split(" via ")[-1].strip()
    if not token or by_name(token) is not None or by_name(token.split()[0]) is not None:
        return None
    if looks_like_person(name, personal_address=bool(email)):
        return None
    return f"declared {token}"
