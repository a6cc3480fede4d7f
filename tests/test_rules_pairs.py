"""RG201 and RG204 on real repositories: diffs read by reviewgate.pairs.diffs, rules pure."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.git.repo import RangeSpec, open_repo, read_commits
from reviewgate.model.commit import Commit
from reviewgate.model.evidence import Evidence
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.result import GatherOptions
from reviewgate.pairs.diffs import read_diffs
from reviewgate.pairs.fixes import fix_candidates
from reviewgate.pairs.rules import check_pairs
from reviewgate.pipeline.gather import gather_evidence
from reviewgate.policy.schema import FixesPolicy, Policy

POLICY = Policy()
TEST_BODY = "def test_parse():\n    assert parse('') == []\n    assert parse('a') == ['a']\n"


def findings(repo: Repo, policy: Policy = POLICY, revision: str = "HEAD") -> list[Finding]:
    handle = open_repo(repo.path)
    commits = list(read_commits(handle, RangeSpec((revision,)), with_paths=False))
    diffs = read_diffs(handle, fix_candidates(commits, policy), policy)
    return check_pairs(commits, policy, Evidence(diffs=diffs))


def codes(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.sha) for f in found]


def base(repo: Repo) -> str:
    return repo.commit(
        "init\n", files={"src/parse.py": "def parse(s): ...\n", "tests/test_parse.py": TEST_BODY}
    )


def test_unpaired_fix_is_rg201_and_paired_fixes_are_not(repo: Repo) -> None:
    base(repo)
    bare = repo.commit("fix: no test\n", files={"src/parse.py": "def parse(s): return []\n"})
    repo.commit(
        "fix(parse): with test\n",
        files={"src/parse.py": "def parse(s): return 1\n", "tests/test_x.py": "def test(): ...\n"},
    )
    repo.commit("test: show it\n", files={"tests/test_y.py": "def test(): ...\n"})
    repo.commit("fix: after its test\n", files={"src/parse.py": "def parse(s): return 2\n"})
    repo.commit("fix: typo in docs\n", files={"docs/a.rst": "x\n"})
    repo.commit("feat: not a fix\n", files={"src/new.py": "x\n"})
    found = findings(repo)
    assert codes(found) == [("RG201", bare)]
    assert found[0].severity is Severity.ERROR
    assert "Test-waiver: <reason>" in found[0].hint


def test_pairing_mode_decides_which_shape_counts(repo: Repo) -> None:
    base(repo)
    repo.commit("test: show it\n", files={"tests/test_y.py": "def test(): ...\n"})
    two = repo.commit("fix: after its test\n", files={"src/parse.py": "x\n"})
    same = repo.commit("fix: with\n", files={"src/parse.py": "y\n", "tests/test_z.py": "z\n"})
    same_only = dataclasses.replace(POLICY, fixes=FixesPolicy(pairing="same-commit"))
    previous_only = dataclasses.replace(POLICY, fixes=FixesPolicy(pairing="previous-commit"))
    assert codes(findings(repo, same_only)) == [("RG201", two)]
    flagged = findings(repo, previous_only)
    assert codes(flagged) == [("RG201", same)]
    assert "in a test-only commit just before the fix" in flagged[0].message


def test_waiver_turns_rg201_into_a_notice_only_with_a_reason(repo: Repo) -> None:
    base(repo)
    waived = repo.commit("fix: x\n\nTest-waiver: only on real hardware\n", files={"src/a.py": "a"})
    empty = repo.commit("fix: y\n\nTest-waiver:   \n", files={"src/a.py": "b"})
    by_sha = {f.sha: f for f in findings(repo)}
    assert by_sha[waived].severity is Severity.NOTICE
    assert "only on real hardware" in by_sha[waived].message
    assert "sign-off" in by_sha[waived].message
    assert by_sha[empty].severity is Severity.ERROR
    assert "gives no reason" in by_sha[empty].message


def test_severity_overrides_apply(repo: Repo) -> None:
    base(repo)
    waived = repo.commit("fix: x\n\nTest-waiver: flaky hardware\n", files={"src/a.py": "a"})
    repo.commit("fix: y\n", files={"src/a.py": "b"})
    warn = dataclasses.replace(POLICY, rules={"RG201": "warning"})
    assert {f.severity for f in findings(repo, warn)} == {Severity.WARNING, Severity.NOTICE}
    off = dataclasses.replace(POLICY, rules={"RG201": "off"})
    assert findings(repo, off) == []
    assert waived  # the waived one is silent too when the rule is off


def test_test_commit_trailer_naming_a_non_test_commit(repo: Repo) -> None:
    base(repo)
    source = repo.commit("feat: y\n", files={"src/y.py": "y\n"})
    fix = repo.commit(f"fix: x\n\nTest-commit: {source[:10]}\n", files={"src/a.py": "a"})
    (found,) = findings(repo)
    assert (found.code, found.sha) == ("RG201", fix)
    assert "does not change only tests" in found.message


def test_same_commit_edit_of_an_existing_test_line_is_rg204(repo: Repo) -> None:
    base(repo)
    fix = repo.commit(
        "fix: empty input\n",
        files={
            "src/parse.py": "def parse(s): return None\n",
            "tests/test_parse.py": TEST_BODY.replace("== []", "is None") + "def test_b(): ...\n",
        },
    )
    (found,) = findings(repo)
    assert (found.code, found.sha) == ("RG204", fix)
    assert "tests/test_parse.py line 2 (`assert parse('') == []`)" in found.message
    assert "existed before it" in found.message


def test_added_and_moved_lines_are_fine(repo: Repo) -> None:
    base(repo)
    moved = "def test_b(): ...\n" + TEST_BODY + "\n\ndef test_c():\n    assert parse('b')\n"
    repo.commit("fix: x\n", files={"src/parse.py": "y\n", "tests/test_parse.py": moved})
    assert findings(repo) == []


def test_deleting_a_test_file_is_rg204(repo: Repo) -> None:
    base(repo)
    repo.git("rm", "-q", "tests/test_parse.py")
    repo.commit("fix: x\n", files={"src/parse.py": "y\n", "tests/test_new.py": "def test(): ...\n"})
    (found,) = findings(repo)
    assert found.code == "RG204"
    assert "tests/test_parse.py lines 1-3" in found.message and "2 more" in found.message


def test_two_commit_fix_that_changes_the_new_test_is_rg204(repo: Repo) -> None:
    base(repo)
    test = repo.commit(
        "test: show it\n", files={"tests/test_parse.py": TEST_BODY + "    assert parse('') != 1\n"}
    )
    fix = repo.commit("fix: x\n", files={"src/parse.py": "y\n", "tests/test_parse.py": TEST_BODY})
    (found,) = findings(repo)
    assert (found.code, found.sha) == ("RG204", fix)
    assert found.message == (
        f"fix {fix[:10]} changes or deletes test lines its test commit {test[:10]} added: "
        "tests/test_parse.py line 4 (`assert parse('') != 1`)"
    )


def test_two_commit_fix_that_changes_new_and_older_lines(repo: Repo) -> None:
    base(repo)
    repo.commit("test: show it\n", files={"tests/test_parse.py": TEST_BODY + "    assert 7\n"})
    edited = TEST_BODY.replace("parse('a')", "parse('b')")
    repo.commit("fix: x\n", files={"src/parse.py": "y\n", "tests/test_parse.py": edited})
    (found,) = findings(repo)
    assert "added: tests/test_parse.py line 4 (`assert 7`)" in found.message
    assert "; and test lines that existed before it: tests/test_parse.py line 3" in found.message


def test_renamed_test_keeps_its_lines(repo: Repo) -> None:
    base(repo)
    repo.git("mv", "tests/test_parse.py", "tests/test_parser.py")
    repo.commit("fix: x\n", files={"src/parse.py": "y\n"})
    assert findings(repo) == []


def test_fixups_and_merges_are_skipped_by_default(repo: Repo) -> None:
    base(repo)
    repo.commit("fixup! fix: x\n", files={"src/parse.py": "y\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("feat: side\n", files={"src/side.py": "s\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("chore: main\n", files={"src/main.py": "m\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "fix: merge the side", "side")
    assert findings(repo) == []
    checking = Policy(commits=dataclasses.replace(Policy().commits, merges="check"))
    assert [f.code for f in findings(repo, checking)] == ["RG201"]


def test_root_commit_fix_and_paths_with_spaces(repo: Repo) -> None:
    repo.commit("fix: first\n", files={"src/my file.py": "x\n", "tests/test my\nfile.py": "t\n"})
    assert findings(repo) == []
    repo.commit("fix: second\n", files={"src/my file.py": "y\n", "tests/test my\nfile.py": "u\n"})
    (found,) = findings(repo)
    assert found.code == "RG204" and "tests/test my\nfile.py line 1" in found.message


def test_gathering_reads_diffs_only_for_fix_candidates(repo: Repo) -> None:
    base(repo)
    for i in range(5):
        repo.commit(f"feat: {i}\n", files={f"src/f{i}.py": "x\n"})
    test = repo.commit("test: t\n", files={"tests/test_t.py": "t\n"})
    fix = repo.commit("fix: f\n", files={"src/f0.py": "y\n"})
    handle = open_repo(repo.path)
    commits = list(read_commits(handle, RangeSpec(("HEAD",)), with_paths=False))
    evidence = gather_evidence(handle, commits, POLICY, GatherOptions())
    assert set(evidence.diffs) == {test, fix}
    off = Policy(rules={"RG201": "off", "RG204": "off"})
    assert gather_evidence(handle, commits, off, GatherOptions()).diffs == {}


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_end_to_end_through_reviewgate_check(repo: Repo, fmt: str) -> None:
    base(repo)
    start = repo.head()
    repo.commit("test: show it\n", files={"tests/test_y.py": "def test(): ...\n"})
    repo.commit("fix: good pair\n", files={"src/parse.py": "ok\n"})
    good = run_cli(repo.path, "check", f"{start}..HEAD", "--format", fmt)
    assert good.returncode == 0, good.stdout + good.stderr
    bare = repo.commit("fix: no test\n", files={"src/parse.py": "bad\n"})
    weak = repo.commit(
        "fix: weaker\n",
        files={"src/parse.py": "worse\n", "tests/test_parse.py": "def test_parse(): ...\n"},
    )
    bad = run_cli(repo.path, "check", f"{start}..HEAD", "--format", fmt)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"{bare[:10]}" in bad.stdout and f"{weak[:10]}" in bad.stdout
    assert "RG201" in bad.stdout and "RG204" in bad.stdout
    (repo.path / ".reviewgate.yaml").write_text("version: 1\nrules:\n  RG201: warning\n")
    relaxed = run_cli(repo.path, "check", f"{start}..HEAD", "--format", fmt)
    assert relaxed.returncode == 1 and "RG204" in relaxed.stdout  # RG204 is still an error
    (repo.path / ".reviewgate.yaml").write_text(
        "version: 1\nrules:\n  RG201: warning\n  RG204: off\n"
    )
    quiet = run_cli(repo.path, "check", f"{start}..HEAD", "--format", fmt)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "RG201" in quiet.stdout and "RG204" not in quiet.stdout


def test_commit_records_pair_without_paths_read(repo: Repo) -> None:
    # `check` need not read every commit's paths: the rule works from the diffs alone.
    base(repo)
    repo.commit("fix: x\n", files={"src/parse.py": "y\n"})
    commits: list[Commit] = list(
        read_commits(open_repo(repo.path), RangeSpec(("HEAD",)), with_paths=False)
    )
    assert all(c.changes is None for c in commits)
    assert [f.code for f in findings(repo)] == ["RG201"]


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_fix_that_changes_a_binary_test_file_is_rg204(repo: Repo, change: str) -> None:
    # It used to crash check with a traceback: a binary file has no line numbers.
    base(repo)
    repo.commit("chore: a fixture\n", files={"tests/img.png": b"\0\1"})
    if change == "delete":
        repo.git("rm", "-q", "tests/img.png")
        files: dict[str, str | bytes] = {}
    else:
        files = {"tests/img.png": b"\0\2"}
    sha = repo.commit("fix: x\n", files={**files, "src/parse.py": "y\n",
                                          "tests/test_new.py": "def test(): ...\n"})
    (found,) = findings(repo)
    assert (found.code, found.sha) == ("RG204", sha)
    expected = "binary file changed" if change == "edit" else "deleted"
    assert found.message.endswith(f"existed before it: tests/img.png (`{expected}`)")


@pytest.mark.parametrize("shape", ["two-commit", "same-commit"])
def test_deleting_a_test_is_not_the_test_that_shows_the_bug(repo: Repo, shape: str) -> None:
    # A test-only commit that only deleted a test used to pair with the next fix.
    base(repo)
    if shape == "two-commit":
        repo.git("rm", "-q", "tests/test_parse.py")
        repo.commit("test: drop a flaky test\n")
        sha = repo.commit("fix: x\n", files={"src/parse.py": "y\n"})
    else:
        repo.git("rm", "-q", "tests/test_parse.py")
        sha = repo.commit("fix: x\n", files={"src/parse.py": "y\n"})
    found = codes(findings(repo))
    assert ("RG201", sha) in found
