"""The effective policy as YAML text, each value followed by a comment naming its
origin (`reviewgate policy`). The text is itself a valid policy with the same values."""

from __future__ import annotations

import re
from typing import Any

import yaml

from reviewgate.model.record import fields, is_record
from reviewgate.policy.schema import DEFAULT_ORIGIN, SECTIONS, Policy, leaf_keys

# Plain (unquoted) only when YAML cannot misread the text, in block and flow context alike.
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/@+*]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_WIDTH = 88


def render(data: dict[str, Any], origins: dict[str, str], source: str) -> str:
    lines = [
        f"# effective reviewgate policy, from {_one_line(source)}",
        "# each value is followed by where it came from",
        f"version: {data['version']}{_comment(origins['version'])}",
    ]
    if data.get("extends"):
        lines.append(f"extends: {_scalar(data['extends'])}{_comment(origins['extends'])}")
    for section in SECTIONS:
        lines.append(f"{section}:")
        for key, value in data[section].items():
            lines.extend(_entry(key, value, origins[f"{section}.{key}"]))
    if data["rules"]:
        lines.append(f"rules:{_comment(origins['rules'])}")
        for code, severity in data["rules"].items():
            lines.append(f"  {code}: {_scalar(severity)}{_comment(origins[f'rules.{code}'])}")
    else:
        lines.append(f"rules: {{}}{_comment(origins['rules'])}")
    lines.append("# rules not listed keep their default severity (`reviewgate explain CODE`)")
    return "\n".join(lines) + "\n"


def _entry(key: str, value: Any, origin: str) -> list[str]:
    comment = _comment(origin)
    if not isinstance(value, list):
        return [f"  {key}: {_scalar(value)}{comment}"]
    line = f"  {key}: [{', '.join(_scalar(item) for item in value)}]"
    if len(line) + len(comment) <= _WIDTH:
        return [line + comment]
    return [f"  {key}:{comment}", *(f"    - {_scalar(item)}" for item in value)]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return _string(str(value))


def _string(text: str) -> str:
    if _PLAIN.fullmatch(text) and _reads_as_string(text):
        return text
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _reads_as_string(text: str) -> bool:
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    return tag == "tag:yaml.org,2002:str"


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    # The characters PyYAML's reader accepts unescaped, less YAML's extra line breaks.
    printable = (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )
    if printable and code not in (0x2028, 0x2029, 0xFEFF):
        return ch
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _comment(origin: str) -> str:
    return f"  # {_one_line(origin)}"


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The policy's values as plain data (no source or origins), in the shape of a
    policy file: dumping it as YAML or JSON gives a file that loads to the same policy."""
    out: dict[str, Any] = {"version": policy.version}
    if policy.extends:
        out["extends"] = policy.extends
    for section in SECTIONS:
        out[section] = _plain(getattr(policy, section))
    out["rules"] = dict(policy.rules)
    return out



def _plain(value: Any) -> Any:
    if is_record(value):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value



def effective_origins(policy: Policy) -> dict[str, str]:
    """Where every key's value came from; keys the policy does not record are defaults."""
    out = {key: policy.origins.get(key, DEFAULT_ORIGIN) for key in leaf_keys()}
    if policy.extends:
        out["extends"] = policy.origins.get("extends", DEFAULT_ORIGIN)
    for code in policy.rules:
        out[f"rules.{code}"] = policy.origins.get(f"rules.{code}", DEFAULT_ORIGIN)
    return out



def render_policy(policy: Policy) -> str:
    """The effective policy as YAML, each value followed by a comment naming its origin.
    The text loads back to the same policy."""
    return render(policy_to_dict(policy), effective_origins(policy), policy.source)

