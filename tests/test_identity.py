"""The registry of tool identities and signatures, each with its exact real string."""

from __future__ import annotations

import pytest

from reviewgate.disclosure.identity import (
    REGISTRY,
    declaration_key,
    declaration_value,
    find_tool_signatures,
    is_bot,
    is_human,
    match_identity,
    tool_by_name,
    tool_named_in,
)
from reviewgate.model.emails import parse_ident
from reviewgate.policy.schema import ToolIdentity
from test_rules_assistance import make_commit

ADA = "Ada Lovelace <ada@example.org>"


@pytest.mark.parametrize(("ident", "tool"), [
    ("Claude <noreply@anthropic.com>", "Claude"),
    ("Claude Opus 4.1 <noreply@anthropic.com>", "Claude"),
    ("Claude Sonnet 4.5 <NoReply@Anthropic.com>", "Claude"),
    ("claude[bot] <209825114+claude[bot]@users.noreply.github.com>", "Claude"),
    ("Codex <noreply@openai.com>", "Codex"),
    ("chatgpt-codex-connector[bot] "
     "<199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>", "Codex"),
    ("copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "Copilot"),
    ("Copilot <175728472+Copilot@users.noreply.github.com>", "Copilot"),
    ("aider (openai/gpt-4o) <aider@aider.chat>", "aider"),
    ("Jane Doe (aider) <jane@example.org>", "aider"),
    ("Cursor <cursoragent@cursor.com>", "Cursor"),
    ("google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>",
     "Jules"),
    ("devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
     "Devin"),
    ("openhands <openhands@all-hands.dev>", "OpenHands"),
    ("opencode <noreply@opencode.ai>", "opencode"),
    ("Amp <amp@ampcode.com>", "Amp"),
    ("gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
     "Gemini-Code-Assist"),
])
def test_registry_identities(ident: str, tool: str) -> None:
    found = match_identity(*parse_ident(ident))
    assert found is not None and found.name == tool
    assert not is_human(*parse_ident(ident))


@pytest.mark.parametrize("ident", [
    "Claude Dupont <claude@dupont.fr>",
    "Claude <claude@acme.fr>",
    "Devin Smith <devin@example.org>",
    "Cursor Jones <cursor@jones.dev>",
    "Amp Person <amp@example.com>",
    "Jane Aider <jane@aider.org>",
    "Jane (aiders) <jane@example.org>",
    "Ada <1234+ada@users.noreply.github.com>",
    "copilot fan <copilot@example.com>",
    "Sam Altman Fan <sam@openai.co>",
])
def test_people_with_tool_like_names_are_humans(ident: str) -> None:
    name, email = parse_ident(ident)
    assert match_identity(name, email) is None
    assert not is_bot(name, email)
    assert is_human(name, email)


@pytest.mark.parametrize("ident", [
    "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>",
    "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
    "dependabot[bot] <support@github.com>",
])
def test_bots_that_are_not_ai_tools(ident: str) -> None:
    name, email = parse_ident(ident)
    assert is_bot(name, email)
    assert match_identity(name, email) is None
    assert not is_human(name, email)


@pytest.mark.parametrize(("text", "expected"), [
    ("Claude <noreply@anthropic.com>", ("Claude", "noreply@anthropic.com")),
    ("  Jane Doe   <jane@example.org>  ", ("Jane Doe", "jane@example.org")),
    ("<noreply@opencode.ai>", ("", "noreply@opencode.ai")),
    ("noreply@opencode.ai", ("", "noreply@opencode.ai")),
    ("Jane Doe jane@example.org", ("Jane Doe", "jane@example.org")),
    ("Jane Doe <jane@example.org", ("Jane Doe", "jane@example.org")),
    ("Jane Doe", ("Jane Doe", "")),
    ("", ("", "")),
])
def test_parse_ident(text: str, expected: tuple[str, str]) -> None:
    assert parse_ident(text) == expected


def signatures(message: str, author: str = ADA, committer: str | None = None,
               extra: tuple[ToolIdentity, ...] = ()) -> list[tuple[str, str, str, str | None]]:
    commit = make_commit(message, author=author, committer=committer)
    return [(s.tool.name, s.where, s.text, s.model)
            for s in find_tool_signatures(commit, extra)]


@pytest.mark.parametrize(("line", "tool", "where", "model"), [
    ("Co-Authored-By: Claude <noreply@anthropic.com>", "Claude", "trailer Co-authored-by", None),
    ("Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>", "Claude",
     "trailer Co-authored-by", "claude-opus-4-1"),
    ("Co-authored-by: Codex <noreply@openai.com>", "Codex", "trailer Co-authored-by", None),
    ("Co-authored-by: aider (openai/gpt-4o) <aider@aider.chat>", "aider",
     "trailer Co-authored-by", "openai/gpt-4o"),
    ("Co-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>", "aider",
     "trailer Co-authored-by", "anthropic/claude-sonnet-4-20250514"),
    ("Co-authored-by: Cursor <cursoragent@cursor.com>", "Cursor", "trailer Co-authored-by", None),
    ("Made-with: Cursor", "Cursor", "trailer Made-with", None),
    ("Co-authored-by: openhands <openhands@all-hands.dev>", "OpenHands",
     "trailer Co-authored-by", None),
    ("Co-Authored-By: opencode <noreply@opencode.ai>", "opencode", "trailer Co-authored-by", None),
    ("Co-authored-by: Amp <amp@ampcode.com>", "Amp", "trailer Co-authored-by", None),
    ("Amp-Thread-ID: https://ampcode.com/threads/T-019c58d6-7447-76d1-8e5b-c1c0e03cac36", "Amp",
     "trailer Amp-Thread-ID", None),
    ("Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
     "Copilot", "trailer Co-authored-by", None),
    ("Signed-off-by: Claude <noreply@anthropic.com>", "Claude", "trailer Signed-off-by", None),
])
def test_trailer_signatures(line: str, tool: str, where: str, model: str | None) -> None:
    message = f"feat: add retries\n\nBody text.\n\n{line}\n"
    assert signatures(message) == [(tool, where, line, model)]


@pytest.mark.parametrize("footer", [
    "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    "🤖 Generated with [Claude Code](https://claude.ai/code)",
    "Generated with [Claude Code](https://claude.ai/code)",
])
def test_claude_code_footer(footer: str) -> None:
    message = f"feat: x\n\n{footer}\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    found = signatures(message)
    assert ("Claude", "footer", footer, None) in found
    assert [s[1] for s in found] == ["trailer Co-authored-by", "footer"]


def test_opencode_and_amp_footers() -> None:
    found = signatures("x\n\n🤖 Generated with [opencode](https://opencode.ai)\n\n"
                       "🤖 Generated with [Amp](https://ampcode.com)\n")
    assert [(s[0], s[1]) for s in found] == [("opencode", "footer"), ("Amp", "footer")]


def test_a_footer_naming_no_tool_is_not_a_signature() -> None:
    assert signatures("x\n\nGenerated with [love](https://example.org)\n") == []
    assert signatures("x\n\nGenerated with Claude's help, not Claude Code's\n") == []


def test_copilot_agent_commit() -> None:
    message = ("Add AI-optimized vault structure\n\n"
               "Agent-Logs-Url: https://github.com/acme/brain/sessions/6d3c1f0a\n\n"
               "Co-authored-by: gupta <235218211+gupta@users.noreply.github.com>\n")
    found = signatures(message, author="copilot-swe-agent[bot] "
                                       "<198982749+Copilot@users.noreply.github.com>",
                       committer="GitHub <noreply@github.com>")
    assert found == [
        ("Copilot", "author", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
         None),
        ("Copilot", "trailer Agent-Logs-Url",
         "Agent-Logs-Url: https://github.com/acme/brain/sessions/6d3c1f0a", None),
    ]


def test_aider_author_and_committer() -> None:
    found = signatures("feat: x\n", author="Jane Doe (aider) <jane@example.org>",
                       committer="Jane Doe (aider) <jane@example.org>")
    assert [(s[0], s[1]) for s in found] == [("aider", "author"), ("aider", "committer")]


@pytest.mark.parametrize("author", [
    "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>",
    "devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
    "openhands <openhands@all-hands.dev>",
])
def test_agent_authors(author: str) -> None:
    found = signatures("feat: x\n", author=author, committer=ADA)
    assert len(found) == 1 and found[0][1] == "author" and found[0][2] == author


def test_co_author_outside_the_trailer_block_is_a_line_signature() -> None:
    message = ("feat: x\n\nCo-authored-by: Codex <noreply@openai.com>\n\n"
               "More text after it, so it is no trailer.\n")
    assert make_commit(message).trailers == ()
    assert signatures(message) == [
        ("Codex", "line Co-authored-by", "Co-authored-by: Codex <noreply@openai.com>", None)]


def test_human_commit_has_no_signature() -> None:
    message = ("fix: handle empty input\n\nReported-by: Claude Dupont <claude@dupont.fr>\n"
               "Co-authored-by: Claude <claude@acme.fr>\n"
               "Signed-off-by: Ada Lovelace <ada@example.org>\n")
    assert signatures(message, author="Claude Dupont <claude@dupont.fr>") == []


def test_policy_tools_extend_the_registry() -> None:
    extra = (ToolIdentity("Tabnine", email="Agent@Tabnine.example"),
             ToolIdentity("Helper", pattern=r"^Helper Bot <.*@corp\.example>$"))
    tabnine = match_identity("Tab", "agent@tabnine.example", extra)
    assert tabnine is not None and tabnine.name == "Tabnine"
    assert match_identity("Tab", "agent@tabnine.example") is None
    helper = match_identity("Helper Bot", "hb@corp.example", extra)
    assert helper is not None and helper.name == "Helper"
    assert match_identity("Helper Botanist", "hb@corp.example", extra) is None
    assert match_identity("Helper Bot", "hb@corp.example.org", extra) is None
    found = signatures("x\n\nCo-authored-by: Helper Bot <hb@corp.example>\n", extra=extra)
    assert [(s[0], s[1]) for s in found] == [("Helper", "trailer Co-authored-by")]
    assert tool_named_in("Tabnine:v2", extra) == tabnine


def test_email_wins_over_a_policy_pattern() -> None:
    extra = (ToolIdentity("Anything", pattern=r"noreply"),)
    found = match_identity("Claude", "noreply@anthropic.com", extra)
    assert found is not None and found.name == "Claude"


@pytest.mark.parametrize(("text", "tool"), [
    ("Claude:claude-opus-4-1", "Claude"),
    ("Claude Code", "Claude"),
    ("claude-code:opus", "Claude"),
    ("Codex CLI", "Codex"),
    ("GitHub Copilot (gpt-4.1)", "Copilot"),
    ("aider (gpt-4o)", "aider"),
    ("gemini-cli:gemini-2.5-pro", "Gemini"),
    ("Claude <noreply@anthropic.com>", "Claude"),
    ("Amplify:v1", None),
    ("Claudette:x", None),
    ("none", None),
    ("", None),
])
def test_tool_named_in(text: str, tool: str | None) -> None:
    found = tool_named_in(text)
    assert (found.name if found else None) == tool


def test_every_registry_tool_has_a_kernel_token_and_is_found_by_name() -> None:
    assert len({t.key for t in REGISTRY}) == len(REGISTRY)
    for tool in REGISTRY:
        assert tool_by_name(tool.name) == tool
        assert " " not in tool.token
        # A tool is known by a mark it writes, or at least by the names a
        # declaration uses (goose, Zed: no identity of their own).
        assert (tool.emails or tool.email_patterns or tool.bots or tool.named_emails
                or tool.session_keys or tool.aliases)
        if tool.identity:
            assert match_identity(*parse_ident(tool.identity)) == tool


def test_declaration_helpers() -> None:
    assert declaration_key(("Co-authored-by", "Generated-by", "Assisted-by")) == "Generated-by"
    assert declaration_key(("Co-authored-by", "AI-Assisted")) == "AI-Assisted"
    assert declaration_key(("Co-authored-by",)) is None
    claude = tool_by_name("Claude")
    assert claude is not None
    assert declaration_value(claude, None) == "Claude:unknown"
    assert declaration_value(claude, "claude-opus-4-1[1m]") == "Claude:claude-opus-4-1"
    assert declaration_value("Internal Bot", "v 2") == "Internal-Bot:v-2"
