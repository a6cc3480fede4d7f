"""Message generators and batched runs of the real git for the trailer tests.

git is run over many messages per process: `interpret-trailers --in-place` takes any
number of files, and one `git log --no-walk --stdin` reads any number of commits.
"""

from __future__ import annotations

import itertools
import random
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from hypothesis import strategies as st

from reviewgate.model.message import CUT_LINE

T = TypeVar("T")
GIT_TIMEOUT = 10
BATCH = 400


@dataclass(frozen=True)
class Case:
    message: str
    separators: str = ":"
    comment: str = "#"


def git_config_args(separators: str, comment: str) -> list[str]:
    return ["-c", f"trailer.separators={separators}", "-c", f"core.commentChar={comment}"]


def format_pairs(pairs: Iterable[tuple[str, str]], separators: str) -> str:
    """Trailers as git prints them: key, first separator, a space, value."""
    return "".join(f"{key}{separators[0]} {value}\n" for key, value in pairs)


def hits_git_239_scissors_loop(message: str, comment: str) -> bool:
    """git < 2.45 loops forever in divider mode when the first scissors line lies
    below the "---" divider: it searched for the scissors line past the end of
    the message part and never reached that offset."""
    divider = None
    pos = 0
    while pos < len(message):
        if (
            message.startswith("---", pos)
            and pos + 3 < len(message)
            and message[pos + 3] in " \t\r\n"
        ):
            divider = pos
            break
        nl = message.find("\n", pos)
        pos = len(message) if nl < 0 else nl + 1
    if divider is None or message.startswith(f"{comment} {CUT_LINE}\n"):
        return False
    found = message.find(f"\n{comment} {CUT_LINE}\n")
    return found >= 0 and found + 1 > divider


# --- running git -----------------------------------------------------------------


def _run(args: Sequence[str], cwd: Path, input: bytes | None = None) -> bytes:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=input, capture_output=True, timeout=GIT_TIMEOUT, check=False
    )
    assert proc.returncode == 0, (args[:6], proc.stderr.decode(errors="replace"))
    return proc.stdout


def interpret_in_place(
    workdir: Path, texts: Sequence[str], separators: str, comment: str, extra: Sequence[str]
) -> list[str]:
    """Each text run through `git interpret-trailers --in-place <extra>`."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        path = workdir / f"m{i:05d}"
        path.write_bytes(text.encode())
        paths.append(path)
    for first in range(0, len(paths), BATCH):
        chunk = [p.name for p in paths[first : first + BATCH]]
        _run(
            [
                *git_config_args(separators, comment),
                "interpret-trailers",
                "--in-place",
                *extra,
                *chunk,
            ],
            workdir,
        )
    return [p.read_bytes().decode() for p in paths]


def log_trailers(repo: Path, messages: Sequence[str], separators: str, comment: str) -> list[str]:
    """`%(trailers:only,unfold)` of a commit holding each message verbatim.

    One `git fast-import` writes a chain of commits (it stores messages as
    given), one `git log` prints them, oldest first."""
    stream = bytearray()
    for message in messages:
        data = message.encode()
        stream += b"commit refs/heads/trailers\ncommitter A <a@example.org> 0 +0000\n"
        stream += b"data %d\n%s\n" % (len(data), data)
    _run(["fast-import", "--quiet", "--force"], repo, bytes(stream))
    out = _run(
        [
            *git_config_args(separators, comment),
            "log",
            "--reverse",
            "--format=%x00%(trailers:only,unfold)",
            "refs/heads/trailers",
            f"-{len(messages)}",
        ],
        repo,
    ).decode()
    _run(["update-ref", "-d", "refs/heads/trailers"], repo)
    # tformat ends each entry with a newline; entries start with NUL
    return [entry[:-1] for entry in out.split("\0")[1:]]


# --- generated messages ------------------------------------------------------------
# Lines come from large pre-built pools, so that a message costs hypothesis few
# draws (a draw per line, not per word): 2,500 messages take seconds, not a minute.
# "\0" in a pooled line stands for the message's comment character.

_C = "\0"
_PROSE = [
    "fix the parser",
    "Add a test",
    "this is not a trailer",
    "see: the docs",
    "a:b",
    "x#y",
    "foo=bar",
    "50% off",
    "Ünïcödé ✓",
    "日本語のテキスト",
    "non\u00a0breaking",
    "line\u2028sep",
    "tab\tinside",
    "vt\x0bff\x0c",
    "cr\rinside",
    "http://example.org/x",
    "Key:",
    "#42",
    "(cherry",
    "Signed-off-by",
    "--",
    "not a: trailer",
    "Bug #42",
    ": starts with colon",
    "é",
    "",
]
_KEYS = [
    "Signed-off-by",
    "Reviewed-by",
    "Co-authored-by",
    "Assisted-by",
    "Fixes",
    "Bug",
    "Cc",
    "Change-Id",
    "x",
    "a-b",
    "-",
    "Key-",
    "9",
    "signed-off-by",
    "ASSISTED-BY",
    "Q7-z",
]
_VALUES = [
    "A U Thor <a@example.com>",
    "Claude <noreply@anthropic.com>",
    "claude <noreply@anthropic.com>",
    "42",
    "#42",
    "",
    " padded ",
    "trailing\t",
    "Ünï ✓",
    "v: w",
    "http://x/y",
    "abc\r",
]
_TRAILER_LINES = [
    f"{key}{pre}{sep}{post}{value}"
    for key, pre, sep, post, value in itertools.product(
        _KEYS, ["", "", " ", "\t"], [":", ":", "#", "=", "%"], [" ", "", "\t"], _VALUES
    )
]
_PLAIN_TRAILERS = [f"{key}: {value}" for key, value in itertools.product(_KEYS, _VALUES)]


def _fuzz_lines(count: int) -> list[str]:
    rng = random.Random(7513)
    alphabet = "ab: #;-=%\t\r()é>8"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(15))) for _ in range(count)]


_OTHER_LINES = (
    [f"Signed-off-by: {value}" for value in _VALUES]
    + [f"(cherry picked from commit {sha})" for sha in ("1234abcd", "x", "")]
    + [ws + text for ws, text in itertools.product([" ", "  ", "\t", "    "], _PROSE)]
    + [
        c + text
        for c, text in itertools.product([_C, _C, "#", ";"], ["", " ", " comment", "Key: v"])
    ]
    + ["", "", " ", "\t", "\r"] * 4
    + ["---", "--- ", "---\t", "----", "---x", "--- a/f.c", "-- ", "---\r"] * 2
    + [
        f"{c} {CUT_LINE}{tail}"
        for c, tail in itertools.product([_C, _C, "#", ";"], ["", "", " tail", "-"])
    ]
    + ["Conflicts:", "Conflicts:", "\tpath/a.c", "Conflicts: x", "\t"]
    + _PROSE * 2
    + ["Key :v", "Key\t: v", "key:value", "Bug #42", "a: b: c", "K:", ":v", "Key", "-: v"]
    + _fuzz_lines(120)
)
_TAILS = [
    [],
    ["", f"{_C} Please enter the commit message", _C, f"{_C}\tnew file"],
    ["---", " f.c | 1 +", "", "diff --git a/f.c b/f.c", "Key: inside-patch"],
    [f"{_C} {CUT_LINE}", "diff --git a/x b/x", "+Key: v"],
    ["", "Conflicts:", "\ta.c", "\tb.c"],
]
_SEPARATOR_SETS = [":", ":", ":", ":", ":#", "=", ":=#%", "#"]
_COMMENTS = ["#", "#", "#", ";"]
_ADD_KEYS = ("Assisted-by", "Signed-off-by", "Reviewed-by", "Bug", "cc")
_ADD_VALUES = ("Claude <noreply@anthropic.com>", "A U Thor <a@example.com>", "42")


class _Choices:
    """Reads hypothesis-drawn bytes as a sequence of choices; once the bytes run
    out every choice is 0, so short inputs give small, plain messages."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def below(self, n: int) -> int:
        value = 0
        for _ in range(1 if n <= 256 else 2):
            byte = self._data[self._pos] if self._pos < len(self._data) else 0
            self._pos += 1
            value = value * 256 + byte
        return value % n

    def pick(self, pool: Sequence[T]) -> T:
        return pool[self.below(len(pool))]

    def line(self) -> str:
        return self.pick(_TRAILER_LINES if self.below(2) else _OTHER_LINES)


def _decode(data: bytes) -> Case:
    """A message made of a title, body paragraphs, an often trailer-like last
    paragraph and an optional tail (template comments, patch, scissors, conflicts)."""
    pick = _Choices(data)
    separators = pick.pick(_SEPARATOR_SETS)
    comment = pick.pick(_COMMENTS)
    lines = [""] * pick.pick([0, 0, 0, 0, 1, 2])
    lines += [pick.pick(_PROSE) if pick.below(2) else pick.line() for _ in range(1 + pick.below(2))]
    for _ in range(pick.below(4)):
        lines += [""] * pick.pick([1, 1, 1, 2, 0])
        lines += [pick.line() for _ in range(1 + pick.below(6))]
    if pick.below(4):
        lines.append("")
        lines += [pick.line() for _ in range(pick.below(3))]
        lines += [pick.pick(_PLAIN_TRAILERS) for _ in range(1 + pick.below(4))]
        lines += [pick.line() for _ in range(pick.below(3))]
    lines += pick.pick(_TAILS + _TAILS[:1] * 5)
    style = pick.pick(["\n"] * 7 + ["\r\n"] * 2 + ["mixed"])
    text = ""
    for line in lines:
        end = pick.pick(["\n", "\r\n"]) if style == "mixed" else style
        text += line.replace(_C, comment) + end
    if pick.below(7) == 6:
        text = text.rstrip("\r\n")
    return Case(text, separators, comment)


def cases() -> st.SearchStrategy[Case]:
    return st.builds(_decode, st.binary(min_size=48, max_size=160))


def add_cases() -> st.SearchStrategy[tuple[Case, str, str]]:
    return st.tuples(cases(), st.sampled_from(_ADD_KEYS), st.sampled_from(_ADD_VALUES))


# --- hand-written cases, most taken from git's t/t7513-interpret-trailers.sh --------

HAND_CASES: list[Case] = [
    Case(""),
    Case("subject\n"),
    Case("subject\n\nbody\n"),
    Case("area: change\n"),
    Case("place of\ncode: change\n"),
    Case(
        "\nthis is not a trailer\nthis is not a trailer\nSigned-off-by: a <a@example.com>\n"
        "this is not a trailer\n"
    ),
    Case(
        "\nthis is not a trailer\nthis is not a trailer\n(cherry picked from commit x)\n"
        "this is not a trailer\n"
    ),
    Case("\nI-am-not-configured: x\nI-am-also-not-configured: x\n"),
    Case("\n\ttoken: value\n"),
    Case(
        "\nSigned-off-by: a <a@example.com>\nname: value on\n\tmultiple lines\n"
        + "this is not a trailer\n" * 6
    ),
    Case("\nanother: trailer\nname: value on\n\tmultiple lines\nanother: trailer\n"),
    Case(
        "subject\n\nbody\n# comment\n\n# other comment\nCc: \n# yet another comment\n"
        "Reviewed-by: Johan\nReviewed-by: \n# last comment\n\n---\n foo.txt | 2 +-\n"
    ),
    Case(
        "subject\n\nbody\n# comment\n\n# other comment\nCc: \n# yet another comment\n"
        "Reviewed-by: Johan\nReviewed-by: \n# last comment\n\nConflicts:\n\n"
    ),
    Case("Special Message\n\nbug% 42\ncount% 10\nbug% 422\n", separators="%"),
    Case(
        "my subject\n\nmy body which is long\nand contains some special\nchars like : = ? !\n\n"
        "Fixes: \nAcked-by= \nReviewed-by: \nSigned-off-by: \nBug #42\n",
        separators=":=#",
    ),
    Case(
        "subject\n\nbody\n\nnot-a-trailer: too soon\n"
        "------ this is just a line in the commit message with a\n"
        "------ dashes; it does not have any syntactic meaning.\n\nreal-trailer: just right\n---\n"
        "below the dashed line may be a patch, etc.\n\nnot-a-trailer: too late\n"
    ),
    Case(
        "subject\n\nThis input has a cut-line in it; we should stop parsing when we see it\n\n"
        f"real-trailer: before the cut\n\n# {CUT_LINE}\n# Nothing below counts.\n"
        "not-a-trailer: too late\n"
    ),
    Case("subject\n\nbody\n\nKey: v\n---"),  # "---" without whitespace after it is no divider
    Case("subject\n\nKey: v\n--- \nOther: w\n"),
    Case("subject\r\n\r\nKey: v\r\n  cont\r\nOther: w\r\n"),
    Case("subject\n\nKey: a\n  \nOther: b\n"),
    Case("subject\n\nKey: a\n\n\n"),
    Case("\n\n  \nsubject\n\nKey: v\n"),  # git log skips leading blank lines
    Case("subject\nKey: v"),
    Case("# only a comment\n# and another\n"),
    Case("\n# Please enter the commit message\n#\n"),
    Case("subject\n\nFixes #42\nBug #7\n", separators=":#"),
    Case("subject\n\n; Key: v\nKey: w\n", comment=";"),
    Case("subject\n\nKey:v\nKey :v\nKey\t:\tv\n"),
    Case("subject\n\n-: dash\n9: nine\n"),
    Case("subject\n\nKey: v\nConflicts:\n\ta.c\n"),
    Case(f"subject\n\nKey: v\n# {CUT_LINE}\ndiff\n"),
    Case(f"# {CUT_LINE}\nKey: v\n"),
    Case("subject\n\nSigned-off-by: x\n" + "prose line\n" * 3),
    Case("subject\n\nSigned-off-by: x\n" + "prose line\n" * 4),
]
