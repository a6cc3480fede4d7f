"""`check --format json` asks git for a merge's first-parent diff only when the
policy checks merges (issue 15): with `commits.merges: skip`, the default, the
rules never look at a merge, and those diffs are the dearest part of a long log.
A skipped merge's `changes` is then null ("paths not read"); SARIF, which points a
finding at a changed file, still reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo


def merged_history(repo: Repo) -> str:
    base = repo.commit("docs: base", {"f": "0"})
    repo.git("checkout", "-q", "-b", "topic", base)
    repo.commit("docs: on the topic", {"topic.txt": "t"})
    repo.git("checkout", "-q", "main")
    repo.commit("docs: on main", {"main.txt": "m"})
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic")
    return repo.head()


def check_json(repo: Repo, *args: str) -> tuple[dict[str, object], str]:
    trace = repo.path.parent / "trace.txt"
    trace.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "HEAD", *args],
        cwd=repo.path, capture_output=True, text=True,
        env={**os.environ, "GIT_TRACE": str(trace)},
    )
    assert proc.returncode in (0, 1), proc.stderr
    logs = [line for line in Path(trace).read_text().splitlines() if " log " in line]
    return (json.loads(proc.stdout) if "json" in args else {}), "\n".join(logs)


def changes_by_sha(report: dict[str, object]) -> dict[str, object]:
    return {c["sha"]: c["changes"] for c in report["commits"]}  # type: ignore[union-attr,index]


def test_skipped_merges_are_not_diffed(repo: Repo) -> None:
    merge = merged_history(repo)
    report, logs = check_json(repo, "--format", "json")
    assert "--diff-merges=off" in logs and "--diff-merges=first-parent" not in logs
    changes = changes_by_sha(report)
    assert changes.pop(merge) is None
    assert all(isinstance(found, list) and found for found in changes.values())


@pytest.mark.parametrize("how", ["policy", "sarif"])
def test_checked_merges_and_sarif_read_the_first_parent_diff(repo: Repo, how: str) -> None:
    if how == "policy":
        policy = "version: 1\ncommits:\n  merges: check\n"
        repo.commit("chore: policy", {".reviewgate.yaml": policy})
    merge = merged_history(repo)
    report, logs = check_json(repo, "--format", "json" if how == "policy" else "sarif")
    assert "--diff-merges=first-parent" in logs and "--diff-merges=off" not in logs
    if how == "policy":
        assert changes_by_sha(report)[merge] == [
            {"status": "A", "path": "topic.txt", "old_path": None}
        ]
