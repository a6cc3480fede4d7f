"""The hooks as users install them: the plain scripts in hooks/ (core.hooksPath),
with and without the console script on PATH, and the repository as a pre-commit
hook repository (`pre-commit install -t commit-msg -t prepare-commit-msg`).

pre-commit builds a virtualenv and pip-installs reviewgate into it; that is done
once per test session, in a session-wide PRE_COMMIT_HOME."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Repo
from test_hook_commit_msg import (
    DECLARATION,
    FOOTER,
    HOOKS_DIR,
    ROOT,
    SRC,
    head_message,
    out,
)

UNDECLARED = f"feat: tool-written\n\n{FOOTER}\n"
DECLARED = f"feat: tool-written\n\n{FOOTER}\n\n{DECLARATION}\n"
HOOK_NAMES = ("commit-msg", "prepare-commit-msg")


def git_commit(repo: Repo, message: str | None, env: dict[str, str], *args: str
               ) -> subprocess.CompletedProcess[bytes]:
    source = ["-F", "-"] if message is not None else []
    return subprocess.run(
        ["git", "commit", "--allow-empty", *source, *args], cwd=repo.path,
        input=message.encode() if message is not None else None,
        capture_output=True, env=env, timeout=600,
    )


# --- the scripts -------------------------------------------------------------


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_scripts_are_executable_posix_sh(name: str) -> None:
    script = HOOKS_DIR / name
    assert os.access(script, os.X_OK)
    assert script.read_text().startswith("#!/bin/sh\n")
    assert f"\nhook={name}\n" in script.read_text()
    for shell in ("sh", "dash", "bash"):
        found = shutil.which(shell)
        if found:
            check = subprocess.run([found, "-n", str(script)], capture_output=True)
            assert check.returncode == 0, check.stderr


def _bin_dir(tmp_path: Path, **programs: str) -> Path:
    """A directory for the front of PATH holding the given shell scripts."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in programs.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return bin_dir


def _system_path() -> str:
    """Directories that hold git and the shell tools but, checked, no reviewgate."""
    dirs = [d for d in ("/usr/local/bin", "/usr/bin", "/bin") if Path(d).is_dir()]
    path = os.pathsep.join(dirs)
    assert shutil.which("git", path=path), "git is not in /usr/bin or /bin"
    if shutil.which("reviewgate", path=path):
        pytest.skip("a reviewgate console script is installed system-wide")
    return path


@pytest.fixture
def scripted(repo: Repo) -> Repo:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("initial")
    return repo


def test_falls_back_to_python_m_reviewgate(scripted: Repo, tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path, python3=f'exec "{sys.executable}" "$@"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{_system_path()}",
           "PYTHONPATH": str(SRC)}
    rejected = git_commit(scripted, UNDECLARED, env)
    assert rejected.returncode != 0 and "RG101" in out(rejected), out(rejected)
    passed = git_commit(scripted, UNDECLARED, {**env, "CLAUDECODE": "1"})
    assert passed.returncode == 0, out(passed)
    assert b"Assisted-by: Claude:unknown" in head_message(scripted)


def test_not_installed(scripted: Repo, tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path, python3="exit 1", python="exit 1")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{_system_path()}"}
    before = scripted.head()
    result = git_commit(scripted, "feat: x\n", env)
    # The gate fails closed and says how to get past it once.
    assert result.returncode != 0
    assert "reviewgate is not installed" in out(result)
    assert "--no-verify" in out(result)
    assert scripted.head() == before
    # prepare-commit-msg is only a convenience (and --no-verify does not skip it).
    skipped = git_commit(scripted, "feat: x\n", env, "--no-verify")
    assert skipped.returncode == 0, out(skipped)
    assert "prepare-commit-msg hook skipped" in out(skipped)
    assert head_message(scripted) == b"feat: x\n"


# --- pre-commit --------------------------------------------------------------

_DROP = ("GIT_", "PRE_COMMIT", "REVIEWGATE_", "CLAUDE", "CODEX", "CURSOR", "GEMINI", "OPENCODE",
         "COPILOT", "AIDER", "AI_AGENT", "AGENT")


def _session_env(home: Path) -> dict[str, str]:
    """The session fixtures run before the per-test isolation: isolate git here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
    gitconfig = home / "gitconfig"
    gitconfig.write_text('[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n')
    env.update(
        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_AUTHOR_NAME="Ada Author", GIT_AUTHOR_EMAIL="ada@example.org",
        GIT_COMMITTER_NAME="Ada Author", GIT_COMMITTER_EMAIL="ada@example.org",
        PRE_COMMIT_HOME=str(home / "pre-commit"),
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


def _shared_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for the whole run: under pytest-xdist, every worker's temporary
    root sits in the run's own directory, which they share; alone, the session's."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    root = tmp_path_factory.getbasetemp()
    base = root.parent / f"pre-commit-{run}" if run else root / "pre-commit-session"
    base.mkdir(exist_ok=True)
    return base


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """A git repository holding this working tree's package (whatever is committed
    in /work/main or not), its HEAD, and a PRE_COMMIT_HOME in which pre-commit
    has already built the hook environment: built once per test run, by the first
    xdist worker that asks, under a file lock; the others wait and share it."""
    base = _shared_base(tmp_path_factory)
    with _locked(base / ".lock"):
        ready = base / "ready"
        if not ready.exists():
            rev = _build_hook_repo(base)
            ready.write_text(rev)
        rev = ready.read_text()
    yield base / "reviewgate", rev, base / "pre-commit"


def _build_hook_repo(base: Path) -> str:
    env = _session_env(base)
    dest = base / "reviewgate"
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(SRC, dest / "src", ignore=ignore)
    shutil.copytree(HOOKS_DIR, dest / "hooks")
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    if not (dest / "README.md").exists():  # pyproject names it as the readme
        (dest / "README.md").write_text("reviewgate\n")
    _run(["git", "init", "-q", "-b", "main"], dest, env)
    _run(["git", "add", "-A"], dest, env)
    _run(["git", "commit", "-q", "--no-verify", "-m", "reviewgate under test"], dest, env)
    rev = _run(["git", "rev-parse", "HEAD"], dest, env).strip()

    # Build the environment once, in a scratch repository.
    scratch = base / "scratch"
    scratch.mkdir()
    _run(["git", "init", "-q", "-b", "main"], scratch, env)
    (scratch / ".pre-commit-config.yaml").write_text(_config(dest, rev))
    _run(["git", "add", "-A"], scratch, env)
    _run([sys.executable, "-m", "pre_commit", "install-hooks"], scratch, env, timeout=900)
    return rev


def _config(repo: Path, rev: str) -> str:
    return (
        "repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: reviewgate-commit-msg\n"
        "      - id: reviewgate-prepare-commit-msg\n"
    )


@pytest.fixture
def pre_committed(
    repo: Repo, hook_repo: tuple[Path, str, Path], monkeypatch: pytest.MonkeyPatch
) -> Repo:
    source, rev, home = hook_repo
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    repo.write(".pre-commit-config.yaml", _config(source, rev))
    repo.commit("add pre-commit config")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "-t", "commit-msg",
         "-t", "prepare-commit-msg"],
        cwd=repo.path, check=True, capture_output=True, timeout=120,
    )
    for name in HOOK_NAMES:
        assert "pre-commit" in (repo.path / ".git" / "hooks" / name).read_text()
    return repo


def _pc_env(**extra: str) -> dict[str, str]:
    # No PYTHONPATH: the hook must run the copy pre-commit installed.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


@pytest.mark.slow
def test_pre_commit_rejects_an_undeclared_signature(pre_committed: Repo) -> None:
    before = pre_committed.head()
    result = git_commit(pre_committed, UNDECLARED, _pc_env())
    assert result.returncode != 0, out(result)
    text = out(result)
    assert "RG101" in text
    kept = pre_committed.path / ".git" / "COMMIT_EDITMSG"
    assert f"kept in {kept}" in text
    assert kept.read_text() == UNDECLARED
    assert pre_committed.head() == before


@pytest.mark.slow
def test_pre_commit_passes_a_declared_commit(pre_committed: Repo) -> None:
    result = git_commit(pre_committed, DECLARED, _pc_env())
    assert result.returncode == 0, out(result)
    assert head_message(pre_committed) == DECLARED.encode()


@pytest.mark.slow
def test_pre_commit_prepare_hook_adds_the_trailer(pre_committed: Repo) -> None:
    result = git_commit(pre_committed, UNDECLARED, _pc_env(CLAUDECODE="1"))
    assert result.returncode == 0, out(result)
    assert head_message(pre_committed) == f"{UNDECLARED}\nAssisted-by: Claude:unknown\n".encode()
    amended = git_commit(pre_committed, None, _pc_env(CLAUDECODE="1"), "--amend", "--no-edit")
    assert amended.returncode == 0, out(amended)
    assert head_message(pre_committed).count(b"Assisted-by:") == 1


@pytest.mark.slow
def test_pre_commit_merge_source_reaches_the_hook(pre_committed: Repo) -> None:
    repo = pre_committed
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("topic work", {"t.txt": "t\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", {"m.txt": "m\n"})
    merged = subprocess.run(
        ["git", "merge", "--no-ff", "topic"], cwd=repo.path, capture_output=True,
        env=_pc_env(CLAUDECODE="1", GIT_MERGE_AUTOEDIT="no"), timeout=600,
    )
    assert merged.returncode == 0, out(merged)
    # pre-commit hands SOURCE over in PRE_COMMIT_COMMIT_MSG_SOURCE; merges are skipped.
    assert head_message(repo) == b"Merge branch 'topic'\n"


@pytest.mark.slow
def test_pre_commit_shows_a_warning_when_the_commit_passes(pre_committed: Repo) -> None:
    # pre-commit hides a passing hook's output unless the hook is verbose.
    pre_committed.write(".reviewgate.yaml",
                        "version: 1\nassistance:\n  format: kernel\nrules:\n  RG102: warning\n")
    pre_committed.commit("add policy")
    message = "feat: tidy\n\nAssisted-by: claude opus\n"
    result = git_commit(pre_committed, message, _pc_env())
    assert result.returncode == 0, out(result)
    assert head_message(pre_committed) == message.encode()
    assert "RG102" in out(result)


@pytest.mark.slow
def test_pre_commit_amending_a_fix_judges_the_amended_commit(pre_committed: Repo) -> None:
    # Issue 16, item 1: pre-commit runs the hook from its own process; the hook
    # still finds the `git commit --amend` that runs pre-commit.
    repo = pre_committed
    repo.write("src/app.py", "x = 2\n")
    repo.write("tests/test_app.py", "t = 2\n")
    repo.git("add", "-A")
    assert git_commit(repo, "fix: off by one\n", _pc_env()).returncode == 0
    repo.write("src/app.py", "x = 3\n")
    repo.git("add", "-A")
    amended = git_commit(repo, None, _pc_env(), "--amend", "--no-edit")
    assert amended.returncode == 0, out(amended)
    assert "RG201" not in out(amended)
    repo.write("src/app.py", "x = 4\n")
    repo.git("add", "-A")
    new = git_commit(repo, "fix: again\n", _pc_env())  # not an amend: no test
    assert new.returncode != 0 and "RG201" in out(new)


@pytest.mark.slow
def test_pre_commit_a_clean_commit_gets_nothing_from_reviewgate(pre_committed: Repo) -> None:
    # Issue 16, item 6: with the hook's `verbose: true`, pre-commit shows whatever
    # the hook prints on every commit; a clean one prints nothing of its own.
    result = git_commit(pre_committed, "feat: tidy\n", _pc_env())
    assert result.returncode == 0, out(result)
    assert "reviewgate:" not in out(result)
    declared = git_commit(pre_committed, DECLARED, _pc_env())
    said = [line for line in out(declared).splitlines() if line.startswith("reviewgate:")]
    assert said == [
        "reviewgate: this commit will need a sign-off before it reaches main "
        "(Reviewed-by or Acked-by: by a maintainer, or `reviewgate approve`)"
    ]
