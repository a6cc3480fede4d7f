"""git-exact trailer parsing and editing, as git's own ``trailer.c`` does it.

Pure functions over ``str``; no I/O. Character classes are git's ASCII ones (see
model.message, whose cleanup rules this module shares).
"""

from __future__ import annotations

import re

from reviewgate.model.message import (
    _ALNUM,
    _GIT_GENERATED_PREFIXES,
    _SPACE,
    _TOKEN_CHARS,
    _check_comment,
    _check_separators,
    _scissors_offset,
)
from reviewgate.model.record import record

__all__ = ["add_trailer", "parse_trailers", "trailer_block"]


# --- trailers ------------------------------------------------------------------


def _next_line(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def _last_line(text: str, length: int) -> int:
    """Start of the last line of text[:length] (a final newline belongs to it)."""
    if length == 0:
        return -1
    if length == 1:
        return 0
    return text.rfind("\n", 0, length - 1) + 1


def _is_blank_line(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] != "\n":
        if text[pos] not in _SPACE:
            return False
        pos += 1
    return True


def _find_separator(text: str, pos: int, separators: str) -> int:
    """Offset from `pos` of the separator in "<token>[ \\t]*<sep>", 0 when the line
    starts with a separator, -1 when the line is not of that form."""
    whitespace_found = False
    for i in range(pos, len(text)):
        c = text[i]
        if c in separators:
            return i - pos
        if not whitespace_found and c in _TOKEN_CHARS:
            continue
        if i != pos and c in " \t":
            whitespace_found = True
            continue
        break
    return -1


_DIVIDER = re.compile(r"^---[ \t\n\r]", re.MULTILINE)
_FOLD = re.compile(r"\n[ \t\n\r]*")


def _end_of_log_message(text: str, divider: bool, comment: str) -> int:
    end = len(text)
    if divider:
        found = _DIVIDER.search(text)
        if found:
            end = found.start()
    # Trailing comment and empty lines, an old "Conflicts:" block and anything
    # from the scissors line on are not part of the message.
    cutoff = _scissors_offset(text, end, comment)
    if "Conflicts:\n" not in text:
        return _end_of_trailing_comments(text, cutoff, comment)
    boc = 0  # git's quirk: a run starting at offset 0 counts as "no run"
    in_conflicts = False
    bol = 0
    while bol < cutoff:
        nl = text.find("\n", bol, end)
        next_bol = end if nl < 0 else nl + 1
        if text.startswith(comment, bol, cutoff) or text[bol] == "\n":
            boc = boc or bol
        elif text.startswith("Conflicts:\n", bol):
            in_conflicts = True
            boc = boc or bol
        elif in_conflicts and text[bol] == "\t":
            pass
        elif boc:
            boc = 0
            in_conflicts = False
        bol = next_bol
    return boc if boc else cutoff


def _end_of_trailing_comments(text: str, cutoff: int, comment: str) -> int:
    """Where the final run of comment and empty lines before `cutoff` starts; the
    same as the forward scan above when no "Conflicts:" block can occur, but it
    looks at the last lines only, so a long message costs no more than a short one."""
    if cutoff == 0:
        return 0
    start = cutoff
    bol = text.rfind("\n", 0, cutoff - 1) + 1 if text[cutoff - 1] == "\n" else (
        text.rfind("\n", 0, cutoff) + 1
    )
    while True:
        if not (text.startswith(comment, bol, cutoff) or text[bol] == "\n"):
            return start
        if bol == 0:
            # git's quirk (`if (!boc) boc = bol;`): a run that starts at offset 0
            # only counts from its second line.
            return start
        start = bol
        bol = text.rfind("\n", 0, bol - 1) + 1


def _trailer_block_start(text: str, end: int, separators: str, comment: str) -> int:
    pos = 0
    while pos < end:  # the first paragraph is the title, never trailers
        if not text.startswith(comment, pos, end) and _is_blank_line(text, pos):
            break
        pos = _next_line(text, pos)
    end_of_title = pos

    # From the end up to a blank line: a block of trailers only, or one holding
    # a git-generated trailer with at least 25% trailer lines.
    only_spaces = True
    recognized_prefix = False
    trailer_lines = non_trailer_lines = possible_continuations = 0
    bol = _last_line(text, end)
    while bol >= end_of_title:
        if text.startswith(comment, bol, end):
            non_trailer_lines += possible_continuations
            possible_continuations = 0
        elif _is_blank_line(text, bol):
            if not only_spaces:
                non_trailer_lines += possible_continuations
                if recognized_prefix and trailer_lines * 3 >= non_trailer_lines:
                    return _next_line(text, bol)
                if trailer_lines and not non_trailer_lines:
                    return _next_line(text, bol)
                return end
        else:
            only_spaces = False
            if text.startswith(_GIT_GENERATED_PREFIXES, bol):
                trailer_lines += 1
                possible_continuations = 0
                recognized_prefix = True
            elif _find_separator(text, bol, separators) >= 1 and text[bol] not in _SPACE:
                trailer_lines += 1
                possible_continuations = 0
            elif text[bol] in _SPACE:
                possible_continuations += 1
            else:
                non_trailer_lines += 1 + possible_continuations
                possible_continuations = 0
        bol = _last_line(text, bol)
    return end


@record
class _Block:
    start: int
    end: int
    items: tuple[str, ...]  # one entry per trailer (continuations joined) or other line
    blank_line_before: bool


def _block(text: str, divider: bool, separators: str, comment: str) -> _Block:
    _check_separators(separators)
    _check_comment(comment)
    end = _end_of_log_message(text, divider, comment)
    start = _trailer_block_start(text, end, separators, comment)
    # Each item as its lines, joined once at the end: adding continuation lines to
    # a string one by one would copy it once per line (quadratic in a trailer
    # folded over thousands of lines).
    items: list[list[str]] = []
    joinable = False
    for line in _split_keep(text[start:end]):
        if joinable and line[0] in _SPACE:
            items[-1].append(line)
            continue
        items.append([line])
        joinable = _find_separator(line, 0, separators) >= 1
    before = _last_line(text, start)
    return _Block(start, end, tuple("".join(parts) for parts in items),
                  before >= 0 and _is_blank_line(text, before))


def _split_keep(text: str) -> list[str]:
    """Lines with their newline kept; no empty piece at the end (strbuf_split)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _log_message_offset(message: str) -> int:
    """git log starts a commit's message at its first non-blank line."""
    pos = 0
    while pos < len(message):
        nxt = _next_line(message, pos)
        if message[pos:nxt].strip(_SPACE):
            break
        pos = nxt
    return pos


def _unfold(value: str) -> str:
    """git's unfold_value: a newline and the whitespace after it become one space."""
    if "\n" in value:
        value = _FOLD.sub(" ", value)
    return value.strip(_SPACE)


def _items_to_pairs(
    items: tuple[str, ...], separators: str, comment: str, unfold: bool
) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        if item.startswith(comment):
            continue
        sep = _find_separator(item, 0, separators)
        if sep >= 1:
            value = item[sep + 1 :].strip(_SPACE)
            pairs.append((item[:sep].strip(_SPACE), _unfold(value) if unfold else value))
    return pairs


def trailer_block(
    message: str, *, divider: bool, separators: str = ":", comment: str = "#"
) -> tuple[int, int]:
    """Offsets [start, end) of the trailer block; start == end when there is none.

    divider=True reads a message file as `git interpret-trailers` does (a
    "---" line starts a patch); divider=False reads a commit as `git log` does."""
    offset = 0 if divider else _log_message_offset(message)
    block = _block(message[offset:], divider, separators, comment)
    return offset + block.start, offset + block.end


def parse_trailers(
    message: str, *, divider: bool, separators: str = ":", comment: str = "#"
) -> list[tuple[str, str]]:
    """(key, value) pairs as `git interpret-trailers --parse` (divider=True) or
    `git log --format=%(trailers:only,unfold)` (divider=False) print them."""
    offset = 0 if divider else _log_message_offset(message)
    block = _block(message[offset:], divider, separators, comment)
    return _items_to_pairs(block.items, separators, comment, unfold=True)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _casefold(text: str) -> str:
    """strcasecmp's notion of case: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


def _same_token(written: str, key: str) -> bool:
    """trailer.c same_token: compare up to the shorter key, ignoring case and
    trailing punctuation (so "Sign" matches "Signed-off-by")."""
    length = len(written)
    while length and written[length - 1] not in _ALNUM:
        length -= 1
    length = min(length, len(key.rstrip("-")))
    return _casefold(written[:length]) == _casefold(key[:length])


def _neighbour_is_same(
    items: tuple[str, ...], key: str, value: str, separators: str, comment: str
) -> bool:
    """git's default ifExists=addIfDifferentNeighbor: nothing is added when the
    last line of the block already is this trailer (value compared without case)."""
    kept = [item for item in items if not item.startswith(comment)]
    if not kept:
        return False
    last = _items_to_pairs((kept[-1],), separators, comment, unfold=False)
    return bool(last) and _same_token(last[0][0], key) and _casefold(last[0][1]) == _casefold(value)


def _line_ending(message: str, at: int) -> str:
    """The newline style of the line before `at` (else of the first line)."""
    nl = message.rfind("\n", 0, at)
    if nl < 0:
        nl = message.find("\n")
    return "\r\n" if nl > 0 and message[nl - 1] == "\r" else "\n"


def add_trailer(
    message: str, key: str, value: str, *, separators: str = ":", comment: str = "#"
) -> str:
    """The message with the trailer "key: value" added as
    `git interpret-trailers --trailer "key: value"` adds it, or unchanged when
    the block already holds that trailer.

    Unlike git, the rest of the text is kept byte for byte: git rewrites the
    existing trailer lines (spacing, CRLF) and drops comment lines inside the
    block, we only insert one line. A message without a final newline is read as
    if it had one, as it will be after cleanup (git 2.39 would glue the trailer
    to the unterminated last line, or miss a final "---" divider)."""
    _check_separators(separators)
    if not key or any(c not in _TOKEN_CHARS or c in separators for c in key):
        raise ValueError(f"invalid trailer key {key!r}")
    if "\n" in value or "\r" in value:
        raise ValueError("a trailer value cannot span lines")
    value = value.strip(_SPACE)
    completion = ""
    if message and not message.endswith("\n"):
        style = _line_ending(message, len(message))
        completion = "\n" if message.endswith("\r") and style == "\r\n" else style
    text = message + completion
    block = _block(text, True, separators, comment)
    present = _items_to_pairs(block.items, separators, comment, unfold=True)
    if any(_casefold(k) == _casefold(key) and v == value for k, v in present):
        return message
    if _neighbour_is_same(block.items, key, value, separators, comment):
        return message

    at = block.end
    # Whitespace-only lines that end a block are continuations to git; a trailer
    # added after them would start a new paragraph of its own.
    while at > block.start and _is_blank_line(text, _last_line(text, at)):
        at = _last_line(text, at)
    newline = _line_ending(text, at)
    blank = newline if block.start == block.end and not block.blank_line_before else ""
    result = f"{text[:at]}{blank}{key}{separators[0]} {value}{newline}{text[at:]}"
    if completion and at < len(text):
        result = result[: -len(completion)]  # the user's last line stays as it was
    return result
