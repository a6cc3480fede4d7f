"""Parse and validate the text of a policy file into a Policy.

yaml.compose is used rather than yaml.safe_load because only the node tree keeps line
numbers and shows duplicate keys (safe_load silently keeps the last). Composing is as
safe as safe_load: no tag is ever constructed except int and bool scalars. The tree
is walked only where the schema expects something, and every list in the schema holds
scalars or flat mappings, so an alias "bomb" is never expanded.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reviewgate.errors import PolicyError
from reviewgate.policy.presets import PRESETS, preset_source
from reviewgate.policy.schema import (
    AUTHOR_VALUES,
    AUTO_COMMAND,
    CACHE_TRUST_VALUES,
    CO_AUTHOR_VALUES,
    COMMIT_KIND_VALUES,
    FORMAT_VALUES,
    HARNESS_VALUES,
    PAIRING_VALUES,
    REQUIRE_VALUES,
    REQUIRED_FOR_VALUES,
    SANDBOX_VALUES,
    SECTIONS,
    SEVERITY_VALUES,
    SIGNATURE_VALUES,
    TESTS_REQUIRED_FOR_VALUES,
    AssistancePolicy,
    CommitsPolicy,
    FixesPolicy,
    PathsPolicy,
    PerfPolicy,
    Policy,
    RequiredTestsPolicy,
    SignoffPolicy,
    ToolIdentity,
    VerifyPolicy,
)
from reviewgate.policy.values import (
    ARGV_TAGS,
    MAP,
    SEQ,
    STR,
    TAG,
    Reader,
    is_null,
    kind_of,
    known_rule_codes,
    line_of,
    nearest,
    read_bool,
    read_email,
    read_enum,
    read_host_path,
    read_inside_path,
    read_int,
    read_nonempty,
    read_regex,
    read_reviewer,
    read_timeout,
    read_trailer_key,
    read_version,
    rule_hint,
    show,
    wrong_type,
)

MAX_RERUNS = 10

# --- lists and mappings ------------------------------------------------------


def _items(r: Reader, node: Node, key: str, expected: str) -> list[Node]:
    if isinstance(node, SequenceNode) and node.tag == SEQ:
        return list(node.value)
    if isinstance(node, ScalarNode) and node.tag == STR:
        r.fail(
            node,
            f"{key!r} must be {expected}, got a string; "
            f"write a list, e.g. [{json.dumps(node.value)}]",
        )
    wrong_type(r, node, key, expected)


def _list_of(
    item: Callable[[Reader, Node, str], str], expected: str = "a list of strings"
) -> Callable[[Reader, Node, str], tuple[str, ...]]:
    def read(r: Reader, node: Node, key: str) -> tuple[str, ...]:
        return tuple(
            item(r, child, f"{key}[{i}]") for i, child in enumerate(_items(r, node, key, expected))
        )

    return read


def _argv(r: Reader, node: Node, key: str) -> tuple[str, ...] | str:
    if isinstance(node, ScalarNode) and node.tag == STR and node.value == AUTO_COMMAND:
        return AUTO_COMMAND
    if isinstance(node, ScalarNode) and node.tag == STR:
        try:
            words = shlex.split(node.value)
        except ValueError:
            words = node.value.split()
        r.fail(
            node,
            f"{key!r} must be a list of arguments, not a shell string; "
            f"write it as a list: {json.dumps(words or ['pytest', '-q'])}, "
            f"or {AUTO_COMMAND!r} for the project's own test command",
        )
    args = []
    for i, child in enumerate(_items(r, node, key, "a list of arguments")):
        where = f"{key}[{i}]"
        # An argv takes every plain scalar as the text written: `-n 4` means "4".
        if not isinstance(child, ScalarNode) or child.tag not in ARGV_TAGS:
            wrong_type(r, child, where, "a string")
        args.append(child.value)
    if not args:
        r.fail(node, f"{key!r} must not be empty (it is the test command to run)")
    if not args[0].strip():
        r.fail(node, f"{key!r} must start with the program to run, got an empty string")
    return tuple(args)


def _exit_codes(r: Reader, node: Node, key: str) -> tuple[int, ...]:
    codes = []
    for i, child in enumerate(_items(r, node, key, "a list of exit statuses")):
        code = read_int(r, child, f"{key}[{i}]")
        if not 1 <= code <= 255:
            r.fail(child, f"'{key}[{i}]' must be an exit status from 1 to 255, got {code}"
                   + (" (0 means the tests passed)" if code == 0 else ""))
        codes.append(code)
    return tuple(sorted(set(codes)))


def _reruns(r: Reader, node: Node, key: str) -> int:
    value = read_int(r, node, key)
    if not 0 <= value <= MAX_RERUNS:
        r.fail(node, f"{key!r} must be a number of runs from 0 to {MAX_RERUNS}, got {value}")
    return value


def _pairs(r: Reader, node: Node, key: str) -> list[tuple[str, Node, Node]]:
    """The entries of a mapping: string keys only, each at most once."""
    if not (isinstance(node, MappingNode) and node.tag == MAP):
        wrong_type(r, node, key or "the policy", "a mapping")
    first: dict[str, int] = {}
    out = []
    where = f" in {key!r}" if key else ""
    for knode, vnode in node.value:
        if knode.tag == TAG + "merge":
            r.fail(knode, f"merge keys ('<<'){where} are not supported; write the keys out")
        if not isinstance(knode, ScalarNode) or knode.tag not in (STR, TAG + "value"):
            if isinstance(knode, ScalarNode):
                shown, hint = f" {show(knode.value)}", "; quote it"
            else:
                shown, hint = "", ""
            r.fail(
                knode,
                f"key{shown}{where} is not a string (YAML reads it as {kind_of(knode)}{hint})",
            )
        name = knode.value
        dotted = f"{key}.{name}" if key else name
        if name in first:
            r.fail(knode, f"duplicate key {show(dotted)} (first set at line {first[name]})")
        first[name] = line_of(knode)
        out.append((name, knode, vnode))
    return out


def _unknown(r: Reader, knode: Node, key: str, name: str, valid: Sequence[str]) -> NoReturn:
    prefix = f"{key}." if key else ""
    near = nearest(name, valid)
    hint = f"did you mean {prefix + near!r}?" if near else "valid keys: " + ", ".join(valid)
    r.fail(knode, f"unknown key {show(prefix + name)} ({hint})")


def _tool(r: Reader, node: Node, key: str) -> ToolIdentity:
    values: dict[str, str] = {}
    readers = {"name": read_nonempty, "email": read_email, "pattern": read_regex}
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


def _tools(r: Reader, node: Node, key: str) -> tuple[ToolIdentity, ...]:
    expected = "a list of tools ({name, email} or {name, pattern})"
    return tuple(
        _tool(r, child, f"{key}[{i}]") for i, child in enumerate(_items(r, node, key, expected))
    )


def _tool_names(r: Reader, node: Node, key: str) -> tuple[str, ...]:
    """Registry names; each item's line is kept ("assistance.allow[2]") so that the
    disclosure rules, which know the registry, can name it when a name is unknown."""
    names = []
    for i, child in enumerate(_items(r, node, key, "a list of tool names")):
        names.append(read_nonempty(r, child, f"{key}[{i}]").strip())
        r.origins[f"{key}[{i}]"] = r.at(child)
    return tuple(names)


_STRINGS = _list_of(read_nonempty)
_TRAILERS = _list_of(read_trailer_key, "a list of trailer keys")
Field = Callable[[Reader, Node, str], Any]
_SCHEMA: dict[str, tuple[type, dict[str, Field]]] = {
    "paths": (PathsPolicy, {"tests": _STRINGS, "ignore": _STRINGS}),
    "assistance": (
        AssistancePolicy,
        {
            "require": read_enum(REQUIRE_VALUES),
            "trailers": _TRAILERS,
            "format": read_enum(FORMAT_VALUES),
            "tools": _tools,
            "co_authors": read_enum(CO_AUTHOR_VALUES),
            "author": read_enum(AUTHOR_VALUES),
            "allow": _tool_names,
            "deny": _tool_names,
            "harness": read_enum(HARNESS_VALUES),
        },
    ),
    "fixes": (
        FixesPolicy,
        {"subject": read_regex, "trailers": _TRAILERS, "pairing": read_enum(PAIRING_VALUES)},
    ),
    "tests": (RequiredTestsPolicy, {"required_for": read_enum(TESTS_REQUIRED_FOR_VALUES)}),
    "perf": (PerfPolicy, {"subject": read_regex, "trailers": _TRAILERS}),
    "verify": (
        VerifyPolicy,
        {
            "command": _argv,
            "timeout": read_timeout,
            "reruns": _reruns,
            "error_exit_codes": _exit_codes,
            "error_output": _list_of(read_regex, "a list of regular expressions"),
            "sandbox": read_enum(SANDBOX_VALUES),
            "network": read_bool,
            "expose": _list_of(read_host_path, "a list of paths"),
            "cache_trust": read_enum(CACHE_TRUST_VALUES),
        },
    ),
    "signoff": (
        SignoffPolicy,
        {
            "required_for": read_enum(REQUIRED_FOR_VALUES),
            "trailers": _TRAILERS,
            "reviewers": _list_of(read_reviewer, "a list of reviewers"),
            "not_author": read_bool,
            "signature": read_enum(SIGNATURE_VALUES),
            "allowed_signers": read_inside_path,
        },
    ),
    "commits": (
        CommitsPolicy,
        {"merges": read_enum(COMMIT_KIND_VALUES), "fixups": read_enum(COMMIT_KIND_VALUES)},
    ),
}
assert tuple(_SCHEMA) == SECTIONS
TOP_KEYS: tuple[str, ...] = ("version", "extends", *SECTIONS, "rules")


def _section(r: Reader, node: Node, key: str, base: Policy) -> Any:
    schema = _SCHEMA[key][1]
    if is_null(node):  # `assistance:` with nothing under it: the base's values
        return getattr(base, key)
    values = {}
    for name, knode, vnode in _pairs(r, node, key):
        if name not in schema:
            _unknown(r, knode, key, name, list(schema))
        values[name] = schema[name](r, vnode, f"{key}.{name}")
        r.origins[f"{key}.{name}"] = r.at(knode)
    return replace(getattr(base, key), **values)


def _rules(r: Reader, node: Node) -> dict[str, str]:
    if is_null(node):
        return {}
    codes = known_rule_codes()
    severity = read_enum(SEVERITY_VALUES)
    out = {}
    for name, knode, vnode in _pairs(r, node, "rules"):
        if name not in codes:
            r.fail(knode, f"unknown rule {show(name)} in 'rules' ({rule_hint(name, codes)})")
        out[name] = severity(r, vnode, f"rules.{name}")
        r.origins[f"rules.{name}"] = r.at(knode)
    return out


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


def _extends(r: Reader, root: Node, preset: bool) -> tuple[str, Policy]:
    """The preset `extends:` names and its policy, or ("", the defaults)."""
    for name, knode, vnode in _pairs(r, root, ""):
        if name != "extends":
            continue
        if preset:
            r.fail(knode, "a preset cannot extend another preset")
        known = ", ".join(sorted(PRESETS))
        if not isinstance(vnode, ScalarNode) or vnode.tag != STR or not vnode.value.strip():
            wrong_type(r, vnode, "extends", f"the name of a preset ({known})")
        wanted = vnode.value.strip()
        if wanted not in PRESETS:
            near = nearest(wanted, sorted(PRESETS))
            hint = f"did you mean {near!r}? " if near else ""
            r.fail(vnode, f"unknown preset {show(wanted)} ({hint}known presets: {known})")
        base = load_preset(wanted)
        r.origins.update(base.origins)
        r.origins["extends"] = r.at(knode)
        return wanted, base
    return "", Policy()


def load_preset(name: str) -> Policy:
    """The policy of preset `name` (a key of policy.presets.PRESETS)."""
    source = preset_source(name)
    text = PRESETS[name].path.read_text(encoding="utf-8")
    return policy_from_text(text, source, preset=True)


def policy_from_text(text: str, source: str, *, preset: bool = False) -> Policy:
    """The Policy that `text` describes; `source` names it in errors and origins.
    `extends: NAME` starts from a preset, whose values the file's keys override."""
    return policy_from_tree(_compose(text, source), source, preset=preset)


def policy_from_tree(root: Node | None, source: str, *, preset: bool = False) -> Policy:
    """The Policy of a document's node tree (YAML's, or a TOML table's made into one)."""
    r = Reader(source)
    if root is None or is_null(root):  # an empty file, or only comments
        return Policy(source=source, origins=r.origins)
    if not (isinstance(root, MappingNode) and root.tag == MAP):
        r.fail(root, f"the policy must be a mapping of keys such as 'version', got {kind_of(root)}")
    extends, base = _extends(r, root, preset)
    values: dict[str, Any] = {}
    for name, knode, vnode in _pairs(r, root, ""):
        if name == "version":
            values[name] = read_version(r, vnode, name)
        elif name == "extends":
            continue
        elif name == "rules":
            values[name] = {**base.rules, **_rules(r, vnode)}
        elif name in _SCHEMA:
            values[name] = _section(r, vnode, name, base)
        else:
            _unknown(r, knode, "", name, TOP_KEYS)
        if name in r.origins:  # "version" and "rules"; a section's keys have their own
            r.origins[name] = r.at(knode)
    for section in SECTIONS:
        values.setdefault(section, getattr(base, section))
    values.setdefault("rules", dict(base.rules))
    values.setdefault("version", base.version)
    return Policy(**values, extends=extends, source=source, origins=r.origins)
