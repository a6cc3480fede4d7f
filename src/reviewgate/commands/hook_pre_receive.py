"""`reviewgate hook pre-receive`: the server's gate, which `--no-verify` cannot skip.

git runs it in the (usually bare) receiving repository with `<old> <new> <ref>`
lines on stdin, before any ref moves. The pushed objects sit in a quarantine
directory that git names in GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES;
the git processes started here inherit that environment and so see them. Nothing
is written: git refuses ref updates during pre-receive, and a rejected push's
objects are dropped with the quarantine.

Each gated ref's new commits: `OLD..NEW` for an update; for a new ref the commits
no existing GATED ref has (`NEW --not --exclude=refs/notes/* --all` when every ref
but notes is gated): a commit parked on an ungated ref, a notes ref above all, was
never reviewed and must not count as "already here". Deletions pass; tags are peeled.

Trust: the policy and the allowed signers are read at a revision the server
already holds, never from the pushed commits: the ref's old value for an update,
the default branch (HEAD) for a new ref, or when HEAD is unborn (a repository
made with another default branch name) main, master or the only branch, with a
note; built-in defaults when there is no branch yet, unless the server names a
policy file (--config or REVIEWGATE_CONFIG).

Approvals pushed in the same push (refs/notes/reviewgate-approvals) are read at
their pushed commit, which the quarantine holds, and verified against the trusted
allowed signers as any other: `git push origin main refs/notes/reviewgate-approvals`
works in one go. Refs are read one `git log` each, since each has its own
trusted policy and its own exclusions: folding one ref's old value into another's
walk would let commits accepted on an ungated ref slip into a gated one.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reviewgate.git.hookenv import DEFAULT_BRANCHES
from reviewgate.git.pushed_refs import (
    RefUpdate,
    is_notes_ref,
    parse_pre_receive,
    peel_commits,
    short,
)
from reviewgate.git.repo import open_repo
from reviewgate.model.result import GatherOptions
from reviewgate.pipeline.run import run_check
from reviewgate.report.text import render_text
from reviewgate.signoff.approvals import APPROVALS_REF

NOTES_EXCLUDED = ("--exclude=refs/notes/*", "--all")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from reviewgate.model.result import CheckResult

CONFIG_KEY = ("reviewgate", "refs")  # git config reviewgate.refs: GLOBs, multi-valued


@dataclass(frozen=True)
class ReceiveRange:
    """One gated ref's new commits and the revision whose policy judges them."""

    update: RefUpdate
    tip: str
    revisions: tuple[str, ...]
    trusted: str | None

    @property
    def is_new(self) -> bool:
        """Judged as a new ref: by the default branch, against the other refs."""
        return self.trusted is None or self.revisions[1:] != (f"^{self.trusted}",)

    def describe(self) -> str:
        if not self.is_new and self.trusted is not None:
            return f"{self.update.ref} ({short(self.trusted)}..{short(self.tip)})"
        return f"{self.update.ref} (new: {short(self.tip)}, the commits no other ref has)"


def is_gated(ref: str, patterns: Sequence[str]) -> bool:
    """No patterns gate every ref but notes refs (approvals, the verify cache:
    bookkeeping, not history under review); `*` in a pattern also matches `/`."""
    if not patterns:
        return not is_notes_ref(ref)
    return any(fnmatch.fnmatchcase(ref, p) for p in patterns)


def plan_receive(
    updates: Sequence[RefUpdate],
    peeled: Mapping[str, str | None],
    *,
    patterns: Sequence[str],
    default_branch: str | None,
    existing: Sequence[str] | None,
) -> tuple[tuple[ReceiveRange, ...], tuple[str, ...]]:
    """The ranges to check, and notes on pushed refs left unchecked. Pure.

    `existing` holds the commits of the gated refs already here, excluded from a
    new ref's range; None excludes every ref but notes refs, as when no patterns
    are set (every other ref is gated)."""
    ranges: list[ReceiveRange] = []
    skipped: list[str] = []
    for update in updates:
        if update.is_deletion or not is_gated(update.ref, patterns):
            continue
        tip = peeled.get(update.new)
        if tip is None:
            skipped.append(f"{update.ref}: {short(update.new)} is not a commit; not checked")
            continue
        old = None if update.is_creation else peeled.get(update.old)
        if old is not None:
            ranges.append(ReceiveRange(update, tip, (tip, f"^{old}"), old))
            continue
        if existing is None:
            revisions: tuple[str, ...] = (tip, "--not", *NOTES_EXCLUDED)
        else:
            revisions = (tip, *(f"^{oid}" for oid in dict.fromkeys(existing)))
        ranges.append(ReceiveRange(update, tip, revisions, default_branch))
    return tuple(ranges), tuple(skipped)


def pre_receive_hook(
    stdin_text: str,
    *,
    patterns: Sequence[str] = (),
    config: str | None = None,
    cwd: str | Path | None = None,
) -> tuple[int, str]:
    """(exit status, text for stderr). 1 rejects the whole push."""
    updates = parse_pre_receive(stdin_text)
    if not any(not u.is_deletion for u in updates):
        return 0, ""
    repo = open_repo(cwd)
    patterns = tuple(patterns) or _configured_patterns(repo)
    peeled = peel_commits(repo, [oid for u in updates for oid in (u.old, u.new)])
    default_branch, branch_note = _default_branch(repo, config)
    ranges, skipped = plan_receive(
        updates,
        peeled,
        patterns=patterns,
        default_branch=default_branch,
        existing=_gated_ref_commits(repo, patterns) if patterns else None,
    )
    lines = [f"reviewgate: {note}" for note in skipped]
    if branch_note and any(r.is_new for r in ranges):
        lines.append(f"reviewgate: note: {branch_note}")
    approvals_at = _pushed_approvals(updates, peeled)
    where = repo.git_dir
    rejected = 0
    checked = 0
    unapproved = False
    for receive in ranges:
        result = _check(receive, config, str(where), approvals_at)
        checked += len(result.commits)
        if result.findings or result.notes:
            lines.extend(_render(result, receive).splitlines())
        rejected += result.exit_code
        unapproved = unapproved or any(f.code == "RG301" for f in result.findings)
    if unapproved and approvals_at is None:
        lines.append(_APPROVALS_HINT)
    if ranges:
        lines.append(
            f"reviewgate: {checked} new commit{'s' if checked != 1 else ''} checked in "
            f"{len(ranges)} ref{'s' if len(ranges) != 1 else ''}: "
            + (f"{rejected} of them rejected" if rejected else "accepted")
        )
    if rejected:
        lines.extend(_HOW_TO_FIX)
    return (1 if rejected else 0), "".join(f"{line}\n" for line in lines)


_HOW_TO_FIX = (
    "reviewgate: the push is rejected and no ref was updated.",
    "reviewgate: fix the commits listed above (each hint names the line to add or replace;",
    "reviewgate: `git commit --amend` rewrites the last commit, `git rebase -i` with `reword`",
    "reviewgate: an older one), then push again. The policy judging a push is the one the",
    "reviewgate: server already has (the ref's old value, or the default branch for a new",
    "reviewgate: ref): changing .reviewgate.yaml in the same push does not change it.",
)


_APPROVALS_HINT = (
    "reviewgate: approvals recorded with `reviewgate approve` count here only once their "
    "notes ref is on the server: push refs/notes/reviewgate-approvals before (or with) the "
    "branch, e.g. `git push origin main refs/notes/reviewgate-approvals`"
)


def _pushed_approvals(
    updates: Sequence[RefUpdate], peeled: Mapping[str, str | None]
) -> str | None:
    """The approvals notes commit this push brings, read in place of the server's."""
    for update in updates:
        if update.ref == APPROVALS_REF and not update.is_deletion:
            # Not a commit (a blob forced onto the ref): read as unreadable notes.
            return peeled.get(update.new) or update.new
    return None


def _check(
    receive: ReceiveRange, config: str | None, where: str, approvals_at: str | None
) -> CheckResult:
    return run_check(
        revisions=receive.revisions,
        config=config,
        cwd=where,
        deepen=False,  # a server never fetches
        policy_from=receive.trusted,
        policy_head=receive.tip,
        with_paths=False,
        # Verdicts come from the cache only: running tests would write worktrees
        # and notes, and git allows no writes during pre-receive.
        gather=GatherOptions(
            verify=False,
            approvals_at=approvals_at,
            # A fix's test commit already on the server goes up with it for review
            # unless the default branch holds it: the same rule as pre-push's.
            merged=("HEAD", *(f"refs/heads/{name}" for name in DEFAULT_BRANCHES)),
        ),
    )


def _render(result: CheckResult, receive: ReceiveRange) -> str:
    return render_text(replace(result, range=receive.describe()))


def _default_branch(repo: object, config: str | None) -> tuple[str | None, str | None]:
    """The commit whose policy judges a new ref, and a note when it is not HEAD's.

    HEAD is unborn in an empty repository, and also when the repository was made
    with another default branch name than the one people push (`init -b master`,
    everyone pushes main): then main, master, or the only branch judges."""
    out = repo.git.for_each_ref(  # type: ignore[attr-defined]
        "--format=%(objectname) %(refname)", "refs/heads/"
    )
    branches = {ref: oid for oid, ref in (ln.split(" ", 1) for ln in out.splitlines() if ln)}
    head = _symbolic_head(repo)
    if head is None or head in branches:
        if head is not None:
            return branches[head], None
        return _rev_commit(repo, "HEAD"), None  # a detached HEAD
    fallback = next((r for r in ("refs/heads/main", "refs/heads/master") if r in branches), None)
    if fallback is None and len(branches) == 1:
        fallback = next(iter(branches))
    if fallback is not None:
        return branches[fallback], (
            f"HEAD names {head}, which does not exist; new refs are judged by the policy "
            f"at {fallback} ({short(branches[fallback])})"
        )
    names_policy = config or os.environ.get("REVIEWGATE_CONFIG")
    judge = "the server's policy file" if names_policy else "the built-in defaults"
    if not branches:
        return None, f"the server has no branch yet; new refs are judged by {judge}"
    return None, (
        f"HEAD names {head}, which does not exist, and neither main, master nor a single "
        f"branch stands in; new refs are judged by {judge}"
    )


def _symbolic_head(repo: object) -> str | None:
    try:
        out = repo.git.symbolic_ref("--quiet", "HEAD")  # type: ignore[attr-defined]
    except Exception:  # a detached HEAD
        return None
    return out.strip() or None


def _rev_commit(repo: object, rev: str) -> str | None:
    try:
        out = repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")  # type: ignore[attr-defined]
    except Exception:
        return None
    return out.strip() or None


def _configured_patterns(repo: object) -> tuple[str, ...]:
    reader = repo.config_reader()  # type: ignore[attr-defined]
    try:
        values = reader.get_values(*CONFIG_KEY)
    except Exception:  # GitPython raises several errors for an unset key
        return ()
    return tuple(str(v) for v in values if str(v).strip())


def _gated_ref_commits(repo: object, patterns: Sequence[str]) -> tuple[str, ...]:
    """The commits of the existing refs that `patterns` gate (tags peeled once).
    Notes refs never count, even when gated: their commits are no reviewed history."""
    out = repo.git.for_each_ref(  # type: ignore[attr-defined]
        "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)"
    )
    commits = []
    for line in out.splitlines():
        kind, oid, target_kind, target, ref = line.split(" ", 4)
        if is_notes_ref(ref) or not is_gated(ref, patterns):
            continue
        if kind == "commit":
            commits.append(oid)
        elif target_kind == "commit":
            commits.append(target)
    return tuple(commits)
