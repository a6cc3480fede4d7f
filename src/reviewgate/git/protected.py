"""What a server trusts before a push: its protected branches, and the one policy
that judges every ref of the push.

The protected branches are the branch HEAD names, `main` and `master` (and
`reviewgate.policyRef` when the administrator names one). Whatever ref a push
updates, its commits are judged by the policy that the first existing of them
held BEFORE the push (`reviewgate.policyRef` first when it exists): never by the
updated ref's own old value, which a topic branch, a tag or a rewound branch
could have relaxed. A server policy file (`reviewgate.policyFile`, or the hook's
`--config` / REVIEWGATE_CONFIG) replaces that policy; the protected branch still
holds the allowed signers.

Three pushes would erode that anchor without any checked commit, and are
refused (`refusals`): deleting a protected branch (unless `reviewgate.allowDelete`
is set), and a non-fast-forward of a protected branch that changes its policy file
(.reviewgate.yaml, or pyproject.toml's [tool.reviewgate] table) or its allowed
signers (rewinding `main` to before `.reviewgate.yaml` existed would leave the
next push to the built-in defaults).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reviewgate.errors import PolicyError
from reviewgate.git.hookenv import DEFAULT_BRANCHES
from reviewgate.git.pushed_refs import RefUpdate, short
from reviewgate.git.tree_files import policy_text_at, repo_policy_differs, repo_policy_path_at
from reviewgate.policy.files import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    import git as gitpython

POLICY_REF_KEY = "reviewgate.policyRef"
POLICY_FILE_KEY = "reviewgate.policyFile"
ALLOW_DELETE_KEY = "reviewgate.allowDelete"


@dataclass(frozen=True)
class ServerTrust:
    """The server's protected branches as they are before the push, and what judges."""

    protected: tuple[str, ...]  # full ref names, existing or not, HEAD's first
    tips: Mapping[str, str]  # the existing protected refs -> their commits
    source: str | None  # the ref whose policy judges; None: no protected ref exists
    policy_file: str | None  # a server file that replaces the repository's policy
    allow_delete: bool = False
    note: str | None = None  # for the pusher: where the policy comes from, when unusual

    @property
    def trusted(self) -> str | None:
        """The commit whose policy (unless policy_file) and allowed signers judge."""
        return self.tips.get(self.source) if self.source else None

    def is_protected(self, ref: str) -> bool:
        return ref in self.protected


def server_trust(repo: gitpython.Repo, config: str | None = None) -> ServerTrust:
    """Read HEAD, the protected branches and the reviewgate.* settings. `config` is
    the hook's own --config; REVIEWGATE_CONFIG and reviewgate.policyFile follow."""
    head = _symbolic_head(repo)
    policy_ref = _config(repo, POLICY_REF_KEY)
    if policy_ref and not policy_ref.startswith("refs/"):
        policy_ref = f"refs/heads/{policy_ref}"
    candidates = [head] if head and head.startswith("refs/heads/") else []
    candidates += [f"refs/heads/{name}" for name in DEFAULT_BRANCHES]
    protected = tuple(dict.fromkeys([*([policy_ref] if policy_ref else []), *candidates]))
    tips = _commits_of(repo, protected)
    policy_file = config or os.environ.get("REVIEWGATE_CONFIG") or _policy_file(repo)
    source = next((ref for ref in protected if ref in tips), None)
    return ServerTrust(
        protected,
        tips,
        source,
        policy_file or None,
        _config(repo, ALLOW_DELETE_KEY, "--type=bool") == "true",
        _note(head, policy_ref, source, tips, policy_file),
    )


def _note(
    head: str | None,
    policy_ref: str | None,
    source: str | None,
    tips: Mapping[str, str],
    policy_file: str | None,
) -> str | None:
    judge = "the server's policy file" if policy_file else "the built-in defaults"
    if source is None:
        if not tips and head is not None:
            where = f"HEAD names {head}, and neither it, main nor master exists yet"
        else:
            where = "no protected branch exists yet"
        return (
            f"{where}; every ref is judged by {judge} (set the branch that holds the "
            f"policy with `git symbolic-ref HEAD refs/heads/BRANCH` or "
            f"`git config {POLICY_REF_KEY} BRANCH` on the server)"
        )
    if policy_ref and source != policy_ref:
        return (
            f"{POLICY_REF_KEY} names {policy_ref}, which does not exist; every ref is "
            f"judged by the policy at {source} ({short(tips[source])})"
        )
    if head is not None and source not in (head, policy_ref):
        return (
            f"HEAD names {head}, which does not exist; every ref is judged by the "
            f"policy at {source} ({short(tips[source])})"
        )
    return None


def refusals(
    repo: gitpython.Repo,
    updates: Sequence[RefUpdate],
    peeled: Mapping[str, str | None],
    trust: ServerTrust,
) -> list[str]:
    """Why the push must be refused whatever its commits: one line per bad update."""
    lines: list[str] = []
    for update in updates:
        if not trust.is_protected(update.ref):
            continue
        if update.is_creation:
            refused = _new_anchor(repo, update.ref, peeled.get(update.new), trust)
            if refused:
                lines.append(refused)
            continue
        if update.is_deletion:
            if not trust.allow_delete:
                lines.append(
                    f"{update.ref} is a protected branch (its policy judges the server's "
                    f"pushes): deleting it is refused; an administrator can allow it with "
                    f"`git config {ALLOW_DELETE_KEY} true` on the server"
                )
            continue
        old, new = peeled.get(update.old), peeled.get(update.new)
        if old is None or new is None or _is_ancestor(repo, old, new):
            continue
        changed = _trust_files_changed(repo, old, new)
        if changed:
            lines.append(
                f"{update.ref}: this non-fast-forward push ({short(old)} -> {short(new)}) "
                f"changes {changed}, which judges later pushes, with no checked commit "
                f"doing so; push the rewrite with {changed} as at {short(old)}, and change "
                "it in a new commit on top"
            )
    return lines


def _new_anchor(
    repo: gitpython.Repo, ref: str, new: str | None, trust: ServerTrust
) -> str | None:
    """Why creating protected `ref` at `new` is refused, or None. A protected
    branch that ranks above the one whose policy judges now (reviewgate.policyRef,
    HEAD's branch, then main, master) takes over from it the moment it exists: at
    an older commit, it would bring back an older policy for every later push."""
    anchor = trust.source
    if anchor is None or new is None:
        return None
    if trust.protected.index(ref) > trust.protected.index(anchor):
        return None  # it ranks below the anchor: it takes nothing over
    tip = trust.tips[anchor]
    if _is_ancestor(repo, tip, new):
        return None
    return (
        f"{ref}: creating it at {short(new)} would make its policy judge the server's "
        f"pushes in place of {anchor} ({short(tip)}), which {short(new)} does not "
        f"contain; create it at {short(tip)} or a commit on top of it"
    )


def _trust_files_changed(repo: gitpython.Repo, old: str, new: str) -> str | None:
    """The policy file (.reviewgate.yaml, or pyproject.toml for its [tool.reviewgate]
    table), or the allowed signers file it names, when they differ between `old`
    and `new`."""
    path = repo_policy_path_at(repo, old)
    if repo_policy_differs(repo, old, new):
        return path
    before = policy_text_at(repo, old, path)
    signers = load_policy(None).signoff.allowed_signers
    if before is not None:
        with contextlib.suppress(PolicyError):  # judged, and reported, with the push
            policy = load_policy(None, text=before, source=path)
            signers = policy.signoff.allowed_signers
    try:
        if policy_text_at(repo, old, signers) != _text_or_none(repo, new, signers):
            return signers
    except PolicyError:
        return signers
    return None


def _text_or_none(repo: gitpython.Repo, rev: str, path: str) -> str | None:
    try:
        return policy_text_at(repo, rev, path)
    except PolicyError:
        return "\0unreadable"  # a directory or a link out of the tree: a change


def _is_ancestor(repo: gitpython.Repo, old: str, new: str) -> bool:
    import git as gitpython  # GitPython needs a git binary to import

    try:
        repo.git.merge_base("--is-ancestor", old, new)
    except gitpython.GitCommandError:
        return False
    return True


def _symbolic_head(repo: gitpython.Repo) -> str | None:
    try:
        out = repo.git.symbolic_ref("--quiet", "HEAD")
    except Exception:  # a detached HEAD
        return None
    return out.strip() or None


def _commits_of(repo: gitpython.Repo, refs: Sequence[str]) -> dict[str, str]:
    """The commit each existing ref of `refs` points at (a tag peeled); one process."""
    if not refs:
        return {}
    out = repo.git.for_each_ref(
        "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)",
        *refs,
    )
    found: dict[str, str] = {}
    for line in out.splitlines():
        ref, kind, oid, target_kind, target = line.split("\0")
        if ref not in refs:
            continue  # for-each-ref matches a pattern's prefix too
        if kind == "commit":
            found[ref] = oid
        elif target_kind == "commit":
            found[ref] = target
    return found


def _config(repo: gitpython.Repo, key: str, *options: str) -> str | None:
    import git as gitpython  # GitPython needs a git binary to import

    try:
        value = repo.git.config(*options, "--get", key)
    except gitpython.GitCommandError as error:
        if error.status == 1:
            return None  # unset
        raise PolicyError(f"git config {key}: {str(error.stderr).strip()}") from None
    return value.strip() or None


def _policy_file(repo: gitpython.Repo) -> str | None:
    """reviewgate.policyFile, a relative path taken from the repository's git dir."""
    value = _config(repo, POLICY_FILE_KEY, "--type=path")
    if not value:
        return None
    return value if os.path.isabs(value) else os.path.join(repo.git_dir, value)
