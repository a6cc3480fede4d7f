"""The commit-msg hook with real `git commit` runs: hooks/ installed through
core.hooksPath, the message cleaned exactly as git cleans it, and a rejected
message kept where the hook says.

The helpers at the top are shared with the other hook test files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.commands.hook_commit_msg import prepare_message
from reviewgate.git.hookenv import CUT_LINE, read_settings

ROOT = Path(__file__).resolve().parents[1]
HOOKS_DIR = ROOT / "hooks"
SRC = ROOT / "src"
FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
DECLARATION = "Assisted-by: Claude:claude-opus-4"


def hook_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git run whose hooks call `reviewgate`: this
    interpreter's scripts first on PATH, this checkout's sources first on the
    import path, and no merge editor."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env["GIT_MERGE_AUTOEDIT"] = "no"
    env.update(extra or {})
    return env


def run_git(
    repo: Repo, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """git with the hooks' environment; never raises on a non-zero exit."""
    return subprocess.run(
        ["git", *args], cwd=repo.path, input=input, capture_output=True,
        env=hook_env(env), timeout=180,
    )


def commit(
    repo: Repo,
    message: str | bytes | None,
    *args: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`git commit --allow-empty [-F -] ARGS` with the hooks active."""
    data = message.encode() if isinstance(message, str) else message
    source = ["-F", "-"] if data is not None else []
    return run_git(repo, "commit", "--allow-empty", *source, *args, input=data, env=env)


def head_message(repo: Repo) -> bytes:
    """HEAD's message exactly as stored (no newline added, unlike %B)."""
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=repo.path, capture_output=True, check=True
    ).stdout
    return raw.split(b"\n\n", 1)[1]


def editor(tmp_path: Path, text: str, name: str = "editor.sh") -> str:
    """A GIT_EDITOR that types `text` above what git put in the file."""
    body = tmp_path / f"{name}.txt"
    body.write_text(text)
    script = tmp_path / name
    script.write_text(
        "#!/bin/sh\n"
        f'{{ cat "{body}"; cat "$1"; }} > "$1.new" && mv "$1.new" "$1"\n'
    )
    script.chmod(0o755)
    return str(script)


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return (result.stdout + result.stderr).decode("utf-8", "replace")


@pytest.fixture
def hooked(repo: Repo) -> Repo:
    """A repository with one commit and reviewgate's hooks/ as core.hooksPath."""
    repo.git("config", "core.hooksPath", str(HOOKS_DIR))
    repo.commit("initial", {"a.txt": "one\n"})
    return repo


def write_policy(repo: Repo, text: str) -> None:
    repo.write(".reviewgate.yaml", text)


# --- accept and reject -------------------------------------------------------


def test_undeclared_signature_is_rejected_and_the_message_is_kept(hooked: Repo) -> None:
    before = hooked.head()
    message = f"feat: ghost-written\n\nbody\n\n{FOOTER}\n"
    result = commit(hooked, message)
    assert result.returncode != 0, out(result)
    assert hooked.head() == before
    text = out(result)
    assert "RG101" in text
    kept = hooked.path / ".git" / "COMMIT_EDITMSG"
    assert f"kept in {kept}" in text
    assert f"git commit -e -F {kept}" in text
    assert kept.read_text() == message

    # The advertised way back works: fix the kept file, commit it again.
    kept.write_text(message + f"\n{DECLARATION}\n")
    retried = run_git(hooked, "commit", "--allow-empty", "-F", str(kept))
    assert retried.returncode == 0, out(retried)
    assert head_message(hooked) == (message + f"\n{DECLARATION}\n").encode()


def test_declared_signature_passes(hooked: Repo) -> None:
    message = f"feat: assisted\n\n{FOOTER}\n\n{DECLARATION}\n"
    result = commit(hooked, message)
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == message.encode()
    # Issue 16: one line, at commit time, for the sign-off the push to main needs.
    assert result.stderr.decode().splitlines() == [
        "reviewgate: this commit will need a sign-off before it reaches main "
        "(Reviewed-by or Acked-by: by a maintainer, or `reviewgate approve`)"
    ]
    signed = f"feat: assisted\n\n{FOOTER}\n\n{DECLARATION}\nReviewed-by: Rita <rita@example.org>\n"
    assert b"reviewgate" not in commit(hooked, signed).stderr


def test_a_clean_message_prints_nothing(hooked: Repo) -> None:
    result = commit(hooked, "docs: typo\n")
    assert result.returncode == 0, out(result)
    assert b"reviewgate" not in result.stderr


def test_warnings_are_printed_but_do_not_block(hooked: Repo) -> None:
    write_policy(hooked, "version: 1\nrules:\n  RG101: warning\n")
    result = commit(hooked, f"feat: x\n\n{FOOTER}\n")
    assert result.returncode == 0, out(result)
    # Issue 16: warnings go to one summary line, not a block.
    said = [line for line in out(result).splitlines() if line.startswith("reviewgate")]
    assert said[0].startswith("reviewgate: the commit goes ahead with 1 warning (RG101 ")
    assert len(said) == 2 and "will need a sign-off" in said[1]  # a tool signed it
    assert f"{FOOTER}".encode() in head_message(hooked)


# --- cleanup as git does it --------------------------------------------------


CO_AUTHOR = "Co-authored-by: Claude <noreply@anthropic.com>"


def test_comment_char_semicolon(hooked: Repo, tmp_path: Path) -> None:
    # Co-authored-by declares only from a trailer block; a prose line in its
    # paragraph breaks the block, and a comment line does not.
    typed = f"feat: x\n\n{CO_AUTHOR}\n; a note to self\n"
    hooked.git("config", "core.commentChar", ";")
    ok = commit(hooked, None, "-e", env={"GIT_EDITOR": editor(tmp_path, typed)})
    assert ok.returncode == 0, out(ok)
    assert head_message(hooked) == f"feat: x\n\n{CO_AUTHOR}\n".encode()
    # With the default "#", the ";" line is prose: the co-author line declares nothing.
    hooked.git("config", "--unset", "core.commentChar")
    bad = commit(hooked, None, "-e", env={"GIT_EDITOR": editor(tmp_path, typed)})
    assert bad.returncode != 0 and "RG101" in out(bad), out(bad)


def test_comment_char_auto_keeps_hash_lines_that_git_keeps(hooked: Repo) -> None:
    hooked.git("config", "core.commentChar", "auto")
    # A line starting with "#" makes git choose another character, so "#" lines
    # are text: the prose line breaks the co-author's trailer block.
    message = f"feat: x\n\n#123 is fixed\n\n{CO_AUTHOR}\n# a note\n"
    bad = commit(hooked, message, "-e", env={"GIT_EDITOR": "true"})
    assert bad.returncode != 0 and "RG101" in out(bad), out(bad)
    forced = commit(hooked, message, "-e", "--no-verify", env={"GIT_EDITOR": "true"})
    assert forced.returncode == 0
    assert head_message(hooked) == message.encode()  # git kept the "#" lines
    good = f"feat: y\n\n#123 is fixed\n\n{CO_AUTHOR}\n"
    result = commit(hooked, good, "-e", env={"GIT_EDITOR": "true"})
    assert result.returncode == 0, out(result)
    assert head_message(hooked) == good.encode()  # git's ";" template lines are gone


def test_commit_verbose_diff_below_scissors_is_ignored(hooked: Repo, tmp_path: Path) -> None:
    # A context line of the staged diff carries a tool footer: it is below the
    # scissors line, so git drops it, and so must the hook.
    hooked.commit("add notes", {"notes.txt": f"top\n{FOOTER}\nbottom\n"})
    hooked.write("notes.txt", f"TOP\n{FOOTER}\nbottom\n")
    hooked.git("add", "notes.txt")
    typed = editor(tmp_path, "feat: edit notes\n")
    for cleanup in ("strip", "whitespace", "scissors"):
        hooked.git("config", "commit.cleanup", cleanup)
        result = run_git(hooked, "commit", "--dry-run", "-v")  # the diff really is there
        assert FOOTER in out(result)
        result = commit(hooked, None, "-v", "--allow-empty", env={"GIT_EDITOR": typed})
        assert result.returncode == 0, f"{cleanup}: {out(result)}"
        assert head_message(hooked).startswith(b"feat: edit notes\n")
        assert FOOTER.encode() not in head_message(hooked)
        hooked.write("notes.txt", f"{cleanup}\n{FOOTER}\nbottom\n")
        hooked.git("add", "notes.txt")


# A fixup! subject is skipped by the default policy, so the message's first
# line after cleanup decides: a "#" line or a leading blank line that git keeps
# hides the fixup! subject, and the footer below it is then judged.
HIDDEN_FIXUP = f"# a note\nfixup! feat: x\n\n{FOOTER}\n"
BLANK_FIXUP = f"\n\nfixup! feat: x\n\n{FOOTER}\n"


@pytest.mark.parametrize(
    ("cleanup", "use_editor", "message", "rejected"),
    [
        ("default", False, HIDDEN_FIXUP, True),  # no editor: whitespace, "#" stays
        ("default", True, HIDDEN_FIXUP, False),  # editor: strip, "#" goes
        ("strip", False, HIDDEN_FIXUP, False),
        ("whitespace", True, HIDDEN_FIXUP, True),
        ("whitespace", False, BLANK_FIXUP, False),
        ("verbatim", False, BLANK_FIXUP, True),
        ("verbatim", True, HIDDEN_FIXUP, True),
        ("scissors", True, HIDDEN_FIXUP, True),  # scissors strips no comments
        ("scissors", False, BLANK_FIXUP, False),  # without an editor: whitespace
    ],
)
def test_commit_cleanup_modes(
    hooked: Repo, cleanup: str, use_editor: bool, message: str, rejected: bool
) -> None:
    if cleanup != "default":
        hooked.git("config", "commit.cleanup", cleanup)
    args = ("-e",) if use_editor else ()
    result = commit(hooked, message, *args, env={"GIT_EDITOR": "true"})
    assert (result.returncode != 0) is rejected, out(result)
    if rejected:
        # What the hook judged is what git commits: the subject is not fixup!.
        forced = commit(hooked, message, "--no-verify", *args, env={"GIT_EDITOR": "true"})
        assert forced.returncode == 0
    assert head_message(hooked).startswith(b"fixup! ") is not rejected


SCENARIOS = {
    "default -F": ({}, ["-F", "msg"], None),
    "default -e": ({}, ["-e", "-F", "msg"], "true"),
    "editor types text": ({}, [], "type"),
    "verbatim": ({"commit.cleanup": "verbatim"}, ["-F", "msg"], None),
    "whitespace editor": ({"commit.cleanup": "whitespace"}, [], "type"),
    "scissors": ({"commit.cleanup": "scissors"}, [], "type"),
    "scissors -F": ({"commit.cleanup": "scissors"}, ["-F", "msg"], None),
    "scissors -v": ({"commit.cleanup": "scissors"}, ["-v"], "type"),
    "strip -F": ({"commit.cleanup": "strip"}, ["-F", "msg"], None),
    "verbatim -v": ({"commit.cleanup": "verbatim"}, ["-v"], "type"),
    "strip -F scissors line": ({"commit.cleanup": "strip"}, ["-F", "cut"], None),
    "scissors -F scissors line": ({"commit.cleanup": "scissors"}, ["-F", "cut"], None),
    "scissors -e scissors line": ({"commit.cleanup": "scissors"}, ["-e", "-F", "cut"], "true"),
    "whitespace -F scissors line": ({"commit.cleanup": "whitespace"}, ["-F", "cut"], None),
    "commit.verbose -F scissors line": ({"commit.verbose": "1"}, ["-F", "cut"], None),
    "-v": ({}, ["-v"], "type"),
    "-v whitespace": ({"commit.cleanup": "whitespace"}, ["-v"], "type"),
    "commit.verbose": ({"commit.verbose": "true"}, [], "type"),
    "commentChar ;": ({"core.commentChar": ";"}, [], "type"),
    "commentChar auto": ({"core.commentChar": "auto"}, ["-e", "-F", "msg"], "true"),
    "commentChar auto -v": ({"core.commentChar": "auto"}, ["-v", "-e", "-F", "msg"], "true"),
    "CRLF -F": ({}, ["-F", "crlf"], None),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cleaned_message_is_what_git_commits(hooked: Repo, tmp_path: Path, name: str) -> None:
    """Differential: git leaves the uncleaned text in COMMIT_EDITMSG; the hook's
    cleanup of it must equal the message git committed."""
    config, args, use_editor = SCENARIOS[name]
    for key, value in config.items():
        hooked.git("config", key, value)
    text = "feat: x  \n\n\n#12 is done\n;not a comment here\n  body\t\n\n\n\nTrailer: v\n"
    hooked.write("msg", text)
    hooked.write("crlf", text.replace("\n", "\r\n"))
    hooked.write("cut", f"{text}# {CUT_LINE}\nbelow the line\n# more\n")
    hooked.write("staged.txt", "changed\n")
    hooked.git("add", "staged.txt")
    git_editor = editor(tmp_path, text) if use_editor == "type" else use_editor or ":"
    result = run_git(hooked, "commit", "--no-verify", *args, env={"GIT_EDITOR": git_editor})
    assert result.returncode == 0, out(result)
    raw = (hooked.path / ".git" / "COMMIT_EDITMSG").read_text()
    # The hook sees GIT_EDITOR=: exactly when git started no editor.
    seen_editor = git_editor if ("-e" in args or not {"-F", "-m"} & set(args)) else ":"
    settings = read_settings(hooked.path)
    prepared = prepare_message(raw, settings, {"GIT_EDITOR": seen_editor})
    assert prepared.message == head_message(hooked).decode()


# --- merges and fixups -------------------------------------------------------


def _branch_to_merge(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("topic work", {"t.txt": "t\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", {"m.txt": "m\n"})


def test_merge_commit_is_skipped_by_default(hooked: Repo) -> None:
    _branch_to_merge(hooked)
    result = run_git(hooked, "merge", "--no-ff", "-m", f"Merge topic\n\n{FOOTER}", "topic")
    assert result.returncode == 0, out(result)
    parents = hooked.git("rev-list", "--parents", "-n1", "HEAD").stdout.split()
    assert len(parents) == 3


def spy_hooks(tmp_path: Path) -> tuple[Path, Path]:
    """A hooks directory whose commit-msg copies its file aside, then runs ours."""
    hooks, seen = tmp_path / "spy-hooks", tmp_path / "seen-by-hook"
    hooks.mkdir()
    for name in ("commit-msg", "prepare-commit-msg"):
        copy = f'cp "$1" "{seen}"\n' if name == "commit-msg" else ""
        (hooks / name).write_text(f'#!/bin/sh\n{copy}exec "{HOOKS_DIR / name}" "$@"\n')
        (hooks / name).chmod(0o755)
    return hooks, seen


def test_merge_commit_checked_by_policy_is_rejected(hooked: Repo, tmp_path: Path) -> None:
    write_policy(hooked, "version: 1\ncommits:\n  merges: check\n")
    hooks, seen = spy_hooks(tmp_path)
    hooked.git("config", "core.hooksPath", str(hooks))
    _branch_to_merge(hooked)
    before = hooked.head()
    result = run_git(hooked, "merge", "--no-ff", "-m", f"Merge topic\n\n{FOOTER}", "topic")
    assert result.returncode != 0, out(result)
    assert "RG101" in out(result)
    assert seen.read_bytes() == f"Merge topic\n\n{FOOTER}".encode()  # no final newline
    merge_msg = hooked.path / ".git" / "MERGE_MSG"
    assert f"kept in {merge_msg}" in out(result)
    assert hooked.head() == before
    assert (hooked.path / ".git" / "MERGE_HEAD").exists()
    # Declaring it concludes the merge, with both parents.
    merge_msg.write_bytes(merge_msg.read_bytes().rstrip(b"\n") + f"\n\n{DECLARATION}".encode())
    done = run_git(hooked, "commit", "-F", str(merge_msg))
    assert done.returncode == 0, out(done)
    assert len(hooked.git("rev-list", "--parents", "-n1", "HEAD").stdout.split()) == 3


def test_merge_without_final_newline_passes_when_clean(hooked: Repo, tmp_path: Path) -> None:
    write_policy(hooked, "version: 1\ncommits:\n  merges: check\n")
    hooks, seen = spy_hooks(tmp_path)
    hooked.git("config", "core.hooksPath", str(hooks))
    _branch_to_merge(hooked)
    result = run_git(hooked, "merge", "--no-ff", "topic")
    assert result.returncode == 0, out(result)
    assert seen.read_bytes() == b"Merge branch 'topic'"
    assert head_message(hooked) == b"Merge branch 'topic'\n"


def test_fixup_commit_follows_policy(hooked: Repo) -> None:
    hooked.commit("feat: target", {"b.txt": "b\n"})
    skipped = commit(hooked, None, "--fixup=HEAD", "-m", FOOTER)
    assert skipped.returncode == 0, out(skipped)
    assert head_message(hooked).startswith(b"fixup! feat: target")
    write_policy(hooked, "version: 1\ncommits:\n  fixups: check\n")
    checked = commit(hooked, None, "--fixup=HEAD~1", "-m", FOOTER)
    assert checked.returncode != 0 and "RG101" in out(checked), out(checked)


# --- odd files, called directly ---------------------------------------------


def reviewgate(cwd: Path, *args: str, env: Mapping[str, str] | None = None
               ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args], cwd=cwd, capture_output=True,
        env=hook_env(env), timeout=120,
    )


def test_missing_message_file_is_exit_2(hooked: Repo) -> None:
    result = reviewgate(hooked.path, "hook", "commit-msg", "no-such-file")
    assert result.returncode == 2, out(result)
    assert "no-such-file" in out(result) and "does not exist" in out(result)


def test_non_utf8_message_never_crashes(hooked: Repo) -> None:
    path = hooked.write("msg", b"feat: caf\xe9 \xff\xfe\n\nbody \x80\n")
    result = reviewgate(hooked.path, "hook", "commit-msg", str(path))
    assert result.returncode == 0, out(result)
    bad = hooked.write("bad", b"feat: caf\xe9\n\n" + FOOTER.encode() + b"\n\xff\n")
    result = reviewgate(hooked.path, "hook", "commit-msg", str(bad))
    assert result.returncode == 1, out(result)
    assert "feat: caf\ufffd" in out(result)


def test_commit_encoding_decodes_the_message(hooked: Repo) -> None:
    hooked.git("config", "i18n.commitEncoding", "ISO-8859-1")
    message = f"feat: café\n\nCo-authored-by: Claude Dupont <claude@dupont.fr>\n\n{DECLARATION}\n"
    result = commit(hooked, message.encode("latin-1"))
    assert result.returncode == 0, out(result)
    bad = commit(hooked, "feat: café\n\nGenerated with [Claude Code](x)\n".encode("latin-1"))
    assert bad.returncode != 0, out(bad)
    assert "feat: café" in out(bad)  # decoded as latin-1, not replaced


def test_five_megabyte_message(hooked: Repo) -> None:
    line = "a line of a very long commit message body, repeated many times\n"
    body = line * (5 * 1024 * 1024 // len(line))
    ok = commit(hooked, f"feat: big\n\n{body}\n{DECLARATION}\n")
    assert ok.returncode == 0, out(ok)
    bad = commit(hooked, f"feat: big\n\n{body}\n{FOOTER}\n")
    assert bad.returncode != 0 and "RG101" in out(bad), out(bad)


def test_run_by_hand_from_a_subdirectory_finds_the_policy(hooked: Repo) -> None:
    write_policy(hooked, "version: 1\nassistance:\n  require: off\n")
    sub = hooked.path / "deep" / "dir"
    sub.mkdir(parents=True)
    msg = sub / "msg"
    msg.write_text(f"feat: x\n\n{FOOTER}\n")
    assert reviewgate(sub, "hook", "commit-msg", "msg").returncode == 0
    (hooked.path / ".reviewgate.yaml").unlink()
    result = reviewgate(sub, "hook", "commit-msg", "msg")
    assert result.returncode == 1 and "RG101" in out(result), out(result)


def test_git_sets_git_editor_colon_only_without_an_editor(repo: Repo, tmp_path: Path) -> None:
    """The fact commit.cleanup=default relies on, checked against this git."""
    hooks = tmp_path / "spy"
    hooks.mkdir()
    log = tmp_path / "seen"
    (hooks / "commit-msg").write_text(f'#!/bin/sh\necho "[$GIT_EDITOR]" >> "{log}"\n')
    (hooks / "commit-msg").chmod(0o755)
    repo.git("config", "core.hooksPath", str(hooks))
    git(repo.path, "commit", "-q", "--allow-empty", "-m", "one")
    git(repo.path, "commit", "-q", "--allow-empty", "-e", "-m", "two", env={"GIT_EDITOR": "true"})
    assert log.read_text().splitlines() == ["[:]", "[true]"]
