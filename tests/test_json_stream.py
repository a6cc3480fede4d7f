"""The JSON report is written in chunks as it is made (issue 15: a long range's
report must not sit in memory whole), and the chunks are the report, byte for byte,
however they fall."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import Repo
from reviewgate.pipeline.run import run_check
from reviewgate.report import json as json_report

CLAUDE = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"


def history(repo: Repo, commits: int) -> None:
    for index in range(commits):
        footer = f"\n\n{CLAUDE}\n" if index % 3 == 0 else "\n"
        repo.commit(f"feat: step {index}{footer}", {f"src/f{index}.py": f"x = {index}\n"})


@pytest.mark.parametrize("commits", [0, 1, 5, 6, 7])
def test_chunks_join_to_the_same_report_wherever_they_split(
    repo: Repo, commits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(repo, commits)
    # --all: an empty repository has no HEAD, and no commits to report.
    result = run_check(revisions=("--all",), cwd=repo.path, with_paths=True)
    whole = json_report.render_json(result)
    monkeypatch.setattr(json_report, "CHUNK_COMMITS", 3)
    chunks = list(json_report.iter_json(result))
    assert "".join(chunks) == whole
    assert len(chunks) == 1 + max(0, -(-commits // 3))
    report = json.loads(whole)
    assert report["summary"]["commits"] == commits == len(report["commits"])
    assert whole.count("\n") == 2 + commits if commits else whole.endswith('"commits": []}\n')


def test_stdout_and_output_file_are_the_same_bytes(repo: Repo) -> None:
    history(repo, 7)
    argv = [sys.executable, "-m", "reviewgate", "check", "--format", "json", "HEAD"]
    printed = subprocess.run(argv, cwd=repo.path, capture_output=True).stdout
    written = repo.path.parent / "report.json"
    subprocess.run([*argv, "-o", str(written)], cwd=repo.path, capture_output=True)
    assert printed == written.read_bytes()
    assert json.loads(printed)["summary"]["commits"] == 7
