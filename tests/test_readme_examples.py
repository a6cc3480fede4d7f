"""The README's and the CI docs' copy-paste examples keep working.

Every YAML example parses; the pre-commit example names hooks this repository
ships; the policy example is a valid policy; every use of the GitHub Action passes
only inputs that action.yml declares; the action's own steps are consistent and its
check step really runs; and every command of the README's "Use it" section runs for
real, against this checkout, in a real repository with an origin.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Repo, git

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = (README, ROOT / "docs" / "ci.md", ROOT / "docs" / "gitlab-ci.md")
SHELL_OPERATORS = {"&&", "||", "|", ";", ">", ">>", "<", "&"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int  # of the opening fence, 1-based
    section: str  # the `## ` heading it stands under
    lang: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.path.name}:{self.line}"

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0].strip()


def code_blocks(path: Path) -> list[Block]:
    """The fenced blocks of `path`, with the second-level section of each."""
    blocks: list[Block] = []
    section, fence, lang, start, body = "", "", "", 0, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fence:
            if line.strip() == fence:
                blocks.append(Block(path, start, section, lang, "\n".join(body) + "\n"))
                fence = ""
            else:
                body.append(line)
        elif match := re.match(r"^(`{3,})\s*([\w+-]*)", line):
            fence, lang, start, body = match.group(1), match.group(2).lower(), number, []
        elif line.startswith("## "):
            section = line[3:].strip()
    assert not fence, f"{path.name}:{start}: unclosed code fence"
    return blocks


def strip_comment(line: str) -> str:
    """`line` without a shell comment: `#` that starts a word outside quotes."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """Each non-comment line of a sh block, with its words."""
    found = []
    for line in block.text.splitlines():
        argv = shlex.split(strip_comment(line))
        if argv:
            found.append((line.strip(), argv))
    return found


def option(argv: list[str], *names: str) -> str | None:
    """The value of an option given as `--name VALUE` or `--name=VALUE`."""
    for index, word in enumerate(argv):
        for name in names:
            if word == name and index + 1 < len(argv):
                return argv[index + 1]
            if word.startswith(name + "="):
                return word[len(name) + 1 :]
    return None


def section_blocks(path: Path, section: str, lang: str) -> list[Block]:
    return [b for b in code_blocks(path) if b.section == section and b.lang == lang]


def yaml_blocks() -> list[Block]:
    return [b for path in DOCS for b in code_blocks(path) if b.lang in ("yaml", "yml")]


def walk(node: Any) -> Iterator[Any]:
    """Every mapping, list and scalar inside a parsed YAML document."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)


def load_action() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


# --- YAML examples ---------------------------------------------------------------


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_doc_has_yaml_examples(path: Path) -> None:
    assert any(b.lang in ("yaml", "yml") for b in code_blocks(path))


@pytest.mark.parametrize("block", yaml_blocks(), ids=lambda b: b.id)
def test_yaml_example_parses(block: Block) -> None:
    assert yaml.safe_load(block.text) is not None, f"{block.id}: empty YAML example"


def test_policy_example_is_a_valid_policy() -> None:
    from reviewgate.policy.files import load_policy

    [block] = [b for b in yaml_blocks() if b.first_line == "# .reviewgate.yaml"]
    load_policy(None, text=block.text, source=block.id)  # raises PolicyError with the line


def test_pre_commit_example_uses_hooks_this_repository_ships(tmp_path: Path) -> None:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    stages = {hook["id"]: set(hook["stages"]) for hook in manifest}
    [block] = [b for b in yaml_blocks() if b.first_line == "# .pre-commit-config.yaml"]
    used = [hook["id"] for repo in yaml.safe_load(block.text)["repos"] for hook in repo["hooks"]]
    assert used and set(used) <= set(stages), f"{block.id}: unknown hook ids"
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(block.text)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The install command beside it must install every stage those hooks run at.
    [install] = [
        argv
        for b in section_blocks(README, block.section, "sh")
        for _, argv in commands(b)
        if "pre-commit" in argv and "install" in argv
    ]
    installed = {install[i + 1] for i, word in enumerate(install) if word in ("-t", "--hook-type")}
    assert set().union(*(stages[hook] for hook in used)) <= installed


# --- the GitHub Action -----------------------------------------------------------


def test_action_declares_the_inputs_it_documents() -> None:
    action = load_action()
    assert action["name"] == "reviewgate" and action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"range", "format", "config", "version", "python-version"} <= set(inputs)
    assert inputs["range"]["default"] == "" and inputs["format"]["default"] == "github"


def test_action_steps_reference_only_what_exists() -> None:
    action = load_action()
    declared, seen_ids = set(action["inputs"]), set()
    for step in action["runs"]["steps"]:
        text = json.dumps(step)
        assert set(re.findall(r"\binputs\.([\w-]+)", text)) <= declared, step.get("name")
        assert set(re.findall(r"\bsteps\.([\w-]+)\.", text)) <= seen_ids, step.get("name")
        if "run" in step:
            # Composite run steps must name their shell; inputs reach the script
            # through env only, so that no value can become shell code.
            assert step.get("shell") == "bash", step.get("name")
            assert "${{" not in step["run"], step.get("name")
        seen_ids.add(step.get("id", ""))
    outputs = json.dumps(action.get("outputs", {}))
    assert set(re.findall(r"\bsteps\.([\w-]+)\.", outputs)) <= seen_ids


def action_uses() -> list[tuple[Block, dict[str, Any], list[dict[str, Any]]]]:
    """(block, step, sibling steps) for every step of an example that uses the action."""
    found = []
    for block in yaml_blocks():
        for node in walk(yaml.safe_load(block.text)):
            if isinstance(node, list):
                for step in node:
                    uses = step.get("uses", "") if isinstance(step, dict) else ""
                    if re.fullmatch(r"reviewgate/reviewgate@\S+", uses):
                        found.append((block, step, node))
    return found


def test_examples_pass_only_declared_inputs_and_fetch_the_history() -> None:
    uses = action_uses()
    assert any(block.path == README for block, _, _ in uses), "README shows no use of the action"
    declared = set(load_action()["inputs"])
    for block, step, siblings in uses:
        assert set(step.get("with", {})) <= declared, block.id
        checkouts = [s for s in siblings if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert all(s.get("with", {}).get("fetch-depth") == 0 for s in checkouts), block.id


@pytest.mark.parametrize(
    "range_input, expected",
    [("HEAD~2..HEAD", 2), ("HEAD --not\nHEAD~1", 1), ("", 3)],
    ids=["range", "words-across-lines", "empty"],
)
def test_action_check_step_runs(
    repo: Repo, reviewgate_env: dict[str, str], range_input: str, expected: int
) -> None:
    for number in range(3):
        repo.commit(f"Change {number}\n", files={f"f{number}.txt": str(number)})
    [step] = [s for s in load_action()["runs"]["steps"] if s.get("name") == "Check commits"]
    env = {
        **reviewgate_env,
        "REVIEWGATE": shutil.which("reviewgate", path=reviewgate_env["PATH"]) or "",
        "INPUT_RANGE": range_input,
        "INPUT_FORMAT": "json",
        "INPUT_OUTPUT": "report.json",
        "INPUT_CONFIG": "",
    }
    result = run_step(step["run"], repo.path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((repo.path / "report.json").read_text())
    assert report["summary"]["commits"] == expected


def test_action_check_step_never_globs_the_range(
    repo: Repo, reviewgate_env: dict[str, str]
) -> None:
    repo.commit("One\n", files={"HEAD": "a file a glob would find"})
    [step] = [s for s in load_action()["runs"]["steps"] if s.get("name") == "Check commits"]
    env = {
        **reviewgate_env,
        "REVIEWGATE": shutil.which("reviewgate", path=reviewgate_env["PATH"]) or "",
        "INPUT_RANGE": "HEA*",
        "INPUT_FORMAT": "text",
        "INPUT_OUTPUT": "",
        "INPUT_CONFIG": "",
    }
    result = run_step(step["run"], repo.path, env)
    assert result.returncode == 2 and "'HEA*'" in result.stderr, result.stderr


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The shell line GitHub runs a `shell: bash` step with.
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- GitLab CI -------------------------------------------------------------------


def test_gitlab_jobs_fetch_the_history_and_report_what_they_write() -> None:
    jobs = [
        job
        for block in code_blocks(ROOT / "docs" / "gitlab-ci.md")
        if block.first_line == "# .gitlab-ci.yml"
        for job in yaml.safe_load(block.text).values()
    ]
    assert len(jobs) >= 2
    for job in jobs:
        assert job["variables"]["GIT_DEPTH"] == "0"
        junit = job.get("artifacts", {}).get("reports", {}).get("junit")
        if junit:
            checks = [shlex.split(line) for line in job["script"] if "reviewgate check" in line]
            assert any(option(argv, "--output", "-o") == junit for argv in checks)
            assert job["artifacts"]["when"] == "always"


# --- the README's commands -------------------------------------------------------


@pytest.fixture
def reviewgate_env(tmp_path: Path) -> dict[str, str]:
    """The environment in which `reviewgate` is this checkout's."""
    bindir = Path(sys.executable).parent
    if not (bindir / "reviewgate").is_file():  # run from the source tree, not installed
        bindir = tmp_path / "bin"
        bindir.mkdir()
        shim = bindir / "reviewgate"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m reviewgate "$@"\n')
        shim.chmod(0o755)
    pythonpath = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": pythonpath,
    }
    assert Path(shutil.which("reviewgate", path=env["PATH"]) or "").parent == bindir
    return env


@pytest.fixture
def repo_with_origin(repo: Repo, tmp_path: Path) -> Repo:
    """Two commits pushed to a bare origin, then two local ones: one declared with
    Assisted-by, one with Claude Code's footer and no declaration."""
    repo.commit("Add the greeting\n", files={"hello.py": "print('hello')\n"})
    repo.commit("Test the greeting\n", files={"tests/test_hello.py": "def test(): pass\n"})
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    repo.git("remote", "add", "origin", str(tmp_path / "origin.git"))
    repo.git("push", "-q", "-u", "origin", "main")
    repo.commit(
        "Greet by name\n\nAssisted-by: claude-code:claude-opus-4-1\n",
        files={"hello.py": "import sys\nprint('hello', sys.argv[1])\n"},
    )
    repo.commit(
        "Handle no name\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n",
        files={"hello.py": "import sys\nprint('hello', *sys.argv[1:2])\n"},
    )
    return repo


def test_use_it_commands_run(repo_with_origin: Repo, reviewgate_env: dict[str, str]) -> None:
    [block] = section_blocks(README, "Use it", "sh")
    lines = commands(block)
    assert lines, "the Use it block has no command"
    assert sum(argv[:2] == ["reviewgate", "init"] for _, argv in lines) <= 1
    cwd = repo_with_origin.path
    for line, argv in lines:
        assert not SHELL_OPERATORS & set(argv), f"one command per line: {line}"
        result = subprocess.run(
            argv, cwd=cwd, env=reviewgate_env, capture_output=True, text=True, timeout=120
        )
        said = f"{line}\n{result.stdout}{result.stderr}"
        if argv[:2] == ["reviewgate", "init"]:
            assert result.returncode == 0, said
            assert (cwd / ".reviewgate.yaml").is_file(), said
            continue
        assert result.returncode in (0, 1), said
        if argv[:2] == ["reviewgate", "check"]:
            assert_report_matches(argv, result, cwd, said)


def assert_report_matches(
    argv: list[str], result: subprocess.CompletedProcess[str], cwd: Path, said: str
) -> None:
    """The check read at least one commit, and exits 1 exactly when it reports errors."""
    output = option(argv, "--output", "-o")
    report = (cwd / output).read_text() if output else result.stdout
    fmt = option(argv, "--format") or "text"
    if fmt == "json":
        data = json.loads(report)
        commits, errors = data["summary"]["commits"], data["summary"]["errors"]
    elif fmt == "text":
        summary = re.search(r"(\d+) commits? checked .*?: (\d+) errors?", report + result.stderr)
        assert summary, said
        commits, errors = int(summary.group(1)), int(summary.group(2))
    else:
        return
    assert commits >= 1, said
    assert result.returncode == (1 if errors else 0), said
