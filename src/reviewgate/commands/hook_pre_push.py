"""`reviewgate hook pre-push REMOTE URL`: check every pushed ref's new commits.

git writes one line per ref on stdin. For each ref the commits the remote lacks:
`OLD..NEW` when this clone has the remote's old commit, else (a new branch, or a
force-push over a commit this clone never fetched) `NEW --not --remotes=REMOTE`.
All refs are read by ONE `git log` (`NEW1 NEW2 ^OLD1 [--not --remotes=REMOTE]`):
every excluded commit is already on the remote, so excluding it from every ref's
walk is as right as from its own. Each finding is then told to the refs that reach
its commit within that walk (pushed_refs.reachable_within), so the report still
names the ref.

Under pre-commit the ref lines never arrive: pre-commit reads them itself and hands
its hooks the first ref with new commits in PRE_COMMIT_* variables, so that is all
this hook can check there (docs/hooks.md).

The policy is the pusher's own, as for `reviewgate check`: the gate that cannot be
skipped is the server's pre-receive hook.

A missing sign-off (RG301) blocks only commits pushed to a default branch (main,
master, the remote's HEAD branch) or already on this clone's own copy of one: a
topic branch is pushed *for* review, so its commits cannot carry one yet. There
RG301 is a warning that says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reviewgate.git.hookenv import DEFAULT_BRANCHES
from reviewgate.git.pushed_refs import (
    RefUpdate,
    is_notes_ref,
    parse_pre_push,
    peel_commits,
    reachable_within,
    restrict,
    short,
)
from reviewgate.git.repo import open_repo
from reviewgate.model.display import visible
from reviewgate.model.finding import Severity
from reviewgate.model.result import GatherOptions
from reviewgate.pipeline.run import run_check
from reviewgate.report.text import Paint, finding_lines, hint_lines, note_lines, summary_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from reviewgate.model.result import CheckResult

ZERO = "0" * 40


@dataclass(frozen=True)
class PushRange:
    """One ref's share of the push. `base` is the remote's old commit when this
    clone has it; None sends the ref to the `--not --remotes=REMOTE` rule."""

    update: RefUpdate
    tip: str
    base: str | None

    def describe(self, remote: str) -> str:
        if self.base is not None:
            return f"{self.update.ref} ({short(self.base)}..{short(self.tip)})"
        return f"{self.update.ref} (new: {short(self.tip)} --not --remotes={remote})"


def plan_push(
    updates: Sequence[RefUpdate], peeled: Mapping[str, str | None]
) -> tuple[tuple[PushRange, ...], tuple[str, ...]]:
    """The ranges to read, and why any pushed ref is not checked. Pure.
    Deletions and notes refs (approvals, the verify cache: bookkeeping, not
    history under review) are left out."""
    ranges: list[PushRange] = []
    skipped: list[str] = []
    for update in updates:
        if update.is_deletion or is_notes_ref(update.ref):
            continue
        tip = peeled.get(update.new)
        if tip is None:
            skipped.append(f"{update.ref}: {short(update.new)} is not a commit; not checked")
            continue
        base = None if update.is_creation else peeled.get(update.old)
        ranges.append(PushRange(update, tip, base))
    return tuple(ranges), tuple(skipped)


def push_revisions(
    ranges: Sequence[PushRange], remote: str, *, exclude_remotes: bool = False
) -> tuple[str, ...]:
    """One selection for all refs: the tips, the known old commits excluded, and
    the remote-tracking branches excluded when some ref needs them."""
    tips = list(dict.fromkeys(r.tip for r in ranges))
    bases = [f"^{b}" for b in dict.fromkeys(r.base for r in ranges if r.base is not None)]
    tail: list[str] = []
    if exclude_remotes or any(r.base is None for r in ranges):
        tail = ["--not", f"--remotes={remote}" if remote else "--remotes"]
    return (*tips, *bases, *tail)


def updates_from_pre_commit(environ: Mapping[str, str]) -> tuple[str, tuple[RefUpdate, ...]]:
    """The one ref pre-commit tells its pre-push hooks about, and the remote.
    PRE_COMMIT_FROM_REF is the remote's old commit, or for a new branch the parent
    of its oldest new commit: on the remote either way."""
    new = environ.get("PRE_COMMIT_TO_REF") or environ.get("PRE_COMMIT_LOCAL_BRANCH") or ""
    if not new:
        return environ.get("PRE_COMMIT_REMOTE_NAME", ""), ()
    ref = environ.get("PRE_COMMIT_REMOTE_BRANCH") or environ.get("PRE_COMMIT_LOCAL_BRANCH") or new
    old = environ.get("PRE_COMMIT_FROM_REF") or ZERO
    update = RefUpdate(ref, old, new, environ.get("PRE_COMMIT_LOCAL_BRANCH", ""))
    return environ.get("PRE_COMMIT_REMOTE_NAME", ""), (update,)


def pre_push_hook(
    remote: str | None,
    url: str | None,
    stdin_text: str,
    environ: Mapping[str, str],
    *,
    config: str | None = None,
    cwd: str | Path | None = None,
) -> tuple[int, str]:
    """(exit status, text for stderr). 1 blocks the push."""
    updates = parse_pre_push(stdin_text)
    from_pre_commit = not updates and not remote
    if from_pre_commit:
        remote, updates = updates_from_pre_commit(environ)
    remote = remote or ""
    if not updates:
        return 0, ""
    repo = open_repo(cwd)
    peeled = peel_commits(repo, [oid for u in updates for oid in (u.old, u.new)])
    ranges, skipped = plan_push(updates, peeled)
    lines = [f"reviewgate: {note}" for note in skipped]
    if not ranges:
        return 0, "".join(f"{line}\n" for line in lines)
    # pre-commit's old commit may be a parent it computed: the remote-tracking
    # branches keep a new branch's range to what the remote lacks.
    revisions = push_revisions(ranges, remote, exclude_remotes=from_pre_commit)
    result = _run(revisions, config, repo, remote)
    # One ref, read from its own old commit, is exact. Otherwise the shared walk
    # excludes what any remote ref has, and a commit that went up to a topic
    # branch with RG301 as a warning would slip into main unjudged.
    shared = len(ranges) > 1 or from_pre_commit or ranges[0].base is None
    defaults = default_branches(repo, remote) if shared else frozenset()
    # pre-commit's old commit for a new branch is a parent it computed, which may
    # be a commit a topic branch took up with a warning: not main's own old commit.
    to_default = (
        default_walk(ranges, remote, defaults, repo, with_bases=not from_pre_commit)
        if shared else None
    )
    merging: frozenset[str] = frozenset()
    if to_default is not None:
        headed = _run(to_default, config, repo, remote)
        result = _joined(result, headed)
        merging = frozenset(c.sha for c in headed.commits)
    if _blocked_by(result, AWAITS_REVIEW):  # else nothing to relax: no git for it
        defaults = defaults or default_branches(repo, remote)
        # Gerrit's refs/for/BRANCH takes changes for review, whatever branch they
        # were made on: a push there alone sends nothing on its way to merge
        # (unless %submit merges it at once).
        for_review = all(_for_review(r.update.ref) for r in ranges)
        if not for_review:
            merging |= on_local_default(repo, remote, defaults)
        result = awaiting_review(result, ranges, defaults, merging)
    return result.exit_code, "".join(
        f"{line}\n" for line in [*lines, *_report(result, ranges, remote, url)]
    )


AWAITS_REVIEW = "RG301"  # a missing sign-off: what review adds, after the push


def default_branches(repo: object, remote: str) -> frozenset[str]:
    """The refs that a push merges into: main, master, and the remote's HEAD branch
    as this clone knows it (`git remote set-head`) when that branch still exists
    there (after a rename, a clone's remote HEAD may name a branch long gone)."""
    found = {f"refs/heads/{name}" for name in DEFAULT_BRANCHES}
    if remote:
        prefix = _tracking(remote, "")
        try:
            head = repo.git.symbolic_ref(  # type: ignore[attr-defined]
                "--quiet", _tracking(remote, "HEAD")
            ).strip()
        except Exception:  # no remote HEAD recorded (a remote added by hand)
            head = ""
        if head.startswith(prefix) and _exists(repo, head):
            found.add("refs/heads/" + head.removeprefix(prefix))
    return frozenset(found)


def _tracking(remote: str, ref: str) -> str:
    """This clone's remote-tracking ref for `ref` (refs/heads/X or X) of `remote`."""
    return f"refs/remotes/{remote}/{ref.removeprefix('refs/heads/')}"


def on_local_default(repo: object, remote: str, defaults: frozenset[str]) -> frozenset[str]:
    """The commits of this clone's own default branches that the remote's copy of
    the same branch lacks: they are on their way there, whichever ref a push names
    first (pre-commit shows the hook only that one). A branch the remote has no
    tracking ref for (a push to a URL, a remote never fetched) tells nothing."""
    if not remote:
        return frozenset()
    found: set[str] = set()
    for ref in sorted(defaults):
        tracking = _tracking(remote, ref)
        if _exists(repo, ref) and _exists(repo, tracking):
            out = repo.git.rev_list(ref, "--not", tracking, "--")  # type: ignore[attr-defined]
            found.update(out.split())
    return frozenset(found)


def _exists(repo: object, ref: str) -> bool:
    try:
        repo.git.rev_parse("--verify", "--quiet", ref)  # type: ignore[attr-defined]
    except Exception:
        return False
    return True


def default_walk(
    ranges: Sequence[PushRange],
    remote: str,
    defaults: frozenset[str],
    repo: object,
    *,
    with_bases: bool = True,
) -> tuple[str, ...] | None:
    """The selection of what the push sends to default branches, each from its own
    old commit, excluding only what the remote's default branches already hold (as
    their tracking refs say): those were judged on their way there. None when the
    push names no default branch."""
    chosen = [r for r in ranges if lands_on(r.update.ref) in defaults]
    if not chosen:
        return None
    tips = list(dict.fromkeys(r.tip for r in chosen))
    known = [r.base for r in chosen if r.base is not None and with_bases]
    bases = [f"^{b}" for b in dict.fromkeys(known)]
    tracking = [_tracking(remote, ref) for ref in sorted(defaults)] if remote else []
    held = [ref for ref in tracking if _exists(repo, ref)]
    return (*tips, *bases, *(["--not", *held] if held else []))


def _joined(result: CheckResult, headed: CheckResult) -> CheckResult:
    """`result` with the commits (and their findings) that only `headed`, the walk
    of what goes to default branches, found."""
    seen = {c.sha for c in result.commits}
    extra = tuple(c for c in headed.commits if c.sha not in seen)
    if not extra:
        return result
    added = {c.sha for c in extra}
    return replace(
        result,
        commits=(*result.commits, *extra),
        findings=(*result.findings, *(f for f in headed.findings if f.sha in added)),
    )


def lands_on(ref: str) -> str:
    """The branch a push to `ref` moves: the ref itself, or for Gerrit's
    refs/for/BRANCH%submit (which merges during the push) refs/heads/BRANCH."""
    target, _, options = ref.partition("%")
    if target.startswith("refs/for/") and "submit" in options.split(","):
        return "refs/heads/" + target.removeprefix("refs/for/")
    return ref


def _for_review(ref: str) -> bool:
    """A push to Gerrit's refs/for/BRANCH that lands on no branch (no %submit)."""
    return ref.startswith("refs/for/") and lands_on(ref) == ref


def _blocked_by(result: CheckResult, code: str) -> bool:
    return any(f.code == code and f.severity is Severity.ERROR for f in result.findings)


def awaiting_review(
    result: CheckResult,
    ranges: Sequence[PushRange],
    defaults: frozenset[str],
    merging: frozenset[str] = frozenset(),
) -> CheckResult:
    """`result` with RG301 turned into a warning on the commits that only refs other
    than `defaults` push, and that are not in `merging` (commits already on the
    way to a default branch): they go up to be reviewed. Pure."""
    if not _blocked_by(result, AWAITS_REVIEW):
        return result
    parents = {c.sha: c.parents for c in result.commits}
    merging = merging.union(*(
        reachable_within(r.tip, parents) for r in ranges if lands_on(r.update.ref) in defaults
    ))
    relaxed = tuple(
        replace(f, severity=Severity.WARNING,
                message=f"{f.message} (a sign-off comes in review, before the merge)")
        if f.code == AWAITS_REVIEW and f.severity is Severity.ERROR and f.sha not in merging
        else f
        for f in result.findings
    )
    if relaxed == result.findings:
        return result
    names = " or ".join(sorted(ref.removeprefix("refs/heads/") for ref in defaults))
    note = (f"{AWAITS_REVIEW} does not block a topic branch: only commits pushed to "
            f"{names}, or already on your own {names}")
    return replace(result, findings=relaxed, notes=(*result.notes, note))


def _run(
    revisions: Sequence[str], config: str | None, repo: object, remote: str
) -> CheckResult:
    cwd = repo.working_tree_dir or repo.git_dir  # type: ignore[attr-defined]
    # A fix's test commit already on the remote goes up with it for review unless
    # the remote's default branch holds it (then only the fix's author's counts).
    merged = tuple(_tracking(remote, name) for name in ("HEAD", *DEFAULT_BRANCHES))
    return run_check(
        revisions=revisions, config=config, cwd=cwd, deepen=False, with_paths=False,
        gather=GatherOptions(merged=merged if remote else ()),
    )


def _report(
    result: CheckResult, ranges: Sequence[PushRange], remote: str, url: str | None
) -> list[str]:
    """Nothing for a clean push; otherwise each ref's findings under its name, each
    hint once, the notes, one summary and, when the push is blocked, what to do."""
    if not result.findings and not result.notes:
        return []
    parents = {c.sha: c.parents for c in result.commits}
    paint = Paint()
    lines: list[str] = []
    for push_range in ranges:
        shas = reachable_within(push_range.tip, parents)
        part = restrict(result, shas, push_range.describe(remote))
        if part.findings:
            lines.append(visible(f"reviewgate: {part.range}:"))
            lines.extend(finding_lines(part, paint))
    lines.extend(hint_lines(result.findings, paint))
    lines.extend(note_lines(result.notes))
    where = remote or url or "the remote"
    refs = "ref" if len(ranges) == 1 else "refs"
    lines.append(summary_line(replace(result, range=f"{len(ranges)} {refs} pushed to {where}")))
    if result.exit_code:
        lines.append(f"reviewgate: push to {where} blocked: {_what_to_do(result)} "
                     "`git push --no-verify` skips this hook, not the server's gate.")
    return lines


def _what_to_do(result: CheckResult) -> str:
    """A missing sign-off is added by a reviewer, not by rewriting the commits."""
    codes = {f.code for f in result.findings if f.severity is Severity.ERROR}
    review = ("a reviewer signs them off (`reviewgate approve`, then `git push origin "
              "refs/notes/reviewgate-approvals`), or a `Reviewed-by:` trailer is added.")
    if codes == {AWAITS_REVIEW}:
        return f"the commits above await review: {review}"
    rewrite = ("fix the commits above, then push again (the hints name the line to add or "
               "replace; `git commit --amend` rewrites the last commit, `git rebase -i` with "
               "`reword` an older one).")
    return f"{rewrite} For {AWAITS_REVIEW}, {review}" if AWAITS_REVIEW in codes else rewrite
