"""Gather what RG301–RG304 need from git, in as few processes as the range allows.

- the allowed-signers text, from the TRUSTED revision only (CI's base,
  --policy-from; else HEAD), never from the commits under check;
- the signatures of the commits that carry sign-offs: one `git log --no-walk
  --stdin` process, verified against a temporary copy of that trusted text;
- the commits each `Signoff-range: BASE..TIP` statement covers, all statements
  in one walk (signoff.ranges): no process when both ends are in the range or
  just below it, else one `git rev-list` for all the others;
- the `reviewgate approve` notes (reviewgate.signoff.approvals).

Neither a missing trusted revision (HEAD unborn: nothing is trusted) nor an
unreadable approvals ref (anyone may force a blob onto a notes ref) is an error:
both mean "nothing vouches", and Evidence.notes says so.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace

from reviewgate.errors import PolicyError
from reviewgate.git.repo import config_value, short_rev
from reviewgate.git.tree_files import git_error, policy_differs, policy_text_at
from reviewgate.model.evidence import Approval, Evidence, SignatureCheck
from reviewgate.signoff.approvals import UnreadableNotesError, read_approvals
from reviewgate.signoff.ranges import cover
from reviewgate.signoff.sources import range_statements

TYPE_CHECKING = False
if TYPE_CHECKING:
    import git as gitpython

    from reviewgate.model.commit import Commit
    from reviewgate.policy.schema import Policy

# git's %G? letters.
_STATUS = {"G": "good", "B": "bad", "U": "untrusted", "X": "untrusted", "Y": "untrusted",
           "R": "untrusted", "E": "error", "N": "none"}
_DETAIL = {"U": "no allowed signer has this key", "X": "the signature has expired",
           "Y": "the key has expired", "R": "the key is revoked",
           "E": "git could not check it (missing key, gpg or ssh-keygen)"}
# %GP, the primary key's fingerprint, lets an OpenPGP signer be matched by any of the
# key's valid user ids: %GS shows only the primary one.
_SIGNATURE_FORMAT = "%H%x1f%G?%x1f%GS%x1f%GK%x1f%GP%x1e"


def gather_signoff(
    repo: gitpython.Repo, commits: Sequence[Commit], policy: Policy, trusted: str | None,
    evidence: Evidence,
    *,
    approvals_at: str | None = None,
) -> Evidence:
    """`evidence` with the sign-off fields filled for `commits`. `approvals_at`: a
    notes commit to read the approvals from instead of their ref."""
    commits = [c for c in commits if not c.pending]
    if not commits:
        return evidence
    allowed: str | None = None
    signatures: dict[str, SignatureCheck] = {}
    notes: list[str] = []
    if policy.signoff.signature != "none":
        from reviewgate.errors import GitError

        try:
            allowed = allowed_signers_at(repo, trusted or "HEAD", policy.signoff.allowed_signers)
        except GitError:
            # Only an unborn HEAD (a new repository, an orphan checkout) stands for
            # "nothing is trusted yet"; a trusted revision that is missing is an error.
            if trusted is not None or _has_commit(repo, "HEAD"):
                raise
            notes.append(
                f"HEAD has no commit yet, so there is no trusted {policy.signoff.allowed_signers}: "
                "no signature is trusted"
            )
        carriers = [c.sha for c in commits if c.trailer_values(*policy.signoff.trailers)]
        signatures = read_signatures(repo, carriers, allowed or "")
    approvals, note = read_approval_notes(repo, commits, allowed, at=approvals_at)
    return replace(
        evidence,
        signatures={**evidence.signatures, **signatures},
        signoff_ranges=resolve_ranges(repo, commits),
        approvals=approvals,
        allowed_signers=allowed,
        notes=(*evidence.notes, *notes, *note),
    )


def _has_commit(repo: gitpython.Repo, rev: str) -> bool:
    # GitPython refuses to import without a git binary: only where it is used.
    import git as gitpython

    try:
        repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
    except gitpython.GitCommandError:
        return False
    return True


def allowed_signers_at(repo: gitpython.Repo, rev: str, path: str) -> str | None:
    """The allowed-signers file as committed at `rev`; None when it is not there."""
    return policy_text_at(repo, rev, path)


def read_signatures(
    repo: gitpython.Repo, shas: Sequence[str], allowed_signers: str
) -> dict[str, SignatureCheck]:
    """What git says of each commit's signature, checked against `allowed_signers`
    (ssh; openpgp signatures are judged by the machine's gpg keyring)."""
    if not shas:
        return {}
    import git as gitpython  # as in _has_commit

    with _temporary_file(allowed_signers) as signers, _temporary_file(
        "".join(f"{sha}\n" for sha in dict.fromkeys(shas))
    ) as revisions, open(revisions, "rb") as stdin:
        try:
            out = repo.git(c=f"gpg.ssh.allowedSignersFile={signers}").log(
                "--no-walk=unsorted", "--stdin", f"--format={_SIGNATURE_FORMAT}", istream=stdin
            )
        except gitpython.GitCommandError as error:
            raise git_error(error) from None
    found = parse_signatures(out)
    primaries = {
        sha: primary for sha, primary in primary_keys(out).items()
        if found[sha].good and found[sha].format == "openpgp"
    }
    if primaries:
        from reviewgate.signoff.signing import user_ids_by_key

        user_ids = user_ids_by_key(_gpg_program(repo), sorted(set(primaries.values())))
        for sha, primary in primaries.items():
            if user_ids.get(primary.upper()):
                found[sha] = replace(found[sha], principal="\n".join(user_ids[primary.upper()]))
    return found


def parse_signatures(text: str) -> dict[str, SignatureCheck]:
    """The records of `git log --format=_SIGNATURE_FORMAT`, by sha."""
    found: dict[str, SignatureCheck] = {}
    for record in text.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) != 5:
            continue
        sha, letter, principal, key, _primary = fields
        fmt = "ssh" if key.startswith("SHA256:") else ("openpgp" if key else "")
        found[sha] = SignatureCheck(
            _STATUS.get(letter, "error"), principal, key, fmt, _DETAIL.get(letter, ""))
    return found


def primary_keys(text: str) -> dict[str, str]:
    """The primary key fingerprint (%GP) of each signed commit in the same records."""
    found: dict[str, str] = {}
    for record in text.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 5 and fields[4]:
            found[fields[0]] = fields[4]
    return found


def _gpg_program(repo: gitpython.Repo) -> str:
    return (
        config_value(repo, 'gpg "openpgp"', "program", "")
        or config_value(repo, "gpg", "program", "")
        or "gpg"
    )


@contextlib.contextmanager
def _temporary_file(text: str) -> Iterator[str]:
    handle, path = tempfile.mkstemp(prefix="reviewgate-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def resolve_ranges(repo: gitpython.Repo, commits: Sequence[Commit]) -> dict[str, tuple[str, ...]]:
    """For each commit stating `Signoff-range`, the commits of the range it covers
    (BASE..TIP, where TIP must be the stating commit's ancestor)."""
    statements = [s for c in commits for s in range_statements(c)[0]]
    if not statements:
        return {}
    parents: dict[str, tuple[str, ...]] = {c.sha: c.parents for c in commits}
    # The commits of the range and the parents just below it, which git log
    # excluded with all their ancestors.
    known = set(parents) | {p for c in commits for p in c.parents}
    names = resolve_names(repo, [n for s in statements for n in (s.base, s.tip)
                                 if n not in known])
    inside: list[tuple[str, str, str]] = []
    outside: list[tuple[str, str, str]] = []
    for statement in statements:
        base = statement.base if statement.base in known else names.get(statement.base)
        tip = statement.tip if statement.tip in known else names.get(statement.tip)
        if base is None or tip is None:
            continue
        # Each end a commit of the range, or a parent just below it: the range's
        # own graph is exact. Else git's graph, read once for all such statements.
        ends_known = base in known and tip in known
        (inside if ends_known else outside).append((statement.carrier, base, tip))
    covered = cover(parents, inside)
    if outside:
        for carrier, shas in cover(_graph_by_git(repo, outside), outside).items():
            covered.setdefault(carrier, set()).update(shas)
    return {sha: tuple(sorted(shas)) for sha, shas in covered.items() if shas}


def _graph_by_git(repo: gitpython.Repo, statements: Sequence[tuple[str, str, str]]
                  ) -> dict[str, tuple[str, ...]]:
    """The parent links of every commit the statements' carriers reach, but those
    every base reaches, in one `git rev-list` (revisions on stdin: there may be
    thousands)."""
    import git as gitpython  # GitPython only once git is known to run (git.repo)

    carriers = list(dict.fromkeys(carrier for carrier, _, _ in statements))
    bases = list(dict.fromkeys(base for _, base, _ in statements))
    # Below one base nothing is covered; with several, only what all of them
    # reach could be cut, and the carriers' history is walked once instead.
    revisions = [*carriers, *(f"^{bases[0]}" for _ in bases[:1] if len(bases) == 1)]
    with _temporary_file("".join(f"{r}\n" for r in revisions)) as path, open(
        path, "rb"
    ) as stdin:
        try:
            out = repo.git.rev_list("--parents", "--stdin", istream=stdin)
        except gitpython.GitCommandError as error:
            raise git_error(error) from None
    graph: dict[str, tuple[str, ...]] = {}
    for line in out.splitlines():
        if line:
            sha, *rest = line.split()
            graph[sha] = tuple(rest)
    return graph


def resolve_names(repo: gitpython.Repo, names: Sequence[str]) -> dict[str, str]:
    """Abbreviated object names -> full commit shas, in one `git cat-file` process;
    a name that is missing, ambiguous or not a commit is left out."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    with _temporary_file("".join(f"{n}^{{commit}}\n" for n in wanted)) as path, open(
        path, "rb"
    ) as stdin:
        try:
            out = repo.git.cat_file("--batch-check=%(objectname) %(objecttype)", istream=stdin)
        except gitpython.GitCommandError as error:
            raise git_error(error) from None
    found: dict[str, str] = {}
    for name, line in zip(wanted, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 2 and parts[1] == "commit":
            found[name] = parts[0]
    return found


def read_approval_notes(
    repo: gitpython.Repo, commits: Sequence[Commit], allowed_signers: str | None,
    *, at: str | None = None,
) -> tuple[tuple[Approval, ...], tuple[str, ...]]:
    """The `reviewgate approve` notes that name a commit of the range, their
    signatures checked against the trusted allowed-signers text; and a note when
    the notes cannot be read (then no approval counts)."""
    try:
        approvals = read_approvals(
            repo, allowed_signers, touching=[c.sha for c in commits], at=at)
    except UnreadableNotesError as error:
        return (), (f"{error}; no approval counts",)
    return tuple(approvals), ()


def signers_note(
    repo: gitpython.Repo, policy: Policy, trusted: str, head: str
) -> tuple[str, ...]:
    """A note when the range changes the allowed-signers file that judges it: a
    pull request adding its own key is told that the trusted file still rules."""
    signoff = policy.signoff
    if signoff.required_for == "none" or signoff.signature == "none":
        return ()
    try:
        differs = policy_differs(repo, trusted, head, signoff.allowed_signers)
    except PolicyError:  # e.g. the head made the path a directory: a change too
        differs = True
    if not differs:
        return ()
    return (f"the allowed signers file {signoff.allowed_signers} at {short_rev(head)} differs "
            f"from the trusted one at {short_rev(trusted)}; "
            "signatures are checked against the trusted one",)
