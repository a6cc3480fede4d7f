"""`reviewgate hook commit-msg FILE`: judge the message of the commit being made.

git hands the hook the message *before* its own cleanup, so the text is cleaned
here exactly as git will clean it (comment character, scissors, commit.cleanup),
and its trailers are read as `git interpret-trailers` reads a message file.
A rejected message is not lost: git leaves it in the file the hook was given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from reviewgate.disclosure.judge import tool_marks
from reviewgate.git import hookenv
from reviewgate.git.amending import amending
from reviewgate.model.commit import Commit, Person
from reviewgate.model.display import visible
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.message import CUT_LINE, cleanup_message, infer_auto_comment_char
from reviewgate.model.record import record
from reviewgate.model.rulebook import RULES, severity_for
from reviewgate.model.trailers import parse_trailers
from reviewgate.pairs.fixes import waiver_reason
from reviewgate.pairs.hook import staged_pair_findings
from reviewgate.pipeline.rules import run_rules
from reviewgate.policy.files import find_policy_file, load_policy
from reviewgate.report.text import format_finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.policy.schema import Policy


@record
class PreparedMessage:
    """The message as git will commit it, and what it was cleaned with."""

    message: str
    comment: str
    mode: str
    cut: bool  # the text below a scissors line was dropped


def prepare_message(
    raw: str, settings: hookenv.GitSettings, environ: Mapping[str, str]
) -> PreparedMessage:
    """Clean `raw` as `git commit` will. Pure apart from reading `environ`."""
    comment = settings.comment
    if comment == "auto":
        comment = infer_auto_comment_char(raw)
    mode = hookenv.cleanup_mode(settings, environ)
    text = raw
    cut = False
    at = hookenv.scissors_offset(text, comment)
    if at is not None:
        # git truncates at the scissors line for commit.cleanup=scissors and for
        # `commit -v` (or commit.verbose) in every mode. The hook cannot see -v;
        # a scissors line in a message that went through the editor was put there
        # by -v, so it counts as the cut.
        if mode == "scissors" or settings.verbose or hookenv.editor_used(environ):
            text, cut = text[:at], True
        elif mode == "strip":
            # Without -v git strips the scissors line as the comment it is and keeps
            # what follows; cleanup_message's strip would cut there instead.
            text = _drop_lines_starting(text, f"{comment} {CUT_LINE}")
    return PreparedMessage(cleanup_message(text, mode=mode, comment=comment), comment, mode, cut)


def _drop_lines_starting(text: str, prefix: str) -> str:
    # Lines as git sees them: split at LF only. A dropped last line takes no
    # newline with it that strip mode would not add back anyway.
    return "\n".join(line for line in text.split("\n") if not line.startswith(prefix))


def build_commit(
    message: str,
    settings: hookenv.GitSettings,
    parents: tuple[str, ...],
    environ: Mapping[str, str],
    comment: str,
) -> Commit:
    trailers = parse_trailers(
        message, divider=True, separators=settings.separators, comment=comment
    )
    author = settings.author or _person_from_env(environ, "AUTHOR")
    committer = settings.committer or _person_from_env(environ, "COMMITTER")
    encoding = settings.commit_encoding
    if encoding and encoding.replace("-", "").lower() == "utf8":
        encoding = None
    return Commit(
        sha="",
        parents=parents,
        author=author,
        committer=committer,
        message=message,
        trailers=tuple(trailers),
        encoding=encoding,
        changes=None,
        pending=True,
    )


def _person_from_env(environ: Mapping[str, str], role: str) -> Person:
    return Person(environ.get(f"GIT_{role}_NAME", ""), environ.get(f"GIT_{role}_EMAIL", ""))


def commit_msg_hook(
    message_file: str,
    *,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """Check the message in `message_file`; (exit status, text for stderr)."""
    env = os.environ if environ is None else environ
    data = hookenv.read_message_file(message_file)
    cwd = os.getcwd()
    paths = hookenv.locate_repo(message_file, env, cwd)
    settings = hookenv.read_settings(cwd)
    policy = load_policy(find_policy_file(paths.root or cwd, config))
    raw = hookenv.decode_message(data, settings.commit_encoding)
    prepared = prepare_message(raw, settings, env)
    parents = hookenv.merge_parents(paths.git_dir, cwd)
    commit = build_commit(prepared.message, settings, parents, env, prepared.comment)

    findings = run_rules([commit], policy)
    # Runs git only when the message is a fix.
    findings += staged_pair_findings(commit, policy, paths.root or cwd, settings.config)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if errors:
        return 1, render(
            findings, commit, message_file, policy.source, errors, cut=prepared.cut,
            aliases=settings.config,
        )
    # A commit that goes ahead prints only what is worth a line: its warnings in
    # one, and a sign-off that the push to main will ask for in another.
    lines = [summary_line(findings, policy.source)] if findings else []
    if needs_signoff(commit, policy):
        lines.append(
            "reviewgate: this commit will need a sign-off before it reaches main "
            f"({' or '.join(policy.signoff.trailers)}: by a maintainer, "
            "or `reviewgate approve`)"
        )
    return 0, "".join(line + "\n" for line in lines)


def summary_line(findings: list[Finding], source: str) -> str:
    """One line for the findings of a commit that goes ahead: the counts, then each
    code once with its rule's summary."""
    codes = dict.fromkeys(f.code for f in findings)
    what = "; ".join(f"{code} {RULES[code].summary}" if code in RULES else code
                     for code in codes)
    return (f"reviewgate: the commit goes ahead with {_counts(findings, zeros=False)} ({what}); "
            f"`reviewgate check HEAD` shows them (policy: {source})")


def needs_signoff(commit: Commit, policy: Policy) -> bool:
    """Whether the policy will want a human sign-off (RG301) on this commit before
    it reaches a default branch, and the message carries none yet. Approvals in
    git notes and sign-offs on a later merge may still come: a note, not a finding."""
    mode = policy.signoff.required_for
    if mode == "none" or severity_for("RG301", policy.rules) is Severity.OFF:
        return False
    wanted = {key.lower() for key in policy.signoff.trailers}
    if any(key.strip().lower() in wanted for key, _ in commit.trailers):
        return False
    if mode == "all" or waiver_reason(commit):
        return True  # a waived test needs a sign-off whatever the mode
    declarations, signatures = tool_marks(commit, policy)
    return bool(signatures) or any(not d.is_none for d in declarations)


def render(
    findings: list[Finding],
    commit: Commit,
    message_file: str,
    source: str,
    errors: int,
    *,
    cut: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> str:
    lines = [f"reviewgate: {visible(commit.subject) or '(empty subject)'}"]
    # The commit has no sha yet: each finding names its code, not "(new)".
    lines.extend(format_finding(f, "").replace("   ", "  ", 1) for f in findings)
    counts = _counts(findings)
    kept = os.path.abspath(message_file)
    # The kept file still holds `commit -v`'s diff under the scissors line; -v again
    # makes git cut there on the retry.
    retry = " -v" if cut else ""
    if amending(aliases):  # a retry without --amend would make a new commit
        retry = f" --amend{retry}"
    lines += [
        f"reviewgate: commit rejected: {counts} (policy: {source})",
        f"reviewgate: your message is kept in {kept}",
        f"reviewgate: fix it and commit again with: git commit{retry} -e -F {_quote(kept)}",
    ]
    return "\n".join(lines) + "\n"


def _counts(findings: list[Finding], zeros: bool = True) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    notices = len(findings) - errors - warnings
    parts = [(errors, "error"), (warnings, "warning"), (notices, "notice")]
    return ", ".join(
        _plural(n, noun) for n, noun in parts if n or (zeros and noun != "notice")
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _quote(path: str) -> str:
    import shlex  # only when a commit is rejected

    return shlex.quote(path)
