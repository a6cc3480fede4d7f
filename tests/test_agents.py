"""Agent detection from a process environment, and the disclosure trailer it yields."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from reviewgate.disclosure.agents import AgentInfo, detect_agent, disclosure_trailer
from reviewgate.disclosure.identity import tool_by_name
from reviewgate.disclosure.judge import check_assistance
from reviewgate.policy.load import load_preset
from reviewgate.policy.schema import Policy
from test_rules_assistance import CLAUDE_FOOTER, make_commit, policy

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.parametrize(("env", "name", "evidence"), [
    ({"CLAUDECODE": "1"}, "Claude", "CLAUDECODE"),
    ({"CLAUDE_CODE_ENTRYPOINT": "cli"}, "Claude", "CLAUDE_CODE_ENTRYPOINT"),
    ({"CODEX_SANDBOX": "seatbelt"}, "Codex", "CODEX_SANDBOX"),
    ({"CODEX_SANDBOX_NETWORK_DISABLED": "1"}, "Codex", "CODEX_SANDBOX_NETWORK_DISABLED"),
    ({"CODEX_THREAD_ID": "019a3e0f-7c2b"}, "Codex", "CODEX_THREAD_ID"),
    ({"CODEX_CI": "1"}, "Codex", "CODEX_CI"),
    ({"CODEX_MANAGED_BY_NPM": "1"}, "Codex", "CODEX_MANAGED_BY_NPM"),
    ({"GEMINI_CLI": "1"}, "Gemini", "GEMINI_CLI"),
    ({"CURSOR_AGENT": "1"}, "Cursor", "CURSOR_AGENT"),
    ({"CURSOR_EXTENSION_HOST_ROLE": "agent-exec"}, "Cursor", "CURSOR_EXTENSION_HOST_ROLE"),
    ({"OPENCODE": "1", "AGENT": "1"}, "opencode", "OPENCODE"),
    ({"COPILOT_CLI": "1"}, "Copilot", "COPILOT_CLI"),
    ({"GIT_COMMITTER_NAME": "Ada Lovelace (aider)"}, "aider", "GIT_COMMITTER_NAME"),
    ({"GIT_AUTHOR_NAME": "Ada Lovelace (aider)"}, "aider", "GIT_AUTHOR_NAME"),
    ({"AGENT": "amp", "CLAUDECODE": "1"}, "Amp", "AGENT"),
    ({"AGENT": "amp"}, "Amp", "AGENT"),
    ({"QWEN_CODE": "1"}, "Qwen-Code", "QWEN_CODE"),
    ({"QWEN_CODE": "1", "QWEN_CODE_SESSION_ID": "s"}, "Qwen-Code", "QWEN_CODE"),
    ({"GOOSE_TERMINAL": "1"}, "Goose", "GOOSE_TERMINAL"),
    ({"GOOSE_TERMINAL": "1", "AGENT": "goose"}, "Goose", "AGENT"),
    ({"AI_AGENT": "opencode"}, "opencode", "AI_AGENT"),
    ({"AI_AGENT": "gemini-cli", "GEMINI_CLI": "1"}, "Gemini", "AI_AGENT"),
    ({"AI_AGENT": "codex", "CLAUDECODE": "1"}, "Codex", "AI_AGENT"),
    ({"AI_AGENT": "claude-code"}, "Claude", "AI_AGENT"),
    ({"AI_AGENT": "github_copilot"}, "Copilot", "AI_AGENT"),
    ({"AI_AGENT": "some-new-agent"}, "some-new-agent", "AI_AGENT"),
    ({"REVIEWGATE_AGENT": "Claude:claude-opus-4-1", "CODEX_SANDBOX": "seatbelt"}, "Claude",
     "REVIEWGATE_AGENT"),
    ({"REVIEWGATE_AGENT": "Internal Bot"}, "Internal-Bot", "REVIEWGATE_AGENT"),
])
def test_detects_agents_by_their_variables(env: dict[str, str], name: str, evidence: str) -> None:
    info = detect_agent({"PATH": "/usr/bin", "HOME": "/home/ada", **env})
    assert info is not None
    assert (info.name, info.evidence) == (name, evidence)
    assert info.tool == tool_by_name(name)


@pytest.mark.parametrize("env", [
    {},
    {"PATH": "/usr/bin", "TERM_PROGRAM": "vscode"},
    {"CURSOR_TRACE_ID": "4f2a"},  # Cursor's ordinary terminal, not its agent
    {"CURSOR_EXTENSION_HOST_ROLE": "extension-host"},
    {"CLAUDECODE": ""},
    {"CLAUDECODE": "0"},
    {"AGENT": "1"},  # names no agent
    {"AGENT": "jenkins"},  # a common word, and no agent we know
    {"AI_AGENT": "  "},
    {"ANTHROPIC_MODEL": "claude-opus-4-1", "GEMINI_MODEL": "gemini-2.5-pro",
     "AIDER_MODEL": "gpt-4o", "COPILOT_MODEL": "gpt-5"},  # settings are not agents
    {"GIT_COMMITTER_NAME": "Ada Lovelace"},
    {"REVIEWGATE_AGENT": "none", "CLAUDECODE": "1"},
])
def test_ordinary_shells_are_no_agent(env: dict[str, str]) -> None:
    assert detect_agent(env) is None


@pytest.mark.parametrize(("env", "model"), [
    ({"CLAUDECODE": "1"}, "unknown"),
    ({"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"}, "claude-opus-4-1"),
    ({"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-sonnet-4-5[1m]"}, "claude-sonnet-4-5"),
    ({"CLAUDECODE": "1", "ANTHROPIC_MODEL": "   "}, "unknown"),
    ({"GEMINI_CLI": "1", "GEMINI_MODEL": "gemini-2.5-pro"}, "gemini-2.5-pro"),
    ({"GIT_COMMITTER_NAME": "Ada (aider)", "AIDER_MODEL": "openai/gpt-4o"}, "openai/gpt-4o"),
    ({"COPILOT_CLI": "1", "COPILOT_MODEL": "gpt-5"}, "gpt-5"),
    ({"CODEX_SANDBOX": "seatbelt", "ANTHROPIC_MODEL": "claude-opus-4-1"}, "unknown"),
    ({"REVIEWGATE_AGENT": "Codex:gpt-5 codex"}, "gpt-5-codex"),
])
def test_model_comes_from_the_agents_own_setting_or_is_unknown(env: dict[str, str],
                                                               model: str) -> None:
    info = detect_agent(env)
    assert info is not None and info.model == model


def test_detection_reads_a_real_process_environment() -> None:
    script = ("import os; from reviewgate.disclosure.agents import detect_agent; "
              "info = detect_agent(os.environ); print(info.name if info else '-', "
              "info.model if info else '-')")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CLAUDE", "CODEX", "CURSOR", "GEMINI", "OPENCODE", "COPILOT",
                                 "AI_AGENT", "REVIEWGATE", "ANTHROPIC"))
            and k not in ("AGENT", "GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")}
    base["PYTHONPATH"] = str(SRC)

    def run(extra: dict[str, str]) -> str:
        return subprocess.run([sys.executable, "-c", script], env={**base, **extra},
                              capture_output=True, text=True, check=True,
                              timeout=60).stdout.strip()

    assert run({}) == "- -"
    assert run({"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"}) == \
        "Claude claude-opus-4-1"
    assert run({"CODEX_SANDBOX_NETWORK_DISABLED": "1"}) == "Codex unknown"


CLAUDE = AgentInfo("Claude", "unknown", "CLAUDECODE", tool_by_name("Claude"))


@pytest.mark.parametrize(("trailers", "fmt", "expected"), [
    (("Assisted-by", "Generated-by", "Co-authored-by"), "any", ("Assisted-by", "Claude:unknown")),
    (("Assisted-by",), "kernel", ("Assisted-by", "Claude:unknown")),
    (("Co-authored-by", "Generated-by"), "any", ("Generated-by", "Claude:unknown")),
    (("Co-authored-by", "AI-Assisted"), "any", ("AI-Assisted", "Claude:unknown")),
    (("Co-authored-by",), "any", ("Co-authored-by", "Claude <noreply@anthropic.com>")),
    ((), "any", ("Assisted-by", "Claude:unknown")),
])
def test_disclosure_trailer_follows_the_policy(trailers: tuple[str, ...], fmt: str,
                                               expected: tuple[str, str]) -> None:
    assert disclosure_trailer(CLAUDE, policy(fmt=fmt, trailers=trailers)) == expected


def test_disclosure_trailer_keeps_the_model_and_falls_back_for_unknown_agents() -> None:
    opus = replace(CLAUDE, model="claude-opus-4-1")
    assert disclosure_trailer(opus, policy(fmt="kernel")) == (
        "Assisted-by", "Claude:claude-opus-4-1")
    custom = detect_agent({"REVIEWGATE_AGENT": "Internal Bot:v2"})
    assert custom is not None
    only_co_author = policy(trailers=("Co-authored-by",))
    assert disclosure_trailer(custom, only_co_author) == ("Assisted-by", "Internal-Bot:v2")


@pytest.mark.parametrize("env", [
    {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1[1m]"},
    {"CODEX_THREAD_ID": "x"},
    {"GIT_COMMITTER_NAME": "Ada (aider)", "AIDER_MODEL": "ollama/gemma3:e4b-mlx"},
    {"REVIEWGATE_AGENT": "Tabnine"},
])
@pytest.mark.parametrize("pol", [
    policy(), policy(fmt="kernel", trailers=("Assisted-by",)),
    policy(require="every-commit", fmt="kernel", trailers=("Generated-by",)),
    policy(trailers=("Co-authored-by",)),
])
def test_the_added_trailer_satisfies_the_rules(env: dict[str, str], pol: Policy) -> None:
    info = detect_agent(env)
    assert info is not None
    key, value = disclosure_trailer(info, pol)
    if key.lower() not in {k.lower() for k in pol.assistance.trailers}:
        # Only an agent unknown to the registry has no identity to co-author with.
        assert info.tool is None and key == "Assisted-by"
        return
    footer = f"\n\n{CLAUDE_FOOTER}" if info.name == "Claude" else ""
    commit = make_commit(f"feat: add retries{footer}\n\n{key}: {value}\n")
    assert check_assistance(commit, pol) == []


def test_docs_list_exactly_the_variables_detection_reads() -> None:
    import re

    from reviewgate.disclosure.agents import VARIABLES

    docs = (Path(__file__).resolve().parents[1] / "docs" / "approve.md").read_text()
    bullet = docs.split("**Not from inside an agent.**", 1)[1].split("\n- ", 1)[0]
    named = set(re.findall(r"`([A-Z][A-Z_*]+)`", bullet)) - {"CODEX_HOME", "CODEX_API_KEY"}
    assert named == set(VARIABLES)
    for variable in VARIABLES:
        value = {"AGENT": "amp", "AI_AGENT": "codex", "REVIEWGATE_AGENT": "Claude",
                 "CURSOR_EXTENSION_HOST_ROLE": "agent-exec", "GIT_AUTHOR_NAME": "A (aider)",
                 "GIT_COMMITTER_NAME": "A (aider)"}.get(variable, "1")
        assert detect_agent({variable: value}) is not None, variable


@pytest.mark.parametrize("env", [{"CODEX_HOME": "/home/ann/.codex"}, {"CODEX_API_KEY": "sk-x"}])
def test_a_persons_own_codex_settings_are_no_agent(env: dict[str, str]) -> None:
    assert detect_agent(env) is None


# --- the trailer in the preset's form -----------------------------------------


@pytest.mark.parametrize(("preset", "env", "trailer"), [
    ("kernel", {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"},
     ("Assisted-by", "Claude:claude-opus-4-1")),
    ("kernel-llm", {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"},
     ("Assisted-by", "claude-opus-4-1")),
    ("kernel-llm", {"GEMINI_CLI": "1"}, ("Assisted-by", "Gemini:unknown")),
    ("asf", {"QWEN_CODE": "1"}, ("Generated-by", "Qwen-Code:unknown")),
    ("openinfra", {"GOOSE_TERMINAL": "1", "GOOSE_MODEL": "gpt-5"},
     ("Generated-By", "Goose:gpt-5")),
    ("mesa", {"OPENCODE": "1"}, ("Assisted-by", "opencode:unknown")),
    ("fedora", {"AGENT": "amp"}, ("Assisted-by", "Amp:unknown")),
])
def test_the_trailer_takes_the_presets_form(
    preset: str, env: dict[str, str], trailer: tuple[str, str]
) -> None:
    info = detect_agent(env)
    assert info is not None
    assert disclosure_trailer(info, load_preset(preset)) == trailer


def test_people_only_co_authors_never_get_a_tools_co_author_line() -> None:
    info = detect_agent({"CLAUDECODE": "1"})
    assert info is not None
    co_only = policy(trailers=("Co-authored-by",))
    assert disclosure_trailer(info, co_only) == ("Co-authored-by", info.tool.identity)
    people = replace(co_only, assistance=replace(co_only.assistance, co_authors="people"))
    assert disclosure_trailer(info, people) == ("Assisted-by", "Claude:unknown")
