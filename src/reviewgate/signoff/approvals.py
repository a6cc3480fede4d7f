"""`reviewgate approve` records: their note format, and reading them back verified.

An approval is a git note on the approved range's tip commit, under a notes ref of
its own (APPROVALS_REF), so it records a review without rewriting history and
never mixes with the verifier's cache (refs/notes/reviewgate).

One approval is ONE line, so that several approvals of one tip share a note and
`git notes merge -s cat_sort_uniq` (which sorts and dedupes lines) keeps every
one of them whole after concurrent pushes:

    reviewgate-approval/1 date=2026-01-02T03:04:05Z email=ada@example.org
      name=Ada%20Lovelace base=<sha|-> tip=<sha> commits=<sha>:<tree>,<sha>:<tree>
      sig=ssh:<base64 of the armored signature>

(one line in the note; wrapped here). Values are percent-encoded (RFC 3986, like
URLs) so a field never holds a space or newline. The signed bytes are the line's
text before " sig=", exactly as stored, so a change to any field makes the
signature "bad". A line without `sig=` is an unsigned approval. Lines that are
not approvals (or are malformed) are ignored: they approve nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
import subprocess
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from reviewgate.errors import GitError
from reviewgate.git.repo import config_value, repo_root, require_git
from reviewgate.model.commit import Person
from reviewgate.model.evidence import Approval, SignatureCheck
from reviewgate.signoff.signing import Verifier

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.signoff.signing import Signed

APPROVALS_REF = "refs/notes/reviewgate-approvals"
RECORD_TAG = "reviewgate-approval/1"
_SIG_FIELD = " sig="
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_TIMEOUT = 120


@dataclass(frozen=True)
class ApprovalRecord:
    """One approval as stored: its fields, the signed text, and the signature."""

    approval: Approval  # signature: "none" until verified
    payload: str  # the signed text (the line before " sig=")
    sig_format: str = ""  # "ssh" | "openpgp" | "" (unsigned)
    signature: str = ""  # the armored signature


def format_payload(
    reviewer: Person, base: str, tip: str, commits: Sequence[tuple[str, str]], date: str
) -> str:
    """The canonical, signed part of a record line. `commits`: (sha, tree) pairs."""
    pairs = ",".join(f"{sha}:{tree}" for sha, tree in commits)
    fields = (
        ("date", date),
        ("email", reviewer.email),
        ("name", reviewer.name),
        ("base", base or "-"),
        ("tip", tip),
        ("commits", pairs),
    )
    return " ".join([RECORD_TAG, *(f"{key}={_encode(value)}" for key, value in fields)])


def format_line(payload: str, signed: Signed | None) -> str:
    if signed is None:
        return payload
    armor = base64.b64encode(signed.signature.encode("ascii")).decode("ascii")
    return f"{payload}{_SIG_FIELD}{signed.format}:{armor}"


def _encode(value: str) -> str:
    return quote(value, safe="@<>+-_.:~,/!*'()[]{}") or "-"


def parse_note(text: str) -> tuple[ApprovalRecord, ...]:
    """Every well-formed approval line of one note, in the note's order."""
    records = []
    for line in text.splitlines():
        record = parse_line(line.strip())
        if record is not None:
            records.append(record)
    return tuple(records)


def parse_line(line: str) -> ApprovalRecord | None:
    if not line.startswith(RECORD_TAG + " "):
        return None
    payload, sep, sig = line.partition(_SIG_FIELD)
    fields: dict[str, str] = {}
    for token in payload.split(" ")[1:]:
        key, eq, value = token.partition("=")
        if not eq or key in fields:
            return None
        try:
            fields[key] = "" if value == "-" else unquote(value, errors="strict")
        except UnicodeDecodeError:
            return None
    sig_format, signature = "", ""
    if sep:
        sig_format, _, armor = sig.partition(":")
        try:
            signature = base64.b64decode(armor, validate=True).decode("ascii")
        except (binascii.Error, UnicodeDecodeError):
            signature = ""  # kept as a signature that cannot match
    commits, trees = _parse_pairs(fields.get("commits", ""))
    base, tip = fields.get("base", ""), fields.get("tip", "")
    email = fields.get("email", "")
    if not email or not _SHA.match(tip) or (base and not _SHA.match(base)) or not commits:
        return None
    approval = Approval(
        reviewer=Person(fields.get("name", ""), email, fields.get("date", "")),
        base=base,
        tip=tip,
        commits=commits,
        trees=trees,
        date=fields.get("date", ""),
    )
    return ApprovalRecord(approval, payload, sig_format, signature)


def _parse_pairs(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    commits, trees = [], []
    for pair in filter(None, text.split(",")):
        sha, _, tree = pair.partition(":")
        if not (_SHA.match(sha) and _SHA.match(tree)):
            return (), ()
        commits.append(sha)
        trees.append(tree)
    return tuple(commits), tuple(trees)


def merged_note(existing: str, line: str) -> str:
    """The note text once `line` is added: sorted unique lines, the very form
    `git notes merge -s cat_sort_uniq` produces, so merges stay stable."""
    lines = {ln for ln in existing.splitlines() if ln.strip()}
    lines.add(line)
    return "".join(f"{ln}\n" for ln in sorted(lines))


# --- git ---------------------------------------------------------------------


def run_git(repo: Any, *args: str, input: bytes | None = None, ok: Iterable[int] = (0,)) -> bytes:
    """Run git in `repo` (a GitPython Repo); its stdout. Another exit status than
    those in `ok` is a GitError carrying git's first line."""
    try:
        done = subprocess.run(
            [require_git(), *args],
            cwd=repo_root(repo),
            input=input,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if done.returncode not in tuple(ok):
        text = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = text[0] if text else f"exit status {done.returncode}"
        raise GitError(f"git {args[0]}: {first.removeprefix('fatal: ').removeprefix('error: ')}")
    return done.stdout


def git_config(repo: Any, pattern: str) -> dict[str, str]:
    """Config entries whose (lower-cased) key matches `pattern`, read by git itself
    so includes, GIT_CONFIG_* and every scope apply; the last value wins."""
    out = run_git(repo, "config", "-z", "--get-regexp", pattern, ok=(0, 1))
    config: dict[str, str] = {}
    for entry in out.decode("utf-8", "replace").split("\0"):
        if entry:
            key, _, value = entry.partition("\n")
            config[key] = value
    return config


class UnreadableNotesError(GitError):
    """The notes ref (or pushed notes commit) is not a notes history: e.g. a blob
    forced onto it. Readers treat it as holding no notes."""


def read_note_texts(
    repo: Any, ref: str = APPROVALS_REF, *, at: str | None = None
) -> dict[str, str]:
    """Annotated object -> note text, for every note under `ref` (or in the notes
    commit `at`, which no ref names yet: a push in pre-receive's quarantine): one
    listing and one `git cat-file --batch`, however many notes there are.

    Raises UnreadableNotesError when the notes cannot be read."""
    try:
        if at is None:
            listing = run_git(repo, "notes", "--ref", ref, "list").decode("ascii").split()
        else:
            listing = _list_notes_tree(repo, at)
    except GitError as error:
        where = ref if at is None else f"{ref} as pushed ({at[:12]})"
        raise UnreadableNotesError(f"cannot read the notes in {where}: {error}") from None
    blobs, objects = listing[0::2], listing[1::2]
    if not blobs:
        return {}
    out = run_git(repo, "cat-file", "--batch", input="".join(f"{b}\n" for b in blobs).encode())
    texts: dict[str, str] = {}
    pos = 0
    for obj in objects:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        body = out[header_end + 1 : header_end + 1 + size]
        texts[obj] = body.decode("utf-8", "replace")
        pos = header_end + 1 + size + 1  # the body is followed by a newline
    return texts


def _list_notes_tree(repo: Any, commit: str) -> list[str]:
    """`git notes list`'s pairs (note blob, annotated object) for a notes commit:
    the notes tree's paths, fan-out slashes removed, are the annotated objects."""
    out = run_git(repo, "ls-tree", "-r", "-z", f"{commit}^{{commit}}")
    pairs: list[str] = []
    for entry in out.decode("utf-8", "replace").split("\0"):
        info, _, path = entry.partition("\t")
        fields = info.split()
        name = path.replace("/", "")
        if len(fields) == 3 and fields[1] == "blob" and _HEX.match(name):
            pairs += [fields[2], name]
    return pairs


_HEX = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


def read_approvals(
    repo: Any,
    allowed_signers: str | None,
    *,
    touching: Collection[str] | None = None,
    at: str | None = None,
) -> tuple[Approval, ...]:
    """Every approval under APPROVALS_REF, with its signature checked against
    `allowed_signers` (the ssh allowed-signers TEXT at the trusted revision; None
    when there is none there, and then no ssh signature is "good").

    `touching`: commit shas and/or tree ids; when given, only the approvals that
    name one of them (among their commits or trees) are returned, and only those
    are verified (a signature check costs ssh-keygen processes; a long-lived
    repository holds many approvals unrelated to the range under check).

    Ordered by the annotated commit, then by line; duplicates (the same line on two
    objects, e.g. after a notes.rewriteRef copy) are read once.

    `at`: read the notes commit `at` instead of the ref (read_note_texts).
    Raises UnreadableNotesError when the notes cannot be read."""
    wanted = None if touching is None else frozenset(touching)
    records: dict[str, ApprovalRecord] = {}
    for _obj, text in sorted(read_note_texts(repo, at=at).items()):
        for record in parse_note(text):
            named = record.approval.commits + record.approval.trees
            if wanted is None or not wanted.isdisjoint(named):
                records.setdefault(record.payload + record.signature, record)
    if not records:
        return ()
    # Read in-process: a reader with nothing to verify costs no git process for it.
    verifier = Verifier(
        allowed_signers,
        ssh_program=config_value(repo, 'gpg "ssh"', "program", "") or "ssh-keygen",
        gpg_program=config_value(repo, 'gpg "openpgp"', "program", "")
        or config_value(repo, "gpg", "program", "")
        or "gpg",
    )
    return tuple(verify_records(records.values(), verifier))


def verify_records(records: Iterable[ApprovalRecord], verifier: Any) -> list[Approval]:
    approvals = []
    with verifier.session() as session:
        for record in records:
            check = SignatureCheck("none", detail="the approval is not signed")
            if record.sig_format:
                check = session.check(
                    record.payload.encode("utf-8"),
                    record.sig_format,
                    record.signature,
                    record.approval.reviewer.email,
                )
            approvals.append(replace(record.approval, signature=check))
    return approvals


def add_approval_line(repo: Any, tip: str, line: str, ref: str = APPROVALS_REF) -> str:
    """Add `line` to the note on `tip` under `ref`; the note's new text."""
    existing = run_git(repo, "notes", "--ref", ref, "show", tip, ok=(0, 1))
    text = merged_note(existing.decode("utf-8", "replace"), line)
    # `notes add -F -` cleans whitespace only; the text has none to clean.
    run_git(repo, "notes", "--ref", ref, "add", "-f", "-F", "-", tip, input=text.encode())
    return text
