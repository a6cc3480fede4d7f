"""`reviewgate check`: read a range, run the rules, report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewgate.commit import Commit
from reviewgate.findings import Finding, has_errors
from reviewgate.policy import Policy


@dataclass(frozen=True)
class CheckResult:
    range: str
    policy: Policy
    commits: tuple[Commit, ...]
    findings: tuple[Finding, ...]

    @property
    def exit_code(self) -> int:
        return 1 if has_errors(self.findings) else 0


def load_repo_policy(config: str | None, root: Path | None = None) -> Policy:
    """The policy of the repository at `root` (default: the current one)."""
    from reviewgate.policy import find_policy_file, load_policy

    if root is None:
        from reviewgate.git import open_repo, repo_root

        root = repo_root(open_repo())
    path = find_policy_file(root, config)
    return load_policy(path, source=display_path(path) if path else None)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when
    it lies below it."""
    import os

    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def run_check(
    *,
    revisions: Sequence[str] = (),
    max_count: int | None = None,
    config: str | None = None,
    cwd: str | Path | None = None,
) -> CheckResult:
    from reviewgate.git import (
        RangeSpec,
        default_range,
        open_repo,
        read_commits,
        repo_root,
        validate_revisions,
    )
    from reviewgate.rules import run_rules

    repo = open_repo(cwd)
    policy = load_repo_policy(config, repo_root(repo))
    if revisions:
        spec: RangeSpec | None = RangeSpec(validate_revisions(revisions), max_count)
    else:
        spec = default_range(repo)
        if spec is not None and max_count is not None:
            spec = RangeSpec(spec.revisions, max_count)
    if spec is None:
        return CheckResult("HEAD (no commits yet)", policy, (), ())
    # The rules see each commit as it is read, so they run while git is still
    # walking the history instead of after it.
    commits: list[Commit] = []
    findings = run_rules(_collecting(read_commits(repo, spec), commits), policy)
    return CheckResult(spec.describe(), policy, tuple(commits), tuple(findings))


def _collecting(commits: Iterable[Commit], into: list[Commit]) -> Iterator[Commit]:
    for commit in commits:
        into.append(commit)
        yield commit


def write_report(path: str, text: str) -> None:
    """Write the report to `path`; a path that cannot be written is a usage error
    (exit 2), never a traceback nor exit 1, which means findings."""
    from reviewgate.errors import ReviewgateError

    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
    except OSError as error:
        raise ReviewgateError(f"cannot write the report to {path!r}: {error.strerror}") from None


def render(result: CheckResult, fmt: str) -> str:
    """The report in `fmt`; each renderer is imported only when it is asked for."""
    if fmt == "json":
        from reviewgate.report.json import render_json

        return render_json(result)
    if fmt == "sarif":
        from reviewgate.report.sarif import render_sarif

        return render_sarif(result)
    if fmt == "github":
        from reviewgate.report.github import render_github

        return render_github(result)
    if fmt == "junit":
        from reviewgate.report.junit import render_junit

        return render_junit(result)
    from reviewgate.report.text import render_text

    return render_text(result)
