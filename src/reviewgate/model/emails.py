"""Email addresses and identities as reviewgate compares them. Pure text."""

from __future__ import annotations

import re
from functools import lru_cache


def parse_ident(text: str) -> tuple[str, str]:
    """Split "Name <email>" into (name, email), tolerating a missing bracket or a
    bare address."""
    text = text.strip()
    if "<" in text:
        name, _, rest = text.partition("<")
        return name.strip(), rest.split(">", 1)[0].strip()
    if text.endswith(">"):
        text = text[:-1]
    words = text.split()
    if words and "@" in words[-1]:
        return " ".join(words[:-1]), words[-1]
    return text, ""



def reviewer_email(entry: str) -> str:
    """The normal email of a `signoff.reviewers` entry ("Name <email>" or email)."""
    _, email = parse_ident(entry)
    return normal_email(email or entry)



# A range repeats the same few addresses thousands of times.
@lru_cache(maxsize=4096)
def normal_email(email: str) -> str:
    """An email as sign-offs compare it: lower case, and the spellings that name the
    same mailbox made one: `ann@example.org.` (a fully qualified domain's trailing
    dot), `"ann"@example.org` (a quoted local part) and `ann+tag@example.org`
    (sub-addressing: mail to it reaches ann@example.org, so it is ann's address;
    GitHub's `ID+login@users.noreply.github.com` keeps its unique ID)."""
    text = email.strip().lower()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = local[1:-1]
    mailbox = local.split("+", 1)[0]
    return f"{mailbox or local}@{domain.rstrip('.')}"



# local@domain, no spaces or brackets, and a dot inside the domain.
_PLAUSIBLE = re.compile(r'[^\s@<>"]+@[^\s@<>".]+(?:\.[^\s@<>".]+)+')



def plausible_email(email: str) -> bool:
    """Whether `email` can name a mailbox: `<@>`, `<grace@>` and `<grace@localhost>`
    cannot, so a sign-off naming one vouches for no one."""
    return _PLAUSIBLE.fullmatch(normal_email(email)) is not None

