"""git-exact commit message cleanup and trailer parsing.

Pure functions over ``str``; no I/O. The rules mirror git's own C code
(``strbuf_stripspace``, ``wt_status_locate_end``, ``ignored_log_message_bytes``
and ``trailer.c``), so a message is judged exactly as git itself would judge it.
Character classes are git's locale-independent ASCII ones, not Python's Unicode
ones: only space, tab, CR and LF are whitespace, only ASCII letters and digits are
alphanumeric. A NUL character ends a message for git; callers never pass one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CLEANUP_MODES",
    "CUT_LINE",
    "add_trailer",
    "cleanup_message",
    "infer_auto_comment_char",
    "is_fixup_subject",
    "parse_trailers",
    "trailer_block",
]

CUT_LINE = "------------------------ >8 ------------------------"

_SPACE = " \t\n\r"
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_TOKEN_CHARS = _ALNUM | {"-"}
# Lines git itself writes into a trailer block; one of them lets a block hold up
# to 75% of other lines.
_GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
_AUTO_COMMENT_CANDIDATES = "#;@!$%^&|:"
CLEANUP_MODES = ("strip", "whitespace", "verbatim", "scissors")
_FIXUP_PREFIXES = ("fixup! ", "squash! ", "amend! ")


def _check_comment(comment: str) -> None:
    if not comment or "\n" in comment:
        raise ValueError(f"invalid comment string {comment!r}")


def _check_separators(separators: str) -> None:
    if not separators or "\n" in separators:
        raise ValueError(f"invalid trailer separators {separators!r}")


# --- cleanup -------------------------------------------------------------------


def _scissors_offset(text: str, limit: int, comment: str) -> int:
    """Where the scissors line starts, or `limit`. git 2.39 searched past `limit`
    (and then looped forever); git 2.45 clamps the result, and so do we."""
    pattern = f"\n{comment} {CUT_LINE}\n"  # the whole line, newline included
    if text.startswith(pattern[1:]):
        return 0
    found = text.find(pattern)
    return limit if found < 0 else min(found + 1, limit)


def _stripspace(text: str, comment: str | None) -> str:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text ended with a newline: no partial last line
    out: list[str] = []
    empties = 0
    for line in lines:
        # git tests the raw line (with its newline), so an empty line is never a
        # comment, and a comment line is not a blank line either.
        if comment is not None and line.startswith(comment):
            continue
        kept = line.rstrip(_SPACE)
        if not kept:
            empties += 1
            continue
        if empties and out:
            out.append("")
        empties = 0
        out.append(kept)
    return "\n".join(out) + "\n" if out else ""


def cleanup_message(text: str, *, mode: str = "strip", comment: str = "#") -> str:
    """The message git commits after `commit.cleanup=<mode>`.

    "strip" also cuts at the scissors line: the hook cannot tell whether the
    commit was made with -v, and below that line there is only git's diff."""
    if mode not in CLEANUP_MODES:
        raise ValueError(
            f"unknown cleanup mode {mode!r}; expected one of {', '.join(CLEANUP_MODES)}"
        )
    _check_comment(comment)
    if mode == "verbatim":
        return text
    if mode in ("strip", "scissors"):
        text = text[: _scissors_offset(text, len(text), comment)]
    return _stripspace(text, comment if mode == "strip" else None)


def _git_auto_choice(text: str) -> str | None:
    """builtin/commit.c adjust_comment_line_char: None when git gives up."""
    if "#" not in text:
        return "#"
    taken = {text[0]}
    for i, ch in enumerate(text[:-1]):
        if ch in "\n\r":
            taken.add(text[i + 1])
    return next((c for c in _AUTO_COMMENT_CANDIDATES if c not in taken), None)


def _quotes_itself(line: str) -> bool:
    """A template line such as "# with '#' will be ignored": the comment character
    quoted on its own line. Any pair of quote-like characters counts, so that
    translated templates (« », „ “, ...) are recognised too."""
    c = line[0]
    for i in range(2, len(line) - 1):
        if line[i] != c:
            continue
        before, after = line[i - 1], line[i + 1]
        if not (before.isalnum() or before.isspace() or after.isalnum() or after.isspace()):
            return True
    return False


def _is_git_comment_block(lines: list[str], first: int, c: str) -> bool:
    """From `first` on, git's template: blank or `c` lines only, up to its
    scissors line (a diff may follow that)."""
    for line in lines[first:]:
        if line == f"{c} {CUT_LINE}":
            return True
        if line.strip(_SPACE) and not line.startswith(c):
            return False
    return True


def infer_auto_comment_char(text: str) -> str:
    """The comment character git chose for `core.commentChar=auto`.

    git picks the first of "#;@!$%^&|:" that starts no line of the message it
    prepared, then appends its template with that character: a line that quotes
    the character ("# with '#' will be ignored"), and with -v its scissors line
    followed by more comment lines. A character found there is accepted when
    git's template could start at its first line (only blank and comment lines
    follow, up to the scissors line) and git's rule, applied to the text above
    it, chooses it; of several, the one starting last. Without such evidence
    (no editor was started, so git added no comments) git's rule on the whole
    text gives its choice."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not line or line[0] not in _AUTO_COMMENT_CANDIDATES or line[0] in found:
            continue
        c = line[0]
        scissors = line == f"{c} {CUT_LINE}" and i + 1 < len(lines) and lines[i + 1].startswith(c)
        if not (scissors or _quotes_itself(line)):
            continue
        first = next(n for n, ln in enumerate(lines) if ln.startswith(c))
        if _is_git_comment_block(lines, first, c) and _git_auto_choice(text[: offsets[first]]) == c:
            found[c] = first
    if found:
        # git's template follows all of the user's text: a user line that only
        # looks like git's comes earlier
        return max(found, key=found.__getitem__)
    return _git_auto_choice(text) or "#"


def is_fixup_subject(subject: str) -> bool:
    """Subjects that `git rebase --autosquash` folds into an earlier commit."""
    return subject.startswith(_FIXUP_PREFIXES)


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


@dataclass(frozen=True)
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
    items: list[str] = []
    joinable = False
    for line in _split_keep(text[start:end]):
        if joinable and line[0] in _SPACE:
            items[-1] += line
            continue
        items.append(line)
        joinable = _find_separator(line, 0, separators) >= 1
    before = _last_line(text, start)
    return _Block(start, end, tuple(items), before >= 0 and _is_blank_line(text, before))


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
