"""Commit data made safe to print: for a terminal, for a CI log, for a machine.

A commit's subject, trailers and identities are written by whoever made the
commit. Printed raw they can drive the reader's terminal (ESC sequences: OSC 52
writes the clipboard, OSC 8 makes links, CSI 2K erases a line and can fake a
summary) or the CI runner that keeps the log (GitHub's runner splits lines on a
bare CR as on LF, obeys `::command::` at the start of a line and the legacy
`##[command]` anywhere in one). See docs/security.md, "Output".

- `visible`: for people. Control characters become visible escapes (`\\x1b`,
  `\\r`, `\\u202e`); a line that would start with `::` gets `\\::`, and `##[`
  becomes `##\\[`. Line feeds and tabs stay. Idempotent.
- `json_safe`: for a serialised JSON document (json, SARIF). The same
  characters become JSON escapes (`\\u001b`, `\\u0023`), so the document stays
  valid and `json.loads` gives back the exact data.
- `xml_safe`: for a serialised XML document (JUnit). Character references
  (`&#13;`, `&#35;`), so an XML parser gives back the exact data.

On the hooks' fast path: no imports.
"""

from __future__ import annotations

__all__ = ["json_safe", "visible", "xml_safe"]

# C0 controls but tab and line feed, DEL, C1 controls, and the Unicode controls
# that reorder or hide text on screen (bidirectional overrides and isolates, the
# line and paragraph separators).
_UNSAFE = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(0x7F)]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                        0x061C, 0x2028, 0x2029)]
)
_NAMED = {"\r": "\\r", "\x1b": "\\x1b"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_VISIBLE = {ord(c): _escape(c) for c in _UNSAFE}
_JSON = {ord(c): f"\\u{ord(c):04x}" for c in _UNSAFE}
# XML 1.0 has no way to write a C0 control but tab, LF and CR, not even a reference:
# those become U+FFFD (junit drops them before this).
_XML = {ord(c): "\ufffd" if ord(c) < 0x20 and c != "\r" else f"&#{ord(c)};" for c in _UNSAFE}


def _neutral_line_starts(text: str, colon: str) -> str:
    """`::` at the start of a line (after spaces or tabs) with its first colon
    replaced by `colon`."""
    if "::" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        rest = line.lstrip(" \t")
        if rest.startswith("::"):
            lines[i] = line[: len(line) - len(rest)] + colon + rest[1:]
    return "\n".join(lines)


def visible(text: str) -> str:
    """`text` for a terminal or a log: control characters shown, never obeyed."""
    text = text.translate(_VISIBLE)
    if "##[" in text:
        text = text.replace("##[", "##\\[")
    return _neutral_line_starts(text, "\\:")


def json_safe(document: str) -> str:
    """A serialised JSON document with the same meaning and no character a
    terminal or CI runner obeys. Every `#` and control character of a JSON
    document is inside a string, where a `\\uXXXX` escape stands for itself."""
    document = document.translate(_JSON)
    if "##[" in document:
        document = document.replace("##[", "#\\u0023[")
    # A pretty-printed line starts with spaces and a quote or bracket, never "::".
    return _neutral_line_starts(document, "\\u003a")


def xml_safe(document: str) -> str:
    """A serialised XML document with the same meaning and no character a
    terminal or CI runner obeys: character references instead (tab and line
    feed stay; a line that would start with `::` starts with `&#58;:`). XML cannot
    hold the other C0 controls at all: they become U+FFFD."""
    document = document.translate(_XML)
    if "##[" in document:
        document = document.replace("##[", "#&#35;[")
    return _neutral_line_starts(document, "&#58;")
