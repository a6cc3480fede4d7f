"""Is this process running inside an AI coding agent? Read from its environment.

The prepare-commit-msg hook uses this to add the disclosure trailer itself when a
commit is made by, or from inside, a known agent. Only variables that an agent is
known to set are used; each carries the evidence for it. Variables that a plain
editor terminal also sets (Cursor's CURSOR_TRACE_ID) are deliberately left out,
since a person typing in Cursor's terminal is not an agent.

The model is taken from the environment only where the agent's own configuration
variable names it (ANTHROPIC_MODEL, GEMINI_MODEL, AIDER_MODEL, COPILOT_MODEL). No
agent exports the model it is really running, so a model read this way is the
configured one, and "unknown" is written when there is none: an honest
"unknown" is better than a guess that reads like a fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from reviewgate.disclosure.identity import Tool, clean_model, declaration_key, tool_by_name
from reviewgate.model.record import record

# `typing` costs the hooks start-up time; type checkers treat TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy

UNKNOWN_MODEL = "unknown"


@record
class AgentInfo:
    name: str  # the agent token of a declaration: "Claude"
    model: str  # "unknown" when the environment does not say
    evidence: str  # the variable that revealed the agent, e.g. "CLAUDECODE"
    tool: Tool | None = None  # the registry entry, when the agent is a known tool


def _set(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip() not in ("", "0", "false")


def _equals(name: str, value: str) -> Callable[[Mapping[str, str]], bool]:
    return lambda env: env.get(name, "").strip() == value


def _any_set(*names: str) -> Callable[[Mapping[str, str]], str | None]:
    def probe(env: Mapping[str, str]) -> str | None:
        return next((n for n in names if _set(env, n)), None)

    return probe


def _aider(env: Mapping[str, str]) -> str | None:
    # aider/repo.py commits with GIT_COMMITTER_NAME (and, for its own edits,
    # GIT_AUTHOR_NAME) set to "<user.name> (aider)"; git runs the hooks with that
    # environment when aider is started with --git-commit-verify.
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        if re.search(r"\(aider\)\s*$", env.get(name, "")):
            return name
    return None


def _cursor(env: Mapping[str, str]) -> str | None:
    # CURSOR_AGENT: set by the cursor-agent CLI and Cursor's agent shells (Cursor's
    # docs, "agent/terminal"; vercel detect-agent). CURSOR_EXTENSION_HOST_ROLE=agent-exec:
    # the in-IDE agent's shells (gh cli internal/agents/detect.go, gitbutler).
    if _set(env, "CURSOR_AGENT"):
        return "CURSOR_AGENT"
    if _equals("CURSOR_EXTENSION_HOST_ROLE", "agent-exec")(env):
        return "CURSOR_EXTENSION_HOST_ROLE"
    return None


_CODEX_VARIABLES = ("CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED", "CODEX_THREAD_ID",
                    "CODEX_CI", "CODEX_MANAGED_BY_NPM")

# Every variable detection reads, as docs/approve.md lists them.
VARIABLES = ("REVIEWGATE_AGENT", "AI_AGENT", "AGENT", "CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT",
             *_CODEX_VARIABLES, "GEMINI_CLI", "CURSOR_AGENT", "CURSOR_EXTENSION_HOST_ROLE",
             "OPENCODE", "QWEN_CODE", "GOOSE_TERMINAL", "COPILOT_CLI", "GIT_AUTHOR_NAME",
             "GIT_COMMITTER_NAME")

# (tool name, probe returning the revealing variable, model variables), first match wins.
# Amp sets AGENT=amp (and CLAUDECODE too), goose AGENT=goose: so the generic
# AGENT/AI_AGENT values are read first.
_PROBES: tuple[tuple[str, Callable[[Mapping[str, str]], str | None], tuple[str, ...]], ...] = (
    # Claude Code: CLAUDECODE=1 in every shell it spawns (anthropics/claude-code#531,
    # documented on code.claude.com env-vars); CLAUDE_CODE_ENTRYPOINT=cli|sdk-…
    # is set alongside it (noted, undocumented, in gh's detect.go).
    ("Claude", _any_set("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT"), ("ANTHROPIC_MODEL",)),
    # Codex CLI: CODEX_SANDBOX=seatbelt under macOS Seatbelt and
    # CODEX_SANDBOX_NETWORK_DISABLED=1 in its shell tool (openai/codex AGENTS.md,
    # codex-rs/core/src/spawn.rs); CODEX_THREAD_ID (core/src/exec_env.rs) and
    # CODEX_CI (unified_exec) in every command; CODEX_MANAGED_BY_NPM=1 set by the npm
    # launcher bin/codex.js for the codex process and so inherited by its children.
    # Not any CODEX_* variable: people export CODEX_HOME (codex's configuration
    # directory) and CODEX_API_KEY in their own shell profiles.
    ("Codex", _any_set(*_CODEX_VARIABLES), ()),
    # Qwen Code: QWEN_CODE=1 in the environment of every shell command
    # (QwenLM/qwen-code packages/core/src/services/shellExecutionService.ts); a fork
    # of Gemini CLI that does not set GEMINI_CLI, read first all the same.
    ("Qwen-Code", _any_set("QWEN_CODE"), ("OPENAI_MODEL",)),
    # Gemini CLI: GEMINI_CLI=1 in run_shell_command (gemini-cli docs/tools/shell.md,
    # shellExecutionService); GEMINI_MODEL is its documented model setting.
    ("Gemini", _any_set("GEMINI_CLI"), ("GEMINI_MODEL",)),
    ("Cursor", _cursor, ()),
    # OpenCode: process.env.OPENCODE = "1" in packages/opencode/src/index.ts
    # (anomalyco/opencode#1775, #32689).
    ("opencode", _any_set("OPENCODE"), ()),
    # goose: GOOSE_TERMINAL=1 and AGENT=goose on the commands of its developer shell
    # tool (block/goose crates/goose-mcp/src/developer); AGENT is read above.
    ("Goose", _any_set("GOOSE_TERMINAL"), ("GOOSE_MODEL",)),
    # GitHub Copilot CLI: COPILOT_CLI, as GitHub's own gh CLI detects it
    # (internal/agents/detect.go); COPILOT_MODEL is the CLI's model setting.
    ("Copilot", _any_set("COPILOT_CLI"), ("COPILOT_MODEL",)),
    ("aider", _aider, ("AIDER_MODEL",)),
)

# Values of the generic AI_AGENT / AGENT variables that mean "some agent" and name
# none: they cannot produce a declaration, so they fall through to the probes.
_GENERIC_VALUES = frozenset({"1", "true", "yes", "on", "0", "false", "no", "off"})


def detect_agent(environ: Mapping[str, str]) -> AgentInfo | None:
    """The agent `environ` shows, or None for a person's ordinary shell.

    Order: REVIEWGATE_AGENT=NAME[:MODEL] (any agent may declare itself;
    REVIEWGATE_AGENT=none switches detection off), then the generic AI_AGENT and
    AGENT variables when they name an agent (AGENT=amp, AI_AGENT=codex), then the
    tool-specific variables above.
    """
    declared = environ.get("REVIEWGATE_AGENT", "").strip()
    if declared:
        if declared.lower() == "none":
            return None
        name, _, model = declared.partition(":")
        return _named(name, model or None, "REVIEWGATE_AGENT", strict=False)
    for variable in ("AI_AGENT", "AGENT"):
        value = environ.get(variable, "").strip()
        if value and value.lower() not in _GENERIC_VALUES:
            info = _named(value, None, variable, strict=variable == "AGENT")
            if info:
                return info
    for tool_name, probe, model_vars in _PROBES:
        evidence = probe(environ)
        if evidence:
            named_model = next(
                (environ[v] for v in model_vars if environ.get(v, "").strip()), None
            )
            return _named(tool_name, named_model, evidence, strict=True)
    return None


def _named(name: str, model: str | None, evidence: str, *, strict: bool) -> AgentInfo | None:
    """AgentInfo for an agent called `name`; an unknown name is kept as given unless
    `strict` (AGENT is a common word, so only known agents count there)."""
    tool = tool_by_name(name) or tool_by_name(name.replace("_", "-"))
    if tool is None and strict:
        return None
    token = tool.token if tool else re.sub(r"\s+", "-", name.strip())
    if not token:
        return None
    return AgentInfo(token, clean_model(model), evidence, tool)


def disclosure_trailer(agent: AgentInfo, policy: Policy) -> tuple[str, str]:
    """The trailer prepare-commit-msg adds: `Assisted-by: AGENT:MODEL` under the first
    accepted Assisted-by/Generated-by key (the ASF's and OpenInfra's presets give
    `Generated-by`), or `Assisted-by: MODEL` under `format: kernel-llm` when the
    model is known. When policy accepts only Co-authored-by, the tool's own
    co-author identity, which is what such a policy can accept, unless
    `co_authors: people` keeps that key for people; "Assisted-by" otherwise."""
    assistance = policy.assistance
    accepted = assistance.trailers
    key = declaration_key(accepted)
    co_author_only = key is None and any(k.lower() == "co-authored-by" for k in accepted)
    people_only = assistance.co_authors == "people"
    if co_author_only and not people_only and agent.tool is not None and agent.tool.identity:
        return "Co-authored-by", agent.tool.identity
    if assistance.format == "kernel-llm" and clean_model(agent.model) != UNKNOWN_MODEL:
        # The kernel's shorter form names the model: `Assisted-by: LLM [TOOLS]`.
        return key or "Assisted-by", clean_model(agent.model)
    return key or "Assisted-by", f"{agent.name}:{clean_model(agent.model)}"
