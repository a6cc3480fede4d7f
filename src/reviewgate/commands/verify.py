"""`reviewgate verify [RANGE]` (and `check --verify`): prove each fix red, then green.

The range, the trusted policy and the report come from `check` (run_check); this
module adds the verify options, the progress display and the per-fix listing.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import click

from reviewgate.commands.check import shows_progress
from reviewgate.git.repo import short_rev
from reviewgate.model.display import visible
from reviewgate.model.evidence import Verdict
from reviewgate.model.finding import Finding, Severity, has_errors
from reviewgate.model.result import CheckResult, GatherOptions
from reviewgate.pipeline.run import run_check
from reviewgate.verify.plan import parse_shard
from reviewgate.verify.stale import cleanup_here, describe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

VERIFY_CODES = ("RG202", "RG203", "RG205", "RG206")
LABELS = {
    "proven": "proven (red, then green)",
    "not-red": "NOT RED: the test passes without the fix (RG202)",
    "not-green": "NOT GREEN: the test fails with the fix (RG203)",
    "broken": "BREAKS A TEST: a test that passed before fails with the fix (RG206)",
    "error": "ERROR: could not verify (RG205)",
    "flaky": "FLAKY: results differ between runs, so unverified (RG205 notice)",
}


@dataclass(frozen=True)
class VerifyResult:
    check: CheckResult
    verdicts: tuple[Verdict, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.check.findings if f.code in VERIFY_CODES)

    @property
    def exit_code(self) -> int:
        """1 for an error among verify's own findings (RG202, RG203, RG205) only:
        `verify` proves tests; the whole gate (RG201 and the rest) is `check`'s,
        and `check --verify` exits on every finding."""
        return 1 if has_errors(self.findings) else 0

    @property
    def other_errors(self) -> tuple[Finding, ...]:
        """Errors of other rules in the range, which `check` would fail on."""
        return tuple(
            f for f in self.check.findings
            if f.code not in VERIFY_CODES and f.severity is Severity.ERROR
        )


def run_verify(
    revisions: Sequence[str] = (),
    *,
    config: str | None = None,
    policy_from: str | None = None,
    use_cache: bool = True,
    jobs: int = 1,
    shard: str | None = None,
    on_verdict: Callable[[Verdict, int, int], None] | None = None,
    max_count: int | None = None,
) -> VerifyResult:
    """Verify the fixes of the range `check` would read, with its trusted policy."""
    collected: list[Verdict] = []

    def collect(verdict: Verdict, done: int, total: int) -> None:
        collected.append(verdict)
        if on_verdict is not None:
            on_verdict(verdict, done, total)

    options = GatherOptions(
        verify=True, use_cache=use_cache, jobs=jobs,
        shard=parse_shard(shard) if shard else None, on_verdict=collect,
    )
    with interrupts_as_keyboard_interrupt():
        result = run_check(
            revisions=revisions, config=config, policy_from=policy_from,
            max_count=max_count, with_paths=False, gather=options,
        )
    return VerifyResult(result, tuple(collected))


def run_cleanup() -> str:
    """`reviewgate verify --cleanup`: remove what killed verify runs left in the
    current repository and $TMPDIR; the report of what was removed and kept."""
    return describe(cleanup_here())


@contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM (a CI cancelling a job) and SIGHUP (a closed terminal or ssh
    session) raise one KeyboardInterrupt, so the worktrees and the test processes
    are cleaned up on one path. From the first signal on, all three are ignored:
    a second Ctrl-C cannot cut the cleanup short or kill the process before it
    exits 130. After an interrupt they stay ignored (the process is about to
    exit); otherwise they are restored. A signal ignored already stays ignored:
    `nohup reviewgate verify` must survive a hangup."""
    taken: list[int] = []
    previous: dict[int, object] = {}  # signal -> the handler to restore

    def first_interrupt(signum: int, frame: object) -> None:
        if taken:
            return
        taken.append(signum)
        for other in previous:
            signal.signal(other, signal.SIG_IGN)
        raise KeyboardInterrupt

    try:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, first_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    interrupted = False
    try:
        yield
    except KeyboardInterrupt:
        interrupted = True
        for taken_over in previous:
            signal.signal(taken_over, signal.SIG_IGN)
        raise
    finally:
        if not interrupted and not taken:
            for taken_over, handler in previous.items():
                signal.signal(taken_over, handler)  # type: ignore[arg-type]


def verdict_line(verdict: Verdict, subjects: dict[str, str]) -> str:
    cached = " (cached)" if verdict.cached else ""
    subject = subjects.get(verdict.fix, "")
    text = f"{short_rev(verdict.fix)} {LABELS.get(verdict.outcome, verdict.outcome)}{cached}"
    text += f"  {subject}" if subject else ""
    if verdict.detail:
        text += f"\n    {verdict.detail}"
    for test in verdict.tests:
        text += f"\n    {test.line()}"
        if test.message and verdict.outcome != "proven":
            text += "".join(f"\n      | {line}" for line in test.message.splitlines()[:4])
    if verdict.outcome != "flaky":
        text += "".join(f"\n    | {line}" for line in verdict.lines)
    return visible(text)  # the subject and a test's output: docs/security.md, "Output"


def render_verify(result: VerifyResult) -> str:
    """Each verified fix and its outcome, then the findings and a summary."""
    subjects = {c.sha: c.subject for c in result.check.commits}
    order = {c.sha: i for i, c in enumerate(result.check.commits)}
    lines = [f"verify {result.check.range}: policy {result.check.policy.source}"]
    lines += [f"note: {note}" for note in result.check.notes]
    verdicts = sorted(result.verdicts, key=lambda v: order.get(v.fix, len(order)))
    lines += [verdict_line(v, subjects) for v in verdicts]
    for finding in result.findings:
        lines.append(f"{finding.severity.value}: {short_rev(finding.sha)} {finding.code} "
                     f"{finding.message}")
        if finding.hint:
            lines.append(f"    hint: {finding.hint}")
    counts = {o: sum(v.outcome == o for v in verdicts) for o in LABELS}
    cached = sum(v.cached for v in verdicts)
    lines.append(
        f"{len(verdicts)} fix(es) verified: {counts['proven']} proven, "
        f"{counts['not-red']} not red, {counts['not-green']} not green, "
        f"{counts['broken']} breaking a test, {counts['flaky']} flaky, "
        f"{counts['error']} error(s); {cached} from the cache"
    )
    others = result.other_errors
    if others:
        codes = ", ".join(sorted({f.code for f in others}))
        lines.append(
            f"note: {len(others)} error(s) of other rules ({codes}) are not verify's to judge "
            "and do not change its exit status; `reviewgate check` reports them"
        )
    return "\n".join(lines) + "\n"


class Progress:
    """Reports each verdict as it arrives: a click progress bar on a terminal,
    one plain line per fix elsewhere (CI logs, pipes)."""

    def __init__(self, interactive: bool | None = None) -> None:
        if interactive is None:
            interactive = shows_progress(sys.stderr, os.environ)
        self.interactive = interactive
        self._bar: object | None = None
        self._shown = 0

    def __call__(self, verdict: Verdict, done: int, total: int) -> None:
        if not self.interactive:
            cached = " (cached)" if verdict.cached else ""
            click.echo(f"[{done}/{total}] {short_rev(verdict.fix)} {verdict.outcome}{cached}",
                       err=True)
            return
        if self._bar is None:
            bar = click.progressbar(length=total, label="verifying fixes", file=sys_stderr())
            bar.__enter__()
            self._bar = bar
        self._bar.update(done - self._shown)  # type: ignore[attr-defined]
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)  # type: ignore[attr-defined]
            self._bar = None


def sys_stderr() -> TextIO:
    return sys.stderr


def check_verify_options(
    no_cache: bool, jobs: int, shard: str | None, progress: Progress
) -> object:
    """The GatherOptions of `check --verify`."""
    return GatherOptions(
        verify=True, use_cache=not no_cache, jobs=jobs,
        shard=parse_shard(shard) if shard else None, on_verdict=progress,
    )
