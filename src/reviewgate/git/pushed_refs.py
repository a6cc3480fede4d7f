"""What a push hook is told, and what the pushed objects are.

git hands pre-push `<local ref> <local oid> <remote ref> <remote oid>` lines and
pre-receive `<old oid> <new oid> <ref>` lines on stdin. Both become RefUpdate
records here (parsing is pure). `peel_commits` asks one `git cat-file` process
what every pushed object is: an annotated tag arrives as the tag object and is
peeled to its commit; a tag of a tree or blob peels to nothing and is skipped.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from reviewgate.errors import GitError, ReviewgateError
from reviewgate.git.repo import require_git

TYPE_CHECKING = False
if TYPE_CHECKING:
    import git as gitpython

    from reviewgate.model.result import CheckResult

_OID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


class HookInputError(ReviewgateError):
    """git's ref lines on stdin are not what the hook expects (exit 2)."""


def is_zero(oid: str) -> bool:
    """git's "no object": a created ref's old value, a deleted ref's new one."""
    return set(oid) == {"0"}


def is_notes_ref(ref: str) -> bool:
    return ref.startswith("refs/notes/")


@dataclass(frozen=True)
class RefUpdate:
    """One ref of a push. `ref` is the ref being written (the remote's, for
    pre-push); `old` is its value before the push, `new` the value pushed."""

    ref: str
    old: str
    new: str
    local_ref: str = ""  # pre-push only: the local ref (or expression) pushed

    @property
    def is_deletion(self) -> bool:
        return is_zero(self.new)

    @property
    def is_creation(self) -> bool:
        return is_zero(self.old)


def _oid(value: str, line: str) -> str:
    if not _OID.match(value):
        raise HookInputError(f"not an object name: {value!r} in the hook input line {line!r}")
    return value


def parse_pre_push(text: str) -> tuple[RefUpdate, ...]:
    """The ref lines git gives pre-push, in order."""
    updates = []
    for line in text.splitlines():
        if not line.strip():
            continue
        # The oids and the remote ref hold no spaces; split from the right.
        parts = line.rsplit(" ", 3)
        if len(parts) != 4:
            raise HookInputError(
                "expected `<local ref> <local oid> <remote ref> <remote oid>` from git, "
                f"got {line!r}"
            )
        local_ref, local_oid, remote_ref, remote_oid = parts
        updates.append(
            RefUpdate(remote_ref, _oid(remote_oid, line), _oid(local_oid, line), local_ref)
        )
    return tuple(updates)


def parse_pre_receive(text: str) -> tuple[RefUpdate, ...]:
    """The `<old oid> <new oid> <ref>` lines git gives pre-receive, in order."""
    updates = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2]:
            raise HookInputError(f"expected `<old oid> <new oid> <ref>` from git, got {line!r}")
        old, new, ref = parts
        updates.append(RefUpdate(ref, _oid(old, line), _oid(new, line)))
    return tuple(updates)


def read_hook_stdin() -> str:
    """What git wrote to the hook's stdin; nothing when a person runs the hook at
    a terminal. Ref names are bytes to git: keep undecodable ones intact."""
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    return sys.stdin.buffer.read().decode("utf-8", "surrogateescape")


def peel_commits(repo: gitpython.Repo, oids: Iterable[str]) -> dict[str, str | None]:
    """Each oid's commit (a tag peeled), or None when the object is not here or
    is not, nor points at, a commit. One git process for all of them; in a
    pre-receive hook it sees the quarantined objects through git's environment."""
    wanted = sorted({oid for oid in oids if not is_zero(oid)})
    if not wanted:
        return {}
    done = subprocess.run(
        [require_git(), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        cwd=repo.git.working_dir,
        input="".join(f"{oid}^{{commit}}\n" for oid in wanted),
        capture_output=True,
        text=True,
        check=False,
    )
    answers = done.stdout.splitlines()
    if done.returncode != 0 or len(answers) != len(wanted):
        first = (done.stderr.strip().splitlines() or ["git cat-file failed"])[0]
        raise GitError(f"cannot read the pushed objects: {first}")
    peeled: dict[str, str | None] = {}
    for oid, answer in zip(wanted, answers, strict=True):
        name, _, kind = answer.partition(" ")
        peeled[oid] = name if kind == "commit" and _OID.match(name) else None
    return peeled


def reachable_within(tip: str, parents: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The commits of `parents` (a range read by git log: sha -> parent shas)
    that `tip` reaches without leaving the range.

    Exact for a range `TIPS... --not EXCLUDED...`: a path from a tip to a commit of
    the range never passes an excluded commit, since everything an excluded commit
    reaches is excluded too."""
    if tip not in parents:
        return frozenset()
    seen = {tip}
    stack = [tip]
    while stack:
        for parent in parents[stack.pop()]:
            if parent in parents and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return frozenset(seen)


def short(oid: str) -> str:
    return oid[:12]


def restrict(result: CheckResult, shas: frozenset[str], where: str) -> CheckResult:
    """The part of `result` about the commits `shas`, described as `where`: one
    ref's share of a push read in one go."""
    return replace(
        result,
        range=where,
        commits=tuple(c for c in result.commits if c.sha in shas),
        findings=tuple(f for f in result.findings if f.sha in shas),
        notes=(),
    )
