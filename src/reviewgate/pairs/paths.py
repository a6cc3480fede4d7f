"""Which changed paths are tests, which never need a test, and which are sources.

The policy's `paths.tests` and `paths.ignore` are lists of gitignore-style globs:

- `*` and `?` never cross a `/`; `[a-z]` and `[!a-z]` are character classes.
- A leading `**/` matches in every directory, a trailing `/**` everything below a
  directory, `/**/` zero or more directories. Any other run of `*` is one `*`.
- A pattern with no slash (other than a trailing one) matches at any depth:
  `*.md` is `**/*.md`. A pattern with a slash is anchored at the repository root.
- A pattern that matches a directory matches everything below it (`tests` matches
  `a/tests/b.py`); a trailing slash (`build/`) matches only such directories.
- A pattern starting with `!` takes paths back out of the list, and the last
  pattern that matches a path decides, as in .gitignore. Unlike git, which never
  looks inside an excluded directory, `!tests/fixtures/**` after `tests/**` does
  take the fixtures back out: each path is judged on its own.
- A backslash makes the next character literal.

A path that matches both lists is a test: a test's fixture (`tests/data/x.txt`)
is still part of the test, and the test lists are the more specific of the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy

TEST = "test"
IGNORED = "ignored"
SOURCE = "source"


@lru_cache(maxsize=512)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """One gitignore-style glob (without a leading `!`) as a regex to fullmatch
    against a repository-relative path."""
    glob = pattern.strip()
    dir_only = glob.endswith("/")
    glob = glob.rstrip("/")
    anchored = "/" in glob
    glob = glob.lstrip("/")
    if glob.startswith("**/"):
        prefix, glob = "(?:.*/)?", glob[3:]
    elif anchored:
        prefix = ""
    else:
        prefix = "(?:.*/)?"
    body = _translate(glob)
    # Paths are files: a pattern matching one of their directories matches them.
    suffix = "/.+" if dir_only else "(?:/.+)?"
    return re.compile(prefix + body + suffix, re.DOTALL)


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            j = i
            while j < len(glob) and glob[j] == "*":
                j += 1
            whole_component = (i == 0 or glob[i - 1] == "/") and (j == len(glob) or glob[j] == "/")
            if j - i >= 2 and whole_component:
                if j == len(glob):
                    out.append(".*")  # `x/**`: everything below x
                    i = j
                else:
                    out.append("(?:.*/)?")  # `**/`: zero or more directories
                    i = j + 1
            else:
                out.append("[^/]*")
                i = j
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = glob.find("]", i + 3 if glob[i + 1 : i + 2] in ("!", "^") else i + 2)
            if end == -1:
                out.append(re.escape(char))
                i += 1
                continue
            body = glob[i + 1 : end]
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            body = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(("(?!/)[^" if negate else "(?!/)[") + body + "]")
            i = end + 1
        elif char == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


class GlobList:
    """A compiled list of globs with gitignore's `!` negation (last match wins)."""

    def __init__(self, globs: Iterable[str]) -> None:
        self._patterns: list[tuple[bool, re.Pattern[str]]] = []
        for glob in globs:
            negated = glob.startswith("!")
            self._patterns.append((negated, glob_to_regex(glob[1:] if negated else glob)))
        self._any_negated = any(negated for negated, _ in self._patterns)
        # Without negation, one alternation: a single regex call per path.
        self._union = re.compile(
            "|".join(f"(?:{regex.pattern})" for _, regex in self._patterns) or "(?!)",
            re.DOTALL,
        )

    def matches(self, path: str) -> bool:
        if not self._any_negated:
            return self._union.fullmatch(path) is not None
        for negated, regex in reversed(self._patterns):
            if regex.fullmatch(path):
                return not negated
        return False


class _Classifier:
    def __init__(self, tests: tuple[str, ...], ignore: tuple[str, ...]) -> None:
        self.tests = GlobList(tests)
        self.ignore = GlobList(ignore)
        # A range names the same paths over and over.
        self.known: dict[str, str] = {}

    def kind(self, path: str) -> str:
        found = self.known.get(path)
        if found is None:
            if self.tests.matches(path):
                found = TEST
            elif self.ignore.matches(path):
                found = IGNORED
            else:
                found = SOURCE
            if len(self.known) < 100_000:
                self.known[path] = found
        return found


@lru_cache(maxsize=64)
def _classifier(tests: tuple[str, ...], ignore: tuple[str, ...]) -> _Classifier:
    return _Classifier(tests, ignore)


def path_matches(path: str, globs: Iterable[str]) -> bool:
    """Whether `path` is in the glob list `globs`."""
    return _classifier(tuple(globs), ()).tests.matches(path)


def classify(path: str, policy: Policy) -> str:
    """The kind of one repository-relative path: "test", "ignored" or "source"."""
    global _last
    # Asked for every changed path of a range: looking the classifier up by the
    # globs would hash both tuples of globs each time. One tuple, swapped whole, so
    # that a thread never sees one policy's paths with another's classifier.
    last = _last
    if last is None or last[0] is not policy.paths:
        paths = policy.paths
        last = _last = (paths, _classifier(tuple(paths.tests), tuple(paths.ignore)))
    return last[1].kind(path)


# The paths policy asked about last, and its classifier.
_last: tuple[object, _Classifier] | None = None


def is_test(path: str, policy: Policy) -> bool:
    return classify(path, policy) == TEST
