"""verify.sandbox: each way a test under verification used to reach past its
worktree, done for real by a hostile test file in the commit under test. Without
the sandbox (`none`) the escape works, which shows the test performs it; in
bubblewrap it is blocked. Honest tests get the same outcomes either way.

The bubblewrap cases skip, with the reason, where bwrap cannot run (not
installed, or user namespaces not allowed for this user)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import uuid
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.verify.sandbox import unusable
from verify_helpers import (
    ADD_FIXED,
    base_project,
    our_worktrees,
    reviewgate,
    same_commit_fix,
    snapshot,
    write_policy,
)

BWRAP_PROBLEM = unusable()
needs_bwrap = pytest.mark.skipif(bool(BWRAP_PROBLEM), reason=f"no sandbox here: {BWRAP_PROBLEM}")
MODES = ["none", pytest.param("bwrap", marks=needs_bwrap)]
# The test file runs with the worktree as its current directory and the code
# under test importable, as pytest would make it.
PREAMBLE = "import os, subprocess, sys\nsys.path.insert(0, os.getcwd())\n"
CALC_OK = "from pkg.calc import add\nassert add(2, 3) == 5\n"


def _verify(
    repo: Repo, tmp_path: Path, base: str, mode: str, *extra: str, network: bool = False
) -> tuple[str, str]:
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"], sandbox=mode)
    if network:
        policy.write_text(policy.read_text() + "  network: true\n")
    result = reviewgate(
        repo.path, "verify", "--no-cache", "--config", str(policy), *extra, f"{base}..HEAD"
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert our_worktrees(repo) == []
    return result.stdout, result.stderr


def _hostile(repo: Repo, body: str, fixed: str = ADD_FIXED) -> str:
    base = base_project(repo)
    same_commit_fix(repo, test=PREAMBLE + body, fixed=fixed)
    return base


@pytest.mark.parametrize("mode", MODES)
def test_the_parents_cwd_leads_nowhere(repo: Repo, tmp_path: Path, mode: str) -> None:
    # /proc/$PPID/cwd is reviewgate's current directory: the user's repository.
    body = (
        "parent = f'/proc/{os.getppid()}/cwd'\n"
        "subprocess.run(['git', '--git-dir', parent + '/.git', 'tag', 'via-proc'])\n"
        "subprocess.run(['git', '--git-dir', parent + '/.git', 'config', 'core.pager', "
        "'touch /tmp/owned'])\n" + CALC_OK
    )
    base = _hostile(repo, body)
    _verify(repo, tmp_path, base, mode)
    tags = git(repo.path, "tag", "-l").stdout.split()
    pager = git(repo.path, "config", "core.pager", check=False).stdout.strip()
    if mode == "none":
        assert tags == ["via-proc"] and pager == "touch /tmp/owned"  # the escape works
    else:
        assert tags == [] and pager == ""


@pytest.mark.parametrize("mode", MODES)
def test_the_repository_by_its_path_is_out_of_reach(repo: Repo, tmp_path: Path, mode: str) -> None:
    # A CI runner's checkout has a well-known path; the test names it outright.
    where = str(repo.path)
    body = (
        f"repo = {where!r}\n"
        "subprocess.run(['git', '-C', repo, 'tag', 'by-path'])\n"
        "subprocess.run(['git', '-C', repo, 'config', 'user.name', 'Mallory'])\n"
        "try:\n"
        "    with open(repo + '/.git/hooks/pre-commit', 'w') as hook:\n"
        "        hook.write('#!/bin/sh\\necho owned\\n')\n"
        "except OSError:\n"
        "    pass\n" + CALC_OK
    )
    base = _hostile(repo, body)
    before = snapshot(repo)
    _verify(repo, tmp_path, base, mode)
    escaped = [
        git(repo.path, "tag", "-l").stdout.split() == ["by-path"],
        git(repo.path, "config", "user.name", check=False).stdout.strip() == "Mallory",
        (repo.path / ".git" / "hooks" / "pre-commit").exists(),
    ]
    if mode == "none":
        assert escaped == [True, True, True]
    else:
        assert escaped == [False, False, False]
        assert snapshot(repo) == before


@pytest.mark.parametrize("mode", MODES)
def test_a_setsid_daemon_without_the_run_variable_dies_with_the_run(
    repo: Repo, tmp_path: Path, mode: str
) -> None:
    # `env -i` drops REVIEWGATE_VERIFY_RUN, the guard without a sandbox.
    marker = f"rg-daemon-{uuid.uuid4().hex}"
    # The test waits until its daemon runs (has left the process group), as a
    # real one would, so that the run's end does not catch it half-way.
    body = (
        "import time\n"
        "daemon = subprocess.Popen(['setsid', 'env', '-i', sys.executable, '-c', "
        f"'import time; time.sleep(300)', {marker!r}], stdin=subprocess.DEVNULL, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "for _ in range(1000):\n"
        "    with open(f'/proc/{daemon.pid}/cmdline', 'rb') as cmdline:\n"
        f"        if {marker.encode()!r} in cmdline.read():\n"
        "            break\n"
        "    time.sleep(0.01)\n" + CALC_OK
    )
    base = _hostile(repo, body)
    try:
        _verify(repo, tmp_path, base, mode)
        survivors = _processes_with(marker)
        assert len(survivors) == (2 if mode == "none" else 0)  # red's and green's
    finally:
        for pid in _processes_with(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _processes_with(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline.split(b"\0"):
                found.append(int(name))
    return found


@pytest.mark.parametrize("place", ["/tmp", "/var/tmp", "$HOME"])
@pytest.mark.parametrize("mode", MODES)
def test_state_kept_between_red_and_green_cannot_fake_a_proof(
    repo: Repo, tmp_path: Path, mode: str, place: str
) -> None:
    # The "fix" changes nothing; the test fails on its first run and passes on
    # its second, remembering the first in a file outside the worktree.
    state = f"{place}/rg-state-{uuid.uuid4().hex}"
    body = (
        f"state = os.path.expandvars({state!r})\n"
        "if not os.path.exists(state):\n"
        "    open(state, 'w').close()\n"
        "    sys.exit(1)\n"
    )
    base = _hostile(repo, body, fixed="def add(a, b):\n    return a - b  # 'fixed'\n")
    try:
        out, _ = _verify(repo, tmp_path, base, mode)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.expandvars(state))
    if mode == "none":
        assert "proven (red, then green)" in out, out  # the lie the sandbox stops
    else:
        assert "NOT GREEN" in out, out


@pytest.mark.parametrize("network", [False, True])
@needs_bwrap
def test_the_network_only_when_the_policy_allows_it(
    repo: Repo, tmp_path: Path, network: bool
) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    calls: list[bytes] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                calls.append(conn.recv(100))
                conn.close()

    threading.Thread(target=accept, daemon=True).start()
    body = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=5).sendall(b'hi')\n"
        "except OSError:\n"
        "    pass\n" + CALC_OK
    )
    base = _hostile(repo, body)
    try:
        _verify(repo, tmp_path, base, "bwrap", network=network)
    finally:
        server.close()
    assert len(calls) == (2 if network else 0), calls


@needs_bwrap
def test_home_is_private_and_empty(repo: Repo, tmp_path: Path, isolated_git_env: Path) -> None:
    secret = isolated_git_env / ".ssh" / "id_ed25519"
    secret.parent.mkdir()
    secret.write_text("PRIVATE KEY\n")
    # Passes only where HOME is empty and writable, and the real one unreadable.
    body = (
        "home = os.environ['HOME']\n"
        "assert os.listdir(home) == [], os.listdir(home)\n"
        "open(os.path.join(home, 'scratch'), 'w').close()\n"
        f"assert not os.path.exists({str(secret)!r})\n" + CALC_OK
    )
    base = _hostile(repo, body)
    out, _ = _verify(repo, tmp_path, base, "bwrap")
    assert "proven (red, then green)" in out, out
    assert sorted(p.name for p in isolated_git_env.iterdir()) == [".gitconfig", ".ssh"]


# name -> (the fixed module, its test); each fix has a module of its own.
HONEST = {
    "proven": ("def f():\n    return 2\n", "assert f() == 2\n"),
    "not_red": ("def f():\n    return 1  # same\n", "assert True\n"),
    "not_green": ("def f():\n    return 3\n", "assert f() == 2\n"),
    "exit_2": ("def f():\n    return 2\n", "sys.exit(2)\n"),
    "signal": ("def f():\n    return 2\n", "os.kill(os.getpid(), 9)\n"),
}


@needs_bwrap
def test_honest_outcomes_are_the_same_in_the_sandbox(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(
        "feat: modules",
        {
            "pkg/__init__.py": "",
            **{f"pkg/{name}.py": "def f():\n    return 1\n" for name in HONEST},
        },
    )
    for name, (fixed, test) in HONEST.items():
        repo.commit(
            f"fix: {name}",
            {
                f"pkg/{name}.py": fixed,
                f"tests/test_{name}.py": f"{PREAMBLE}from pkg.{name} import f\n{test}",
            },
        )
    outputs = []
    for mode in ("none", "bwrap"):
        policy = write_policy(
            tmp_path / f"{mode}.yaml",
            [sys.executable, "{tests}"],
            error_exit_codes=[2],
            sandbox=mode,
        )
        result = reviewgate(
            repo.path, "verify", "--no-cache", "--config", str(policy), f"{base}..HEAD"
        )
        assert result.returncode == 1, result.stdout + result.stderr
        outputs.append(result.stdout.splitlines()[1:])  # after the policy's name
    assert outputs[1] == outputs[0]
    text = "\n".join(outputs[0])
    assert text.count("proven (red, then green)") == 1
    assert "NOT RED" in text and "NOT GREEN" in text
    assert "exit 2 means the command could not run" in text
    assert "killed by SIGKILL" in text  # bwrap's exit 137 is read back as the signal


@needs_bwrap
def test_a_program_the_sandbox_cannot_run_is_rg205_not_a_red(repo: Repo, tmp_path: Path) -> None:
    base = base_project(repo)
    same_commit_fix(repo)
    policy = write_policy(tmp_path / "policy.yaml", ["no-such-runner", "{tests}"], sandbox="bwrap")
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1
    assert "red: command not found: no-such-runner" in result.stdout, result.stdout


@pytest.mark.parametrize("mode", MODES)
def test_a_command_that_cannot_start_is_rg205_in_both_modes(
    repo: Repo, tmp_path: Path, mode: str
) -> None:
    # The project's own runner script, with an interpreter that is nowhere.
    repo.write("run-tests", "#!/nonexistent/python\n")
    (repo.path / "run-tests").chmod(0o755)
    base = base_project(repo)
    same_commit_fix(repo, test=PREAMBLE + CALC_OK)
    policy = write_policy(tmp_path / "policy.yaml", ["./run-tests", "{tests}"], sandbox=mode)
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR: could not verify (RG205)" in result.stdout
    detail = {
        "none": "red: command not found: ./run-tests",
        "bwrap": "red: the sandbox could not start the command: execvp ./run-tests: "
        "No such file or directory",
    }[mode]
    assert detail in result.stdout, result.stdout


def _fake_bwrap(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "bwrap"
    fake.write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_auto_without_a_working_bwrap_says_so_in_one_line(repo: Repo, tmp_path: Path) -> None:
    base = base_project(repo)
    same_commit_fix(repo, test=PREAMBLE + CALC_OK)  # red and green: two runs, one notice
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"], sandbox="auto")
    result = reviewgate(
        repo.path, "verify", "--config", str(policy), f"{base}..HEAD", env=_fake_bwrap(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "proven (red, then green)" in result.stdout
    notices = [line for line in result.stderr.splitlines() if "verify.sandbox" in line]
    assert notices == [
        "reviewgate: verify.sandbox auto: bwrap does not work here (bwrap: No permissions "
        "to creating new namespace); the test command runs without a sandbox"
    ]


def test_bwrap_required_where_it_cannot_run_is_exit_2(repo: Repo, tmp_path: Path) -> None:
    base = base_project(repo)
    same_commit_fix(repo)
    policy = write_policy(tmp_path / "policy.yaml", [sys.executable, "{tests}"], sandbox="bwrap")
    result = reviewgate(
        repo.path, "verify", "--config", str(policy), f"{base}..HEAD", env=_fake_bwrap(tmp_path)
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "reviewgate: error: verify.sandbox is bwrap, but bwrap does not work here (bwrap: No "
        "permissions to creating new namespace); install bubblewrap (Debian, Ubuntu: apt-get "
        "install bubblewrap) where user namespaces are allowed, or set verify.sandbox: auto"
    ]


def test_the_sandbox_keys_are_read_from_the_policy() -> None:
    from reviewgate.policy.files import load_policy

    text = "verify:\n  sandbox: bwrap\n  network: true\n  expose: ['~/.cargo', /opt/sdk]\n"
    verify = load_policy(None, text=text, source=".reviewgate.yaml").verify
    assert (verify.sandbox, verify.network, verify.expose) == (
        "bwrap",
        True,
        ("~/.cargo", "/opt/sdk"),
    )
    default = load_policy(None, text="", source=".reviewgate.yaml").verify
    assert (default.sandbox, default.network, default.expose) == ("auto", False, ())


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "verify:\n  sandbox: docker\n",
            ".reviewgate.yaml:2: invalid value 'docker' for "
            "'verify.sandbox' (expected one of: auto, bwrap, none)",
        ),
        (
            "verify:\n  network: maybe\n",
            ".reviewgate.yaml:2: 'verify.network' must be true or false, got a string",
        ),
        (
            "verify:\n  expose: [relative/dir]\n",
            ".reviewgate.yaml:2: invalid path 'relative/dir' "
            "for 'verify.expose[0]' (write an absolute path or one from your home directory, "
            "e.g. '~/.cargo')",
        ),
    ],
)
def test_bad_sandbox_keys_name_the_key_and_line(text: str, message: str) -> None:
    from reviewgate.errors import PolicyError
    from reviewgate.policy.files import load_policy

    with pytest.raises(PolicyError) as caught:
        load_policy(None, text=text, source=".reviewgate.yaml")
    assert str(caught.value) == message


def test_the_sandbox_hides_the_repository_home_and_temporary_places(
    repo: Repo, tmp_path: Path
) -> None:
    from reviewgate.verify.sandbox import hidden_paths, repository_paths

    linked = tmp_path / "linked"
    repo.commit("feat: x", {"a.txt": "a\n"})
    git(repo.path, "worktree", "add", "-q", str(linked))
    gitdir = git(linked, "rev-parse", "--absolute-git-dir").stdout.strip()
    # Run from a linked worktree: it, the main work tree and the git directories.
    assert set(repository_paths(gitdir)) == {
        str(linked),
        str(repo.path),
        str(repo.path / ".git"),
        gitdir,
    }
    home = tmp_path / "home"
    home.mkdir()
    hidden = hidden_paths(gitdir, {"HOME": str(home), "TMPDIR": "/no/such/tmp"})
    assert set(hidden) >= {"/tmp", "/var/tmp", "/run"}
    assert not any(p.startswith("/tmp/") for p in hidden)  # /tmp covers what is in it
    assert "/no/such/tmp" not in hidden  # bwrap could not mount over what is not there
    assert "/" not in hidden_paths(gitdir, {"HOME": "/"})
