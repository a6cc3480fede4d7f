"""Issue 12, CI side: attacks on `reviewgate check` in CI, each run end to end as the
job runs it (the CLI in a clone of a local bare origin, with the exact variables
and event files GitHub Actions and GitLab CI give), next to the honest run that
passes.

The project's policy (STRICT) wants a sign-off on every commit, which the built-in
defaults and the relaxed policy (RELAXED) a pull request would like do not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Repo, git
from test_check_cli import reviewgate
from test_ci import ZEROS, _gitlab_env

STRICT = "signoff:\n  required_for: all\n"
RELAXED = "assistance:\n  require: off\nsignoff:\n  required_for: none\n"
REVIEWED = "\n\nReviewed-by: Rita Reviewer <rita@example.org>\n"


@dataclass
class Project:
    work: Repo
    origin: Path
    tmp: Path

    def push(self, *refspecs: str) -> None:
        self.work.git("push", "-q", "--force", str(self.origin), *refspecs)

    def clone(self, name: str = "ci") -> Path:
        target = self.tmp / name
        git(self.tmp, "clone", "-q", "--no-local", str(self.origin), str(target))
        return target


@pytest.fixture
def project(repo: Repo, tmp_path: Path) -> Project:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    return Project(repo, origin, tmp_path)


def check(path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    done = reviewgate(path, "check", "--format", "text", *args, env=env)
    return done.returncode, done.stdout + done.stderr


# -- GitLab: the target branch, not the merge base, is trusted (item 4) ------------


@pytest.mark.parametrize("merged_results", [False, True], ids=["branch", "merged-results"])
def test_gitlab_merge_request_from_before_the_policy_is_judged_by_the_target(
    project: Project, merged_results: bool
) -> None:
    work = project.work
    start = work.commit("feat: start", {"a.txt": "a\n"})
    project.push("main")
    ci = project.clone()  # its origin/main is still `start`: the target must be fetched
    work.git("checkout", "-q", "-b", "feature")
    plain = work.commit("feat: unreviewed", {"b.txt": "b\n"})
    work.git("checkout", "-q", "main")
    policy = work.commit("chore: policy" + REVIEWED, {".reviewgate.yaml": STRICT})
    project.push("main", "feature")
    git(ci, "fetch", "-q", "origin", "+refs/heads/feature:refs/remotes/origin/feature")

    def pipeline(head: str) -> dict[str, str]:
        checkout = head
        if merged_results:  # GitLab's merge of the source into the target's tip
            work.git("checkout", "-q", "--detach", policy)
            work.git("merge", "-q", "--no-ff", "-m", "Merge feature", head)
            checkout = work.head()
            project.push(f"{checkout}:refs/merge-requests/7/merge")
            git(ci, "fetch", "-q", "origin", "refs/merge-requests/7/merge")
        git(ci, "checkout", "-q", "--detach", checkout)
        return _gitlab_env(
            CI_PIPELINE_SOURCE="merge_request_event",
            CI_MERGE_REQUEST_IID="7",
            CI_MERGE_REQUEST_DIFF_BASE_SHA=start,  # the merge base: before the policy
            CI_MERGE_REQUEST_SOURCE_BRANCH_NAME="feature",
            CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
            CI_COMMIT_SHA=checkout,
            CI_COMMIT_BEFORE_SHA=ZEROS,
            CI_COMMIT_REF_NAME="feature",
            **(
                {
                    "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": head,
                    "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": policy,
                }
                if merged_results
                else {}
            ),
        )

    code, text = check(ci, pipeline(plain))
    assert code == 1, text
    assert f"{plain[:10]} RG301" in text
    assert ":.reviewgate.yaml)" in text and "(<built-in>)" not in text
    # The honest merge request: the same commit, reviewed.
    work.git("checkout", "-q", "feature")
    work.git("commit", "-q", "--amend", "--allow-empty", "-m", "feat: reviewed" + REVIEWED)
    project.push("feature")
    git(ci, "fetch", "-q", "origin", "+refs/heads/feature:refs/remotes/origin/feature")
    code, text = check(ci, pipeline(work.head()))
    assert code == 0, text


def test_gitlab_target_branch_that_cannot_be_fetched_is_exit_2(project: Project) -> None:
    head = project.work.commit("feat: start", {"a.txt": "a\n"})
    project.push("main")
    ci = project.clone()
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_IID="8",
        CI_MERGE_REQUEST_DIFF_BASE_SHA=head,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="gone",
        CI_COMMIT_SHA=head,
    )
    code, text = check(ci, env)
    assert code == 2, text
    assert "cannot fetch refs/heads/gone from origin" in text
    assert "REVIEWGATE_BASE" in text and len(text.strip().splitlines()) == 1
