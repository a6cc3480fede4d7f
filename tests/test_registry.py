"""The registry's shape: 60+ tools, every string its own, every fact with a source,
every regular expression linear."""

from __future__ import annotations

import re
import time

import pytest

from reviewgate.disclosure.identity import match_identity, tool_by_name
from reviewgate.disclosure.registry import REGISTRY, by_name
from reviewgate.disclosure.tool import LICENCE_KINDS, UNKNOWN
from reviewgate.model.emails import parse_ident


def test_at_least_sixty_tools_each_with_a_source_and_a_licence() -> None:
    assert len(REGISTRY) >= 60
    for tool in REGISTRY:
        assert tool.source, tool.name
        assert tool.licence.kind in LICENCE_KINDS, tool.name
        if tool.licence.kind != UNKNOWN:
            assert tool.licence.source, tool.name


@pytest.mark.parametrize("field", ["emails", "bots", "session_keys", "session_urls",
                                   "subject_prefixes", "markers"])
def test_no_string_belongs_to_two_tools(field: str) -> None:
    owners: dict[str, str] = {}
    for tool in REGISTRY:
        for value in getattr(tool, field):
            if field != "subject_prefixes":  # "aider: " ends in its space
                assert value == value.strip(), (tool.name, value)
            assert value not in owners, (value, owners.get(value), tool.name)
            owners[value] = tool.name


def test_strings_are_stored_as_they_are_matched() -> None:
    for tool in REGISTRY:
        for value in (*tool.emails, *tool.bots, *tool.session_keys, *tool.session_urls,
                      *tool.markers, *tool.aliases, *tool.name_marks):
            assert value == value.lower(), (tool.name, value)
        for login in tool.bots:
            assert login.endswith("[bot]"), login


@pytest.mark.parametrize("bot", ["dependabot[bot]", "renovate[bot]", "github-actions[bot]",
                                 "gemini-cli-robot", "release-please[bot]", "web-flow"])
def test_non_ai_bots_are_not_tools(bot: str) -> None:
    assert match_identity(bot, f"12345+{bot}@users.noreply.github.com") is None
    assert all(bot not in tool.bots for tool in REGISTRY)


@pytest.mark.parametrize("person", [
    "Claude Dupont <claude@dupont.fr>", "Jules Damji <jules@tecton.ai>",
    "Devin Auclair <devinauclair@gmail.com>", "Silvio Junior <silviojr.dcc@gmail.com>",
    "Paul Gauthier <paul@aider.chat>", "Omid Mogasemi <omid@anthropic.com>",
    "Christian Rocha <christian@rocha.is>", "Amp Smith <amp@example.org>",
    "Google <noreply@google.com>",
])
def test_people_and_vendor_employees_are_not_tools(person: str) -> None:
    assert match_identity(*parse_ident(person)) is None


@pytest.mark.parametrize(("ident", "tool"), [
    ("Crush <crush@charm.land>", "Crush"),
    ("Charm Crush <crush@charm.land>", "Crush"),
    ("Crush <noreply@crush.charm.land>", "Crush"),
    ("sentry-junior[bot] <264270552+sentry-junior[bot]@users.noreply.github.com>", "Junior"),
    ("Junior <junior@sentry.io>", "Junior"),
    ("Gemini 3.1 Pro <no-reply@google.com>", "Gemini"),
    ("Gemini CLI <noreply@google.com>", "Gemini"),
    ("Composer <noreply@cursor.com>", "Cursor"),
    ("Cursor Agent <cursor-agent@cursor.sh>", "Cursor"),
    ("Hermes Agent <hermes-agent@nousresearch.com>", "Hermes-Agent"),
    ("Qwen-Coder <qwen-coder@alibabacloud.com>", "Qwen-Code"),
    ("Amp <amp@ampcode.com>", "Amp"),
    ("Kimi K2.7 Code <noreply@kimi.com>", "Kimi"),
    ("Codebuff <noreply@codebuff.com>", "Codebuff"),
    ("Mistral Vibe <vibe@mistral.ai>", "Mistral-Vibe"),
    ("Oz <oz-agent@warp.dev>", "Warp"),
    ("Cosine <agent@cosine.sh>", "Cosine"),
    ("AI (Pi/Claude Opus 4.6 [250k]) <noreply@pi.dev>", "Pi"),
    ("OpenHands <opendevin@all-hands.dev>", "OpenHands"),
    ("aider (gemini-2.5-pro) <noreply@aider.dev>", "aider"),
    ("Copilot <copilot@github.com>", "Copilot"),
    ("Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>", "Copilot"),
    ("kiro-agent[bot] <244629292+kiro-agent[bot]@users.noreply.github.com>", "Kiro"),
    ("factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>", "Droid"),
    ("coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>", "CodeRabbit"),
    ("Nori <contact@tilework.tech>", "Nori"),
])
def test_new_identities(ident: str, tool: str) -> None:
    found = match_identity(*parse_ident(ident))
    assert found is not None and found.name == tool


def test_every_name_finds_its_own_tool() -> None:
    for tool in REGISTRY:
        assert by_name(tool.name) is tool
        assert tool_by_name(tool.display) is not None


# A quantified group that holds another quantifier can backtrack exponentially.
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[*+?}](?:[^()\\]|\\.)*\)[*+{]")


def test_registry_regexes_are_linear() -> None:
    patterns = [p for tool in REGISTRY for p in tool.email_patterns]
    assert patterns
    hostile = "a" * 5000 + "@" + "!" * 5000
    for pattern in patterns:
        assert not _NESTED.search(pattern), pattern
        started = time.perf_counter()
        re.compile(pattern).search(hostile)
        assert time.perf_counter() - started < 0.05, pattern
