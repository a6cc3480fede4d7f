"""The verify cache cannot be forged: in CI only results signed by a key that the
trusted allowed-signers file lists for `verify` count.

The attack, end to end: a contributor pushes a fix whose test never passes and,
to refs/notes/reviewgate, a note saying `outcome=proven` for it. CI (a clone of
the origin with the notes fetched, GitHub's pull_request environment and event
file) runs `check --verify`, re-runs the fix and reports it. The honest case: a
result CI signed with its key in one job is trusted by the next."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.verify.sandbox import unusable
from verify_helpers import base_project, reviewgate

needs_bwrap = pytest.mark.skipif(bool(unusable()), reason=f"no sandbox here: {unusable()}")
COMMAND = [sys.executable, "{tests}"]
PREAMBLE = "import os, sys\nsys.path.insert(0, os.getcwd())\nfrom pkg.calc import add\n"
NEVER_PASSES = PREAMBLE + "assert add(2, 3) == 5\n"  # with a "fix" that multiplies
NOTES = "refs/notes/reviewgate"


def _key(tmp: Path, name: str) -> tuple[Path, str]:
    """A fresh ed25519 key: the private key's path and the public key's text."""
    path = tmp / f"{name}_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path, path.with_suffix(".pub").read_text().strip()


def _policy(sandbox: str = "auto") -> str:
    return f"verify:\n  command: {json.dumps(COMMAND)}\n  sandbox: {sandbox}\n"


class Project:
    """A repository, its bare origin and the keys: CI's (allowed for `verify` at
    main) and Mallory's (allowed to sign approvals as herself, nothing else)."""

    def __init__(self, repo: Repo, tmp: Path, sandbox: str = "auto") -> None:
        self.repo, self.tmp = repo, tmp
        self.origin = tmp / "origin.git"
        git(tmp, "init", "-q", "--bare", "-b", "main", str(self.origin))
        self.ci_key, ci_pub = _key(tmp, "ci")
        self.mallory_key, self.mallory_pub = _key(tmp, "mallory")
        signers = (
            f'verify namespaces="reviewgate-verify" {ci_pub}\n'
            f"mallory@example.org {self.mallory_pub}\n"
        )
        self.base = base_project(repo)
        self.main = repo.commit(
            "chore: policy",
            {".reviewgate.yaml": _policy(sandbox), ".reviewgate/allowed_signers": signers},
        )
        repo.git("push", "-q", str(self.origin), "main")

    def ci_env(self, head: str, **extra: str) -> dict[str, str]:
        """GitHub Actions' environment for a pull request of `head` into main."""
        event = self.tmp / "event.json"
        event.write_text(
            json.dumps(
                {
                    "action": "synchronize",
                    "number": 7,
                    "pull_request": {
                        "number": 7,
                        "base": {"ref": "main", "sha": self.main},
                        "head": {"ref": "feature", "sha": head},
                    },
                }
            )
        )
        return {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_SHA": head,
            "GITHUB_REF": "refs/pull/7/merge",
            "GITHUB_BASE_REF": "main",
            "GITHUB_HEAD_REF": "feature",
            **extra,
        }

    def ci_clone(self, name: str, head: str) -> Path:
        """actions/checkout with fetch-depth 0, then the notes fetched."""
        target = self.tmp / name
        git(self.tmp, "clone", "-q", "--no-local", str(self.origin), str(target))
        git(target, "fetch", "-q", "origin", "+refs/pull/7/head:refs/remotes/pull/7")
        git(target, "fetch", "-q", "origin", f"+{NOTES}:{NOTES}", check=False)
        git(target, "checkout", "-q", "--detach", head)
        return target


def _fix(project: Project, name: str, fixed: str, test: str) -> str:
    repo = project.repo
    repo.git("checkout", "-q", "-B", name, project.main)
    head = repo.commit(f"fix: {name}", {"pkg/calc.py": fixed, f"tests/test_{name}.py": test})
    repo.git("push", "-q", "--force", str(project.origin), f"{head}:refs/pull/7/head")
    return head


def _green_tree(path: Path, commit: str) -> str:
    return git(path, "rev-parse", f"{commit}^{{tree}}").stdout.strip()


def _note(path: Path, commit: str) -> str:
    return git(path, "notes", "--ref", NOTES, "show", _green_tree(path, commit)).stdout


def _forge(project: Project, head: str, how: str) -> None:
    """Mallory's forged `outcome=proven` for `head`, pushed to the origin's notes."""
    repo = project.repo
    policy = project.tmp / "mallory-policy.yaml"
    policy.write_text(_policy("none"))
    # Her own honest run gives the line's key (trees and command) and says not-green.
    done = reviewgate(repo.path, "verify", "--config", str(policy), f"{project.main}..{head}")
    assert "NOT GREEN" in done.stdout, done.stdout + done.stderr
    [line] = _note(repo.path, head).splitlines()
    forged = (
        line.replace("outcome=not-green", "outcome=proven")
        .replace("green_exit=1", "green_exit=0")
        .split(" detail=")[0]
        + " detail="
    )
    if how == "signed by her own key":
        payload = project.tmp / "payload"
        payload.write_text(forged + "\n")
        subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "sign",
                "-n",
                "reviewgate-verify",
                "-f",
                str(project.mallory_key),
                str(payload),
            ],
            check=True,
            capture_output=True,
        )
        armored = (project.tmp / "payload.sig").read_text().splitlines()[1:-1]
        forged = forged.replace(" detail=", f" sig={''.join(armored)} detail=")
    repo.git("notes", "--ref", NOTES, "add", "-f", "-m", forged, _green_tree(repo.path, head))
    repo.git("push", "-q", "--force", str(project.origin), f"{NOTES}:{NOTES}")


def _findings(result: subprocess.CompletedProcess[str]) -> set[str]:
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    return {f["code"] for c in report["commits"] for f in c.get("findings", [])}


@pytest.mark.parametrize("how", ["unsigned", "signed by her own key"])
def test_a_forged_proven_note_is_rerun_and_reported_in_ci(
    repo: Repo, tmp_path: Path, how: str
) -> None:
    project = Project(repo, tmp_path)
    head = _fix(project, "mul", "def add(a, b):\n    return a * b\n", NEVER_PASSES)
    _forge(project, head, how)
    clone = project.ci_clone("ci", head)
    assert "outcome=proven" in _note(clone, head)  # CI has the forged note
    # Outside CI the forged line would count: the attack is real.
    local = reviewgate(
        clone,
        "check",
        "--verify",
        "--format",
        "json",
        "--policy-from",
        project.main,
        f"{project.main}..{head}",
    )
    assert "RG203" not in _findings(local)
    # In CI it does not: the fix runs again and its test fails with the fix.
    checked = reviewgate(clone, "check", "--verify", "--format", "json", env=project.ci_env(head))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "RG203" in _findings(checked)
    assert any(
        "cached verify result(s) not used" in note
        for note in json.loads(checked.stdout).get("notes", [])
    ), checked.stdout
    verified = reviewgate(clone, "verify", env=project.ci_env(head))
    assert "NOT GREEN" in verified.stdout and "(cached)" not in verified.stdout
    assert "0 from the cache" in verified.stdout, verified.stdout


def test_plain_check_in_ci_takes_no_verdict_from_an_unsigned_note(
    repo: Repo, tmp_path: Path
) -> None:
    project = Project(repo, tmp_path)
    head = _fix(project, "mul", "def add(a, b):\n    return a * b\n", NEVER_PASSES)
    _forge(project, head, "unsigned")
    clone = project.ci_clone("ci", head)
    report = reviewgate(clone, "check", "--format", "json", env=project.ci_env(head))
    notes = json.loads(report.stdout).get("notes", [])
    assert any("1 cached verify result(s) not used" in note for note in notes), report.stdout
    assert not {"RG202", "RG203", "RG205"} & _findings(report)


@needs_bwrap
def test_a_result_ci_signed_is_trusted_by_the_next_job(repo: Repo, tmp_path: Path) -> None:
    project = Project(repo, tmp_path)
    head = _fix(project, "add", "def add(a, b):\n    return a + b\n", NEVER_PASSES)
    # A developer's unsigned cache speeds up their own runs, not CI's.
    first = reviewgate(repo.path, "verify", f"{project.main}..{head}")
    again = reviewgate(repo.path, "verify", f"{project.main}..{head}")
    assert "1 from the cache" in again.stdout and "0 from the cache" in first.stdout
    repo.git("push", "-q", "--force", str(project.origin), f"{NOTES}:{NOTES}")
    # Job 1: verify with CI's key (a repository secret written to a file).
    shard = project.ci_clone("shard", head)
    signed = reviewgate(
        shard, "verify", env=project.ci_env(head, REVIEWGATE_VERIFY_KEY=str(project.ci_key))
    )
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert "0 from the cache" in signed.stdout  # the developer's line did not count
    [line] = _note(shard, head).splitlines()
    assert " sig=" in line and "outcome=proven" in line
    git(shard, "push", "-q", "--force", "origin", f"{NOTES}:{NOTES}")
    # Job 2: the signed line counts.
    final = project.ci_clone("final", head)
    checked = reviewgate(final, "verify", env=project.ci_env(head))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "proven (red, then green) (cached)" in checked.stdout
    assert "1 from the cache" in checked.stdout
    # A signed line whose outcome was changed afterwards no longer verifies.
    tampered = line.replace("outcome=proven", "outcome=not-red")
    git(final, "notes", "--ref", NOTES, "add", "-f", "-m", tampered, _green_tree(final, head))
    rerun = reviewgate(final, "verify", env=project.ci_env(head))
    assert "proven (red, then green)" in rerun.stdout and "0 from the cache" in rerun.stdout


def test_a_broken_signing_key_stops_verify_before_it_runs(repo: Repo, tmp_path: Path) -> None:
    project = Project(repo, tmp_path, sandbox="none")
    head = _fix(project, "add", "def add(a, b):\n    return a + b\n", NEVER_PASSES)
    missing = tmp_path / "no-such-key"
    result = reviewgate(
        repo.path, "verify", f"{project.main}..{head}", env={"REVIEWGATE_VERIFY_KEY": str(missing)}
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"reviewgate: error: REVIEWGATE_VERIFY_KEY={missing}: ssh-keygen "
        "could not sign a verify result: "
    ), line
    assert not git(repo.path, "notes", "--ref", NOTES, "list", check=False).stdout


def test_without_the_sandbox_results_are_not_signed(repo: Repo, tmp_path: Path) -> None:
    project = Project(repo, tmp_path, sandbox="none")
    head = _fix(project, "add", "def add(a, b):\n    return a + b\n", NEVER_PASSES)
    result = reviewgate(
        repo.path,
        "verify",
        f"{project.main}..{head}",
        env={"REVIEWGATE_VERIFY_KEY": str(project.ci_key)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "reviewgate: verify results are not signed: the test command ran without the "
        "sandbox (verify.sandbox), where it could read REVIEWGATE_VERIFY_KEY"
    ) in result.stderr.splitlines()
    assert " sig=" not in _note(repo.path, head)


@pytest.mark.parametrize(
    "principal,trusted",
    [
        ("verify", True),
        ('verify namespaces="reviewgate-verify"', True),
        ("verify,ann@example.org", True),
        ("ann@example.org", False),  # a reviewer's key vouches for approvals only
        ("*", False),  # a pattern names no one
        ('verify namespaces="reviewgate-approval"', False),
    ],
)
def test_which_allowed_signers_lines_vouch(
    repo: Repo, tmp_path: Path, principal: str, trusted: bool
) -> None:
    import git as gitpython

    from reviewgate.model.result import GatherOptions
    from reviewgate.pipeline.provenance import cache_provenance
    from reviewgate.policy.schema import Policy
    from reviewgate.verify.cache import CachedResult, CacheKey, parse_line
    from reviewgate.verify.provenance import compact, payload

    key, pub = _key(tmp_path, "ci")
    repo.commit("chore: signers", {".reviewgate/allowed_signers": f"{principal} {pub}\n"})
    result = CachedResult(CacheKey("a" * 40, "b" * 40, "c" * 16), "proven", 1, 0, "")
    done = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", "reviewgate-verify", "-f", str(key)],
        input=payload(result),
        capture_output=True,
        check=True,
    )
    signed = parse_line(
        CachedResult(result.key, "proven", 1, 0, "", compact(done.stdout.decode())).line()
    )
    assert signed is not None and signed.signature
    in_ci = cache_provenance(gitpython.Repo(repo.path), Policy(), GatherOptions(), {"CI": "true"})
    assert in_ci.mode == "signed"
    assert in_ci.trusted(result.key, [signed]) == ([signed] if trusted else [])
    assert in_ci.trusted(result.key, [result]) == []  # unsigned: never, in CI
    local = cache_provenance(gitpython.Repo(repo.path), Policy(), GatherOptions(), {})
    assert local.mode == "any" and local.trusted(result.key, [result]) == [result]
