"""Key classes: which trailer keys disclose a tool, and how strongly.

* **session** keys (`Claude-Session`, `Copilot-Session`, `Agent-Logs-Url`,
  `Amp-Thread-ID`, …; the registry lists them per tool) disclose by themselves,
  whatever their value: a tool writes them, a person never does.
* **strong** keys (`Assisted-by`, `Generated-by`, `AI-assisted-by`,
  `Co-developed-by-AI`, `AI-used-for`, …) exist to name a tool. A value counts when
  it names a known tool, or is shaped like one (`AGENT:MODEL`, a single unknown
  word); a value that looks like a person (a name and no known tool, or a personal
  address) is a credit to that person, not a tool; `none` or `no` declares none.
* **weak** keys (`Co-authored-by`, `Made-with`, `Generated-with`, …) usually name
  people or things; they count only when the value is a known tool.

docs/disclosure.md documents the same lists for users.
"""

from __future__ import annotations

SESSION = "session"
STRONG = "strong"
WEAK = "weak"

STRONG_KEYS = frozenset(
    {
        "assisted-by",
        "generated-by",
        "ai-assisted-by",
        "ai-generated-by",
        "co-developed-by-ai",
        "ai-used-for",
        "ai-tool",
        "ai-agent",
        "ai-assistant",
        "coding-agent",
        "llm-assisted-by",
        "written-with-ai",
    }
)
WEAK_KEYS = frozenset(
    {"co-authored-by", "made-with", "generated-with", "built-with", "created-with"}
)
NONE_VALUES = frozenset({"none", "no", "n/a", "nothing", "no tool", "no ai", "no-ai"})

# Words that, after a credited name, still mean a person: curl writes
# "Assisted-by: riastradh on github", "Assisted-by: Tal Regev via #16045".
_PERSON_TAILS = (" on github", " on gitlab", " on irc", " on hackerone", " via #")


def key_class(key: str, session_keys: frozenset[str]) -> str | None:
    lowered = key.lower()
    if lowered in session_keys:
        return SESSION
    if lowered in STRONG_KEYS:
        return STRONG
    if lowered in WEAK_KEYS:
        return WEAK
    return None


def declares_none(value: str) -> bool:
    return value.strip().lower().rstrip(".") in NONE_VALUES


def looks_like_person(value: str, personal_address: bool) -> bool:
    """Whether a strong key's value that names no known tool credits a person:
    "Viktor Szakats", "Daniel Böhmer <post@daniel-boehmer.de>", "riastradh on
    github". `personal_address`: the value holds an email that is no tool's.
    A single word, an `AGENT:MODEL` shape or a value with digits stays a tool's
    (unknown to the registry, so it gets the benefit of the doubt)."""
    if personal_address:
        return True
    text = value.strip()
    lowered = text.lower()
    for tail in _PERSON_TAILS:
        at = lowered.find(tail)
        if at > 0:
            text = text[:at].strip()
            break
    if ":" in text or any(ch.isdigit() for ch in text):
        return False
    words = text.split()
    if not 2 <= len(words) <= 4:
        return at_least_handle(text, lowered)
    return all(_name_word(word) for word in words)


def at_least_handle(text: str, lowered: str) -> bool:
    """A lone handle credited "on github" is a person; a lone word otherwise is not
    known to be one."""
    return any(tail in lowered for tail in _PERSON_TAILS[:4]) and " " not in text


def _name_word(word: str) -> bool:
    """A word of a person's name: starts with a capital letter (any script) or is a
    lower-case particle (van, de, von, da, der, le, la, bin)."""
    if word in ("van", "de", "von", "da", "der", "le", "la", "bin", "del", "di"):
        return True
    core = word.strip(".,'")
    return bool(core) and core[0].isupper() and all(ch.isalpha() or ch in "-'." for ch in core)
