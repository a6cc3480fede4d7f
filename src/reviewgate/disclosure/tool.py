"""What the registry records of one AI tool: `Tool` and its `Licence`.

Plain frozen records, imported by the commit-msg hook: no regular expression is
compiled here, and nothing heavier than `re` is imported (records, not dataclasses).
"""

from __future__ import annotations

from functools import lru_cache

from reviewgate.model.record import record

# Licence kinds. "free-software": a licence the FSF or the OSI approves covers the
# harness; "source-available": the source is public under terms that are neither
# (FSL, BSL); "proprietary": no public source; "unknown": not established.
FREE_SOFTWARE = "free-software"
SOURCE_AVAILABLE = "source-available"
PROPRIETARY = "proprietary"
UNKNOWN = "unknown"
LICENCE_KINDS = (FREE_SOFTWARE, SOURCE_AVAILABLE, PROPRIETARY, UNKNOWN)


@record
class Licence:
    """Whether a tool's harness is free software, and where that fact comes from."""

    kind: str  # one of LICENCE_KINDS
    spdx: str = ""  # "Apache-2.0", "FSL-1.1-MIT"; "" when none applies
    source: str = ""  # the licence file, terms page or commit that says so

    @property
    def is_free_software(self) -> bool:
        return self.kind == FREE_SOFTWARE

    def describe(self) -> str:
        """ "free software (Apache-2.0)", "proprietary", "source-available (FSL-1.1-MIT)"."""
        word = "free software" if self.kind == FREE_SOFTWARE else self.kind
        return f"{word} ({self.spdx})" if self.spdx else word


def free(spdx: str, source: str) -> Licence:
    return Licence(FREE_SOFTWARE, spdx, source)


def source_available(spdx: str, source: str) -> Licence:
    return Licence(SOURCE_AVAILABLE, spdx, source)


def proprietary(source: str) -> Licence:
    return Licence(PROPRIETARY, "", source)


def unknown(source: str = "") -> Licence:
    return Licence(UNKNOWN, "", source)


@record
class Tool:
    """One AI writing tool and the marks it leaves on a commit. Every string is
    lower-case unless said otherwise; registry.py explains how each is matched."""

    name: str  # the agent token a declaration uses: "Assisted-by: Claude:MODEL"
    title: str = ""  # how people call it: "Claude Code"
    emails: tuple[str, ...] = ()  # exact addresses only the tool writes
    email_patterns: tuple[str, ...] = ()  # full-match regexes over the email
    bots: tuple[str, ...] = ()  # GitHub App logins, "[bot]" included
    aliases: tuple[str, ...] = ()  # other names a declaration may use
    identity: str | None = None  # "Name <email>" for a Co-authored-by declaration
    pattern: str | None = None  # policy tools only: regex searched in "Name <email>"
    named_emails: tuple[tuple[str, str], ...] = ()  # (word of the name, shared address)
    name_marks: tuple[str, ...] = ()  # a display name no person carries ("(aider)" suffix)
    session_keys: tuple[str, ...] = ()  # trailer keys that disclose by themselves
    session_urls: tuple[str, ...] = ()  # URL prefixes of the tool's session pages
    key_values: tuple[tuple[str, str], ...] = ()  # exact "Key: value" lines: Made-with: Cursor
    subject_prefixes: tuple[str, ...] = ()  # "aider: "
    markers: tuple[str, ...] = ()  # whole lines the tool writes in a body
    licence: Licence = Licence(UNKNOWN)
    source: str = ""  # where the strings above were confirmed

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def token(self) -> str:
        """The name as one word, so that `TOKEN:MODEL` is a valid kernel declaration."""
        return "-".join(self.name.split()) or "unknown-tool"

    @property
    def display(self) -> str:
        return self.title or self.name

    def names(self) -> frozenset[str]:
        return _tool_names(self)


@lru_cache(maxsize=256)
def _tool_names(tool: Tool) -> frozenset[str]:
    # Asked for every declaration of every commit; a tool's names never change.
    return frozenset({tool.name.lower(), tool.display.lower(), tool.token.lower(), *tool.aliases})
