"""What `verify.command: auto` picks from a project's top-level files and the
fix's test files (verify/auto.py)."""

from __future__ import annotations

import json

import pytest

from reviewgate.verify.auto import CARGO, GO, NODE, NPM, PYTEST, choose


def _read(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda name: files[name].encode() if name in files else None


@pytest.mark.parametrize(
    "names, tests, command, reason",
    [
        ({"pyproject.toml", "src"}, (), PYTEST, "pyproject.toml"),
        ({"setup.cfg"}, (), PYTEST, "setup.cfg"),
        ({"tox.ini", "tests"}, (), PYTEST, "tox.ini"),
        ({"tests", "README.md"}, (), PYTEST, "a tests/ directory"),
        ({"go.mod", "pyproject.toml"}, (), GO, "go.mod"),
        ({"Cargo.toml", "tests"}, (), CARGO, "Cargo.toml"),
        ({"package.json"}, (), NODE, "package.json"),
        # The fix's tests name the language when a project has several.
        (
            {"go.mod", "pyproject.toml"},
            ("tests/test_x.py",),
            PYTEST,
            "pyproject.toml; the fix's test tests/test_x.py needs it",
        ),
        (
            {"package.json", "pyproject.toml"},
            ("web/a.test.js",),
            NODE,
            "package.json; the fix's test web/a.test.js needs it",
        ),
        # A data file says nothing: the manifests decide.
        ({"go.mod"}, ("testdata/case.txt",), GO, "go.mod"),
    ],
)
def test_choose(
    names: set[str], tests: tuple[str, ...], command: tuple[str, ...], reason: str
) -> None:
    choice = choose(names, _read({"package.json": "{}"}), tests)
    assert choice is not None
    assert (choice.command, choice.reason) == (command, reason)


def test_a_package_test_script_is_run_with_npm() -> None:
    files = {"package.json": json.dumps({"scripts": {"test": "jest"}})}
    choice = choose({"package.json"}, _read(files))
    assert choice is not None and choice.command == NPM
    assert choice.reason == "package.json's test script ('jest')"
    # npm's placeholder script and `node --test` itself keep the TAP report.
    for script in ('echo "Error: no test specified" && exit 1', "node --test"):
        files = {"package.json": json.dumps({"scripts": {"test": script}})}
        assert choose({"package.json"}, _read(files)).command == NODE  # type: ignore[union-attr]
    assert choose({"package.json"}, _read({"package.json": "not json"})).command == NODE  # type: ignore[union-attr]


def test_nothing_to_go_by() -> None:
    assert choose({"README.md", "src"}, _read({})) is None
