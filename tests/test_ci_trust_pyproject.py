"""Issue 16, item 5: the [tool.reviewgate] table of pyproject.toml obeys the same
trust rules as .reviewgate.yaml. A pull request controls its own pyproject.toml;
CI's `reviewgate check` (GitHub's exact variables and event file, in a clone of a
local origin) and the server's pre-receive gate (real pushes) read the policy as
the trusted base committed it. Each attack sits next to the honest run."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, git
from test_ci import _github_env, _pr_payload
from test_ci_trust import REVIEWED, STRICT, Project, check
from test_hook_commit_msg import out
from test_hook_pre_receive import push, server_ref
from test_hook_pre_receive_trust import bare, with_origin

PROJECT = '[project]\nname = "widget"\nversion = "1.0"\ndependencies = ["reviewgate"]\n\n'
STRICT_TOML = PROJECT + '[tool.reviewgate.signoff]\nrequired_for = "all"\n'
RELAXED_TOML = (
    PROJECT + '[tool.reviewgate]\nassistance = { require = "off" }\n'
    'signoff = { required_for = "none" }\n'
)
BUMPED_TOML = STRICT_TOML.replace('version = "1.0"', 'version = "1.1"')


@pytest.fixture
def project(repo: Repo, tmp_path: Path) -> Project:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    return Project(repo, origin, tmp_path)


def _pull_request(
    project: Project, base: dict[str, str], change: dict[str, str] | None, *, reviewed: bool = False
) -> tuple[Path, dict[str, str], str]:
    """main commits `base`; the pull request commits `change` (reviewed: a change
    to the policy is itself allowed up), then one commit of its own, unreviewed
    unless `reviewed`. CI's checkout is the pull request's head."""
    work = project.work
    base_sha = work.commit("chore: policy" + REVIEWED, base)
    work.git("checkout", "-q", "-b", "feature")
    if change is not None:
        for name, text in change.items():
            if text == "":
                work.git("rm", "-q", name)
        work.commit("chore: policy change" + REVIEWED, {k: v for k, v in change.items() if v})
    tip = work.commit("feat: the change" + (REVIEWED if reviewed else ""), {"b.txt": "b\n"})
    project.push("main", "feature", f"{tip}:refs/pull/1/head")
    ci = project.clone()
    git(ci, "fetch", "-q", "origin", "+refs/pull/1/head:refs/remotes/pull/1/head")
    git(ci, "checkout", "-q", "--detach", tip)
    payload = _pr_payload("synchronize", 1, base_sha, tip, tip)
    env = _github_env(
        project.tmp, "pull_request", payload, sha=tip, ref="refs/pull/1/merge",
        GITHUB_BASE_REF="main", GITHUB_HEAD_REF="feature",
    )
    return ci, env, tip


# -- CI --------------------------------------------------------------------------


@pytest.mark.parametrize("reviewed", [False, True], ids=["unreviewed", "reviewed"])
def test_the_base_pyproject_table_judges_a_pull_request(project: Project, reviewed: bool) -> None:
    ci, env, tip = _pull_request(project, {"pyproject.toml": STRICT_TOML}, None,
                                 reviewed=reviewed)
    code, text = check(ci, env)
    assert ":pyproject.toml [tool.reviewgate])" in text, text
    assert "differs from the trusted one" not in text
    if reviewed:
        assert code == 0, text
    else:
        assert code == 1, text
        assert f"{tip[:10]} RG301" in text


def test_a_pull_request_that_relaxes_the_pyproject_table_is_judged_by_the_base(
    project: Project,
) -> None:
    ci, env, tip = _pull_request(
        project, {"pyproject.toml": STRICT_TOML}, {"pyproject.toml": RELAXED_TOML}
    )
    assert "required_for = \"none\"" in (ci / "pyproject.toml").read_text()  # the checkout's
    code, text = check(ci, env)
    assert code == 1, text
    assert f"{tip[:10]} RG301" in text
    assert ":pyproject.toml [tool.reviewgate])" in text
    assert "differs from the trusted one" in text


def test_a_pull_request_that_changes_only_other_tables_changes_no_policy(
    project: Project,
) -> None:
    ci, env, tip = _pull_request(
        project, {"pyproject.toml": STRICT_TOML}, {"pyproject.toml": BUMPED_TOML}
    )
    code, text = check(ci, env)
    assert code == 1 and f"{tip[:10]} RG301" in text, text
    assert "differs from the trusted one" not in text


@pytest.mark.parametrize("delete_yaml", [False, True], ids=["beside-yaml", "yaml-deleted"])
def test_a_pull_request_that_adds_a_pyproject_table_is_judged_by_the_base_yaml(
    project: Project, delete_yaml: bool
) -> None:
    change = {"pyproject.toml": RELAXED_TOML}
    if delete_yaml:  # without .reviewgate.yaml, the pull request's table would rule
        change[".reviewgate.yaml"] = ""
    ci, env, tip = _pull_request(
        project, {".reviewgate.yaml": STRICT, "pyproject.toml": PROJECT}, change
    )
    assert (ci / ".reviewgate.yaml").exists() is not delete_yaml
    code, text = check(ci, env)
    assert code == 1, text
    assert f"{tip[:10]} RG301" in text
    assert ":.reviewgate.yaml)" in text and "[tool.reviewgate]" not in text
    # Beside .reviewgate.yaml the table rules nowhere, so the policy is unchanged.
    assert ("differs from the trusted one" in text) is delete_yaml


def test_a_config_toml_inside_the_repository_is_read_at_the_base(project: Project) -> None:
    ci, env, tip = _pull_request(
        project, {"ci/policy.toml": STRICT_TOML}, {"ci/policy.toml": RELAXED_TOML}
    )
    code, text = check(ci, env, "--config", "ci/policy.toml")
    assert code == 1 and f"{tip[:10]} RG301" in text, text
    assert ":ci/policy.toml [tool.reviewgate])" in text
    assert "differs from the trusted one" in text


# -- the server's pre-receive gate -----------------------------------------------


@pytest.fixture
def server(repo: Repo, tmp_path: Path) -> tuple[Repo, Path, str]:
    """main: the policy in pyproject.toml's table (STRICT), on the server."""
    server = bare(tmp_path)
    with_origin(repo, server)
    repo.commit("feat: start", {"a.txt": "a\n"})
    policy = repo.commit("chore: policy" + REVIEWED, {"pyproject.toml": STRICT_TOML})
    first = push(repo, "main")
    assert first.returncode == 0, out(first)
    return repo, server, policy


def test_the_server_judges_a_push_by_the_protected_branch_pyproject(
    server: tuple[Repo, Path, str],
) -> None:
    repo, _, _ = server
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("chore: relax" + REVIEWED, {"pyproject.toml": RELAXED_TOML})
    plain = repo.commit("feat: unreviewed", {"b.txt": "b\n"})
    attack = push(repo, "topic")
    assert attack.returncode == 1, out(attack)
    assert f"{plain[:10]} RG301" in out(attack)
    assert "differs from the trusted one" in out(attack)
    repo.git("commit", "-q", "--amend", "--no-verify", "-m", "feat: reviewed" + REVIEWED)
    honest = push(repo, "topic")
    assert honest.returncode == 0, out(honest)


def test_rewriting_main_to_change_its_pyproject_table_is_refused(
    server: tuple[Repo, Path, str],
) -> None:
    repo, srv, policy = server
    repo.write("pyproject.toml", RELAXED_TOML)
    repo.git("commit", "-q", "--amend", "--no-verify", "-a", "-m", "chore: policy" + REVIEWED)
    rewrite = push(repo, "--force", "main")
    assert rewrite.returncode == 1, out(rewrite)
    assert "changes pyproject.toml" in out(rewrite)
    assert server_ref(srv, "main") == policy
    # A rewrite that keeps the table (another table changes) goes through.
    repo.write("pyproject.toml", BUMPED_TOML)
    repo.git("commit", "-q", "--amend", "--no-verify", "-a", "-m", "chore: policy" + REVIEWED)
    honest = push(repo, "--force", "main")
    assert honest.returncode == 0, out(honest)
