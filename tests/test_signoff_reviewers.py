"""RG302/RG303: who counts as a commit's author, and who is a tool, for sign-offs.

Real repositories and `reviewgate check`: the committer (who ran a tool, or who
applied someone else's patch) and the co-authors are authors; addresses are
compared without sub-addressing (m+ai@ is m@); a sign-off needs a real address;
near misses of a tool's address are still the tool."""

from __future__ import annotations

import pytest

from conftest import Repo
from reviewgate.model.commit import Person
from reviewgate.pipeline.run import run_check

ASSISTED = "feat: x\n\nAssisted-by: Claude:opus\n"
CLAUDE = "Claude <noreply@anthropic.com>"
ANN = "Ann Author <ann@example.org>"
ADA = "Ada Author <ada@example.org>"
GRACE = "Grace Hopper <grace@example.org>"


def signoff_findings(repo: Repo, base: str, policy: str = "version: 1\n") -> list[tuple[str, str]]:
    config = repo.path.parent / "policy.yaml"
    config.write_text(policy)
    result = run_check(revisions=[f"{base}..HEAD"], cwd=repo.path, config=str(config),
                       with_paths=False)
    return [(f.code, f.message) for f in result.findings if f.code.startswith("RG30")]


def codes(repo: Repo, base: str, policy: str = "version: 1\n") -> list[str]:
    return [code for code, _ in signoff_findings(repo, base, policy)]


def test_the_committer_who_ran_the_tool_is_an_author(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: {ANN}\n", {"b.py": "2\n"}, author=CLAUDE, committer=ANN)
    [(code, message)] = signoff_findings(repo, base)
    assert code == "RG302" and "its committer" in message
    # The switch is the same as for the author's own sign-off.
    assert codes(repo, base, "signoff:\n  not_author: false\n") == []


def test_a_co_author_is_an_author(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Co-authored-by: Grace <g@x.org>\nReviewed-by: Grace <G@X.org>\n",
                {"b.py": "2\n"})
    [(code, message)] = signoff_findings(repo, base)
    assert code == "RG302" and "its co-author" in message
    # A tool co-author does not make its reviewer an author: Grace reviews Claude's part.
    repo.commit(f"{ASSISTED}Co-authored-by: {CLAUDE}\nReviewed-by: {GRACE}\n", {"c.py": "3\n"})
    assert codes(repo, base) == ["RG302"]  # the first commit only


def test_the_committer_is_an_author_whoever_wrote_the_patch(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: {GRACE}\n", {"b.py": "2\n"}, author=ADA, committer=GRACE)
    [(code, message)] = signoff_findings(repo, base)
    assert code == "RG302" and "its committer" in message
    # Kernel style: Ada's own Signed-off-by, then the applying maintainer's; a
    # reviewer's trailer, collected when the patch was applied, is the review.
    kernel = "signoff:\n  trailers: [Signed-off-by, Reviewed-by]\n"
    applied = repo.commit(f"{ASSISTED}Signed-off-by: {ADA}\nSigned-off-by: {GRACE}\n",
                          {"c.py": "3\n"}, author=ADA, committer=GRACE)
    assert codes(repo, f"{applied}~1", kernel) == ["RG302"]
    repo.commit(f"{ASSISTED}Signed-off-by: {ADA}\nReviewed-by: {ANN}\nSigned-off-by: {GRACE}\n",
                {"d.py": "4\n"}, author=ADA, committer=GRACE)
    assert codes(repo, applied, kernel) == []


@pytest.mark.parametrize("author, committer", [
    ("Ann AI <ann+ai@example.org>", ANN),  # her agent's sub-address
    ("Claude <claude@example.org>", ANN),  # a tool by name only, committed by Ann
    (ADA, "Ann <ANN+work@Example.org>"),  # Ann committed someone else's patch
])
def test_self_review_through_an_alias_or_as_committer(
    repo: Repo, author: str, committer: str
) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: {ANN}\n", {"b.py": "2\n"},
                author=author, committer=committer)
    assert codes(repo, base) == ["RG302"]
    # Grace, who neither wrote nor committed it, may.
    own = repo.commit(f"{ASSISTED}Reviewed-by: {GRACE}\n", {"c.py": "3\n"},
                      author=author, committer=committer)
    assert codes(repo, f"{own}~1") == []


def test_a_reviewer_with_a_sub_address_is_the_same_reviewer(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: Grace <grace+review@example.org>\n", {"b.py": "2\n"})
    assert codes(repo, base, "signoff:\n  reviewers: [grace@example.org]\n") == []


@pytest.mark.parametrize("reviewer", [
    "Ann <ann@example.org.>",  # a fully qualified domain's trailing dot
    'Ann <"ann"@example.org>',  # a quoted local part
    "Ann <ANN@Example.ORG>",
])
def test_the_authors_address_spelt_differently_is_still_the_author(
    repo: Repo, reviewer: str
) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: {reviewer}\n", {"b.py": "2\n"}, author=ANN)
    assert codes(repo, base) == ["RG302"]


@pytest.mark.parametrize("reviewer, code", [
    ("Grace <@>", "RG301"),
    ("Grace <grace@>", "RG301"),
    ("Grace <grace@localhost>", "RG301"),
    ("Grace <grace smith@example.org>", "RG301"),
    ("Claude Code <claude-code@anthropic.com>", "RG302"),
    ("Claude <NoReply+x@anthropic.com>", "RG302"),
    ("Codex <no-reply@openai.com>", "RG302"),
    ("Copilot <Copilot@users.noreply.github.com>", "RG302"),
    ("Devin AI <devin-ai-integration@users.noreply.github.com>", "RG302"),
    ("Claude <noreply@anthropic.com.>", "RG302"),
    # People at a vendor, with their own addresses, are people.
    ("Ann Smith <ann.smith@anthropic.com>", None),
    ("Claude Shannon <claude.shannon@anthropic.com>", None),
    ("Grace <12345+grace@users.noreply.github.com>", None),
    ("Devin Smith <12345+devin@users.noreply.github.com>", None),  # a login, not the tool
])
def test_a_sign_off_needs_an_address_and_tools_cannot_hide_behind_near_misses(
    repo: Repo, reviewer: str, code: str | None
) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f"{ASSISTED}Reviewed-by: {reviewer}\n", {"b.py": "2\n"})
    assert codes(repo, base) == ([code] if code else [])


def test_the_reviewer_list_compares_normal_emails(repo: Repo) -> None:
    base = repo.commit("base\n", {"a.py": "1\n"})
    repo.commit(f'{ASSISTED}Reviewed-by: Grace <"grace"@example.org.>\n', {"b.py": "2\n"})
    assert codes(repo, base, f"signoff:\n  reviewers: ['{GRACE}']\n") == []
    assert codes(repo, base, "signoff:\n  reviewers: [rita@example.org]\n") == ["RG303"]


def test_the_pure_helpers() -> None:
    from reviewgate.model.emails import normal_email, plausible_email
    from reviewgate.signoff.sources import is_tool_reviewer

    assert normal_email(' "Ann"@Example.org. ') == "ann@example.org"
    assert plausible_email("a@b.c") and not plausible_email("a@b") and not plausible_email("@")
    assert is_tool_reviewer(Person("x", "noreply+abc@anthropic.com"))
    assert not is_tool_reviewer(Person("Claude", "claude.d@anthropic.com"))
