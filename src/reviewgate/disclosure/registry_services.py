"""Registry data, part 2: hosted agents, review bots whose suggestions get committed,
and app builders. Same rules and source notation as registry_agents.py.

A review bot belongs here because GitHub's "commit suggestion" button credits it:
`Co-authored-by: coderabbitai[bot] <…>` marks lines that the bot wrote. Bots that
write nothing with a model (dependabot, renovate, github-actions, release bots) are
not tools and are not listed anywhere.
"""

from __future__ import annotations

from reviewgate.disclosure.tool import Tool, proprietary, unknown

# "login listed in public agent trackers": the login authors pull requests or
# co-authors commits on GitHub, as counted in public agent-adoption trackers and
# bot lists read with find_string on 2026-12-07.
_TRACKERS = "login listed in public agent trackers (find_string, 2026-12-07)"


def _bot(
    name: str,
    title: str,
    *bots: str,
    aliases: tuple[str, ...] = (),
    terms: str = "",
    source: str = _TRACKERS,
) -> Tool:
    licence = proprietary(terms) if terms else unknown()
    return Tool(name, title, bots=bots, aliases=aliases, licence=licence, source=source)


SERVICES: tuple[Tool, ...] = (
    Tool(
        "Jules",
        "Google Jules",
        emails=("jules@google.com",),
        bots=("google-labs-jules[bot]",),
        aliases=("google-jules", "google-labs-jules", "google labs jules"),
        licence=proprietary("Google Labs Jules terms (jules.google/terms)"),
        source="author: pksunkara/cargo-workspaces (corpus); co-author: "
        "google-gemini/gemini-cli@26cff7704ee2; jules@google.com: public commit quoted "
        "in an attribution classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Gemini-Code-Assist",
        "Gemini Code Assist",
        bots=("gemini-code-assist[bot]",),
        aliases=("gemini code assist", "gemini-code-assist"),
        licence=proprietary("Gemini Code Assist terms (developers.google.com/gemini-code-assist)"),
        source="google-gemini/gemini-cli@ea6fd3a6857a (a review suggestion committed)",
    ),
    Tool(
        "Devin",
        "Devin",
        emails=("devin@cognition.ai",),
        bots=("devin-ai-integration[bot]", "devin-ai[bot]"),
        aliases=("devin-ai", "devin-ai-integration", "cognition devin"),
        licence=proprietary("Cognition Terms of Service (cognition.ai/terms)"),
        source="co-author: feast-dev/feast@81448ce1522f; MoonshotAI/kimi-cli (corpus)",
    ),
    Tool(
        "Junior",
        "Sentry Junior",
        emails=("junior@sentry.io",),
        bots=("sentry-junior[bot]",),
        aliases=("sentry junior", "sentry-junior"),
        licence=unknown("getsentry/junior's licence was not read"),
        source="getsentry/junior packages/junior-google README (junior@sentry.io) and its "
        "GitHub plugin tests (GIT_AUTHOR_NAME sentry-junior[bot])",
    ),
    Tool(
        "Droid",
        "Factory Droid",
        emails=("droid@factory.ai",),
        bots=("factory-droid[bot]",),
        aliases=("factory droid", "factory-droid", "factory"),
        identity="Droid <droid@factory.ai>",
        licence=proprietary("Factory Terms of Service (factory.ai/legal)"),
        source='"Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@…>" in '
        "public repositories' commit scripts; droid@factory.ai: public commit quoted in "
        "an attribution classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Replit-Agent",
        "Replit Agent",
        emails=("agent@replit.com",),
        named_emails=(("agent", "no-reply@replit.com"),),
        aliases=("replit agent", "replit"),
        key_values=(("replit-commit-author", "agent"), ("replit-commit-author", "assistant")),
        licence=proprietary("Replit Terms of Service (replit.com/terms-of-service)"),
        source='"Replit Agent <agent@replit.com>", "Replit AI Agent <no-reply@replit.com>", '
        "Replit-Commit-Author: public commits quoted in an attribution classifier's "
        "tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Cosine",
        "Cosine Genie",
        emails=("agent@cosine.sh",),
        aliases=("cosine genie", "genie"),
        identity="Cosine <agent@cosine.sh>",
        licence=proprietary("Cosine Terms (cosine.sh/terms)"),
        source="Aider-AI/aider@a35bd1889d67",
    ),
    Tool(
        "Charlie",
        "Charlie (Charlie Labs)",
        emails=("charlie@charlielabs.ai",),
        bots=("charliecreates[bot]",),
        aliases=("charliehelps", "charlie labs"),
        licence=proprietary("Charlie Labs terms (charlielabs.ai)"),
        source='"CharlieHelps <charlie@charlielabs.ai>": public commit quoted in an '
        "attribution classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "v0",
        "Vercel v0",
        emails=("noreply@v0.dev",),
        bots=("v0[bot]",),
        aliases=("vercel v0", "v0.dev"),
        licence=proprietary("Vercel Terms of Service (vercel.com/legal/terms)"),
        source='"v0 <noreply@v0.dev>": public commit quoted in an attribution '
        "classifier's tests (find_string, 2026-12-07)",
    ),
    Tool(
        "Lovable",
        "Lovable",
        emails=("noreply@lovable.dev",),
        bots=("lovable-dev[bot]", "gpt-engineer-app[bot]"),
        aliases=("lovable.dev", "gpt-engineer"),
        licence=proprietary("Lovable Terms of Service (lovable.dev/terms)"),
        source="lovable-dev[bot] authors commits in public repositories (find_string, "
        "2026-12-07); noreply@lovable.dev: an attribution classifier's tests",
    ),
    Tool(
        "Bolt",
        "Bolt.new",
        emails=("noreply@bolt.new",),
        aliases=("bolt.new", "stackblitz bolt"),
        licence=proprietary("StackBlitz Terms of Service (stackblitz.com/terms-of-service)"),
        source='"Bolt <noreply@bolt.new>": public commit quoted in an attribution '
        "classifier's tests (find_string, 2026-12-07)",
    ),
    _bot(
        "Amazon-Q",
        "Amazon Q Developer",
        "amazon-q-developer[bot]",
        aliases=("amazon q", "amazon-q-developer", "q developer"),
        terms="AWS Service Terms (aws.amazon.com/service-terms)",
        source="chaoss/ai-detection-action committer.go",
    ),
    _bot(
        "Cody",
        "Sourcegraph Cody",
        "sourcegraph-cody[bot]",
        "cody-ai[bot]",
        aliases=("sourcegraph cody", "sourcegraph-cody"),
        terms="Sourcegraph Terms of Service (sourcegraph.com/terms)",
        source="chaoss/ai-detection-action committer.go",
    ),
    _bot(
        "CodeRabbit",
        "CodeRabbit",
        "coderabbitai[bot]",
        aliases=("coderabbitai", "code rabbit"),
        terms="CodeRabbit Terms of Service (coderabbit.ai/terms)",
        source="chaoss/ai-detection-action committer.go",
    ),
    _bot(
        "Sweep",
        "Sweep AI",
        "sweep-ai[bot]",
        "sweep-nightly[bot]",
        aliases=("sweep ai", "sweep-ai"),
        terms="Sweep AI terms (sweep.dev)",
        source="sweepai/sweep sweepai/config/server.py (GITHUB_BOT_USERNAME); trackers",
    ),
    _bot(
        "Codegen",
        "Codegen",
        "codegen-sh[bot]",
        aliases=("codegen.sh",),
        terms="Codegen terms (codegen.com)",
    ),
    _bot("Tembo", "Tembo", "tembo[bot]", terms="Tembo terms (tembo.io)"),
    _bot(
        "Ellipsis",
        "Ellipsis",
        "ellipsis-dev[bot]",
        aliases=("ellipsis.dev",),
        terms="Ellipsis terms (ellipsis.dev)",
    ),
    _bot(
        "Greptile",
        "Greptile",
        "greptile-apps[bot]",
        aliases=("greptileai",),
        terms="Greptile terms (greptile.com)",
    ),
    _bot(
        "Qodo",
        "Qodo Merge",
        "qodo-merge-pro[bot]",
        "qodo-merge[bot]",
        "qodo-merge-pro-for-open-source[bot]",
        "codium-pr-agent[bot]",
        "qodo-code-review[bot]",
        aliases=("qodo merge", "codiumai", "pr-agent"),
        terms="Qodo terms (qodo.ai/terms)",
    ),
    _bot(
        "Sourcery",
        "Sourcery",
        "sourcery-ai[bot]",
        aliases=("sourcery-ai",),
        terms="Sourcery terms (sourcery.ai/terms)",
    ),
    _bot(
        "Cubic",
        "cubic",
        "cubic-dev-ai[bot]",
        aliases=("cubic.dev",),
        terms="cubic terms (cubic.dev)",
    ),
    _bot(
        "Graphite-Diamond",
        "Graphite Diamond",
        "graphite-app[bot]",
        aliases=("graphite diamond", "diamond"),
        terms="Graphite Terms of Service (graphite.dev/terms-of-service)",
    ),
    _bot(
        "Macroscope", "Macroscope", "macroscope-app[bot]", terms="Macroscope terms (macroscope.com)"
    ),
    _bot(
        "Entelligence",
        "Entelligence AI",
        "entelligence-ai-pr-reviews[bot]",
        terms="Entelligence terms (entelligence.ai)",
    ),
    _bot(
        "Bito",
        "Bito AI",
        "bito-ai[bot]",
        "bito-code-review[bot]",
        aliases=("bito ai",),
        terms="Bito terms (bito.ai/terms-of-use)",
    ),
    _bot("Supermaven", "Supermaven", "supermaven[bot]", terms="Supermaven terms (supermaven.com)"),
    _bot("Korbit", "Korbit", "korbit-ai[bot]", terms="Korbit terms (korbit.ai)"),
    _bot(
        "Seer",
        "Sentry Seer",
        "seer-by-sentry[bot]",
        aliases=("sentry seer",),
        terms="Sentry Terms of Service (sentry.io/terms)",
    ),
    _bot(
        "CodeAnt",
        "CodeAnt AI",
        "codeant-ai[bot]",
        aliases=("codeant ai",),
        terms="CodeAnt terms (codeant.ai)",
    ),
    _bot("Recurse-ML", "Recurse ML", "recurseml[bot]", terms="Recurse ML terms (recurse.ml)"),
    _bot("LlamaPReview", "LlamaPReview", "llamapreview[bot]"),
    _bot(
        "What-The-Diff",
        "What The Diff",
        "what-the-diff[bot]",
        "whatthediff[bot]",
        terms="What The Diff terms (whatthediff.ai)",
    ),
    _bot(
        "Codecov-AI",
        "Codecov AI",
        "codecov-ai[bot]",
        terms="Sentry Terms of Service (sentry.io/terms)",
    ),
    Tool(
        "Mentat",
        "Mentat",
        emails=("noreply@mentat.ai",),
        bots=("mentatbot[bot]",),
        aliases=("mentatbot", "abante mentat"),
        licence=proprietary("Mentat terms (mentat.ai)"),
        source="mentatbot[bot] with trailer email noreply@mentat.ai in a public agent table "
        "(find_string, 2026-12-07)",
    ),
)
