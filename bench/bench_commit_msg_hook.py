#!/usr/bin/env python3
"""Time `reviewgate hook commit-msg FILE` against gitlint on the same message.

    python bench/bench_commit_msg_hook.py [--runs N] [--no-install] [--check]

Target: the reviewgate hook costs at most 0.30x `gitlint --staged --msg-filename
FILE`, both run interleaved inside a scratch repository with staged changes. The
message is a fix, so the hook also runs the fix rules (RG201 reads the staged
diff). When gitlint is not on PATH it is installed from PyPI into a venv cached
under the temp directory (`--no-install` skips that and times reviewgate alone).
The target is reported as PASS or MISS; `--check` exits 1 on a MISS (or when
gitlint could not be timed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import (
    BenchError,
    Command,
    add_check_flag,
    exit_status,
    format_table,
    interpreter_of,
    missed,
    ratio_line,
    reviewgate_argv,
    reviewgate_env,
    time_commands,
)

TARGET = 0.30
AUTHOR = ("Ada Lovelace", "ada@example.org")

# As git leaves COMMIT_EDITMSG for the hook: the text before cleanup, comments included.
# A fix, so that the hook runs the fix rules too: RG201 reads the staged diff, which
# pairs the fix with its test.
MESSAGE = """\
fix(parser): stream trailers from one git log process

Reading each commit with its own git process made a range of twenty
thousand commits take minutes. One `git log -z` now feeds the parser,
and trailers are folded as git folds them.

- continuation lines are joined with a single space
- the `---` divider ends the message only in a message file

Assisted-by: Claude:claude-opus-4
Reviewed-by: Grace Hopper <grace@example.org>
Signed-off-by: Ada Lovelace <ada@example.org>
# Please enter the commit message for your changes. Lines starting
# with '#' will be ignored, and an empty message aborts the commit.
#
# On branch main
# Changes to be committed:
#\tmodified:   src/app/parser.py
#\tnew file:   tests/test_parser.py
#
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_scratch_repo(root: Path) -> Path:
    """A repository with one commit and staged changes, and its message file."""
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", AUTHOR[0])
    _git(repo, "config", "user.email", AUTHOR[1])
    _git(repo, "config", "core.hooksPath", os.devnull)
    (repo / "src" / "app").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "src" / "app" / "parser.py").write_text("def parse(text):\n    return text\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "chore: initial import")
    (repo / "src" / "app" / "parser.py").write_text(
        "def parse(text):\n    return text.strip()\n")
    (repo / "tests" / "test_parser.py").write_text(
        "from app.parser import parse\n\n\ndef test_parse():\n    assert parse(' a ') == 'a'\n")
    _git(repo, "add", "-A")
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_text(MESSAGE)
    return repo


def _venv_dir() -> Path:
    return Path(tempfile.gettempdir()) / "reviewgate-bench-venvs" / "gitlint"


def _works(gitlint: Path | str) -> bool:
    try:
        return subprocess.run([str(gitlint), "--version"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_gitlint(explicit: str | None, install: bool) -> tuple[str | None, str]:
    """The gitlint executable and where it came from, or (None, why not)."""
    if explicit:
        return (explicit, "--gitlint") if _works(explicit) else (None, f"{explicit} does not run")
    on_path = shutil.which("gitlint")
    if on_path and _works(on_path):
        return on_path, "PATH"
    cached = _venv_dir() / "bin" / "gitlint"
    if _works(cached):
        return str(cached), f"cached venv {_venv_dir()}"
    if not install:
        return None, "not on PATH and no cached venv (--no-install)"
    print(f"installing gitlint into {_venv_dir()} (once; later runs reuse it)", flush=True)
    return _install(), f"new venv {_venv_dir()}"


def _install() -> str | None:
    # Built in place: a venv cannot be moved (its scripts name it in their #! line).
    # A half-built one fails `_works` next time and is rebuilt.
    target = _venv_dir()
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--retries", "2",
           "--disable-pip-version-check"]
    gitlint = target / "bin" / "gitlint"
    for package in ("gitlint-core", "gitlint"):
        if subprocess.run([*pip, package]).returncode == 0 and _works(gitlint):
            return str(gitlint)
    shutil.rmtree(target, ignore_errors=True)
    return None


def reviewgate_venv(install: bool) -> tuple[str, ...] | None:
    """reviewgate installed (not editable, bytecode compiled) into a venv of its own,
    as gitlint is: both then start the same way, without this machine's site-packages
    (whose .pth files run on every start). Keyed by a hash of the sources."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([root / "pyproject.toml", *(root / "src").rglob("*.py")]):
        digest.update(path.read_bytes())
    target = _venv_dir().parent / f"reviewgate-{digest.hexdigest()[:12]}"
    script = target / "bin" / "reviewgate"
    if _works(script):
        return (str(script),)
    if not install:
        return None
    print(f"installing reviewgate into {target} (once per source version)", flush=True)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    python = str(target / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    installed = subprocess.run([python, "-m", "pip", "install", "-q", "--retries", "2",
                                "--disable-pip-version-check", str(root)], env=env)
    if installed.returncode != 0 or not _works(script):
        shutil.rmtree(target, ignore_errors=True)
        return None
    subprocess.run([python, "-m", "compileall", "-q", str(target / "lib")], env=env)
    return (str(script),)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reviewgate", help="command to run reviewgate (default: installed)")
    parser.add_argument("--gitlint", help="gitlint executable to compare against")
    parser.add_argument("--no-install", action="store_true",
                        help="never install gitlint; time reviewgate alone if it is absent")
    add_check_flag(parser)
    parser.add_argument("--no-venv", action="store_true",
                        help="time the reviewgate installed here instead of a venv of its own")
    args = parser.parse_args(argv)

    gitlint, source = find_gitlint(args.gitlint, install=not args.no_install)
    rg = reviewgate_argv(args.reviewgate)
    if not args.reviewgate and not args.no_venv:
        rg = reviewgate_venv(install=not args.no_install) or rg
    with tempfile.TemporaryDirectory(prefix="rg-bench-hook-") as tmp:
        repo = make_scratch_repo(Path(tmp))
        message = str(repo / ".git" / "COMMIT_EDITMSG")
        # reviewgate: 0 accepted, 1 rejected. gitlint: its exit code counts violations;
        # 253 and above are its own errors.
        commands = [Command("reviewgate hook commit-msg", (*rg, "hook", "commit-msg", message),
                            frozenset({0, 1}))]
        if gitlint:
            commands.append(Command("gitlint --staged", (gitlint, "--staged", "--msg-filename",
                                                         message), frozenset(range(253))))
        # Interpreter start-up is a floor neither tool can go below; it differs between
        # interpreters (a .pth file in site-packages runs on every start).
        for name, argv in (("reviewgate", rg), ("gitlint", (gitlint,) if gitlint else ())):
            python = interpreter_of(argv) if argv else None
            if python:
                commands.append(Command(f"python startup ({name}'s)", (python, "-c", "pass")))
        for command in commands:
            print(f"  {command.label}: {command.shell()}")
        if not gitlint:
            print(f"gitlint: unavailable ({source}); timing reviewgate alone")
        # Both tools run as git runs a commit-msg hook: in the working tree's top,
        # with GIT_PREFIX and GIT_INDEX_FILE exported (git 2.39 does so for every
        # hook). Run by hand, reviewgate would start one more `git rev-parse` to
        # find the repository, which no commit pays.
        env = {**reviewgate_env(rg), "GIT_PREFIX": "", "GIT_INDEX_FILE": ".git/index"}
        try:
            timings = time_commands(commands, runs=args.runs, cwd=repo, env=env)
        except BenchError as error:
            print(f"bench_commit_msg_hook: {error}", file=sys.stderr)
            return 2
    print(f"\nmedian of {args.runs} interleaved runs, timed with {timings[0].tool}"
          + (f"; gitlint from {source}" if gitlint else "") + "\n")
    print(format_table(("command", "median ms"), [(t.label, f"{t.median * 1000:.1f}")
                                                   for t in timings]))
    print()
    if gitlint:
        print(ratio_line("reviewgate hook / gitlint", timings[0].median / timings[1].median,
                         TARGET))
    else:
        print(f"ratio reviewgate hook / gitlint: not measured (target <= {TARGET:.2f}x)")
        if args.check:
            missed("reviewgate hook / gitlint (gitlint unavailable)")
    return exit_status(args.check)


if __name__ == "__main__":
    sys.exit(main())
