"""Path classification: gitignore-style globs, checked against git's own matcher."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import git
from reviewgate.pairs.paths import IGNORED, SOURCE, TEST, classify, glob_to_regex, path_matches
from reviewgate.policy.schema import PathsPolicy, Policy

PATHS = [
    "a.py",
    "tests/test_a.py",
    "tests/a/b/c.py",
    "src/tests/x.py",
    "pkg/test_a.py",
    "pkg/test_a.pyc",
    "pkg/test_/a.py",
    "docs/README.md",
    "docs/deep/README.md",
    "README.md",
    "a/b/c/d.go",
    "a/b_test.go",
    "build/x",
    "a/build/x",
    "web/__tests__/x.js",
    "foo.md/inner.py",
    "abc",
    "a/bxc",
    "t/st/a.py",
    "test/a.py",
    "with space/test_ä.py",
    "weird[1].txt",
]
PATTERNS = [
    "tests/**",
    "tests/",
    "tests",
    "**/tests/**",
    "**/test_*.py",
    "*.md",
    "/*.md",
    "docs/**/*.md",
    "docs/**",
    "a/**/d.go",
    "**/*_test.go",
    "build/",
    "/build",
    "**/__tests__/**",
    "a**c",
    "a/b**",
    "t?st/*.py",
    "[a-c]*",
    "[!a-c]*",
    "**",
    "*/*",
    "weird\\[1\\].txt",
    "with space/*",
]


def git_matches(tmp: Path, pattern: str, paths: list[str]) -> set[str]:
    (tmp / ".gitignore").write_text(pattern + "\n")
    out = git(
        tmp,
        "check-ignore",
        "--no-index",
        "--stdin",
        "-z",
        input="\0".join(paths) + "\0",
        check=False,
    )
    return {p for p in out.stdout.split("\0") if p}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ignore")
    git(path, "init", "-q")
    return path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_globs_match_as_git_check_ignore_does(scratch: Path, pattern: str) -> None:
    ours = {p for p in PATHS if glob_to_regex(pattern).fullmatch(p)}
    assert ours == git_matches(scratch, pattern, PATHS)


def test_negation_last_match_wins(scratch: Path) -> None:
    globs = ["tests/**", "!tests/**/*.json", "tests/keep.json"]
    paths = ["tests/a.py", "tests/b.json", "tests/keep.json", "src/a.py"]
    ours = {p for p in paths if path_matches(p, globs)}
    assert ours == git_matches(scratch, "\n".join(globs), paths)
    assert ours == {"tests/a.py", "tests/keep.json"}


def test_negation_reaches_below_a_matched_directory() -> None:
    # Unlike git, which never looks inside an excluded directory, a path is judged
    # by the last pattern that matches the path itself.
    globs = ["tests/**", "!tests/fixtures/**"]
    assert path_matches("tests/a.py", globs)
    assert not path_matches("tests/fixtures/data.json", globs)


DEFAULTS = Policy()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        # Python
        ("tests/test_app.py", TEST),
        ("pkg/sub/tests/helpers.py", TEST),
        ("src/pkg/test_util.py", TEST),
        ("src/pkg/util_test.py", TEST),
        ("conftest.py", TEST),
        ("src/pkg/util.py", SOURCE),
        ("src/pkg/testing.py", SOURCE),
        # Go
        ("cmd/server/main_test.go", TEST),
        ("pkg/parse/testdata/input.golden", TEST),
        ("pkg/parse/parse.go", SOURCE),
        # JavaScript / TypeScript
        ("src/button.test.tsx", TEST),
        ("src/button.spec.jsx", TEST),
        ("lib/x.test.mjs", TEST),
        ("lib/x.spec.cjs", TEST),
        ("lib/x.test.mts", TEST),
        ("src/__tests__/button.ts", TEST),
        ("test/index.js", TEST),
        ("src/button.tsx", SOURCE),
        ("src/latest.ts", SOURCE),
        # Rust: integration tests; inline #[cfg(test)] modules are sources
        ("tests/integration.rs", TEST),
        ("crates/core/tests/parse.rs", TEST),
        ("crates/core/src/lib.rs", SOURCE),
        # Java
        ("src/test/java/org/x/Util.java", TEST),
        ("module/src/test/resources/data.xml", TEST),
        ("src/main/java/org/x/UtilTest.java", TEST),
        ("src/main/java/org/x/UtilTests.java", TEST),
        ("src/main/java/org/x/Util.java", SOURCE),
        ("src/main/java/org/x/Testing.java", SOURCE),
        # ignored
        ("docs/index.html", IGNORED),
        ("README.md", IGNORED),
        ("pkg/CHANGES.rst", IGNORED),
        ("guide.adoc", IGNORED),
        # a test's fixture under an ignored glob is a test
        ("tests/data/expected.txt", TEST),
        ("tests/README.md", TEST),
    ],
)
def test_default_classification(path: str, kind: str) -> None:
    assert classify(path, DEFAULTS) == kind


def test_policy_globs_replace_the_defaults() -> None:
    policy = dataclasses.replace(
        DEFAULTS, paths=PathsPolicy(tests=("spec/**", "!spec/support/**"), ignore=("*.lock",))
    )
    assert classify("spec/a_spec.rb", policy) == TEST
    assert classify("spec/support/helper.rb", policy) == SOURCE
    assert classify("tests/test_a.py", policy) == SOURCE
    assert classify("deep/Gemfile.lock", policy) == IGNORED
    assert classify("README.md", policy) == SOURCE


def test_paths_git_cannot_decode_still_classify() -> None:
    raw = b"tests/caf\xe9.py".decode("utf-8", "surrogateescape")
    assert classify(raw, DEFAULTS) == TEST
    assert classify("src/new\nline.py", DEFAULTS) == SOURCE
    assert classify("tests/new\nline.py", DEFAULTS) == TEST


def test_classify_answers_each_policy_by_its_own_globs_when_asked_in_turn() -> None:
    default = Policy()
    spec_dirs = dataclasses.replace(
        default, paths=PathsPolicy(tests=("spec/**",), ignore=("*.md",))
    )
    for _ in range(2):  # the classifier of the policy asked last is kept
        assert classify("tests/test_a.py", default) == TEST
        assert classify("tests/test_a.py", spec_dirs) == SOURCE
        assert classify("spec/a_spec.rb", spec_dirs) == TEST
        assert classify("spec/a_spec.rb", default) == SOURCE
        assert classify("README.md", spec_dirs) == IGNORED
