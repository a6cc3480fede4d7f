"""Issue 12, item 9: a fix that weakens a test by ADDING lines (a skip marker, a
skip call, a skipped block, an early `return` at the top of an existing test) is
RG204, which names the lines; a "test change" that only adds comments or
whitespace does not satisfy RG201. Real repositories, `reviewgate check`, and a
real push into a bare repository with the server's gate; the honest fix beside
each attack passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.pipeline.run import run_check
from test_hook_commit_msg import out
from test_hook_pre_receive import push
from test_hook_pre_receive_trust import bare, with_origin

PY_TEST = (
    "import pytest\n"
    "from calc import add\n"
    "\n"
    "\n"
    "def test_add():\n"
    '    """Adds two numbers."""\n'
    "    assert add(1, 2) == 3\n"
    "\n"
    "\n"
    "def test_add_zero():\n"
    "    assert add(0, 0) == 0\n"
)
GO_TEST = (
    "package calc\n"
    "\n"
    'import "testing"\n'
    "\n"
    "func TestAdd(t *testing.T) {\n"
    "\tif Add(1, 2) != 3 {\n"
    '\t\tt.Fatal("wrong")\n'
    "\t}\n"
    "}\n"
)
JS_TEST = (
    "const { add } = require('../calc');\n"
    "\n"
    "describe('add', () => {\n"
    "  it('adds', () => {\n"
    "    expect(add(1, 2)).toBe(3);\n"
    "  });\n"
    "});\n"
)
JAVA_TEST = (
    "class CalcTest {\n"
    "    @Test\n"
    "    void adds() {\n"
    "        assertEquals(3, Calc.add(1, 2));\n"
    "    }\n"
    "}\n"
)
RUST_TEST = "use calc::add;\n\n#[test]\nfn adds() {\n    assert_eq!(add(1, 2), 3);\n}\n"
FILES = {
    "py": ("tests/test_calc.py", PY_TEST, "calc.py"),
    "go": ("calc_test.go", GO_TEST, "calc.go"),
    "js": ("__tests__/calc.test.js", JS_TEST, "calc.js"),
    "java": ("src/test/java/CalcTest.java", JAVA_TEST, "src/main/java/Calc.java"),
    "rust": ("tests/calc.rs", RUST_TEST, "src/lib.rs"),
}


def project(repo: Repo, lang: str) -> str:
    test, text, source = FILES[lang]
    return repo.commit("feat: calc\n", {test: text, source: "v1\n"})


def fix_with(repo: Repo, lang: str, old: str, new: str, subject: str = "fix: add") -> str:
    test, text, source = FILES[lang]
    assert old in text, old
    return repo.commit(f"{subject}\n", {test: text.replace(old, new, 1), source: "v2\n"})


def findings(repo: Repo, base: str) -> list[tuple[str, str]]:
    result = run_check(revisions=[f"{base}..HEAD"], cwd=repo.path, with_paths=False)
    return [(f.code, f.message) for f in result.findings if f.code.startswith("RG20")]


WEAKENINGS = [
    (
        "py",
        "def test_add():",
        "@pytest.mark.skip(reason='later')\ndef test_add():",
        5,
        "@pytest.mark.skip",
    ),
    ("py", "def test_add():", "@pytest.mark.xfail\ndef test_add():", 5, "@pytest.mark.xfail"),
    ("py", "import pytest\n", "import pytest\npytestmark = pytest.mark.skip\n", 2, "pytestmark"),
    (
        "py",
        '    """Adds two numbers."""\n',
        '    """Adds two numbers."""\n    return\n',
        7,
        "`return`",
    ),
    (
        "py",
        "def test_add_zero():\n",
        "def test_add_zero():\n    return None\n",
        11,
        "`return None`",
    ),
    (
        "py",
        "    assert add(1, 2)",
        "    pytest.skip('flaky')\n    assert add(1, 2)",
        7,
        "pytest.skip(",
    ),
    ("go", "\tif Add(1, 2)", '\tt.Skip("flaky")\n\tif Add(1, 2)', 6, "t.Skip("),
    ("go", "(t *testing.T) {\n", "(t *testing.T) {\n\treturn\n", 6, "`return`"),
    ("js", "  it('adds'", "  it.skip('adds'", 4, "it.skip("),
    ("js", "  it('adds'", "  xit('adds'", 4, "xit("),
    ("js", "describe('add'", "describe.skip('add'", 3, "describe.skip("),
    ("java", "    @Test\n", "    @Disabled\n    @Test\n", 2, "@Disabled"),
    ("java", "    @Test\n", "    @Test\n    @Ignore\n", 3, "@Ignore"),
    ("rust", "#[test]\n", "#[test]\n#[ignore]\n", 4, "#[ignore]"),
]


@pytest.mark.parametrize(
    "lang, old, new, line, shown", WEAKENINGS, ids=[f"{w[0]}-{w[4]}" for w in WEAKENINGS]
)
def test_a_fix_that_adds_a_line_disabling_a_test_is_rg204(
    repo: Repo, lang: str, old: str, new: str, line: int, shown: str
) -> None:
    base = project(repo, lang)
    fix = fix_with(repo, lang, old, new)
    found = findings(repo, base)
    assert [code for code, _ in found] == ["RG204"], found
    message = found[0][1]
    assert f"fix {fix[:10]}" in message
    assert "adds lines that skip or disable existing tests" in message
    assert f"{FILES[lang][0]} line {line} (" in message and shown in message


HONEST = [
    # A new test, skipped where it cannot run, next to the existing ones.
    (
        "py",
        "def test_add_zero():",
        "@pytest.mark.skipif(True, reason='posix only')\ndef test_add_posix():\n"
        "    assert add(2, 2) == 4\n\n\ndef test_add_zero():",
    ),
    (
        "py",
        "    assert add(0, 0) == 0\n",
        "    assert add(0, 0) == 0\n\n\ndef test_add_none():\n    return\n",
    ),
    ("js", "});\n", "  it.skip('subtracts', () => {\n    expect(1).toBe(1);\n  });\n});\n"),
    (
        "rust",
        "fn adds() {",
        "fn adds_more() {\n    assert_eq!(add(2, 2), 4);\n}\n\n"
        "#[test]\n#[ignore]\nfn slow() {\n    assert_eq!(add(0, 0), 0);\n}\n\n#[test]\nfn adds() {",
    ),
    ("py", "    assert add(1, 2) == 3\n", "    assert add(1, 2) == 3\n    assert add(2, 1) == 3\n"),
]


@pytest.mark.parametrize(
    "lang, old, new", HONEST, ids=[f"{h[0]}-{i}" for i, h in enumerate(HONEST)]
)
def test_an_honest_fix_that_adds_tests_passes(repo: Repo, lang: str, old: str, new: str) -> None:
    base = project(repo, lang)
    fix_with(repo, lang, old, new)
    assert findings(repo, base) == []


ONLY_NEW = ["RG201"]
EDITED = ["RG201", "RG204"]  # an edited line is a changed test line for RG204 too
COMMENTS = [
    ("py", "def test_add():", "# covers the reported overflow\ndef test_add():", ONLY_NEW),
    (
        "js",
        "  it('adds'",
        "  /* the bug:\n   * 1 + 2 was 4\n   */\n  // see #42\n  it('adds'",
        ONLY_NEW,
    ),
    ("go", "\tif Add(1, 2)", "\t// the bug was here\n\n\tif Add(1, 2)", ONLY_NEW),
    ("py", "    assert add(1, 2) == 3\n", "    assert add(1, 2) == 3  # issue 42\n\n\n", EDITED),
    ("py", "    assert add(1, 2) == 3", "    assert add( 1,  2 ) == 3", EDITED),
]


@pytest.mark.parametrize(
    "lang, old, new, codes", COMMENTS, ids=[f"{c[0]}-{i}" for i, c in enumerate(COMMENTS)]
)
def test_a_test_change_of_comments_or_whitespace_is_no_test(
    repo: Repo, lang: str, old: str, new: str, codes: list[str]
) -> None:
    base = project(repo, lang)
    fix = fix_with(repo, lang, old, new)
    found = findings(repo, base)
    assert [code for code, _ in found] == codes, found
    assert (
        f"fix {fix[:10]} has no test: its test change only adds or moves comments" in (found[0][1])
    )
    assert FILES[lang][0] in found[0][1]


def test_a_test_commit_of_comments_is_no_test_commit(repo: Repo) -> None:
    base = project(repo, "py")
    test, text, source = FILES["py"]
    repo.commit("test: show the bug\n", {test: text + "\n# add(2, 2) returned 5\n"})
    repo.commit("fix: add\n", {source: "v2\n"})
    found = findings(repo, base)
    assert [code for code, _ in found] == ["RG201"], found
    # A real test commit pairs.
    repo.git("reset", "-q", "--hard", base)
    repo.commit(
        "test: show the bug\n", {test: text + "\n\ndef test_two():\n    assert add(2, 2) == 4\n"}
    )
    repo.commit("fix: add\n", {source: "v2\n"})
    assert findings(repo, base) == []


def test_a_new_test_file_of_comments_only_is_no_test(repo: Repo) -> None:
    base = project(repo, "py")
    repo.commit("fix: add\n", {"tests/test_more.py": "# TODO: a test\n\n", "calc.py": "v2\n"})
    assert [code for code, _ in findings(repo, base)] == ["RG201"]


def test_the_server_refuses_a_fix_that_skips_a_test(repo: Repo, tmp_path: Path) -> None:
    server = bare(tmp_path)
    with_origin(repo, server)
    project(repo, "py")
    assert push(repo, "main").returncode == 0
    fix = fix_with(repo, "py", "def test_add():", "@pytest.mark.skip\ndef test_add():")
    refused = push(repo, "main")
    assert refused.returncode == 1, out(refused)
    assert f"{fix[:10]} RG204" in out(refused) and "@pytest.mark.skip" in out(refused)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    fix_with(
        repo,
        "py",
        "    assert add(0, 0) == 0\n",
        "    assert add(0, 0) == 0\n    assert add(0, 1) == 1\n",
    )
    honest = push(repo, "main")
    assert honest.returncode == 0, out(honest)
