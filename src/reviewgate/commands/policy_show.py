"""`reviewgate policy`: print the effective policy and where each value came from."""

from __future__ import annotations

import json

from reviewgate.errors import ReviewgateError
from reviewgate.policy.render import effective_origins, policy_to_dict, render_policy
from reviewgate.policy.schema import Policy

FORMATS = ("text", "json")


def show_policy(policy: Policy, *, fmt: str = "text") -> str:
    """The policy for people or programs. "text": commented YAML that is itself a
    valid policy. "json": an object with "source", "policy" (the values, in the
    shape of a policy file) and "origins" (dotted key -> "FILE:LINE" or
    "<built-in default>")."""
    if fmt == "text":
        return render_policy(policy)
    if fmt == "json":
        document = {
            "source": policy.source,
            "policy": policy_to_dict(policy),
            "origins": effective_origins(policy),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    raise ReviewgateError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
