"""Random messages through the whole pipeline: findings or a clean exit-2 error,
never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewgate.errors import ReviewgateError
from reviewgate.model.commit import Commit, Person
from reviewgate.model.finding import Finding
from reviewgate.model.message import cleanup_message
from reviewgate.model.trailers import parse_trailers
from reviewgate.pipeline.rules import run_rules
from reviewgate.policy.schema import AssistancePolicy, Policy

LINES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "---",
            "# comment",
            "Assisted-by: Claude:opus",
            "Assisted-by: AGENT_NAME:MODEL_VERSION",
            "Co-Authored-By: Claude <noreply@anthropic.com>",
            "Co-authored-by: Codex <noreply@openai.com>",
            "Signed-off-by: Claude <noreply@anthropic.com>",
            "Generated-by: none",
            "Assisted-by: none",
            "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
            "Made-with: Cursor",
            "  continued",
            "fixup! something",
            "Reviewed-by: Bo <bo@example.org>",
            "# ------------------------ >8 ------------------------",
        ]
    ),
)
MESSAGES = st.lists(LINES, max_size=25).map("\n".join)
IDENTS = st.sampled_from(
    [
        ("Ada", "ada@example.org"),
        ("Claude", "claude@dupont.fr"),
        ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
        ("Jane (aider)", "jane@example.org"),
        ("", ""),
        ("x", "noreply@anthropic.com"),
    ]
)
POLICIES = st.builds(
    lambda require, fmt, keys: Policy(
        assistance=AssistancePolicy(require=require, format=fmt, trailers=keys)
    ),
    st.sampled_from(["declared", "every-commit", "forbidden", "off"]),
    st.sampled_from(["any", "kernel"]),
    st.lists(
        st.sampled_from(["Assisted-by", "Generated-by", "Co-authored-by"]), min_size=1, unique=True
    ).map(tuple),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=MESSAGES, ident=IDENTS, policy=POLICIES, merge=st.booleans())
def test_random_commits_give_findings_never_tracebacks(message, ident, policy, merge) -> None:
    cleaned = cleanup_message(message, mode="strip", comment="#")
    person = Person(*ident, "2026-01-01T00:00:00Z")
    commit = Commit(
        sha="a" * 40,
        parents=("b" * 40, "c" * 40) if merge else ("b" * 40,),
        author=person,
        committer=person,
        message=cleaned,
        trailers=tuple(parse_trailers(cleaned, divider=False)),
    )
    try:
        findings = run_rules([commit], policy)
    except ReviewgateError:
        return
    assert all(isinstance(f, Finding) and f.code.startswith("RG") for f in findings)
    assert all(f.hint for f in findings)
