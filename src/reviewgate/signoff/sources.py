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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reviewgate.disclosure.identity import REGISTRY, github_login, is_bot, match_identity
from reviewgate.git.ancestry import Ancestry
from reviewgate.model.commit import Person
from reviewgate.model.emails import normal_email, parse_ident, plausible_email

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.disclosure.identity import ToolLike
    from reviewgate.model.commit import Commit
    from reviewgate.model.evidence import Approval, Evidence, SignatureCheck
    from reviewgate.policy.schema import Policy

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


def merged_by(merge: Commit, ancestry: Ancestry) -> set[str]:
    """The commits of the range that `merge` brings in: M^1..M, without M."""
    if not merge.is_merge:
        return set()
    return ancestry.only_from(merge.parents[1:], merge.parents[:1]) - {merge.sha}


def _compact(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


# Sign-offs judge identities more strictly than disclosure does (identity.py), since a
# tool that wants its own sign-off to pass picks a near miss of its registry address.
_NO_REPLY = frozenset({"noreply", "donotreply"})
_TOOL_WORDS = frozenset(
    _compact(word)
    for tool in REGISTRY
    for word in (*tool.names(), *(b.removesuffix("[bot]") for b in tool.bots),
                 *(e.partition("@")[0] for e in tool.emails))
) - {""}
# On GitHub a tool's bare name is also some person's login (devin, jules, claude): only
# the registry's own accounts and its multi-word app logins and aliases count there.
_GITHUB_TOOL_LOGINS = frozenset(
    _compact(word)
    for tool in REGISTRY
    for word in (*tool.aliases, *(b.removesuffix("[bot]") for b in tool.bots))
) - {_compact(tool.name) for tool in REGISTRY} | frozenset(
    _compact(github_login(*parse_ident(tool.identity)))
    for tool in REGISTRY if tool.identity
) - {""}
_VENDOR_DOMAINS = frozenset(
    e.partition("@")[2] for tool in REGISTRY for e in tool.emails
) - {"users.noreply.github.com"}


def is_tool_reviewer(person: Person, extra_tools: Iterable[ToolLike] = ()) -> bool:
    """Whether a sign-off by `person` is a tool's or a bot's, never a human review.

    Beyond the registry's exact identities and `[bot]` accounts (identity.py): an
    address at a registry tool's vendor domain (anthropic.com, openai.com, ...) whose
    local part, before any `+tag` and ignoring case and punctuation, is a no-reply
    word or a registry tool's name, alias or login (`NoReply+x@anthropic.com`,
    `claude-code@anthropic.com`); and a GitHub no-reply address whose login is a
    registry account or a multi-word app login or alias
    (`Copilot@users.noreply.github.com`, `devin-ai-integration@...`). A person's own
    address at a vendor (`ann@anthropic.com`) or a login that is only a tool's bare
    name (`devin`) stays a person's."""
    name, email = person.name, normal_email(person.email)
    extras = tuple(extra_tools)
    for address in dict.fromkeys((person.email, email)):
        if is_bot(name, address) or match_identity(name, address, extras) is not None:
            return True
    local, _, domain = email.rpartition("@")
    word = _compact(local.split("+", 1)[0])
    if domain in _VENDOR_DOMAINS:
        return word in _NO_REPLY or word in _TOOL_WORDS
    login = github_login(name, person.email)  # the login follows the "ID+"
    return bool(login) and _compact(login) in _GITHUB_TOOL_LOGINS


def commit_authors(commit: Commit, extra_tools: Iterable[ToolLike] = ()) -> dict[str, str]:
    """The people who wrote `commit`, as normal email -> role, for `not_author`.

    The author and every `Co-authored-by` wrote it, and so did the committer: when
    the author is a tool or bot, the committer is the person who ran it; when the
    author is someone else, the committer made the commit what it is (applied,
    amended, rebased it), so their sign-off is no second person's review either
    (docs/signoff.md). Addresses are compared in normal form: `m+ai@example.org` is
    `m@example.org`."""
    people = {normal_email(commit.author.email): "its author"}
    for key, value in commit.trailers:
        if key.lower() == "co-authored-by":
            _, email = parse_ident(value)
            if plausible_email(email):
                people.setdefault(normal_email(email), "its co-author")
    role = ("its committer, who ran the tool" if is_tool_reviewer(commit.author, extra_tools)
            else "its committer")
    people.setdefault(normal_email(commit.committer.email), role)
    return people


def collect_signoffs(
    commits: Sequence[Commit], policy: Policy, evidence: Evidence
) -> dict[str, list[SignOff]]:
    """Every sign-off that applies to each commit of `commits`, by sha."""
    keys = tuple(policy.signoff.trailers)
    ancestry = Ancestry({c.sha: c.parents for c in commits if not c.pending})
    found: dict[str, list[SignOff]] = {}
    for commit in commits:
        if commit.pending:
            continue
        own = _trailer_signoffs(commit, keys)
        if not own:
            continue
        found.setdefault(commit.sha, []).extend(own)
        covered = [("merge", merged_by(commit, ancestry)),
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
            if not plausible_email(email):
                continue  # a reviewer is known by an email; a bare name vouches for no one
            out.append(SignOff(Person(name, email), "trailer", f"{key}: {value}", commit.sha))
    return out


def _add_approval(found: dict[str, list[SignOff]], approval: Approval) -> None:
    # An approval covers the shas it names, not trees: see docs/signoff.md.
    span = f"{approval.base[:12] or '(root)'}..{approval.tip[:12]}"
    line = f"approval of {span} by {approval.reviewer}"
    if not plausible_email(approval.reviewer.email):
        return
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
    compared whole: a wildcard line in allowed_signers proves no one. An OpenPGP
    principal may hold several user ids, one a line: any of them may be the reviewer."""
    wanted = normal_email(email)
    if not plausible_email(wanted):
        return False
    if check.format == "openpgp" or "<" in check.principal:
        return any(normal_email(parse_ident(uid)[1]) == wanted
                   for uid in check.principal.splitlines())
    return wanted in {normal_email(p) for p in check.principal.split(",")}


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
        return _untrusted(what, check, policy)
    if check.format not in SIGNATURE_FORMATS[policy.signoff.signature]:
        return (f"{what} has a {check.format or 'unknown'} signature; "
                f"signoff.signature wants {policy.signoff.signature}")
    if not principal_matches(check, signoff.reviewer.email):
        return (f"{what} is signed by a key allowed for {check.principal!r}, "
                f"not for {signoff.reviewer.email}")
    return None


def _untrusted(what: str, check: SignatureCheck, policy: Policy) -> str:
    """Why a valid signature's key is refused, in the verifier's words when it gave
    them ("key is allowed for bob@example.org, not for grace@example.org")."""
    key = check.key or "unknown"
    if check.format == "openpgp":
        # git's word for %G? U speaks of ssh's allowed signers: not shown for gpg.
        detail = "" if "allowed signer" in check.detail else check.detail
        return (f"{what} is signed by an OpenPGP key ({key}) that is not accepted: "
                f"{detail or 'the gpg keyring does not trust it'}")
    detail = f" ({check.detail})" if check.detail else ""
    return f"{what} is signed by a key ({key}) that {policy.signoff.allowed_signers} " \
           f"does not allow{detail}"
