"""Acceptance, Rust: a small crate with no dependencies tested with `cargo test`
(offline), no policy file, each outcome end to end through the CLI
(`verify.command: auto` picks `cargo test --no-fail-fast` from Cargo.toml).
See auto_helpers.py."""

from __future__ import annotations

from pathlib import Path

from auto_helpers import Source, build, require, toolchain_env, verify_and_check
from conftest import Repo

LIB = """\
pub fn word_count(text: &str) -> usize {
    text.split(' ').filter(|w| !w.is_empty()).count()
}

pub fn slugify(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join("-")
}

pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

pub fn title_case(text: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in text.chars() {
        out.extend(if start { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] });
        start = !c.is_alphanumeric();
    }
    out
}

pub fn parse_size(text: &str) -> Option<u64> {
    text.parse().ok()
}
"""
TESTS = """\
use textkit::{title_case, word_count};

#[test]
fn counts_words() {
    assert_eq!(word_count("a b  c"), 3);
}

#[test]
fn title() {
    assert_eq!(title_case("hello world"), "Hello World");
}
"""
DATA_TEST = """\
use textkit::parse_size;

#[test]
fn sizes() {
    let mut names: Vec<_> = std::fs::read_dir("tests/data").unwrap()
        .map(|entry| entry.unwrap().path()).collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let fields: Vec<&str> = text.split_whitespace().collect();
        let want: u64 = fields[1].parse().unwrap();
        assert_eq!(parse_size(fields[0]), Some(want), "{}", path.display());
    }
}
"""


def _test(name: str, check: str, imports: str) -> str:
    return f"use textkit::{{{imports}}};\n\n#[test]\nfn {name}() {{\n    {check};\n}}\n"


def test_each_case_with_auto(repo: Repo, tmp_path: Path) -> None:
    env = toolchain_env(tmp_path)
    require("cargo", "--version", env=env)
    src = Source("src/lib.rs", LIB)
    base = {
        "Cargo.toml": '[package]\nname = "textkit"\nversion = "0.1.0"\nedition = "2021"\n\n'
        "[dependencies]\n",
        "src/lib.rs": LIB,
        "tests/words.rs": TESTS,
        "tests/data.rs": DATA_TEST,
        "tests/data/plain.txt": "10 10\n",
        ".gitignore": "/target\n",
    }
    commits = {
        "same-commit": [
            (
                "fix: slugify lowercases",
                {
                    **src.edit('.join("-")', '.join("-").to_lowercase()'),
                    "tests/slug.rs": _test(
                        "lower", 'assert_eq!(slugify("Hi There"), "hi-there")', "slugify"
                    ),
                },
            )
        ],
        "two-commit": [
            (
                "test: word_count with tabs",
                {
                    "tests/tabs.rs": _test(
                        "tabs", 'assert_eq!(word_count("a\\tb"), 2)', "word_count"
                    ),
                },
            ),
            (
                "fix: word_count splits on any whitespace",
                src.edit(
                    "text.split(' ').filter(|w| !w.is_empty()).count()",
                    "text.split_whitespace().count()",
                ),
            ),
        ],
        "data": [
            (
                "Fix parse_size for kilobytes",
                {
                    **src.edit(
                        "    text.parse().ok()",
                        "    match text.strip_suffix('k') {\n"
                        "        Some(n) => n.parse::<u64>().ok().map(|n| n * 1024),\n"
                        "        None => text.parse().ok(),\n    }",
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
                        "values.iter().sum::<f64>() / values.len() as f64",
                        "let total: f64 = values.iter().sum();\n    total / values.len() as f64",
                    ),
                    "tests/mean.rs": _test(
                        "ints", "assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0)", "mean"
                    ),
                },
            )
        ],
        "no-compile": [
            (
                "fix(lib): shout",
                {
                    **src.edit(
                        "pub fn mean(",
                        "pub fn shout(text: &str) -> String {\n"
                        '    format!("{}!", text.to_uppercase())\n}\n\npub fn mean(',
                    ),
                    "tests/shout.rs": _test("shouts", 'assert_eq!(shout("hi"), "HI!")', "shout"),
                },
            )
        ],
        "breaks": [
            (
                "lib: fix title_case for apostrophes",
                {
                    **src.edit("start = !c.is_alphanumeric();", "start = false;"),
                    "tests/apostrophe.rs": _test(
                        "apostrophe", 'assert_eq!(title_case("it\'s"), "It\'s")', "title_case"
                    ),
                },
            )
        ],
        "not-green": [
            (
                "fix: mean of nothing is zero",
                {
                    **src.edit(
                        "total / values.len() as f64", "total / (values.len() as f64 + 0.0)"
                    ),
                    "tests/empty.rs": _test("empty", "assert_eq!(mean(&[]), 0.0)", "mean"),
                },
            )
        ],
    }
    start, shas = build(repo, base, commits)

    def explained(out: str) -> None:
        assert "tests/slug.rs::lower failed → passed" in out
        assert "tests/data.rs::sizes failed → passed" in out
        assert "tests/words.rs::title passed → failed" in out
        assert 'red: could not compile textkit (test "shout")' in out
        assert "cannot find function `shout`" in out or "unresolved import" in out

    verify_and_check(repo, start, shas, env, explained)
