"""What the range rules know beyond the commits themselves.

The rules stay pure: git (git.py, diffs.py, signoff_evidence.py, approvals.py) and
the verifier (verify/) gather this record before the rules run, and only for the
concerns whose rules the policy enables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reviewgate.model.commit import Person

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import ChangedPath
    from reviewgate.model.fix import Fix


@dataclass(frozen=True)
class LineSpan:
    """Lines `start` .. `start + count - 1` of one side of a diff (1-based)."""

    start: int
    count: int

    def lines(self) -> range:
        return range(self.start, self.start + self.count)


@dataclass(frozen=True)
class Hunk:
    """One `git diff -U0` hunk: the old lines it removes, the new lines it adds,
    and their text (without the leading -/+). `before` and `after` are the new
    file's lines around it as far as the patch shows them (nearest last, and
    nearest first): what RG204 needs to tell an early `return` at the top of an
    existing test, or a skip marker on one."""

    old: LineSpan
    new: LineSpan
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    # What the patch shows around it, which -U0 does not: not part of the change.
    before: tuple[str, ...] = field(default=(), compare=False)
    after: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FileDiff:
    """The line changes of one file in one commit (against its first parent)."""

    path: str
    old_path: str | None  # for a rename or copy; None otherwise
    status: str  # A, M, D, R, C, T
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    patched: bool = False  # its line changes were read (else: its paths only)


@dataclass(frozen=True)
class CommitDiff:
    """A commit's changed paths, and the line changes of its test files."""

    paths: tuple[ChangedPath, ...]
    test_files: tuple[FileDiff, ...] = ()


@dataclass(frozen=True)
class SignatureCheck:
    """What git (and ssh-keygen) said about one signature.

    status: "good"     valid, by a key the trusted allowed-signers file lists;
            "bad"      the signature does not match the signed data (tampered);
            "untrusted" valid, by a key that is not allowed;
            "none"     nothing is signed;
            "error"    it could not be checked (e.g. ssh-keygen or gpg missing).
    principal: for ssh, the allowed-signers principal that matched (git's %GS);
               for openpgp, the signer's user id. Empty when unknown.
    """

    status: str
    principal: str = ""
    key: str = ""  # key fingerprint (%GK)
    format: str = ""  # "ssh" | "openpgp" | "x509" | ""
    detail: str = ""  # git's or ssh-keygen's words, for the report

    @property
    def good(self) -> bool:
        return self.status == "good"


@dataclass(frozen=True)
class Approval:
    """A `reviewgate approve` record, read back from its notes ref."""

    reviewer: Person
    base: str  # full sha; "" when the range starts at a root commit
    tip: str  # full sha
    commits: tuple[str, ...]  # the approved commits' shas
    trees: tuple[str, ...]  # their tree ids, in the same order
    signature: SignatureCheck = field(default_factory=lambda: SignatureCheck("none"))
    date: str = ""


@dataclass(frozen=True)
class TestChange:
    """One test in a verdict: its result in red and in green ("passed", "failed",
    "error", "skipped", "absent"; "" when that state did not run)."""

    __test__ = False  # not a pytest test class

    name: str  # e.g. "tests/test_x.py::test_empty_input", "calc::TestAdd"
    red: str
    green: str
    message: str = ""  # the first lines of its failure or error

    def line(self) -> str:
        states = f"{self.red} → {self.green}" if self.green else self.red
        return f"{self.name} {states}"


@dataclass(frozen=True)
class Verdict:
    """A cached or fresh red/green result for one fix (see verify/)."""

    fix: str  # sha of the fix commit (C, or F of a pair)
    # "proven" | "not-red" | "not-green" | "broken" | "error" | "flaky"
    outcome: str
    red_exit: int | None = None
    green_exit: int | None = None
    detail: str = ""  # e.g. "timed out after 600 s", "command not found: pytest"
    cached: bool = False
    tests: tuple[TestChange, ...] = ()  # the tests that decided it (verify/judge.py)
    lines: tuple[str, ...] = ()  # the output lines that explain it, without a report
    hint: str = ""  # how to fix it, when the verifier knows better than the rule


@dataclass(frozen=True)
class Evidence:
    diffs: Mapping[str, CommitDiff] = field(default_factory=dict)  # sha -> its diff
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)  # fix sha -> verdict
    signatures: Mapping[str, SignatureCheck] = field(default_factory=dict)  # commit sha ->
    approvals: tuple[Approval, ...] = ()
    # sha of a commit that signs off for a stated range -> the shas that range holds
    signoff_ranges: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The allowed-signers text at the trusted revision (None: no file there).
    allowed_signers: str | None = None
    # Things gathering had to assume that a reader must know (CheckResult.notes).
    notes: tuple[str, ...] = ()
    # The range's fixes and their pairs, when gathering already worked them out.
    fixes: tuple[Fix, ...] | None = None
