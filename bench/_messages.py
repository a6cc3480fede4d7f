"""Realistic commit messages and identities for the benchmark repository.

Pure functions of a `random.Random`, so a seed always gives the same history. The
mix aims at what reviewgate meets in the wild: conventional subjects, bodies of
every length, disclosure trailers (declared, undeclared, malformed), sign-offs by
people, by the author and by tools, bots as authors.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass

HUMANS = (
    "Ada Lovelace <ada@example.org>",
    "Grace Hopper <grace@example.org>",
    "José Álvarez <jose.alvarez@example.es>",
    "Zoë Müller <zoe@example.de>",
    "Łukasz Nowak <lukasz@example.pl>",
    "Chen Wei <chen.wei@example.cn>",
    "Priya Raman <priya@example.in>",
    "Tomás O'Brien <tomas@example.ie>",
    "Kofi Mensah <kofi@example.gh>",
    "Ingrid Berg <ingrid@example.no>",
    "Hiro Tanaka <hiro@example.jp>",
    "Fatima Zahra <fatima@example.ma>",
    # A person may be named Claude: matching tools by name alone is wrong.
    "Claude Martin <claude.martin@example.fr>",
    "Sam Smith <sam@users.noreply.github.com>",
    "Maintainer Bot-Free <maint@example.org>",
)
BOTS = (
    "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
    "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>",
    "devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
    "Ana Ruiz (aider) <ana@example.org>",
)
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"

_TYPES = (
    ("feat", 25), ("fix", 25), ("docs", 8), ("test", 6), ("refactor", 8), ("perf", 4),
    ("chore", 8), ("ci", 3), ("build", 2), ("style", 2), ("revert", 1), ("fixup", 3),
    ("squash", 1), ("plain", 6),
)
_SCOPES = ("parser", "cli", "api", "cache", "io", "config", "hooks", "docs", "deps", "core")
_VERBS = ("add", "handle", "support", "avoid", "remove", "rework", "speed up", "document",
          "validate", "cache", "stream", "parse", "reject", "normalise", "simplify")
_NOUNS = ("empty ranges", "trailer blocks", "merge commits", "config parsing", "unicode paths",
          "the retry loop", "lazy imports", "error messages", "the progress bar", "timeouts",
          "nested scopes", "shallow clones", "signed tags", "the plugin registry", "CRLF input")
_WORDS = ("the", "a", "when", "because", "value", "cache", "parser", "request", "before",
          "after", "every", "commit", "file", "path", "user", "option", "returns", "fails",
          "now", "instead", "which", "slow", "memory", "error", "test", "case", "branch")
_MODELS = ("Claude:claude-opus-4", "claude-code:claude-sonnet-4-5", "Codex:gpt-5-codex",
           "Gemini:gemini-2.5-pro [git] [grep]", "Claude:claude-opus-4 coccinelle")


@dataclass(frozen=True)
class CommitText:
    author: str
    committer: str
    message: str
    kind: str  # the conventional type; drives which paths the commit touches


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _subject(rng: random.Random, kind: str) -> str:
    topic = f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)}"
    if rng.random() < 0.05:
        topic += " " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 14)))
    if kind == "plain":
        return topic.capitalize()
    if kind == "revert":
        return f'Revert "fix: {topic}"'
    if kind in ("fixup", "squash"):
        return f"{kind}! {rng.choice(('feat', 'fix'))}: {topic}"
    scope = f"({rng.choice(_SCOPES)})" if rng.random() < 0.4 else ""
    bang = "!" if rng.random() < 0.02 else ""
    return f"{kind}{scope}{bang}: {topic}"


def _body(rng: random.Random) -> list[str]:
    roll = rng.random()
    paragraphs = 0 if roll < 0.35 else 1 if roll < 0.70 else rng.randint(2, 4) if roll < 0.95 else 8
    out: list[str] = []
    for _ in range(paragraphs):
        if rng.random() < 0.15:
            out.append("\n".join(f"- {sentence(rng, 3, 9)}" for _ in range(rng.randint(2, 5))))
        else:
            text = " ".join(sentence(rng, 5, 16) for _ in range(rng.randint(1, 5)))
            out.append(textwrap.fill(text, 72))
    return out


def _reviewer(rng: random.Random, author: str) -> str:
    return rng.choice([h for h in HUMANS if h != author])


def commit_text(rng: random.Random, *, fix_ref: int) -> CommitText:
    """One commit's identities and message."""
    if rng.random() < 0.03:
        return _dependabot(rng)
    kind = rng.choices([k for k, _ in _TYPES], weights=[w for _, w in _TYPES])[0]
    author = rng.choice(HUMANS)
    committer = author if rng.random() < 0.8 else rng.choice(HUMANS)
    paragraphs = _body(rng)
    trailers: list[str] = []
    roll = rng.random()
    assisted = roll < 0.30
    if assisted:
        style = rng.choice(("kernel", "claude", "claude", "codex", "generated", "copilot",
                            "aider", "cursor", "placeholder"))
        if style == "kernel":
            trailers.append(f"Assisted-by: {rng.choice(_MODELS)}")
        elif style == "claude":
            if rng.random() < 0.7:
                paragraphs.append(CLAUDE_FOOTER)
            trailers.append("Co-Authored-By: Claude <noreply@anthropic.com>")
        elif style == "codex":
            trailers.append("Co-authored-by: Codex <noreply@openai.com>")
        elif style == "generated":
            trailers.append("Generated-by: GitHub Copilot")
        elif style == "copilot":
            author = BOTS[0]
            trailers.append(f"Agent-Logs-Url: https://github.com/acme/app/agent/{fix_ref}")
            trailers.append(f"Co-authored-by: {rng.choice(HUMANS)}")
        elif style == "aider":
            trailers.append("Co-authored-by: aider (gpt-4o) <aider@aider.chat>")
        elif style == "cursor":
            trailers.append("Co-authored-by: Cursor <cursoragent@cursor.com>")
        else:
            trailers.append("Assisted-by: AGENT_NAME:MODEL_VERSION")
    elif roll < 0.35:
        # Undeclared: a tool's signature with no declaration.
        hint = rng.choice(("footer", "bot", "made-with", "name"))
        if hint == "footer":
            paragraphs.append(CLAUDE_FOOTER)
        elif hint == "bot":
            author = rng.choice(BOTS)
        elif hint == "made-with":
            trailers.append("Made-with: Cursor")
        else:
            author = BOTS[3]
    if kind == "fix" and rng.random() < 0.4:
        trailers.append(
            f"Fixes: #{fix_ref}" if rng.random() < 0.6
            else f'Fixes: {fix_ref:012x} ("fix: {rng.choice(_NOUNS)}")'
        )
    if rng.random() < 0.1:
        trailers.append(f"Link: https://lore.example.org/r/{fix_ref}@example.org")
    if rng.random() < (0.6 if assisted else 0.15):
        trailers.append(f"Reviewed-by: {_reviewer(rng, author)}")
    elif rng.random() < 0.02:
        trailers.append(f"Reviewed-by: {author}")
    if rng.random() < 0.35:
        trailers.append(f"Signed-off-by: {author}")
    if rng.random() < 0.005:
        trailers.append("Signed-off-by: Claude <noreply@anthropic.com>")
    if trailers and rng.random() < 0.03:
        # A continuation line, which trailer parsers must fold.
        trailers.append("Acked-by: Ingrid Berg <ingrid@example.no>\n  (for the docs part)")
    if trailers:
        paragraphs.append("\n".join(trailers))
    message = "\n\n".join([_subject(rng, kind), *paragraphs]) + "\n"
    return CommitText(author, committer, message, kind)


def _dependabot(rng: random.Random) -> CommitText:
    package = rng.choice(("click", "pyyaml", "requests", "urllib3", "pytest"))
    major, minor = rng.randint(1, 9), rng.randint(0, 30)
    message = (
        f"build(deps): bump {package} from {major}.{minor}.0 to {major}.{minor + 1}.0\n\n"
        f"Bumps [{package}](https://github.com/example/{package}) from {major}.{minor}.0 "
        f"to {major}.{minor + 1}.0.\n\nSigned-off-by: {DEPENDABOT}\n"
    )
    return CommitText(DEPENDABOT, "GitHub <noreply@github.com>", message, "deps")


def merge_text(rng: random.Random, number: int, branch: str) -> CommitText:
    maintainer = rng.choice(HUMANS[:4])
    subject = (
        f"Merge pull request #{number} from {branch}" if rng.random() < 0.7
        else f"Merge branch '{branch}'"
    )
    body = f"\n\n{sentence(rng, 4, 10)}" if rng.random() < 0.5 else ""
    return CommitText(maintainer, maintainer, f"{subject}{body}\n", "merge")
