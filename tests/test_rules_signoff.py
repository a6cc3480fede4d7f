"""RG301–RG303: who signed a covered commit off, from which source.

Pure tests build Commit records and Evidence directly; the end-to-end tests make
real repositories and run `reviewgate check` on them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.errors import PolicyError
from reviewgate.model.commit import Commit, Person
from reviewgate.model.evidence import Approval, Evidence
from reviewgate.model.rulebook import RULES
from reviewgate.pipeline.range_rules import range_checks
from reviewgate.pipeline.run import run_check
from reviewgate.policy.schema import Policy, SignoffPolicy, ToolIdentity
from reviewgate.signoff.rules import check_signoff

ADA = "Ada Author <ada@example.org>"
GRACE = "Grace Hopper <grace@example.org>"
CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"


def sha(n: int) -> str:
    return f"{n:040x}"


def person(ident: str) -> Person:
    name, _, rest = ident.partition("<")
    return Person(name.strip(), rest.rstrip(">").strip())


def make(n: int, message: str, *, parents: tuple[int, ...] = (), author: str = ADA,
         pending: bool = False) -> Commit:
    body = message.rstrip("\n").split("\n\n")[-1]
    trailers = tuple(
        (key, value.strip()) for key, _, value in
        (line.partition(":") for line in body.splitlines()) if value and " " not in key
    ) if "\n\n" in message else ()
    return Commit(sha(n), tuple(sha(p) for p in parents), person(author), person(author),
                  message, trailers, pending=pending)


def policy(**signoff: object) -> Policy:
    return Policy(signoff=replace(SignoffPolicy(), **signoff))  # type: ignore[arg-type]


def codes(commits: list[Commit], pol: Policy | None = None,
          evidence: Evidence | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in check_signoff(commits, pol or policy(), evidence or Evidence()):
        found.setdefault(finding.sha, []).append(finding.code)
    return found


ASSISTED = "feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n"


def test_the_rule_is_a_range_check_with_its_four_codes() -> None:
    assert check_signoff in range_checks()
    assert {"RG301", "RG302", "RG303", "RG304"} <= set(RULES)


# -- which commits are covered -------------------------------------------------------


@pytest.mark.parametrize("message, covered", [
    (ASSISTED, True),
    (f"feat: x\n\n{CLAUDE_FOOTER}\n", True),  # a tool's signature, undeclared
    ("feat: x\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", True),
    ("fix: y\n\nTest-waiver: the bug needs real hardware\n", True),
    ("fix: y\n\nTest-waiver: \n", False),  # a waiver without a reason waives nothing
    ("feat: x\n\nAssisted-by: none\n", False),
    ("feat: plain human work\n", False),
])
def test_assisted_covers_tools_and_test_waivers(message: str, covered: bool) -> None:
    found = codes([make(1, message)])
    assert found == ({sha(1): ["RG301"]} if covered else {})


def test_required_for_all_and_none() -> None:
    commits = [make(1, "feat: plain\n"), make(2, ASSISTED)]
    assert codes(commits, policy(required_for="all")) == {
        sha(1): ["RG301"], sha(2): ["RG301"]}
    assert codes(commits, policy(required_for="none")) == {}
    with pytest.raises(PolicyError, match="required_for"):
        check_signoff(commits, policy(required_for="sometimes"), Evidence())


def test_a_commit_being_written_is_never_judged() -> None:
    assert codes([make(1, ASSISTED, pending=True)], policy(required_for="all")) == {}


def test_the_missing_signoff_message_says_why_the_commit_is_covered() -> None:
    [finding] = check_signoff([make(1, ASSISTED)], policy(), Evidence())
    assert "Assisted-by: Claude:claude-opus-4-1" in finding.message
    assert "Reviewed-by, Acked-by" in finding.message
    assert "Signoff-range: BASE..TIP" in finding.hint


# -- RG302 self-signoff, RG303 unknown reviewer ------------------------------------------


@pytest.mark.parametrize("line, code", [
    (f"Reviewed-by: {GRACE}", None),
    (f"acked-by: {GRACE}", None),  # keys compare without case
    ("Reviewed-by: Ada <ADA@Example.ORG>", "RG302"),  # the author, email in other case
    ("Reviewed-by: Claude <noreply@anthropic.com>", "RG302"),
    ("Reviewed-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
     "RG302"),
    ("Reviewed-by: Our Bot <ci-helper@example.org>", "RG302"),  # assistance.tools
    (f"Tested-by: {GRACE}", "RG301"),  # not a sign-off trailer under this policy
    ("Reviewed-by: Grace Hopper", "RG301"),  # no email: it names no one reviewgate can check
])
def test_who_may_sign_off(line: str, code: str | None) -> None:
    pol = replace(policy(), assistance=replace(
        Policy().assistance, tools=(ToolIdentity("OurBot", email="ci-helper@example.org"),)))
    found = codes([make(1, f"{ASSISTED}{line}\n")], pol)
    assert found == ({sha(1): [code]} if code else {})


def test_a_human_beside_a_tool_is_enough_and_not_author_can_be_lifted() -> None:
    both = make(1, f"{ASSISTED}Reviewed-by: Claude <noreply@anthropic.com>\n"
                   f"Reviewed-by: {GRACE}\n")
    assert codes([both]) == {}
    own = make(2, f"{ASSISTED}Reviewed-by: {ADA}\n")
    assert codes([own], policy(not_author=False)) == {}
    [finding] = check_signoff([own], policy(), Evidence())
    assert "its author" in finding.message


@pytest.mark.parametrize("reviewers, ok", [
    (("grace hopper <GRACE@example.org>",), True),
    (("grace@example.org",), True),
    (("bob@example.org", "Eve <eve@example.org>"), False),
])
def test_reviewers_match_by_email_ignoring_case(reviewers: tuple[str, ...], ok: bool) -> None:
    found = codes([make(1, f"{ASSISTED}Reviewed-by: {GRACE}\n")], policy(reviewers=reviewers))
    assert found == ({} if ok else {sha(1): ["RG303"]})


def test_a_gate_whose_rule_is_off_lets_sign_offs_through() -> None:
    own = make(1, f"{ASSISTED}Reviewed-by: {ADA}\n")
    assert codes([own], replace(policy(), rules={"RG302": "off"})) == {}
    bare = make(2, ASSISTED)
    assert codes([bare], replace(policy(), rules={"RG301": "warning"})) == {sha(2): ["RG301"]}
    [finding] = check_signoff([bare], replace(policy(), rules={"RG301": "warning"}), Evidence())
    assert finding.severity.value == "warning"
    off = {code: "off" for code in ("RG301", "RG302", "RG303", "RG304")}
    assert codes([bare], replace(policy(), rules=off)) == {}


# -- sources: merge, stated range, approval ---------------------------------------------


def test_a_merge_signs_off_the_commits_it_merges_not_the_mainline() -> None:
    # 1 (main) <- 2 assisted (main) ; 1 <- 3, 4 assisted (side) ; 5 = merge(2, 4)
    commits = [
        make(5, f"Merge branch 'side'\n\nReviewed-by: {GRACE}\n", parents=(2, 4)),
        make(4, ASSISTED, parents=(3,)),
        make(3, ASSISTED, parents=(1,)),
        make(2, ASSISTED, parents=(1,)),
        make(1, "base\n"),
    ]
    assert codes(commits) == {sha(2): ["RG301"]}
    # The merge is skipped by the other rules (commits.merges: skip) but still signs off.
    assert Policy().commits.merges == "skip"


def test_a_stated_range_covers_the_commits_evidence_resolved() -> None:
    final = make(4, f"review\n\nSignoff-range: {sha(1)}..{sha(3)}\nReviewed-by: {GRACE}\n",
                 parents=(3,))
    commits = [final, make(3, ASSISTED, parents=(2,)), make(2, ASSISTED, parents=(1,))]
    evidence = Evidence(signoff_ranges={sha(4): (sha(2), sha(3))})
    assert codes(commits, evidence=evidence) == {}
    # Without a sign-off trailer beside it, a range statement signs nothing off.
    unsigned = make(4, f"review\n\nSignoff-range: {sha(1)}..{sha(3)}\n", parents=(3,))
    assert codes([unsigned, *commits[1:]], evidence=evidence) == {
        sha(3): ["RG301"], sha(2): ["RG301"]}


def test_an_approval_covers_the_shas_it_names() -> None:
    commits = [make(3, ASSISTED, parents=(2,)), make(2, ASSISTED, parents=(1,))]
    approval = Approval(person(GRACE), sha(1), sha(2), (sha(2),), ("t" * 40,))
    assert codes(commits, evidence=Evidence(approvals=(approval,))) == {sha(3): ["RG301"]}
    by_author = replace(approval, reviewer=person(ADA), commits=(sha(2), sha(3)))
    assert codes(commits, evidence=Evidence(approvals=(by_author,))) == {
        sha(3): ["RG302"], sha(2): ["RG302"]}


@pytest.mark.parametrize("code, pol", [
    ("RG301", policy()), ("RG302", policy()), ("RG303", policy(reviewers=("grace@example.org",))),
])
def test_each_documented_example_breaks_its_rule_and_use_instead_does_not(
    code: str, pol: Policy
) -> None:
    def block(section: str) -> str:
        body = RULES[code].doc.split(section, 1)[1]
        found = re.search(r"```\n(.*?)```", body, re.DOTALL)
        assert found
        return found.group(1)

    assert codes([make(1, block("## Example"))], pol) == {sha(1): [code]}
    assert codes([make(1, block("## Use instead"))], pol) == {}


# -- end to end ----------------------------------------------------------------------


def check(repo: Repo, *revisions: str, policy_text: str | None = None) -> dict[str, list[str]]:
    config = None
    if policy_text is not None:
        config = repo.path.parent / "policy.yaml"
        config.write_text(policy_text)
    result = run_check(revisions=revisions, cwd=repo.path,
                       config=str(config) if config else None, with_paths=False)
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.sha, []).append(finding.code)
    return found


def test_end_to_end_trailer_sign_off_and_its_absence(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    bare = repo.commit(ASSISTED, {"b.py": "2\n"})
    reviewed = repo.commit(f"{ASSISTED}Reviewed-by: {GRACE}\n", {"c.py": "3\n"})
    assert check(repo, f"{base}..HEAD") == {bare: ["RG301"]}
    assert reviewed not in check(repo, "HEAD")


def test_end_to_end_merge_sign_off(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.git("checkout", "-q", "-b", "side")
    one = repo.commit(ASSISTED, {"b.py": "2\n"})
    two = repo.commit(ASSISTED, {"c.py": "3\n"})
    repo.git("checkout", "-q", "main")
    mainline = repo.commit(ASSISTED, {"d.py": "4\n"})
    repo.git("merge", "-q", "--no-ff", "--no-edit", "side", "-m",
             f"Merge branch 'side'\n\nReviewed-by: {GRACE}")
    assert check(repo, f"{base}..HEAD") == {mainline: ["RG301"]}
    assert {one, two}.isdisjoint(check(repo, f"{base}..HEAD"))


def _stated(repo: Repo, statement: str) -> str:
    return repo.commit(f"review: sign off the series\n\nSignoff-range: {statement}\n"
                       f"Reviewed-by: {GRACE}\n")


def test_end_to_end_range_sign_off_by_a_final_commit(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    one = repo.commit(ASSISTED, {"b.py": "2\n"})
    two = repo.commit(ASSISTED, {"c.py": "3\n"})
    # Abbreviated object names are resolved; the range's base lies below it.
    _stated(repo, f"{base[:9]}..{two[:12]}")
    assert check(repo, f"{base}..HEAD") == {}
    # A statement that does not reach a commit leaves it uncovered.
    repo.git("reset", "-q", "--hard", two)
    _stated(repo, f"{one}..{two}")
    assert check(repo, f"{base}..HEAD") == {one: ["RG301"]}
    # Ref names are not object names: a moving name cannot be signed for.
    repo.git("reset", "-q", "--hard", two)
    _stated(repo, f"{base[:9]}..HEAD")
    assert check(repo, f"{base}..HEAD") == {one: ["RG301"], two: ["RG301"]}


def test_end_to_end_range_sign_off_whose_base_is_outside_the_checked_range(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo.commit("root\n", {"a.py": "1\n"})
    one = repo.commit(ASSISTED, {"b.py": "2\n"})
    two = repo.commit(ASSISTED, {"c.py": "3\n"})
    _stated(repo, f"{root}..{two}")
    # Checking only the last two commits: the base is two commits below, so git
    # resolves the range (one rev-list), and `one` is outside the check anyway.
    trace = tmp_path / "trace.json"
    with monkeypatch.context() as patch:
        patch.setenv("GIT_TRACE2_EVENT", str(trace))
        assert check(repo, f"{one}..HEAD") == {}
    starts = [json.loads(line)["argv"] for line in trace.read_text().splitlines()
              if json.loads(line).get("event") == "start"]
    assert sum(1 for argv in starts if argv[1:2] == ["rev-list"]) == 1
    # A tip that is not in the stating commit's history covers nothing.
    repo.git("checkout", "-q", "-b", "other", root)
    stray = repo.commit(ASSISTED, {"d.py": "4\n"})
    repo.git("checkout", "-q", "main")
    _stated(repo, f"{root}..{stray}")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "other")
    assert check(repo, f"{two}..HEAD") == {stray: ["RG301"]}


def test_a_range_sign_off_costs_no_git_process_when_its_ends_are_in_the_range(
    repo: Repo, tmp_path: Path
) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    for n in range(30):
        tip = repo.commit(ASSISTED, {f"f{n}.py": f"{n}\n"})
    _stated(repo, f"{base}..{tip}")
    trace = tmp_path / "trace.json"
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", f"{base}..HEAD"], cwd=repo.path,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [json.loads(line)["argv"][1] for line in trace.read_text().splitlines()
                if json.loads(line).get("event") == "start" and len(json.loads(line)["argv"]) > 1]
    assert commands.count("log") == 1
    assert "rev-list" not in commands and "cat-file" not in commands


def test_cli_reports_missing_signoff_with_exit_one(repo: Repo) -> None:
    repo.commit("base\n")
    bare = repo.commit(ASSISTED)
    result = subprocess.run([sys.executable, "-m", "reviewgate", "check", "HEAD~1..HEAD"],
                            cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert re.search(rf"{bare[:10]}\w* RG301 ", result.stdout), result.stdout


def test_a_range_statement_that_covers_nothing_is_named_in_the_hint(repo: Repo) -> None:
    base = repo.commit("base\n")
    repo.commit(ASSISTED)
    stater = _stated(repo, "main~2..HEAD")
    [finding] = run_check(revisions=[f"{base}..HEAD"], cwd=repo.path).findings
    assert finding.code == "RG301"
    assert f"`Signoff-range: main~2..HEAD` on {stater[:10]} covers no commit" in finding.hint


def test_a_checked_merge_is_covered_and_signs_itself_off() -> None:
    pol = replace(policy(required_for="all"),
                  commits=replace(Policy().commits, merges="check"))
    signed = make(3, f"Merge branch 'side'\n\nReviewed-by: {GRACE}\n", parents=(1, 2))
    bare = make(4, "Merge branch 'other'\n", parents=(3, 2))
    side = make(2, f"feat: side\n\nReviewed-by: {GRACE}\n")
    assert codes([bare, signed, side], pol) == {sha(4): ["RG301"]}
    # Grace merged and signed off her own merge: a self sign-off.
    own = replace(signed, author=person(GRACE))
    assert codes([own, make(2, "feat: side\n")], pol) == {sha(3): ["RG302"]}


def test_nothing_is_gathered_when_no_commit_needs_a_sign_off(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit(ASSISTED)
    config = tmp_path / "none.yaml"
    config.write_text("signoff:\n  required_for: none\n  signature: ssh\n")
    trace = tmp_path / "trace.json"
    result = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "HEAD", "--config", str(config)],
        cwd=repo.path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace)})
    assert result.returncode == 0, result.stdout + result.stderr
    argvs = [json.loads(line)["argv"] for line in trace.read_text().splitlines()
             if json.loads(line).get("event") == "start"]
    assert [argv[1] for argv in argvs if len(argv) > 1 and argv[1] != "version"] == ["log"]
