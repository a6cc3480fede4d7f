"""The prepare-commit-msg hook: it adds the disclosure trailer when the commit is
made from inside a known agent, changes nothing else in the file, and touches
nothing at all otherwise. Real `git commit` runs with hooks/ as core.hooksPath."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import Repo
from test_hook_commit_msg import (
    FOOTER,
    HOOKS_DIR,
    commit,
    editor,
    head_message,
    out,
    reviewgate,
    run_git,
    write_policy,
)

AGENT = {"CLAUDECODE": "1"}
ADDED = "Assisted-by: Claude:unknown"
UNDECLARED = f"feat: written by a tool\n\nbody\n\n{FOOTER}\n"


@pytest.fixture
def hooked(repo: Repo) -> Repo:
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("initial", {"a.txt": "one\n"})
    return repo


def insertion(old: bytes, new: bytes) -> bytes:
    """The bytes inserted into `old` to give `new`; fails unless `new` is `old` with
    one contiguous insertion (everything else byte for byte the same)."""
    assert len(new) > len(old)
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    inserted = new[start : start + len(new) - len(old)]
    assert new[: start] + inserted + new[start + len(inserted) :] == new
    assert old[:start] + inserted + old[start:] == new, (old, new)
    return inserted


def hook(
    repo: Repo, path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return reviewgate(repo.path, "hook", "prepare-commit-msg", str(path), *args, env=env)


# --- through git -------------------------------------------------------------


def test_agent_commit_gets_the_trailer_and_passes_commit_msg(hooked: Repo) -> None:
    result = commit(hooked, UNDECLARED, env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == f"{UNDECLARED}\n{ADDED}\n".encode()
    # The same message without the agent's environment is rejected.
    rejected = commit(hooked, UNDECLARED)
    assert rejected.returncode != 0 and "RG101" in out(rejected), out(rejected)


def test_model_from_the_environment(hooked: Repo) -> None:
    result = commit(hooked, UNDECLARED, env={**AGENT, "ANTHROPIC_MODEL": "claude-opus-4-1"})
    assert result.returncode == 0, out(result)
    assert head_message(hooked).endswith(b"\nAssisted-by: Claude:claude-opus-4-1\n")


def test_amending_twice_adds_it_once(hooked: Repo) -> None:
    assert commit(hooked, "feat: x\n", env=AGENT).returncode == 0
    for _ in range(2):
        amended = run_git(hooked, "commit", "--amend", "--no-edit", "--allow-empty", env=AGENT)
        assert amended.returncode == 0, out(amended)
    message = head_message(hooked).decode()
    assert message == f"feat: x\n\n{ADDED}\n"
    # -c reuses a message through the editor: still one.
    reused = run_git(hooked, "commit", "--allow-empty", "-c", "HEAD",
                     env={**AGENT, "GIT_EDITOR": "true"})
    assert reused.returncode == 0, out(reused)
    assert head_message(hooked).decode().count("Assisted-by:") == 1


def test_an_existing_declaration_of_the_agent_is_not_duplicated(hooked: Repo) -> None:
    message = f"feat: x\n\n{FOOTER}\n\nAssisted-by: claude:claude-sonnet-4-5\n"
    result = commit(hooked, message, env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == message.encode()


def test_claude_codes_own_co_author_line_is_declaration_enough(hooked: Repo) -> None:
    # Co-authored-by naming the tool is an accepted declaration under the default
    # policy, so the hook adds no second one...
    message = "feat: x\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    result = commit(hooked, message, env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == message.encode()
    # ...unless policy does not accept Co-authored-by as a declaration.
    write_policy(hooked, "version: 1\nassistance:\n  trailers: [Assisted-by]\n")
    result = commit(hooked, message, env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == f"{message}{ADDED}\n".encode()


def test_trailer_lands_above_the_template_comments(hooked: Repo, tmp_path: Path) -> None:
    hooked.git("config", "core.commentChar", ";")
    typed = editor(tmp_path, "")  # the "person" only saves what git prepared
    result = commit(hooked, "feat: from the editor\n", "-e", env={**AGENT, "GIT_EDITOR": typed})
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == f"feat: from the editor\n\n{ADDED}\n".encode()
    kept = (hooked.path / ".git" / "COMMIT_EDITMSG").read_text()
    assert kept.index(ADDED) < kept.index("; Please enter")


def test_empty_message_still_aborts(hooked: Repo) -> None:
    before = hooked.head()
    result = commit(hooked, None, "-m", "", env=AGENT)
    assert result.returncode != 0
    assert "empty commit message" in out(result)
    assert hooked.head() == before


def test_an_unedited_template_still_aborts(hooked: Repo) -> None:
    template = hooked.write("template.txt", "Subject: say what changed\n\nWhy:\n")
    hooked.git("config", "commit.template", str(template))
    before = hooked.head()
    result = commit(hooked, None, env={**AGENT, "GIT_EDITOR": "true"})
    assert result.returncode != 0
    assert "did not edit the message" in out(result)
    assert hooked.head() == before


def test_merge_gets_no_trailer_unless_policy_checks_merges(hooked: Repo) -> None:
    hooked.git("checkout", "-q", "-b", "topic")
    hooked.commit("topic work", {"t.txt": "t\n"})
    hooked.git("checkout", "-q", "main")
    hooked.commit("main work", {"m.txt": "m\n"})
    merged = run_git(hooked, "merge", "--no-ff", "topic", env=AGENT)
    assert merged.returncode == 0, out(merged)
    assert head_message(hooked) == b"Merge branch 'topic'\n"

    hooked.git("reset", "-q", "--hard", "HEAD~1")
    write_policy(hooked, "version: 1\ncommits:\n  merges: check\n")
    merged = run_git(hooked, "merge", "--no-ff", "topic", env=AGENT)
    assert merged.returncode == 0, out(merged)
    assert head_message(hooked) == f"Merge branch 'topic'\n\n{ADDED}\n".encode()


@pytest.mark.parametrize("require", ["off", "forbidden"])
def test_policy_that_wants_no_declaration(hooked: Repo, require: str) -> None:
    write_policy(hooked, f"version: 1\nassistance:\n  require: {require}\n")
    result = commit(hooked, "feat: x\n", env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == b"feat: x\n"
    assert ("forbids" in out(result)) is (require == "forbidden")


def test_kernel_format_policy_gets_a_valid_declaration(hooked: Repo) -> None:
    write_policy(hooked, "version: 1\nassistance:\n  format: kernel\n  require: every-commit\n")
    result = commit(hooked, "feat: x\n", env=AGENT)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == f"feat: x\n\n{ADDED}\n".encode()


# --- the file, byte for byte -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"feat: x\r\n\r\nbody\r\n",
        b"feat: x\r\n\r\nbody\r\n\r\nSigned-off-by: A <a@example.org>\r\n",
        b"feat: no final newline",
        b"feat: x\n\nbody without final newline",
        b"feat: caf\xe9 \xff\n\nnot UTF-8 \x80\x81\n",
        b"feat: x\n\n\nbody\n\n# a comment\n",
    ],
    ids=["crlf", "crlf-trailers", "no-newline", "body-no-newline", "not-utf8", "comment"],
)
def test_only_the_trailer_is_inserted(hooked: Repo, content: bytes) -> None:
    path = hooked.write("msg", content)
    result = hook(hooked, path, "message", env=AGENT)
    assert result.returncode == 0, out(result)
    new = path.read_bytes()
    added = insertion(content, new)
    assert ADDED.encode() in added
    if b"\r\n" in content:
        assert re.search(rb"(?<!\r)\n", added) is None  # CRLF kept in what was added
    # Running it again changes nothing.
    again = hook(hooked, path, "message", env=AGENT)
    assert again.returncode == 0
    assert path.read_bytes() == new


def test_latin1_commit_encoding_round_trips(hooked: Repo) -> None:
    hooked.git("config", "i18n.commitEncoding", "ISO-8859-1")
    content = "feat: café\n\nrésumé\n".encode("latin-1")
    path = hooked.write("msg", content)
    assert hook(hooked, path, env=AGENT).returncode == 0
    assert insertion(content, path.read_bytes()) == f"\n{ADDED}\n".encode()


def _untouched(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize("content", [b"", b"\n", b"# only a comment\n", b"feat: x\n"])
def test_without_an_agent_nothing_is_touched(hooked: Repo, content: bytes) -> None:
    path = hooked.write("msg", content)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _untouched(path)
    result = hook(hooked, path, "message")
    assert result.returncode == 0, out(result)
    assert result.stderr == b""
    assert _untouched(path) == before


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# Please enter a message\n"])
def test_an_empty_message_is_left_empty(hooked: Repo, content: bytes) -> None:
    path = hooked.write("msg", content)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _untouched(path)
    result = hook(hooked, path, "", env={**AGENT, "GIT_EDITOR": "vi"})
    assert result.returncode == 0, out(result)
    assert _untouched(path) == before


def test_pre_commit_passes_the_source_in_the_environment(hooked: Repo) -> None:
    path = hooked.write("msg", b"Merge branch 'x'")
    before = _untouched(path)
    result = hook(hooked, path, env={**AGENT, "PRE_COMMIT_COMMIT_MSG_SOURCE": "merge"})
    assert result.returncode == 0, out(result)
    assert _untouched(path) == before
    assert hook(hooked, path, env=AGENT).returncode == 0
    assert ADDED.encode() in path.read_bytes()


@pytest.mark.parametrize("env", [AGENT, {}], ids=["agent", "no-agent"])
def test_missing_file_is_exit_2(hooked: Repo, env: dict[str, str]) -> None:
    result = hook(hooked, hooked.path / "nope", env=env)
    assert result.returncode == 2, out(result)
    assert "does not exist" in out(result)


# --- more agents, and the preset's form --------------------------------------


@pytest.mark.parametrize(("preset", "env", "added"), [
    ("kernel-llm", {"CLAUDECODE": "1", "ANTHROPIC_MODEL": "claude-opus-4-1"},
     "Assisted-by: claude-opus-4-1"),
    ("kernel", {"QWEN_CODE": "1"}, "Assisted-by: Qwen-Code:unknown"),
    ("asf", {"GOOSE_TERMINAL": "1", "AGENT": "goose"}, "Generated-by: Goose:unknown"),
    ("openinfra", {"GEMINI_CLI": "1", "GEMINI_MODEL": "gemini-2.5-pro"},
     "Generated-By: Gemini:gemini-2.5-pro"),
    ("mesa", {"OPENCODE": "1"}, "Assisted-by: opencode:unknown"),
    ("llvm", {"AGENT": "amp"}, "Assisted-by: Amp:unknown"),
    ("fedora", {"AI_AGENT": "codex"}, "Assisted-by: Codex:unknown"),
])
def test_agents_commit_in_the_presets_form(
    hooked: Repo, preset: str, env: dict[str, str], added: str
) -> None:
    write_policy(hooked, f"extends: {preset}\n")
    result = commit(hooked, "feat: x\n", env=env)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == f"feat: x\n\n{added}\n".encode()


def test_a_forbidding_preset_adds_nothing_and_says_so(hooked: Repo) -> None:
    write_policy(hooked, "extends: qemu\n")
    result = commit(hooked, "feat: x\n", env={"GOOSE_TERMINAL": "1"})
    assert "forbids tool-assisted commits" in out(result)
    assert b"Goose" not in head_message(hooked)
