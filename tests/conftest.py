"""Shared fixtures: every test gets its own HOME and git identity, and builds real
repositories with the real git binary."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Variables a developer's or CI's shell may set that change how git behaves.
_GIT_VARS_TO_DROP = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
    "GIT_EDITOR",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "REVIEWGATE_CONFIG",
    "REVIEWGATE_BASE",
    "PRE_COMMIT_HOME",
)
# Agent markers from the machine running the suite must not leak into tests.
_AGENT_VARS_TO_DROP = (
    "CLAUDECODE",
    "CLAUDE_CODE_ENTRYPOINT",
    "CODEX_SANDBOX",
    "CODEX_SANDBOX_NETWORK_DISABLED",
    "CODEX_MANAGED_BY_NPM",
    "CURSOR_AGENT",
    "CURSOR_TRACE_ID",
    "AIDER_MODEL",
    "GEMINI_CLI",
    "OPENCODE",
    "OPENHANDS",
    "COPILOT_AGENT",
    "COPILOT_CLI",
    "COPILOT_MODEL",
    "CODEX_THREAD_ID",
    "CODEX_CI",
    "CURSOR_EXTENSION_HOST_ROLE",
    "AI_AGENT",
    "AGENT",
    "REVIEWGATE_AGENT",
    "ANTHROPIC_MODEL",
    "GEMINI_MODEL",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    # CI=true makes the verify cache trust only signed results; a test that means
    # CI sets it.
    "CI",
    # The text report's colour: a test that means colour sets them.
    "NO_COLOR",
    "FORCE_COLOR",
)


@pytest.fixture(autouse=True)
def isolated_git_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private HOME with no git config, and a fixed identity and clock."""
    home = tmp_path_factory.mktemp("home")
    for name in _GIT_VARS_TO_DROP + _AGENT_VARS_TO_DROP:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "CI_", "GIT_TRACE")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Ada Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ada@example.org")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home / ".cache" / "pre-commit"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
        '[protocol "file"]\n\tallow = always\n'
    )
    return home


def git(
    cwd: Path | str,
    *args: str,
    input: str | bytes | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real git; text mode unless `input` is bytes."""
    text = not isinstance(input, bytes)
    full_env = None if env is None else {**os.environ, **env}
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=text,
        check=check,
        env=full_env,
        timeout=60,
    )


class Repo:
    """A real repository in a temporary directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return git(self.path, *args, **kwargs)  # type: ignore[arg-type]

    def write(self, relpath: str, content: str | bytes) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        return target

    def commit(
        self,
        message: str | bytes,
        files: dict[str, str | bytes] | None = None,
        *,
        author: str | None = None,
        committer: str | None = None,
        allow_empty: bool = True,
        extra: tuple[str, ...] = (),
    ) -> str:
        """Write `files`, stage everything and commit `message` verbatim; return the sha."""
        for relpath, content in (files or {}).items():
            self.write(relpath, content)
        self.git("add", "-A")
        env: dict[str, str] = {}
        if author:
            name, email = _split_ident(author)
            env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email)
        if committer:
            name, email = _split_ident(committer)
            env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        args = ["commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", "-", *extra]
        if allow_empty:
            args.append("--allow-empty")
        data = message if isinstance(message, bytes) else message.encode()
        subprocess.run(
            ["git", *args],
            cwd=self.path,
            input=data,
            check=True,
            capture_output=True,
            env={**os.environ, **env},
            timeout=60,
        )
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()


def _split_ident(ident: str) -> tuple[str, str]:
    name, _, rest = ident.partition("<")
    return name.strip(), rest.rstrip(">").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    yield Repo(path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the pre-commit environment (the `hook_repo`
    fixture of test_hooks_installed.py, which pre_commit_pusher asks for by
    name): the slowest setup of the suite, built once per run and shared by
    every worker."""
    for item in items:
        if {"hook_repo", "pre_commit_pusher"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pre_commit_env)


def pytest_configure(config: pytest.Config) -> None:
    """Let every `python -m reviewgate` the tests start reuse compiled bytecode,
    and find this run's interpreter first on PATH.

    With PYTHONDONTWRITEBYTECODE set (as on some CI images), each of the suite's
    thousands of CLI processes compiled the whole package again: 90 of its 270 ms.
    The bytecode goes to a cache outside the source tree, one per user, which
    Python checks against each source file's size and mtime as it does any .pyc."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = Path(tempfile.gettempdir()) / f"reviewgate-tests-pycache-{os.getuid()}"
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(cache))
    # This process too (a worker imports every test module, which pytest rewrites
    # for its assertions, and caches only where bytecode may be written).
    sys.dont_write_bytecode = False
    if sys.pycache_prefix is None:
        sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
    # `python3` and `reviewgate` on PATH (hook scripts, benchmarks) are this run's
    # interpreter and its console script, not a version manager's shim: pyenv's
    # shims are shell scripts that cost 70 ms a call, and could pick another Python.
    here = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != here:
        os.environ["PATH"] = os.pathsep.join([here, path]) if path else here
