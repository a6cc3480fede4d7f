"""What a test file's added lines do, for RG204 and RG201. Pure: FileDiffs in.

A fix weakens a test by taking lines away (rules.test_weakened reads those), and
also by ADDING lines: a skip marker on an existing test (`@pytest.mark.skip`,
`pytestmark = pytest.mark.skip`, `@unittest.skip`, `@Disabled`, `@Ignore`,
`#[ignore]`, `describe.skip(` around existing tests), a skip call in one
(`pytest.skip(`, `self.skipTest(`, `t.Skip(`), or an early `return` at the top
of one. `weakening_lines` finds them. A marker or call that belongs to a test the
same change adds is no weakening: it is judged by where the test's own
definition comes from (an added line, or one the patch shows as existing).

A "test change" that only adds or moves comments and whitespace shows no bug:
`only_comments` tells it, by the comment syntax of the file's language.

Every reading is one pass over a line, anchored at its start: no pattern here
can backtrack over a long line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.evidence import FileDiff, Hunk


class _Pattern:
    """A regular expression compiled on first use: the commit-msg hook imports this
    module (through the pair rules) and never reads a diff."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def match(self, text: str) -> re.Match[str] | None:
        return self._get().match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._get().fullmatch(text)


# Markers that disable the definition that follows them: decorators, attributes.
_DECORATORS = _Pattern(
    r"(?:@(?:pytest\.)?mark\.(?:skip|skipif|xfail)\b"
    r"|@(?:unittest\.)?(?:skip|skipIf|skipUnless|expectedFailure)\b"
    r"|@(?:Disabled|Ignore)\b"
    r"|#\[ignore\b)"
)
# A skipped block: a test or a group of them (Jest, Mocha, Vitest, Playwright).
_SKIPPED_BLOCKS = _Pattern(
    r"(?:(?:describe|context|suite|it|test)\.skip|x(?:describe|context|it|test))\s*\("
)
# Calls that skip the test they run in.
_CALLS = _Pattern(r"(?:pytest\.skip\s*\(|self\.skipTest\s*\(|t\.Skip(?:Now|f)?\s*\()")
_PYTESTMARK = _Pattern(r"pytestmark\s*=")
_RETURN = _Pattern(r"return(?:\s+(?:None|nil))?\s*;?")
# The first line of a test's definition, in the languages whose tests the
# registry knows: Python, Go, JavaScript/TypeScript, Rust, JVM languages.
_TEST_HEADER = _Pattern(
    r"(?:(?:async\s+)?def\s+test\w*\s*\("
    r"|func\s+(?:Test|Benchmark|Fuzz)\w*\s*\("
    r"|(?:it|test|specify)\s*\("
    r"|(?:pub\s+)?(?:async\s+)?fn\s+\w+\s*\("
    r"|(?:(?:public|protected|private|static|final|override|suspend|internal|open)\s+)*"
    r"(?:void|fun)\s+\w+\s*\()"
)
_ANY_HEADER = _Pattern(
    r"(?:(?:async\s+)?def\s|func\s|(?:pub\s+)?fn\s|function\b|class\s"
    r"|(?:it|test|describe|context)\s*\()"
)
_STRING_ONLY = _Pattern(r"[rbuRBU]{0,2}(?:\"\"\"|'''|\"|').*")

# Comment syntax by extension: (line comment prefixes, has /* */ blocks).
_HASH = ("#",)
_SLASH = ("//",)


def _each(
    extensions: str, syntax: tuple[tuple[str, ...], bool]
) -> dict[str, tuple[tuple[str, ...], bool]]:
    return dict.fromkeys(extensions.split(), syntax)


_SYNTAX = {
    **_each(
        "py pyi rb sh bash zsh pl pm r yaml yml toml cfg ini conf ex exs nim jl tcl cmake ps1 mk",
        (_HASH, False),
    ),
    **_each(
        "c h cc cpp cxx hpp hh java js jsx mjs cjs ts tsx mts cts go rs kt kts swift cs "
        "scala dart groovy m mm proto zig sol",
        (_SLASH, True),
    ),
    **_each("php", (("//", "#"), True)),
    **_each("sql lua hs elm ada adb ads", (("--",), False)),
    **_each("clj cljs cljc lisp el scm rkt asm", ((";",), False)),
    **_each("erl hrl tex", (("%",), False)),
}


def syntax_of(path: str) -> tuple[tuple[str, ...], bool]:
    """The comment syntax of `path` by its extension; none for an unknown one
    (then only blank lines count as nothing)."""
    name = path.rsplit("/", 1)[-1]
    if name in ("Makefile", "Dockerfile", "CMakeLists.txt", "BUILD", "WORKSPACE"):
        return _HASH, False
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return _SYNTAX.get(extension, ((), False))


def code_of(lines: Iterable[str], path: str) -> list[str]:
    """The code of each line with comments taken out (a line comment after code,
    outside quotes, included), in order; a line that is all comment or blank gives
    "". Block comments are followed when they open within `lines`."""
    prefixes, blocks = syntax_of(path)
    out: list[str] = []
    in_block = False
    for line in lines:
        text = line.strip()
        if in_block:
            end = text.find("*/")
            if end < 0:
                out.append("")
                continue
            in_block, text = False, text[end + 2 :].strip()
        if blocks and text.startswith("/*"):
            end = text.find("*/", 2)
            if end < 0:
                in_block = True
                out.append("")
                continue
            text = text[end + 2 :].strip()
        out.append(_strip_line_comment(text, prefixes))
    return out


def _strip_line_comment(text: str, prefixes: tuple[str, ...]) -> str:
    """`text` up to a line comment that starts outside a quoted string."""
    if not prefixes:
        return text
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif any(text.startswith(prefix, i) for prefix in prefixes):
            return text[:i].rstrip()
        i += 1
    return text


def only_comments(file: FileDiff) -> bool:
    """Whether the change of `file`, read line by line, adds, removes or moves only
    comments and whitespace: no line of test code changes. False for a binary
    file, one whose lines were not read, and one whose lines did not change at all
    (a rename or a mode change, judged by its path as before)."""
    if not file.patched or file.binary or not file.hunks:
        return False
    removed = _squeezed(
        code_of((t for h in file.hunks for t in h.removed), file.old_path or file.path)
    )
    added = _squeezed(code_of((t for h in file.hunks for t in h.added), file.path))
    return removed == added


def _squeezed(lines: Iterable[str]) -> Counter[str]:
    return Counter(squeezed for line in lines if (squeezed := "".join(line.split())))


def weakening_lines(file: FileDiff) -> list[tuple[int, str]]:
    """(new line number, text) of each line the change adds to an existing test
    file that skips or disables an existing test. Empty for an added file."""
    if not file.patched or file.binary or file.status == "A":
        return []
    found: list[tuple[int, str]] = []
    for hunk in file.hunks:
        code = code_of(hunk.added, file.path)
        for index, text in enumerate(code):
            if text and _weakens(hunk, code, index, text):
                found.append((hunk.new.start + index, hunk.added[index].strip()))
    return found


def _weakens(hunk: Hunk, code: list[str], index: int, text: str) -> bool:
    if _DECORATORS.match(text):
        # It disables what follows it: an existing definition, or one added here.
        return not _added_definition_follows(code, index)
    if _SKIPPED_BLOCKS.match(text):
        # It replaces an existing line (`it(` made `it.skip(`), or existing tests
        # follow it; a skipped test of its own, added whole, takes nothing away.
        return bool(hunk.removed) or not any(code[index + 1 :])
    if _CALLS.match(text):
        return not _inside_added_definition(code, index)
    if _PYTESTMARK.match(text):
        return "skip" in text or "xfail" in text  # every test of the module
    if _RETURN.fullmatch(text):
        return _first_statement_of_existing_test(hunk, code, index)
    return False


def _added_definition_follows(code: list[str], index: int) -> bool:
    for text in code[index + 1 :]:
        if not text or text.startswith(("@", "#[")):
            continue  # more decorators or attributes
        return _ANY_HEADER.match(text) is not None
    return False  # the added lines end: what follows existed before


def _inside_added_definition(code: list[str], index: int) -> bool:
    return any(_ANY_HEADER.match(text) for text in code[:index] if text)


def _first_statement_of_existing_test(hunk: Hunk, code: list[str], index: int) -> bool:
    """Whether the `return` at `index` comes right after an existing test's header
    (blank lines, comments and a one-line docstring between them allowed)."""
    for text in reversed(code[:index]):
        if text and not _STRING_ONLY.fullmatch(text):
            return False  # an added statement or header comes first
    for line in reversed(hunk.before):
        text = line.strip()
        if not text or text.startswith(("#", "//", "@")) or _STRING_ONLY.fullmatch(text):
            continue
        return _TEST_HEADER.match(text) is not None
    return False
