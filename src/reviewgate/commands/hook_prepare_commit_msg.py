"""`reviewgate hook prepare-commit-msg FILE [SOURCE [SHA]]`: add the disclosure
trailer when the commit is made from inside a known AI agent.

The file is changed only by the inserted trailer: its other bytes (CRLF line
ends, a missing final newline, bytes that are not UTF-8) are written back as they
were read. When nothing is to be added, the file is not touched at all, so its
bytes and its modification time stay as they were.

When it adds nothing:
- no agent in the environment (the usual case; no git process is even started);
- policy `assistance.require` is `off` (disclosure is not wanted) or `forbidden`
  (a declaration would only confess; the commit-msg hook and CI judge the commit);
- SOURCE is `merge` and policy skips merges (`commits.merges: skip`): git writes
  that message itself, and the rules will not look at it;
- SOURCE is `template` (commit.template or -t): git aborts a commit whose message
  is still the template ("you did not edit the message"), and an added trailer
  would defeat that check;
- the message is empty once cleaned up as git will clean it: git then aborts the
  commit ("empty commit message"), and a lone trailer would turn that abort into
  a commit;
- the message already declares this agent under the same trailer key.

SHA (the amended commit) is not needed: amending keeps the old message, and an
existing declaration is recognised in it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from reviewgate.commands.hook_commit_msg import prepare_message
from reviewgate.disclosure.agents import detect_agent, disclosure_trailer
from reviewgate.disclosure.identity import match_identity
from reviewgate.git import hookenv
from reviewgate.model.emails import parse_ident
from reviewgate.model.trailers import add_trailer, parse_trailers
from reviewgate.policy.files import find_policy_file, load_policy

# `typing` costs the hooks start-up time; type checkers treat TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reviewgate.disclosure.agents import AgentInfo


def prepare_commit_msg_hook(
    message_file: str,
    source: str = "",
    sha: str = "",
    *,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """Add the disclosure trailer to `message_file` if an agent is detected;
    (exit status, text for stderr)."""
    env = os.environ if environ is None else environ
    data = hookenv.read_message_file(message_file)  # a missing file is exit 2 always
    agent = detect_agent(env)
    if agent is None:
        return 0, ""
    # pre-commit passes only the file; it exports SOURCE and SHA instead.
    source = source or env.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")

    cwd = os.getcwd()
    paths = hookenv.locate_repo(message_file, env, cwd)
    policy = load_policy(find_policy_file(paths.root or cwd, config))
    require = policy.assistance.require
    if require == "off":
        return 0, ""
    if require == "forbidden":
        return 0, (
            f"reviewgate: committing from inside {agent.name} (seen in ${agent.evidence}), "
            f"but this repository's policy forbids tool-assisted commits ({policy.source})\n"
        )
    if source == "merge" and policy.commits.merges != "check":
        return 0, ""
    if source == "template":
        return 0, ""

    settings = hookenv.read_settings(cwd)
    key, value = disclosure_trailer(agent, policy)
    accepted = tuple(policy.assistance.trailers)
    updated = add_disclosure(data, key, value, agent, settings, env, accepted)
    if updated is None:
        return 0, ""
    with open(message_file, "wb") as handle:
        handle.write(updated)
    return 0, ""


def add_disclosure(
    data: bytes,
    key: str,
    value: str,
    agent: AgentInfo,
    settings: hookenv.GitSettings,
    environ: Mapping[str, str],
    accepted: tuple[str, ...] = (),
) -> bytes | None:
    """`data` with the trailer `key: value` added, or None when it needs none.
    Pure: bytes in, bytes out."""
    text = hookenv.decode_message(data, settings.commit_encoding, "surrogateescape")
    prepared = prepare_message(text, settings, environ)
    if not prepared.message.strip():
        return None
    comment = prepared.comment
    present = parse_trailers(text, divider=True, separators=settings.separators, comment=comment)
    if declares(present, key, value, agent) or co_author_declares(present, agent, accepted):
        return None
    updated = add_trailer(text, key, value, separators=settings.separators, comment=comment)
    if updated == text:
        return None
    try:
        return hookenv.encode_message(updated, settings.commit_encoding)
    except UnicodeEncodeError:
        # The trailer cannot be written in i18n.commitEncoding: leave the file alone
        # rather than mix encodings in one message.
        return None


def declares(present: list[tuple[str, str]], key: str, value: str, agent: AgentInfo) -> bool:
    """Whether a trailer under `key` already declares `agent`: the same value, the
    same co-author email, or the same agent with another model ("Claude:opus-4"
    when the environment only knows "Claude:unknown")."""
    wanted_email = _email(value)
    names = {agent.name.lower()}
    if agent.tool is not None:
        names |= agent.tool.names()
    for existing_key, existing in present:
        if existing_key.strip().lower() != key.lower():
            continue
        existing = existing.strip()
        if existing.lower() == value.lower():
            return True
        if wanted_email and _email(existing) == wanted_email:
            return True
        agent_part = existing.split(":", 1)[0].strip().lower()
        if agent_part in names:
            return True
    return False


def co_author_declares(
    present: list[tuple[str, str]], agent: AgentInfo, accepted: tuple[str, ...]
) -> bool:
    """Whether an accepted `Co-authored-by` already names the agent's tool, as
    Claude Code's own `Co-Authored-By: Claude <noreply@anthropic.com>` does: the
    checker counts that as the declaration, so a second one would be noise."""
    if agent.tool is None or "co-authored-by" not in {k.lower() for k in accepted}:
        return False
    for existing_key, existing in present:
        if existing_key.strip().lower() == "co-authored-by":
            name, email = parse_ident(existing)
            tool = match_identity(name, email)
            if tool is not None and tool.key == agent.tool.key:
                return True
    return False


def _email(value: str) -> str:
    start, end = value.rfind("<"), value.rfind(">")
    return value[start + 1 : end].strip().lower() if 0 <= start < end else ""
