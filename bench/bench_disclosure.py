#!/usr/bin/env python3
"""Precision and recall of the disclosure detector on the labelled corpus.

    python bench/bench_disclosure.py [--corpus DIR] [--misses]

Reads tests/data/disclosure_corpus/*.jsonl (commits of public repositories that use
agents, labelled by reading them; its README says how), runs reviewgate's detector
on each commit as `reviewgate check` would (the default policy), and prints, per
repository and per tool, precision and recall, then the totals against the targets
of issue 13: no false positive, and recall >= 0.97 on commits whose disclosure is a
trailer, an identity, a footer or a session link. `--misses` lists every commit the
detector got wrong. Exit 0 whenever it ran (benchmarks print, tests judge).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
try:
    import reviewgate  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(PROJECT_ROOT / "src"))

from reviewgate.disclosure.assistance import assistance  # noqa: E402
from reviewgate.model.commit import Commit, Person  # noqa: E402
from reviewgate.model.trailers import parse_trailers  # noqa: E402
from reviewgate.policy.schema import default_policy  # noqa: E402

CORPUS = PROJECT_ROOT / "tests" / "data" / "disclosure_corpus"
# Disclosures a registry can see; a subject prefix or prose in the body is counted
# apart ("all assisted").
COVERED = frozenset({"trailer", "identity", "footer", "session"})
RECALL_TARGET = 0.97


@dataclass
class Score:
    commits: int = 0
    assisted: int = 0
    covered: int = 0
    found_covered: int = 0
    found_assisted: int = 0
    false_positives: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "commits",
            "assisted",
            "covered",
            "found_covered",
            "found_assisted",
            "false_positives",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def commit_of(row: dict[str, object]) -> Commit:
    message = str(row["message"])
    return Commit(
        str(row["sha"]),
        (),
        Person(str(row["author_name"]), str(row["author_email"])),
        Person(str(row["committer_name"]), str(row["committer_email"])),
        message,
        tuple(parse_trailers(message, divider=False)),
    )


def detected_tools(row: dict[str, object]) -> set[str]:
    """The registry names of the tools the detector finds on a corpus commit."""
    found = assistance(commit_of(row), default_policy())
    return {item.tool.name for item in found.tools}


def load(corpus: Path) -> dict[str, list[dict[str, object]]]:
    rows: dict[str, list[dict[str, object]]] = {}
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows[path.stem] = [json.loads(line) for line in handle if line.strip()]
    return rows


def score(rows: list[dict[str, object]], tools: Counter[tuple[str, str]]) -> Score:
    result = Score()
    for row in rows:
        label = row["label"]
        assert isinstance(label, dict)
        if label["assisted"] is None:
            continue  # undecidable by reading: out of both measures
        result.commits += 1
        want = set(label["tools"])
        got = detected_tools(row)
        for name in want | got:
            tools[
                (name, "tp" if name in want and name in got else "fn" if name in want else "fp")
            ] += 1
        covered = bool(COVERED & set(label["disclosure"]))
        if label["assisted"]:
            result.assisted += 1
            result.found_assisted += bool(got)
            if covered:
                result.covered += 1
                result.found_covered += bool(got)
                if not got:
                    result.misses.append(
                        f"missed {str(row['sha'])[:12]} {sorted(want)} {label['disclosure']}"
                    )
        elif got:
            result.false_positives += 1
            result.misses.append(f"false positive {str(row['sha'])[:12]} {sorted(got)}")
    return result


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list every wrong commit")
    args = parser.parse_args(argv)
    corpus = load(args.corpus)
    if not corpus:
        print(f"no corpus in {args.corpus}", file=sys.stderr)
        return 2
    tools: Counter[tuple[str, str]] = Counter()
    total = Score()
    print(
        f"{'repository':38} {'commits':>7} {'assisted':>8} {'precision':>9} "
        f"{'recall*':>7} {'recall':>6} {'fp':>3}"
    )
    for name, rows in corpus.items():
        repo = score(rows, tools)
        total.add(repo)
        found = repo.found_assisted + repo.false_positives
        print(
            f"{name:38} {repo.commits:7} {repo.assisted:8} "
            f"{ratio(repo.found_assisted, found):>9} "
            f"{ratio(repo.found_covered, repo.covered):>7} "
            f"{ratio(repo.found_assisted, repo.assisted):>6} {repo.false_positives:3}"
        )
    print(
        "recall*: on commits whose disclosure is a trailer, an identity, a footer or a "
        "session link; recall: on every assisted commit"
    )
    print()
    print(f"{'tool':22} {'labelled':>8} {'found':>6} {'precision':>9} {'recall':>6}")
    for name in sorted({tool for tool, _ in tools}, key=str.lower):
        tp, fn, fp = tools[(name, "tp")], tools[(name, "fn")], tools[(name, "fp")]
        print(f"{name:22} {tp + fn:8} {tp + fp:6} {ratio(tp, tp + fp):>9} {ratio(tp, tp + fn):>6}")
    print()
    found = total.found_assisted + total.false_positives
    recall = total.found_covered / total.covered if total.covered else 0.0
    print(f"commits {total.commits}, assisted {total.assisted}, covered {total.covered}")
    print(
        f"precision {ratio(total.found_assisted, found)}, false positives "
        f"{total.false_positives} (target 0) {'PASS' if not total.false_positives else 'MISS'}"
    )
    print(
        f"recall on trailer/identity/footer/session {recall:.3f} "
        f"(target >= {RECALL_TARGET}) {'PASS' if recall >= RECALL_TARGET else 'MISS'}"
    )
    print(f"recall on all assisted {ratio(total.found_assisted, total.assisted)}")
    if args.misses:
        for line in total.misses:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
