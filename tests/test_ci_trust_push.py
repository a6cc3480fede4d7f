"""Issue 12, item 6, end to end: a push event whose `before` commit the CI clone
never had (a force-push) is never judged by the pushed commits' own policy: the old
tip is fetched by id, else the default branch's policy judges a topic branch, else
the check stops with exit 2 and the fix. `reviewgate check` runs in a CI clone
with GitHub's exact variables and event file."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, git
from test_ci import _github_env, _push_payload
from test_ci_trust import RELAXED, REVIEWED, STRICT, Project, check


@pytest.fixture
def project(repo: Repo, tmp_path: Path) -> Project:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    return Project(repo, origin, tmp_path)


# -- a push whose `before` the clone never had (item 6) ------------------------------


def _force_pushed_main(project: Project, *, prune: bool) -> tuple[Path, dict[str, str], str]:
    """main: policy (STRICT), more; then force-pushed to policy, relax, unreviewed."""
    work = project.work
    policy = work.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    old = work.commit("feat: more" + REVIEWED, {"a.txt": "a\n"})
    project.push("main")
    work.git("reset", "-q", "--hard", policy)
    work.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    plain = work.commit("feat: unreviewed", {"b.txt": "b\n"})
    project.push("+main")
    if prune:
        git(project.origin, "gc", "-q", "--prune=now")
        assert git(project.origin, "cat-file", "-e", old, check=False).returncode != 0
    ci = project.clone()
    assert git(ci, "cat-file", "-e", old, check=False).returncode != 0
    payload = _push_payload("refs/heads/main", old, plain, forced=True)
    return ci, _github_env(project.tmp, "push", payload, sha=plain, ref="refs/heads/main"), plain


def test_a_force_push_whose_old_tip_is_fetched_by_id(project: Project) -> None:
    ci, env, plain = _force_pushed_main(project, prune=False)
    code, text = check(ci, env)
    assert code == 1, text
    assert f"{plain[:10]} RG301" in text
    assert "differs from the trusted one" in text


def test_a_force_push_whose_old_tip_is_gone_is_exit_2(project: Project) -> None:
    ci, env, _ = _force_pushed_main(project, prune=True)
    code, text = check(ci, env)
    assert code == 2, text
    assert "is not in this clone" in text and "REVIEWGATE_BASE" in text
    assert len(text.strip().splitlines()) == 1


def test_a_force_push_of_a_topic_whose_old_tip_is_gone_is_judged_by_main(
    project: Project,
) -> None:
    work = project.work
    work.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    work.git("checkout", "-q", "-b", "topic")
    old = work.commit("feat: first try" + REVIEWED, {"a.txt": "a\n"})
    project.push("main", "topic")
    work.git("reset", "-q", "--hard", "main")
    work.commit("chore: relax" + REVIEWED, {".reviewgate.yaml": RELAXED})
    plain = work.commit("feat: unreviewed", {"b.txt": "b\n"})
    project.push("+topic")
    git(project.origin, "gc", "-q", "--prune=now")
    ci = project.clone()
    git(ci, "checkout", "-q", "topic")
    payload = _push_payload("refs/heads/topic", old, plain, forced=True)
    env = _github_env(project.tmp, "push", payload, sha=plain, ref="refs/heads/topic")
    code, text = check(ci, env)
    assert code == 1, text
    assert f"{plain[:10]} RG301" in text


def test_an_honest_push_still_passes(project: Project) -> None:
    work = project.work
    before = work.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    project.push("main")
    after = work.commit("feat: more" + REVIEWED, {"a.txt": "a\n"})
    project.push("main")
    ci = project.clone()
    payload = _push_payload("refs/heads/main", before, after)
    env = _github_env(project.tmp, "push", payload, sha=after, ref="refs/heads/main")
    code, text = check(ci, env)
    assert code == 0, text
