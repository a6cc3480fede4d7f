"""The Fix record: a fix commit and how it is paired with its test
(reviewgate.pairs.fixes explains each shape)."""

from __future__ import annotations

from reviewgate.model.record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.model.commit import Commit

SAME_COMMIT = "same-commit"



TWO_COMMIT = "two-commit"



NO_TEST_NEEDED = "no-test-needed"



UNPAIRED = "unpaired"



@record
class Fix:
    commit: Commit  # the fix: C, or F of a pair
    shape: str  # "same-commit" | "two-commit" | "no-test-needed" | "unpaired"
    test_commit: Commit | None = None  # T for "two-commit"
    test_paths: tuple[str, ...] = ()  # test files the pair changes (C's own, or T's)
    waiver: str | None = None  # the Test-waiver reason
    # Why a pairing the commit asked for did not hold, for the report
    # (a Test-commit trailer that names no test-only commit, a waiver without reason).
    note: str = ""

