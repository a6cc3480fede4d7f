"""The detector on real histories: 1,800+ commits of 12 public repositories that use
agents, labelled by reading them (tests/data/disclosure_corpus/README.md).

Targets of issue 13: not one human commit flagged, and recall >= 0.97 on commits
whose disclosure is a trailer, an identity, a footer or a session link.
bench/bench_disclosure.py prints the same figures per repository and per tool.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewgate.disclosure.assistance import assistance
from reviewgate.model.commit import Commit, Person
from reviewgate.model.trailers import parse_trailers
from reviewgate.policy.schema import default_policy

CORPUS = Path(__file__).parent / "data" / "disclosure_corpus"
COVERED = {"trailer", "identity", "footer", "session"}


def rows() -> list[tuple[str, dict[str, object]]]:
    found = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            found += [(path.stem, json.loads(line)) for line in handle if line.strip()]
    return found


ROWS = rows()


def detected(row: dict[str, object]) -> set[str]:
    message = str(row["message"])
    commit = Commit(
        str(row["sha"]), (),
        Person(str(row["author_name"]), str(row["author_email"])),
        Person(str(row["committer_name"]), str(row["committer_email"])),
        message, tuple(parse_trailers(message, divider=False)),
    )
    return {item.tool.name for item in assistance(commit, default_policy()).tools}


def test_the_corpus_is_what_its_readme_says() -> None:
    repositories = {name for name, _ in ROWS}
    assert len(repositories) >= 8
    assert len(ROWS) >= 1500
    traps = {trap for _, row in ROWS for trap in row["label"]["traps"]}  # type: ignore[index]
    assert {"non-ai-bot", "human-assisted-by", "human-named-like-tool",
            "prose-mentions-ai", "ai-reported"} <= traps
    assert sum(path.stat().st_size for path in CORPUS.glob("*.jsonl")) < 4_000_000


def test_no_human_commit_is_flagged_and_recall_meets_the_target() -> None:
    false_positives = []
    covered = found = 0
    missed = []
    for repo, row in ROWS:
        label = row["label"]
        assert isinstance(label, dict)
        if label["assisted"] is None:
            continue
        got = detected(row)
        if not label["assisted"]:
            if got:
                false_positives.append((repo, row["sha"], sorted(got)))
            continue
        if COVERED & set(label["disclosure"]):
            covered += 1
            if got:
                found += 1
            else:
                missed.append((repo, row["sha"], label["tools"]))
    assert false_positives == []
    assert covered >= 500
    assert found / covered >= 0.97, missed


@pytest.mark.parametrize("trap", ["human-assisted-by", "human-named-like-tool", "non-ai-bot",
                                  "ai-reported", "vendor-employee"])
def test_no_trap_fools_the_detector(trap: str) -> None:
    trapped = [row for _, row in ROWS
               if trap in row["label"]["traps"] and not row["label"]["assisted"]]  # type: ignore[index]
    assert trapped
    assert [row["sha"] for row in trapped if detected(row)] == []


def test_each_labelled_tool_is_the_tool_found() -> None:
    wrong = []
    for _, row in ROWS:
        label = row["label"]
        assert isinstance(label, dict)
        if label["assisted"] and set(label["tools"]) != detected(row):
            wrong.append((row["sha"], label["tools"], sorted(detected(row))))
    assert wrong == []
