"""Where a commit's sign-offs come from. Pure: commits and Evidence in, no git.

Three sources (docs/signoff.md):
  trailer  — a `signoff.trailers` trailer on the commit itself;
  merge    — a merge commit's sign-off trailers, for every commit it merges (M^1..M);
  range    — a commit that states `Signoff-range: BASE..TIP`: its sign-off trailers
             cover BASE..TIP (gathered into Evidence.signoff_ranges);
  approval — a `reviewgate approve` note naming the commit's sha (Evidence.approvals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewgate.commit import Person
from reviewgate.identity import parse_ident

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.commit import Commit
    from reviewgate.evidence import Approval, Evidence, SignatureCheck
    from reviewgate.policy import Policy

SIGNOFF_RANGE_TRAILER = "Signoff-range"
# signoff.signature -> the signature formats it accepts (SignatureCheck.format).
SIGNATURE_FORMATS = {"ssh": ("ssh",), "gpg": ("openpgp",), "any": ("ssh", "openpgp", "x509")}
# Object names only: a ref name (main, HEAD) moves, so a signed statement naming
# one would cover different commits tomorrow.
_RANGE_STATEMENT = re.compile(r"([0-9a-fA-F]{7,64})\.\.([0-9a-fA-F]{7,64})")


@dataclass(frozen=True)
class SignOff:
    """One reviewer's sign-off that applies to a commit."""

    reviewer: Person
    source: str  # "trailer" | "merge" | "range" | "approval"
    line: str  # what the reader sees: "Reviewed-by: Ann <ann@x>", "approval of a..b"
    carrier: str = ""  # sha of the commit that carries it; "" for an approval
    approval: Approval | None = None


@dataclass(frozen=True)
class RangeStatement:
    carrier: str  # sha of the commit stating it
    base: str  # as written, lower-case
    tip: str
    text: str  # the trailer's value


def range_statements(commit: Commit) -> tuple[list[RangeStatement], list[str]]:
    """The well-formed `Signoff-range` statements of `commit`, and the values that
    are not of the form BASE..TIP with object names."""
    good: list[RangeStatement] = []
    bad: list[str] = []
    for value in commit.trailer_values(SIGNOFF_RANGE_TRAILER):
        found = _RANGE_STATEMENT.fullmatch(value.strip())
        if found:
            base, tip = found.group(1).lower(), found.group(2).lower()
            good.append(RangeStatement(commit.sha, base, tip, value.strip()))
        else:
            bad.append(value.strip())
    return good, bad


def ancestors_within(
    start: str, parents: Mapping[str, Sequence[str]], stop: frozenset[str] = frozenset()
) -> set[str]:
    """`start` and its ancestors among the keys of `parents`, not walking past `stop`.

    Exact for a range git log read (tips --not excluded): a commit of the range
    that is an ancestor of another one is reached through commits of the range."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        sha = pending.pop()
        if sha in seen or sha in stop or sha not in parents:
            continue
        seen.add(sha)
        pending.extend(parents[sha])
    return seen


def merged_by(merge: Commit, parents: Mapping[str, Sequence[str]]) -> set[str]:
    """The commits of the range that `merge` brings in: M^1..M, without M."""
    if not merge.is_merge:
        return set()
    inside = ancestors_within(merge.sha, parents)
    return inside - ancestors_within(merge.parents[0], parents) - {merge.sha}


def range_members(base: str, tip: str, parents: Mapping[str, Sequence[str]]) -> set[str]:
    """BASE..TIP among the commits of `parents` (full shas)."""
    return ancestors_within(tip, parents) - ancestors_within(base, parents)


def reviewer_email(entry: str) -> str:
    """The lower-case email of a `signoff.reviewers` entry ("Name <email>" or email)."""
    _, email = parse_ident(entry)
    return (email or entry).strip().lower()


def collect_signoffs(
    commits: Sequence[Commit], policy: Policy, evidence: Evidence
) -> dict[str, list[SignOff]]:
    """Every sign-off that applies to each commit of `commits`, by sha."""
    keys = tuple(policy.signoff.trailers)
    parents = {c.sha: c.parents for c in commits if not c.pending}
    found: dict[str, list[SignOff]] = {}
    for commit in commits:
        if commit.pending:
            continue
        own = _trailer_signoffs(commit, keys)
        if not own:
            continue
        found.setdefault(commit.sha, []).extend(own)
        covered = [("merge", merged_by(commit, parents)),
                   ("range", set(evidence.signoff_ranges.get(commit.sha, ())))]
        for source, shas in covered:
            for sha in sorted(shas - {commit.sha}):
                found.setdefault(sha, []).extend(
                    SignOff(s.reviewer, source, s.line, commit.sha) for s in own)
    for approval in evidence.approvals:
        _add_approval(found, approval)
    return found


def _trailer_signoffs(commit: Commit, keys: Iterable[str]) -> list[SignOff]:
    wanted = {key.lower() for key in keys}
    out: list[SignOff] = []
    for key, value in commit.trailers:
        if key.lower() in wanted:
            name, email = parse_ident(value)
            if "@" not in email:
                continue  # a reviewer is known by an email; a bare name vouches for no one
            out.append(SignOff(Person(name, email), "trailer", f"{key}: {value}", commit.sha))
    return out


def _add_approval(found: dict[str, list[SignOff]], approval: Approval) -> None:
    # An approval covers the shas it names, not trees: see docs/signoff.md.
    span = f"{approval.base[:12] or '(root)'}..{approval.tip[:12]}"
    line = f"approval of {span} by {approval.reviewer}"
    for sha in approval.commits:
        found.setdefault(sha, []).append(
            SignOff(approval.reviewer, "approval", line, "", approval))


def signature_of(signoff: SignOff, evidence: Evidence) -> SignatureCheck | None:
    if signoff.approval is not None:
        return signoff.approval.signature
    return evidence.signatures.get(signoff.carrier)


def principal_matches(check: SignatureCheck, email: str) -> bool:
    """Whether the signer git or ssh-keygen named is the reviewer. %G? only says
    the key is allowed for someone; the principal says for whom. Principals are
    compared whole: a wildcard line in allowed_signers proves no one."""
    wanted = email.strip().lower()
    if not wanted:
        return False
    if check.format == "openpgp" or "<" in check.principal:
        return parse_ident(check.principal)[1].strip().lower() == wanted
    return wanted in {p.strip().lower() for p in check.principal.split(",")}


def signature_problem(signoff: SignOff, evidence: Evidence, policy: Policy) -> str | None:
    check = signature_of(signoff, evidence)
    what = "the approval note" if signoff.approval is not None else (
        f"commit {signoff.carrier[:10]}")
    if check is None or check.status == "none":
        return f"{what} is not signed"
    if check.status == "bad":
        return f"{what} has a signature that does not verify (altered after signing)"
    if check.status == "error":
        return f"{what}'s signature cannot be checked ({check.detail or 'no verifier'})"
    if check.status != "good":
        return (f"{what} is signed by a key ({check.key or 'unknown'}) that "
                f"{policy.signoff.allowed_signers} does not allow")
    if check.format not in SIGNATURE_FORMATS[policy.signoff.signature]:
        return (f"{what} has a {check.format or 'unknown'} signature; "
                f"signoff.signature wants {policy.signoff.signature}")
    if not principal_matches(check, signoff.reviewer.email):
        return (f"{what} is signed by a key allowed for {check.principal!r}, "
                f"not for {signoff.reviewer.email}")
    return None
