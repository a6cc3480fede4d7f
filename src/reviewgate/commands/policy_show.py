"""`reviewgate policy`: print the effective policy and where each value came from."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from reviewgate.errors import GitError, ReviewgateError
from reviewgate.git.repo import open_repo, repo_root
from reviewgate.pipeline.run import load_repo_policy
from reviewgate.policy.files import find_policy_file, ignored_pyproject, load_policy
from reviewgate.policy.render import effective_origins, policy_to_dict, render_policy
from reviewgate.policy.schema import AUTO_COMMAND, CONFIG_ENV_VAR, Policy
from reviewgate.verify.auto import choose_in_directory

FORMATS = ("text", "json")


def policy_here(config: str | None, *, fmt: str = "text") -> str:
    """`reviewgate policy`: the policy of the repository around the current
    directory; outside any repository, the file `config` (or REVIEWGATE_CONFIG) names."""
    try:
        root: Path | None = repo_root(open_repo())
    except GitError as error:
        if not (config or os.environ.get(CONFIG_ENV_VAR)):
            raise GitError(f"{error}; run it inside one, or name a policy file: "
                           "--config FILE") from None
        root = None
    if root is None:
        return show_policy(load_policy(find_policy_file(os.getcwd(), config)), fmt=fmt)
    notes = [note] if (note := ignored_pyproject(root, config)) else []
    return show_policy(load_repo_policy(config, root), fmt=fmt, root=str(root), notes=notes)


def show_policy(
    policy: Policy, *, fmt: str = "text", root: str | None = None, notes: Sequence[str] = ()
) -> str:
    """The policy for people or programs. "text": commented YAML that is itself a
    valid policy. "json": an object with "source", "policy" (the values, in the
    shape of a policy file) and "origins" (dotted key -> "FILE:LINE" or
    "<built-in default>"). With `root` (a working tree) and `verify.command: auto`,
    also what auto picks there and why ("auto" in JSON, a comment in text).
    `notes` (a policy file found but not used) follow the first line in text, and
    are "notes" in JSON."""
    auto = _auto(policy, root)
    if fmt == "text":
        text = render_policy(policy)
        if notes:
            first, rest = text.split("\n", 1)
            text = "\n".join([first, *(f"# note: {note}" for note in notes), rest])
        if auto is not None:
            picked = json.dumps(auto["command"]) if auto["command"] else "nothing"
            text += f"# verify.command auto picks here: {picked}, from {auto['reason']}\n"
        return text
    if fmt == "json":
        document = {
            "source": policy.source,
            "policy": policy_to_dict(policy),
            "origins": effective_origins(policy),
        }
        if root is not None and policy.verify.command == AUTO_COMMAND:
            document["auto"] = auto
        if notes:
            document["notes"] = list(notes)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    raise ReviewgateError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def _auto(policy: Policy, root: str | None) -> dict[str, object] | None:
    """What `verify.command: auto` picks in the working tree at `root`, if asked."""
    if root is None or policy.verify.command != AUTO_COMMAND:
        return None
    choice = choose_in_directory(root)
    if choice is None:
        return {"command": None, "reason": "nothing here says how the tests run (no go.mod, "
                "Cargo.toml, pyproject.toml, setup.cfg, setup.py, pytest.ini, tox.ini, "
                "package.json or tests/); verify reports RG205"}
    return {"command": list(choice.command), "reason": choice.reason}
