"""Issue 13, items 2, 3 and 7: disclosure lines anywhere in the message, key classes,
people who are not tools, and the assistance object. Messages are the shapes real
tools and templates write (sources in tests/data/disclosure_corpus)."""

from __future__ import annotations

import pytest

from reviewgate.disclosure.assistance import assistance, to_json, to_text
from reviewgate.disclosure.declarations import declaration_problem, find_declarations
from reviewgate.disclosure.identity import find_tool_signatures
from reviewgate.disclosure.judge import check_assistance, tool_marks
from reviewgate.disclosure.keys import (
    SESSION,
    STRONG,
    WEAK,
    declares_none,
    key_class,
    looks_like_person,
)
from reviewgate.disclosure.lines import LINE, PARAGRAPH, body_lines, footer_name
from reviewgate.disclosure.registry import SESSION_KEY_SET
from test_rules_assistance import codes, make_commit, policy


def tools(message: str, author: str = "Ada Lovelace <ada@example.org>") -> list[str]:
    found = assistance(make_commit(message, author=author), policy())
    return [item.tool.name for item in found.tools]


# --- item 2: disclosure lines anywhere ---------------------------------------


def test_copilot_co_author_one_blank_line_above_its_session() -> None:
    message = ("Fix the pagination cursor\n\nBody.\n\n"
               "Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>\n\n"
               "Copilot-Session: f71d9868-eef8-4fb0-84c6-df7c9a6a0ade\n")
    commit = make_commit(message)
    assert commit.trailers == (("Copilot-Session", "f71d9868-eef8-4fb0-84c6-df7c9a6a0ade"),)
    declarations, signatures = tool_marks(commit, policy())
    assert [(d.tool.name if d.tool else None, d.where) for d in declarations] == [
        ("Copilot", "paragraph")]
    assert {s.where for s in signatures} == {"line Co-authored-by", "trailer Copilot-Session"}
    assert check_assistance(commit, policy()) == []


def test_a_template_declaration_above_closes_and_sign_off_is_a_declaration() -> None:
    message = ("net: fix a leak in the error path\n\nExplain the change.\n\n"
               "Assisted-by: Claude:claude-opus-4-1\n\nCloses #12\n\n"
               "Signed-off-by: Ada Lovelace <ada@example.org>\n")
    commit = make_commit(message)
    assert ("Assisted-by", "Claude:claude-opus-4-1") not in commit.trailers
    (declaration,) = find_declarations(commit, policy())
    assert declaration.tool is not None and declaration.tool.name == "Claude"
    assert declaration.where == "paragraph"
    # Seen, so it satisfies RG101 and the sign-off rule knows the commit is assisted.
    footer = message.replace("Closes #12", "🤖 Generated with [Claude Code](https://claude.ai/code)"
                             "\n\nCloses #12")
    assert codes(check_assistance(make_commit(footer), policy())) == []


def test_opencode_footer_right_above_its_co_author() -> None:
    message = ("Add retries\n\n🤖 Generated with [opencode](https://opencode.ai)\n"
               "Co-Authored-By: opencode <noreply@opencode.ai>\n")
    commit = make_commit(message)
    assert commit.trailers == ()  # git: a footer line makes it no trailer block
    found = find_tool_signatures(commit)
    assert {(s.tool.name, s.where) for s in found} == {
        ("opencode", "footer"), ("opencode", "line Co-authored-by")}
    (declaration,) = find_declarations(commit, policy())
    assert declaration.tool is not None and declaration.where == "paragraph"


def test_prose_quoting_a_trailer_inside_a_sentence_does_not_count() -> None:
    message = ("docs: explain the convention\n\nTools write "
               "`Co-authored-by: Claude <noreply@anthropic.com>` or\n"
               "Assisted-by: Claude:MODEL at the end, as the kernel asks.\n")
    commit = make_commit(message)
    assert find_declarations(commit, policy()) == []
    assert tools(message) == []
    assert [line.where for line in body_lines(message, commit.trailers)] == [LINE]


def test_a_disclosure_paragraph_is_made_only_of_trailer_shaped_lines() -> None:
    message = ("x\n\nCo-authored-by: Codex <noreply@openai.com>\n"
               "Reviewed-by: Bo <bo@example.org>\n\nclosing prose\n")
    assert [line.where for line in body_lines(message, ())] == [PARAGRAPH, PARAGRAPH]
    mixed = "x\n\nSome prose.\nCo-authored-by: Codex <noreply@openai.com>\n\nmore prose\n"
    assert [line.where for line in body_lines(mixed, ())] == [LINE]
    # A mark at the start of a line still shows the tool; only a paragraph declares.
    assert tools(mixed) == ["Codex"]
    assert find_declarations(make_commit(mixed), policy()) == []


def test_a_trailer_glued_under_the_subject_counts() -> None:
    assert tools("fix: thing\nCo-Authored-By: Claude Opus 5 <noreply@anthropic.com>\n") == [
        "Claude"]


@pytest.mark.parametrize("footer", [
    "💘 Generated with Crush", "💖 Generated with Crush", "generated with crush",
    "🤖 Generated with [Nori](https://nori.ai)", "Generated with opencode",
    "Made with [Cursor](https://cursor.com)", "🤖 Generated with Codebuff",
    "GENERATED WITH [CLAUDE CODE](https://claude.com/claude-code)",
])
def test_footers_of_any_known_tool_in_any_case(footer: str) -> None:
    assert len(tools(f"feat: x\n\n{footer}\n")) == 1


@pytest.mark.parametrize("line", [
    "Generated by cargo-workspaces", "Generated with [love](https://example.org)",
    "Generated with Claude's help, not Claude Code's", "generated by autotools and cmake builds.",
])
def test_footers_naming_no_tool(line: str) -> None:
    assert tools(f"feat: x\n\n{line}\n") == []


def test_footer_name_reads_the_link_text() -> None:
    assert footer_name("🤖 Generated with [Claude Code](https://claude.com/claude-code)") == (
        "claude code")
    assert footer_name("💘 Generated with Crush") == "crush"
    assert footer_name("Tools generated with care by the team") is None


@pytest.mark.parametrize(("message", "tool"), [
    ("x\n\nClaude-Session: https://claude.ai/code/session_018QwjJ7yxRMtgRidfLuv2mu\n", "Claude"),
    ("x\n\nhttps://claude.ai/code/session_01PA5YNxogagLmiQrvvJNisX\n", "Claude"),
    ("x\n\nAgent-Logs-Url: https://github.com/a/b/sessions/01a4446d\n", "Copilot"),
    ("x\n\nAmp-Thread: https://ampcode.com/threads/T-1\n", "Amp"),
    ("x\n\nEntire-Session: 2f1c\n", "Entire"),
    ("x\n\nReplit-Commit-Author: Agent\n", "Replit-Agent"),
    ("aider: Added `/commit` to the README.md file.\n", "aider"),
    ("Fix it\n\n# Aider chat conversation:\n\nUSER: fix it\n", "aider"),
])
def test_session_links_prefixes_and_markers(message: str, tool: str) -> None:
    assert tools(message) == [tool]


def test_a_session_link_inside_a_sentence_is_prose() -> None:
    assert tools("x\n\nSee https://claude.ai/code/session_01 for the discussion.\n") == []


# --- item 3: key classes, people, none ---------------------------------------


def test_key_classes() -> None:
    assert key_class("Assisted-by", SESSION_KEY_SET) == STRONG
    assert key_class("AI-assisted-by", SESSION_KEY_SET) == STRONG
    assert key_class("Co-developed-by-AI", SESSION_KEY_SET) == STRONG
    assert key_class("Co-authored-by", SESSION_KEY_SET) == WEAK
    assert key_class("Made-with", SESSION_KEY_SET) == WEAK
    assert key_class("Claude-Session", SESSION_KEY_SET) == SESSION
    assert key_class("Agent-Logs-Url", SESSION_KEY_SET) == SESSION
    assert key_class("Reviewed-by", SESSION_KEY_SET) is None


@pytest.mark.parametrize("value", [
    "Viktor Szakats", "Jay Satiro", "Daniel Stenberg", "riastradh on github",
    "Tal Regev via #16045", "Daniel Böhmer <post@daniel-boehmer.de>", "Michael Kaufmann",
    "Jean-Luc van der Berg",
])
def test_assisted_by_a_person_is_not_a_tool(value: str) -> None:
    commit = make_commit(f"fix: x\n\nAssisted-by: {value}\n")
    assert find_declarations(commit, policy()) == []
    assert check_assistance(commit, policy(require="every-commit"))[0].code == "RG104"
    assert assistance(commit, policy()).assisted is False


@pytest.mark.parametrize("value", ["ChatGPT", "Zorblax:gpt-9", "Claude Fable 5",
                                   "GPT-5.2 via Crush <crush@charm.land>"])
def test_values_that_are_no_person(value: str) -> None:
    assert not looks_like_person(value, personal_address=False)


@pytest.mark.parametrize("value", ["none", "None", "no", "No.", "n/a"])
def test_none_and_no_declare_none(value: str) -> None:
    assert declares_none(value)
    (declaration,) = find_declarations(make_commit(f"x\n\nAssisted-by: {value}\n"), policy())
    assert declaration.is_none
    assert declaration_problem(value, "kernel") is None


@pytest.mark.parametrize(("value", "tool"), [
    ("Kimi K3 via Crush <crush@charm.land>", "Crush"),
    ("GLM-5.1 via Crush <crush@charm.land>", "Crush"),
    ("Claude Sonnet 4.5 via Crush", "Crush"),
    ("Crush:claude-opus-4-6", "Crush"),
    ("Crush:qwen3.7-max", "Crush"),
])
def test_a_harness_named_with_its_address_is_no_placeholder(value: str, tool: str) -> None:
    commit = make_commit(f"fix: x\n\nAssisted-by: {value}\n")
    assert declaration_problem(value, "any") is None
    (declaration,) = find_declarations(commit, policy())
    assert declaration.tool is not None and declaration.tool.name == tool
    assert codes(check_assistance(commit, policy())) == []


def test_a_real_placeholder_is_still_rg102() -> None:
    commit = make_commit("fix: x\n\nAssisted-by: AGENT_NAME <agent@example.com>\n")
    assert codes(check_assistance(commit, policy())) == ["RG102"]


# --- item 7: what was read ----------------------------------------------------


def test_the_assistance_object_names_the_evidence_and_the_declaration() -> None:
    message = ("feat: x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
               "Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>\n")
    found = to_json(assistance(make_commit(message), policy()))
    (claude,) = found["tools"]  # type: ignore[misc]
    assert claude == {
        "name": "Claude", "title": "Claude Code", "declared": True,
        "model": "claude-opus-4-1", "licence": "proprietary",
        "evidence": [
            {"where": "trailer Co-authored-by",
             "text": "Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>",
             "declares": False},
            {"where": "footer",
             "text": "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
             "declares": False},
            {"where": "trailer Co-authored-by",
             "text": "Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>",
             "declares": True},
        ],
    }
    assert found["declared_none"] is False


def test_the_text_form_says_what_is_not_declared() -> None:
    found = assistance(make_commit("x\n\n💘 Generated with Crush\n"), policy())
    assert to_text(found) == ["  Crush (Crush): not declared",
                              "    footer: 💘 Generated with Crush"]
    nothing = assistance(make_commit("x\n\nplain body\n"), policy())
    assert to_text(nothing) == ["  no tool shown or declared"]
