"""bench/bench_hostile.py runs in a tiny mode, finds what each hostile commit
should show, and prints every figure (timings are never asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_bench_hostile_runs_tiny(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_hostile.py"), "--scale", "0.002", "--expect",
         "--work", str(tmp_path / "work")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = re.findall(r"^([a-z-]+)(?: +\d+\.\d{3}){4} +\d+\.\dx +yes$",
                      done.stdout, re.M)
    assert set(rows) == {
        "huge-message", "spaces-in-coauthor", "spaces-in-author", "many-coauthors",
        "continuations", "signoff-ranges", "long-words", "blank-runs",
    }, done.stdout
    assert re.search(r"^target: ratio <= 25x \(FLOOR 0\.05 s\); ", done.stdout, re.M)
