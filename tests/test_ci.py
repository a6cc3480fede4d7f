"""ci.py: the range and trusted base from the environment each CI really sets, with
event files of GitHub's webhook payload shape, against real repositories cloned
from a local bare "origin" (so remote-tracking branches exist as in CI)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git as gitpython
import pytest

from conftest import Repo, git
from reviewgate.errors import GitError, PolicyError
from reviewgate.git.ci import CiEnvironmentError, CiRange, detect_ci_range
from reviewgate.git.repo import RangeSpec, read_commits, validate_revisions
from reviewgate.git.shallow import deepen_for, is_shallow
from reviewgate.git.tree_files import policy_differs, policy_text_at

ZEROS = "0" * 40
REPOSITORY = {
    "id": 1296269,
    "name": "widget",
    "full_name": "octo/widget",
    "private": False,
    "owner": {"login": "octo", "type": "Organization"},
    "default_branch": "main",
    "clone_url": "https://github.com/octo/widget.git",
}
SENDER = {"login": "contributor", "id": 2, "type": "User"}


@dataclass
class World:
    """A work repository, its bare origin, and the commits both know."""

    work: Repo
    origin: Path
    tmp: Path
    shas: dict[str, str]

    def push(self, *refspecs: str) -> None:
        self.work.git("push", "-q", "--force", str(self.origin), *refspecs)

    def clone(self, name: str = "ci") -> Path:
        """A complete CI checkout (actions/checkout with fetch-depth: 0)."""
        target = self.tmp / name
        git(self.tmp, "clone", "-q", "--no-local", str(self.origin), str(target))
        return target

    def commit(self, name: str, files: dict[str, str] | None = None) -> str:
        self.shas[name] = self.work.commit(f"{name}\n", files or {f"{name}.txt": f"{name}\n"})
        return self.shas[name]


@pytest.fixture
def world(repo: Repo, tmp_path: Path) -> World:
    """main: m1 m2 m3 m4; feature (from m3): f1 f2, which changes the policy."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    w = World(repo, origin, tmp_path, {})
    w.commit("m1", {".reviewgate.yaml": "assistance:\n  require: declared\n"})
    w.commit("m2")
    w.commit("m3")
    repo.git("checkout", "-q", "-b", "feature")
    w.commit("f1")
    w.commit("f2", {".reviewgate.yaml": "assistance:\n  require: off\n"})
    repo.git("checkout", "-q", "main")
    w.commit("m4")
    w.push("main")
    return w


def _revs(path: Path, ci: CiRange) -> set[str]:
    return set(git(path, "rev-list", *ci.revisions, "--").stdout.split())


def _detect(path: Path, environ: dict[str, str]) -> CiRange | None:
    return detect_ci_range(environ, gitpython.Repo(path))


def _github_env(
    tmp: Path, name: str, payload: dict[str, Any], *, sha: str, ref: str, **extra: str
) -> dict[str, str]:
    """The variables GitHub Actions sets for a job, with the event written to a file."""
    event = tmp / f"event-{name}.json"
    event.write_text(json.dumps(payload, indent=2))
    return {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SHA": sha,
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref.rsplit("/", 1)[-1],
        "GITHUB_REPOSITORY": "octo/widget",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_WORKSPACE": str(tmp),
        "GITHUB_RUN_ID": "1658821493",
        "RUNNER_OS": "Linux",
        "HOME": str(tmp),
        **extra,
    }


def _pr_payload(
    action: str, number: int, base_sha: str, head_sha: str, merge: str
) -> dict[str, Any]:
    fork = {**REPOSITORY, "full_name": "contributor/widget", "owner": {"login": "contributor"}}
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "url": f"https://api.github.com/repos/octo/widget/pulls/{number}",
            "number": number,
            "state": "open",
            "title": "Add the thing",
            "user": SENDER,
            "merge_commit_sha": merge,
            "head": {
                "label": "contributor:feature",
                "ref": "feature",
                "sha": head_sha,
                "user": SENDER,
                "repo": fork,
            },
            "base": {
                "label": "octo:main",
                "ref": "main",
                "sha": base_sha,
                "user": REPOSITORY["owner"],
                "repo": REPOSITORY,
            },
        },
        "repository": REPOSITORY,
        "sender": SENDER,
    }


def _push_payload(ref: str, before: str, after: str, *, forced: bool = False) -> dict[str, Any]:
    created, deleted = before == ZEROS, after == ZEROS
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "created": created,
        "deleted": deleted,
        "forced": forced,
        "base_ref": None,
        "compare": f"https://github.com/octo/widget/compare/{before[:12]}...{after[:12]}",
        "commits": [],
        "head_commit": None if deleted else {"id": after, "message": "x", "distinct": True},
        "pusher": {"name": "contributor", "email": "c@example.org"},
        "repository": REPOSITORY,
        "sender": SENDER,
    }


def _push_env(
    world: World, ref: str, before: str, after: str, *, forced: bool = False
) -> dict[str, str]:
    """A push workflow's environment: GITHUB_SHA and GITHUB_REF are the pushed ones."""
    payload = _push_payload(ref, before, after, forced=forced)
    return _github_env(world.tmp, "push", payload, sha=after, ref=ref)


def _pr_env(world: World, name: str, number: int, *, checkout: str) -> dict[str, str]:
    """A pull request (feature into main) workflow's environment; `checkout` is
    GITHUB_SHA: the merge commit for pull_request, the base for pull_request_target."""
    s = world.shas
    payload = _pr_payload("synchronize", number, s["m4"], s["f2"], checkout)
    ref = f"refs/pull/{number}/merge" if name == "pull_request" else "refs/heads/main"
    extra = {"GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feature"}
    return _github_env(world.tmp, name, payload, sha=checkout, ref=ref, **extra)


def _gitlab_env(**variables: str) -> dict[str, str]:
    """The predefined variables a GitLab job always has, plus the pipeline's own."""
    return {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_SERVER_HOST": "gitlab.example.com",
        "CI_PROJECT_PATH": "octo/widget",
        "CI_DEFAULT_BRANCH": "main",
        "CI_JOB_ID": "4242",
        "CI_PIPELINE_ID": "77",
        **variables,
    }


def _merge(world: World, name: str, into: str, branch: str) -> str:
    """A no-ff merge of `branch` into `into` made on a scratch branch."""
    world.work.git("checkout", "-q", "-b", name, into)
    world.work.git("merge", "-q", "--no-ff", "-m", f"Merge {branch} into {into}", branch)
    sha = world.work.head()
    world.work.git("checkout", "-q", "main")
    world.shas[name] = sha
    return sha


# -- GitHub ------------------------------------------------------------------------


def test_github_pull_request_is_base_to_head_not_the_merge(world: World) -> None:
    s = world.shas
    merge = _merge(world, "pr-merge", s["m4"], "feature")
    world.push("feature", f"{s['f2']}:refs/pull/1/head", f"{merge}:refs/pull/1/merge")
    ci_path = world.clone()
    # actions/checkout for pull_request: the merge ref, detached.
    git(ci_path, "fetch", "-q", "origin", "+refs/pull/1/merge:refs/remotes/pull/1/merge")
    git(ci_path, "checkout", "-q", "--detach", "refs/remotes/pull/1/merge")
    env = _pr_env(world, "pull_request", 1, checkout=merge)

    ci = _detect(ci_path, env)

    assert ci is not None
    assert (ci.provider, ci.base, ci.head, ci.fetch) == ("github", s["m4"], s["f2"], ())
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}
    assert "#1" in ci.describe


def test_github_pull_request_in_a_depth_1_checkout_end_to_end(world: World) -> None:
    """actions/checkout's default for pull_request: the merge ref alone, one deep.
    Both the base and the head are its parents, absent until deepen_for runs."""
    s = world.shas
    merge = _merge(world, "pr-merge", s["m4"], "feature")
    world.push(f"{s['f2']}:refs/pull/3/head", f"{merge}:refs/pull/3/merge")
    ci_path = world.tmp / "ci"
    git(world.tmp, "init", "-q", str(ci_path))
    git(ci_path, "remote", "add", "origin", f"file://{world.origin}")
    git(
        ci_path,
        "fetch",
        "-q",
        "--depth=1",
        "origin",
        "+refs/pull/3/merge:refs/remotes/pull/3/merge",
    )
    git(ci_path, "checkout", "-q", "--detach", "refs/remotes/pull/3/merge")
    handle = gitpython.Repo(ci_path)

    ci = _detect(ci_path, _pr_env(world, "pull_request", 3, checkout=merge))

    assert ci is not None and ci.fetch == ()
    with pytest.raises(GitError):
        policy_text_at(handle, ci.base or "")
    assert deepen_for(handle, ci.revisions, first_step=1)
    assert is_shallow(handle)
    spec = RangeSpec(validate_revisions(ci.revisions))
    assert {c.sha for c in read_commits(handle, spec)} == {s["f1"], s["f2"]}
    assert policy_text_at(handle, ci.base or "") == "assistance:\n  require: declared\n"
    assert policy_differs(handle, ci.base or "", ci.head)


def test_github_pull_request_target_says_what_to_fetch(world: World) -> None:
    s = world.shas
    # A fork's pull request: its commits exist on origin only under refs/pull/.
    world.push(f"{s['f2']}:refs/pull/5/head")
    ci_path = world.clone()  # pull_request_target checks out the base branch
    env = _pr_env(world, "pull_request_target", 5, checkout=s["m4"])

    fix = "git fetch --no-tags origin +refs/pull/5/head:refs/remotes/pull/5"
    with pytest.raises(GitError, match=re.escape(fix)):
        _detect(ci_path, env)

    git(ci_path, "fetch", "-q", *fix.split()[2:])
    ci = _detect(ci_path, env)
    assert ci is not None and ci.base == s["m4"]
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}


def test_github_push_fast_forward(world: World) -> None:
    s = world.shas
    world.commit("m5")
    world.commit("m6")
    world.push("main")
    ci_path = world.clone()
    env = _push_env(world, "refs/heads/main", s["m4"], s["m6"])

    ci = _detect(ci_path, env)

    assert ci is not None
    assert (ci.base, ci.head, ci.revisions) == (s["m4"], s["m6"], (f"{s['m4']}..{s['m6']}",))
    assert _revs(ci_path, ci) == {s["m5"], s["m6"]}


@pytest.mark.parametrize("shared", [False, True], ids=["alone", "built-on-a-pushed-branch"])
def test_github_push_creating_a_branch(world: World, shared: bool) -> None:
    s = world.shas
    if shared:
        # f1 reached the remote earlier on another branch: it is not new.
        world.push(f"{s['f1']}:refs/heads/wip")
    world.push("feature")
    ci_path = world.clone()
    env = _push_env(world, "refs/heads/feature", ZEROS, s["f2"])

    ci = _detect(ci_path, env)

    assert ci is not None
    # The checkout's own origin/feature is f2: it must not hide the branch's commits.
    assert git(ci_path, "rev-parse", "origin/feature").stdout.strip() == s["f2"]
    assert _revs(ci_path, ci) == ({s["f2"]} if shared else {s["f1"], s["f2"]})
    assert ci.base == "refs/remotes/origin/main"
    assert ci.fetch == ()
    assert policy_text_at(gitpython.Repo(ci_path), ci.base) == (
        "assistance:\n  require: declared\n"
    )


def test_github_push_creating_a_branch_in_a_depth_1_checkout(world: World) -> None:
    """actions/checkout's default: the pushed ref alone, one commit deep. The range
    needs the default branch, which deepen_for fetches before deepening."""
    s = world.shas
    world.push("feature")
    ci_path = world.tmp / "ci"
    git(world.tmp, "init", "-q", str(ci_path))
    git(ci_path, "remote", "add", "origin", f"file://{world.origin}")
    git(ci_path, "fetch", "-q", "--depth=1", "origin", f"+{s['f2']}:refs/remotes/origin/feature")
    git(ci_path, "checkout", "-q", "-B", "feature", "refs/remotes/origin/feature")
    env = _push_env(world, "refs/heads/feature", ZEROS, s["f2"])
    handle = gitpython.Repo(ci_path)

    ci = _detect(ci_path, env)

    assert ci is not None and is_shallow(handle)
    assert ci.fetch == ("+refs/heads/main:refs/remotes/origin/main",)
    assert deepen_for(handle, ci.revisions, refspecs=ci.fetch, first_step=1)
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}
    # The lead's reader takes these revisions as they are, and finds nothing cut off.
    spec = RangeSpec(validate_revisions(ci.revisions))
    assert {c.sha for c in read_commits(handle, spec)} == {s["f1"], s["f2"]}
    assert git(ci_path, "rev-parse", ci.base).stdout.strip() == s["m4"]
    assert git(ci_path, "rev-parse", "refs/heads/feature").stdout.strip() == s["f2"]


def test_github_push_in_a_shallow_checkout_trusts_the_forced_flag(world: World) -> None:
    s = world.shas
    world.commit("m5")
    world.commit("m6")
    world.push("main")
    ci_path = world.tmp / "ci"
    git(world.tmp, "clone", "-q", "--depth=1", f"file://{world.origin}", str(ci_path))
    env = _push_env(world, "refs/heads/main", s["m4"], s["m6"])
    handle = gitpython.Repo(ci_path)

    ci = _detect(ci_path, env)

    # `before` is not here yet; the event says the push was a fast-forward.
    assert ci is not None and ci.revisions == (f"{s['m4']}..{s['m6']}",)
    assert deepen_for(handle, ci.revisions, first_step=1)
    assert _revs(ci_path, ci) == {s["m5"], s["m6"]}
    assert is_shallow(handle)


@pytest.mark.parametrize("forced_flag", [True, False], ids=["forced", "not-flagged"])
def test_github_force_push_with_the_old_tip_still_here(world: World, forced_flag: bool) -> None:
    s = world.shas
    world.push("feature")
    ci_path = world.clone()  # has f1 f2
    world.work.git("checkout", "-q", "-B", "feature", s["m3"])
    world.commit("g1")
    world.work.git("checkout", "-q", "main")
    world.push("+feature")
    git(ci_path, "fetch", "-q", "origin")
    env = _push_env(world, "refs/heads/feature", s["f2"], s["g1"], forced=forced_flag)

    ci = _detect(ci_path, env)

    assert ci is not None
    assert _revs(ci_path, ci) == {s["g1"]}
    assert ci.base == "refs/remotes/origin/main"
    assert "rewriting" in ci.describe


def test_github_force_push_with_the_old_tip_gone(world: World) -> None:
    s = world.shas
    world.push("feature")
    world.work.git("checkout", "-q", "-B", "feature", s["m3"])
    world.commit("g1")
    world.commit("g2")
    world.work.git("checkout", "-q", "main")
    world.push("+feature")
    ci_path = world.clone()  # cloned after the force-push: f2 is nowhere here
    env = _push_env(world, "refs/heads/feature", s["f2"], s["g2"], forced=True)

    ci = _detect(ci_path, env)

    assert ci is not None
    assert _revs(ci_path, ci) == {s["g1"], s["g2"]}


def test_github_force_push_of_the_default_branch_trusts_its_old_tip(world: World) -> None:
    s = world.shas
    ci_path = world.clone()
    world.work.git("reset", "-q", "--hard", s["m3"])
    world.commit("r4")
    world.push("+main")
    git(ci_path, "fetch", "-q", "origin")
    env = _push_env(world, "refs/heads/main", s["m4"], s["r4"], forced=True)

    ci = _detect(ci_path, env)

    # origin/main is the pushed commit itself: the old tip is the trusted one.
    assert ci is not None and ci.base == s["m4"]
    assert _revs(ci_path, ci) == {s["r4"]}


def test_github_push_of_an_annotated_tag_is_peeled(world: World) -> None:
    s = world.shas
    world.work.git("tag", "-a", "-m", "release", "v1", s["m4"])
    world.push("refs/tags/v1")
    tag_object = world.work.git("rev-parse", "v1").stdout.strip()
    ci_path = world.clone()
    env = _push_env(world, "refs/tags/v1", ZEROS, tag_object)

    ci = _detect(ci_path, env)

    assert ci is not None and ci.head == s["m4"] != tag_object
    assert _revs(ci_path, ci) == set()  # the tagged commit is on main already


def test_github_push_deleting_a_branch_checks_nothing(world: World) -> None:
    s = world.shas
    ci_path = world.clone()
    env = _push_env(world, "refs/heads/feature", s["f2"], ZEROS)
    ci = _detect(ci_path, env)
    assert ci is not None and ci.revisions == () and "deleted" in ci.describe


def test_github_merge_group(world: World) -> None:
    s = world.shas
    world.work.git("checkout", "-q", "-b", "pr", s["m4"])
    world.commit("p1")
    world.commit("p2")
    world.work.git("checkout", "-q", "main")
    queue = f"gh-readonly-queue/main/pr-12-{s['m4']}"
    merge = _merge(world, queue, s["m4"], "pr")
    world.push(f"{merge}:refs/heads/{queue}")
    ci_path = world.clone()
    payload = {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": merge,
            "head_ref": f"refs/heads/{queue}",
            "base_sha": s["m4"],
            "base_ref": "refs/heads/main",
            "head_commit": {"id": merge, "tree_id": "0" * 40, "message": "Merge pr"},
        },
        "repository": REPOSITORY,
        "sender": SENDER,
    }
    env = _github_env(world.tmp, "merge_group", payload, sha=merge, ref=f"refs/heads/{queue}")

    ci = _detect(ci_path, env)

    assert ci is not None and (ci.base, ci.head) == (s["m4"], merge)
    assert _revs(ci_path, ci) == {s["p1"], s["p2"], merge}


def test_github_events_without_a_range_are_none(world: World) -> None:
    ci_path = world.clone()
    payload = {"schedule": "0 3 * * *", "repository": REPOSITORY}
    env = _github_env(world.tmp, "schedule", payload, sha=world.shas["m4"], ref="refs/heads/main")
    assert _detect(ci_path, env) is None


def test_github_event_file_problems_are_one_line_errors(world: World) -> None:
    s = world.shas
    ci_path = world.clone()
    env = _push_env(world, "refs/heads/main", s["m3"], s["m4"])
    missing = {k: v for k, v in env.items() if k != "GITHUB_EVENT_PATH"}
    with pytest.raises(CiEnvironmentError, match="GITHUB_EVENT_PATH"):
        _detect(ci_path, missing)
    Path(env["GITHUB_EVENT_PATH"]).write_text("{not json")
    with pytest.raises(CiEnvironmentError, match="not JSON"):
        _detect(ci_path, env)
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps({"ref": "refs/heads/main"}))
    with pytest.raises(CiEnvironmentError, match="no before"):
        _detect(ci_path, env)
    bad = _push_payload("refs/heads/main", "--output=/tmp/x", s["m4"])
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(bad))
    with pytest.raises(CiEnvironmentError, match="not a commit id"):
        _detect(ci_path, env)


# -- GitLab ------------------------------------------------------------------------


def test_gitlab_merge_request_pipeline(world: World) -> None:
    s = world.shas
    world.push("feature")
    ci_path = world.clone()
    git(ci_path, "checkout", "-q", "--detach", s["f2"])
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_IID="7",
        CI_MERGE_REQUEST_DIFF_BASE_SHA=s["m3"],
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME="feature",
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        CI_MERGE_REQUEST_REF_PATH="refs/merge-requests/7/head",
        CI_COMMIT_SHA=s["f2"],
        CI_COMMIT_BEFORE_SHA=ZEROS,
        CI_COMMIT_REF_NAME="feature",
    )

    ci = _detect(ci_path, env)

    # The target branch, fetched as it is now, is trusted; the diff base bounds the range.
    assert ci is not None and (ci.provider, ci.head) == ("gitlab", s["f2"])
    assert (ci.base, ci.fetch) == (
        "refs/remotes/origin/main",
        ("+refs/heads/main:refs/remotes/origin/main",),
    )
    assert ci.revisions == (f"{s['m3']}..{s['f2']}",)
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}
    assert "!7" in ci.describe
    del env["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]
    with pytest.raises(CiEnvironmentError, match="REVIEWGATE_BASE"):
        _detect(ci_path, env)


def test_gitlab_merged_results_pipeline_checks_the_source_commits(world: World) -> None:
    s = world.shas
    world.push("feature")
    merge = _merge(world, "merged-result", s["m4"], "feature")
    world.push(f"{merge}:refs/merge-requests/7/merge")
    ci_path = world.clone()
    git(ci_path, "fetch", "-q", "origin", "refs/merge-requests/7/merge")
    git(ci_path, "checkout", "-q", "--detach", merge)
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_IID="7",
        CI_MERGE_REQUEST_DIFF_BASE_SHA=s["m3"],
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=s["f2"],
        CI_MERGE_REQUEST_TARGET_BRANCH_SHA=s["m4"],
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        CI_COMMIT_SHA=merge,
        CI_COMMIT_BEFORE_SHA=ZEROS,
    )

    ci = _detect(ci_path, env)

    assert ci is not None and (ci.base, ci.head) == (s["m4"], s["f2"])
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}


def test_gitlab_branch_pipeline_of_a_new_branch(world: World) -> None:
    s = world.shas
    world.push("feature")
    ci_path = world.clone()
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="push",
        CI_COMMIT_BRANCH="feature",
        CI_COMMIT_REF_NAME="feature",
        CI_COMMIT_SHA=s["f2"],
        CI_COMMIT_BEFORE_SHA=ZEROS,
    )

    ci = _detect(ci_path, env)

    assert ci is not None and ci.base == "refs/remotes/origin/main"
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}


def test_gitlab_branch_pipeline_of_a_push(world: World) -> None:
    s = world.shas
    world.commit("m5")
    world.push("main")
    ci_path = world.clone()
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="push",
        CI_COMMIT_BRANCH="main",
        CI_COMMIT_SHA=s["m5"],
        CI_COMMIT_BEFORE_SHA=s["m3"],
    )
    ci = _detect(ci_path, env)
    assert ci is not None and ci.base == s["m3"]
    assert _revs(ci_path, ci) == {s["m4"], s["m5"]}


def test_gitlab_scheduled_pipeline_is_none(world: World) -> None:
    env = _gitlab_env(
        CI_PIPELINE_SOURCE="schedule", CI_COMMIT_BRANCH="main", CI_COMMIT_SHA=world.shas["m4"]
    )
    assert _detect(world.clone(), env) is None


# -- generic and none --------------------------------------------------------------


def test_generic_reviewgate_base(world: World) -> None:
    s = world.shas
    world.push("feature")
    ci_path = world.clone()
    git(ci_path, "checkout", "-q", "feature")
    # It wins over what the CI would say.
    env = {"CI": "true", "REVIEWGATE_BASE": "origin/main", "GITLAB_CI": "true"}

    ci = _detect(ci_path, env)

    assert ci is not None and (ci.provider, ci.base, ci.head) == ("generic", "origin/main", s["f2"])
    assert _revs(ci_path, ci) == {s["f1"], s["f2"]}
    with pytest.raises(CiEnvironmentError):
        _detect(ci_path, {"REVIEWGATE_BASE": "--all"})


@pytest.mark.parametrize(
    "environ",
    [{}, {"CI": "true"}, {"GITHUB_ACTIONS": "false"}, {"GITLAB_CI": "", "REVIEWGATE_BASE": " "}],
)
def test_outside_ci_is_none(world: World, environ: dict[str, str]) -> None:
    assert _detect(world.work.path, environ) is None


# -- the policy at a revision -------------------------------------------------------


def test_policy_text_at_and_differs(world: World) -> None:
    s = world.shas
    handle = gitpython.Repo(world.work.path)
    assert policy_text_at(handle, s["m2"]) == "assistance:\n  require: declared\n"
    assert policy_text_at(handle, s["f2"]) == "assistance:\n  require: off\n"
    assert policy_text_at(handle, s["m2"], "no/such.yaml") is None
    assert policy_differs(handle, s["m4"], s["f2"])
    assert not policy_differs(handle, s["m1"], s["f1"])
    with pytest.raises(GitError, match="unknown revision"):
        policy_text_at(handle, "no-such-branch")


def test_policy_text_at_before_the_file_existed(repo: Repo) -> None:
    first = repo.commit("first\n", {"README": "hi\n"})
    second = repo.commit("second\n", {".reviewgate.yaml": "rules: {}\n"})
    handle = gitpython.Repo(repo.path)
    assert policy_text_at(handle, first) is None
    assert policy_differs(handle, first, second)


def test_policy_text_at_follows_links_and_refuses_odd_entries(repo: Repo) -> None:
    repo.write("config/policy.yaml", "\ufeffrules: {}\n")
    (repo.path / ".reviewgate.yaml").symlink_to("config/policy.yaml")
    (repo.path / "outside.yaml").symlink_to("../elsewhere.yaml")
    repo.write("dir/.keep", "")
    repo.write("latin1.yaml", b"name: caf\xe9\n")
    sha = repo.commit("layout\n")
    handle = gitpython.Repo(repo.path)
    assert policy_text_at(handle, sha) == "rules: {}\n"
    assert policy_text_at(handle, sha, "config/policy.yaml") == "rules: {}\n"
    with pytest.raises(PolicyError, match="out of the repository"):
        policy_text_at(handle, sha, "outside.yaml")
    with pytest.raises(PolicyError, match="is a tree"):
        policy_text_at(handle, sha, "dir")
    with pytest.raises(PolicyError, match=r"latin1.yaml:1: .*not UTF-8"):
        policy_text_at(handle, sha, "latin1.yaml")
    # A glob character is a plain character here.
    assert policy_text_at(handle, sha, "*.yaml") is None
