"""One check, start to end: the range, its trusted policy, the commits streamed
through the commit rules, the evidence gathered, the range rules, the result."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from reviewgate.errors import GitError, ShallowCloneError
from reviewgate.git.ci import detect_ci_range
from reviewgate.git.config_path import path_in_tree
from reviewgate.git.repo import (
    SHALLOW_FIX,
    RangeSpec,
    default_range,
    open_repo,
    read_commits,
    repo_root,
    short_rev,
    validate_revisions,
)
from reviewgate.git.shallow import deepen_for, is_shallow
from reviewgate.git.tree_files import (
    policy_differs,
    policy_text_at,
    repo_policy_differs,
    repo_policy_path_at,
)
from reviewgate.model.commit import Commit
from reviewgate.model.result import CheckResult, GatherOptions
from reviewgate.pairs.prefetch import DiffPrefetch
from reviewgate.pipeline.gather import gather_evidence, pairs_enabled
from reviewgate.pipeline.range_rules import run_range_rules
from reviewgate.pipeline.rules import run_rules
from reviewgate.policy.files import find_policy_file, load_policy
from reviewgate.policy.schema import POLICY_FILE_NAME, Policy
from reviewgate.signoff.gather import signers_note

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from reviewgate.model.result import GatherOptions
    from reviewgate.pairs.prefetch import DiffPrefetch


def load_repo_policy(config: str | None, root: Path | None = None) -> Policy:
    """The policy of the repository at `root` (default: the current one)."""
    if root is None:
        from reviewgate.git.repo import open_repo, repo_root

        root = repo_root(open_repo())
    path = find_policy_file(root, config)
    return load_policy(path, source=display_path(path) if path else None)



def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when
    it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative



def run_check(
    *,
    revisions: Sequence[str] = (),
    max_count: int | None = None,
    config: str | None = None,
    cwd: str | Path | None = None,
    deepen: bool | None = None,
    policy_from: str | None = None,
    environ: Mapping[str, str] | None = None,
    with_paths: bool = True,
    policy_head: str = "HEAD",
    gather: GatherOptions | None = None,
    merge_paths: bool | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check `revisions`; with none, the range CI describes, else the commits not
    upstream yet. `deepen` (default: on in CI) completes a shallow clone first.
    `with_paths=False` skips the diffs when neither the rules nor the report need
    changed paths: on a long range they are most of git's work; a merge's paths are
    read only with `merge_paths` (default: when the policy checks merges, since
    first-parent diffs of merges are the dearest of them). `policy_head` (outside
    CI) is the revision whose policy is compared with the trusted one, so that a
    change is reported: a server hook names the pushed commit, not its own HEAD.
    `on_commit(count)` is told how many commits have been read, every
    PROGRESS_EVERY of them (a progress line)."""
    env = os.environ if environ is None else environ
    repo = open_repo(cwd)
    try:
        return _check(
            repo, revisions, max_count, config, deepen, policy_from, env, with_paths, policy_head,
            gather, merge_paths, on_commit,
        )
    except GitError as error:
        # In a shallow clone a missing revision is almost always missing history.
        if is_shallow(repo) and SHALLOW_FIX not in str(error):
            raise GitError(f"{error}; the clone is shallow: {SHALLOW_FIX}") from None
        raise



def _check(
    repo: Any,
    revisions: Sequence[str],
    max_count: int | None,
    config: str | None,
    deepen: bool | None,
    policy_from: str | None,
    env: Mapping[str, str],
    with_paths: bool,
    policy_head: str = "HEAD",
    gather: GatherOptions | None = None,
    merge_paths: bool | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> CheckResult:
    ci = None if revisions else detect_ci_range(env, repo)
    spec: RangeSpec | None
    if revisions:
        spec = RangeSpec(validate_revisions(revisions), max_count)
    elif ci is not None:
        # A deleted ref has no commits; an empty list would make git log read HEAD.
        spec = RangeSpec(validate_revisions(ci.revisions), max_count) if ci.revisions else None
    else:
        spec = default_range(repo)
        if spec is not None and max_count is not None:
            spec = RangeSpec(spec.revisions, max_count)
    if spec is not None and (deepen if deepen is not None else ci is not None):
        refspecs = ci.fetch if ci is not None else ()
        if not deepen_for(repo, spec.revisions, max_count=spec.max_count, refspecs=refspecs):
            if refspecs and not is_shallow(repo):
                raise GitError(
                    f"cannot fetch {refspecs[0].lstrip('+').split(':')[0]} from origin: it "
                    f"holds the policy that judges {ci.describe if ci else spec.describe()}; "
                    "fetch it, or set REVIEWGATE_BASE to the target branch's commit"
                )
            raise ShallowCloneError(
                f"shallow clone: cannot fetch the history of {spec.describe()}; {SHALLOW_FIX}"
            )
    # Read after deepening: in a depth-1 checkout the trusted base only arrives then.
    trusted = policy_from or (ci.base if ci is not None else None)
    head = ci.head if ci is not None else policy_head
    policy, notes = trusted_policy(repo, config, trusted, head)
    if spec is None:
        where = ci.describe if ci is not None else "HEAD (no commits yet)"
        return CheckResult(where, policy, (), (), notes)
    # The rules see each commit as it is read, so they run while git is still
    # walking the history instead of after it.
    commits: list[Commit] = []
    if merge_paths is None:
        merge_paths = policy.commits.merges == "check"
    stream = read_commits(
        repo, spec, with_paths=with_paths or rules_need_paths(policy), merge_paths=merge_paths
    )
    prefetch = _diff_prefetch(repo, policy)
    try:
        findings = run_rules(_collecting(stream, commits, prefetch, on_commit), policy)
        prefetched = prefetch.finish() if prefetch is not None else None
    except BaseException:
        if prefetch is not None:
            prefetch.abort()
        raise
    options = replace(gather or GatherOptions(), trusted=trusted, diffs=prefetched)
    evidence = gather_evidence(repo, commits, policy, options)
    findings.extend(run_range_rules(commits, policy, evidence))
    where = ci.describe if ci is not None else spec.describe()
    return CheckResult(
        where, policy, tuple(commits), tuple(findings), notes + evidence.notes, evidence
    )



def rules_need_paths(policy: Policy) -> bool:
    """Whether an enabled rule needs every commit's changed paths from the log.
    None does: the disclosure and sign-off rules read messages and identities, and
    the pair rules read the diffs of fix candidates only (DiffPrefetch)."""
    return False



def _diff_prefetch(repo: object, policy: Policy) -> DiffPrefetch | None:
    if not pairs_enabled(policy):
        return None
    return DiffPrefetch(repo, policy)



def report_needs_paths(fmt: str) -> bool:
    """JSON lists each commit's changes and SARIF points at a changed file."""
    return fmt in ("json", "sarif")



def trusted_policy(
    repo: Any, config: str | None, trusted: str | None, head: str
) -> tuple[Policy, tuple[str, ...]]:
    """The policy that judges the range, and notes about it.

    With a trusted revision (CI's base, --policy-from), the policy is read there
    and not from the commits under check, so a change cannot relax the policy that
    judges it; such a change is reported. A file named by --config (or
    REVIEWGATE_CONFIG) inside the working tree is read there too; only a file
    outside it, or any file without a trusted revision, is read as it is."""
    root = repo_root(repo)  # type: ignore[arg-type]
    given = config or os.environ.get("REVIEWGATE_CONFIG") or None
    path = POLICY_FILE_NAME
    if given and trusted is not None:
        path = path_in_tree(repo, given) or ""
    if trusted is None or not path:
        return load_repo_policy(config, root), ()
    if not given:  # .reviewgate.yaml, else pyproject.toml's table, as committed there
        path = repo_policy_path_at(repo, trusted)
    text = policy_text_at(repo, trusted, path)
    source = f"{short_rev(trusted)}:{path}"
    policy = load_policy(None, text=text, source=source) if text is not None else load_policy(None)
    notes: tuple[str, ...] = ()
    if text is None and given:
        notes = (f"the policy file {given} is not in the trusted revision {short_rev(trusted)} "
                 f"(as {path}); the built-in defaults judge this range",)
    try:
        if given:
            differs = policy_differs(repo, trusted, head, path)
        else:
            differs = repo_policy_differs(repo, trusted, head)
    except GitError:
        # The trusted revision was read just above, so the head is what is missing.
        raise GitError(
            f"the head under check, {short_rev(head)}, is not in this clone; fetch it "
            f"first (`git fetch origin {head}`), or check out with fetch-depth: 0"
        ) from None
    if differs:
        notes += (
            f"the policy at {short_rev(head)} differs from the trusted one at "
            f"{short_rev(trusted)}; "
            "the trusted policy judges this range, the change applies once it is merged",
        )
    notes += signers_note(repo, policy, trusted, head)
    return policy, notes



PROGRESS_EVERY = 250  # commits between two calls of on_commit


def _collecting(
    commits: Iterable[Commit], into: list[Commit], prefetch: DiffPrefetch | None,
    on_commit: Callable[[int], None] | None = None,
) -> Iterator[Commit]:
    for commit in commits:
        into.append(commit)
        if prefetch is not None:
            prefetch.offer(commit)
        if on_commit is not None and len(into) % PROGRESS_EVERY == 0:
            on_commit(len(into))
        yield commit

