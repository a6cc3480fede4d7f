"""The test command inside bubblewrap (`verify.sandbox`), so that the code under
test cannot reach past its worktree.

What a sandboxed run sees:

- the whole system read-only (`--ro-bind / /`), with a fresh /dev and /proc;
- a private, empty /tmp, /var/tmp, /run and HOME (tmpfs, gone when the run ends):
  nothing written in red is there in green, no socket under /run (docker, D-Bus,
  an ssh agent) is reachable, and nothing of the user's home (keys, tokens,
  git config) is readable;
- no path to the user's repository: its work tree, its git directory and the
  linked worktree it was run from are hidden behind empty tmpfs, and so is the
  file REVIEWGATE_VERIFY_KEY names;
- the worktree, the one writable place, at the same path as outside;
- new user, PID, IPC, UTS, cgroup and network namespaces (the network only when
  `verify.network` allows it), no capabilities, a session of its own, and death
  with its parent: when the run ends, or reviewgate is killed, every process of
  the run dies with the namespace's first process.

`auto` uses bubblewrap when a trial run of `true` inside it works, and otherwise
prints one line and runs the command as before (worktree.repository_hidden and
runner.kill_escaped are the only guards then).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewgate.errors import ReviewgateError
from reviewgate.verify.provenance import KEY_VARIABLE
from reviewgate.verify.worktree import common_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import VerifyPolicy

_PRIVATE = ("/tmp", "/var/tmp", "/run")  # always an empty tmpfs inside
_TRIAL_TIMEOUT = 30
_notices: set[str] = set()


@dataclass(frozen=True)
class Sandbox:
    program: str  # bwrap's path
    network: bool
    hidden: tuple[str, ...]  # each an empty tmpfs inside (real paths, none inside another)
    exposed: tuple[str, ...] = ()  # shown again, read-only, after the hiding
    masked: tuple[str, ...] = ()  # files replaced by an empty one
    home: str = "/tmp/home"

    def argv(self, command: Sequence[str], worktree: str) -> list[str]:
        """bwrap's arguments, then `command` to run in `worktree`. Later mounts win:
        the hiding comes before what is shown again, the worktree comes last."""
        args = [
            self.program, "--die-with-parent", "--new-session", "--unshare-all",
            "--cap-drop", "ALL", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
        ]  # fmt: skip
        if self.network:
            args.append("--share-net")
        for path in self.hidden:
            args += ["--tmpfs", path]
        if self.network and "/run" in self.hidden:
            # /etc/resolv.conf often points into /run (systemd-resolved).
            args += ["--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"]
        for path in self.exposed:
            args += ["--ro-bind-try", path, path]
        for path in self.masked:
            if os.path.isfile(path):
                args += ["--ro-bind", os.devnull, path]
        args += ["--dir", self.home, "--bind", worktree, worktree, "--chdir", worktree]
        return [*args, "--", *command]

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` with HOME and TMPDIR inside the sandbox, and without the key."""
        inside = {k: v for k, v in env.items() if k != KEY_VARIABLE}
        return {**inside, "HOME": self.home, "TMPDIR": "/tmp"}

    def prepare(
        self, command: Sequence[str], worktree: str, env: Mapping[str, str]
    ) -> tuple[list[str], dict[str, str]] | str:
        """(argv, environment) to start the sandboxed command; a problem (one line)
        when its program cannot run inside. The program is found on the host's
        PATH first: bwrap would report a missing one as exit 1, like a failing test."""
        inside = self.environment(env)
        program = command[0]
        if "/" in program:
            found = os.path.join(worktree, program) if not os.path.isabs(program) else program
            found = found if os.access(found, os.X_OK) else None
        else:
            found = shutil.which(program, path=env.get("PATH"))
        if found is None:
            return f"command not found: {program}"
        real = os.path.realpath(found)
        # A virtualenv or Python installation that the hiding covers (one in HOME,
        # pyenv's, the repository's .venv) is shown again, read-only: the command
        # needs its interpreter and packages, which hold nothing of the user's.
        exposed = list(self.exposed)
        # Never a path in the worktree: its files (a pyvenv.cfg) are the pull request's.
        programs = [p for p in (found, real) if not _under(p, [worktree])]
        for root in _runtime_roots([*programs, env.get("VIRTUAL_ENV", "")]):
            if _under(root, self.hidden) and not _under(root, [*exposed, worktree]):
                exposed.append(root)
        if _under(real, self.hidden) and not _under(real, [*exposed, worktree]):
            return (
                f"command not found in the sandbox: {program} is {real}, which the sandbox "
                "hides; install it outside your home directory and repository, or name its "
                "directory in verify.expose"
            )
        sandbox = Sandbox(
            self.program, self.network, self.hidden, tuple(exposed), self.masked, self.home
        )
        # A program named by a path keeps it (the worktree is the directory inside too).
        start = program if "/" in program else found
        return sandbox.argv([start, *command[1:]], worktree), inside


def sandbox_for(verify: VerifyPolicy, git_dir: str) -> Sandbox | None:
    """The sandbox `verify.sandbox` asks for in this repository; None for `none`,
    and for `auto` where bubblewrap cannot run (said once, on stderr). Raises
    ReviewgateError for `bwrap` where it cannot run."""
    if verify.sandbox == "none":
        return None
    problem = unusable()
    if problem:
        if verify.sandbox == "bwrap":
            raise ReviewgateError(
                f"verify.sandbox is bwrap, but {problem}; install bubblewrap (Debian, Ubuntu: "
                "apt-get install bubblewrap) where user namespaces are allowed, or set "
                "verify.sandbox: auto"
            )
        notice(
            f"reviewgate: verify.sandbox auto: {problem}; the test command runs without a sandbox"
        )
        return None
    return Sandbox(
        str(shutil.which("bwrap")),
        verify.network,
        hidden_paths(git_dir),
        tuple(os.path.expanduser(path) for path in verify.expose),
        masked=tuple(_key_files()),
    )


def hidden_paths(git_dir: str, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """What a sandboxed command must not see: the private places (/tmp …), HOME,
    TMPDIR, and the user's repository."""
    env = os.environ if environ is None else environ
    paths = [*_PRIVATE, *(env.get(name, "") for name in ("HOME", "TMPDIR"))]
    paths += [tempfile.gettempdir(), *repository_paths(git_dir)]
    if not os.path.islink("/var/run"):  # mostly a link to /run; where not, its sockets
        paths.append("/var/run")
    # bwrap cannot make a mount point in the read-only system: only what exists.
    real = (os.path.realpath(p) for p in paths if p and os.path.isabs(p))
    return _outermost(p for p in real if os.path.isdir(p) or p in _PRIVATE)


def repository_paths(git_dir: str) -> list[str]:
    """The repository's work tree and git directories: `git_dir`, the common one,
    the main work tree, and the linked worktree `git_dir` belongs to."""
    git_dir = os.path.abspath(git_dir)
    common = common_dir(git_dir)
    paths = [git_dir, common]
    if os.path.basename(common) == ".git":
        paths.append(os.path.dirname(common))  # the main work tree
    try:  # a linked worktree of the user's: its `gitdir` names its .git file
        with open(os.path.join(git_dir, "gitdir"), encoding="utf-8") as handle:
            paths.append(os.path.dirname(handle.read().strip()))
    except OSError:
        pass
    return [os.path.realpath(path) for path in paths]


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths without "/" and without any that another one contains."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if path != "/" and not _under(path, kept):
            kept.append(path)
    return tuple(kept)


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _runtime_roots(paths: Iterable[str]) -> list[str]:
    """The virtualenvs and Python installations the programs `paths` run from:
    X for X/bin/prog when X holds pyvenv.cfg (and then the installation its `home`
    names), or X/bin/python* with an X/lib."""
    roots: list[str] = []
    for path in filter(None, paths):
        root = (
            path
            if os.path.isfile(os.path.join(path, "pyvenv.cfg"))
            else (os.path.dirname(os.path.dirname(path)))
        )
        config = os.path.join(root, "pyvenv.cfg")
        if os.path.isfile(config):
            roots.append(os.path.realpath(root))
            base = os.path.dirname(_venv_home(config))
            if base and _python_installation(base):
                roots.append(os.path.realpath(base))
        elif os.path.basename(path).startswith("python") and _python_installation(root):
            roots.append(os.path.realpath(root))
    return roots


def _python_installation(root: str) -> bool:
    return bool(glob.glob(os.path.join(glob.escape(root), "lib", "python3*")))


def _venv_home(config: str) -> str:
    try:
        with open(config, encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.partition("=")
                if sep and key.strip() == "home":
                    return value.strip()
    except OSError:
        pass
    return ""


def _key_files() -> list[str]:
    key = os.environ.get(KEY_VARIABLE, "")
    if not key or key.startswith(("key::", "ssh-", "ecdsa-", "sk-")):
        return []
    return [os.path.realpath(os.path.expanduser(key))]


@functools.cache
def unusable() -> str:
    """Why bubblewrap cannot run here ("" when it can): a trial run of `true`
    with the options every run uses."""
    program = shutil.which("bwrap")
    if program is None:
        return "bubblewrap (bwrap) is not installed"
    true = shutil.which("true") or "/bin/true"
    with tempfile.TemporaryDirectory(prefix="reviewgate-sandbox-") as tmp:
        trial = Sandbox(program, False, _outermost([*_PRIVATE, tmp]))
        try:
            done = subprocess.run(
                trial.argv([true], tmp), capture_output=True, timeout=_TRIAL_TIMEOUT,
                stdin=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap cannot run ({error})"
    if done.returncode == 0:
        return ""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return f"bwrap does not work here ({lines[-1] if lines else f'exit {done.returncode}'})"


def notice(text: str) -> None:
    """Print `text` on stderr once per process."""
    if text not in _notices:
        _notices.add(text)
        print(text, file=sys.stderr, flush=True)


def read_status(code: int, first_line: str) -> tuple[int, str]:
    """The command's own status from bwrap's: bwrap exits 128+N for a command
    killed by signal N (read back as -N, as subprocess reports a signal), and 1
    with a line of its own when it could not start the command (a problem)."""
    if code > 128 and code - 128 in signal.valid_signals():
        return -(code - 128), ""
    if code == 1 and first_line.startswith("bwrap: "):
        return code, f"the sandbox could not start the command: {first_line[7:].strip()}"
    return code, ""
