"""`verify.command: auto`: the project's own test command, with its report on.

Chosen from the files at the top of the green state (the fix itself), so a
pull request that moves a project from one runner to another is judged by the
runner it brings, and from the fix's test files when the project has several:

  go.mod                          go test -json -count=1 {packages}
  Cargo.toml                      cargo test --no-fail-fast
  pyproject.toml, setup.cfg,      python -m pytest (JUnit report)
  setup.py, pytest.ini, tox.ini
  package.json                    node --test (TAP), or `npm test` when the
                                  package has a test script of its own
  a tests/ directory              python -m pytest

A fix whose test files are Go, Rust, JavaScript or Python picks that language's
runner when the project has its manifest. Every command but `npm test` gives
per-test results (verify/results.py); `-count=1` keeps go from answering a rerun
from its test cache.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

PYTEST = (
    "python",
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "-o",
    "junit_family=xunit1",
    "--junitxml={junit}",
)
GO = ("go", "test", "-json", "-count=1", "{packages}")
CARGO = ("cargo", "test", "--no-fail-fast")
NODE = ("node", "--test", "--test-reporter=tap")
NPM = ("npm", "test", "--silent")
PYTHON_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", "tox.ini")
_NPM_PLACEHOLDER = 'echo "Error: no test specified" && exit 1'
# The language a test file is written in, and the manifest its runner needs.
_BY_SUFFIX = (
    ((".go",), "go.mod"),
    ((".rs",), "Cargo.toml"),
    ((".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"), "package.json"),
    ((".py",), "python"),
)


@dataclass(frozen=True)
class AutoChoice:
    command: tuple[str, ...]
    reason: str  # what in the project chose it, for `reviewgate policy` and verdicts


def choose(
    names: Collection[str],
    read: Callable[[str], bytes | None],
    tests: Sequence[str] = (),
) -> AutoChoice | None:
    """The command for a project whose top-level entries are `names` (`read` gives
    a top-level file's contents). None when nothing says how its tests run."""
    python = next((name for name in PYTHON_MARKERS if name in names), None)
    for suffixes, manifest in _BY_SUFFIX:
        if any(path.lower().endswith(suffixes) for path in tests):
            found = python if manifest == "python" else manifest if manifest in names else None
            if found is not None:
                test = next(p for p in tests if p.lower().endswith(suffixes))
                return _choice(found, read, f"; the fix's test {test} needs it")
    for manifest in ("go.mod", "Cargo.toml", python, "package.json"):
        if manifest is not None and manifest in names:
            return _choice(manifest, read, "")
    if "tests" in names:
        return AutoChoice(PYTEST, "a tests/ directory")
    return None


def _choice(manifest: str, read: Callable[[str], bytes | None], why: str) -> AutoChoice:
    if manifest == "go.mod":
        return AutoChoice(GO, "go.mod" + why)
    if manifest == "Cargo.toml":
        return AutoChoice(CARGO, "Cargo.toml" + why)
    if manifest == "package.json":
        script = _test_script(read("package.json"))
        if script and "node --test" not in script:
            return AutoChoice(NPM, f"package.json's test script ({script!r}){why}")
        return AutoChoice(NODE, "package.json" + why)
    return AutoChoice(PYTEST, manifest + why)


def _test_script(data: bytes | None) -> str:
    try:
        scripts = json.loads(data or b"{}").get("scripts") or {}
    except (ValueError, AttributeError):
        return ""
    script = scripts.get("test") if isinstance(scripts, dict) else None
    return script.strip() if isinstance(script, str) and script.strip() != _NPM_PLACEHOLDER else ""


def runnable(argv: Sequence[str]) -> list[str]:
    """An auto command as this machine runs it: `python` is `python3` where only
    that exists (Debian)."""
    args = list(argv)
    if args and args[0] == "python" and shutil.which("python") is None and shutil.which("python3"):
        args[0] = "python3"
    return args


def choose_in_directory(root: str, tests: Sequence[str] = ()) -> AutoChoice | None:
    """The choice for a checked-out project (`reviewgate policy` in a working tree)."""
    try:
        names = set(os.listdir(root))
    except OSError:
        return None

    def read(name: str) -> bytes | None:
        try:
            with open(os.path.join(root, name), "rb") as handle:
                return handle.read(1 << 20)
        except OSError:
            return None

    return choose(names, read, tests)
