"""`reviewgate approve [RANGE]`: a person records that they reviewed a range.

The approval is a signed line in a note on the range's tip (see approvals.py);
nothing else in the repository changes. Sharing it is a push of the notes ref.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reviewgate.disclosure.agents import detect_agent
from reviewgate.disclosure.identity import match_identity
from reviewgate.errors import GitError, ReviewgateError
from reviewgate.git.hookenv import parse_ident
from reviewgate.git.repo import default_range, open_repo, validate_revisions
from reviewgate.model.commit import Person
from reviewgate.model.emails import normal_email, plausible_email
from reviewgate.signoff.approvals import (
    add_approval_line,
    format_line,
    format_payload,
    git_config,
    run_git,
)
from reviewgate.signoff.signing import SigningConfig, sign

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PUSH_HINT = "share it: git push origin refs/notes/reviewgate-approvals"


@dataclass(frozen=True)
class ResolvedRange:
    base: str  # "" when the range reaches a root commit
    tip: str
    commits: tuple[tuple[str, str], ...]  # (sha, tree), oldest first
    authors: tuple[str, ...] = ()  # each commit's author email, in the same order


@dataclass(frozen=True)
class ApproveResult:
    reviewer: Person
    range: ResolvedRange
    described: str  # the range as the user gave it (or the default)
    line: str  # the record as written (or as it would be, for a dry run)
    signed_format: str  # "ssh" | "openpgp" | "" (unsigned)
    written: bool
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        count = len(self.range.commits)
        noun = "commit" if count == 1 else "commits"
        span = (
            f"{self.range.base[:12]}..{self.range.tip[:12]}"
            if self.range.base
            else (f"{self.range.tip[:12]} and its ancestors")
        )
        how = f"signed ({self.signed_format})" if self.signed_format else "unsigned"
        verb = "approved" if self.written else "would approve (dry run)"
        if not self.written and self.signed_format:
            how = f"to be signed ({self.signed_format})"
        return f"{verb} {count} {noun} {span} ({self.described}) as {self.reviewer}, {how}"


def run_approve(
    revisions: Sequence[str] = (),
    *,
    cwd: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    dry_run: bool = False,
    date: str | None = None,
    all_history: bool = False,
) -> ApproveResult:
    """Record the approval of `revisions` (default: the commits not upstream yet)
    by git's user.name/user.email, signed when git has a signing key.

    `revisions` with no lower bound (`BRANCH`, `--all`) would approve every commit
    in history; that takes `all_history`."""
    env = os.environ if environ is None else environ
    agent = detect_agent(env)
    if agent is not None:
        raise ReviewgateError(
            f"refusing to approve from inside {agent.name} (seen in ${agent.evidence}): "
            "an approval must come from a person, not from the tool whose work it reviews"
        )
    repo = open_repo(cwd)
    config = git_config(repo, r"^user\.(name|email|signingkey)$|^gpg\.")
    # The identity git itself would commit with (`git var GIT_COMMITTER_IDENT`:
    # GIT_COMMITTER_NAME/EMAIL before user.name/email); the config only when git
    # cannot tell.
    reviewer = _reviewer({**_nonblank(config), **_nonblank(_committer_identity(repo))})
    if revisions:
        chosen = validate_revisions(revisions)
        if not all_history and not is_bounded(chosen):
            raise ReviewgateError(
                f"refusing to approve {' '.join(chosen)} and all its history: give a range "
                f"such as origin/main..{_tip_word(chosen)}, or pass --all-history"
            )
    else:
        spec = default_range(repo)
        if spec is None:
            raise ReviewgateError("nothing to approve: HEAD has no commits yet")
        chosen = spec.revisions
        if not all_history and "--remotes" in chosen and not _has_remote_branches(repo):
            # `HEAD --not --remotes` with no remote-tracking branch is all of history.
            raise ReviewgateError(
                "refusing to approve HEAD and all its history: with no remote-tracking "
                "branch, nothing marks where the unreviewed commits start; give a range "
                "such as BASE..HEAD, or pass --all-history"
            )
    described = " ".join(chosen)
    resolved = resolve_range(repo, chosen, described)
    payload = format_payload(
        reviewer, resolved.base, resolved.tip, resolved.commits, date or _now()
    )
    signing = SigningConfig.from_git_config(config)
    warnings: tuple[str, ...] = ()
    if not signing.key:
        warnings = (
            "no signing key configured (user.signingKey): the approval is unsigned, and a "
            "policy with signoff.signature will not accept it",
        )
    own = own_commits(resolved, reviewer.email)
    if own:
        warnings += (
            f"you wrote {len(own)} of these {len(resolved.commits)} commits "
            f"({', '.join(sha[:10] for sha in own[:3])}{', …' if len(own) > 3 else ''}): "
            "an author's own approval does not count for them (RG302), another reviewer's "
            "does",
        )
    signed = None if dry_run else sign(payload.encode("utf-8"), signing)
    line = format_line(payload, signed)
    if not dry_run:
        add_approval_line(repo, resolved.tip, line)
    fmt = signing.format if signing.key else ""
    return ApproveResult(reviewer, resolved, described, line, fmt, not dry_run, warnings)


def _has_remote_branches(repo: Any) -> bool:
    return bool(run_git(repo, "for-each-ref", "--count=1", "--format=x", "refs/remotes/").strip())


def _nonblank(config: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in config.items() if value.strip()}


def _committer_identity(repo: object) -> dict[str, str]:
    """The identity git would commit with, as user.name/user.email, for a reviewer
    who has no user.* configuration: GIT_COMMITTER_NAME/EMAIL, EMAIL, or what git
    can tell. Empty when git cannot tell (it would refuse to commit too)."""
    try:
        ident = repo.git.var("GIT_COMMITTER_IDENT")  # type: ignore[attr-defined]
    except Exception:  # git's "Please tell me who you are", or no identity at all
        return {}
    person = parse_ident(ident)
    return {"user.name": person.name, "user.email": person.email}


def _reviewer(config: Mapping[str, str]) -> Person:
    name, email = config.get("user.name", "").strip(), config.get("user.email", "").strip()
    if not name or not email:
        raise ReviewgateError(
            "who is approving? set git's identity first: "
            "git config user.name 'Your Name' && git config user.email you@example.org"
        )
    if not plausible_email(email):
        raise ReviewgateError(
            f"user.email {email!r} is not an email address (local@domain.tld); "
            "a sign-off is known by its reviewer's email"
        )
    tool = match_identity(name, email)
    if tool is not None:
        raise ReviewgateError(
            f"user.email {email} is {tool.name}'s identity; an approval must come from a person"
        )
    return Person(name, email)


# What bounds a range from below: an exclusion, or a limit on how far back it goes.
_BOUNDING_OPTIONS = ("--not", "--max-count=", "--since=", "--after=")


def is_bounded(revisions: Sequence[str]) -> bool:
    """Whether `revisions` exclude something (`A..B`, `A...B`, `^A`, `--not`,
    `B^!`, `B^-`) or limit the walk (`--max-count=`, `--since=`): without one, a
    single tip means the whole history behind it."""
    for rev in revisions:
        if rev.startswith("-"):
            if rev.startswith(_BOUNDING_OPTIONS):
                return True
        elif ".." in rev or rev.startswith("^") or rev.endswith("^!") or "^-" in rev:
            return True
    return False


def _tip_word(revisions: Sequence[str]) -> str:
    named = [r for r in revisions if not r.startswith("-")]
    return named[0] if len(named) == 1 else "BRANCH"


def resolve_range(repo: Any, revisions: Sequence[str], described: str) -> ResolvedRange:
    """The commits of `revisions` with their trees, its one tip and its base, from
    ONE `git log` process."""
    try:
        out = run_git(repo, "log", "-z", "--format=%H %T %P%x01%ae", *revisions, "--")
    except GitError as error:
        raise ReviewgateError(f"cannot approve {described}: {_git_words(error)}") from None
    records = [record.split(b"\x01", 1) for record in out.split(b"\0") if record.strip()]
    rows = [ids.decode("ascii").split() for ids, _ in records]
    emails = [email.decode("utf-8", "replace") for _, email in records]
    if not rows:
        raise ReviewgateError(f"nothing to approve: {described} holds no commits")
    trees = {row[0]: row[1] for row in rows}
    parents = {row[0]: row[2:] for row in rows}
    inner = {p for ps in parents.values() for p in ps}
    tips = [sha for sha in trees if sha not in inner]
    if len(tips) != 1:
        raise ReviewgateError(
            f"cannot approve {described}: it has {len(tips)} tips; approve one branch's range "
            "(BASE..TIP) at a time"
        )
    tip = tips[0]
    base, sha = "", tip
    # The base is where the tip's first-parent line leaves the range.
    while sha in parents:
        first = parents[sha][:1]
        if not first:
            break
        if first[0] not in trees:
            base = first[0]
            break
        sha = first[0]
    commits = tuple((row[0], row[1]) for row in reversed(rows))
    return ResolvedRange(base, tip, commits, tuple(reversed(emails)))


def own_commits(resolved: ResolvedRange, email: str) -> list[str]:
    """The commits of `resolved` whose author is `email` (as RG302 compares). Pure."""
    mine = normal_email(email)
    return [sha for (sha, _), author in zip(resolved.commits, resolved.authors, strict=True)
            if normal_email(author) == mine]


def _git_words(error: Exception) -> str:
    text = str(error).removeprefix("git log: ")
    if "bad revision" in text or "unknown revision" in text or "ambiguous argument" in text:
        return f"unknown revision ({text})"
    return text


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
