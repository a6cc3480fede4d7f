"""Smoke tests for bench/: each script runs in a tiny mode and prints its figures.

Timings are never asserted (benchmarks print, tests judge behaviour); what is checked
is that the scripts run, build what they claim, report every figure, and that
`--check` turns a missed target into exit 1 (shown with a target no run can meet).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

BENCH = Path(__file__).resolve().parents[1] / "bench"
RATIO = r"ratio {name}: \d+\.\d\dx \(target <= {target}x\) (PASS|MISS)$"
INTERLEAVED = "interleaved runs, timed with interleaved perf_counter loop"


def check_status(out: str, code: int) -> None:
    """With --check: exit 1 exactly when a MISS was printed, and say so."""
    if " MISS" in out:
        assert code == 1 and "target(s) missed" in out, out
    else:
        assert code == 0 and "check: every target met" in out, out


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


def test_bench_check_prints_its_figures(tmp_path: Path) -> None:
    result = run_script("bench_check.py", "--commits", "200", "--runs", "2", "--repo",
                        str(tmp_path / "repo"), "--floors", "--check", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    out = result.stdout
    check_status(out, result.returncode)
    assert f"median of 2 {INTERLEAVED}" in out, out
    for label in ("git log --name-status", "git log (no paths)",
                  "reviewgate check --format json", "reviewgate check --format text",
                  "reviewgate stats", "check, no rule needs paths",
                  "check, disclosure rules only",
                  "git log (no paths) | cat", "git log (no paths) read by python",
                  "git log -z, git's own format"):
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d{{3}}\s+[\d,]+$", out, re.M), label
    # The baseline is the log reviewgate streams from with the default policy:
    # no first-parent diffs of the merges it skips.
    assert re.search(r"git log --name-status: git log -z .*--name-status -M "
                     r"--diff-merges=off", out), out
    name = re.escape("check --format json / git log --name-status")
    assert re.search(RATIO.format(name=name, target=r"2\.0"), out, re.M), out
    name = re.escape("check --format text / git log --name-status (default policy)")
    assert re.search(RATIO.format(name=name, target=r"1\.5"), out, re.M), out
    name = re.escape("stats / check --format text")
    assert re.search(RATIO.format(name=name, target=r"1\.2"), out, re.M), out
    name = re.escape("check, no rule needs paths / git log (no paths)")
    assert re.search(RATIO.format(name=name, target=r"1\.2"), out, re.M), out
    for reader in ("git log (no paths) | cat", "git log (no paths) read by python"):
        floor = (rf"^  floor {re.escape(reader)}: \d+\.\d\dx git log \(no paths\), "
                 rf"\d+\.\d\dx git log -z, git's own format$")
        assert re.search(floor, out, re.M), out
    # The policies the runs use live in .git, so the history under check is as built.
    assert not (tmp_path / "repo" / "reviewgate-bench-no-paths.yaml").exists()
    assert (tmp_path / "repo" / ".git" / "reviewgate-bench-no-paths.yaml").is_file()


def test_bench_check_times_an_existing_history_with_the_real_history_targets(
    tmp_path: Path,
) -> None:
    built = run_script("make_repo.py", str(tmp_path / "real"), "--commits", "60", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    result = run_script("bench_check.py", "--history", str(tmp_path / "real"), "--runs", "1",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "existing history, real-history targets" in out
    name = re.escape("check --format json / git log --name-status")
    assert re.search(RATIO.format(name=name, target=r"1\.6"), out, re.M), out
    name = re.escape("check --format text / git log --name-status (default policy)")
    assert re.search(RATIO.format(name=name, target=r"1\.2"), out, re.M), out
    assert "\n  floor " not in out


def test_bench_scaling_prints_the_ratio_and_check_fails_a_missed_target(
    tmp_path: Path,
) -> None:
    result = run_script("bench_scaling.py", "--commits", "40", "--runs", "2", "--dir",
                        str(tmp_path), "--check", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    out = result.stdout
    check_status(out, result.returncode)
    assert f"median of 2 {INTERLEAVED}" in out, out
    for size in (40, 80):
        assert re.search(rf"^check --format text, {size} commits\s+\d+\.\d{{3}}\s+[\d,]+$",
                         out, re.M), out
    assert re.search(RATIO.format(name="80 commits / 40 commits", target=r"2\.6"), out, re.M)
    assert (tmp_path / "repo-80-seed1" / ".git").is_dir()


def test_check_exits_1_on_a_missed_target_and_0_without_it(tmp_path: Path) -> None:
    # The timing module's verdicts, driven directly: a ratio over its target is a
    # MISS, and only --check makes it an exit status.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import _timing as t; "
        "print(t.ratio_line('a / b', 3.0, 2.6)); print(t.ratio_line('c / d', 0.2, 0.30)); "
        "sys.exit(t.exit_status(sys.argv[2] == 'check'))"
    )
    for mode, code in (("check", 1), ("print", 0)):
        proc = subprocess.run([sys.executable, "-c", probe, str(BENCH), mode],
                              capture_output=True, text=True)
        assert proc.returncode == code, proc.stderr
        assert "ratio a / b: 3.00x (target <= 2.6x) MISS" in proc.stdout
        assert "ratio c / d: 0.20x (target <= 0.30x) PASS" in proc.stdout
        assert "check: 1 target(s) missed: a / b" in proc.stdout


def test_bench_commit_msg_hook_prints_its_figures(tmp_path: Path) -> None:
    # --no-install: a test never reaches for the network; gitlint is compared when it
    # is on PATH or in the venv an earlier benchmark run cached.
    result = run_script("bench_commit_msg_hook.py", "--runs", "2", "--no-install", "--no-venv",
                        "--check", cwd=tmp_path)
    out = result.stdout
    assert result.returncode in (0, 1), out + result.stderr
    assert f"median of 2 {INTERLEAVED}" in out, out
    assert re.search(r"^reviewgate hook commit-msg\s+\d+\.\d$", out, re.M), out
    assert re.search(r"^python startup \(reviewgate's\)\s+\d+\.\d$", out, re.M), out
    if re.search(r"^gitlint --staged\s+\d+\.\d$", out, re.M):
        name = re.escape("reviewgate hook / gitlint")
        assert re.search(RATIO.format(name=name, target=r"0\.30"), out, re.M), out
        check_status(out, result.returncode)
    else:
        assert "gitlint: unavailable" in out
        assert "ratio reviewgate hook / gitlint: not measured (target <= 0.30x)" in out
        # A target that could not be measured is not met.
        assert result.returncode == 1 and "target(s) missed" in out


@pytest.mark.parametrize("kind", ["python", "sh"])
def test_bench_verify_prints_its_figures(tmp_path: Path, kind: str) -> None:
    result = run_script("bench_verify.py", "--fixes", "3", "--runs", "1", "--tests", kind,
                        "--check", cwd=tmp_path)
    out = result.stdout
    assert result.returncode in (0, 1), out + result.stderr
    check_status(out, result.returncode)
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
                        "--check", cwd=tmp_path)
    out = result.stdout
    assert result.returncode in (0, 1), out + result.stderr
    check_status(out, result.returncode)
    assert f"median of 2 {INTERLEAVED}" in out, out
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


def test_bench_real_fixes_agrees_with_running_the_tests_by_hand(tmp_path: Path) -> None:
    # Without --repo: a tiny project with a proven fix, a fix whose test passes
    # without it, and a fix that breaks another test.
    result = run_script("bench_real_fixes.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"^tiny [0-9a-f]{40}\.\.HEAD: 3 fixes verified by reviewgate in "
                     r"\d+\.\d s$", out, re.M), out
    for outcome in ("proven", "not-red", "broken"):
        assert re.search(rf"^  reviewgate: {outcome}$", out, re.M), out
        assert re.search(rf"^  by hand:    {outcome}, \d+ test\(s\)$", out, re.M), out
    assert "tests/test_mul.py::test_mul passed → failed" in out
    assert out.rstrip().endswith("agree: 3/3"), out
