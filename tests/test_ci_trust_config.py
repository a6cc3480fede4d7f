"""Issue 12, item 5, end to end: a policy file named by `--config` or
REVIEWGATE_CONFIG (the action's `config:` input passes --config) that lies inside
the repository is read at the trusted base, like `.reviewgate.yaml`; only a path
outside the repository is read as a plain file. `reviewgate check` runs in a CI
clone with GitHub's exact variables and event file."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, git
from test_ci import _github_env, _pr_payload
from test_ci_trust import RELAXED, REVIEWED, STRICT, Project, check


@pytest.fixture
def project(repo: Repo, tmp_path: Path) -> Project:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    return Project(repo, origin, tmp_path)


# -- --config / REVIEWGATE_CONFIG inside the repository (item 5) --------------------


def _pull_request(project: Project) -> tuple[Path, dict[str, str], str]:
    """main holds ci/policy.yaml (STRICT); the pull request relaxes it and adds an
    unreviewed commit. The checkout is the pull request's head."""
    work = project.work
    base = work.commit("chore: policy" + REVIEWED, {"ci/policy.yaml": STRICT})
    work.git("checkout", "-q", "-b", "feature")
    work.commit("chore: relax" + REVIEWED, {"ci/policy.yaml": RELAXED})
    plain = work.commit("feat: unreviewed", {"b.txt": "b\n"})
    project.push("main", "feature", f"{plain}:refs/pull/1/head")
    ci = project.clone()
    git(ci, "fetch", "-q", "origin", "+refs/pull/1/head:refs/remotes/pull/1/head")
    git(ci, "checkout", "-q", "--detach", plain)
    payload = _pr_payload("synchronize", 1, base, plain, plain)
    env = _github_env(
        project.tmp,
        "pull_request",
        payload,
        sha=plain,
        ref="refs/pull/1/merge",
        GITHUB_BASE_REF="main",
        GITHUB_HEAD_REF="feature",
    )
    return ci, env, plain


@pytest.mark.parametrize("how", ["--config", "absolute", "REVIEWGATE_CONFIG"])
def test_a_config_inside_the_repository_is_read_at_the_trusted_base(
    project: Project, how: str
) -> None:
    ci, env, plain = _pull_request(project)
    args: tuple[str, ...] = ()
    if how == "--config":
        args = ("--config", "ci/policy.yaml")
    elif how == "absolute":
        args = ("--config", str(ci / "ci" / "policy.yaml"))
    else:
        env = {**env, "REVIEWGATE_CONFIG": "ci/policy.yaml"}
    code, text = check(ci, env, *args)
    assert code == 1, text
    assert f"{plain[:10]} RG301" in text
    assert ":ci/policy.yaml)" in text
    assert "differs from the trusted one" in text


def test_a_config_outside_the_repository_is_read_as_a_plain_file(project: Project) -> None:
    ci, env, _ = _pull_request(project)
    outside = project.tmp / "ci-policy.yaml"  # the CI's own file, no commit can change it
    outside.write_text(RELAXED)
    code, text = check(ci, env, "--config", str(outside))
    assert code == 0, text


def test_a_config_the_trusted_base_lacks_leaves_the_defaults(project: Project) -> None:
    ci, env, _ = _pull_request(project)
    (ci / "ci" / "new-policy.yaml").write_text(RELAXED)  # in the checkout only
    code, text = check(ci, env, "--config", "ci/new-policy.yaml")
    assert "is not in the trusted revision" in text
    assert "(<built-in>)" in text and code == 0, text  # the defaults want no sign-off here
