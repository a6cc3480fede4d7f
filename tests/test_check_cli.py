"""`reviewgate check` end to end: the real CLI in a subprocess on real repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git

# Claude Code's footer with no declaration trailer: an undeclared tool (RG101).
# (A `Co-Authored-By: Claude <noreply@anthropic.com>` alone IS a declaration
# under the default policy, which accepts Co-authored-by.)
CLAUDE = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"


def reviewgate(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def snapshot(repo: Repo) -> tuple[str, str, str]:
    """Refs, index and status: what reviewgate must never change."""
    refs = repo.git("for-each-ref", "--format=%(refname) %(objectname)").stdout
    index_file = repo.path / ".git" / "index"
    index = index_file.read_bytes().hex() if index_file.exists() else ""
    status = repo.git("status", "--porcelain=v1", "--ignored").stdout
    return refs, index, status


def test_clean_range_exits_zero_with_summary(repo: Repo) -> None:
    repo.commit("feat: human work", {"a.py": "x = 1\n"})
    repo.commit(
        "feat: assisted\n\n"
        "Assisted-by: Claude:claude-opus-4\nReviewed-by: Grace <grace@example.org>\n",
        {"b.py": "y = 2\n"},
    )
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 commits checked" in result.stdout
    assert "0 errors" in result.stdout


def test_undeclared_tool_is_reported_one_line_per_finding(repo: Repo) -> None:
    repo.commit("feat: human work", {"a.py": "x = 1\n"})
    bad = repo.commit(
        f"feat: ghost-written\n\n{CLAUDE}\n", {"b.py": "y = 2\n"}, author="Ann <ann@example.org>"
    )
    before = snapshot(repo)
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{bad[:10]} RG101 ")
    # The same commit's second finding: nobody signed off the assisted commit.
    assert lines[1].startswith(f"{bad[:10]} RG301 ")
    # Each hint once, after the findings.
    assert lines[2].startswith("hint: RG101: ")
    assert lines[3].startswith("hint: RG301: ")
    assert lines[-1].startswith("reviewgate: 2 commits checked")
    assert "2 errors, 0 warnings, 0 notices in 1 commit" in lines[-1]
    assert snapshot(repo) == before


def test_json_lists_every_commit_with_its_trailers_in_order(repo: Repo) -> None:
    clean = repo.commit("docs: one\n\nReviewed-by: Bo <bo@example.org>\nAssisted-by: X:y\n")
    flagged = repo.commit(f"feat: two\n\n{CLAUDE}\n", {"p q.txt": "1"})
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["schema"] == 1
    assert [c["sha"] for c in document["commits"]] == [flagged, clean]
    assert document["commits"][1]["trailers"] == [
        ["Reviewed-by", "Bo <bo@example.org>"],
        ["Assisted-by", "X:y"],
    ]
    assert document["commits"][1]["findings"] == []
    assert [f["code"] for f in document["commits"][0]["findings"]] == ["RG101", "RG301"]
    assert document["commits"][0]["changes"] == [
        {"status": "A", "path": "p q.txt", "old_path": None}
    ]
    assert document["summary"] == {"commits": 2, "errors": 2, "warnings": 0, "notices": 0}


def test_output_file(repo: Repo, tmp_path: Path) -> None:
    repo.commit("a")
    out = tmp_path / "report.json"
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json", "--output", str(out))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.startswith("reviewgate: 1 commit checked in HEAD")
    assert json.loads(out.read_text())["summary"]["commits"] == 1


def test_output_file_that_cannot_be_written_is_exit_two(repo: Repo, tmp_path: Path) -> None:
    # It used to end in a traceback and exit 1, which CI reads as "findings".
    repo.commit("a")
    target = tmp_path / "no-such-dir" / "report.json"
    result = reviewgate(repo.path, "check", "HEAD", "--output", str(target))
    assert result.returncode == 2
    assert result.stderr == (
        f"reviewgate: error: cannot write the report to {str(target)!r}: "
        "No such file or directory\n"
    )


def test_empty_range_says_no_commits(repo: Repo) -> None:
    repo.commit("a")
    result = reviewgate(repo.path, "check", "HEAD..HEAD")
    assert result.returncode == 0
    assert "no commits to check" in result.stdout


def test_default_range_without_remotes_checks_head(repo: Repo) -> None:
    repo.commit("a")
    repo.commit(f"b\n\n{CLAUDE}\n")
    result = reviewgate(repo.path, "check")
    assert result.returncode == 1
    assert "2 commits checked in HEAD --not --remotes" in result.stdout


def test_rule_severity_from_policy(repo: Repo) -> None:
    repo.commit(f"b\n\n{CLAUDE}\n")
    repo.write(".reviewgate.yaml", "version: 1\nrules:\n  RG101: warning\n  RG301: warning\n")
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 0
    assert "RG101 [warning]" in result.stdout


@pytest.mark.parametrize(
    "policy, pattern",
    [
        (
            "version: 1\nassistance:\n  require: [declared\n",
            r"\.reviewgate\.yaml:[34]: invalid YAML",
        ),
        (
            "version: 1\nassistence:\n  require: declared\n",
            r"\.reviewgate\.yaml:2: .*'assistence'.*did you mean 'assistance'",
        ),
        ("version: 1\nfixes:\n  subject: '(unclosed'\n", r"\.reviewgate\.yaml:3: .*fixes\.subject"),
    ],
    ids=["malformed-yaml", "unknown-key", "bad-regex"],
)
def test_policy_errors_exit_two_with_file_and_line(repo: Repo, policy: str, pattern: str) -> None:
    repo.commit("a")
    repo.write(".reviewgate.yaml", policy)
    before = snapshot(repo)
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("reviewgate: error: ")
    assert re.search(pattern, line), line
    assert snapshot(repo) == before


def test_config_option_and_environment_select_the_policy(repo: Repo, tmp_path: Path) -> None:
    repo.commit(f"b\n\n{CLAUDE}\n")
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text(RELAXED)
    assert reviewgate(repo.path, "check", "HEAD").returncode == 1
    assert reviewgate(repo.path, "check", "HEAD", "--config", str(lenient)).returncode == 0
    env = {"REVIEWGATE_CONFIG": str(lenient)}
    assert reviewgate(repo.path, "check", "HEAD", env=env).returncode == 0
    wrong = reviewgate(repo.path, "check", "HEAD", env={"REVIEWGATE_CONFIG": "nope.yaml"})
    assert wrong.returncode == 2
    assert "(from REVIEWGATE_CONFIG)" in wrong.stderr
    missing = reviewgate(repo.path, "check", "HEAD", "--config", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert "nope.yaml" in missing.stderr


def test_not_a_git_repository(tmp_path: Path) -> None:
    result = reviewgate(tmp_path, "check")
    assert result.returncode == 2
    assert result.stderr.strip() == f"reviewgate: error: not a git repository: {tmp_path}"


def test_git_missing_from_path(repo: Repo, tmp_path: Path) -> None:
    repo.commit("a")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    result = reviewgate(repo.path, "check", "HEAD", env={"PATH": str(bin_dir)})
    assert result.returncode == 2
    assert result.stderr.strip() == "reviewgate: error: git is not installed or not on PATH"


def test_unknown_revision(repo: Repo) -> None:
    repo.commit("a")
    result = reviewgate(repo.path, "check", "no-such-branch")
    assert result.returncode == 2
    assert "unknown revision 'no-such-branch'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_shallow_clone_names_the_fix(repo: Repo, tmp_path: Path) -> None:
    for name in "abc":
        repo.commit(name, {name: name})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo.path}", str(clone))
    result = reviewgate(clone, "check", "HEAD")
    assert result.returncode == 2
    assert "shallow clone" in result.stderr
    assert "git fetch --unshallow" in result.stderr


def test_max_count_and_all(repo: Repo) -> None:
    repo.commit("a")
    repo.commit("b")
    result = reviewgate(repo.path, "check", "HEAD", "--max-count", "1", "--format", "json")
    assert [c["subject"] for c in json.loads(result.stdout)["commits"]] == ["b"]
    result = reviewgate(repo.path, "check", "--all", "--format", "json")
    assert len(json.loads(result.stdout)["commits"]) == 2


def test_explain_prints_rule_documentation(tmp_path: Path) -> None:
    result = reviewgate(tmp_path, "explain", "RG101")
    assert result.returncode == 0
    assert "undeclared-assistance" in result.stdout
    assert "Example" in result.stdout
    unknown = reviewgate(tmp_path, "explain", "RG109")
    assert unknown.returncode == 2


@pytest.mark.parametrize("fmt, start", [("sarif", "{"), ("github", "::error "), ("junit", "<?xml")])
def test_every_format_is_wired_to_the_command_line(repo: Repo, fmt: str, start: str) -> None:
    repo.commit(f"b\n\n{CLAUDE}\n")
    result = reviewgate(repo.path, "check", "HEAD", "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(start)
    assert "RG101" in result.stdout


def github_pull_request(repo: Repo, tmp_path: Path, base: str, head: str) -> dict[str, str]:
    """The environment GitHub Actions gives a pull_request job, with an event file of
    the webhook's shape (the fields reviewgate reads, and some it does not)."""
    event = {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"ref": "main", "sha": base, "repo": {"full_name": "acme/app"}},
            "head": {"ref": "feature", "sha": head, "repo": {"full_name": "acme/app"}},
        },
        "repository": {"full_name": "acme/app", "default_branch": "main"},
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REF": "refs/pull/7/merge",
        "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": "feature",
        "GITHUB_SHA": head,
    }


RELAXED = "version: 1\nassistance:\n  require: 'off'\nsignoff:\n  required_for: none\n"


def test_in_ci_the_base_policy_judges_a_pull_request_that_relaxes_it(
    repo: Repo, tmp_path: Path
) -> None:
    base = repo.commit("base", {".reviewgate.yaml": "version: 1\n", "a.py": "x = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        "feat: relax the gate",
        {".reviewgate.yaml": RELAXED},
    )
    head = repo.commit(f"feat: ghost-written\n\n{CLAUDE}\n", {"b.py": "y = 2\n"})
    env = github_pull_request(repo, tmp_path, base, head)
    result = reviewgate(repo.path, "check", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "RG101" in result.stdout
    assert "2 commits checked in" in result.stdout
    assert f"({base[:12]}:.reviewgate.yaml)" in result.stdout
    assert "reviewgate: note: the policy at" in result.stdout
    # Outside CI the same checkout is judged by its own (relaxed) policy.
    assert reviewgate(repo.path, "check", "main..feature").returncode == 0
    # --policy-from gives the same trust by hand.
    by_hand = reviewgate(repo.path, "check", "main..feature", "--policy-from", "main")
    assert by_hand.returncode == 1
    # A ref name is shown whole; only a sha is shortened (it used to read "refs/remot").
    assert "(main:.reviewgate.yaml)" in by_hand.stdout


@pytest.mark.parametrize("fmt, diffs", [("text", False), ("github", False), ("json", True)])
def test_diffs_are_read_only_when_the_report_needs_them(
    repo: Repo, tmp_path: Path, fmt: str, diffs: bool
) -> None:
    # No disclosure rule reads paths; on a long range the diffs are most of git's
    # work, so only reports that show them (json, sarif) pay for them.
    repo.commit("a", {"a.py": "1"})
    trace = tmp_path / "trace.json"
    result = reviewgate(
        repo.path, "check", "HEAD", "--format", fmt, env={"GIT_TRACE2_EVENT": str(trace)}
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    logs = [e["argv"] for e in events if e.get("event") == "start" and e["argv"][1:2] == ["log"]]
    assert len(logs) == 1
    assert ("--name-status" in logs[0]) is diffs


def test_stats_command_prints_figures_and_writes_html(repo: Repo, tmp_path: Path) -> None:
    repo.commit("feat: a")
    repo.commit("feat: b\n\nAssisted-by: Claude:claude-opus-4\n")
    page = tmp_path / "stats.html"
    result = reviewgate(repo.path, "stats", "HEAD", "--html", str(page))
    assert result.returncode == 0, result.stderr
    assert "1 of 2" in result.stdout
    assert "<svg" in page.read_text()


def test_a_range_start_missing_from_a_shallow_clone_names_the_fix(
    repo: Repo, tmp_path: Path
) -> None:
    # git only says "Invalid revision range"; in a shallow clone the cause is almost
    # always missing history, so the error says how to get it.
    first = repo.commit("a", {"a": "1"})
    for name in "bcd":
        repo.commit(name, {name: name})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo.path}", str(clone))
    result = reviewgate(clone, "check", f"{first}..HEAD")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "the clone is shallow" in line
    assert "fetch-depth: 0" in line


def test_a_pull_request_head_missing_from_a_full_clone_names_the_fetch(
    repo: Repo, tmp_path: Path
) -> None:
    # It used to say "unknown revision …: cannot read .reviewgate.yaml there",
    # naming the policy file rather than the missing commit.
    base = repo.commit("base", {"a.py": "x = 1\n"})
    absent = "0123456789abcdef0123456789abcdef01234567"
    env = github_pull_request(repo, tmp_path, base, absent)
    result = reviewgate(repo.path, "check", "--no-deepen", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"reviewgate: error: the head under check, {absent[:12]}, is not in this clone; "
        f"fetch it first (`git fetch origin {absent}`), or check out with fetch-depth: 0\n"
    )


def _many_undeclared_commits(repo: Repo, count: int) -> None:
    stream = []
    for number in range(count):
        message = f"feat: change {number}\n\n{CLAUDE}\n".encode()
        stream += [b"commit refs/heads/main",
                   b"committer Ann <ann@example.org> 1700000000 +0000",
                   b"data %d" % len(message), message]
        stream.append(b"M 644 inline f.txt\ndata %d\n%d\n" % (len(str(number)) + 1, number))
    repo.git("fast-import", "--quiet", input=b"\n".join(stream) + b"\n")


def test_a_long_report_reaches_a_pipe_whole_and_a_closed_pipe_ends_it(repo: Repo) -> None:
    # check ends without tearing its objects down one by one: the streams must still
    # be flushed, the exit status kept, and a reader that stops early (`| head`)
    # must not turn findings into a traceback.
    _many_undeclared_commits(repo, 400)
    whole = reviewgate(repo.path, "check", "main")
    assert whole.returncode == 1
    assert len(re.findall(r"^[0-9a-f]{10} RG101 ", whole.stdout, re.MULTILINE)) == 400
    assert "400 commits checked" in whole.stdout.splitlines()[-1]
    process = subprocess.Popen(
        [sys.executable, "-m", "reviewgate", "check", "main"], cwd=repo.path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) in (1, 120)
    assert first.strip()
    assert "Traceback" not in stderr


def test_json_paths_and_pairing_ignore_how_the_user_likes_logs_shown(repo: Repo) -> None:
    # log.showRoot=false hides a root commit's paths from `git log`, and
    # diff.ignoreSubmodules=all a submodule bump; neither may hide a fix's changes
    # from the report or from pairing (found by a review of 0ef5e62, since reverted:
    # it paired fixes from the log's paths and missed RG201 for both commits).
    root = repo.commit("fix: parse empty input\n", {"src/p.py": "def parse(x):\n    return []\n"})
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{root},vendor/lib")
    repo.git("commit", "-qm", "chore: add the library")
    repo.git("update-index", "--cacheinfo", f"160000,{'1' * 40},vendor/lib")
    repo.git("commit", "-qm", "fix: bump vendor/lib to the patched release")
    bump = repo.head()
    repo.git("config", "log.showRoot", "false")
    repo.git("config", "diff.ignoreSubmodules", "all")
    result = reviewgate(repo.path, "check", "--format", "json", "HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    commits = {c["sha"]: c for c in json.loads(result.stdout)["commits"]}
    assert [c["path"] for c in commits[root]["changes"]] == ["src/p.py"]
    assert [c["path"] for c in commits[bump]["changes"]] == ["vendor/lib"]
    for sha in (root, bump):
        assert [f["code"] for f in commits[sha]["findings"]] == ["RG201"], commits[sha]


def test_git_dir_names_the_repository_as_for_git(repo: Repo, tmp_path: Path) -> None:
    # Every git process reviewgate starts inherits GIT_DIR; so must its own view.
    repo.commit("feat: here\n")
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", "-b", "main", str(other))
    git(other, "commit", "-q", "--allow-empty", "-m", "feat: there")
    env = {**os.environ, "GIT_DIR": str(other / ".git")}
    checked = subprocess.run(
        [sys.executable, "-m", "reviewgate", "check", "--format", "json", "HEAD"],
        cwd=repo.path, capture_output=True, text=True, env=env)
    subjects = [c["subject"] for c in json.loads(checked.stdout)["commits"]]
    assert subjects == ["feat: there"], checked.stderr
    counted = subprocess.run([sys.executable, "-m", "reviewgate", "stats", "HEAD"],
                             cwd=repo.path, capture_output=True, text=True, env=env)
    assert re.search(r"^commits +1$", counted.stdout, re.M), counted.stdout + counted.stderr
    missing = subprocess.run([sys.executable, "-m", "reviewgate", "check", "HEAD"],
                             cwd=repo.path, capture_output=True, text=True,
                             env={**os.environ, "GIT_DIR": str(tmp_path / "nowhere")})
    assert missing.returncode == 2
    assert missing.stderr == (
        f"reviewgate: error: not a git repository: {tmp_path / 'nowhere'} (from GIT_DIR)\n")


def test_an_empty_output_name_is_an_error_not_stdout(repo: Repo) -> None:
    repo.commit("feat: x\n")
    done = subprocess.run([sys.executable, "-m", "reviewgate", "check", "HEAD", "--output", ""],
                          cwd=repo.path, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "reviewgate: error: cannot write the report to '': " \
        "No such file or directory\n"
