"""Property tests: whatever a policy file holds, loading it gives a Policy or one
PolicyError line naming the file, never any other exception; and a valid policy
survives being printed and read back."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewgate.errors import PolicyError
from reviewgate.policy.files import load_policy
from reviewgate.policy.render import policy_to_dict, render_policy
from reviewgate.policy.schema import (
    COMMIT_KIND_VALUES,
    FORMAT_VALUES,
    KNOWN_RULE_CODES,
    PAIRING_VALUES,
    REQUIRE_VALUES,
    REQUIRED_FOR_VALUES,
    SEVERITY_VALUES,
    SIGNATURE_VALUES,
    Policy,
    leaf_keys,
)
from reviewgate.policy.template import STARTER_POLICY

SRC = "p.yaml"
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_KEYS = sorted(
    {part for key in leaf_keys() for part in key.split(".")} | {"name", "email", "pattern"}
)


def load_or_error(text: str) -> Policy | None:
    """Load `text`; a PolicyError must be one line about this file. Any other
    exception escapes and fails the test."""
    try:
        return load_policy(None, text=text, source=SRC)
    except PolicyError as exc:
        message = str(exc)
        assert "\n" not in message
        assert re.match(rf"{re.escape(SRC)}:\d+: \S", message), message
        return None


def near_miss(word: str) -> st.SearchStrategy[str]:
    """`word` with one typo: a dropped, doubled, swapped or changed character, or case."""
    n = len(word)
    return st.one_of(
        st.integers(0, n - 1).map(lambda i: word[:i] + word[i + 1 :]),
        st.integers(0, n - 1).map(lambda i: word[:i] + word[i] + word[i:]),
        st.integers(0, max(n - 2, 0)).map(
            lambda i: word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :]
        ),
        st.tuples(st.integers(0, n - 1), st.characters()).map(
            lambda t: word[: t[0]] + t[1] + word[t[0] + 1 :]
        ),
        st.just(word.upper()),
        st.just(word.replace("_", "-")),
    )


keys = st.one_of(
    st.sampled_from(VALID_KEYS),
    st.sampled_from(VALID_KEYS).flatmap(near_miss),
    st.sampled_from(KNOWN_RULE_CODES),
    st.from_regex(r"RG\d{3}", fullmatch=True),
    st.text(max_size=12),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        REQUIRE_VALUES
        + FORMAT_VALUES
        + PAIRING_VALUES
        + SIGNATURE_VALUES
        + SEVERITY_VALUES
        + ("(", "[a-", "a{99999999999}", "pytest -q", "{tests}", "Assisted-by:", "")
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(keys, st.integers(), st.booleans(), st.none()), children, max_size=5
        ),
    ),
    max_leaves=12,
)


def usually(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good` five times in six, else `bad`."""
    return st.integers(0, 5).flatmap(lambda i: bad if i == 0 else good)


def mostly(choices: list[str] | tuple[str, ...]) -> st.SearchStrategy[str]:
    """Usually one of `choices`, sometimes a near miss of one."""
    return usually(st.sampled_from(choices), st.sampled_from(choices).flatmap(near_miss))


# Documents shaped like a policy: mostly real keys with real or wrong values, so that
# validation gets past the first key and reaches every check.
VALUE_WORDS = (
    REQUIRE_VALUES
    + FORMAT_VALUES
    + PAIRING_VALUES
    + REQUIRED_FOR_VALUES
    + SIGNATURE_VALUES
    + COMMIT_KIND_VALUES
    + SEVERITY_VALUES
)
tool_like = st.dictionaries(mostly(["name", "email", "pattern"]), scalars, max_size=4)
values_ = st.one_of(
    st.sampled_from(VALUE_WORDS).flatmap(lambda w: st.sampled_from([w, w.upper()]) | near_miss(w)),
    scalars,
    st.lists(scalars, max_size=4),
    st.lists(tool_like, max_size=3),
    documents,
)
SECTION_KEYS = {
    section: [key.split(".", 1)[1] for key in leaf_keys() if key.startswith(section + ".")]
    for section in ("paths", "assistance", "fixes", "verify", "signoff", "commits")
}
rules_body = st.dictionaries(
    st.one_of(mostly(KNOWN_RULE_CODES), st.from_regex(r"RG\d{3}", fullmatch=True)),
    st.one_of(mostly(SEVERITY_VALUES), scalars),
    max_size=4,
)
top_level = st.fixed_dictionaries(
    {},
    optional={
        "version": usually(st.just(1), scalars),
        **{
            section: usually(st.dictionaries(mostly(names), values_, max_size=6), documents)
            for section, names in SECTION_KEYS.items()
        },
        "rules": usually(rules_body, documents),
    },
)
policy_like = st.tuples(top_level, st.dictionaries(keys, documents, max_size=1), st.booleans()).map(
    lambda t: {**t[0], **t[1]} if t[2] else t[0]
)


def dump(data: Any, style: int) -> str:
    if style == 0:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if style == 1:
        return yaml.safe_dump(data, default_flow_style=True, allow_unicode=False)
    return json.dumps(data, default=str)


@PROPS
@given(documents, st.integers(0, 2))
def test_random_documents(data: Any, style: int) -> None:
    load_or_error(dump(data, style))


@PROPS
@given(policy_like, st.integers(0, 2))
def test_random_policy_shaped_documents(data: Any, style: int) -> None:
    load_or_error(dump(data, style))


@PROPS
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    load_or_error(text)


@PROPS
@given(
    st.lists(
        st.tuples(st.integers(0, len(STARTER_POLICY)), st.integers(0, 8), st.text(max_size=6)),
        min_size=1,
        max_size=4,
    )
)
def test_edited_starter_policy(edits: list[tuple[int, int, str]]) -> None:
    """The starter file with a few random splices: realistic typos and broken indents."""
    text = STARTER_POLICY
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    load_or_error(text)


TAGS = (
    "!!bool",
    "!!int",
    "!!float",
    "!!str",
    "!!null",
    "!!timestamp",
    "!!binary",
    "!!set",
    "!!omap",
    "!!map",
    "!!seq",
    "!!python/tuple",
    "!custom",
    "",
)


@PROPS
@given(
    st.sampled_from(sorted(leaf_keys())),
    st.sampled_from(TAGS),
    st.one_of(
        scalars.map(lambda v: json.dumps(v, default=str)),
        st.sampled_from(["[a, 1]", "{a: 1}", "maybe", "0x", "1_", "2024-13-45", "=", "<<"]),
    ),
)
def test_explicit_tags_in_every_position(key: str, tag: str, value: str) -> None:
    """Explicit tags reach constructors that safe_load would run: none may escape."""
    section, _, name = key.partition(".")
    if name:
        text = f"{section}:\n  {name}: {tag} {value}\n"
        load_or_error(text)
        load_or_error(f"{section}:\n  {name}: [{tag} {value}]\n")
    else:
        load_or_error(f"{section}: {tag} {value}\n")
    load_or_error(f"assistance:\n  tools: [{{name: {tag} {value}, pattern: {tag} {value}}}]\n")
    load_or_error(f"rules:\n  RG204: {tag} {value}\n  {tag} {value}: off\n")


# --- valid policies survive printing ---------------------------------------------

words = st.from_regex(r"[A-Za-z0-9_.*/{}@ '\"#:\\-]{1,12}", fullmatch=True).filter(
    lambda s: s.strip() != ""
)
# Sign-offs and tool identities match emails, and the allowed-signers file is a
# path inside the repository: the loader refuses anything else.
emails = st.from_regex(r"[a-z0-9._+-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,4}", fullmatch=True)
reviewers = st.one_of(emails, emails.map(lambda email: f"Grace Hopper <{email}>"))
inside_paths = st.from_regex(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,7}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,7}){0,2}", fullmatch=True
)
trailer_keys = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True)
regexes = st.sampled_from(["^fix", r"^(fix|bug)\b", "x+", r"\d{3}", "^[a-z]+ <.*>$", ""])
tools = st.builds(
    lambda name, email, pattern, which: (
        {"name": name, "email": email} if which else {"name": name, "pattern": pattern}
    ),
    words,
    emails,
    regexes,
    st.booleans(),
)
valid_policies = st.fixed_dictionaries(
    {},
    optional={
        "version": st.just(1),
        "paths": st.fixed_dictionaries(
            {},
            optional={"tests": st.lists(words, max_size=4), "ignore": st.lists(words, max_size=4)},
        ),
        "assistance": st.fixed_dictionaries(
            {},
            optional={
                "require": st.sampled_from(REQUIRE_VALUES),
                "trailers": st.lists(trailer_keys, max_size=3),
                "format": st.sampled_from(FORMAT_VALUES),
                "tools": st.lists(tools, max_size=3),
            },
        ),
        "fixes": st.fixed_dictionaries(
            {},
            optional={
                "subject": regexes,
                "trailers": st.lists(trailer_keys, max_size=3),
                "pairing": st.sampled_from(PAIRING_VALUES),
            },
        ),
        "verify": st.fixed_dictionaries(
            {},
            optional={
                "command": st.lists(words, min_size=1, max_size=4),
                "timeout": st.integers(1, 10**6),
            },
        ),
        "signoff": st.fixed_dictionaries(
            {},
            optional={
                "required_for": st.sampled_from(REQUIRED_FOR_VALUES),
                "trailers": st.lists(trailer_keys, max_size=3),
                "reviewers": st.lists(reviewers, max_size=3),
                "not_author": st.booleans(),
                "signature": st.sampled_from(SIGNATURE_VALUES),
                "allowed_signers": inside_paths,
            },
        ),
        "commits": st.fixed_dictionaries(
            {},
            optional={
                "merges": st.sampled_from(COMMIT_KIND_VALUES),
                "fixups": st.sampled_from(COMMIT_KIND_VALUES),
            },
        ),
        "rules": st.dictionaries(
            st.sampled_from(KNOWN_RULE_CODES), st.sampled_from(SEVERITY_VALUES), max_size=4
        ),
    },
)


def values(policy: Policy) -> Policy:
    return replace(policy, source="", origins={})


@PROPS
@given(valid_policies, st.integers(0, 2), st.text(max_size=40))
def test_valid_policies_load_and_print_back(data: dict[str, Any], style: int, odd: str) -> None:
    policy = load_policy(None, text=dump(data, style), source=SRC)
    for section, body in data.items():
        if isinstance(body, dict):
            for key in body:
                assert policy.origins[
                    f"{section}.{key}" if section != "rules" else f"rules.{key}"
                ].startswith(f"{SRC}:")
    # Printed, as JSON or as commented YAML, it reads back to the same values.
    as_json = json.dumps(policy_to_dict(policy))
    assert values(load_policy(None, text=as_json)) == values(policy)
    assert values(load_policy(None, text=render_policy(policy))) == values(policy)
    # Whatever the strings hold, the rendering stays loadable YAML.
    odd_policy = replace(policy, paths=replace(policy.paths, tests=(odd,)))
    if odd.strip():
        reread = load_policy(None, text=render_policy(odd_policy))
        assert reread.paths.tests == (odd,)
