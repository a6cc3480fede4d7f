"""Which tools a project accepts (RG108): `assistance.allow`, `assistance.deny` and
`assistance.harness: free-software`, judged from the registry's licence data.
Through the real CLI on real repositories."""

from __future__ import annotations

import pytest

from conftest import Repo
from reviewgate.disclosure.policy_rules import accepted, refusal
from reviewgate.disclosure.registry import REGISTRY, by_name
from reviewgate.policy.load import policy_from_text
from test_check_cli import reviewgate
from test_presets import ADA, CLAUDE, codes, findings, with_policy


def policy(text: str):
    return policy_from_text(text, ".reviewgate.yaml")


def test_free_software_harness_names_the_tool_why_and_the_accepted_ones(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  harness: free-software\n")
    claude = repo.commit("feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n", author=ADA)
    codex = repo.commit("feat: y\n\nAssisted-by: Codex:gpt-5-codex\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD~2..HEAD", "--format", "json")
    assert result.returncode == 1, result.stderr
    rg108 = [f for f in findings(result.stdout, claude) if f["code"] == "RG108"]
    assert len(rg108) == 1
    message = rg108[0]["message"]
    assert message.startswith("Claude Code is proprietary; this project accepts "
                              "free-software harnesses only: OpenAI Codex, Aider, ")
    assert "OpenCode" in message and "goose" in message
    assert "Cursor" not in message and "Crush" not in message  # not free software
    assert message.endswith("(`Assisted-by: Claude:claude-opus-4-1`)")
    assert "RG108" not in codes(result.stdout, codex)


def test_a_tool_shown_but_not_declared_is_judged_too(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  harness: free-software\n")
    sha = repo.commit("feat: x\n\nbody\n", author=CLAUDE)
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert "RG108" in codes(result.stdout, sha)


def test_source_available_is_not_free_software() -> None:
    crush = by_name("Crush")
    assert crush is not None
    why = refusal(crush, policy("assistance:\n  harness: free-software\n"))
    assert why is not None and why.startswith("Crush is source-available (FSL-1.1-MIT);")


def test_deny_and_allow(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  allow: [aider, Codex, claude-code]\n  deny: [Claude]\n")
    claude = repo.commit("feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n", author=ADA)
    cursor = repo.commit("feat: y\n\nMade-with: Cursor\nAssisted-by: Cursor:unknown\n",
                         author=ADA)
    aider = repo.commit("feat: z\n\nAssisted-by: aider:gpt-4o\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD~3..HEAD", "--format", "json")
    by_commit = {sha: [f["message"] for f in findings(result.stdout, sha) if f["code"] == "RG108"]
                 for sha in (claude, cursor, aider)}
    assert by_commit[claude] == [
        "Claude Code is denied by this project's policy (assistance.deny) "
        "(`Assisted-by: Claude:claude-opus-4-1`)"]
    assert len(by_commit[cursor]) == 1
    assert by_commit[cursor][0].startswith(
        "Cursor is not among the tools this project accepts: OpenAI Codex, Aider (")
    assert by_commit[aider] == []


def test_a_declaration_of_none_is_no_tool(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  allow: [aider]\n")
    sha = repo.commit("feat: x\n\nAssisted-by: none\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert codes(result.stdout, sha) == []


def test_rg108_can_be_switched_off(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  deny: [Claude]\nrules:\n  RG108: \"off\"\n")
    sha = repo.commit("feat: x\n\nAssisted-by: Claude:claude-opus-4-1\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert "RG108" not in codes(result.stdout, sha)


@pytest.mark.parametrize(("text", "expected"), [
    ("assistance:\n  allow: [aider, Claud]\n",
     ".reviewgate.yaml:2: unknown tool 'Claud' in assistance.allow (did you mean 'Claude'?)"),
    ("assistance:\n  deny:\n    - Codex\n    - zzzz\n",
     ".reviewgate.yaml:4: unknown tool 'zzzz' in assistance.deny (registry names: Claude, "),
])
def test_an_unknown_name_is_exit_2_naming_file_and_line(
    repo: Repo, text: str, expected: str
) -> None:
    with_policy(repo, text)
    repo.commit("feat: x\n\nAssisted-by: aider:gpt-4o\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 2
    assert result.stderr.startswith(f"reviewgate: error: {expected}")
    assert result.stderr.count("\n") == 1


def test_a_projects_own_tool_may_be_named(repo: Repo) -> None:
    with_policy(repo, "assistance:\n  tools:\n    - {name: OurBot, email: bot@example.com}\n"
                      "  allow: [OurBot]\n")
    sha = repo.commit("feat: x\n\nbody\n", author="OurBot <bot@example.com>")
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "RG108" not in codes(result.stdout, sha)


def test_the_accepted_list_follows_the_registry() -> None:
    free = policy("assistance:\n  harness: free-software\n")
    listed = accepted(free).split(", ")
    assert listed == [t.display for t in REGISTRY if t.licence.is_free_software]
    assert accepted(policy("")) == "any tool"
