"""git-exact commit message cleanup (the trailers are model.trailers).

Pure functions over ``str``; no I/O. The rules mirror git's own C code
(``strbuf_stripspace``, ``wt_status_locate_end``, ``ignored_log_message_bytes``
and ``trailer.c``), so a message is judged exactly as git itself would judge it.
Character classes are git's locale-independent ASCII ones, not Python's Unicode
ones: only space, tab, CR and LF are whitespace, only ASCII letters and digits are
alphanumeric. A NUL character ends a message for git; callers never pass one.
"""

from __future__ import annotations

__all__ = [
    "CLEANUP_MODES",
    "CUT_LINE",
    "cleanup_message",
    "infer_auto_comment_char",
    "is_fixup_subject",
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
