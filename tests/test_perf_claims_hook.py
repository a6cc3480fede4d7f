"""RG401 at commit time (issue 16): words alone claim no speed-up, docs:, test: and
chore: subjects never do, and a real claim is a warning by default: the commit
goes ahead with one line that says so."""

from __future__ import annotations

import pytest

from conftest import Repo
from reviewgate.model.finding import Severity
from reviewgate.model.rulebook import RULES
from test_hook_commit_msg import HOOKS_DIR, commit, out


@pytest.fixture
def hooked(repo: Repo) -> Repo:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("initial", {"a.txt": "one\n"})
    return repo


def test_rg401_is_a_warning_by_default() -> None:
    import reviewgate.perf.rules  # noqa: F401  (registers RG401)

    assert RULES["RG401"].default_severity is Severity.WARNING


def test_docs_subject_with_a_speed_word_commits_silently(hooked: Repo) -> None:
    before = hooked.head()
    result = commit(hooked, "docs: explain the faster path\n")
    assert result.returncode == 0, out(result)
    assert hooked.head() != before
    assert "RG401" not in out(result)


def test_a_measured_claim_without_figures_warns_but_commits(hooked: Repo) -> None:
    before = hooked.head()
    result = commit(hooked, "feat: make startup 2x faster\n")
    assert result.returncode == 0, out(result)
    assert hooked.head() != before
    text = out(result)
    # One line (item 6): the warning in the summary, no block, no "(new)" twice.
    lines = [line for line in text.splitlines() if line.startswith("reviewgate")]
    assert len(lines) == 1, text
    assert "goes ahead with 1 warning (RG401 a speed-up claimed without" in lines[0]
    assert "(new)" not in text


def test_policy_can_make_rg401_block_again(hooked: Repo) -> None:
    hooked.write(".reviewgate.yaml", "rules:\n  RG401: error\n")
    before = hooked.head()
    result = commit(hooked, "perf: cache compiled patterns\n")
    assert result.returncode == 1, out(result)
    assert hooked.head() == before
    assert "\n  RG401 claims a speed-up" in out(result)
    assert "(new)" not in out(result)
