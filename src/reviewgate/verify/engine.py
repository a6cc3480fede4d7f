"""Verify jobs: find each job's trees, answer from the cache, run the rest.

Red runs first; a red that passes ends the job (not-red) and a red that cannot run
ends it (error). Only a proper red failure goes on to green. The notes are written
by the calling thread as results arrive, so a Ctrl-C keeps what finished.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from reviewgate.model.evidence import Verdict
from reviewgate.verify.cache import (
    NOTES_REF,
    CachedResult,
    CacheKey,
    command_key,
    lookup,
    read_notes,
    render_note,
    store,
)
from reviewgate.verify.objects import ObjectReader, write_trees
from reviewgate.verify.plan import Job
from reviewgate.verify.runner import (
    ERROR,
    PASSED,
    RunResult,
    abort_all,
    expand_command,
    reset_abort,
    run_command,
)
from reviewgate.verify.sandbox import sandbox_for
from reviewgate.verify.stale import remove_stale_once
from reviewgate.verify.worktree import (
    checkout_tree,
    remove_registered,
    repository_hidden,
    temporary_worktree,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy
    from reviewgate.verify.provenance import Provenance

ROOT_COMMIT = "cannot verify a root commit: there is no state before the fix to be red"
NO_RUNNABLE_TEST = (
    "no runnable test file: the fix's test files are data, not code a test command runs"
)
OnVerdict = Callable[[Verdict, int, int], None]  # verdict, done, total


@dataclass(frozen=True)
class Prepared:
    job: Job
    key: CacheKey | None  # None: the job cannot run (root commit, missing object)
    new_trees: tuple[bytes, ...] = ()
    problem: str = ""


def prepare(reader: ObjectReader, jobs: Sequence[Job], policy: Policy) -> list[Prepared]:
    """Each job's cache key (red tree, green tree, command), computed with the
    reader's one `cat-file` process."""
    prepared: list[Prepared] = []
    for job in jobs:
        green = reader.tree_of(job.fix)
        if job.root_commit:
            prepared.append(Prepared(job, None, problem=ROOT_COMMIT))
            continue
        if not job.tests:
            prepared.append(Prepared(job, None, problem=NO_RUNNABLE_TEST))
            continue
        base = reader.tree_of(job.base or "") if job.base else None
        red_tree = reader.red_tree(base, green, job.red_paths) if base and green else None
        red, new = (red_tree.oid, red_tree.new_trees) if red_tree else (None, ())
        if red is None or green is None:
            prepared.append(Prepared(job, None, problem="a commit of the fix is missing"))
            continue
        command = command_key(policy.verify, job.tests)
        prepared.append(Prepared(job, CacheKey(red, green, command), new))
    return prepared


def cached_verdicts(
    git_dir: str, jobs: Sequence[Job], policy: Policy, provenance: Provenance | None = None
) -> dict[str, Verdict]:
    """The verdicts the cache holds for `jobs` (one git process for all), of the
    lines `provenance` trusts (all without one)."""
    with ObjectReader(git_dir) as reader:
        if reader.tree_of(NOTES_REF) is None:
            return {}
        greens = {job.fix: reader.tree_of(job.fix) for job in jobs}
        notes = read_notes(reader, {tree for tree in greens.values() if tree})
        # Red trees cost a walk each: only for fixes whose green tree has a note.
        noted = [job for job in jobs if greens[job.fix] in notes]
        prepared = prepare(reader, noted, policy)
    found: dict[str, Verdict] = {}
    for item in prepared:
        hit = lookup(notes, item.key, provenance) if item.key else None
        if hit is not None:
            found[item.job.fix] = _from_cache(item.job.fix, hit)
    return found


def verify_jobs(
    git_dir: str,
    jobs: Sequence[Job],
    policy: Policy,
    *,
    use_cache: bool = True,
    parallel: int = 1,
    on_verdict: OnVerdict | None = None,
    provenance: Provenance | None = None,
) -> dict[str, Verdict]:
    """A verdict for every job: cached when the cache has it (unless `use_cache`
    is off) in a line `provenance` trusts, else from running the command in
    temporary worktrees; `provenance` signs the lines written."""
    with ObjectReader(git_dir) as reader:
        prepared = prepare(reader, jobs, policy)
        notes = read_notes(reader, {p.key.green for p in prepared if p.key})
    verdicts: dict[str, Verdict] = {}
    todo: list[Prepared] = []
    for item in prepared:
        hit = lookup(notes, item.key, provenance) if item.key and use_cache else None
        if item.key is None:
            verdicts[item.job.fix] = Verdict(item.job.fix, "error", detail=item.problem)
        elif hit is not None:
            verdicts[item.job.fix] = _from_cache(item.job.fix, hit)
        else:
            todo.append(item)
    done = 0
    total = len(prepared)
    for verdict in verdicts.values():
        done += 1
        if on_verdict:
            on_verdict(verdict, done, total)
    if todo:  # before any run: `verify.sandbox: bwrap` where it cannot work stops here
        sandbox_for(policy.verify, git_dir)
        remove_stale_once(git_dir)  # what a killed verify left in this repository
    write_trees(git_dir, [raw for item in todo for raw in item.new_trees])
    # closing(): an exception here must stop the workers now, not when the
    # generator is collected.
    with closing(_run_all(git_dir, todo, policy, parallel)) as results:
        for item, verdict, cacheable in results:
            verdicts[item.job.fix] = verdict
            if cacheable and item.key is not None:
                _remember(git_dir, notes, item.key, verdict, provenance)
            done += 1
            if on_verdict:
                on_verdict(verdict, done, total)
    return {job.fix: verdicts[job.fix] for job in jobs if job.fix in verdicts}


def _run_all(
    git_dir: str, todo: Sequence[Prepared], policy: Policy, parallel: int
) -> Generator[tuple[Prepared, Verdict, bool], None, None]:
    """Yield (prepared, verdict, cacheable) as jobs finish. On Ctrl-C or SIGTERM
    (raised here as KeyboardInterrupt) every command is killed and every worker
    removes its worktree before the exception goes on."""
    if not todo:
        return
    reset_abort()
    pool = ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="verify")
    try:
        pending = {pool.submit(run_job, git_dir, item, policy): item for item in todo}
        while pending:
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                verdict, cacheable = future.result()
                yield item, verdict, cacheable
    except BaseException:
        abort_all()
        raise
    finally:
        _shutdown(pool)


def _shutdown(pool: object) -> None:
    """Wait for the workers, then remove any worktree one of them left: the main
    thread owns the cleanup, whatever happened in a worker. A second Ctrl-C
    (when signals are not already ignored) does not cut the wait short."""
    assert isinstance(pool, ThreadPoolExecutor)
    interrupted: BaseException | None = None
    for step in (lambda: pool.shutdown(wait=True, cancel_futures=True), remove_registered):
        while True:
            try:
                step()
                break
            except KeyboardInterrupt as error:
                interrupted = error
    if interrupted is not None:
        raise interrupted


def run_job(git_dir: str, item: Prepared, policy: Policy) -> tuple[Verdict, bool]:
    """Run red, then (when red failed properly) green, in one temporary worktree.
    The bool says whether the verdict may be cached: a command that could not
    start, a timeout or an interruption may pass next time, so they are not."""
    assert item.key is not None
    job = item.job
    with temporary_worktree(git_dir, job.fix) as worktree:
        checkout_tree(worktree, item.key.red, clean=False)  # a new, empty worktree
        red = _run_state(worktree, job, policy, git_dir)
        if red.status == ERROR:
            return _verdict(job, "error", red, None, f"red: {red.detail}"), _stable(red)
        if red.status == PASSED:
            return _verdict(job, "not-red", red, None, "the test passes without the fix"), True
        checkout_tree(worktree, item.key.green)
        green = _run_state(worktree, job, policy, git_dir)
    if green.status == ERROR:
        return _verdict(job, "error", red, green, f"green: {green.detail}"), _stable(green)
    if green.status == PASSED:
        return _verdict(job, "proven", red, green, ""), True
    return _verdict(job, "not-green", red, green, "the test still fails with the fix"), True


def _run_state(worktree: object, job: Job, policy: Policy, git_dir: str) -> RunResult:
    root = Path(str(worktree))
    tests = [path for path in job.tests if (root / path).is_file()]
    if not tests:
        return RunResult(ERROR, None, "none of the fix's test files exists in this state")
    argv = expand_command(policy.verify.command, tests, str(root))
    verify = policy.verify
    with repository_hidden(root) as env:
        return run_command(
            argv, root, verify.timeout, verify.error_exit_codes, verify.error_output, env,
            sandbox=sandbox_for(verify, git_dir),
        )


def _stable(result: RunResult) -> bool:
    """An error that the trees decide (an exit status) is cached; one that the
    machine decides (not found, timeout, signal, interrupt) is not."""
    return result.exit is not None and result.exit > 0


_TAP_COUNTER = re.compile(r"#\s+\w+\s+[\d.]+$")


def _verdict(
    job: Job, outcome: str, red: RunResult, green: RunResult | None, detail: str
) -> Verdict:
    output = (green or red).output if outcome != "not-red" else red.output
    # The last line that says something: TAP runners (node --test) end with
    # counters such as "# duration_ms 269.7", which say nothing about the failure.
    lines = [
        line
        for line in output.strip().splitlines()
        if line.strip() and not _TAP_COUNTER.match(line.strip())
    ]
    if outcome != "proven" and lines:
        detail = f"{detail}; last output: {lines[-1].strip()[:200]}"
    return Verdict(job.fix, outcome, red.exit, green.exit if green else None, detail)


def _from_cache(fix: str, hit: CachedResult) -> Verdict:
    return Verdict(fix, hit.outcome, hit.red_exit, hit.green_exit, hit.detail, cached=True)


def _remember(
    git_dir: str, notes: dict[str, str], key: CacheKey, verdict: Verdict,
    provenance: Provenance | None = None,
) -> None:
    result = CachedResult(key, verdict.outcome, verdict.red_exit, verdict.green_exit,
                          verdict.detail)
    if provenance is not None:
        result = provenance.sign(result)
    text = render_note(notes.get(key.green, ""), result)
    store(git_dir, text, key.green)
    notes[key.green] = text
