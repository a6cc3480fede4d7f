"""Smoke tests for bench/: each script runs in a tiny mode and prints its figures.

Timings are never asserted (benchmarks print, tests judge behaviour); what is checked
is that the scripts run, build what they claim, and report every figure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

BENCH = Path(__file__).resolve().parents[1] / "bench"
RATIO = r"ratio {name}: \d+\.\d\dx \(target <= {target}x\) (PASS|MISS)$"


def run_script(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )


def test_make_repo_is_deterministic_realistic_and_reused(tmp_path: Path) -> None:
    first = run_script("make_repo.py", str(tmp_path / "a"), "--commits", "200", "--seed", "3",
                       cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.search(r"^built .*: 200 commits, seed 3, HEAD [0-9a-f]{12} in \d+\.\d\d s$",
                     first.stdout, re.M), first.stdout
    run_script("make_repo.py", str(tmp_path / "b"), "--commits", "200", "--seed", "3",
               cwd=tmp_path)
    run_script("make_repo.py", str(tmp_path / "c"), "--commits", "200", "--seed", "4",
               cwd=tmp_path)
    heads = {name: git(tmp_path / name, "rev-parse", "HEAD").stdout.strip() for name in "abc"}
    assert heads["a"] == heads["b"]
    assert heads["a"] != heads["c"]

    repo = tmp_path / "a"
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "200"
    assert int(git(repo, "rev-list", "--merges", "--count", "HEAD").stdout) >= 1
    assert git(repo, "status", "--porcelain").stdout == ""
    assert git(repo, "for-each-ref", "--format=%(refname)").stdout.split() == ["refs/heads/main"]
    changes = git(repo, "log", "--format=", "--name-status", "-M").stdout.splitlines()
    statuses = {line[0] for line in changes if line}
    assert {"A", "M", "D", "R"} <= statuses
    assert any(" " in line.split("\t", 1)[1] for line in changes if line)
    log = git(repo, "log", "--format=%an <%ae>%n%B").stdout
    for marker in ("Assisted-by: ", "Co-Authored-By: Claude <noreply@anthropic.com>",
                   "Reviewed-by: ", "Signed-off-by: ", "[bot] <", "fix", "feat"):
        assert marker in log, marker

    again = run_script("make_repo.py", str(repo), "--commits", "200", "--seed", "3",
                       cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"reused {repo}: 200 commits"), again.stdout
    assert git(repo, "rev-parse", "HEAD").stdout.strip() == heads["a"]


def test_make_repo_refuses_to_replace_a_directory_it_did_not_build(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("mine\n")
    result = run_script("make_repo.py", str(target), "--commits", "5", cwd=tmp_path)
    assert result.returncode != 0
    assert "refusing" in result.stderr
    assert (target / "keep.txt").read_text() == "mine\n"


TIMERS = ["--no-hyperfine"] + (["hyperfine"] if shutil.which("hyperfine") else [])


@pytest.mark.parametrize("timer", TIMERS)
def test_bench_check_prints_its_figures(tmp_path: Path, timer: str) -> None:
    extra = ["--no-hyperfine"] if timer == "--no-hyperfine" else []
    result = run_script("bench_check.py", "--commits", "200", "--runs", "2", "--repo",
                        str(tmp_path / "repo"), *extra, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    expected = "timed with hyperfine" if timer == "hyperfine" else "timed with perf_counter loop"
    assert expected in out, out
    for label in ("git log --name-status", "git log (no paths)",
                  "reviewgate check --format json", "reviewgate check --format text",
                  "check, no rule needs paths", "check, disclosure rules only",
                  "git log (no paths) | cat", "git log (no paths) read by python",
                  "git log -z, git's own format"):
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d{{3}}\s+[\d,]+$", out, re.M), label
    for fmt in ("json", "text"):
        name = re.escape(f"check --format {fmt} / git log --name-status")
        assert re.search(RATIO.format(name=name, target=r"2\.0"), out, re.M), out
    name = re.escape("check --format text / git log --name-status (default policy)")
    assert re.search(RATIO.format(name=name, target=r"1\.5"), out, re.M), out
    name = re.escape("check, no rule needs paths / git log (no paths)")
    assert re.search(RATIO.format(name=name, target=r"1\.2"), out, re.M), out
    for reader in ("git log (no paths) | cat", "git log (no paths) read by python"):
        floor = (rf"^  floor {re.escape(reader)}: \d+\.\d\dx git log \(no paths\), "
                 rf"\d+\.\d\dx git log -z, git's own format$")
        assert re.search(floor, out, re.M), out
    # The policies the runs use live in .git, so the history under check is as built.
    assert not (tmp_path / "repo" / "reviewgate-bench-no-paths.yaml").exists()
    assert (tmp_path / "repo" / ".git" / "reviewgate-bench-no-paths.yaml").is_file()


def test_bench_commit_msg_hook_prints_its_figures(tmp_path: Path) -> None:
    # --no-install: a test never reaches for the network; gitlint is compared when it
    # is on PATH or in the venv an earlier benchmark run cached.
    result = run_script("bench_commit_msg_hook.py", "--runs", "2", "--no-install",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"^reviewgate hook commit-msg\s+\d+\.\d$", out, re.M), out
    assert re.search(r"^python startup \(reviewgate's\)\s+\d+\.\d$", out, re.M), out
    if re.search(r"^gitlint --staged\s+\d+\.\d$", out, re.M):
        name = re.escape("reviewgate hook / gitlint")
        assert re.search(RATIO.format(name=name, target=r"0\.5"), out, re.M), out
    else:
        assert "gitlint: unavailable" in out
        assert "ratio reviewgate hook / gitlint: not measured" in out


@pytest.mark.parametrize("kind", ["python", "sh"])
def test_bench_verify_prints_its_figures(tmp_path: Path, kind: str) -> None:
    result = run_script("bench_verify.py", "--fixes", "3", "--runs", "1", "--tests", kind,
                        cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"3 fixes; {kind} tests" in out
    for label in ("first run (empty cache, -j 1)", "second run (cached)", "--no-cache -j 1",
                  "--no-cache -j 2"):
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d{{3}} s\s+\d+\.\d ms/fix$", out, re.M), out
    assert re.search(r"^ratio cached / first: \d+\.\d{3}x \(target <= 0\.05x\) (PASS|MISS)$",
                     out, re.M), out
    assert re.search(r"^speedup -j 2 over -j 1: \d+\.\d\dx \(target >= 1\.6x\) (PASS|MISS)$",
                     out, re.M), out


def test_bench_signoff_prints_its_figures(tmp_path: Path) -> None:
    result = run_script("bench_signoff.py", "--commits", "60", "--branch", "4", "--runs", "2",
                        "--no-hyperfine", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    # Every commit of the signed history is covered by its merge; in the other, each
    # assisted commit is reported: 60 = a root, 11 branches of 4 and one of 3, and
    # 12 merges, so 47.
    assert re.search(r"^signed: 0 commits without a sign-off \(RG301\)$", out, re.M), out
    assert re.search(r"^unsigned: 47 commits without a sign-off \(RG301\)$", out, re.M), out
    for label in ("check, signed merges", "check, unsigned merges"):
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d{{3}}$", out, re.M), label
    name = re.escape("signed merges / unsigned merges")
    assert re.search(RATIO.format(name=name, target=r"1\.5"), out, re.M), out


def test_bench_disclosure_prints_every_figure(tmp_path: Path) -> None:
    result = run_script("bench_disclosure.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^curl__curl\s+\d+\s+0\s", out, re.M), out
    assert re.search(r"^Crush\s+\d+\s+\d+\s+1\.000\s+1\.000$", out, re.M), out
    assert re.search(r"^precision \d\.\d{3}, false positives \d+ \(target 0\) (PASS|MISS)$",
                     out, re.M), out
    assert re.search(r"^recall on trailer/identity/footer/session \d\.\d{3} "
                     r"\(target >= 0\.97\) (PASS|MISS)$", out, re.M), out
    empty = run_script("bench_disclosure.py", "--corpus", str(tmp_path), cwd=tmp_path)
    assert empty.returncode == 2
    assert empty.stderr.count("\n") == 1
