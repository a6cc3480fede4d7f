"""Find the range to check, and the trusted base, from a CI's environment.

`detect_ci_range(environ, repo)` reads what GitHub Actions or GitLab CI tell a job
(environment variables, and GitHub's event file) and returns the commits a pull
request, merge request, merge queue group or push brings, as revisions for
git.RangeSpec, together with the trusted revision whose policy judges them: a pull
request must not be able to relax the policy that judges it.

The git calls here are few and cheap (`rev-parse`, `merge-base --is-ancestor`):
presence and ancestry decide how a push is read. What a range needs from the
remote is listed in CiRange.fetch for shallow.deepen_for; the one fetch here is a
push's old tip that the clone lacks (a force-push), fetched by id, since it is
the trusted base of a push to the default branch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewgate.errors import GitError, ReviewgateError
from reviewgate.git.shallow import fetch_commit, is_shallow
from reviewgate.git.tree_files import commit_of as _commit
from reviewgate.git.tree_files import git_error

if TYPE_CHECKING:
    import git as gitpython

# CI checkouts name their one remote so: actions/checkout and gitlab-runner alike.
REMOTE = "origin"
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_GITHUB_PR_EVENTS = ("pull_request", "pull_request_target")


class CiEnvironmentError(ReviewgateError):
    """The CI's variables or event file are missing or malformed (exit 2)."""


@dataclass(frozen=True)
class CiRange:
    """The commits a CI event brings, and the revision trusted to judge them.

    `revisions` go to git.RangeSpec as they are; an empty tuple means there is
    nothing to check (a deleted branch) and must not be handed to git log, which
    would read HEAD. `base` is None when no trusted revision exists (the first push
    of the default branch): the policy then comes from the checkout. `fetch` lists
    refspecs the range needs from the remote and the checkout may lack (the default
    branch that a new branch's commits are told apart from): give them to
    shallow.deepen_for.
    """

    provider: str
    base: str | None
    head: str
    revisions: tuple[str, ...]
    describe: str
    fetch: tuple[str, ...] = ()


def detect_ci_range(environ: Mapping[str, str], repo: gitpython.Repo) -> CiRange | None:
    """The range and trusted base the CI's environment names; None outside CI, or
    for an event that names no range (a schedule, a manual run).

    REVIEWGATE_BASE, when set, wins over what the CI says: it is the user's own
    choice in the workflow file.
    """
    if environ.get("REVIEWGATE_BASE", "").strip():
        return _generic(environ, repo)
    if environ.get("GITHUB_ACTIONS") == "true":
        return _github(environ, repo)
    if environ.get("GITLAB_CI") == "true":
        return _gitlab(environ, repo)
    return None


# -- providers -------------------------------------------------------------------


def _generic(environ: Mapping[str, str], repo: gitpython.Repo) -> CiRange:
    base = environ["REVIEWGATE_BASE"].strip()
    if base.startswith("-") or ".." in base:
        raise CiEnvironmentError(
            f"REVIEWGATE_BASE must name one revision (a branch, tag or commit), not {base!r}"
        )
    head = _commit(repo, "HEAD") or "HEAD"
    return CiRange("generic", base, head, (f"{base}..{head}",), f"{base}..{_short(head)}")


def _github(environ: Mapping[str, str], repo: gitpython.Repo) -> CiRange | None:
    name = environ.get("GITHUB_EVENT_NAME", "")
    if name not in (*_GITHUB_PR_EVENTS, "push", "merge_group"):
        return None
    event = _load_event(environ)
    if name in _GITHUB_PR_EVENTS:
        base = _sha(_field(event, "pull_request.base.sha", name), "pull_request.base.sha")
        head = _sha(_field(event, "pull_request.head.sha", name), "pull_request.head.sha")
        number = _field(event, "pull_request.number", name)
        if name == "pull_request_target" and _commit(repo, head) is None:
            # The checkout is the base branch: nothing here leads to the head.
            raise GitError(
                f"pull_request_target: the pull request's head {_short(head)} is not in this "
                f"clone (the checkout is the base branch); fetch it before checking, without "
                f"checking it out: `git fetch --no-tags {REMOTE} "
                f"+refs/pull/{number}/head:refs/remotes/pull/{number}`"
            )
        return CiRange(
            "github",
            base,
            head,
            (f"{base}..{head}",),
            f"pull request #{number} ({name}): {_short(base)}..{_short(head)}",
        )
    if name == "merge_group":
        base = _sha(_field(event, "merge_group.base_sha", name), "merge_group.base_sha")
        head = _sha(_field(event, "merge_group.head_sha", name), "merge_group.head_sha")
        ref = _field(event, "merge_group.head_ref", name)
        return CiRange(
            "github",
            base,
            head,
            (f"{base}..{head}",),
            f"merge group {ref}: {_short(base)}..{_short(head)}",
        )
    ref = str(_field(event, "ref", name))
    before = _sha(_field(event, "before", name), "before")
    after = _sha(_field(event, "after", name), "after")
    default = _field(event, "repository.default_branch", name)
    return _push_range(
        repo,
        "github",
        ref=ref,
        before=before,
        after=after,
        forced=event.get("forced") is True,
        default_branch=str(default) if default else None,
    )


def _gitlab(environ: Mapping[str, str], repo: gitpython.Repo) -> CiRange | None:
    source = environ.get("CI_PIPELINE_SOURCE", "")
    if environ.get("CI_MERGE_REQUEST_IID") or source == "merge_request_event":
        # In a merged results pipeline CI_COMMIT_SHA is GitLab's merge of source and
        # target; the merge request's own commits end at the source branch's head.
        head = _env_sha(environ, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", required=False) or (
            _env_sha(environ, "CI_COMMIT_SHA")
        )
        target = _env_sha(environ, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA", required=False)
        diff_base = _env_sha(environ, "CI_MERGE_REQUEST_DIFF_BASE_SHA", required=False)
        name = environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "").strip()
        # The trusted base is the target branch as it is now: GitLab's own sha in a
        # merged results pipeline, else the target fetched from origin. The diff base
        # (the merge base) only bounds the range: a branch started before the policy
        # existed must not be judged by the built-in defaults.
        fetch: tuple[str, ...] = ()
        if target:
            base = target
        elif name and not name.startswith("-"):
            base = f"refs/remotes/{REMOTE}/{name}"
            fetch = (f"+refs/heads/{name}:{base}",)
        else:
            raise CiEnvironmentError(
                "GitLab merge request pipeline without CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "
                "set REVIEWGATE_BASE to the target branch"
            )
        start = diff_base or base
        iid = environ.get("CI_MERGE_REQUEST_IID", "?")
        return CiRange(
            "gitlab",
            base,
            head,
            (f"{start}..{head}",),
            f"merge request !{iid}: {_short(start)}..{_short(head)}",
            fetch,
        )
    if source not in ("", "push"):
        return None
    branch, tag = environ.get("CI_COMMIT_BRANCH", ""), environ.get("CI_COMMIT_TAG", "")
    if not (branch or tag):
        return None
    return _push_range(
        repo,
        "gitlab",
        ref=f"refs/heads/{branch}" if branch else f"refs/tags/{tag}",
        before=_env_sha(environ, "CI_COMMIT_BEFORE_SHA", required=False) or "0" * 40,
        after=_env_sha(environ, "CI_COMMIT_SHA"),
        forced=None,
        default_branch=environ.get("CI_DEFAULT_BRANCH") or None,
    )


# -- pushes ----------------------------------------------------------------------


def _push_range(
    repo: gitpython.Repo,
    provider: str,
    *,
    ref: str,
    before: str,
    after: str,
    forced: bool | None,
    default_branch: str | None,
) -> CiRange:
    """The commits a push of `ref` from `before` to `after` brings.

    A fast-forward brings `before..after`. A new ref, or one whose old tip is gone
    or is no ancestor (a force-push), brings the commits of `after` that the remote
    had on no other branch: `after --not [before] --remotes`, leaving out the ref's
    own remote-tracking branch, which CI checkouts set to `after` itself.
    """
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    if _is_zero(after):
        return CiRange(provider, None, after, (), f"{ref} deleted: no commits to check")
    head = _commit(repo, after) or after
    old = None if _is_zero(before) else _commit(repo, before)
    if old is None and not _is_zero(before) and (forced or not is_shallow(repo)):
        # A force-push's old tip that the clone never had: fetch it by id, since it
        # judges a push to the default branch (shallow.deepen_for brings the old tip
        # of a fast-forward in a shallow clone).
        old = _commit(repo, before) if fetch_commit(repo, before, REMOTE) else None
    # In a shallow clone `before` may be absent, or cut off from `after`, until the
    # history is deepened; nothing said force-push, so read it as a fast-forward.
    if (
        not _is_zero(before)
        and not forced
        and (is_shallow(repo) or (old is not None and _is_ancestor(repo, old, head)))
    ):
        return CiRange(
            provider,
            before,
            head,
            (f"{before}..{head}",),
            f"push to {ref}: {_short(before)}..{_short(head)}",
        )
    # --exclude patterns before --remotes leave out the "refs/remotes/" prefix.
    excludes = [f"--exclude={REMOTE}/HEAD"]
    if branch:
        excludes.insert(0, f"--exclude={REMOTE}/{branch}")
    revisions = (head, "--not", *([old] if old else []), *excludes, "--remotes")
    how = "creating" if _is_zero(before) else "rewriting"
    describe = f"push {how} {ref}: commits of {_short(head)} on no other remote branch"
    gone = old is None and not _is_zero(before)
    if branch is not None and branch == default_branch:
        # The default branch's own old tip was the policy in force; there is none
        # when the branch is first pushed. Without it, only the pushed tree's own
        # policy would be left, which must never judge the push.
        if gone:
            raise _old_tip_gone(ref, before)
        return CiRange(provider, old, head, revisions, describe)
    if not default_branch:
        if gone:
            raise _old_tip_gone(ref, before)
        return CiRange(provider, None, head, revisions, describe)
    tracking = f"refs/remotes/{REMOTE}/{default_branch}"
    fetch = () if _commit(repo, tracking) else (f"+refs/heads/{default_branch}:{tracking}",)
    return CiRange(provider, tracking, head, revisions, describe, fetch)


def _old_tip_gone(ref: str, before: str) -> GitError:
    return GitError(
        f"push to {ref}: its old tip {_short(before)} is not in this clone and {REMOTE} "
        f"does not hand it out (`git fetch {REMOTE} {before}` failed), so the policy that "
        f"was in force cannot be read, and the pushed commits' own policy must not judge "
        f"them; set REVIEWGATE_BASE to a commit of {ref.removeprefix('refs/heads/')} that "
        "you trust (a release tag, say), or check this push in a pull request"
    )


# -- helpers ---------------------------------------------------------------------


def _load_event(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise CiEnvironmentError("GITHUB_EVENT_PATH is not set: cannot read the GitHub event")
    try:
        with open(path, encoding="utf-8") as handle:
            event = json.load(handle)
    except OSError as exc:
        raise CiEnvironmentError(f"{path}: cannot read the GitHub event: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CiEnvironmentError(f"{path}: the GitHub event is not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise CiEnvironmentError(f"{path}: the GitHub event is not a JSON object")
    return event


def _field(event: Mapping[str, Any], dotted: str, event_name: str) -> Any:
    value: Any = event
    for key in dotted.split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise CiEnvironmentError(f"the GitHub {event_name} event has no {dotted}")
        value = value[key]
    return value


def _sha(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _SHA.match(value):
        raise CiEnvironmentError(f"{what} is not a commit id: {value!r}")
    return value


def _env_sha(environ: Mapping[str, str], name: str, *, required: bool = True) -> str:
    value = environ.get(name, "").strip()
    if not value:
        if required:
            raise CiEnvironmentError(f"{name} is not set")
        return ""
    return _sha(value, name)


def _is_zero(sha: str) -> bool:
    return not sha.strip("0")


def _short(rev: str) -> str:
    return rev[:10] if _SHA.match(rev) else rev


def _is_ancestor(repo: gitpython.Repo, ancestor: str, descendant: str) -> bool:
    import git as gitpython  # GitPython needs a git binary to import

    try:
        repo.git.merge_base("--is-ancestor", ancestor, descendant)
    except gitpython.GitCommandError as error:
        if error.status == 1:
            return False
        raise git_error(error) from None
    return True
