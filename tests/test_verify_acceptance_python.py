"""Acceptance: a small real Python package with pytest tests, each outcome of
verification end to end through the CLI (`verify`, `check`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import Repo
from verify_helpers import check_findings, our_worktrees, reviewgate

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "{tests}"]

WORDS_BUGGY = '''\
"""Small text utilities."""


def word_count(text: str) -> int:
    return len([w for w in text.split(" ") if w != ""]) if text else 0


def slugify(title: str) -> str:
    return "-".join(title.split())


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def title_case(text: str) -> str:
    return text.title()
'''
TEST_WORDS = '''\
from textkit.words import word_count


def test_counts_words():
    assert word_count("a b c") == 3
    assert word_count("") == 0
'''


def _policy(timeout: int) -> str:
    return f"verify:\n  command: {json.dumps(PYTEST)}\n  timeout: {timeout}\n"


def _fix(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new)


@pytest.fixture
def project(repo: Repo) -> tuple[Repo, str, dict[str, str]]:
    """The package's history: a base, then one fix (or pair) per outcome."""
    base = repo.commit("feat: textkit", {
        "textkit/__init__.py": "", "textkit/words.py": WORDS_BUGGY,
        "tests/test_words.py": TEST_WORDS, ".reviewgate.yaml": _policy(120),
        "README.md": "textkit\n",
    })
    src = WORDS_BUGGY
    shas: dict[str, str] = {}
    src = _fix(src, '"-".join(title.split())', '"-".join(title.lower().split())')
    shas["same-commit"] = repo.commit("fix: slugify lowercases", {
        "textkit/words.py": src,
        "tests/test_slug.py": "from textkit.words import slugify\n\n\n"
                              "def test_lower():\n    assert slugify('Hello World') == "
                              "'hello-world'\n",
    })
    shas["test-commit"] = repo.commit("test: word_count with tabs", {
        "tests/test_tabs.py": "from textkit.words import word_count\n\n\n"
                              "def test_tabs():\n    assert word_count('a\\tb\\n c') == 3\n",
    })
    src = _fix(src, 'len([w for w in text.split(" ") if w != ""]) if text else 0',
               "len(text.split())")
    shas["two-commit"] = repo.commit("fix: word_count splits on any whitespace",
                                     {"textkit/words.py": src})
    src = _fix(src, "return sum(values) / len(values)",
               "total = sum(values)\n    return total / len(values)")
    shas["not-red"] = repo.commit("fix: mean of integers", {
        "textkit/words.py": src,
        "tests/test_mean.py": "from textkit.words import mean\n\n\n"
                              "def test_ints():\n    assert mean([1, 2, 3]) == 2\n",
    })
    src = _fix(src, "return text.title()", "return text.capitalize()")
    shas["not-green"] = repo.commit("fix: title_case keeps apostrophes", {
        "textkit/words.py": src,
        "tests/test_title.py": "from textkit.words import title_case\n\n\n"
                               "def test_apostrophe():\n    assert title_case(\"it's ok\") == "
                               "\"It's Ok\"\n",
    })
    shas["weakened"] = repo.commit("fix: empty text has no words", {
        "textkit/words.py": _fix(src, "len(text.split())", "len(text.split()) if text else 0"),
        "tests/test_words.py": TEST_WORDS.replace('    assert word_count("a b c") == 3\n', ""),
    })
    src = _fix(src, "len(text.split())", "len(text.split()) if text else 0")
    shas["not-collected"] = repo.commit("fix: strip before counting", {
        "textkit/words.py": _fix(src, "len(text.split())", "len(text.strip().split())"),
        "tests/test_strip.py": "from textkit.missing import strip_all\n\n\n"
                               "def test_strip():\n    assert strip_all(' a ') == 'a'\n",
    })
    return repo, base, shas


def _outcomes(stdout: str) -> dict[str, str]:
    """short sha -> the verdict word verify printed for it."""
    out = {}
    for line in stdout.splitlines():
        first, _, rest = line.partition(" ")
        if len(first) == 12 and rest.split(" ")[0] in ("proven", "NOT", "ERROR:"):
            out[first] = rest
    return out


def test_each_outcome_end_to_end(project: tuple[Repo, str, dict[str, str]]) -> None:
    repo, base, shas = project
    result = reviewgate(repo.path, "verify", "-j", "2", f"{base}..HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    seen = _outcomes(result.stdout)
    assert seen[shas["same-commit"][:12]].startswith("proven (red, then green)")
    assert seen[shas["two-commit"][:12]].startswith("proven (red, then green)")
    assert seen[shas["not-red"][:12]].startswith("NOT RED")
    assert seen[shas["not-green"][:12]].startswith("NOT GREEN")
    collected = seen[shas["not-collected"][:12]]
    assert collected.startswith("ERROR: could not verify (RG205)"), collected
    assert "red: exit 2 means the command could not run" in result.stdout
    assert shas["test-commit"][:12] not in seen  # T is a test, not a fix
    assert our_worktrees(repo) == []

    found = check_findings(repo, f"{base}..HEAD")
    assert ("RG202", shas["not-red"]) in found
    assert ("RG203", shas["not-green"]) in found
    assert ("RG205", shas["not-collected"]) in found
    assert ("RG202", shas["not-collected"]) not in found
    assert ("RG204", shas["weakened"]) in found
    for good in ("same-commit", "two-commit"):
        assert not [code for code, sha in found if sha == shas[good] and code.startswith("RG2")]


def test_a_hanging_test_times_out_and_its_worktree_goes(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit("feat: textkit", {
        "textkit/__init__.py": "", "textkit/words.py": WORDS_BUGGY,
        "tests/test_words.py": TEST_WORDS, ".reviewgate.yaml": _policy(6),
    })
    repo.commit("fix: slugify lowercases", {
        "textkit/words.py": _fix(WORDS_BUGGY, "title.split()", "title.lower().split()"),
        "tests/test_hang.py": "import time\n\n\ndef test_hang():\n    time.sleep(600)\n",
    })
    result = reviewgate(repo.path, "verify", f"{base}..HEAD", timeout=120)
    assert result.returncode == 1
    assert "ERROR: could not verify (RG205)" in result.stdout
    assert "red: timed out after 6 s" in result.stdout
    assert our_worktrees(repo) == []
