"""RG101–RG105 on real-looking commit messages, in every mode and format.

Trailers are parsed by the real git (`interpret-trailers --parse --no-divider`,
the way `git log %(trailers)` reads a committed message), and every hint is
applied (git adds the trailers) and the rules re-run on the fixed commit.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Repo
from reviewgate.disclosure.declarations import declaration_problem, placeholder_in
from reviewgate.disclosure.judge import check_assistance
from reviewgate.errors import PolicyError
from reviewgate.model.commit import Commit, Person
from reviewgate.model.finding import Finding, Severity
from reviewgate.pipeline.rules import run_rules
from reviewgate.policy.schema import AssistancePolicy, CommitsPolicy, Policy, ToolIdentity

ADA = "Ada Lovelace <ada@example.org>"
CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
CLAUDE_COAUTHOR = "Co-Authored-By: Claude <noreply@anthropic.com>"
COPILOT_BOT = "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"


def person(ident: str) -> Person:
    name, _, rest = ident.partition("<")
    return Person(name.strip(), rest.rstrip(">").strip(), "2026-01-02T03:04:05+00:00")


def git_trailers(message: str) -> tuple[tuple[str, str], ...]:
    out = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message, capture_output=True, text=True, check=True, timeout=30,
    ).stdout
    pairs = []
    for line in out.splitlines():
        key, _, value = line.partition(":")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def make_commit(message: str, author: str = ADA, committer: str | None = None,
                parents: tuple[str, ...] = ("b" * 40,)) -> Commit:
    return Commit(
        sha="a" * 40, parents=parents, author=person(author),
        committer=person(committer or author), message=message,
        trailers=git_trailers(message),
    )


def policy(require: str = "declared", fmt: str = "any",
           trailers: tuple[str, ...] = ("Assisted-by", "Generated-by", "Co-authored-by"),
           tools: tuple[ToolIdentity, ...] = (), rules: dict[str, str] | None = None) -> Policy:
    return replace(Policy(), assistance=AssistancePolicy(require, trailers, fmt, tools),
                   rules=dict(rules or {}))


KERNEL = policy(fmt="kernel", trailers=("Assisted-by",))


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def apply_hint(commit: Commit, hint: str) -> Commit:
    """Do what the hint says: replace or remove exact lines, add trailers with git,
    and re-author when asked."""
    lines = commit.message.rstrip("\n").split("\n")
    acted = False
    for old, new in re.findall(r"replace `([^`]+)` with `([^`]+)`", hint):
        assert old in lines, (old, lines)
        lines[lines.index(old)] = new
        acted = True
    for old in re.findall(r"remove `([^`]+)`", hint):
        assert old in lines, (old, lines)
        lines = [line for line in lines if line != old]  # every copy of it
        acted = True
    message = "\n".join(lines) + "\n"
    for line in re.findall(r"add the trailer `([^`]+)`", hint):
        message = subprocess.run(
            ["git", "interpret-trailers", "--trailer", line], input=message,
            capture_output=True, text=True, check=True, timeout=30).stdout
        acted = True
    author, committer = commit.author, commit.committer
    if "--reset-author" in hint:
        author = committer = person(ADA)
        acted = True
    assert acted, f"hint names no exact action: {hint}"
    return replace(commit, message=message, trailers=git_trailers(message),
                   author=author, committer=committer)


def assert_hints_fix(commit: Commit, pol: Policy) -> None:
    """Each finding's hint, applied alone, removes that finding and adds none."""
    before = check_assistance(commit, pol)
    assert before, "expected findings"
    for finding in before:
        fixed = apply_hint(commit, finding.hint)
        after = check_assistance(fixed, pol)
        assert codes(after).count(finding.code) < codes(before).count(finding.code), \
            (finding, after, fixed.message)
        assert set(codes(after)) <= set(codes(before)), (finding, after, fixed.message)


# --- declared (the default) -------------------------------------------------------


@pytest.mark.parametrize("message", [
    "fix: handle an empty file\n",
    "fix: handle an empty file\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n",
    "feat: x\n\nCo-authored-by: Claude Dupont <claude@dupont.fr>\n",
    f"feat: x\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_COAUTHOR}\n",
    "feat: x\n\nCo-authored-by: Codex <noreply@openai.com>\n",
    "feat: x\n\nCo-authored-by: aider (openai/gpt-4o) <aider@aider.chat>\n",
    "feat: x\n\nAssisted-by: Claude:claude-opus-4-1 coccinelle\n",
    "feat: x\n\nGenerated-by: GitHub Copilot\n",
    "feat: x\n\nAssisted-by: none\n",
    "chore(deps): bump foo\n\nSigned-off-by: dependabot[bot] <support@github.com>\n",
])
def test_declared_mode_accepts_humans_and_declared_tools(message: str) -> None:
    assert check_assistance(make_commit(message), policy()) == []


def test_footer_without_declaration_is_rg101_and_the_hint_fixes_it() -> None:
    commit = make_commit(f"fix(parser): accept an empty input\n\n{CLAUDE_FOOTER}\n")
    findings = check_assistance(commit, policy())
    assert codes(findings) == ["RG101"]
    assert findings[0].hint == "add the trailer `Assisted-by: Claude:unknown`"
    assert CLAUDE_FOOTER in findings[0].message
    fixed = apply_hint(commit, findings[0].hint)
    assert fixed.trailer_values("Assisted-by") == ["Claude:unknown"]
    assert check_assistance(fixed, policy()) == []
    assert check_assistance(fixed, KERNEL) == []


def test_co_author_under_a_key_policy_does_not_accept_is_rg101() -> None:
    commit = make_commit(f"feat: add retries\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_COAUTHOR}\n")
    pol = policy(trailers=("Assisted-by",))
    findings = check_assistance(commit, pol)
    assert codes(findings) == ["RG101"]
    assert "trailer Co-authored-by" in findings[0].message
    assert "accepted: Assisted-by" in findings[0].message
    assert_hints_fix(commit, pol)


def test_the_model_in_the_hint_comes_from_the_signature() -> None:
    aider = make_commit("feat: x\n\nCo-authored-by: aider (openai/gpt-4o) <aider@aider.chat>\n")
    (finding,) = check_assistance(aider, KERNEL)
    assert finding.hint == "add the trailer `Assisted-by: aider:openai/gpt-4o`"
    opus = make_commit("feat: x\n\nCo-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>\n")
    (finding,) = check_assistance(opus, KERNEL)
    assert finding.hint == "add the trailer `Assisted-by: Claude:claude-opus-4-1`"
    assert_hints_fix(aider, KERNEL)
    assert_hints_fix(opus, KERNEL)


def test_copilot_agent_commit_needs_a_declaration() -> None:
    message = ("Fix the flaky retry test\n\n"
               "Agent-Logs-Url: https://github.com/acme/api/sessions/31474705-fbd9\n\n"
               "Co-authored-by: ada <235218211+ada@users.noreply.github.com>\n")
    commit = make_commit(message, author=COPILOT_BOT, committer=ADA)
    findings = check_assistance(commit, policy())
    assert codes(findings) == ["RG101"]
    assert "GitHub Copilot" in findings[0].message and "author" in findings[0].message
    assert findings[0].hint == "add the trailer `Assisted-by: Copilot:unknown`"
    assert_hints_fix(commit, policy())


def test_declaring_another_tool_does_not_cover_a_signature() -> None:
    commit = make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n\nAssisted-by: Codex:gpt-5-codex\n")
    findings = check_assistance(commit, policy())
    assert codes(findings) == ["RG101"]
    assert "name only OpenAI Codex" in findings[0].message
    assert_hints_fix(commit, policy())


def test_a_declaration_naming_an_unlisted_tool_is_given_the_benefit_of_the_doubt() -> None:
    commit = make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n\nAssisted-by: Zorblax:claude-sonnet-4\n")
    assert check_assistance(commit, policy()) == []


def test_declaring_none_next_to_a_tool_signature_is_rg101_and_replaced() -> None:
    commit = make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n\nAssisted-by: none\n")
    (finding,) = check_assistance(commit, policy(require="every-commit"))
    assert finding.code == "RG101"
    assert finding.hint == "replace `Assisted-by: none` with `Assisted-by: Claude:unknown`"
    assert_hints_fix(commit, policy(require="every-commit"))


def test_two_undeclared_tools_give_one_finding_each() -> None:
    commit = make_commit("feat: x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n",
                         author="Jane Doe (aider) <jane@example.org>")
    pol = policy(trailers=("Assisted-by",))
    findings = check_assistance(commit, pol)
    assert codes(findings) == ["RG101", "RG101"]
    assert {f.hint for f in findings} == {"add the trailer `Assisted-by: aider:unknown`",
                                          "add the trailer `Assisted-by: Cursor:unknown`"}
    assert_hints_fix(commit, pol)


def test_only_co_authored_by_accepted_hint_uses_the_tool_identity() -> None:
    pol = policy(trailers=("Co-authored-by",))
    commit = make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n")
    (finding,) = check_assistance(commit, pol)
    assert finding.hint == "add the trailer `Co-authored-by: Claude <noreply@anthropic.com>`"
    assert_hints_fix(commit, pol)


def test_policy_tools_are_recognised_and_declarable() -> None:
    tools = (ToolIdentity("Tabnine", email="agent@tabnine.example"),
             ToolIdentity("Helper", pattern=r"^Helper Bot <.*@corp\.example>$"))
    pol = policy(tools=tools)
    by_email = make_commit("feat: x\n", author="Tab Nine <AGENT@tabnine.example>")
    (finding,) = check_assistance(by_email, pol)
    assert finding.hint == "add the trailer `Assisted-by: Tabnine:unknown`"
    assert check_assistance(by_email, policy()) == []  # not a tool without the policy
    by_pattern = make_commit("feat: x\n\nCo-authored-by: Helper Bot <hb@corp.example>\n")
    assert check_assistance(by_pattern, pol) == []  # its co-author line declares it
    assert codes(check_assistance(by_pattern, replace(pol, assistance=replace(
        pol.assistance, trailers=("Assisted-by",))))) == ["RG101"]
    assert_hints_fix(by_email, pol)


# --- RG102 ----------------------------------------------------------------------

PLACEHOLDERS = [
    "AGENT_NAME:MODEL_VERSION", "<agent>:<model>", "TOOL:MODEL", "Claude:MODEL_VERSION",
    "Claude:claude-3-opus [TOOL1]", "agent:model", "AGENT:MODEL [TOOL1] [TOOL2]",
    "Claude:...", "unknown:gpt-5",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
@pytest.mark.parametrize("fmt", ["any", "kernel"])
def test_placeholders_are_rejected_in_every_format(value: str, fmt: str) -> None:
    assert placeholder_in(value)
    commit = make_commit(f"net: fix a leak\n\nAssisted-by: {value}\n")
    pol = policy(fmt=fmt)
    findings = check_assistance(commit, pol)
    assert codes(findings) == ["RG102"]
    assert_hints_fix(commit, pol)


@pytest.mark.parametrize("value", [
    "Claude:claude-3-opus", "Claude:claude-3-opus coccinelle sparse", "aider:openai/gpt-4o",
    "Codex:gpt-5-codex", "ollama:gemma3:e4b-mlx", "Claude:unknown", "none", "None",
    "Gemini:gemini-2.5-pro checkpatch.pl",
])
def test_kernel_format_accepts(value: str) -> None:
    assert declaration_problem(value, "kernel") is None
    assert check_assistance(make_commit(f"x: y\n\nAssisted-by: {value}\n"), KERNEL) == []


@pytest.mark.parametrize("value", [
    "Claude Code", "Claude: opus", "claude opus 4", "Claude:", ":gpt-4o",
    "GitHub Copilot (gpt-4.1)",
])
def test_kernel_format_rejects_free_text_that_any_accepts(value: str) -> None:
    assert declaration_problem(value, "kernel")
    assert declaration_problem(value, "any") is None
    commit = make_commit(f"x: y\n\nAssisted-by: {value}\n")
    assert check_assistance(commit, policy()) == []
    findings = check_assistance(commit, KERNEL)
    assert codes(findings) == ["RG102"]
    assert_hints_fix(commit, KERNEL)


def test_a_known_tool_in_a_malformed_declaration_gets_an_exact_replacement() -> None:
    commit = make_commit("x: y\n\nAssisted-by: Claude Code (Opus)\n")
    (finding,) = check_assistance(commit, KERNEL)
    assert finding.hint == (
        "replace `Assisted-by: Claude Code (Opus)` with `Assisted-by: Claude:unknown`")
    commit = make_commit("x: y\n\nAssisted-by: Claude:claude-3-opus [TOOL1]\n")
    (finding,) = check_assistance(commit, policy())
    assert finding.hint == (
        "replace `Assisted-by: Claude:claude-3-opus [TOOL1]` with "
        "`Assisted-by: Claude:claude-3-opus`")


def test_an_empty_declaration_is_malformed() -> None:
    commit = make_commit("x: y\n\nAssisted-by:\nSigned-off-by: Ada Lovelace <ada@example.org>\n")
    (finding,) = check_assistance(commit, policy())
    assert finding.code == "RG102" and "is empty" in finding.message
    assert_hints_fix(commit, policy())


def test_co_authored_by_keeps_its_own_form_under_kernel_format() -> None:
    pol = policy(fmt="kernel")
    commit = make_commit(f"x: y\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_COAUTHOR}\n")
    assert check_assistance(commit, pol) == []


# --- RG103 ----------------------------------------------------------------------


def test_tool_sign_off_without_declaration_is_replaced_by_a_declaration() -> None:
    commit = make_commit("docs: retries\n\nSigned-off-by: Claude <noreply@anthropic.com>\n"
                         "Signed-off-by: Ada Lovelace <ada@example.org>\n")
    (finding,) = check_assistance(commit, policy())
    assert finding.code == "RG103"
    assert finding.hint.startswith("replace `Signed-off-by: Claude <noreply@anthropic.com>` "
                                   "with `Assisted-by: Claude:unknown`")
    assert_hints_fix(commit, policy())


def test_tool_sign_off_with_declaration_is_removed() -> None:
    commit = make_commit("docs: retries\n\nAssisted-by: Claude:claude-opus-4-1\n"
                         "Signed-off-by: Claude <noreply@anthropic.com>\n")
    (finding,) = check_assistance(commit, policy())
    assert finding.code == "RG103"
    assert finding.hint.startswith("remove `Signed-off-by: Claude <noreply@anthropic.com>`")
    assert_hints_fix(commit, policy())


def test_with_rg103_off_a_tool_sign_off_is_still_undeclared_assistance() -> None:
    commit = make_commit("docs: retries\n\nSigned-off-by: Codex <noreply@openai.com>\n")
    assert codes(check_assistance(commit, policy(rules={"RG103": "off"}))) == ["RG101"]


def test_non_tool_sign_offs_are_fine() -> None:
    message = ("chore: bump\n\nSigned-off-by: dependabot[bot] <support@github.com>\n"
               "Signed-off-by: Claude Dupont <claude@dupont.fr>\n")
    assert check_assistance(make_commit(message), policy()) == []


# --- RG104: every-commit ------------------------------------------------------------


def test_every_commit_requires_a_declaration_or_none() -> None:
    pol = policy(require="every-commit")
    commit = make_commit("refactor: split the loader\n\n"
                         "Signed-off-by: Ada Lovelace <ada@example.org>\n")
    (finding,) = check_assistance(commit, pol)
    assert finding.code == "RG104"
    assert finding.hint.startswith("add the trailer `Assisted-by: none`")
    assert_hints_fix(commit, pol)
    for declared in ("Assisted-by: none", "Generated-by: none", "Assisted-by: Claude:opus",
                     "Co-authored-by: Codex <noreply@openai.com>"):
        assert check_assistance(make_commit(f"refactor: x\n\n{declared}\n"), pol) == []


def test_every_commit_reports_a_signature_as_rg101_only() -> None:
    commit = make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n")
    assert codes(check_assistance(commit, policy(require="every-commit"))) == ["RG101"]


def test_a_co_author_who_is_a_person_is_not_a_declaration() -> None:
    commit = make_commit("feat: x\n\nCo-authored-by: Claude Dupont <claude@dupont.fr>\n")
    assert codes(check_assistance(commit, policy(require="every-commit"))) == ["RG104"]


def test_every_commit_uses_the_first_accepted_declaration_key() -> None:
    pol = policy(require="every-commit", trailers=("Co-authored-by", "Generated-by"))
    (finding,) = check_assistance(make_commit("x: y\n"), pol)
    assert finding.hint.startswith("add the trailer `Generated-by: none`")
    assert_hints_fix(make_commit("x: y\n"), pol)


# --- RG105: forbidden -----------------------------------------------------------------


@pytest.mark.parametrize(("message", "author"), [
    ("feat: add a JSON report\n\nAssisted-by: Claude:claude-opus-4-1\n", ADA),
    (f"feat: add a JSON report\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_COAUTHOR}\n", ADA),
    ("Fix flaky test\n\nAgent-Logs-Url: https://github.com/a/b/sessions/1\n", COPILOT_BOT),
    ("feat: x\n\nMade-with: Cursor\n", ADA),
    ("feat: x\n", "openhands <openhands@all-hands.dev>"),
])
def test_forbidden_rejects_declared_and_signed_commits(message: str, author: str) -> None:
    pol = policy(require="forbidden")
    commit = make_commit(message, author=author)
    (finding,) = check_assistance(commit, pol)
    assert finding.code == "RG105"
    assert "redo the change without the tool" in finding.hint
    assert_hints_fix(commit, pol)


def test_forbidden_accepts_humans_and_none() -> None:
    pol = policy(require="forbidden")
    for message in ("feat: x\n", "feat: x\n\nAssisted-by: none\n",
                    "feat: x\n\nCo-authored-by: Claude Dupont <claude@dupont.fr>\n"):
        assert check_assistance(make_commit(message), pol) == []


# --- off, severities, policy errors -----------------------------------------------------


def test_off_checks_nothing() -> None:
    commit = make_commit(f"x\n\n{CLAUDE_FOOTER}\n\nAssisted-by: AGENT_NAME:MODEL_VERSION\n"
                         "Signed-off-by: Claude <noreply@anthropic.com>\n")
    assert len(check_assistance(commit, policy())) == 2
    assert check_assistance(commit, policy(require="off")) == []


def test_rule_severities_come_from_policy() -> None:
    commit = make_commit(f"x\n\n{CLAUDE_FOOTER}\n")
    (error,) = check_assistance(commit, policy())
    assert error.severity is Severity.ERROR and error.sha == "a" * 40
    (warning,) = check_assistance(commit, policy(rules={"RG101": "warning"}))
    assert warning.severity is Severity.WARNING
    assert check_assistance(commit, policy(rules={"RG101": "off"})) == []


def test_unknown_mode_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="every-commit"):
        check_assistance(make_commit("x\n"), policy(require="sometimes"))


def test_every_finding_has_a_hint_that_fixes_it() -> None:
    cases = [
        (f"a\n\n{CLAUDE_FOOTER}\n\nAssisted-by: TOOL:MODEL\n"
         "Signed-off-by: Claude <noreply@anthropic.com>\n", ADA, policy()),
        ("a\n\nMade-with: Cursor\n\nCo-authored-by: opencode <noreply@opencode.ai>\n",
         "Jane (aider) <jane@example.org>", KERNEL),
        ("a\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\n"
         "Co-authored-by: Amp <amp@ampcode.com>\n", ADA, policy(require="forbidden")),
        ("a\n\nGenerated-by: <agent>:<model>\n", COPILOT_BOT, policy(require="every-commit")),
    ]
    for message, author, pol in cases:
        assert_hints_fix(make_commit(message, author=author), pol)


TRAILER_LINES = [
    CLAUDE_COAUTHOR, "Co-authored-by: Codex <noreply@openai.com>",
    "Co-authored-by: aider (openai/gpt-4o) <aider@aider.chat>",
    "Co-authored-by: Cursor <cursoragent@cursor.com>",
    "Co-authored-by: Claude Dupont <claude@dupont.fr>",
    "Signed-off-by: Claude <noreply@anthropic.com>",
    "Signed-off-by: Ada Lovelace <ada@example.org>",
    "Assisted-by: Claude:claude-opus-4-1", "Assisted-by: AGENT_NAME:MODEL_VERSION",
    "Assisted-by: none", "Generated-by: none", "Generated-by: Claude Code",
    "Assisted-by: <agent>:<model>", "Made-with: Cursor", "Reviewed-by: Bo <bo@example.org>",
    "Assisted-by: Kiro:claude-sonnet-4", "Assisted-by:",
]
PARAGRAPHS = [
    CLAUDE_FOOTER, "Agent-Logs-Url: https://github.com/a/b/sessions/1", "Explain the change.",
    "🤖 Generated with [opencode](https://opencode.ai)",
    "Co-authored-by: Amp <amp@ampcode.com>\n\nA paragraph after it.",
]
AUTHORS = [ADA, COPILOT_BOT, "Jane Doe (aider) <jane@example.org>",
           "openhands <openhands@all-hands.dev>", "Claude Dupont <claude@dupont.fr>"]
POLICIES = st.builds(
    policy,
    require=st.sampled_from(["declared", "every-commit", "forbidden"]),
    fmt=st.sampled_from(["any", "kernel"]),
    trailers=st.lists(st.sampled_from(["Assisted-by", "Generated-by", "Co-authored-by"]),
                      min_size=1, unique=True).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(st.sampled_from(PARAGRAPHS), max_size=2),
       trailers=st.lists(st.sampled_from(TRAILER_LINES), max_size=4),
       author=st.sampled_from(AUTHORS), pol=POLICIES)
def test_any_hint_applied_removes_its_finding_and_adds_none(
        body: list[str], trailers: list[str], author: str, pol: Policy) -> None:
    message = "\n\n".join(["feat: change", *body, "\n".join(trailers)]).rstrip("\n") + "\n"
    commit = make_commit(message, author=author, committer=ADA)
    before = check_assistance(commit, pol)
    for finding in before:
        assert finding.hint
        if "assistance.trailers" in finding.hint:
            continue  # the fix needs a policy change, which a commit cannot make
        after = check_assistance(apply_hint(commit, finding.hint), pol)
        assert codes(after).count(finding.code) < codes(before).count(finding.code), \
            (message, finding, after)
        assert set(codes(after)) <= set(codes(before)), (message, finding, after)


# --- run_rules: which commits are looked at ----------------------------------------------


def test_run_rules_skips_merges_and_fixups_unless_asked() -> None:
    undeclared = f"\n\n{CLAUDE_FOOTER}\n"
    merge = make_commit("Merge branch 'x'" + undeclared, parents=("b" * 40, "c" * 40))
    octopus = make_commit("Merge branches" + undeclared, parents=("b" * 40, "c" * 40, "d" * 40))
    fixups = [make_commit(prefix + "feat: x" + undeclared)
              for prefix in ("fixup! ", "squash! ", "amend! ")]
    plain = make_commit("feat: x" + undeclared)
    commits = [merge, octopus, *fixups, plain]
    assert len(run_rules(commits, policy())) == 1
    check_all = replace(policy(), commits=CommitsPolicy(merges="check", fixups="check"))
    assert len(run_rules(commits, check_all)) == 6
    only_merges = replace(policy(), commits=CommitsPolicy(merges="check", fixups="skip"))
    assert len(run_rules(commits, only_merges)) == 3
    not_a_fixup = make_commit("fixup the parser" + undeclared)
    assert len(run_rules([not_a_fixup], policy())) == 1


def test_run_rules_checks_a_pending_message() -> None:
    pending = replace(make_commit(f"feat: x\n\n{CLAUDE_FOOTER}\n", parents=()), sha="",
                      pending=True)
    (finding,) = run_rules([pending], policy())
    assert finding.code == "RG101" and finding.sha == ""


# --- a real repository ----------------------------------------------------------------


def commit_from_git(repo: Repo, rev: str = "HEAD") -> Commit:
    fmt = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI"
    fields = repo.git("log", "-1", f"--format={fmt}", rev).stdout.rstrip("\n").split("\x00")
    message = repo.git("log", "-1", "--format=%B", rev).stdout
    raw_trailers = repo.git("log", "-1", "--format=%(trailers:only,unfold)", rev).stdout
    trailers = tuple(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in raw_trailers.splitlines() if line)
    )
    return Commit(
        sha=fields[0], parents=tuple(fields[1].split()),
        author=Person(fields[2], fields[3], fields[4]),
        committer=Person(fields[5], fields[6], fields[7]),
        message=message.rstrip("\n") + "\n", trailers=trailers,
    )


def test_commits_read_back_from_a_real_repository(repo: Repo) -> None:
    repo.commit("init\n")
    kernel_only = policy(fmt="kernel", trailers=("Assisted-by",))
    human = repo.commit("docs: describe retries\n\nSigned-off-by: Ada Author <ada@example.org>\n")
    assert check_assistance(commit_from_git(repo, human), policy()) == []
    claude = repo.commit(
        f"feat: add retries\n\nRetry twice on a timeout.\n\n{CLAUDE_FOOTER}\n\n"
        f"{CLAUDE_COAUTHOR}\n")
    read = commit_from_git(repo, claude)
    assert read.trailers == (("Co-Authored-By", "Claude <noreply@anthropic.com>"),)
    assert check_assistance(read, policy()) == []
    (finding,) = check_assistance(read, kernel_only)
    assert finding.hint == "add the trailer `Assisted-by: Claude:unknown`"
    line = re.search(r"add the trailer `([^`]+)`", finding.hint).group(1)
    repo.git("commit", "--amend", "-q", "--no-edit", "--no-verify", "--allow-empty",
             "--trailer", line)
    amended = commit_from_git(repo)
    assert amended.trailer_values("Assisted-by") == ["Claude:unknown"]
    assert check_assistance(amended, kernel_only) == []
    copilot = repo.commit(
        "Fix flaky retry test\n\nAgent-Logs-Url: https://github.com/acme/api/sessions/1\n\n"
        "Co-authored-by: Ada <1+ada@users.noreply.github.com>\n", author=COPILOT_BOT)
    read = commit_from_git(repo, copilot)
    assert read.author.name == "copilot-swe-agent[bot]"
    assert read.trailers == (("Co-authored-by", "Ada <1+ada@users.noreply.github.com>"),)
    assert codes(check_assistance(read, policy())) == ["RG101"]


# --- answers shared between commits with the same disclosure content ----------------------


def test_a_shared_answer_needs_the_same_marks_not_just_the_same_trailers() -> None:
    # Same identities and trailers; only the second carries a footer in its body.
    trailers = "Reviewed-by: Grace Hopper <grace@example.org>\n"
    plain = replace(make_commit(f"feat: a\n\n{trailers}"), sha="1" * 40)
    marked = replace(make_commit(f"feat: b\n\n{CLAUDE_FOOTER}\n\n{trailers}"), sha="2" * 40)
    pol = policy()
    for order in ((plain, marked), (marked, plain)):
        found = {c.sha: codes(check_assistance(c, pol)) for c in order}
        assert found == {"1" * 40: [], "2" * 40: ["RG101"]}


def test_commits_with_equal_content_each_get_their_own_findings() -> None:
    message = f"fix: x\n\n{CLAUDE_FOOTER}\n"
    first, second = (replace(make_commit(message), sha=c * 40) for c in "12")
    pol = policy()
    findings = run_rules([first, second], pol)
    assert [(f.sha, f.code) for f in findings] == [("1" * 40, "RG101"), ("2" * 40, "RG101")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(
    st.tuples(st.lists(st.sampled_from(PARAGRAPHS), max_size=2),
              st.lists(st.sampled_from(TRAILER_LINES), max_size=3),
              st.sampled_from(AUTHORS)),
    min_size=2, max_size=8),
    pol=POLICIES)
def test_a_run_over_many_commits_judges_each_as_a_run_over_it_alone(
        cases: list[tuple[list[str], list[str], str]], pol: Policy) -> None:
    commits = []
    for number, (body, trailers, author) in enumerate(cases):
        message = "\n\n".join(["feat: change", *body, "\n".join(trailers)]).rstrip("\n") + "\n"
        commits.append(replace(make_commit(message, author=author, committer=ADA),
                               sha=f"{number:040d}"))
    together = [check_assistance(commit, pol) for commit in commits]
    # A copy of the policy is another context: nothing learnt before is reused.
    alone = [check_assistance(commit, replace(pol)) for commit in commits]
    assert together == alone
