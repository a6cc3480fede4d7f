"""Acceptance, Node: a small package tested with `node --test`, no policy file
and no npm packages, each outcome end to end through the CLI
(`verify.command: auto` picks `node --test --test-reporter=tap` from
package.json). See auto_helpers.py."""

from __future__ import annotations

from pathlib import Path

from auto_helpers import Source, build, require, verify_and_check
from conftest import Repo

STRINGS = """\
'use strict';

function wordCount(text) {
  return text.split(' ').filter((w) => w !== '').length;
}

function slugify(title) {
  return title.split(/\\s+/).join('-');
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function titleCase(text) {
  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());
}

function parseSize(text) {
  return Number(text);
}

module.exports = { wordCount, slugify, mean, titleCase, parseSize };
"""
TESTS = """\
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { wordCount, titleCase } = require('../lib/strings.js');

test('counts words', () => {
  assert.strictEqual(wordCount('a b  c'), 3);
});

test('title case', () => {
  assert.strictEqual(titleCase('hello world'), 'Hello World');
});
"""
DATA_TEST = """\
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { parseSize } = require('../lib/strings.js');

const dir = path.join(__dirname, 'data');
for (const name of fs.readdirSync(dir).sort()) {
  const { given, expected } = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  test(`size ${name}`, () => {
    assert.strictEqual(parseSize(given), expected);
  });
}
"""
SHOUT = "'use strict';\nmodule.exports = { shout: (t) => t.toUpperCase() };\n"


def _test(name: str, check: str, imports: str, module: str = "strings") -> str:
    return (
        "'use strict';\nconst test = require('node:test');\n"
        "const assert = require('node:assert');\n"
        f"const {{ {imports} }} = require('../lib/{module}.js');\n\n"
        f"test('{name}', () => {{\n  {check}\n}});\n"
    )


def test_each_case_with_auto(repo: Repo, tmp_path: Path) -> None:
    require("node", "--version")
    src = Source("lib/strings.js", STRINGS)
    base = {
        "package.json": '{"name": "strings", "version": "1.0.0", "private": true}\n',
        "lib/strings.js": STRINGS,
        "test/strings.test.js": TESTS,
        "test/data.test.js": DATA_TEST,
        "test/data/plain.json": '{"given": "10", "expected": 10}\n',
    }
    commits = {
        "same-commit": [
            (
                "fix: slugify lowercases",
                {
                    **src.edit("title.split(/\\s+/)", "title.toLowerCase().split(/\\s+/)"),
                    "test/slug.test.js": _test(
                        "slug lowercase",
                        "assert.strictEqual(slugify('Hi There'), 'hi-there');",
                        "slugify",
                    ),
                },
            )
        ],
        "two-commit": [
            (
                "test: wordCount with tabs",
                {
                    "test/tabs.test.js": _test(
                        "tabs", "assert.strictEqual(wordCount('a\\tb'), 2);", "wordCount"
                    ),
                },
            ),
            (
                "fix: wordCount splits on any whitespace",
                src.edit("text.split(' ')", "text.split(/\\s+/)"),
            ),
        ],
        "data": [
            (
                "Fix parseSize for kilobytes",
                {
                    **src.edit(
                        "  return Number(text);",
                        "  if (text.endsWith('k')) return Number(text.slice(0, -1)) * 1024;\n"
                        "  return Number(text);",
                    ),
                    "test/data/kilo.json": '{"given": "2k", "expected": 2048}\n',
                },
            )
        ],
        "not-red": [
            (
                "fix: mean of integers",
                {
                    **src.edit(
                        "return values.reduce((a, b) => a + b, 0) / values.length;",
                        "const total = values.reduce((a, b) => a + b, 0);\n"
                        "  return total / values.length;",
                    ),
                    "test/mean.test.js": _test(
                        "mean ints", "assert.strictEqual(mean([1, 2, 3]), 2);", "mean"
                    ),
                },
            )
        ],
        "no-compile": [
            (
                "fix(strings): shout",
                {
                    "lib/shout.js": SHOUT,
                    "test/shout.test.js": _test(
                        "shout", "assert.strictEqual(shout('hi'), 'HI');", "shout", "shout"
                    ),
                },
            )
        ],
        "breaks": [
            (
                "strings: fix titleCase for apostrophes",
                {
                    **src.edit("text.replace(/\\b\\w/g,", "text.replace(/^\\w/,"),
                    "test/apostrophe.test.js": _test(
                        "apostrophe",
                        'assert.strictEqual(titleCase("it\'s"), "It\'s");',
                        "titleCase",
                    ),
                },
            )
        ],
        "not-green": [
            (
                "fix: mean of nothing is zero",
                {
                    **src.edit(
                        "return total / values.length;", "return total / (values.length || 1);"
                    ),
                    "test/empty.test.js": _test(
                        "empty mean", "assert.strictEqual(mean([]), null);", "mean"
                    ),
                },
            )
        ],
    }
    start, shas = build(repo, base, commits)

    def explained(out: str) -> None:
        assert "slug lowercase failed → passed" in out
        assert "size kilo.json failed → passed" in out
        assert "title case passed → failed" in out
        assert "red: test/shout.test.js could not run: Error: Cannot find module" in out

    verify_and_check(repo, start, shas, {}, explained)
