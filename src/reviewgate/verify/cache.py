"""Verdicts cached in the notes ref `refs/notes/reviewgate`.

A note hangs on the green state's *tree* (not the commit), so a rebase that keeps
the trees keeps the results, with no `notes.rewriteRef` needed. It holds one line
per result, sorted:

    v1 red=<tree> green=<tree> command=<key> outcome=<outcome>
       red_exit=<n|-> green_exit=<n|-> detail=<text>          (on one line)

`command` is a digest of the argv and of what policy says means "could not run".
A line the machine that ran it signed carries ` sig=<ssh signature>` before
`detail=`; the signature covers the line without it (provenance.py says which
lines count). Lines are independent, so two shards' notes merge by union:
`git notes --ref reviewgate merge -s cat_sort_uniq refs/notes/<theirs>`. Should a
merge bring two outcomes for one key (a flaky test), the least favourable wins.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reviewgate.verify.objects import TREE_MODE, ObjectReader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import VerifyPolicy
    from reviewgate.verify.provenance import Provenance

NOTES_REF = "refs/notes/reviewgate"
VERSION = "v1"
# Least favourable first: it wins when a merge brings two outcomes for one key.
OUTCOME_ORDER = ("error", "broken", "not-green", "not-red", "proven")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@dataclass(frozen=True)
class CacheKey:
    red: str
    green: str
    command: str


@dataclass(frozen=True)
class CachedResult:
    key: CacheKey
    outcome: str
    red_exit: int | None
    green_exit: int | None
    detail: str
    signature: str = ""  # base64 of an ssh signature over unsigned_line(); "" = none

    def line(self) -> str:
        text = self.unsigned_line()
        if not self.signature:
            return text
        head, _, detail = text.partition(" detail=")
        return f"{head} sig={self.signature} detail={detail}"

    def unsigned_line(self) -> str:
        """The line without its signature: what a signature covers."""
        detail = " ".join(self.detail.split())
        return (
            f"{VERSION} red={self.key.red} green={self.key.green} command={self.key.command} "
            f"outcome={self.outcome} red_exit={_num(self.red_exit)} "
            f"green_exit={_num(self.green_exit)} detail={detail}"
        )


def command_key(verify: VerifyPolicy, tests: Iterable[str] = ()) -> str:
    """A digest of what decides an outcome besides the trees: the argv, the test
    files `{tests}` names (a change of `paths.tests` changes them), and what counts
    as "could not run". The timeout is left out: a timeout is never cached."""
    blob = json.dumps({
        "command": list(verify.command),
        "tests": sorted(tests),
        "error_exit_codes": sorted(verify.error_exit_codes),
        "error_output": list(verify.error_output),
    })
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def parse_line(line: str) -> CachedResult | None:
    """One note line, or None for a line of another version or shape."""
    head, sep, detail = line.partition(" detail=")
    fields = head.split(" ")
    if not sep or not fields or fields[0] != VERSION:
        return None
    values = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
    try:
        key = CacheKey(values["red"], values["green"], values["command"])
        outcome = values["outcome"]
        if outcome not in OUTCOME_ORDER:
            return None
        signature = values.get("sig", "")
        return CachedResult(
            key, outcome, _int(values["red_exit"]), _int(values["green_exit"]), detail.strip(),
            signature if _BASE64.fullmatch(signature) else "",
        )
    except (KeyError, ValueError):
        return None


def parse_note(text: str) -> dict[CacheKey, CachedResult]:
    results: dict[CacheKey, CachedResult] = {}
    for line in text.splitlines():
        found = parse_line(line)
        if found is None:
            continue
        known = results.get(found.key)
        if known is None or _rank(found) < _rank(known):
            results[found.key] = found
    return results


def render_note(existing_text: str, result: CachedResult) -> str:
    """The note with `result` replacing any line of the same key."""
    lines = {
        line for line in existing_text.splitlines()
        if line.strip() and (parsed := parse_line(line)) is not None and parsed.key != result.key
    }
    lines.add(result.line())
    return "\n".join(sorted(lines)) + "\n"


def read_notes(reader: object, green_trees: Iterable[str]) -> dict[str, str]:
    """The note text on each of `green_trees` that has one, read through an
    ObjectReader (the same `cat-file --batch` process). Fan-out directories of the
    notes tree (ab/cdef…) are walked as git would."""
    assert isinstance(reader, ObjectReader)
    root = reader.tree_of(NOTES_REF)
    wanted = set(green_trees)
    if root is None or not wanted:
        return {}
    found: dict[str, str] = {}
    stack = [(root, "")]
    while stack:
        tree, prefix = stack.pop()
        for mode, name, oid in reader.entries(tree):
            text = prefix + name.decode("ascii", "replace")
            if mode == TREE_MODE:
                if any(w.startswith(text) for w in wanted):
                    stack.append((oid.hex(), text))
            elif text in wanted:
                blob = reader.read(oid.hex())
                if blob is not None:
                    found[text] = blob[2].decode("utf-8", "replace")
    return found


def lookup(
    notes: Mapping[str, str], key: CacheKey, provenance: Provenance | None = None
) -> CachedResult | None:
    """The result cached for `key`: of its lines, those `provenance` trusts (all
    without one), and of those the least favourable."""
    text = notes.get(key.green)
    if not text:
        return None
    if provenance is None:
        return parse_note(text).get(key)
    lines = [found for line in text.splitlines()
             if (found := parse_line(line)) is not None and found.key == key]
    trusted = provenance.trusted(key, lines) if lines else []
    return min(trusted, key=_rank) if trusted else None


def _rank(result: CachedResult) -> int:
    return OUTCOME_ORDER.index(result.outcome)


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def _int(text: str) -> int | None:
    return None if text == "-" else int(text)
