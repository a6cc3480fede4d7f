"""RG301–RG304: a human's sign-off before merge.

A RangeCheck: the sign-off for a commit may sit on a later commit of the range
(a merge, or a commit stating `Signoff-range: BASE..TIP`) or in an approval note,
so the rule sees the whole range with its Evidence. Pure: no git.

Each covered commit passes through four gates in order, and the first one it fails
is its one finding: some sign-off (RG301), by a human who is not the author
(RG302), who is an allowed reviewer (RG303), proven by a signature (RG304). A gate
whose rule is off lets every sign-off through.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewgate.disclosure.judge import tool_marks
from reviewgate.errors import PolicyError
from reviewgate.model.emails import normal_email, reviewer_email
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.rulebook import make_finding, rule, selected, severity_for
from reviewgate.pairs.fixes import WAIVER_TRAILER, waiver_reason
from reviewgate.signoff.sources import (
    SIGNATURE_FORMATS,
    SignOff,
    collect_signoffs,
    commit_authors,
    is_tool_reviewer,
    range_statements,
    signature_problem,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Evidence
    from reviewgate.policy.schema import Policy

REQUIRED_FOR = ("assisted", "all", "none")
CODES = ("RG301", "RG302", "RG303", "RG304")
Raw = tuple[str, str, str]  # (code, message, hint)


def coverage_reason(commit: Commit, policy: Policy) -> str | None:
    """Why policy wants a sign-off on `commit`, or None when it does not."""
    mode = policy.signoff.required_for
    if mode == "all":
        return "policy requires a sign-off on every commit"
    declarations, signatures = tool_marks(commit, policy)
    declared = [d for d in declarations if not d.is_none]
    if declared:
        return f"it declares a tool (`{declared[0].line}`)"
    if signatures:
        return f"{signatures[0].tool.display} signed it ({signatures[0].where})"
    waiver = waiver_reason(commit)
    if waiver:
        return f"it waives its test (`{WAIVER_TRAILER}: {waiver}`)"
    return None


def _accepted(policy: Policy) -> str:
    return ", ".join(policy.signoff.trailers) or "none"


@rule("RG301", "missing-signoff", "a covered commit without a human sign-off")
def missing_signoff(commit: Commit, reason: str, policy: Policy, note: str = "") -> Raw:
    """## What it does
    Finds commits that policy covers (`signoff.required_for`: by default those
    that declare or show a tool, or waive their test) and that nobody signed
    off. A sign-off is a trailer from `signoff.trailers` on the commit itself, the
    same trailer on a merge commit that merges it, the same trailer on a commit
    that states `Signoff-range: BASE..TIP` for a range holding it, or a
    `reviewgate approve` note naming it.

    ## Why is this bad?
    A tool-written change that no person has read reaches the main branch on the
    tool's word alone. The sign-off records which human took responsibility.

    ## Example
    ```
    feat: add a JSON report

    Assisted-by: Claude:claude-opus-4-1
    ```

    ## Use instead
    ```
    feat: add a JSON report

    Assisted-by: Claude:claude-opus-4-1
    Reviewed-by: Grace Hopper <grace@example.org>
    ```

    ## How to fix
    A reviewer other than the author reads the change, then adds their trailer
    (`git commit --amend --trailer "Reviewed-by: Name <email>"`), signs off the
    whole pull request once (a final commit or the merge with
    `Signoff-range: BASE..TIP` and their trailer), or runs `reviewgate approve`.
    """
    return ("RG301", f"{reason}, and no one signed it off (accepted: {_accepted(policy)})",
            "a reviewer other than the author adds `Reviewed-by: Name <email>`, signs off "
            "the range once (`Signoff-range: BASE..TIP` on a final commit or the merge), "
            "or runs `reviewgate approve`" + note)


@rule("RG302", "self-signoff", "the only sign-off is by the commit's author, or by a tool")
def self_signoff(commit: Commit, signoffs: Sequence[SignOff], tools: Sequence[SignOff],
                 authors: dict[str, str]) -> Raw:
    """## What it does
    Finds covered commits whose every sign-off is by one of the commit's authors
    (when `signoff.not_author` is true: the author, a `Co-authored-by` person, and
    the committer, who ran the tool or applied, amended or rebased the commit;
    emails compared without case or sub-address, `m+ai@x.org` being `m@x.org`)
    or by a tool or bot: an AI tool from the registry or
    `assistance.tools`, an address in a tool vendor's no-reply space, or an account
    whose login ends in `[bot]`.

    ## Why is this bad?
    A sign-off says a second person read the change. An author reviewing their
    own work, or a tool vouching for its own output, is not that.

    ## Example
    ```
    fix: close the file on error

    Assisted-by: Claude:claude-opus-4-1
    Reviewed-by: Claude <noreply@anthropic.com>
    ```

    ## Use instead
    ```
    fix: close the file on error

    Assisted-by: Claude:claude-opus-4-1
    Reviewed-by: Grace Hopper <grace@example.org>
    ```

    ## How to fix
    Ask a person who is not the author to review the change and add their own
    sign-off; remove sign-offs a tool wrote.
    """
    kinds = {"a tool" if s in tools else authors.get(normal_email(s.reviewer.email), "its author")
             for s in signoffs}
    who = " and ".join(sorted(kinds))
    shown = ", ".join(f"`{s.line}`" for s in signoffs[:3])
    return ("RG302", f"every sign-off is by {who}: {shown}",
            "a person who neither wrote nor committed it reviews it and signs it off "
            "(`Reviewed-by: Name <email>`; amending the commit makes the reviewer its "
            "committer, so sign off on the merge, in a `Signoff-range` commit or with "
            "`reviewgate approve`)"
            + ("; remove the tool's sign-off" if tools else ""))


@rule("RG303", "unknown-reviewer", "the reviewer is not in signoff.reviewers")
def unknown_reviewer(signoffs: Sequence[SignOff], policy: Policy) -> Raw:
    """## What it does
    When `signoff.reviewers` is not empty, a sign-off counts only when its
    reviewer's email is in that list (compared without case). Entries are
    `Name <email>` or a bare email.

    ## Why is this bad?
    A project that names its reviewers wants a sign-off from one of them, not
    from whoever typed a trailer.

    ## Example
    ```
    feat: add a cache

    Assisted-by: Claude:claude-opus-4-1
    Reviewed-by: Someone Else <someone@example.com>
    ```

    ## Use instead
    ```
    feat: add a cache

    Assisted-by: Claude:claude-opus-4-1
    Reviewed-by: Grace Hopper <grace@example.org>
    ```

    ## How to fix
    Ask a listed reviewer to sign off, or add the reviewer to `signoff.reviewers`
    in the policy of the target branch (a pull request cannot add itself: the
    trusted policy judges it).
    """
    shown = ", ".join(f"`{s.line}`" for s in signoffs[:3])
    return ("RG303", f"no sign-off by a reviewer in signoff.reviewers ({shown})",
            f"ask one of {', '.join(policy.signoff.reviewers)} to review and sign off")


@rule("RG304", "unsigned-signoff",
      "signoff.signature requires a signature by an allowed signer, and there is none")
def unsigned_signoff(signoffs: Sequence[SignOff], evidence: Evidence, policy: Policy) -> Raw:
    """## What it does
    With `signoff.signature` `ssh`, `gpg` or `any`, a sign-off counts only when
    it carries a valid signature of that kind by a key that the allowed-signers
    file (`signoff.allowed_signers`, read at the trusted revision) lists for the
    reviewer's own email. A trailer sign-off is signed by signing the commit that
    carries it (the commit itself, the merge, or the `Signoff-range` commit); an
    approval by signing its note.

    ## Why is this bad?
    Anyone, and any tool, can type `Reviewed-by: Grace Hopper <grace@example.org>`.
    Only Grace's key can sign as her.

    ## Example
    ```
    Merge branch 'feature'

    Reviewed-by: Grace Hopper <grace@example.org>
    (the merge commit is not signed)
    ```

    ## Use instead
    ```
    Merge branch 'feature'

    Reviewed-by: Grace Hopper <grace@example.org>
    (made by Grace with `git merge -S`; her key is in .reviewgate/allowed_signers)
    ```

    ## How to fix
    The reviewer signs the commit that carries the sign-off (`git commit -S`,
    `git merge -S`) or approves with a signing key configured, and their key is
    listed for their email in the allowed-signers file of the target branch.
    """
    reasons = [f"`{s.line}`: {signature_problem(s, evidence, policy)}" for s in signoffs[:3]]
    return ("RG304", "no sign-off carries a valid signature by its reviewer; "
            + "; ".join(reasons),
            f"the reviewer signs the commit carrying the sign-off (`git commit -S`, "
            f"`git merge -S`) with a key listed for their email in "
            f"{policy.signoff.allowed_signers} at the trusted revision")


def ineffective_statements(commits: Sequence[Commit], evidence: Evidence) -> str:
    """A hint's note on `Signoff-range` statements of the range that cover nothing:
    a ref name instead of commit ids, or a TIP outside the stating commit's history."""
    for commit in commits:
        good, bad = range_statements(commit)
        stray = bad + [s.text for s in good if commit.sha not in evidence.signoff_ranges]
        if stray:
            return (f"; note: `Signoff-range: {stray[0]}` on {commit.short_sha} covers no "
                    f"commit: write commit ids, BASE..TIP, with TIP in that commit's history")
    return ""


def judge(commit: Commit, reason: str, signoffs: Sequence[SignOff], policy: Policy,
          evidence: Evidence, note: str = "") -> Raw | None:
    """The first gate `commit` fails, or None."""
    pool = list(signoffs)
    if not pool:
        return missing_signoff(commit, reason, policy, note)
    if _on("RG302", policy):
        extras = policy.assistance.tools
        tools = [s for s in pool if is_tool_reviewer(s.reviewer, extras)]
        authors = commit_authors(commit, extras) if policy.signoff.not_author else {}
        humans = [s for s in pool
                  if s not in tools and normal_email(s.reviewer.email) not in authors]
        if not humans:
            return self_signoff(commit, pool, tools, authors)
        pool = humans
    if policy.signoff.reviewers and _on("RG303", policy):
        allowed = {reviewer_email(entry) for entry in policy.signoff.reviewers}
        listed = [s for s in pool if normal_email(s.reviewer.email) in allowed]
        if not listed:
            return unknown_reviewer(pool, policy)
        pool = listed
    signed = (policy.signoff.signature == "none" or not _on("RG304", policy)
              or any(signature_problem(s, evidence, policy) is None for s in pool))
    if not signed:
        return unsigned_signoff(pool, evidence, policy)
    return None


def _on(code: str, policy: Policy) -> bool:
    return severity_for(code, policy.rules) is not Severity.OFF


def check_signoff(commits: Sequence[Commit], policy: Policy, evidence: Evidence) -> list[Finding]:
    """RG301–RG304 for every covered commit of the range."""
    mode = policy.signoff.required_for
    if mode not in REQUIRED_FOR:
        raise PolicyError(f"signoff.required_for: unknown value {mode!r} "
                          f"(use one of {', '.join(REQUIRED_FOR)})")
    if mode == "none" or not any(_on(code, policy) for code in CODES):
        return []
    if policy.signoff.signature not in ("none", *SIGNATURE_FORMATS):
        raise PolicyError(f"signoff.signature: unknown value {policy.signoff.signature!r}")
    signoffs: dict[str, list[SignOff]] | None = None
    note = ""
    findings: list[Finding] = []
    for commit in commits:
        # A message still being written has no reviewer yet: the gate is before merge.
        if commit.pending or not selected(commit, policy):
            continue
        reason = coverage_reason(commit, policy)
        if reason is None:
            continue
        if signoffs is None:
            signoffs = collect_signoffs(commits, policy, evidence)
            note = ineffective_statements(commits, evidence)
        raw = judge(commit, reason, signoffs.get(commit.sha, ()), policy, evidence, note)
        if raw is not None:
            finding = make_finding(commit, *raw, policy.rules)
            if finding is not None:
                findings.append(finding)
    return findings
