"""`reviewgate stats`' figures, from what a check found: pure functions of the
commits, the policy and the check's evidence and findings, so the figures can be
tested without git and rendered by any report (text, HTML)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewgate.disclosure.declarations import placeholder_in
from reviewgate.disclosure.judge import tool_marks
from reviewgate.disclosure.unrecognised import unrecognised_marks
from reviewgate.model.commit import Commit
from reviewgate.model.display import visible
from reviewgate.model.evidence import Evidence
from reviewgate.model.finding import Finding
from reviewgate.model.fix import SAME_COMMIT, TWO_COMMIT
from reviewgate.model.rulebook import selected
from reviewgate.pairs.fixes import is_fix, pair_fixes
from reviewgate.policy.schema import Policy
from reviewgate.report.buckets import Bucket, buckets
from reviewgate.signoff.rules import CODES as SIGNOFF_CODES
from reviewgate.signoff.rules import check_signoff

NOT_MEASURED = "not measured (no verification results)"


@dataclass(frozen=True)
class Share:
    """`count` of `of`; the ratio is None when there is nothing to divide."""

    count: int
    of: int

    @property
    def ratio(self) -> float | None:
        return self.count / self.of if self.of else None

    def describe(self) -> str:
        ratio = self.ratio
        percent = "n/a" if ratio is None else f"{round(ratio * 100)}%"
        return f"{self.count} of {self.of} ({percent})"


@dataclass(frozen=True)
class MonthStats:
    month: str  # YYYY-MM of the author date, in the author's own time zone
    total: int
    assisted: int

    @property
    def other(self) -> int:
        return self.total - self.assisted


@dataclass(frozen=True)
class Stats:
    range: str
    total: int  # commits policy selects (merges and fixups as policy.commits says)
    skipped: int  # commits read but not selected
    assisted: Share  # of total
    by_tool: tuple[tuple[str, int], ...]  # most commits first; a commit counts once per tool
    by_month: tuple[MonthStats, ...]  # oldest month first
    signed_off: Share  # assisted commits with a sign-off by someone else, of assisted
    fixes: int
    fixes_with_tests: Share  # of fixes
    verified: Share | None = None  # proven fixes of those with a test; None: none cached
    # Tool-like marks no registry tool claims ("key Foo-Session", "bot acme[bot]"),
    # most commits first: what users can report as new agents.
    unrecognised: tuple[tuple[str, int], ...] = ()
    # The earliest and the latest author day (YYYY-MM-DD) of the commits counted.
    first_day: str = ""
    last_day: str = ""
    # Where the figures come from, for a reader of the page: the repository's
    # directory name, its origin (no scheme, no credentials; "" without one), the
    # policy's source and when the figures were made (ISO 8601, UTC).
    repository: str = ""
    origin: str = ""
    policy: str = ""
    generated: str = ""

    @property
    def verified_text(self) -> str:
        return NOT_MEASURED if self.verified is None else self.verified.describe()

    def periods(self) -> tuple[str, tuple[Bucket, ...]]:
        """The chart's level (month, quarter, year) and bars: report.buckets."""
        return buckets([(m.month, m.total, m.assisted) for m in self.by_month])


def tools_of(commit: Commit, policy: Policy) -> tuple[str, ...]:
    """The tools that helped write `commit`, by what it declares or what marks
    they left; empty for a commit written without one."""
    # The answers check's disclosure rules found for this commit already.
    declarations, signatures = tool_marks(commit, policy)
    names: dict[str, None] = {}
    for declaration in declarations:
        if declaration.is_none or (declaration.tool is None
                                   and placeholder_in(declaration.value)):
            continue  # AGENT_NAME:MODEL_VERSION is template text, not a tool
        if declaration.tool is not None:
            names[declaration.tool.display] = None
        else:
            # A tool missing from the registry still declares assistance; name it
            # as the declaration does rather than hide it.
            token = re.split(r"[\s:(]", declaration.value.strip(), maxsplit=1)[0]
            names[token or "unknown"] = None
    for signature in signatures:
        names[signature.tool.display] = None
    return tuple(names)


def signed_off_shas(
    commits: Sequence[Commit],
    policy: Policy,
    evidence: Evidence,
    findings: Sequence[Finding] | None = None,
) -> set[str]:
    """The commits whose sign-off the sign-off rule accepts, whatever policy's
    `required_for` and rule severities say: the same sources (trailers, merges,
    ranges, approvals) and the same tests (not the author, not a tool, an allowed
    reviewer, a signature where policy wants one) that `check` applies.

    `findings`: what the check found. When its sign-off rules judged every assisted
    commit (required_for covers them, no RG30x switched off), the commits they
    refused are its RG30x findings, and the rule is not run a second time."""
    if findings is not None and judged_every_assisted(policy):
        refused = {f.sha for f in findings if f.code in SIGNOFF_CODES}
        return {commit.sha for commit in commits} - refused
    refused = {finding.sha for finding in check_signoff(commits, judged(policy), evidence)}
    return {commit.sha for commit in commits} - refused


def judged_every_assisted(policy: Policy) -> bool:
    """Whether the check's sign-off rules looked at every assisted commit and
    reported each one they refused."""
    return policy.signoff.required_for in ("assisted", "all") and all(
        policy.rules.get(code) != "off" for code in SIGNOFF_CODES
    )


def judged(policy: Policy) -> Policy:
    """`policy` with every commit covered and every sign-off rule on."""
    return replace(
        policy,
        signoff=replace(policy.signoff, required_for="all"),
        rules={code: level for code, level in policy.rules.items() if not code.startswith("RG30")},
    )


def compute_stats(
    commits: Sequence[Commit],
    policy: Policy,
    range_: str = "",
    evidence: Evidence | None = None,
    findings: Sequence[Finding] | None = None,
) -> Stats:
    """The figures of `commits`. `evidence` is what `check` gathered (the fix
    candidates' diffs, approvals, signatures), and `findings` what its rules found;
    without them each commit's own `changes` and trailers are all there is."""
    evidence = evidence or Evidence()
    chosen = [commit for commit in commits if selected(commit, policy)]
    signed_shas = signed_off_shas(commits, policy, evidence, findings)
    # check paired the fixes already when its pair rules were on.
    fixes_found = evidence.fixes or pair_fixes(commits, policy, evidence.diffs)
    paired = {fix.commit.sha for fix in fixes_found if fix.shape in (SAME_COMMIT, TWO_COMMIT)}
    assisted = 0
    signed = 0
    fixes = 0
    fixes_tested = 0
    tools: dict[str, int] = {}
    unknown: dict[str, int] = {}
    months: dict[str, list[int]] = {}
    days = [commit.author.date[:10] for commit in chosen if commit.author.date]
    for commit in chosen:
        names = tools_of(commit, policy)
        for mark in unrecognised_marks(commit):
            unknown[mark] = unknown.get(mark, 0) + 1
        month = months.setdefault(commit.author.date[:7] or "unknown", [0, 0])
        month[0] += 1
        if names:
            assisted += 1
            month[1] += 1
            for name in names:
                tools[name] = tools.get(name, 0) + 1
            signed += commit.sha in signed_shas
        if is_fix(commit, policy):
            fixes += 1
            fixes_tested += commit.sha in paired
    return Stats(
        range=range_,
        total=len(chosen),
        skipped=len(commits) - len(chosen),
        assisted=Share(assisted, len(chosen)),
        by_tool=tuple(sorted(tools.items(), key=lambda item: (-item[1], item[0].lower()))),
        by_month=tuple(MonthStats(m, t, a) for m, (t, a) in sorted(months.items())),
        signed_off=Share(signed, assisted),
        fixes=fixes,
        fixes_with_tests=Share(fixes_tested, fixes),
        unrecognised=tuple(sorted(unknown.items(), key=lambda item: (-item[1], item[0]))),
        first_day=min(days, default=""),
        last_day=max(days, default=""),
        policy=policy.source,
    )


def render_stats_text(stats: Stats) -> str:
    rows = [
        ("commits", str(stats.total)),
        ("tool-assisted", stats.assisted.describe()),
        ("assisted with a sign-off", stats.signed_off.describe()),
        ("fixes", str(stats.fixes)),
        ("fixes with a test", stats.fixes_with_tests.describe()),
        ("fixes verified red/green", stats.verified_text),
    ]
    if stats.skipped:
        rows.insert(1, ("skipped (merges, fixups)", str(stats.skipped)))
    if stats.first_day:
        rows.insert(0, ("commits from", f"{stats.first_day} to {stats.last_day}"))
    if stats.origin or stats.repository:
        rows.insert(0, ("repository", stats.origin or stats.repository))
    width = max(len(label) for label, _ in rows)
    lines = [f"reviewgate stats: {stats.range}" if stats.range else "reviewgate stats", ""]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    if stats.by_tool:
        name_width = max(len("tool"), *(len(name) for name, _ in stats.by_tool))
        lines += ["", f"{'tool':<{name_width}}  commits"]
        lines += [f"{name:<{name_width}}  {count:>7}" for name, count in stats.by_tool]
    if stats.unrecognised:
        lines += ["", "tool-like marks not recognised (report new agents, or name them in "
                  "assistance.tools)"]
        lines += [f"{count:>7}  {mark}" for mark, count in stats.unrecognised]
    if stats.by_month:
        lines += ["", "month    commits  assisted"]
        lines += [f"{m.month:<7}  {m.total:>7}  {m.assisted:>8}" for m in stats.by_month]
    return visible("\n".join(lines) + "\n")  # tool names come from commits

