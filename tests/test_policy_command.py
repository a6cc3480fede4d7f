"""`reviewgate policy`: it says when pyproject.toml's [tool.reviewgate] table is
passed over for .reviewgate.yaml, and with `--config FILE` (or REVIEWGATE_CONFIG)
it works outside any repository (issue 16, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Repo
from verify_helpers import reviewgate

TABLE = "[tool.reviewgate]"


def test_yaml_wins_and_policy_says_the_table_is_ignored(repo: Repo) -> None:
    repo.write(".reviewgate.yaml", "signoff:\n  required_for: all\n")
    repo.write("pyproject.toml", f'{TABLE}\nsignoff.required_for = "none"\n')
    done = reviewgate(repo.path, "policy")
    assert done.returncode == 0, done.stderr
    first, note = done.stdout.splitlines()[:2]
    assert first == "# effective reviewgate policy, from .reviewgate.yaml"
    assert note == (
        "# note: the [tool.reviewgate] table of pyproject.toml is ignored: "
        ".reviewgate.yaml takes precedence; keep the policy in one of them"
    )
    assert "required_for: all  # .reviewgate.yaml:2" in done.stdout
    document = json.loads(reviewgate(repo.path, "policy", "--format", "json").stdout)
    assert document["source"] == ".reviewgate.yaml"
    assert document["notes"] == [note.removeprefix("# note: ")]


def test_policy_with_a_config_works_outside_a_repository(tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    (alone / "team.toml").write_text(f'{TABLE}\nextends = "kernel"\n')
    (alone / "team.yaml").write_text("signoff:\n  required_for: all\n")
    done = reviewgate(alone, "policy", "--config", "team.toml", env=env)
    assert done.returncode == 0, done.stderr
    assert "extends: kernel  # team.toml:2" in done.stdout
    assert "auto picks here" not in done.stdout  # no working tree to look at
    done = reviewgate(alone, "policy", "--format", "json", env={**env,
                      "REVIEWGATE_CONFIG": "team.yaml"})
    assert json.loads(done.stdout)["policy"]["signoff"]["required_for"] == "all"
    bare = reviewgate(alone, "policy", env=env)
    assert bare.returncode == 2
    assert bare.stderr == (
        f"reviewgate: error: not a git repository: {alone}; run it inside one, or name a "
        "policy file: --config FILE\n"
    )


def test_init_refuses_to_override_the_pyproject_table(repo: Repo) -> None:
    table = f'{TABLE}\nsignoff.reviewers = ["bob@example.org"]\n'
    repo.write("pyproject.toml", table)
    refused = reviewgate(repo.path, "init")
    assert refused.returncode == 2
    assert refused.stderr == (
        f"reviewgate: error: {repo.path / 'pyproject.toml'} holds the policy in its "
        "[tool.reviewgate] table, which a .reviewgate.yaml would override; edit that table "
        "(`reviewgate policy` shows it), or pass --force to write .reviewgate.yaml anyway\n"
    )
    assert not (repo.path / ".reviewgate.yaml").exists()
    assert (repo.path / "pyproject.toml").read_text() == table
    # A pyproject.toml that only names reviewgate (a dependency) is no policy.
    repo.write("pyproject.toml", '[project]\ndependencies = ["git-reviewgate"]\n')
    assert reviewgate(repo.path, "init").returncode == 0
    assert (repo.path / ".reviewgate.yaml").exists()


def test_init_force_writes_beside_the_table(repo: Repo) -> None:
    repo.write("pyproject.toml", f"{TABLE}\nversion = 1\n")
    done = reviewgate(repo.path, "init", "--force")
    assert done.returncode == 0, done.stderr
    assert (repo.path / ".reviewgate.yaml").exists()
