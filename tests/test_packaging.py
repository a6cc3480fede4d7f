"""Issue 16, item 4: reviewgate installs by name, as git-reviewgate, with no clone.

A wheel is built offline from a tagged copy of this source tree, installed into a
fresh virtual environment, and used there the way a user would: `reviewgate
--version` says the tag's version, `reviewgate hook install` writes hooks that a
real `git commit` runs from a PATH that has nothing but git, and `git reviewgate`
works through git. The wheel carries the hook scripts, and `twine check` passes it
when twine is installed (.ci/run checks the real build's wheel and sdist)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import git
from reviewgate.commands.hook_install import DEFAULT_HOOKS, HOOK_NAMES
from test_hook_commit_msg import DECLARATION, FOOTER, ROOT, SRC

TAG_VERSION = "1.2.3"


def run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=300, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done


def test_the_distribution_is_git_reviewgate_with_both_commands() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # `reviewgate` on PyPI is an unrelated project.
    project = pyproject["project"]
    assert project["name"] == "git-reviewgate"
    assert project["scripts"] == {"reviewgate": "reviewgate.entry:main",
                                  "git-reviewgate": "reviewgate.entry:main"}
    assert "version" in project["dynamic"] and "version" not in project
    assert any(r.startswith("setuptools-scm") for r in pyproject["build-system"]["requires"])
    assert pyproject["tool"]["setuptools_scm"]["fallback_version"]


def test_the_man_page_names_every_command() -> None:
    # git answers `git reviewgate --help` with this page.
    page = (SRC / "reviewgate" / "man" / "git-reviewgate.1").read_text(encoding="utf-8")
    listed = run([sys.executable, "-m", "reviewgate", "--help"],
                 env={**os.environ, "PYTHONPATH": str(SRC)}).stdout
    commands = [line.split()[0] for line
                in listed.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()]
    assert len(commands) >= 8
    for command in commands:
        assert f"\n.B {command}" in page, command
    assert "\n.B hook install" in page and "hook uninstall" in page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel of a copy of this source tree tagged v1.2.3, built offline."""
    for module in ("setuptools_scm", "wheel"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("wheel-build")
    source = base / "source"
    shutil.copytree(SRC, source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "SETUPTOOLS_SCM"))}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org",
               GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@example.org")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["commit", "-q", "--no-verify", "-m", "release"],
                 ["tag", "-a", f"v{TAG_VERSION}", "-m", "release"]):
        run(["git", *args], cwd=source, env=env)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", base / "dist", source], env=env)
    [wheel] = (base / "dist").glob("*.whl")
    yield wheel


@pytest.fixture(scope="module")
def venv(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, and the dependencies
    (click, GitPython, PyYAML) lent from this interpreter's site-packages."""
    target = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", target])
    python = target / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
         "--no-index", built])
    # After the install, so that pip never sees another copy of git-reviewgate.
    import click
    import git as gitpython
    import yaml

    lent = {str(Path(m.__file__).resolve().parent.parent) for m in (click, gitpython, yaml)}
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    (Path(site.stdout.strip()) / "lent-deps.pth").write_text("\n".join(sorted(lent)) + "\n")
    return target


@pytest.mark.slow
def test_the_wheel_carries_the_hook_scripts_and_both_commands(built: Path) -> None:
    assert built.name.startswith(f"git_reviewgate-{TAG_VERSION}-")
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        for hook in HOOK_NAMES:
            assert f"reviewgate/hook_scripts/{hook}" in names
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert "\nName: git-reviewgate\n" in archive.read(metadata).decode()
        assert any(n.endswith(".data/data/share/man/man1/git-reviewgate.1") for n in names)
    assert "git-reviewgate = reviewgate.entry:main" in scripts
    assert "reviewgate = reviewgate.entry:main" in scripts


@pytest.mark.slow
def test_twine_accepts_the_wheel(built: Path) -> None:
    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed (pip install -e '.[test]')")
    done = run([sys.executable, "-m", "twine", "check", "--strict", built])
    assert "PASSED" in done.stdout


@pytest.mark.slow
def test_installed_wheel_hooks_gate_real_commits(venv: Path, tmp_path: Path) -> None:
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = run([bin_dir / "python", "-c", "import reviewgate; print(reviewgate.__file__)"],
                env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), "the wheel's copy must run"
    version = run([bin_dir / "reviewgate", "--version"], env=env)
    assert version.stdout == f"reviewgate, version {TAG_VERSION}\n"

    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "-b", "main", "repo")
    installed = run([bin_dir / "reviewgate", "hook", "install"], cwd=repo, env=env)
    assert installed.stdout.splitlines() == [f"installed .git/hooks/{h}" for h in DEFAULT_HOOKS]

    # A commit from a client whose PATH has git and nothing else.
    git_only = tmp_path / "git-only"
    git_only.mkdir()
    (git_only / "git").symlink_to(shutil.which("git") or "git")
    commit_env = {**env, "PATH": str(git_only)}
    message = f"feat: tool-written\n\n{FOOTER}\n"
    rejected = subprocess.run(["git", "commit", "--allow-empty", "-F", "-"], cwd=repo,
                              input=message, env=commit_env, capture_output=True, text=True,
                              timeout=120)
    assert rejected.returncode != 0 and "RG101" in rejected.stderr, rejected.stderr
    accepted = subprocess.run(["git", "commit", "--allow-empty", "-F", "-"], cwd=repo,
                              input=f"{message}\n{DECLARATION}\n", env=commit_env,
                              capture_output=True, text=True, timeout=120)
    assert accepted.returncode == 0, accepted.stderr
    assert git(repo, "rev-list", "--count", "HEAD").stdout == "1\n"

    # `git reviewgate …` runs the git-reviewgate script, as `git lfs` runs git-lfs.
    git_env = {**env, "PATH": f"{bin_dir}{os.pathsep}{git_only}"}
    usage = run(["git", "reviewgate", "-h"], cwd=repo, env=git_env)
    assert usage.stdout.startswith("Usage: git reviewgate [OPTIONS] COMMAND [ARGS]...")
    check = subprocess.run(["git", "reviewgate", "check", "HEAD"], cwd=repo, env=git_env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and "RG301" in check.stdout, check.stdout + check.stderr
    if shutil.which("man"):  # git's `--help` is the man page beside the venv's bin/
        man_env = {k: v for k, v in git_env.items() if k != "MANPATH"}
        man_env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
        page = run(["git", "reviewgate", "--help"], cwd=repo, env=man_env)
        assert "git reviewgate check" in page.stdout
    wrong = subprocess.run(["git", "reviewgate", "nosuch"], cwd=repo, env=git_env,
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2
    assert wrong.stderr == ("reviewgate: error: no such command 'nosuch' "
                            "(see 'git reviewgate -h')\n")
