"""Acceptance, Go: a small module tested with `go test`, no policy file, each
outcome end to end through the CLI (`verify.command: auto` picks
`go test -json -count=1 {packages}` from go.mod). See auto_helpers.py."""

from __future__ import annotations

from pathlib import Path

from auto_helpers import Source, build, require, toolchain_env, verify_and_check
from conftest import Repo

WORDS = """\
package textkit

import (
	"strconv"
	"strings"
)

func WordCount(text string) int {
	n := 0
	for _, w := range strings.Split(text, " ") {
		if w != "" {
			n++
		}
	}
	return n
}

func Slugify(title string) string {
	return strings.Join(strings.Fields(title), "-")
}

func Mean(values []float64) float64 {
	total := 0.0
	for _, v := range values {
		total += v
	}
	return total / float64(len(values))
}

func TitleCase(text string) string {
	return strings.Title(text)
}

func ParseSize(text string) (int, error) {
	return strconv.Atoi(text)
}
"""
TESTS = """\
package textkit

import "testing"

func TestCountsWords(t *testing.T) {
	if got := WordCount("a b  c"); got != 3 {
		t.Fatalf("WordCount = %d, want 3", got)
	}
}

func TestTitle(t *testing.T) {
	if got := TitleCase("hello world"); got != "Hello World" {
		t.Fatalf("TitleCase = %q, want %q", got, "Hello World")
	}
}
"""
DATA_TEST = """\
package textkit

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestSizes(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		fields := strings.Fields(string(data))
		want, _ := strconv.Atoi(fields[1])
		if got, err := ParseSize(fields[0]); err != nil || got != want {
			t.Errorf("%s: ParseSize(%q) = %d, %v; want %d", file, fields[0], got, err, want)
		}
	}
}
"""


def _test(name: str, check: str) -> str:
    return (
        f'package textkit\n\nimport "testing"\n\nfunc Test{name}(t *testing.T) {{\n'
        f'\tif !({check}) {{\n\t\tt.Fatal("{name} failed")\n\t}}\n}}\n'
    )


def test_each_case_with_auto(repo: Repo, tmp_path: Path) -> None:
    env = toolchain_env(tmp_path)
    require("go", "version", env=env)
    src = Source("words.go", WORDS)
    base = {
        "go.mod": "module example.com/textkit\n\ngo 1.19\n",
        "words.go": WORDS,
        "words_test.go": TESTS,
        "data_test.go": DATA_TEST,
        "testdata/plain.txt": "10 10\n",
    }
    commits = {
        "same-commit": [
            (
                "fix: Slugify lowercases",
                {
                    **src.edit(
                        'strings.Join(strings.Fields(title), "-")',
                        'strings.ToLower(strings.Join(strings.Fields(title), "-"))',
                    ),
                    "slug_test.go": _test("Lower", 'Slugify("Hi There") == "hi-there"'),
                },
            )
        ],
        "two-commit": [
            (
                "test: WordCount with tabs",
                {"tabs_test.go": _test("Tabs", 'WordCount("a\\tb") == 2')},
            ),
            (
                "fix: WordCount splits on any whitespace",
                src.edit('range strings.Split(text, " ")', "range strings.Fields(text)"),
            ),
        ],
        "data": [
            (
                "Fix ParseSize for kilobytes",
                {
                    **src.edit(
                        "\treturn strconv.Atoi(text)",
                        '\tif strings.HasSuffix(text, "k") {\n'
                        '\t\tn, err := strconv.Atoi(strings.TrimSuffix(text, "k"))\n'
                        "\t\treturn n * 1024, err\n\t}\n\treturn strconv.Atoi(text)",
                    ),
                    "testdata/kilo.txt": "2k 2048\n",
                },
            )
        ],
        "not-red": [
            (
                "fix: Mean of integers",
                {
                    **src.edit(
                        "return total / float64(len(values))",
                        "n := float64(len(values))\n\treturn total / n",
                    ),
                    "mean_test.go": _test("MeanInts", "Mean([]float64{1, 2, 3}) == 2"),
                },
            )
        ],
        "no-compile": [
            (
                "fix(words): Shout",
                {
                    **src.edit(
                        "func Mean(",
                        "func Shout(text string) string {\n"
                        '\treturn strings.ToUpper(text) + "!"\n}\n\nfunc Mean(',
                    ),
                    "shout_test.go": _test("Shout", 'Shout("hi") == "HI!"'),
                },
            )
        ],
        "breaks": [
            (
                "words: fix TitleCase for apostrophes",
                {
                    **src.edit(
                        "\treturn strings.Title(text)",
                        '\tif text == "" {\n\t\treturn text\n\t}\n'
                        "\treturn strings.ToUpper(text[:1]) + text[1:]",
                    ),
                    "apostrophe_test.go": _test("Apostrophe", 'TitleCase("it\'s") == "It\'s"'),
                },
            )
        ],
        "not-green": [
            (
                "fix: Mean of nothing is zero",
                {
                    **src.edit("n := float64(len(values))", "n := float64(len(values)) + 0"),
                    "empty_test.go": _test("Empty", "Mean(nil) == 0"),
                },
            )
        ],
    }
    start, shas = build(repo, base, commits)

    def explained(out: str) -> None:
        assert ".::TestLower failed → passed" in out
        assert ".::TestSizes failed → passed" in out  # the data file's test
        assert ".::TestTitle passed → failed" in out
        assert "red: . could not run: build failed: ./shout_test.go" in out
        assert "undefined: Shout" in out

    verify_and_check(repo, start, shas, env, explained)
