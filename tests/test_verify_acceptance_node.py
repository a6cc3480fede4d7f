"""Acceptance: a small real Node package tested with `node --test` (no npm
packages), each outcome of verification end to end through the CLI.

`node --test` exits 1 both for a failing test and for a test file that cannot
load, so the policy names the load errors with `verify.error_output`."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import Repo
from verify_helpers import check_findings, our_worktrees, reviewgate

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

LOAD_ERRORS = "^# (SyntaxError|Error: Cannot find module)"
STRINGS_BUGGY = """\
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

function clamp(value, low, high) {
  return Math.max(low, value);
}

module.exports = { wordCount, slugify, mean, clamp };
"""
TEST_STRINGS = """\
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { wordCount } = require('../lib/strings.js');

test('counts words', () => {
  assert.strictEqual(wordCount('a b c'), 3);
  assert.strictEqual(wordCount(''), 0);
});
"""


def _test(name: str, body: str, imports: str = "wordCount") -> str:
    return (
        "'use strict';\nconst test = require('node:test');\n"
        "const assert = require('node:assert');\n"
        f"const {{ {imports} }} = require('../lib/strings.js');\n\n"
        f"test('{name}', () => {{\n  {body}\n}});\n"
    )


def _policy(timeout: int) -> str:
    command = ["node", "--test", "{tests}"]
    return (f"verify:\n  command: {json.dumps(command)}\n  timeout: {timeout}\n"
            f"  error_exit_codes: []\n  error_output: [{json.dumps(LOAD_ERRORS)}]\n")


def _fix(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new)


def test_each_outcome_end_to_end(repo: Repo) -> None:
    base = repo.commit("feat: strings", {
        "package.json": '{"name": "strings", "version": "1.0.0", "private": true}\n',
        "lib/strings.js": STRINGS_BUGGY, "test/strings.test.js": TEST_STRINGS,
        ".reviewgate.yaml": _policy(120),
    })
    src = STRINGS_BUGGY
    shas = {}
    src = _fix(src, "title.split(/\\s+/)", "title.toLowerCase().split(/\\s+/)")
    shas["same-commit"] = repo.commit("fix: slugify lowercases", {
        "lib/strings.js": src,
        "test/slug.test.js": _test("lowercase", "assert.strictEqual(slugify('Hi There'), "
                                   "'hi-there');", "slugify"),
    })
    shas["test-commit"] = repo.commit("test: wordCount with tabs", {
        "test/tabs.test.js": _test("tabs", "assert.strictEqual(wordCount('a\\tb\\n c'), 3);"),
    })
    src = _fix(src, "text.split(' ').filter((w) => w !== '').length",
               "text.split(/\\s+/).filter((w) => w !== '').length")
    shas["two-commit"] = repo.commit("fix: wordCount splits on any whitespace",
                                     {"lib/strings.js": src})
    src = _fix(src, "return values.reduce((a, b) => a + b, 0) / values.length;",
               "const total = values.reduce((a, b) => a + b, 0);\n  return total / values.length;")
    shas["not-red"] = repo.commit("fix: mean of integers", {
        "lib/strings.js": src,
        "test/mean.test.js": _test("ints", "assert.strictEqual(mean([1, 2, 3]), 2);", "mean"),
    })
    src = _fix(src, "return Math.max(low, value);", "return Math.min(low, value);")
    shas["not-green"] = repo.commit("fix: clamp to the upper bound", {
        "lib/strings.js": src,
        "test/clamp.test.js": _test("high", "assert.strictEqual(clamp(9, 0, 5), 5);", "clamp"),
    })
    shas["weakened"] = repo.commit("fix: empty text has no words", {
        "lib/strings.js": _fix(src, "return text.split(/", "return !text ? 0 : text.split(/"),
        "test/strings.test.js": TEST_STRINGS.replace(
            "  assert.strictEqual(wordCount('a b c'), 3);\n", ""),
    })
    src = _fix(src, "return text.split(/", "return !text ? 0 : text.split(/")
    shas["not-collected"] = repo.commit("fix: trim before counting", {
        "lib/strings.js": _fix(src, "text.split(/\\s+/)", "text.trim().split(/\\s+/)"),
        "test/trim.test.js": "'use strict';\nconst { trimAll } = require('../lib/missing.js');\n",
    })
    result = reviewgate(repo.path, "verify", "-j", "2", f"{base}..HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in result.stdout.splitlines()
             if len(line.split(" ", 1)[0]) == 12}
    assert lines[shas["same-commit"][:12]].startswith("proven (red, then green)")
    assert lines[shas["two-commit"][:12]].startswith("proven (red, then green)")
    assert lines[shas["not-red"][:12]].startswith("NOT RED")
    assert lines[shas["not-green"][:12]].startswith("NOT GREEN")
    assert lines[shas["not-collected"][:12]].startswith("ERROR: could not verify (RG205)")
    # node's TAP report names the file that cannot load: no error_output pattern
    # is needed to tell it from a failing test.
    assert "red: test/trim.test.js could not run: Error: Cannot find module" in result.stdout
    # Each outcome names the line that explains it, not node's closing counters
    # ("# duration_ms 26.9"), which it used to.
    out = result.stdout.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith(shas["not-collected"][:12]))
    assert "Cannot find module" in out[at + 1]
    # Every finding is followed by its hint, as in check's report.
    errors = [i for i, line in enumerate(out) if line.startswith("error: ")]
    assert errors and all(out[i + 1].startswith("    hint: ") for i in errors)
    assert "duration_ms" not in result.stdout
    assert our_worktrees(repo) == []

    found = check_findings(repo, f"{base}..HEAD")
    assert ("RG202", shas["not-red"]) in found
    assert ("RG203", shas["not-green"]) in found
    assert ("RG205", shas["not-collected"]) in found
    assert ("RG202", shas["not-collected"]) not in found
    assert ("RG204", shas["weakened"]) in found


def test_a_hanging_test_times_out_and_its_worktree_goes(repo: Repo) -> None:
    base = repo.commit("feat: strings", {
        "lib/strings.js": STRINGS_BUGGY, "test/strings.test.js": TEST_STRINGS,
        ".reviewgate.yaml": _policy(5),
    })
    repo.commit("fix: slugify lowercases", {
        "lib/strings.js": _fix(STRINGS_BUGGY, "title.split(", "title.toLowerCase().split("),
        "test/hang.test.js": _test("hangs", "return new Promise(() => setInterval(() => {}, "
                                   "1000));"),
    })
    result = reviewgate(repo.path, "verify", f"{base}..HEAD", timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "red: timed out after 5 s" in result.stdout
    assert our_worktrees(repo) == []
