"""Read the fix candidates' diffs while `git log` still streams the range.

The pairing rules need the diffs of fixes and of the commits just before them.
Waiting for the whole range before asking git for them would add git's diff time
to the check's; instead each fix's sha goes to one `git diff-tree --stdin`
process as soon as the log shows it, and its parent's sha as soon as the log
shows that the parent is in the range. git diffs on one core while Python parses
and judges the log on the other. A range without a fix starts no process.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading

from reviewgate.errors import GitError
from reviewgate.model.rulebook import selected
from reviewgate.pairs.diffs import RAW_DIFF_TREE_ARGS, diff_tree_error, parse_diff_tree
from reviewgate.pairs.fixes import needs_test

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import CommitDiff
    from reviewgate.policy.schema import Policy


class DiffPrefetch:
    """Feed it every commit of the range in log order (`offer`), then `finish`."""

    def __init__(self, repo: Any, policy: Policy) -> None:
        self._git_dir = str(repo.git_dir)
        self._policy = policy
        self._selected = selected
        self._process: subprocess.Popen[bytes] | None = None
        self._output: list[bytes] = []
        self._errors: list[bytes] = []
        self._readers: list[threading.Thread] = []
        self._sent: dict[str, None] = {}  # in the order sent
        self._parents_wanted: set[str] = set()

    def offer(self, commit: Commit) -> None:
        if commit.sha in self._parents_wanted:
            self._send(commit.sha)
        if self._selected(commit, self._policy) and needs_test(commit, self._policy):
            self._send(commit.sha)
            if commit.parents:
                # Sent only once the log shows it: a parent outside the range may
                # be missing altogether (the edge of a shallow clone).
                self._parents_wanted.add(commit.parents[0])

    def finish(self) -> dict[str, CommitDiff]:
        """The diffs of every sha sent. Raises GitError when git failed."""
        process = self._process
        if process is None:
            return {}
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        code = process.wait()
        for reader in self._readers:
            reader.join()
        if code != 0:
            raise diff_tree_error(
                self._git_dir,
                code,
                b"".join(self._errors),
                list(self._sent),
                b"".join(self._output),
            )
        return parse_diff_tree(b"".join(self._output), self._policy, with_patch=False)

    def abort(self) -> None:
        """Stop git; for a check that ends early (an error, Ctrl-C)."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            if self._process.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    self._process.stdin.close()
        for reader in self._readers:
            reader.join()

    def _send(self, sha: str) -> None:
        if sha in self._sent:
            return
        self._sent[sha] = None
        process = self._process or self._start()
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # git died; finish() says why
            process.stdin.write(sha.encode("ascii") + b"\n")

    def _start(self) -> subprocess.Popen[bytes]:
        # Paths only: line changes are read afterwards for the few test files a fix
        # modifies. A fix's whole patch could be a 37 MB generated file.
        argv = ["git", "--literal-pathspecs", f"--git-dir={self._git_dir}", *RAW_DIFF_TREE_ARGS]
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        assert process.stdout is not None and process.stderr is not None
        self._readers = [
            _drain(process.stdout, self._output),
            _drain(process.stderr, self._errors),
        ]
        self._process = process
        return process


def _drain(stream: IO[bytes], into: list[bytes]) -> threading.Thread:
    def pump() -> None:
        with stream:
            while chunk := stream.read1(1 << 20):  # type: ignore[attr-defined]
                into.append(chunk)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread
