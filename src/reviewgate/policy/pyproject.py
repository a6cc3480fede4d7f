"""The policy as a `[tool.reviewgate]` table of pyproject.toml (or of any .toml file
named by --config): the table's keys are .reviewgate.yaml's keys, validated by the
same code (policy.load), which walks YAML nodes; the parsed table is turned into
such nodes, each marked with the line its key is on.

tomllib keeps no positions, so locate_keys finds each key's line in the text: table
headers (`[tool.reviewgate.verify]`, `[[...]]`), `key = value` lines with dotted
keys, and the items of an array written over several lines. A key it cannot place
(one inside an inline table, an item of a one-line array) takes the line of the
nearest enclosing key it found, at worst the `[tool.reviewgate]` header's.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from yaml import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reviewgate.errors import PolicyError
from reviewgate.model.record import replace
from reviewgate.policy.load import policy_from_tree
from reviewgate.policy.schema import Policy
from reviewgate.policy.values import BOOL, INT, MAP, SEQ, STR, TAG

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

TABLE = ("tool", "reviewgate")
TABLE_NAME = "[tool.reviewgate]"
KeyPath = tuple[Any, ...]  # keys, and indexes of array items

_POSITION = re.compile(r"^(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|"
                       r"end of document)\)$", re.DOTALL)
# tomllib's message first words -> the fix to suggest.
_FIXES = (
    ("Invalid value", 'a string needs quotes (key = "value"), a list brackets (["a", "b"])'),
    ("Expected '=' after a key", 'write one "key = value" per line'),
    ("Expected newline or end of document", 'one "key = value" a line; quote text ("5s")'),
    ("Cannot declare", "each table header may appear only once: merge the two"),
    ("Cannot overwrite", "each key may be set only once: remove one of them"),
    ("Unterminated string", "close the string with the quote it opened with"),
    ("Unclosed array", "close the list with ']'"),
    ("Unclosed inline table", "close the table with '}' on the same line"),
)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def policy_from_toml(text: str, source: str, *, table_required: bool) -> Policy | None:
    """The policy in the [tool.reviewgate] table of the TOML `text`; errors name
    `source` and a line. Without the table: None, or a PolicyError if
    `table_required` (a .toml file named only to hold the policy)."""
    data = parse(text, source)
    table = _table(data)
    if table is None:
        if table_required:
            raise PolicyError(
                f"{source}: has no {TABLE_NAME} table; put the policy's keys under a "
                f"{TABLE_NAME} line, as in .reviewgate.yaml (e.g. `version = 1`)"
            )
        return None
    try:
        root = _node(table, TABLE, locate_keys(text), source)
    except RecursionError:  # tomllib took it, this walk would not
        raise PolicyError(f"{source}:1: the {TABLE_NAME} table is nested too deeply") from None
    policy = policy_from_tree(root, source)
    return replace(policy, source=f"{source} {TABLE_NAME}")


def table_of(text: str) -> Any:
    """The [tool.reviewgate] table's data, for comparing two versions of a file:
    None when there is none, a marker when the text is not valid TOML."""
    try:
        return _table(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, RecursionError):
        return "\0invalid TOML"


def parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise PolicyError(f"{source}:1: invalid TOML: the document is nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(_syntax_error(str(exc), text, source)) from None


def _syntax_error(error: str, text: str, source: str) -> str:
    match = _POSITION.match(error)
    message = match["message"] if match else error
    if match is None:  # a message in another form: no position to give
        line, where = 1, ""
    elif match["line"]:
        line, where = int(match["line"]), f" (column {match['column']})"
    else:  # "at end of document"
        line, where = max(text.count("\n") + (not text.endswith("\n")), 1), " at the end"
    fix = next((fix for start, fix in _FIXES if message.startswith(start)), None)
    hint = fix or "fix the TOML syntax there (https://toml.io/en/v1.0.0)"
    return f"{source}:{line}: invalid TOML: {' '.join(message.split())}{where}; {hint}"


def _table(data: dict[str, Any]) -> Any:
    tool = data.get(TABLE[0])
    if not isinstance(tool, dict) or TABLE[1] not in tool:
        return None
    return tool[TABLE[1]]


# --- the table as YAML nodes -----------------------------------------------------


def _node(value: Any, path: KeyPath, lines: dict[KeyPath, int], source: str) -> Node:
    mark = Mark(source, 0, _line(path, lines) - 1, 0, None, None)
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            child = _node(item, (*path, key), lines, source)  # the key's line
            pairs.append((ScalarNode(STR, key, child.start_mark, child.end_mark), child))
        return MappingNode(MAP, pairs, mark, mark)
    if isinstance(value, list):
        items = [_node(item, (*path, i), lines, source) for i, item in enumerate(value)]
        return SequenceNode(SEQ, items, mark, mark)
    if isinstance(value, str):
        return ScalarNode(STR, value, mark, mark, style='"')
    if isinstance(value, bool):
        return ScalarNode(BOOL, "true" if value else "false", mark, mark)
    if isinstance(value, int):
        return ScalarNode(INT, str(value), mark, mark)
    if isinstance(value, float):
        return ScalarNode(TAG + "float", repr(value), mark, mark)
    return ScalarNode(TAG + "timestamp", value.isoformat(), mark, mark)  # dates and times


def _line(path: KeyPath, lines: dict[KeyPath, int]) -> int:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


# --- where each key is -------------------------------------------------------------


def locate_keys(text: str) -> dict[KeyPath, int]:
    """The line (from 1) where each key path is first set: ("tool", "reviewgate",
    "verify", "timeout"); an item of an array written over several lines, or of an
    array of tables, has its index in the path."""
    found: dict[KeyPath, int] = {}
    table: KeyPath = ()
    tables_seen: dict[KeyPath, int] = {}
    scan = _ValueScan()
    for number, line in enumerate(text.splitlines(), 1):
        start = 0
        if scan.at_statement():
            stripped = line.lstrip()
            if stripped.startswith("["):
                double = stripped.startswith("[[")
                keys = _keys(stripped, 2 if double else 1, "]")
                if keys is not None:
                    table = tuple(keys[0])
                    if double:
                        index = tables_seen.get(table, 0)
                        tables_seen[table] = index + 1
                        table = (*table, index)
                    _record(found, table, number)
                continue
            keys = _keys(line, 0, "=")
            if keys is None:
                continue
            path = (*table, *keys[0])
            _record(found, path, number)
            scan.value_of(path)
            start = keys[1]
        scan.feed(line, start, number, found)
    return found


def _record(found: dict[KeyPath, int], path: KeyPath, number: int) -> None:
    for end in range(1, len(path) + 1):
        found.setdefault(path[:end], number)


def _keys(line: str, at: int, end: str) -> tuple[list[str], int] | None:
    """The dotted key starting at `at`, and where what follows `end` starts."""
    keys = []
    while True:
        while at < len(line) and line[at] in " \t":
            at += 1
        if line.startswith('"', at):
            close = at + 1
            while close < len(line) and line[close] != '"':
                close += 2 if line[close] == "\\" else 1
            raw = line[at : close + 1]
            try:
                keys.append(json.loads(raw))
            except ValueError:
                keys.append(raw[1:-1])
            at = close + 1
        elif line.startswith("'", at):
            close = line.find("'", at + 1)
            if close < 0:
                return None
            keys.append(line[at + 1 : close])
            at = close + 1
        else:
            bare = _BARE_KEY.match(line, at)
            if bare is None:
                return None
            keys.append(bare.group())
            at = bare.end()
        while at < len(line) and line[at] in " \t":
            at += 1
        if line.startswith(".", at):
            at += 1
            continue
        return (keys, at + 1) if line.startswith(end, at) else None


class _ValueScan:
    """Follows a value over the lines it spans: strings (multi-line ones included),
    comments, brackets; and records where each item of a top-level array starts."""

    def __init__(self) -> None:
        self.string = ""  # the open string's delimiter
        self.depth = 0
        self.array: KeyPath | None = None  # the key whose array is open at depth 1
        self.items = 0
        self.expect_item = False
        self.path: KeyPath = ()

    def at_statement(self) -> bool:
        return not self.string and self.depth == 0

    def value_of(self, path: KeyPath) -> None:
        self.path = path

    def feed(self, line: str, at: int, number: int, found: dict[KeyPath, int]) -> None:
        while at < len(line):
            if self.string:
                at = self._in_string(line, at)
                continue
            char = line[at]
            if char == "#":
                return
            starts_item = self.expect_item and self.depth == 1 and char not in " \t,]"
            if starts_item and self.array is not None:
                found.setdefault((*self.array, self.items), number)
                self.expect_item = False
            if char in "\"'":
                triple = line.startswith(char * 3, at)
                self.string = char * 3 if triple else char
                at += 3 if triple else 1
                continue
            if char in "[{":
                self.depth += 1
                if self.depth == 1 and char == "[":
                    self.array, self.items, self.expect_item = self.path, 0, True
            elif char in "]}":
                self.depth = max(self.depth - 1, 0)
                if self.depth == 0:
                    self.array = None
            elif char == "," and self.depth == 1 and self.array is not None:
                self.items += 1
                self.expect_item = True
            at += 1
        if len(self.string) == 1:  # a one-line string cannot go on: TOML has failed already
            self.string = ""

    def _in_string(self, line: str, at: int) -> int:
        while at < len(line):
            if line[at] == "\\" and self.string[0] == '"':
                at += 2
            elif line.startswith(self.string, at):
                at += len(self.string)
                self.string = ""
                return at
            else:
                at += 1
        return at
