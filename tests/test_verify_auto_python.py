"""Acceptance, Python: a small pytest project with no policy file, each outcome
end to end through the CLI (`verify.command: auto` picks `python -m pytest` with
a JUnit report, from pyproject.toml). See auto_helpers.py for the cases."""

from __future__ import annotations

from pathlib import Path

from auto_helpers import Source, build, verify_and_check
from conftest import Repo

WORDS = """\
def word_count(text):
    return len([w for w in text.split(" ") if w])


def slugify(title):
    return "-".join(title.split())


def mean(values):
    return sum(values) / len(values)


def title_case(text):
    return text.title()


def parse_size(text):
    return int(text)
"""
TESTS = """\
from textkit.words import title_case, word_count


def test_counts_words():
    assert word_count("a b  c") == 3


def test_title():
    assert title_case("hello world") == "Hello World"
"""
DATA_TEST = """\
from pathlib import Path

import pytest

from textkit.words import parse_size

CASES = sorted((Path(__file__).parent / "data").glob("*.txt"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_size(case):
    given, expected = case.read_text().split()
    assert parse_size(given) == int(expected)
"""


def _test(name: str, body: str, imports: str) -> str:
    return f"from textkit.words import {imports}\n\n\ndef test_{name}():\n    {body}\n"


def test_each_case_with_auto(repo: Repo, tmp_path: Path) -> None:
    src = Source("textkit/words.py", WORDS)
    base = {
        "pyproject.toml": '[project]\nname = "textkit"\nversion = "0.1"\n',
        "textkit/__init__.py": "",
        "textkit/words.py": WORDS,
        "tests/test_words.py": TESTS,
        "tests/test_data.py": DATA_TEST,
        "tests/data/plain.txt": "10 10\n",
    }
    commits = {
        "same-commit": [
            (
                "fix: slugify lowercases",
                {
                    **src.edit('"-".join(title.split())', '"-".join(title.lower().split())'),
                    "tests/test_slug.py": _test(
                        "lower", "assert slugify('Hi There') == 'hi-there'", "slugify"
                    ),
                },
            )
        ],
        "two-commit": [
            (
                "test: word_count with tabs",
                {
                    "tests/test_tabs.py": _test(
                        "tabs", "assert word_count('a\\tb') == 2", "word_count"
                    ),
                },
            ),
            (
                "fix: word_count splits on any whitespace",
                src.edit('len([w for w in text.split(" ") if w])', "len(text.split())"),
            ),
        ],
        "data": [
            (
                "Fix parse_size for kilobytes",
                {
                    **src.edit(
                        "    return int(text)",
                        "    if text.endswith('k'):\n"
                        "        return int(text[:-1]) * 1024\n    return int(text)",
                    ),
                    "tests/data/kilo.txt": "2k 2048\n",
                },
            )
        ],
        "not-red": [
            (
                "fix: mean of integers",
                {
                    **src.edit(
                        "return sum(values) / len(values)",
                        "total = sum(values)\n    return total / len(values)",
                    ),
                    "tests/test_mean.py": _test("ints", "assert mean([1, 2, 3]) == 2", "mean"),
                },
            )
        ],
        "no-compile": [
            (
                "fix(words): shout",
                {
                    **src.edit(
                        "def mean(",
                        "def shout(text):\n    return text.upper() + '!'\n\n\ndef mean(",
                    ),
                    "tests/test_shout.py": _test("shout", "assert shout('hi') == 'HI!'", "shout"),
                },
            )
        ],
        "breaks": [
            (
                "words: fix title_case for apostrophes",
                {
                    **src.edit("return text.title()", "return text.capitalize()"),
                    "tests/test_apostrophe.py": _test(
                        "apostrophe", 'assert title_case("it\'s") == "It\'s"', "title_case"
                    ),
                },
            )
        ],
        "not-green": [
            (
                "fix: mean of nothing is zero",
                {
                    **src.edit("total = sum(values)", "total = sum(values) if values else None"),
                    "tests/test_empty.py": _test("empty", "assert mean([]) == 0", "mean"),
                },
            )
        ],
    }
    start, shas = build(repo, base, commits)

    def explained(out: str) -> None:
        # The tests that decided each verdict, by name, with what they said.
        assert "tests/test_slug.py::test_lower failed → passed" in out
        assert "tests/test_data.py::test_size[kilo.txt] failed → passed" in out
        assert "tests/test_words.py::test_title passed → failed" in out
        assert "red: tests/test_shout.py could not run" in out
        assert "ImportError: cannot import name 'shout'" in out

    verify_and_check(repo, start, shas, {}, explained)
