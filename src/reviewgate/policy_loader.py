"""Parse and validate the text of a policy file into a Policy.

yaml.compose is used rather than yaml.safe_load because only the node tree keeps line
numbers and shows duplicate keys (safe_load silently keeps the last). Composing is as
safe as safe_load: no tag is ever constructed except int and bool scalars. The tree
is walked only where the schema expects something, and every list in the schema holds
scalars or flat mappings, so an alias "bomb" is never expanded.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reviewgate.errors import PolicyError
from reviewgate.policy import (
    COMMIT_KIND_VALUES,
    DEFAULT_ORIGIN,
    FORMAT_VALUES,
    KNOWN_RULE_CODES,
    PAIRING_VALUES,
    REQUIRE_VALUES,
    REQUIRED_FOR_VALUES,
    SECTIONS,
    SEVERITY_VALUES,
    SIGNATURE_VALUES,
    AssistancePolicy,
    CommitsPolicy,
    FixesPolicy,
    PathsPolicy,
    PerfPolicy,
    Policy,
    SignoffPolicy,
    ToolIdentity,
    VerifyPolicy,
    leaf_keys,
)

_TAG = "tag:yaml.org,2002:"
STR, INT, BOOL, NULL = _TAG + "str", _TAG + "int", _TAG + "bool", _TAG + "null"
MAP, SEQ = _TAG + "map", _TAG + "seq"
_KINDS = {
    STR: "a string",
    INT: "an integer",
    _TAG + "float": "a number",
    BOOL: "a boolean",
    NULL: "no value",
    _TAG + "timestamp": "a date",
    _TAG + "binary": "binary data",
    MAP: "a mapping",
    SEQ: "a list",
}
# Scalars an argv accepts as the text written; null, binary and custom tags are errors.
_ARGV_TAGS = frozenset({STR, INT, BOOL, _TAG + "float", _TAG + "timestamp"})
RULE_CODE = re.compile(r"RG\d{3}")


class _Reader:
    """Walks one document, recording where each key was set."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.origins: dict[str, str] = dict.fromkeys(leaf_keys(), DEFAULT_ORIGIN)

    def fail(self, node: Node, message: str) -> NoReturn:
        raise PolicyError(f"{self.source}:{_line(node)}: {message}")

    def at(self, node: Node) -> str:
        return f"{self.source}:{_line(node)}"


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _show(text: str) -> str:
    """User text quoted for a one-line message (repr escapes newlines)."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def _kind(node: Node) -> str:
    shape = {MAP: MappingNode, SEQ: SequenceNode}.get(node.tag, ScalarNode)
    if node.tag in _KINDS and isinstance(node, shape):
        return _KINDS[node.tag]
    tag = "!!" + node.tag[len(_TAG) :] if node.tag.startswith(_TAG) else node.tag
    return f"a value tagged {tag}"


def _wrong(r: _Reader, node: Node, key: str, expected: str) -> NoReturn:
    if _is_null(node):
        r.fail(node, f"{key!r} has no value (expected {expected})")
    hint = ""
    plain = isinstance(node, ScalarNode) and node.style is None and node.tag in _KINDS
    if expected == "a string" and plain:
        # YAML 1.1 turns plain yes/off/1.0/2024-01-01 into non-strings.
        hint = f"; quote it to make it a string: {json.dumps(node.value)}"
    r.fail(node, f"{key!r} must be {expected}, got {_kind(node)}{hint}")


def _nearest(word: str, choices: Sequence[str]) -> str | None:
    import difflib

    by_case = [c for c in choices if c.lower() == word.lower()]
    close = by_case or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


# --- scalars -----------------------------------------------------------------


def _string(r: _Reader, node: Node, key: str) -> str:
    if isinstance(node, ScalarNode) and node.tag == STR:
        return node.value
    _wrong(r, node, key, "a string")


def _nonempty(r: _Reader, node: Node, key: str) -> str:
    value = _string(r, node, key)
    if not value.strip():
        r.fail(node, f"{key!r} must not be empty")
    return value


def _enum(values: tuple[str, ...]) -> Callable[[_Reader, Node, str], str]:
    def read(r: _Reader, node: Node, key: str) -> str:
        if not isinstance(node, ScalarNode) or _is_null(node):
            _wrong(r, node, key, "one of: " + ", ".join(values))
        # The raw text, so that a plain `off` (a boolean in YAML 1.1) means "off".
        if node.value in values:
            return node.value
        near = _nearest(node.value, values)
        hint = f"did you mean {near!r}? " if near else ""
        r.fail(
            node,
            f"invalid value {_show(node.value)} for {key!r} "
            f"({hint}expected one of: {', '.join(values)})",
        )

    return read


# YAML 1.1's words for booleans; an explicit `!!bool maybe` is none of them.
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _bool(r: _Reader, node: Node, key: str) -> bool:
    if isinstance(node, ScalarNode) and node.tag == BOOL:
        if node.value.lower() in _BOOLS:
            return _BOOLS[node.value.lower()]
        r.fail(node, f"{key!r}: {_show(node.value)} is not a valid boolean")
    _wrong(r, node, key, "true or false")


def _int(r: _Reader, node: Node, key: str) -> int:
    if isinstance(node, ScalarNode) and node.tag == INT:
        try:
            return int(yaml.constructor.SafeConstructor().construct_yaml_int(node))
        except (ValueError, TypeError, IndexError, KeyError):
            r.fail(node, f"{key!r}: {_show(node.value)} is not a valid integer")
    _wrong(r, node, key, "an integer")


def _version(r: _Reader, node: Node, key: str) -> int:
    value = _int(r, node, key)
    if value != 1:
        r.fail(node, f"unsupported policy version {value} (this reviewgate reads version 1)")
    return value


def _timeout(r: _Reader, node: Node, key: str) -> int:
    value = _int(r, node, key)
    if value <= 0:
        r.fail(node, f"{key!r} must be a positive number of seconds, got {value}")
    return value


def _regex(r: _Reader, node: Node, key: str) -> str:
    value = _string(r, node, key)
    try:
        re.compile(value)
    except re.error as exc:
        r.fail(node, f"invalid regular expression for {key!r}: {exc}")
    except (OverflowError, RecursionError, ValueError) as exc:
        r.fail(node, f"invalid regular expression for {key!r}: {exc}")
    return value


def _trailer_key(r: _Reader, node: Node, key: str) -> str:
    value = _nonempty(r, node, key)
    if ":" in value or any(ch.isspace() for ch in value):
        r.fail(
            node,
            f"invalid trailer key {_show(value)} in {key!r} "
            "(write the key alone, without ':' or spaces, e.g. 'Assisted-by')",
        )
    return value


# What identity matching compares exactly: one address, no name, brackets or spaces.
_BARE_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+")


def _email(r: _Reader, node: Node, key: str) -> str:
    value = _nonempty(r, node, key)
    if not _BARE_EMAIL.fullmatch(value.strip()):
        r.fail(
            node,
            f"invalid email {_show(value)} for {key!r} "
            "(write the address alone, e.g. 'bot@example.org')",
        )
    return value


def _reviewer(r: _Reader, node: Node, key: str) -> str:
    """An entry RG303 can match: sign-offs whose email is not plausible are dropped
    before it looks, so an entry whose email is not plausible matches no one."""
    from reviewgate.identity import parse_ident
    from reviewgate.signoff_sources import plausible_email, reviewer_email

    value = _nonempty(r, node, key)
    if "@" in parse_ident(value)[0]:
        hint = "one reviewer per list item"
    elif not plausible_email(reviewer_email(value)):
        hint = "an email with a dotted domain, alone or as 'Name <email>'"
    else:
        return value
    r.fail(
        node,
        f"invalid reviewer {_show(value)} in {key!r} "
        f"(write {hint}, e.g. 'Grace Hopper <grace@example.org>')",
    )


def _inside_path(r: _Reader, node: Node, key: str) -> str:
    """A path from the repository's top, read at a revision with `git ls-tree`; it
    is normalised, since git names the entry `x`, never `./x` or `a/../x`."""
    import posixpath

    value = _nonempty(r, node, key)
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
        f"invalid path {_show(value)} for {key!r} ({problem}; write a path inside the "
        "repository, from its top, e.g. '.reviewgate/allowed_signers')",
    )


# --- lists and mappings ------------------------------------------------------


def _items(r: _Reader, node: Node, key: str, expected: str) -> list[Node]:
    if isinstance(node, SequenceNode) and node.tag == SEQ:
        return list(node.value)
    if isinstance(node, ScalarNode) and node.tag == STR:
        r.fail(
            node,
            f"{key!r} must be {expected}, got a string; "
            f"write a list, e.g. [{json.dumps(node.value)}]",
        )
    _wrong(r, node, key, expected)


def _list_of(
    item: Callable[[_Reader, Node, str], str], expected: str = "a list of strings"
) -> Callable[[_Reader, Node, str], tuple[str, ...]]:
    def read(r: _Reader, node: Node, key: str) -> tuple[str, ...]:
        return tuple(
            item(r, child, f"{key}[{i}]") for i, child in enumerate(_items(r, node, key, expected))
        )

    return read


def _argv(r: _Reader, node: Node, key: str) -> tuple[str, ...]:
    if isinstance(node, ScalarNode) and node.tag == STR:
        try:
            words = shlex.split(node.value)
        except ValueError:
            words = node.value.split()
        r.fail(
            node,
            f"{key!r} must be a list of arguments, not a shell string; "
            f"write it as a list: {json.dumps(words or ['pytest', '-q'])}",
        )
    args = []
    for i, child in enumerate(_items(r, node, key, "a list of arguments")):
        where = f"{key}[{i}]"
        # An argv takes every plain scalar as the text written: `-n 4` means "4".
        if not isinstance(child, ScalarNode) or child.tag not in _ARGV_TAGS:
            _wrong(r, child, where, "a string")
        args.append(child.value)
    if not args:
        r.fail(node, f"{key!r} must not be empty (it is the test command to run)")
    if not args[0].strip():
        r.fail(node, f"{key!r} must start with the program to run, got an empty string")
    return tuple(args)


def _exit_codes(r: _Reader, node: Node, key: str) -> tuple[int, ...]:
    codes = []
    for i, child in enumerate(_items(r, node, key, "a list of exit statuses")):
        code = _int(r, child, f"{key}[{i}]")
        if not 1 <= code <= 255:
            r.fail(child, f"'{key}[{i}]' must be an exit status from 1 to 255, got {code}"
                   + (" (0 means the tests passed)" if code == 0 else ""))
        codes.append(code)
    return tuple(sorted(set(codes)))


def _pairs(r: _Reader, node: Node, key: str) -> list[tuple[str, Node, Node]]:
    """The entries of a mapping: string keys only, each at most once."""
    if not (isinstance(node, MappingNode) and node.tag == MAP):
        _wrong(r, node, key or "the policy", "a mapping")
    first: dict[str, int] = {}
    out = []
    where = f" in {key!r}" if key else ""
    for knode, vnode in node.value:
        if knode.tag == _TAG + "merge":
            r.fail(knode, f"merge keys ('<<'){where} are not supported; write the keys out")
        if not isinstance(knode, ScalarNode) or knode.tag not in (STR, _TAG + "value"):
            if isinstance(knode, ScalarNode):
                shown, hint = f" {_show(knode.value)}", "; quote it"
            else:
                shown, hint = "", ""
            r.fail(
                knode,
                f"key{shown}{where} is not a string (YAML reads it as {_kind(knode)}{hint})",
            )
        name = knode.value
        dotted = f"{key}.{name}" if key else name
        if name in first:
            r.fail(knode, f"duplicate key {_show(dotted)} (first set at line {first[name]})")
        first[name] = _line(knode)
        out.append((name, knode, vnode))
    return out


def _unknown(r: _Reader, knode: Node, key: str, name: str, valid: Sequence[str]) -> NoReturn:
    prefix = f"{key}." if key else ""
    near = _nearest(name, valid)
    hint = f"did you mean {prefix + near!r}?" if near else "valid keys: " + ", ".join(valid)
    r.fail(knode, f"unknown key {_show(prefix + name)} ({hint})")


def _tool(r: _Reader, node: Node, key: str) -> ToolIdentity:
    values: dict[str, str] = {}
    readers = {"name": _nonempty, "email": _email, "pattern": _regex}
    for name, knode, vnode in _pairs(r, node, key):
        if name not in readers:
            _unknown(r, knode, key, name, list(readers))
        values[name] = readers[name](r, vnode, f"{key}.{name}")
    if "name" not in values:
        r.fail(node, f"{key!r} needs a 'name'")
    if "email" in values and "pattern" in values:
        r.fail(node, f"{key!r} has both 'email' and 'pattern'; give exactly one")
    if "email" not in values and "pattern" not in values:
        r.fail(node, f"{key!r} needs an 'email' or a 'pattern'")
    return ToolIdentity(**values)


def _tools(r: _Reader, node: Node, key: str) -> tuple[ToolIdentity, ...]:
    expected = "a list of tools ({name, email} or {name, pattern})"
    return tuple(
        _tool(r, child, f"{key}[{i}]") for i, child in enumerate(_items(r, node, key, expected))
    )


_STRINGS = _list_of(_nonempty)
_TRAILERS = _list_of(_trailer_key, "a list of trailer keys")
Field = Callable[[_Reader, Node, str], Any]
_SCHEMA: dict[str, tuple[type, dict[str, Field]]] = {
    "paths": (PathsPolicy, {"tests": _STRINGS, "ignore": _STRINGS}),
    "assistance": (
        AssistancePolicy,
        {
            "require": _enum(REQUIRE_VALUES),
            "trailers": _TRAILERS,
            "format": _enum(FORMAT_VALUES),
            "tools": _tools,
        },
    ),
    "fixes": (
        FixesPolicy,
        {"subject": _regex, "trailers": _TRAILERS, "pairing": _enum(PAIRING_VALUES)},
    ),
    "perf": (PerfPolicy, {"subject": _regex, "trailers": _TRAILERS}),
    "verify": (
        VerifyPolicy,
        {
            "command": _argv,
            "timeout": _timeout,
            "error_exit_codes": _exit_codes,
            "error_output": _list_of(_regex, "a list of regular expressions"),
        },
    ),
    "signoff": (
        SignoffPolicy,
        {
            "required_for": _enum(REQUIRED_FOR_VALUES),
            "trailers": _TRAILERS,
            "reviewers": _list_of(_reviewer, "a list of reviewers"),
            "not_author": _bool,
            "signature": _enum(SIGNATURE_VALUES),
            "allowed_signers": _inside_path,
        },
    ),
    "commits": (
        CommitsPolicy,
        {"merges": _enum(COMMIT_KIND_VALUES), "fixups": _enum(COMMIT_KIND_VALUES)},
    ),
}
assert tuple(_SCHEMA) == SECTIONS
TOP_KEYS: tuple[str, ...] = ("version", *SECTIONS, "rules")


def _section(r: _Reader, node: Node, key: str) -> Any:
    cls, schema = _SCHEMA[key]
    if _is_null(node):  # `assistance:` with nothing under it: all defaults
        return cls()
    values = {}
    for name, knode, vnode in _pairs(r, node, key):
        if name not in schema:
            _unknown(r, knode, key, name, list(schema))
        values[name] = schema[name](r, vnode, f"{key}.{name}")
        r.origins[f"{key}.{name}"] = r.at(knode)
    return cls(**values)


def _known_codes() -> list[str]:
    from reviewgate.findings import RULES

    registered = [code for code in RULES if RULE_CODE.fullmatch(code)]
    return sorted(set(KNOWN_RULE_CODES).union(registered))


def _rules(r: _Reader, node: Node) -> dict[str, str]:
    if _is_null(node):
        return {}
    codes = _known_codes()
    severity = _enum(SEVERITY_VALUES)
    out = {}
    for name, knode, vnode in _pairs(r, node, "rules"):
        if name not in codes:
            r.fail(knode, f"unknown rule {_show(name)} in 'rules' ({_rule_hint(name, codes)})")
        out[name] = severity(r, vnode, f"rules.{name}")
        r.origins[f"rules.{name}"] = r.at(knode)
    return out


def _rule_hint(name: str, codes: list[str]) -> str:
    from reviewgate.findings import RULES
    from reviewgate.rules import register_all

    register_all()  # a mistake's hint may name a range rule
    by_name = [rule.code for rule in RULES.values() if rule.name == name]
    if by_name:
        return f"rules are named by code: did you mean {by_name[0]!r}?"
    near = _nearest(name.upper(), codes)
    return f"did you mean {near!r}?" if near else "known codes: " + ", ".join(codes)


def _compose(text: str, source: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "malformed YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else 1
        if "'\\t'" in message:
            message += "; indent with spaces, not tabs"
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "a character"
        message = f"unacceptable character {char}: {exc.reason}"
    except yaml.YAMLError as exc:
        line, message = 1, str(exc)
    except RecursionError:
        line, message = 1, "the document is nested too deeply"
    raise PolicyError(f"{source}:{line}: invalid YAML: {' '.join(message.split())}") from None


def policy_from_text(text: str, source: str) -> Policy:
    """The Policy that `text` describes; `source` names it in errors and origins."""
    root = _compose(text, source)
    r = _Reader(source)
    if root is None or _is_null(root):  # an empty file, or only comments
        return Policy(source=source, origins=r.origins)
    if not (isinstance(root, MappingNode) and root.tag == MAP):
        r.fail(root, f"the policy must be a mapping of keys such as 'version', got {_kind(root)}")
    values: dict[str, Any] = {}
    for name, knode, vnode in _pairs(r, root, ""):
        if name == "version":
            values[name] = _version(r, vnode, name)
        elif name == "rules":
            values[name] = _rules(r, vnode)
        elif name in _SCHEMA:
            values[name] = _section(r, vnode, name)
        else:
            _unknown(r, knode, "", name, TOP_KEYS)
        if name in r.origins:  # "version" and "rules"; a section's keys have their own
            r.origins[name] = r.at(knode)
    return Policy(**values, source=source, origins=r.origins)
