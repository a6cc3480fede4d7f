"""`tests.required_for`: which commits must bring a test (RG201) and have it
verified: the fixes (the default), also the commits that declare or show a tool
and change source files (`assisted`), or every commit that does (`code`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.errors import PolicyError
from reviewgate.policy.files import load_policy
from verify_helpers import Runner, check_findings, reviewgate, write_policy

ASSISTED = "feat: parse dates\n\nAssisted-by: Claude:claude-opus-4\n"


def _policy(tmp_path: Path, required_for: str | None) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(f"tests:\n  required_for: {required_for}\n" if required_for else "")
    return str(path)


def _history(repo: Repo) -> tuple[str, dict[str, str]]:
    base = repo.commit("feat: base", {"src/app.py": "x = 1\n", "tests/test_app.py": "t = 1\n"})
    shas = {
        "assisted": repo.commit(ASSISTED, {"src/dates.py": "d = 1\n"}),
        "assisted-docs": repo.commit(
            "docs: dates\n\nAssisted-by: Claude:claude-opus-4\n", {"docs/dates.md": "x\n"}
        ),
        "human": repo.commit("feat: parse times\n", {"src/times.py": "t = 1\n"}),
        "tested": repo.commit(
            ASSISTED.replace("dates", "zones"),
            {"src/zones.py": "z = 1\n", "tests/test_zones.py": "z = 1\n"},
        ),
        "fix": repo.commit("fix: x is 2\n", {"src/app.py": "x = 2\n"}),
    }
    return base, shas


@pytest.mark.parametrize(
    "required_for, unpaired",
    [
        (None, {"fix"}),
        ("fixes", {"fix"}),
        ("assisted", {"fix", "assisted"}),
        ("code", {"fix", "assisted", "human"}),
    ],
)
def test_which_commits_need_a_test(
    repo: Repo, tmp_path: Path, required_for: str | None, unpaired: set[str]
) -> None:
    base, shas = _history(repo)
    policy = _policy(tmp_path, required_for)
    check = reviewgate(repo.path, "check", "--config", policy, f"{base}..HEAD")
    found = {sha for code, sha in _findings(repo, policy, base) if code == "RG201"}
    assert found == {shas[name] for name in unpaired}, check.stdout
    if required_for in ("assisted", "code"):
        assert (
            f"commit {shas['assisted'][:10]} changes source files and has no test "
            f"(tests.required_for: {required_for})"
        ) in check.stdout


def _findings(repo: Repo, policy: str, base: str) -> set[tuple[str, str]]:
    import json

    out = reviewgate(repo.path, "check", "--format", "json", "--config", policy, f"{base}..HEAD")
    return {(f["code"], c["sha"]) for c in json.loads(out.stdout)["commits"] for f in c["findings"]}


def test_a_commit_that_needs_a_test_is_verified_like_a_fix(repo: Repo, tmp_path: Path) -> None:
    base = repo.commit(
        "feat: base", {"pkg/__init__.py": "", "pkg/calc.py": "def add(a, b):\n    return a - b\n"}
    )
    feature = repo.commit(
        ASSISTED.replace("parse dates", "add adds"),
        {
            "pkg/calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_add.py": "from pkg.calc import add\nassert add(2, 3) == 5\n",
        },
    )
    runner = Runner(tmp_path)
    policy = write_policy(tmp_path / "policy.yaml", runner.command())
    policy.write_text(policy.read_text() + "tests:\n  required_for: assisted\n")
    result = reviewgate(repo.path, "verify", "--config", str(policy), f"{base}..HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{feature[:12]} proven (red, then green)" in result.stdout
    # Without the policy (the default, `fixes`) a feature needs no test: no RG201.
    assert {code for code, _ in check_findings(repo, f"{base}..HEAD")} == {"RG301"}


def test_the_commit_msg_hook_asks_an_assisted_change_for_its_test(repo: Repo) -> None:
    repo.commit("feat: base", {"src/app.py": "x = 1\n"})
    (repo.path / ".reviewgate.yaml").write_text(
        "tests:\n  required_for: assisted\nsignoff:\n  required_for: none\n"
    )
    repo.write("src/app.py", "x = 2\n")
    repo.git("add", "-A")
    message = repo.path / "MSG"
    message.write_text(ASSISTED)
    result = reviewgate(repo.path, "hook", "commit-msg", str(message))
    assert "RG201" in result.stdout + result.stderr
    message.write_text("feat: parse dates\n")
    quiet = reviewgate(repo.path, "hook", "commit-msg", str(message))
    assert "RG201" not in quiet.stdout + quiet.stderr


def test_a_bad_value_names_the_file_and_line() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(
            None, text="version: 1\ntests:\n  required_for: all\n", source=".reviewgate.yaml"
        )
    assert str(caught.value) == (
        ".reviewgate.yaml:3: invalid value 'all' for 'tests.required_for' "
        "(expected one of: fixes, assisted, code)"
    )
    with pytest.raises(
        PolicyError,
        match=r"\.reviewgate\.yaml:2: unknown key 'tests\.require' "
        r"\(did you mean 'tests\.required_for'\?\)",
    ):
        load_policy(None, text="tests:\n  require: code\n", source=".reviewgate.yaml")
