"""Run the policy's test command in a worktree, and tell a failing test from a
command that could not run.

Each run gets a process group of its own, so a timeout or Ctrl-C kills the test
runner together with everything it started. `abort_all` (called on SIGINT or
SIGTERM) kills every running group, so parallel jobs stop at once.

A process that leaves the group (`setsid`, a daemon a test starts and forgets)
would outlive its worktree. Each run's processes inherit a variable that names the
run, RUN_VARIABLE, so on Linux the run's end finds them in /proc and kills them too.
The run's id is also written beside its worktree (worktree.record_run), so that a
later verify can kill what a killed reviewgate left running (stale.py).

With a sandbox (sandbox.py) the command runs inside bubblewrap, in a PID namespace
of its own: nothing of the run survives it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewgate.verify.plan import as_argument
from reviewgate.verify.sandbox import Sandbox, read_status
from reviewgate.verify.worktree import clean_git_env, record_run

PASSED, FAILED, ERROR = "passed", "failed", "error"
OUTPUT_TAIL = 2000
RUN_VARIABLE = "REVIEWGATE_VERIFY_RUN"

_live: dict[subprocess.Popen[bytes], str] = {}  # each running command: its run id
_live_lock = threading.Lock()
_aborted = threading.Event()


@dataclass(frozen=True)
class RunResult:
    status: str  # passed | failed | error
    exit: int | None  # None when the command never ran to its end
    detail: str = ""
    output: str = ""  # the end of what the command printed


def expand_command(
    argv: Sequence[str],
    tests: Sequence[str],
    root: str,
    *,
    test_dirs: Sequence[str] = (),
    packages: Sequence[str] = (),
    junit: str = "",
) -> list[str]:
    """`{tests}`, `{test_dirs}` or `{packages}` alone in an argument becomes one
    argument per item; inside a longer argument the items are joined with spaces.
    `{root}` is the worktree, `{junit}` the report file. A test file whose name
    starts with `-` is passed as `./-name`, never as an option."""
    lists = {
        "{tests}": [as_argument(path) for path in tests],
        "{test_dirs}": list(test_dirs),
        "{packages}": list(packages),
    }
    out: list[str] = []
    for arg in argv:
        if arg in lists:
            out.extend(lists[arg])
            continue
        for name, items in lists.items():
            arg = arg.replace(name, " ".join(items))
        out.append(arg.replace("{root}", root).replace("{junit}", junit))
    return out


def run_command(
    argv: Sequence[str],
    cwd: Path,
    timeout: float,
    error_exit_codes: Sequence[int],
    error_output: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    sandbox: Sandbox | None = None,
    log_path: Path | None = None,
) -> RunResult:
    """Run `argv` in `cwd` (inside `sandbox`, when given); exit 0 passes, an exit in
    `error_exit_codes`, a signal, a timeout or a program that cannot start is an
    error, anything else fails. Red and green get the same environment: nothing
    tells the test which state it runs in, so it cannot pass on purpose in one and
    fail in the other. The whole output stays in `log_path` when one is given (for
    its report)."""
    if _aborted.is_set():
        return RunResult(ERROR, None, "interrupted")
    # Random, so it says nothing about red or green, and differs between parallel jobs.
    run_id = os.urandom(8).hex()
    env = {**clean_git_env(), **(extra_env or {}), RUN_VARIABLE: run_id}
    # Bytecode kept outside the worktree outlives the clean between red and green,
    # and Python trusts it by path, size and mtime in whole seconds: a fix of the
    # same size checked out within the second would run red's code as green.
    env.pop("PYTHONPYCACHEPREFIX", None)
    launch = list(argv)
    if sandbox is not None:
        prepared = sandbox.prepare(argv, str(cwd), env)
        if isinstance(prepared, str):
            return RunResult(ERROR, None, prepared)
        launch, env = prepared
    record_run(cwd, run_id)
    with open(log_path, "w+b") if log_path is not None else tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(
                launch, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        except FileNotFoundError:
            return RunResult(ERROR, None, f"command not found: {argv[0]}")
        except PermissionError:
            # execvp reports EACCES when a PATH directory is unreadable even if the
            # program is nowhere on PATH: tell the two apart.
            missing = "/" not in argv[0] and shutil.which(argv[0], path=env.get("PATH")) is None
            what = "command not found" if missing else "command cannot be executed"
            return RunResult(ERROR, None, f"{what}: {argv[0]}")
        except OSError as error:
            return RunResult(ERROR, None, f"command cannot start: {argv[0]}: {error.strerror}")
        with _live_lock:
            _live[proc] = run_id
        if _aborted.is_set():
            # abort_all ran after the look above but before the line before this
            # one, so its kill missed this command: kill it here, or the interrupted
            # run would wait for the whole test.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            return RunResult(ERROR, None, f"timed out after {timeout:g} s", _tail(log))
        finally:
            kill_group(proc)  # whatever the runner left running in the background
            kill_escaped(run_id)
            with _live_lock:
                _live.pop(proc, None)
        output = _tail(log)
        if sandbox is not None:
            code, problem = read_status(code, _first_line(log))
            if problem:  # bwrap's own line, which `problem` holds: no output to show
                return RunResult(ERROR, None, problem)
        cannot_run = code > 0 and code not in error_exit_codes and _matches(log, error_output)
    if _aborted.is_set():
        return RunResult(ERROR, None, "interrupted", output)
    if code == 0:
        return RunResult(PASSED, 0, "", output)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return RunResult(ERROR, code, f"killed by {name}", output)
    if code in error_exit_codes:
        return RunResult(
            ERROR, code,
            f"exit {code} means the command could not run (verify.error_exit_codes)", output,
        )
    if cannot_run:
        pattern, line = cannot_run
        return RunResult(
            ERROR, code, f"the output matches {pattern!r} (verify.error_output): {line}", output
        )
    return RunResult(FAILED, code, "", output)


def _matches(log: object, patterns: Sequence[str]) -> tuple[str, str] | None:
    """The first of `patterns` found in the run's output (its last MB), and the
    line it was found in; None when none is."""
    if not patterns:
        return None
    text = _tail(log, 1 << 20)
    for pattern in patterns:
        found = re.search(pattern, text, re.MULTILINE)
        if found is not None:
            start = text.rfind("\n", 0, found.start()) + 1
            end = text.find("\n", found.end())
            return pattern, text[start : end if end != -1 else len(text)].strip()[:200]
    return None


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL what is left after a moment."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=2)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def kill_escaped(run_id: str, rounds: int = 5) -> int:
    """SIGKILL every process of ours whose environment names run `run_id`: those
    that left the run's process group. Repeated, because one may fork while we look.
    A process that clears its environment still escapes: a guard, not a sandbox.
    Returns how many were killed."""
    marker = f"{RUN_VARIABLE}={run_id}".encode()
    killed: set[int] = set()
    for _ in range(rounds):
        found = [pid for pid in _processes() if marker in _environ(pid)]
        if not found:
            break
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
    return len(killed)


def _processes() -> list[int]:
    try:
        names = os.listdir("/proc")
    except OSError:  # not Linux: only the process group is killed
        return []
    me = os.getpid()
    return [int(name) for name in names if name.isdigit() and int(name) != me]


def _environ(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            return handle.read().split(b"\0")
    except OSError:  # gone, or another user's
        return []


def abort_all() -> None:
    """Stop every running command and refuse to start new ones."""
    _aborted.set()
    with _live_lock:
        running = list(_live.items())
    for proc, _ in running:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    for _, run_id in running:
        kill_escaped(run_id)


def reset_abort() -> None:
    _aborted.clear()


def _first_line(log: object) -> str:
    handle = log  # a binary temporary file
    handle.seek(0)  # type: ignore[attr-defined]
    return handle.readline(500).decode("utf-8", "replace")  # type: ignore[attr-defined]


def _tail(log: object, limit: int = OUTPUT_TAIL) -> str:
    handle = log  # a binary temporary file
    handle.seek(0, os.SEEK_END)  # type: ignore[attr-defined]
    size = handle.tell()  # type: ignore[attr-defined]
    handle.seek(max(0, size - limit))  # type: ignore[attr-defined]
    return handle.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
