"""Verify jobs: find each job's trees, answer from the cache, run the rest (one
fix's red and green runs are job.py), each parallel job in a worktree of its own
that it reuses fix after fix (slots.py). The calling thread collects the new
results and writes them to the notes in one commit (cache_writer.py) at the end,
interrupted or not, so a Ctrl-C keeps what finished.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import closing, suppress
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from reviewgate.errors import GitError
from reviewgate.model.evidence import TestChange, Verdict
from reviewgate.policy.schema import AUTO_COMMAND
from reviewgate.verify.auto import choose
from reviewgate.verify.cache import (
    NOTES_REF,
    CachedResult,
    CacheKey,
    command_key,
    lookup,
    read_notes,
)
from reviewgate.verify.cache_writer import Batch
from reviewgate.verify.job import run_job
from reviewgate.verify.objects import ObjectReader, write_trees
from reviewgate.verify.plan import Job, go_packages, uses
from reviewgate.verify.runner import abort_all, reset_abort
from reviewgate.verify.sandbox import sandbox_for
from reviewgate.verify.slots import Worktrees
from reviewgate.verify.stale import remove_stale_once
from reviewgate.verify.worktree import remove_registered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy
    from reviewgate.verify.provenance import Provenance

ROOT_COMMIT = "cannot verify a root commit: there is no state before the fix to be red"
NO_RUNNABLE_TEST = (
    "no runnable test file: the fix's test files are data, not code a test command runs"
)
NO_RUNNABLE_HINT = (
    "let verify.command run the suite that reads the data: leave out {tests} "
    "(e.g. [python, -m, pytest]), or name the data's directories with {test_dirs} "
    "or their Go packages with {packages}; or use verify.command: auto"
)
NO_PACKAGE = "no Go package: none of the fix's test files is a _test.go file or under testdata/"
NO_AUTO = ("verify.command is auto, but the fix's tree has no go.mod, Cargo.toml, "
           "package.json, pyproject.toml, setup.cfg, setup.py, pytest.ini, tox.ini or tests/")
NO_AUTO_HINT = "set verify.command to the project's test command, as a list of arguments"
OnVerdict = Callable[[Verdict, int, int], None]  # verdict, done, total


@dataclass(frozen=True)
class Prepared:
    job: Job
    key: CacheKey | None  # None: the job cannot run (root commit, missing object)
    new_trees: tuple[bytes, ...] = ()
    problem: str = ""
    command: tuple[str, ...] = ()  # verify.command, as this fix runs it
    hint: str = ""  # how to fix the problem, when the rule's own hint is too general


def prepare(reader: ObjectReader, jobs: Sequence[Job], policy: Policy) -> list[Prepared]:
    """Each job's cache key (red tree, green tree, command), computed with the
    reader's one `cat-file` process."""
    prepared: list[Prepared] = []
    for job in jobs:
        green = reader.tree_of(job.fix)
        if job.root_commit:
            prepared.append(Prepared(job, None, problem=ROOT_COMMIT))
            continue
        command, problem, hint = resolve_command(reader, green, job, policy)
        if problem:
            prepared.append(Prepared(job, None, problem=problem, hint=hint))
            continue
        base = reader.tree_of(job.base or "") if job.base else None
        red_tree = reader.red_tree(base, green, job.red_paths) if base and green else None
        red, new = (red_tree.oid, red_tree.new_trees) if red_tree else (None, ())
        if red is None or green is None:
            prepared.append(Prepared(job, None, problem="a commit of the fix is missing"))
            continue
        digest = command_key(replace(policy.verify, command=command), key_tests(job, command))
        prepared.append(Prepared(job, CacheKey(red, green, digest), new, command=command))
    return prepared


def resolve_command(
    reader: ObjectReader, green: str | None, job: Job, policy: Policy
) -> tuple[tuple[str, ...], str, str]:
    """(the command for this fix, a problem that stops it from running, its hint):
    `auto` is chosen from the green tree's top-level files."""
    command = policy.verify.command
    if command == AUTO_COMMAND:
        entries = {name.decode("utf-8", "replace"): oid for _, name, oid in
                   (reader.entries(green) if green else ())}

        def read(name: str) -> bytes | None:
            found = reader.read(entries[name].hex()) if name in entries else None
            return found[2] if found else None

        choice = choose(entries, read, job.test_files)
        if choice is None:
            return (), NO_AUTO, NO_AUTO_HINT
        command = choice.command
    assert isinstance(command, tuple)
    if uses(command, "{tests}") and not job.tests:
        data = ", ".join(job.test_files[:3]) or "none"
        return command, f"{NO_RUNNABLE_TEST} ({data})", NO_RUNNABLE_HINT
    if uses(command, "{packages}") and not go_packages(job.test_files):
        return command, NO_PACKAGE, NO_RUNNABLE_HINT
    return command, "", ""


def key_tests(job: Job, command: tuple[str, ...]) -> tuple[str, ...]:
    """What the cache key holds of the fix's tests: the files `{tests}` names, and
    every test file when the command names their directories or packages."""
    if uses(command, "{test_dirs}") or uses(command, "{packages}"):
        return (*job.tests, *(f"file:{path}" for path in job.test_files))
    return job.tests


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
    temporary worktrees; `provenance` signs the lines written, all in one
    notes commit (more in a long run), before this returns or raises."""
    with ObjectReader(git_dir) as reader:
        prepared = prepare(reader, jobs, policy)
        notes = read_notes(reader, {p.key.green for p in prepared if p.key})
    verdicts: dict[str, Verdict] = {}
    todo: list[Prepared] = []
    for item in prepared:
        hit = lookup(notes, item.key, provenance) if item.key and use_cache else None
        if item.key is None:
            verdicts[item.job.fix] = Verdict(item.job.fix, "error", detail=item.problem,
                                             hint=item.hint)
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
    batch = Batch(git_dir)
    try:
        # closing(): an exception here must stop the workers now, not when the
        # generator is collected.
        with closing(_run_all(git_dir, todo, policy, parallel)) as results:
            for item, verdict, cacheable in results:
                verdicts[item.job.fix] = verdict
                if cacheable and item.key is not None:
                    batch.add(_result(item.key, verdict, provenance))
                done += 1
                if on_verdict:
                    on_verdict(verdict, done, total)
    except BaseException:
        # On Ctrl-C too, what finished stays cached; a cache that cannot be
        # written then does not hide why the run stopped.
        with suppress(GitError):
            batch.flush()
        raise
    batch.flush()
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
    # At most one worktree per worker: a job leases one, and hands it back.
    worktrees = Worktrees(git_dir)
    try:
        pending = {pool.submit(run_job, git_dir, item, policy, worktrees): item
                   for item in todo}
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
    """Wait for the workers, then remove the run's worktrees (those handed back,
    and any a worker left): the main thread owns the cleanup, whatever happened
    in a worker. A second Ctrl-C
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


def _from_cache(fix: str, hit: CachedResult) -> Verdict:
    detail, tests, lines, hint = decode_detail(hit.detail)
    return Verdict(fix, hit.outcome, hit.red_exit, hit.green_exit, detail, cached=True,
                   tests=tests, lines=lines, hint=hint)


def _result(key: CacheKey, verdict: Verdict, provenance: Provenance | None) -> CachedResult:
    result = CachedResult(key, verdict.outcome, verdict.red_exit, verdict.green_exit,
                          encode_detail(verdict))
    return provenance.sign(result) if provenance is not None else result


_MORE = "|json="  # a note line's detail, then what the verdict says test by test


def encode_detail(verdict: Verdict) -> str:
    """The verdict's detail, and its tests, lines and hint as percent-encoded JSON
    (a note line holds no newline, and its words are split on blanks)."""
    if not (verdict.tests or verdict.lines or verdict.hint):
        return verdict.detail
    more = {"tests": [[t.name, t.red, t.green, t.message[:300]] for t in verdict.tests],
            "lines": list(verdict.lines), "hint": verdict.hint}
    encoded = quote(json.dumps(more, ensure_ascii=False, separators=(",", ":")), safe="")
    return f"{verdict.detail} {_MORE}{encoded}"


def decode_detail(text: str) -> tuple[str, tuple[TestChange, ...], tuple[str, ...], str]:
    detail, sep, encoded = text.rpartition(_MORE)
    if not sep:
        return text, (), (), ""
    try:
        more = json.loads(unquote(encoded))
        tests = tuple(TestChange(*map(str, t[:4])) for t in more.get("tests", []))
        lines = tuple(str(line) for line in more.get("lines", []))
        return detail.rstrip(), tests, lines, str(more.get("hint", ""))
    except (ValueError, TypeError, AttributeError):
        return detail.rstrip(), (), (), ""
