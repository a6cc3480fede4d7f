"""Policy presets (`extends: NAME`): each loads through the same loader, records
where its rules were read and when, is overridden key by key by the repository's
file, and shows in `reviewgate policy` which values it gave. Through the real CLI
on real repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Repo
from reviewgate.errors import PolicyError
from reviewgate.policy.files import load_policy
from reviewgate.policy.load import load_preset, policy_from_text
from reviewgate.policy.presets import PRESET_DIR, PRESETS
from reviewgate.policy.schema import Policy
from test_check_cli import reviewgate

CLAUDE = "Claude <noreply@anthropic.com>"
ADA = "Ada Lovelace <ada@example.org>"
FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"


def findings(result_stdout: str, sha: str | None = None) -> list[dict[str, str]]:
    commits = json.loads(result_stdout)["commits"]
    return [f for c in commits if sha is None or c["sha"] == sha for f in c["findings"]]


def codes(result_stdout: str, sha: str | None = None) -> list[str]:
    return sorted(f["code"] for f in findings(result_stdout, sha))


def with_policy(repo: Repo, text: str) -> None:
    repo.commit("chore: policy", {".reviewgate.yaml": text}, author=ADA)


# --- the presets themselves --------------------------------------------------


def test_every_preset_file_has_an_entry_and_every_entry_a_file() -> None:
    files = {p.stem for p in PRESET_DIR.glob("*.yaml")}
    assert files == set(PRESETS)
    assert {"kernel", "kernel-llm", "mesa", "llvm", "asf", "fedora", "openinfra",
            "kubernetes", "qemu", "gentoo", "netbsd"} <= files


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_loads_and_names_its_sources_and_date(name: str) -> None:
    preset = PRESETS[name]
    assert preset.sources and all(s.startswith("https://") for s in preset.sources)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", preset.read)
    policy = load_preset(name)
    assert policy != Policy(source=policy.source, origins=policy.origins)  # it says something
    # Every value the preset sets names the preset's file and line.
    assistance = [v for k, v in policy.origins.items() if k.startswith("assistance.")]
    assert any(v.startswith(f"reviewgate/policy/presets/{name}.yaml:") for v in assistance)


@pytest.mark.parametrize(("name", "require", "author", "co_authors"), [
    ("kernel", "declared", "human", "people"),
    ("mesa", "declared", "human", "people"),
    ("llvm", "declared", "human", "any"),
    ("kubernetes", "off", "human", "people"),
    ("qemu", "forbidden", "any", "any"),
    ("gentoo", "forbidden", "any", "any"),
    ("netbsd", "forbidden", "any", "any"),
])
def test_what_each_project_requires(name: str, require: str, author: str, co_authors: str) -> None:
    a = load_preset(name).assistance
    assert (a.require, a.author, a.co_authors) == (require, author, co_authors)


def test_the_kernel_forms() -> None:
    assert load_preset("kernel").assistance.format == "kernel"
    assert load_preset("kernel-llm").assistance.format == "kernel-llm"
    assert load_preset("asf").assistance.trailers[0] == "Generated-by"
    assert load_preset("openinfra").assistance.trailers[0] == "Generated-By"
    assert load_preset("kubernetes").assistance.trailers == ()


def test_a_preset_cannot_extend_another() -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:1: a preset cannot extend another preset$"):
        policy_from_text("extends: kernel\n", "p.yaml", preset=True)


# --- extends in a repository's policy ----------------------------------------


def test_file_keys_override_the_preset_key_by_key(tmp_path: Path) -> None:
    path = tmp_path / ".reviewgate.yaml"
    path.write_text("extends: kernel\nassistance:\n  format: any\nrules:\n  RG107: warning\n")
    policy = load_policy(path)
    assert policy.extends == "kernel"
    assert policy.assistance.format == "any"  # the file's
    assert policy.assistance.trailers == ("Assisted-by",)  # the preset's
    assert policy.assistance.co_authors == "people"
    assert policy.rules == {"RG107": "warning"}
    assert policy.origins["assistance.format"] == f"{path}:3"
    preset_file = "reviewgate/policy/presets/kernel.yaml:"
    assert policy.origins["assistance.trailers"].startswith(preset_file)
    assert policy.origins["paths.tests"] == "<built-in default>"


def test_policy_command_shows_which_values_came_from_the_preset(repo: Repo) -> None:
    with_policy(repo, "version: 1\nextends: llvm\nassistance:\n  harness: free-software\n")
    result = reviewgate(repo.path, "policy", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["policy"]["extends"] == "llvm"
    assert data["policy"]["assistance"]["author"] == "human"
    origins = data["origins"]
    assert origins["extends"] == ".reviewgate.yaml:2"
    assert origins["assistance.harness"] == ".reviewgate.yaml:4"
    assert origins["assistance.author"].startswith("reviewgate/policy/presets/llvm.yaml:")
    text = reviewgate(repo.path, "policy").stdout
    assert re.search(r"^  author: human  # reviewgate/policy/presets/llvm\.yaml:\d+$", text, re.M)
    assert "extends: llvm  # .reviewgate.yaml:2" in text
    # The printed policy is itself a policy with the same values.
    again = policy_from_text(text, "printed")
    assert again.assistance == load_policy(repo.path / ".reviewgate.yaml").assistance


def test_an_unknown_preset_is_exit_2_naming_file_line_and_the_known_ones(repo: Repo) -> None:
    with_policy(repo, "version: 1\nextends: kernal\n")
    result = reviewgate(repo.path, "check", "HEAD")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line
    assert ".reviewgate.yaml:2: unknown preset 'kernal' (did you mean 'kernel'?" in line
    assert "known presets: asf, fedora, gentoo, kernel, kernel-llm, kubernetes" in line


def test_extends_must_be_a_name(repo: Repo) -> None:
    with_policy(repo, "extends: [kernel]\n")
    result = reviewgate(repo.path, "policy")
    assert result.returncode == 2
    assert result.stderr.startswith("reviewgate: error: .reviewgate.yaml:1: 'extends' must be")


# --- the presets at work -----------------------------------------------------


def test_kernel_preset_reports_a_tool_co_author_and_a_tool_author(repo: Repo) -> None:
    with_policy(repo, "extends: kernel\n")
    co = repo.commit(f"net: fix a leak\n\nCo-authored-by: {CLAUDE}\nSigned-off-by: {ADA}\n",
                     author=ADA)
    by_tool = repo.commit("net: fix another leak\n\nAssisted-by: Claude:claude-opus-4-1\n",
                          author=CLAUDE)
    fine = repo.commit(f"net: and a third\n\nAssisted-by: Claude:claude-opus-4-1 coccinelle\n"
                       f"Signed-off-by: {ADA}\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD~3..HEAD", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "RG106" in codes(result.stdout, co)
    assert "RG107" in codes(result.stdout, by_tool)
    assert not {"RG106", "RG107", "RG102"} & set(codes(result.stdout, fine))
    rg106 = next(f for f in findings(result.stdout) if f["code"] == "RG106")
    assert rg106["hint"] == (f"replace `Co-authored-by: {CLAUDE}` with "
                             f"`Assisted-by: Claude:unknown`")


def test_overriding_the_preset_switches_its_rule_off(repo: Repo) -> None:
    with_policy(repo, "extends: kernel\nassistance:\n  co_authors: any\n"
                      "  trailers: [Assisted-by, Co-authored-by]\n")
    sha = repo.commit(f"net: fix a leak\n\nCo-authored-by: {CLAUDE}\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert "RG106" not in codes(result.stdout, sha)


def test_forbidding_presets_report_any_tool(repo: Repo) -> None:
    with_policy(repo, "extends: gentoo\n")
    sha = repo.commit("dev-libs/foo: bump\n\nAssisted-by: Claude:claude-opus-4-1\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD", "--format", "json")
    assert result.returncode == 1
    assert codes(result.stdout, sha)[0] == "RG105"
    assert "RG107" not in codes(result.stdout, sha)


def test_kubernetes_preset_asks_no_trailer_but_keeps_tools_out_of_authorship(repo: Repo) -> None:
    with_policy(repo, "extends: kubernetes\n")
    footer = repo.commit(f"kubelet: fix a race\n\n{FOOTER}\n", author=ADA)
    co = repo.commit(f"kubelet: fix another\n\nCo-authored-by: {CLAUDE}\n", author=ADA)
    result = reviewgate(repo.path, "check", "HEAD~2..HEAD", "--format", "json")
    assert "RG101" not in codes(result.stdout)  # disclosure lives in the pull request
    assert codes(result.stdout, footer) == []
    assert "RG106" in codes(result.stdout, co)
