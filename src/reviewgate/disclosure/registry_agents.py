"""Registry data, part 1: coding agents a person runs (CLIs, editors, their cloud modes).

One `Tool` per agent, with the exact strings it writes and where each string was
confirmed. Strings are matched as registry.py explains: emails and bot logins
exactly, `named_emails` as an address plus a word of the name, footers and
session links per line. A name alone never marks a commit unless no person could
carry it. Sources name a tool's own docs or source file, or a public commit as
`owner/repo@sha`; "issue 13" marks a string reported there and not yet seen in a
commit read for this registry. Licence facts name their source the same way.
"""

from __future__ import annotations

from reviewgate.disclosure.tool import Tool, free, proprietary, source_available, unknown

AGENTS: tuple[Tool, ...] = (
    Tool(
        "Claude",
        "Claude Code",
        emails=("noreply@anthropic.com",),
        bots=("claude[bot]", "anthropic-claude[bot]", "claude-code-action[bot]"),
        aliases=("claude-code", "claudecode", "anthropic-claude", "claude code action"),
        identity="Claude <noreply@anthropic.com>",
        session_keys=("claude-session",),
        session_urls=("https://claude.ai/code/session_",),
        licence=proprietary(
            'anthropics/claude-code LICENSE.md: "All rights reserved", '
            "Anthropic's Commercial Terms"
        ),
        source="co-author and footer: RedHatProductSecurity/ai-guardian@feb1460cae; "
        "Claude-Session: charmbracelet/crush@1924a239da38; bare session link: "
        "gui-cs/Terminal.Gui (corpus); bots: chaoss/ai-detection-action "
        "detection/committer/committer.go",
    ),
    Tool(
        "Codex",
        "OpenAI Codex",
        emails=("noreply@openai.com", "codex@openai.com"),
        email_patterns=(r"\d+\+codex@users\.noreply\.github\.com",),
        bots=("chatgpt-codex-connector[bot]", "openai-codex[bot]", "codex[bot]"),
        aliases=("codex-cli", "codex cli", "openai-codex", "codex cloud"),
        identity="Codex <noreply@openai.com>",
        licence=free("Apache-2.0", "openai/codex LICENSE (the CLI; the cloud service is OpenAI's)"),
        source="codex@openai.com: github/github-mcp-server@a718d37f6208; "
        '"codex (GPT-5.4) <noreply@openai.com>": Aider-AI/aider@53f4d47ef67a; bots: '
        "chaoss/ai-detection-action committer.go",
    ),
    Tool(
        "Copilot",
        "GitHub Copilot",
        # Every ID+Copilot no-reply address: 198982749 (coding agent), 175728472
        # (review suggestions, Autofix), 223556219 (CLI and SDK).
        emails=("copilot@github.com",),
        email_patterns=(r"\d+\+copilot@users\.noreply\.github\.com",),
        bots=("copilot-swe-agent[bot]", "copilot[bot]", "github-copilot[bot]"),
        aliases=(
            "github-copilot",
            "copilot-swe-agent",
            "copilot-cli",
            "copilot-agent",
            "copilot autofix",
        ),
        identity="Copilot <198982749+Copilot@users.noreply.github.com>",
        name_marks=("copilot autofix powered by ai",),
        session_keys=("copilot-session", "agent-logs-url"),
        session_urls=("https://copilot-workspace.githubnext.com/",),
        licence=proprietary(
            "GitHub Terms for Additional Products and Features (docs.github.com/site-policy)"
        ),
        source="Copilot-Session: github/github-mcp-server@51ff1a967ebd; Agent-Logs-Url: "
        "gui-cs/Terminal.Gui@b270d5d6159a; Autofix: gui-cs/Terminal.Gui@80ba244c2f53; "
        "copilot@github.com (VS Code git.addAICoAuthor): "
        "BetterThanTomorrow/calva@e530f64755 (as listed in a public agent-mark table)",
    ),
    Tool(
        "aider",
        "Aider",
        # aider/repo.py: "Co-authored-by: aider (MODEL) <aider@aider.chat>", the
        # committer (and author, for its own edits) "NAME (aider)", and the old
        # "aider: " subject prefix; noreply@aider.chat was its default earlier.
        emails=("aider@aider.chat", "noreply@aider.chat", "noreply@aider.dev"),
        aliases=("aider-chat", "aider.chat"),
        identity="aider <aider@aider.chat>",
        name_marks=("(aider)",),
        subject_prefixes=("aider: ",),
        markers=("# aider chat conversation:",),
        licence=free("Apache-2.0", "Aider-AI/aider LICENSE.txt"),
        source="Aider-AI/aider aider/repo.py (trailer, name suffix, prefix); "
        "noreply@aider.dev: Aider-AI/aider@1d42690824f4",
    ),
    Tool(
        "Cursor",
        "Cursor",
        emails=(
            "cursoragent@cursor.com",
            "agent@cursor.com",
            "noreply@cursor.com",
            "cursor-agent@cursor.sh",
        ),
        bots=("cursor[bot]",),
        aliases=("cursor-agent", "cursor agent", "cursor-cli", "composer", "cursor composer"),
        identity="Cursor <cursoragent@cursor.com>",
        key_values=(("made-with", "cursor"),),
        licence=proprietary("Cursor Terms of Service (cursor.com/terms-of-service)"),
        source="Cursor Agent author and Made-with: terryyin/lizard@f5172b15219a; co-author: "
        "feast-dev/feast (corpus); agent@cursor.com: jphme/github-coding-agent-tracker "
        "README; Composer <noreply@cursor.com>, cursor-agent@cursor.sh: issue 13",
    ),
    Tool(
        "Gemini",
        "Gemini CLI",
        named_emails=(("gemini", "noreply@google.com"), ("gemini", "no-reply@google.com")),
        aliases=("gemini-cli", "gemini cli", "google-gemini"),
        identity="Gemini CLI <noreply@google.com>",
        licence=free("Apache-2.0", "google-gemini/gemini-cli LICENSE"),
        source='"Gemini CLI <noreply@google.com>": google-gemini/gemini-cli@bfb56f625f98; '
        '"Gemini 3.1 Pro <no-reply@google.com>": issue 13 (noreply@google.com alone '
        "is Google's automation too, so the name must say Gemini)",
    ),
    Tool(
        "OpenHands",
        "OpenHands",
        emails=("openhands@all-hands.dev", "opendevin@all-hands.dev"),
        bots=("openhands-agent[bot]", "openhands-ai[bot]"),
        aliases=("opendevin", "all-hands", "openhands-agent"),
        identity="openhands <openhands@all-hands.dev>",
        licence=free("MIT", "All-Hands-AI/OpenHands LICENSE (outside enterprise/)"),
        source="All-Hands-AI/OpenHands openhands/agenthub/codeact_agent/prompts/"
        "system_prompt.j2; opendevin@: All-Hands-AI/OpenHands@56712b503da2",
    ),
    Tool(
        "opencode",
        "OpenCode",
        emails=("noreply@opencode.ai",),
        bots=("opencode-agent[bot]",),
        identity="opencode <noreply@opencode.ai>",
        licence=free("MIT", "sst/opencode LICENSE"),
        source="co-author and footer: charmbracelet/crush@7627d71563be; "
        '"Generated with [OpenCode](https://opencode.ai)": '
        "RedHatProductSecurity/ai-guardian@9a542412c01f",
    ),
    Tool(
        "Amp",
        "Amp",
        emails=("amp@ampcode.com",),
        aliases=("ampcode", "sourcegraph-amp"),
        identity="Amp <amp@ampcode.com>",
        session_keys=("amp-thread-id", "amp-thread"),
        session_urls=("https://ampcode.com/threads/",),
        licence=proprietary("Amp Terms of Service (ampcode.com/terms)"),
        source="co-author and Amp-Thread-ID: yjsoon/howmuch@785d468af0 and paradigmxyz/reth"
        "@bc33eb764a, as quoted in public corpora (find_string, 2026-12-07)",
    ),
    Tool(
        "Crush",
        "Crush",
        # Crush's bash tool prompt (internal/agent/tools/bash.md.tpl) asks for
        # "Assisted-by: Crush:MODEL" (default) or "Co-Authored-By: Crush
        # <crush@charm.land>", and "💘 Generated with Crush".
        emails=("crush@charm.land", "noreply@crush.charm.land"),
        aliases=("charm crush", "charm-crush"),
        identity="Crush <crush@charm.land>",
        licence=source_available(
            "FSL-1.1-MIT",
            "charmbracelet/crush LICENSE.md "
            "(Functional Source License; MIT two years after release)",
        ),
        source="charmbracelet/crush internal/agent/tools/bash.md.tpl and README; "
        "noreply@crush.charm.land: charmbracelet/crush@19bfe7c37485",
    ),
    Tool(
        "Goose",
        "goose",
        aliases=("block-goose", "goose-cli"),
        licence=free("Apache-2.0", "block/goose LICENSE"),
        source="block/goose (declarations name it; no identity of its own seen in commits)",
    ),
    Tool(
        "Qwen-Code",
        "Qwen Code",
        emails=("qwen-coder@alibabacloud.com",),
        aliases=("qwen-coder", "qwen code", "qwen", "qwen-cli"),
        identity="Qwen-Coder <qwen-coder@alibabacloud.com>",
        licence=free("Apache-2.0", "QwenLM/qwen-code LICENSE"),
        source="google-gemini/gemini-cli@589ad8675008",
    ),
    Tool(
        "Kimi",
        "Kimi Code CLI",
        emails=("noreply@kimi.com",),
        aliases=("kimi-cli", "kimi code", "kimi-code"),
        identity="Kimi Code <noreply@kimi.com>",
        licence=free("Apache-2.0", "MoonshotAI/kimi-cli LICENSE"),
        source='"Kimi K2.7 Code <noreply@kimi.com>": MoonshotAI/kimi-cli@32f075f8de4d',
    ),
    Tool(
        "Hermes-Agent",
        "Hermes Agent",
        emails=(
            "hermes-agent@nousresearch.com",
            "noreply@nousresearch.com",
            "agent@nousresearch.com",
        ),
        aliases=("hermes agent", "hermes"),
        identity="Hermes Agent <hermes-agent@nousresearch.com>",
        licence=free("MIT", "NousResearch/hermes-agent LICENSE"),
        source='"Co-authored-by: Hermes Agent <hermes-agent@nousresearch.com>" and '
        "<noreply@nousresearch.com> in public agent hooks and commits (find_string, "
        "2026-12-07)",
    ),
    Tool(
        "Codebuff",
        "Codebuff",
        emails=("noreply@codebuff.com",),
        identity="Codebuff <noreply@codebuff.com>",
        licence=free("Apache-2.0", "CodebuffAI/codebuff LICENSE"),
        source="CodebuffAI/codebuff backend/src/system-prompt/prompts.ts",
    ),
    Tool(
        "Mistral-Vibe",
        "Mistral Vibe",
        emails=("vibe@mistral.ai",),
        aliases=("mistral vibe", "vibe"),
        identity="Mistral Vibe <vibe@mistral.ai>",
        licence=free("Apache-2.0", "mistralai/mistral-vibe LICENSE"),
        source="mistralai/mistral-vibe vibe/core/system_prompt.py",
    ),
    Tool(
        "Pi",
        "Pi coding agent",
        emails=("noreply@pi.dev",),
        aliases=("pi-coding-agent", "pi agent"),
        identity="Pi <noreply@pi.dev>",
        session_urls=("https://pi.dev/session/",),
        licence=free("MIT", "badlogic/pi-mono LICENSE"),
        source='"AI (Pi/Claude Opus 4.6 [250k]) <noreply@pi.dev>": feast-dev/feast'
        "@c9602d8f5d3f; share links: badlogic/pi-mono packages/coding-agent/src/cli/"
        "args.ts",
    ),
    Tool(
        "Cline",
        "Cline",
        bots=("cline[bot]",),
        aliases=("cline-cli",),
        licence=free("Apache-2.0", "cline/cline LICENSE"),
        source="chaoss/ai-detection-action committer.go",
    ),
    Tool(
        "Continue",
        "Continue",
        emails=("noreply@continue.dev",),
        bots=("continue[bot]",),
        aliases=("continue.dev", "continue-cli"),
        identity="Continue <noreply@continue.dev>",
        licence=free("Apache-2.0", "continuedev/continue LICENSE"),
        source="bot: chaoss/ai-detection-action committer.go; co-author: public commit quoted "
        "in an attribution classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Kilo-Code",
        "Kilo Code",
        bots=("kilo-code-bot[bot]",),
        aliases=("kilo code", "kilocode", "kilo"),
        licence=free("Apache-2.0", "Kilo-Org/kilocode LICENSE"),
        source="login listed among agent accounts in public trackers (find_string, 2026-12-07)",
    ),
    Tool(
        "Roo-Code",
        "Roo Code",
        bots=("roomote[bot]",),
        aliases=("roo code", "roocode", "roo-cline"),
        licence=free("Apache-2.0", "RooCodeInc/Roo-Code LICENSE"),
        source="roomote[bot] (Roo Code's cloud agent): login listed in public agent trackers "
        "(find_string, 2026-12-07)",
    ),
    Tool(
        "Kiro",
        "Kiro",
        emails=("noreply@kiro.dev",),
        email_patterns=(r"\d+\+kiro-agent(?:\[bot\])?@users\.noreply\.github\.com",),
        bots=("kiro-agent[bot]",),
        aliases=("kiro-cli", "aws kiro"),
        identity="Kiro <noreply@kiro.dev>",
        licence=proprietary(
            'RedHatProductSecurity/ai-guardian@2ccef388eb: "Kiro CLI (AWS proprietary)"'
        ),
        source="kiro-agent: ryancormack/strands-acp@6c58a8dadd (as listed in a public agent-mark "
        "table); noreply@kiro.dev: public "
        "commit quoted in an attribution classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Windsurf",
        "Windsurf (Cascade)",
        emails=("cascade@windsurf.ai",),
        bots=("windsurf-bot[bot]",),
        aliases=("cascade", "windsurf cascade", "codeium"),
        identity="Windsurf Cascade <cascade@windsurf.ai>",
        licence=proprietary("Windsurf Terms of Service (windsurf.com/terms-of-service)"),
        source="public commits quoted in an attribution classifier's tests (find_string, "
        "2026-12-07)",
    ),
    Tool(
        "Tabnine",
        "Tabnine CLI",
        emails=("noreply@tabnine.com",),
        aliases=("tabnine cli", "tabnine-cli"),
        identity="Tabnine CLI <noreply@tabnine.com>",
        licence=proprietary("Tabnine Terms of Use (tabnine.com/terms-of-use)"),
        source="public commit quoted in an attribution classifier's tests (find_string, "
        "2026-12-07)",
    ),
    Tool(
        "TRAE",
        "TRAE CLI",
        emails=("traecli@bytedance.com",),
        aliases=("trae cli", "trae-cli", "trae-agent"),
        identity="TRAE CLI <traecli@bytedance.com>",
        licence=unknown("the CLI's own terms were not found; bytedance/trae-agent is MIT"),
        source="public commit quoted in an attribution classifier's tests (find_string, "
        "2026-12-07)",
    ),
    Tool(
        "Warp",
        "Warp (Oz agent)",
        emails=("oz-agent@warp.dev",),
        aliases=("oz", "warp agent", "warp-oz"),
        identity="Oz <oz-agent@warp.dev>",
        licence=proprietary("Warp Terms of Service (warp.dev/terms-of-service)"),
        source="Aider-AI/aider@164a8f3844d5",
    ),
    Tool(
        "Nori",
        "Nori",
        named_emails=(("nori", "contact@tilework.tech"),),
        aliases=("nori-ai", "nori agent"),
        identity="Nori <contact@tilework.tech>",
        licence=unknown(),
        source="nori-ai's commit hook (replaces Claude's attribution with \"Co-Authored-By: "
        'Nori <contact@tilework.tech>" and "Generated with [Nori](https://nori.ai)"; '
        "find_string, 2026-12-07); footer: issue 13",
    ),
    Tool(
        "Zed",
        "Zed agent",
        aliases=("zed agent", "zed-agent"),
        licence=free("GPL-3.0-or-later", "zed-industries/zed LICENSE-GPL"),
        source="zed-industries/zed (declarations name it; no identity of its own seen)",
    ),
    Tool(
        "Junie",
        "JetBrains Junie",
        bots=("jetbrains-ai[bot]", "junie[bot]"),
        aliases=("jetbrains junie", "jetbrains-ai", "jetbrains ai"),
        licence=proprietary("JetBrains AI Terms of Service (jetbrains.com/legal)"),
        source="jetbrains-ai[bot]: chaoss/ai-detection-action committer.go",
    ),
    Tool(
        "Augment",
        "Augment Code",
        bots=("augmentcode[bot]",),
        aliases=("augment code", "augment-code", "auggie"),
        licence=proprietary("Augment Code Terms of Service (augmentcode.com/terms-of-service)"),
        source="login listed among agent accounts in public trackers (find_string, 2026-12-07)",
    ),
    Tool(
        "Entire",
        "Entire",
        session_keys=(
            "entire-session",
            "entire-checkpoint",
            "entire-agent",
            "entire-metadata",
            "entire-strategy",
        ),
        licence=unknown(),
        source="chaoss/ai-detection-action detection/message/message.go (Entire's trailers)",
    ),
)
