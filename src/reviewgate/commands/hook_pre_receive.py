"""`reviewgate hook pre-receive`: the server's gate, which `--no-verify` cannot skip.

git runs it in the (usually bare) receiving repository with `<old> <new> <ref>`
lines on stdin, before any ref moves. The pushed objects sit in a quarantine
directory that git names in GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES;
the git processes started here inherit that environment and so see them. Nothing
is written: git refuses ref updates during pre-receive, and a rejected push's
objects are dropped with the quarantine.

Each gated ref's new commits: `OLD..NEW` for an update (a non-fast-forward
included: the commits NEW brings that OLD did not hold); for a new ref, every
commit that no protected branch holds (`NEW ^MAIN ...`): a commit parked on a
topic branch, a tag or a notes ref was never judged as the protected branch
judges, and must not count as "already here". Tags are peeled. The protected
branches (reviewgate.protected) are always gated, whatever reviewgate.refs says.

Trust: every ref of the push is judged by the policy and the allowed signers
of the server's protected branch as it is BEFORE the push (HEAD's branch, else
main, else master; reviewgate.policyRef first), never by the updated ref's own
old value: a topic branch that relaxed its policy, or a rewound branch, judges
nothing. A server policy file (--config, REVIEWGATE_CONFIG, reviewgate.policyFile)
replaces the policy; with no protected branch yet, the built-in defaults judge,
with a note. Deleting a protected branch, and a non-fast-forward of one that
changes its policy or allowed signers, are refused (reviewgate.protected.refusals).

Approvals pushed in the same push (refs/notes/reviewgate-approvals) are read at
their pushed commit, which the quarantine holds, and verified against the trusted
allowed signers as any other: `git push origin main refs/notes/reviewgate-approvals`
works in one go. Refs are read one `git log` each, since each has its own
exclusions, and revisions reach git on stdin (45,000 refs would overflow the
command line).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reviewgate.git.protected import ServerTrust, refusals, server_trust
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
    is_new: bool = False

    def describe(self) -> str:
        if not self.is_new:
            return f"{self.update.ref} ({short(self.revisions[1][1:])}..{short(self.tip)})"
        return (f"{self.update.ref} (new: {short(self.tip)}, the commits no protected "
                "branch has)")


def is_gated(ref: str, patterns: Sequence[str], protected: Sequence[str] = ()) -> bool:
    """No patterns gate every ref but notes refs (approvals, the verify cache:
    bookkeeping, not history under review); `*` in a pattern also matches `/`.
    A protected branch is always gated: its policy judges every push."""
    if ref in protected:
        return True
    if not patterns:
        return not is_notes_ref(ref)
    return any(fnmatch.fnmatchcase(ref, p) for p in patterns)


def plan_receive(
    updates: Sequence[RefUpdate],
    peeled: Mapping[str, str | None],
    *,
    patterns: Sequence[str],
    trusted: str | None,
    protected: Sequence[str] = (),
    held: Sequence[str] = (),
) -> tuple[tuple[ReceiveRange, ...], tuple[str, ...]]:
    """The ranges to check, and notes on pushed refs left unchecked. Pure.

    `protected` names the protected branches (always gated), `held` their commits
    before the push: a new ref's range is what none of them holds. `trusted`
    judges every range."""
    ranges: list[ReceiveRange] = []
    skipped: list[str] = []
    exclusions = tuple(f"^{oid}" for oid in dict.fromkeys(held))
    for update in updates:
        if update.is_deletion or not is_gated(update.ref, patterns, protected):
            continue
        tip = peeled.get(update.new)
        if tip is None:
            skipped.append(f"{update.ref}: {short(update.new)} is not a commit; not checked")
            continue
        old = None if update.is_creation else peeled.get(update.old)
        if old is not None:
            ranges.append(ReceiveRange(update, tip, (tip, f"^{old}"), trusted))
        else:
            ranges.append(ReceiveRange(update, tip, (tip, *exclusions), trusted, is_new=True))
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
    if not updates:
        return 0, ""
    repo = open_repo(cwd)
    trust = server_trust(repo, config)
    patterns = tuple(patterns) or _configured_patterns(repo)
    peeled = peel_commits(repo, [oid for u in updates for oid in (u.old, u.new)])
    refused = refusals(repo, updates, peeled, trust)
    ranges, skipped = plan_receive(
        updates,
        peeled,
        patterns=patterns,
        trusted=trust.trusted,
        protected=trust.protected,
        held=tuple(trust.tips.values()),
    )
    lines = [f"reviewgate: {note}" for note in skipped]
    if trust.note and ranges:
        lines.append(f"reviewgate: note: {trust.note}")
    lines.extend(f"reviewgate: refused: {line}" for line in refused)
    approvals_at = _pushed_approvals(updates, peeled)
    where = repo.git_dir
    rejected = 0
    checked = 0
    unapproved = False
    for receive in ranges:
        result = _check(receive, trust, str(where), approvals_at)
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
    elif refused:
        lines.append(_HOW_TO_FIX[0])
    return (1 if rejected or refused else 0), "".join(f"{line}\n" for line in lines)


_HOW_TO_FIX = (
    "reviewgate: the push is rejected and no ref was updated.",
    "reviewgate: fix the commits listed above (each hint names the line to add or replace;",
    "reviewgate: `git commit --amend` rewrites the last commit, `git rebase -i` with `reword`",
    "reviewgate: an older one), then push again. The policy judging a push is the one the",
    "reviewgate: server's protected branch (HEAD's, main or master) holds before the push:",
    "reviewgate: changing .reviewgate.yaml in the same push, or on any branch, does not",
    "reviewgate: change it.",
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
    receive: ReceiveRange, trust: ServerTrust, where: str, approvals_at: str | None
) -> CheckResult:
    return run_check(
        revisions=receive.revisions,
        config=trust.policy_file,
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
            merged=("HEAD", *trust.protected),
        ),
    )


def _render(result: CheckResult, receive: ReceiveRange) -> str:
    return render_text(replace(result, range=receive.describe()))


def _configured_patterns(repo: object) -> tuple[str, ...]:
    reader = repo.config_reader()  # type: ignore[attr-defined]
    try:
        values = reader.get_values(*CONFIG_KEY)
    except Exception:  # GitPython raises several errors for an unset key
        return ()
    return tuple(str(v) for v in values if str(v).strip())
