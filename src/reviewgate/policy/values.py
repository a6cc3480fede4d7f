"""The policy file's single values: the reader that names file and line in every
error, and one function per kind of value (strings, enums, booleans, integers,
regular expressions, trailer keys, emails, reviewers, paths in the repository).
Each takes the reader, the YAML node and the dotted key, and returns the value or
fails with one line. policy_loader.py walks the document with them.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reviewgate.errors import PolicyError
from reviewgate.model.emails import plausible_email, reviewer_email
from reviewgate.model.rulebook import KNOWN_RULE_NAMES, RULES
from reviewgate.policy.schema import DEFAULT_ORIGIN, KNOWN_RULE_CODES, leaf_keys

_RULE_CODE = re.compile(r"RG\d{3}")

TAG = "tag:yaml.org,2002:"
STR, INT, BOOL, NULL = TAG + "str", TAG + "int", TAG + "bool", TAG + "null"
MAP, SEQ = TAG + "map", TAG + "seq"
KINDS = {
    STR: "a string",
    INT: "an integer",
    TAG + "float": "a number",
    BOOL: "a boolean",
    NULL: "no value",
    TAG + "timestamp": "a date",
    TAG + "binary": "binary data",
    MAP: "a mapping",
    SEQ: "a list",
}
# Scalars an argv accepts as the text written; null, binary and custom tags are errors.
ARGV_TAGS = frozenset({STR, INT, BOOL, TAG + "float", TAG + "timestamp"})


class Reader:
    """Walks one document, recording where each key was set."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.origins: dict[str, str] = dict.fromkeys(leaf_keys(), DEFAULT_ORIGIN)

    def fail(self, node: Node, message: str) -> NoReturn:
        raise PolicyError(f"{self.source}:{line_of(node)}: {message}")

    def at(self, node: Node) -> str:
        return f"{self.source}:{line_of(node)}"


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def show(text: str) -> str:
    """User text quoted for a one-line message (repr escapes newlines)."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def kind_of(node: Node) -> str:
    shape = {MAP: MappingNode, SEQ: SequenceNode}.get(node.tag, ScalarNode)
    if node.tag in KINDS and isinstance(node, shape):
        return KINDS[node.tag]
    tag = "!!" + node.tag[len(TAG) :] if node.tag.startswith(TAG) else node.tag
    return f"a value tagged {tag}"


def wrong_type(r: Reader, node: Node, key: str, expected: str) -> NoReturn:
    if is_null(node):
        r.fail(node, f"{key!r} has no value (expected {expected})")
    hint = ""
    plain = isinstance(node, ScalarNode) and node.style is None and node.tag in KINDS
    if expected == "a string" and plain:
        # YAML 1.1 turns plain yes/off/1.0/2024-01-01 into non-strings.
        hint = f"; quote it to make it a string: {json.dumps(node.value)}"
    r.fail(node, f"{key!r} must be {expected}, got {kind_of(node)}{hint}")


def nearest(word: str, choices: Sequence[str]) -> str | None:
    by_case = [c for c in choices if c.lower() == word.lower()]
    close = by_case or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


# --- scalars -----------------------------------------------------------------


def read_string(r: Reader, node: Node, key: str) -> str:
    if isinstance(node, ScalarNode) and node.tag == STR:
        return node.value
    wrong_type(r, node, key, "a string")


def read_nonempty(r: Reader, node: Node, key: str) -> str:
    value = read_string(r, node, key)
    if not value.strip():
        r.fail(node, f"{key!r} must not be empty")
    return value


def read_enum(values: tuple[str, ...]) -> Callable[[Reader, Node, str], str]:
    def read(r: Reader, node: Node, key: str) -> str:
        if not isinstance(node, ScalarNode) or is_null(node):
            wrong_type(r, node, key, "one of: " + ", ".join(values))
        # The raw text, so that a plain `off` (a boolean in YAML 1.1) means "off".
        if node.value in values:
            return node.value
        near = nearest(node.value, values)
        hint = f"did you mean {near!r}? " if near else ""
        r.fail(
            node,
            f"invalid value {show(node.value)} for {key!r} "
            f"({hint}expected one of: {', '.join(values)})",
        )

    return read


# YAML 1.1's words for booleans; an explicit `!!bool maybe` is none of them.
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def read_bool(r: Reader, node: Node, key: str) -> bool:
    if isinstance(node, ScalarNode) and node.tag == BOOL:
        if node.value.lower() in _BOOLS:
            return _BOOLS[node.value.lower()]
        r.fail(node, f"{key!r}: {show(node.value)} is not a valid boolean")
    wrong_type(r, node, key, "true or false")


def read_int(r: Reader, node: Node, key: str) -> int:
    if isinstance(node, ScalarNode) and node.tag == INT:
        try:
            return int(yaml.constructor.SafeConstructor().construct_yaml_int(node))
        except (ValueError, TypeError, IndexError, KeyError):
            r.fail(node, f"{key!r}: {show(node.value)} is not a valid integer")
    wrong_type(r, node, key, "an integer")


def read_version(r: Reader, node: Node, key: str) -> int:
    value = read_int(r, node, key)
    if value != 1:
        r.fail(node, f"unsupported policy version {value} (this reviewgate reads version 1)")
    return value


def read_timeout(r: Reader, node: Node, key: str) -> int:
    value = read_int(r, node, key)
    if value <= 0:
        r.fail(node, f"{key!r} must be a positive number of seconds, got {value}")
    return value


def read_regex(r: Reader, node: Node, key: str) -> str:
    value = read_string(r, node, key)
    try:
        re.compile(value)
    except re.error as exc:
        r.fail(node, f"invalid regular expression for {key!r}: {exc}")
    except (OverflowError, RecursionError, ValueError) as exc:
        r.fail(node, f"invalid regular expression for {key!r}: {exc}")
    return value


def read_trailer_key(r: Reader, node: Node, key: str) -> str:
    value = read_nonempty(r, node, key)
    if ":" in value or any(ch.isspace() for ch in value):
        r.fail(
            node,
            f"invalid trailer key {show(value)} in {key!r} "
            "(write the key alone, without ':' or spaces, e.g. 'Assisted-by')",
        )
    return value


# What identity matching compares exactly: one address, no name, brackets or spaces.
_BARE_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+")


def read_email(r: Reader, node: Node, key: str) -> str:
    value = read_nonempty(r, node, key)
    if not _BARE_EMAIL.fullmatch(value.strip()):
        r.fail(
            node,
            f"invalid email {show(value)} for {key!r} "
            "(write the address alone, e.g. 'bot@example.org')",
        )
    return value


_ANOTHER_ADDRESS = re.compile(r"[^\s<>(),;@]+@[^\s<>(),;@]+\.[^\s<>(),;@]+")


def read_reviewer(r: Reader, node: Node, key: str) -> str:
    """An entry RG303 can match: sign-offs whose email is not plausible are dropped
    before it looks, so an entry whose email is not plausible matches no one."""
    value = read_nonempty(r, node, key)
    # A name may hold an "@" ("@grace", "Grace (grace@navy)"); only a second address
    # (one with a dotted domain, as RG303 needs) is a second reviewer.
    addresses = re.findall(r"<[^<>]*>", value)
    rest = re.sub(r"<[^<>]*>", " ", value) if addresses else value.replace("@", " ", 1)
    if len(addresses) > 1 or _ANOTHER_ADDRESS.search(rest):
        hint = "one reviewer per list item"
    elif not plausible_email(reviewer_email(value)):
        hint = "an email with a dotted domain, alone or as 'Name <email>'"
    else:
        return value
    r.fail(
        node,
        f"invalid reviewer {show(value)} in {key!r} "
        f"(write {hint}, e.g. 'Grace Hopper <grace@example.org>')",
    )


def read_inside_path(r: Reader, node: Node, key: str) -> str:
    """A path from the repository's top, read at a revision with `git ls-tree`; it
    is normalised, since git names the entry `x`, never `./x` or `a/../x`."""
    value = read_nonempty(r, node, key)
    normal = posixpath.normpath(value)
    if value.startswith("/"):
        problem = "it is absolute"
    elif normal == ".." or normal.startswith("../"):
        problem = "it leads out of the repository"
    elif normal == ".":
        problem = "it names the repository itself"
    else:
        return normal
    r.fail(
        node,
        f"invalid path {show(value)} for {key!r} ({problem}; write a path inside the "
        "repository, from its top, e.g. '.reviewgate/allowed_signers')",
    )


def read_host_path(r: Reader, node: Node, key: str) -> str:
    """A path on the machine that runs the command: absolute, or from the home
    directory (`~/...`); kept as written, `~` is expanded where it is used."""
    value = read_nonempty(r, node, key)
    if value.startswith("/") or value == "~" or value.startswith("~/"):
        return value
    r.fail(
        node,
        f"invalid path {show(value)} for {key!r} (write an absolute path or one from "
        "your home directory, e.g. '~/.cargo')",
    )


# --- rule codes ------------------------------------------------------------


def known_rule_codes() -> list[str]:
    registered = [code for code in RULES if _RULE_CODE.fullmatch(code)]
    return sorted(set(KNOWN_RULE_CODES).union(registered))



def rule_hint(name: str, codes: list[str]) -> str:
    named = {code: rule.name for code, rule in RULES.items()} | KNOWN_RULE_NAMES
    by_name = [code for code, rule_name in named.items() if rule_name == name]
    if by_name:
        return f"rules are named by code: did you mean {by_name[0]!r}?"
    near = nearest(name.upper(), codes)
    return f"did you mean {near!r}?" if near else "known codes: " + ", ".join(codes)

