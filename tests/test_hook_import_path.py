"""The commit-message hooks' fast path, as a list: the reviewgate modules that
`hook commit-msg` and `hook prepare-commit-msg` may import. A module that joins
their import path must be added here on purpose (and pay its way in
bench/bench_commit_msg_hook.py); something heavier creeping in fails the test.
pyproject.toml's import-linter contract says the same statically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import reviewgate

FAST_PATH = frozenset(
    {
        "reviewgate",
        "reviewgate.__main__",
        "reviewgate.entry",
        "reviewgate.errors",
        "reviewgate.commands",
        "reviewgate.commands.hook_commit_msg",
        "reviewgate.commands.hook_prepare_commit_msg",
        "reviewgate.model",
        "reviewgate.model.commit",
        "reviewgate.model.display",
        "reviewgate.model.emails",
        "reviewgate.model.finding",
        "reviewgate.model.fix",
        "reviewgate.model.memo",
        "reviewgate.model.message",
        "reviewgate.model.record",
        "reviewgate.model.trailers",
        "reviewgate.model.rulebook",
        "reviewgate.policy",
        "reviewgate.policy.files",
        "reviewgate.policy.schema",
        "reviewgate.git",
        "reviewgate.git.hookenv",
        "reviewgate.git.amending",
        "reviewgate.disclosure",
        "reviewgate.disclosure.agents",
        "reviewgate.disclosure.declarations",
        "reviewgate.disclosure.identity",
        "reviewgate.disclosure.keys",
        "reviewgate.disclosure.lines",
        "reviewgate.disclosure.judge",
        "reviewgate.disclosure.policy_rules",
        "reviewgate.disclosure.rules",
        "reviewgate.pairs",
        "reviewgate.pairs.fixes",
        "reviewgate.pairs.hook",
        "reviewgate.pairs.paths",
        "reviewgate.pairs.rules",
        "reviewgate.pairs.weakening",  # RG204's reading of added lines: re only
        "reviewgate.perf",
        "reviewgate.perf.rules",
        "reviewgate.pipeline",
        "reviewgate.pipeline.rules",
        "reviewgate.report",
        "reviewgate.report.text",
    }
)
# Packages of the disclosure registry: data, no code of weight.
FAST_PATH_PREFIXES = ("reviewgate.disclosure.registry", "reviewgate.disclosure.tool")
NEVER = ("click", "git", "yaml", "dataclasses_json", "jsonschema")
# The standard library's heavy modules (issue 15): `dataclasses` imports `inspect`,
# which imports `ast`, `dis` and `tokenize`; the records on the hooks' path are
# plain classes with __slots__ (reviewgate/model/record.py). `typing` and `pathlib`
# (with `urllib.parse` and `ipaddress`) are for type checkers and policy files only.
HEAVY_STDLIB = (
    "dataclasses", "inspect", "ast", "dis", "tokenize", "typing", "pathlib", "urllib.parse",
    "ipaddress",
)
# The probe runs without `site` (-S), so that no .pth file of this machine's
# site-packages imports anything before reviewgate does; reviewgate comes from
# where this interpreter finds it.
SOURCE_ROOT = str(Path(reviewgate.__file__).resolve().parent.parent)

PROBE = """
import sys, runpy
sys.argv = ['reviewgate', 'hook', *sys.argv[1:]]
try:
    runpy.run_module('reviewgate', run_name='__main__')
except SystemExit as e:
    code = e.code
print(code)
for name in sorted(sys.modules):
    print(name)
"""


def test_the_bare_interpreter_loads_none_of_the_heavy_modules() -> None:
    # Otherwise the assertion on the hooks' modules would prove nothing.
    at_start = subprocess.run(
        [sys.executable, "-S", "-c", "import sys; print(*sys.modules, sep=chr(10))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert [m for m in HEAVY_STDLIB if m in at_start] == []


def imported(tmp_path: Path, *argv: str) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, *argv],
        cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": SOURCE_ROOT},
    )
    code, *modules = result.stdout.split("\n")
    return code, {m for m in modules if m}


@pytest.mark.parametrize(
    "argv",
    [
        ["commit-msg", "msg"],
        ["prepare-commit-msg", "msg", "message"],
    ],
)
@pytest.mark.parametrize(
    "message",
    [
        "feat: x\n",
        "fix: crash on empty input\n\nAssisted-by: Claude:claude-opus-4\n",
    ],
)
def test_the_hooks_import_only_the_fast_path(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "msg").write_text(message)
    code, modules = imported(tmp_path, *argv)
    ours = {m for m in modules if m == "reviewgate" or m.startswith("reviewgate.")}
    extra = {m for m in ours - FAST_PATH if not m.startswith(FAST_PATH_PREFIXES)}
    assert extra == set(), f"off the hooks' fast path: {sorted(extra)}"
    assert [m for m in NEVER if m in modules] == []
    assert [m for m in HEAVY_STDLIB if m in modules] == []
    assert "reviewgate.commands.hook_" + argv[0].replace("-", "_") in ours
    assert code in ("0", "1", "None")


POLICY_TABLE = (
    '[project]\nname = "x"\n\n[tool.reviewgate]\nassistance = { require = "forbidden" }\n'
)


@pytest.mark.parametrize(
    ("files", "from_table"),
    [
        # Most pyproject.toml files: a quick look at the text, no TOML parser.
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["reviewgate>=0.1"]\n'}, False),
        # .reviewgate.yaml wins: its parser only.
        ({"pyproject.toml": POLICY_TABLE, ".reviewgate.yaml": "version: 1\n"}, False),
        ({"pyproject.toml": POLICY_TABLE}, True),
    ],
    ids=["no-table", "yaml-wins", "table"],
)
def test_the_hooks_parse_pyproject_only_for_its_policy_table(
    tmp_path: Path, files: dict[str, str], from_table: bool
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "msg").write_text("feat: x\n\nAssisted-by: Claude:claude-opus-4\n")
    # yaml, which the policy parsers need, from where this interpreter finds it.
    yaml_root = str(Path(yaml.__file__).resolve().parent.parent)
    result = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, "commit-msg", "msg"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([SOURCE_ROOT, yaml_root])},
    )
    code, *lines = result.stdout.split("\n")
    modules = set(lines)
    toml_modules = {"tomllib", "tomli", "reviewgate.policy.pyproject"} & modules
    assert bool(toml_modules) is from_table, sorted(toml_modules)
    # The table forbids assisted commits; yaml's parser is found, so no exit 2.
    assert code in (("1",) if from_table else ("0", "None")), result.stderr
    if not files.get(".reviewgate.yaml") and not from_table:
        assert [m for m in (*NEVER, *HEAVY_STDLIB) if m in modules] == []
