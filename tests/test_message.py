"""reviewgate.model.message: cleanup, comment character inference and trailer edits,
checked against the real git (stripspace, commit, interpret-trailers)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Repo
from reviewgate.model.message import (
    CUT_LINE,
    cleanup_message,
    infer_auto_comment_char,
    is_fixup_subject,
)
from reviewgate.model.trailers import add_trailer, parse_trailers, trailer_block
from trailer_cases import Case, cases

SCISSORS = f"# {CUT_LINE}\n"


def _git_bytes(args: list[str], data: str, cwd: Path | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], input=data.encode(), capture_output=True, check=True, timeout=10, cwd=cwd
    )
    return proc.stdout.decode()


def _committed_message(repo: Repo) -> str:
    raw = repo.git("cat-file", "commit", "HEAD", input=b"").stdout
    assert isinstance(raw, bytes)
    return raw.decode().split("\n\n", 1)[1]


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def editing(repo: Repo, tmp_path: Path) -> dict[str, str]:
    """An editor that records the file git hands it (what the commit-msg hook
    sees too) and then writes $REPLACE into it, and a commit-msg hook that
    records its file."""
    editor = _script(
        tmp_path / "editor.sh",
        'cp "$1" "$CAPTURE"\nif [ -n "$REPLACE" ]; then cp "$REPLACE" "$1"; fi\n',
    )
    _script(repo.path / ".git" / "hooks" / "commit-msg", 'cp "$1" "$HOOK_CAPTURE"\n')
    return {
        "GIT_EDITOR": str(editor),
        "CAPTURE": str(tmp_path / "seen"),
        "HOOK_CAPTURE": str(tmp_path / "hook-seen"),
        "REPLACE": "",
    }


# --- cleanup against git stripspace -------------------------------------------------

_few = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@_few
@given(cases())
def test_whitespace_mode_matches_git_stripspace(case: Case) -> None:
    text = case.message
    assert cleanup_message(text, mode="whitespace") == _git_bytes(["stripspace"], text)


@_few
@given(cases(), st.sampled_from(["#", ";"]))
def test_strip_mode_matches_git_stripspace_strip_comments(case: Case, comment: str) -> None:
    """Up to the scissors line, strip mode is `git stripspace --strip-comments`."""
    text = case.message
    cut = text.find(f"\n{comment} {CUT_LINE}\n")
    head = text[: cut + 1] if cut >= 0 else text
    if text.startswith(f"{comment} {CUT_LINE}\n"):
        head = ""
    expected = _git_bytes(
        ["-c", f"core.commentChar={comment}", "stripspace", "--strip-comments"], head
    )
    assert cleanup_message(text, mode="strip", comment=comment) == expected


def test_cleanup_handles_crlf_as_git_does() -> None:
    text = "subject \r\n\r\n\r\nbody\r\n# note\r\n\r\n"
    assert cleanup_message(text, mode="whitespace") == _git_bytes(["stripspace"], text)
    assert cleanup_message(text, mode="strip") == "subject\n\nbody\n"
    assert cleanup_message(text, mode="verbatim") == text


def test_vertical_tab_and_form_feed_are_not_whitespace_to_git() -> None:
    text = "a\x0b\nb\x0c \n"
    assert (
        cleanup_message(text, mode="whitespace")
        == _git_bytes(["stripspace"], text)
        == "a\x0b\nb\x0c\n"
    )


def test_bad_settings_are_errors() -> None:
    with pytest.raises(ValueError):
        parse_trailers("s\n\nA: b\n", divider=True, separators="")
    with pytest.raises(ValueError):
        trailer_block("s\n", divider=False, comment="")


def test_unknown_cleanup_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown cleanup mode"):
        cleanup_message("x\n", mode="default")
    with pytest.raises(ValueError):
        cleanup_message("x\n", comment="")


# --- cleanup against git commit ----------------------------------------------------

_COMMIT_TEXTS = [
    "subject\n\nbody\n# a comment\n\n\nmore  \n\n",
    "\n\n  subject\t\n# comment\n\n;not a comment\n",
    "subject\r\n\r\nbody\r\n# comment\r\n",
    f"subject\n\nbody\n{SCISSORS}# Do not modify\ndiff --git a/x b/x\n+added\n",
    f"subject\n\nbody\n# {CUT_LINE} trailing text\nstill the message\n",
    f"{SCISSORS}everything is below the cut\n",
    "no final newline",
]


@pytest.mark.parametrize("mode", ["strip", "whitespace", "verbatim", "scissors"])
@pytest.mark.parametrize("text", _COMMIT_TEXTS)
def test_cleanup_matches_git_commit(
    repo: Repo, editing: dict[str, str], tmp_path: Path, mode: str, text: str
) -> None:
    source = tmp_path / "message"
    source.write_bytes(text.encode())
    env = {**editing, "REPLACE": str(source)}
    # strip mode cuts at the scissors line as git does with -v (see below)
    verbose = ["-v"] if mode == "strip" else []
    repo.git(
        "commit",
        "-q",
        "--allow-empty",
        "--allow-empty-message",
        f"--cleanup={mode}",
        *verbose,
        env=env,
    )
    seen = Path(editing["HOOK_CAPTURE"]).read_bytes().decode()
    assert seen == text  # the commit-msg hook sees the message before cleanup
    expected = _committed_message(repo)
    if mode == "verbatim" and not text.endswith("\n"):
        expected = expected.removesuffix("\n")  # git adds the final newline itself
    assert cleanup_message(seen, mode=mode) == expected


def test_strip_mode_cuts_like_git_commit_verbose(
    repo: Repo, editing: dict[str, str], tmp_path: Path
) -> None:
    """Without -v git would keep the lines below a scissors line that are not
    comments; the hook cannot know about -v, and with -v git cuts there."""
    text = f"subject\n\nbody\n{SCISSORS}kept without -v\n"
    source = tmp_path / "message"
    source.write_text(text)
    env = {**editing, "REPLACE": str(source)}
    repo.git("commit", "-q", "-v", "--allow-empty", "--cleanup=strip", env=env)
    assert cleanup_message(text, mode="strip") == _committed_message(repo) == "subject\n\nbody\n"
    repo.git("commit", "-q", "--allow-empty", "--cleanup=strip", env=env)
    assert _committed_message(repo) == "subject\n\nbody\nkept without -v\n"


def test_semicolon_comment_char_matches_git_commit(
    repo: Repo, editing: dict[str, str], tmp_path: Path
) -> None:
    text = f"subject\n# kept\n; dropped\n\n; {CUT_LINE}\nbelow\n"
    source = tmp_path / "message"
    source.write_text(text)
    env = {**editing, "REPLACE": str(source)}
    repo.git("-c", "core.commentChar=;", "commit", "-q", "-v", "--allow-empty", env=env)
    assert cleanup_message(text, comment=";") == _committed_message(repo) == "subject\n# kept\n"


# --- multi-character core.commentString (git >= 2.45; derived from the '#' case) -----


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["//", "// ", "/ not", "a // b", "", "  ", "text", "//\tx", f"// {CUT_LINE}", "x"]
        ),
        max_size=12,
    ),
    st.booleans(),
)
def test_comment_string_behaves_like_a_comment_char(lines: list[str], final_newline: bool) -> None:
    """Lines starting with "//" play the part that lines starting with "#" play."""
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    as_hash = "\n".join("#" + ln[2:] if ln.startswith("//") else ln for ln in lines)
    as_hash += "\n" if final_newline and lines else ""
    for mode in ("strip", "scissors"):
        ours = cleanup_message(text, mode=mode, comment="//")
        reference = cleanup_message(as_hash, mode=mode, comment="#")
        back = "\n".join(
            "//" + ln[1:] if ln.startswith("#") else ln for ln in reference.split("\n")
        )
        assert ours == back


def test_comment_string_examples() -> None:
    text = f"subject\n// note\n/ kept\n\n// {CUT_LINE}\nbelow\n"
    assert cleanup_message(text, comment="//") == "subject\n/ kept\n"
    assert cleanup_message(text, mode="scissors", comment="//") == "subject\n// note\n/ kept\n"
    message = "subject\n\nKey: v\n// Please enter\n"
    assert (
        add_trailer(message, "New", "x", comment="//")
        == "subject\n\nKey: v\nNew: x\n// Please enter\n"
    )
    assert parse_trailers("s\n\n// c\nA: b\n", divider=True, comment="//") == [("A", "b")]


# --- core.commentChar=auto ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-m", "#title\n;second", "-e"], "@"),
        (["-m", "title", "-e"], "#"),
        (["-m", "x#y", "-e"], "#"),
        (["-m", "#a\n\nbody", "-e"], ";"),
        (["-m", "#a\n;b\n@c\n!d\n$e", "-e"], "%"),
        (["-m", "#a\n;b", "-e", "-v"], "@"),
        (["-m", "x\r#y", "-e"], ";"),
        (["-m", "#a\n;b\n@c"], "!"),  # no editor: no comments for evidence
        (["-m", "plain\n\n; looks like a comment", "-e"], "#"),
    ],
)
def test_infer_auto_comment_char_from_real_commits(
    repo: Repo, editing: dict[str, str], args: list[str], expected: str
) -> None:
    repo.git(
        "-c",
        "core.commentChar=auto",
        "commit",
        "-q",
        "--allow-empty",
        "--cleanup=strip",
        *args,
        env=editing,
    )
    seen = Path(editing["HOOK_CAPTURE"]).read_bytes().decode()
    if "-e" in args:
        assert Path(editing["CAPTURE"]).read_bytes().decode() == seen
    char = infer_auto_comment_char(seen)
    assert char == expected
    assert cleanup_message(seen, mode="strip", comment=char) == _committed_message(repo)


def test_infer_auto_comment_char_with_template(
    repo: Repo, editing: dict[str, str], tmp_path: Path
) -> None:
    template = tmp_path / "template"
    template.write_text("#1 subject here\n;\n\nSigned-off-by: Me <me@example.org>\n")
    repo.git(
        "-c",
        "core.commentChar=auto",
        "commit",
        "-q",
        "--allow-empty",
        "-t",
        str(template),
        env={**editing, "REPLACE": ""},
        check=False,
    )
    seen = Path(editing["CAPTURE"]).read_bytes().decode()
    assert infer_auto_comment_char(seen) == "@"
    assert cleanup_message(seen, comment="@").startswith("#1 subject here\n;\n")


def test_infer_falls_back_to_git_rule_without_template_text() -> None:
    assert infer_auto_comment_char("") == "#"
    assert infer_auto_comment_char("title\n") == "#"
    assert infer_auto_comment_char("#t\n;u\n") == "@"
    assert infer_auto_comment_char("#\n;\n@\n!\n$\n%\n^\n&\n|\n:\n") == "#"  # git gives up


def test_infer_ignores_comment_like_lines_of_the_user() -> None:
    # A scissors line git writes is followed by its explanation in comments
    assert infer_auto_comment_char(f"title\n# {CUT_LINE}\nmore\n") == ";"
    # The user's own "#" lines made git choose ";", whose template follows them
    text = (
        f"title\n# {CUT_LINE}\n# with '#' will be ignored\nmore\n\n"
        "; Please enter the commit message for your changes. Lines starting\n"
        "; with ';' will be ignored, and an empty message aborts the commit.\n;\n"
    )
    assert infer_auto_comment_char(text) == ";"
    # A diff below git's scissors line may quote a candidate character
    text = (
        f"t\n\n# Please enter\n# with '#' will be ignored\n# {CUT_LINE}\n# Do not modify\n"
        "@@ -1 +1 @@ x = '@'\n-a\n+b\n"
    )
    assert infer_auto_comment_char(text) == "#"


# --- trailers: cases with git's own expected output (t7513) ------------------------


def test_divider_only_in_divider_mode() -> None:
    text = (
        "subject\n\nbody\n\nnot-a-trailer: too soon\n------ dashes\n\nreal-trailer: just right\n"
        "---\nbelow the dashed line may be a patch, etc.\n\nnot-a-trailer: too late\n"
    )
    assert parse_trailers(text, divider=True) == [("real-trailer", "just right")]
    assert parse_trailers(text, divider=False) == [("not-a-trailer", "too late")]


def test_cut_line_ends_the_message_in_both_modes() -> None:
    text = f"subject\n\nreal-trailer: before the cut\n\n{SCISSORS}not-a-trailer: too late\n"
    for divider in (True, False):
        assert parse_trailers(text, divider=divider) == [("real-trailer", "before the cut")]


def test_continuation_lines_are_unfolded() -> None:
    text = "subject\n\nCo-authored-by: A\n  B <ab@example.org>\n\tC\nFixes: 1\n"
    assert parse_trailers(text, divider=True) == [
        ("Co-authored-by", "A B <ab@example.org> C"),
        ("Fixes", "1"),
    ]


def test_twenty_five_percent_rule() -> None:
    three = "subject\n\nSigned-off-by: x\n" + "prose\n" * 3
    four = "subject\n\nSigned-off-by: x\n" + "prose\n" * 4
    assert parse_trailers(three, divider=True) == [("Signed-off-by", "x")]
    assert parse_trailers(four, divider=True) == []
    assert trailer_block(four, divider=True) == (len(four), len(four))
    assert trailer_block(three, divider=True) == (len("subject\n\n"), len(three))


def test_separators_setting() -> None:
    text = "subject\n\nBug #42\nReviewed-by: A\n"
    assert parse_trailers(text, divider=True) == []
    assert parse_trailers(text, divider=True, separators=":#") == [
        ("Bug", "42"),
        ("Reviewed-by", "A"),
    ]


def test_title_is_never_trailers() -> None:
    assert parse_trailers("Key: v\nOther: w\n", divider=True) == []
    assert parse_trailers("\n\nKey: v\n", divider=True) == [("Key", "v")]
    assert parse_trailers("\n\nKey: v\n", divider=False) == []  # git log skips leading blank lines


# --- add_trailer ------------------------------------------------------------------------


def _git_add(text: str, trailer: str, cwd: Path) -> str:
    return _git_bytes(["interpret-trailers", "--trailer", trailer], text, cwd)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "subject\n",
        "subject\n\nbody\n",
        "subject\n\nSigned-off-by: A <a@example.org>\n",
        "subject\n\nbody\n\n# Please enter the commit message\n#\n",
        f"subject\n\nKey: v\n\n{SCISSORS}diff\n",
        "subject\n\nKey: v\n---\n f | 1 +\n",
        "\n# Please enter the commit message for your changes.\n#\n",
    ],
)
def test_add_trailer_equals_git(text: str, tmp_path: Path) -> None:
    expected = _git_add(text, "Assisted-by: Claude", tmp_path)
    assert add_trailer(text, "Assisted-by", "Claude") == expected


def test_add_trailer_keeps_crlf() -> None:
    text = "subject\r\n\r\nbody\r\n"
    assert add_trailer(text, "Assisted-by", "X") == "subject\r\n\r\nbody\r\n\r\nAssisted-by: X\r\n"
    text = "subject\r\n\r\nKey:  v\r\n"
    assert add_trailer(text, "Assisted-by", "X") == "subject\r\n\r\nKey:  v\r\nAssisted-by: X\r\n"


def test_add_trailer_without_final_newline() -> None:
    assert add_trailer("subject", "A", "b") == "subject\n\nA: b\n"
    assert add_trailer("subject\n\nKey: v", "A", "b") == "subject\n\nKey: v\nA: b\n"
    assert (
        add_trailer("subject\n\nKey: v\n# comment", "A", "b")
        == "subject\n\nKey: v\nA: b\n# comment"
    )
    assert add_trailer("subject\n\nKey: v\n---", "A", "b") == "subject\n\nKey: v\nA: b\n---"


def test_add_trailer_is_idempotent() -> None:
    text = "subject\n\nassisted-by: Claude\nSigned-off-by: A <a@example.org>\n"
    assert add_trailer(text, "Assisted-by", "Claude") == text
    once = add_trailer("subject\n", "Assisted-by", "Claude")
    assert add_trailer(once, "Assisted-by", "Claude") == once
    assert add_trailer(text, "Assisted-by", "Other") != text


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("s\n\nAssisted-by: claude\n", "Assisted-by", "Claude"),  # value without case
        ("s\n\nCo: x\n", "Co-authored-by", "x"),  # git compares keys up to the shorter one
        ("s\n\nAssisted-by: Claude\nOther: y\n", "Assisted-by", "claude"),  # not the neighbour
        ("s\n\nAssisted-by: Claude\n  <a@b>\n", "Assisted-by", "Claude <a@b>"),
    ],
)
def test_add_trailer_follows_gits_neighbour_rule(
    text: str, key: str, value: str, tmp_path: Path
) -> None:
    """git's default ifExists=addIfDifferentNeighbor, and ours on top: an identical
    trailer anywhere in the block (key without case, same unfolded value)."""
    expected = _git_add(text, f"{key}={value}", tmp_path)
    ours = add_trailer(text, key, value)
    if ours == text:
        assert expected == text or (key.lower(), value) in {
            (k.lower(), v) for k, v in parse_trailers(text, divider=True)
        }
    else:
        assert ours == expected


def test_add_trailer_keeps_comments_and_patch_in_place(tmp_path: Path) -> None:
    text = "subject\n\nKey: v\n# inside\nOther: w\n# below\n\n---\npatch\n"
    ours = add_trailer(text, "New", "x")
    assert ours == "subject\n\nKey: v\n# inside\nOther: w\nNew: x\n# below\n\n---\npatch\n"
    # git drops the comment line inside the block; otherwise the same
    assert _git_add(text, "New: x", tmp_path) == ours.replace("# inside\n", "")


def test_add_trailer_rejects_bad_input() -> None:
    for key in ("", "Has space", "Key:", "Ünï"):
        with pytest.raises(ValueError):
            add_trailer("s\n", key, "v")
    with pytest.raises(ValueError):
        add_trailer("s\n", "Key", "two\nlines")


def test_add_trailer_with_separators_setting(tmp_path: Path) -> None:
    text = "subject\n\nBug #42\n"
    git_out = _git_bytes(
        ["-c", "trailer.separators=#:", "interpret-trailers", "--trailer", "Fix=1"], text, tmp_path
    )
    ours = add_trailer(text, "Fix", "1", separators="#:")
    # git reprints "Bug #42" with its first separator; we keep the user's line
    assert git_out == "subject\n\nBug# 42\nFix# 1\n"
    assert ours == "subject\n\nBug #42\nFix# 1\n"
    assert parse_trailers(ours, divider=True, separators="#:") == [("Bug", "42"), ("Fix", "1")]


def test_is_fixup_subject() -> None:
    for subject in ("fixup! fix the parser", "squash! x", "amend! y"):
        assert is_fixup_subject(subject)
    for subject in ("fixup!x", "Fixup! x", "fix the parser", " fixup! x", "fixup"):
        assert not is_fixup_subject(subject)
