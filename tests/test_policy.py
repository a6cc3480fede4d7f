"""The policy loader: defaults, origins, every validation error with its file, line
and key, finding the policy file, `reviewgate init` and `reviewgate policy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import Repo, git
from reviewgate.commands.init import init
from reviewgate.commands.policy_show import show_policy
from reviewgate.errors import PolicyError, ReviewgateError
from reviewgate.model import rulebook
from reviewgate.policy.files import find_policy_file, load_policy
from reviewgate.policy.render import effective_origins, policy_to_dict, render_policy
from reviewgate.policy.schema import (
    DEFAULT_ORIGIN,
    KNOWN_RULE_CODES,
    AssistancePolicy,
    PathsPolicy,
    Policy,
    ToolIdentity,
    VerifyPolicy,
    leaf_keys,
)
from reviewgate.policy.template import STARTER_POLICY

SRC = ".reviewgate.yaml"


def load(text: str) -> Policy:
    return load_policy(None, text=text, source=SRC)


def error(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        load(text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def values(policy: Policy) -> Policy:
    """The policy without where it came from, to compare values only."""
    return replace(policy, source="", origins={})


DEFAULTS = values(Policy())

# (policy text, the exact error) — each names the file, the line and the key.
ERROR_CASES = [
    pytest.param(
        "version: 1\npaths:\n  tests: [a]\nassistence:\n  require: declared\n",
        ".reviewgate.yaml:4: unknown key 'assistence' (did you mean 'assistance'?)",
        id="unknown-top-key",
    ),
    pytest.param(
        "foo: bar\n",
        ".reviewgate.yaml:1: unknown key 'foo' (valid keys: version, extends, paths, assistance, "
        "fixes, tests, perf, verify, signoff, commits, rules)",
        id="unknown-top-key-no-near-miss",
    ),
    pytest.param(
        "assistance:\n  trailers: [Assisted-by]\n  requir: declared\n",
        ".reviewgate.yaml:3: unknown key 'assistance.requir' (did you mean 'assistance.require'?)",
        id="unknown-section-key",
    ),
    pytest.param(
        "signoff:\n  required-for: all\n",
        ".reviewgate.yaml:2: unknown key 'signoff.required-for' "
        "(did you mean 'signoff.required_for'?)",
        id="hyphen-for-underscore",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - name: Bot\n      emial: bot@example.org\n",
        ".reviewgate.yaml:4: unknown key 'assistance.tools[0].emial' "
        "(did you mean 'assistance.tools[0].email'?)",
        id="unknown-tool-key",
    ),
    pytest.param(
        "a: [1\nb: 2\n",
        ".reviewgate.yaml:2: invalid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence at line 1)",
        id="malformed-yaml",
    ),
    pytest.param(
        "version: 1\nfixes:\n\tsubject: x\n",
        ".reviewgate.yaml:3: invalid YAML: found character '\\t' that cannot start any token"
        "; indent with spaces, not tabs",
        id="tab-indent",
    ),
    pytest.param(
        "version: 1\n---\nversion: 1\n",
        ".reviewgate.yaml:2: invalid YAML: but found another document "
        "(expected a single document in the stream at line 1)",
        id="two-documents",
    ),
    pytest.param(
        "version: 1\nbad: \x00\n",
        ".reviewgate.yaml:2: invalid YAML: unacceptable character #x0000: "
        "special characters are not allowed",
        id="nul-character",
    ),
    pytest.param(
        "- version\n- 1\n",
        ".reviewgate.yaml:1: the policy must be a mapping of keys such as 'version', got a list",
        id="top-level-list",
    ),
    pytest.param(
        "just words\n",
        ".reviewgate.yaml:1: the policy must be a mapping of keys such as 'version', got a string",
        id="top-level-scalar",
    ),
    pytest.param(
        "paths:\n  tests: tests/**\n",
        ".reviewgate.yaml:2: 'paths.tests' must be a list of strings, got a string; "
        'write a list, e.g. ["tests/**"]',
        id="string-for-list",
    ),
    pytest.param(
        "paths:\n  tests:\n    - tests/**\n    - 42\n",
        ".reviewgate.yaml:4: 'paths.tests[1]' must be a string, got an integer; "
        'quote it to make it a string: "42"',
        id="int-in-string-list",
    ),
    pytest.param(
        "paths:\n  ignore:\n",
        ".reviewgate.yaml:2: 'paths.ignore' has no value (expected a list of strings)",
        id="list-without-value",
    ),
    pytest.param(
        "paths: [tests]\n",
        ".reviewgate.yaml:1: 'paths' must be a mapping, got a list",
        id="section-not-mapping",
    ),
    pytest.param(
        "signoff:\n  not_author: 'yes'\n",
        ".reviewgate.yaml:2: 'signoff.not_author' must be true or false, got a string",
        id="string-for-bool",
    ),
    pytest.param(
        "assistance:\n  require: declard\n",
        ".reviewgate.yaml:2: invalid value 'declard' for 'assistance.require' (did you mean "
        "'declared'? expected one of: declared, every-commit, forbidden, off)",
        id="enum-near-miss",
    ),
    pytest.param(
        "fixes:\n  pairing: sometimes\n",
        ".reviewgate.yaml:2: invalid value 'sometimes' for 'fixes.pairing' "
        "(expected one of: same-commit, previous-commit, either)",
        id="enum-invalid",
    ),
    pytest.param(
        "signoff:\n  signature: [ssh]\n",
        ".reviewgate.yaml:2: 'signoff.signature' must be one of: none, ssh, gpg, any, got a list",
        id="enum-not-scalar",
    ),
    pytest.param(
        "commits:\n  merges: Check\n",
        ".reviewgate.yaml:2: invalid value 'Check' for 'commits.merges' "
        "(did you mean 'check'? expected one of: skip, check)",
        id="enum-case",
    ),
    pytest.param(
        "fixes:\n  subject: '^(fix'\n",
        ".reviewgate.yaml:2: invalid regular expression for 'fixes.subject': "
        "missing ), unterminated subpattern at position 1",
        id="bad-subject-regex",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - {name: Bot, pattern: 'bot[0-9'}\n",
        ".reviewgate.yaml:3: invalid regular expression for 'assistance.tools[0].pattern': "
        "unterminated character set at position 3",
        id="bad-tool-regex",
    ),
    pytest.param(
        "rules:\n  RG204: warning\n  RG999: error\n",
        ".reviewgate.yaml:3: unknown rule 'RG999' in 'rules' (known codes: "
        + ", ".join(KNOWN_RULE_CODES)
        + ")",
        id="unknown-rule-code",
    ),
    pytest.param(
        "rules:\n  rg204: warning\n",
        ".reviewgate.yaml:2: unknown rule 'rg204' in 'rules' (did you mean 'RG204'?)",
        id="lowercase-rule-code",
    ),
    pytest.param(
        "rules:\n  RG204: fatal\n",
        ".reviewgate.yaml:2: invalid value 'fatal' for 'rules.RG204' "
        "(expected one of: error, warning, off)",
        id="bad-severity",
    ),
    pytest.param(
        "rules:\n  RG204: notice\n",
        ".reviewgate.yaml:2: invalid value 'notice' for 'rules.RG204' "
        "(expected one of: error, warning, off)",
        id="notice-is-not-a-policy-severity",
    ),
    pytest.param(
        "rules: [RG204]\n",
        ".reviewgate.yaml:1: 'rules' must be a mapping, got a list",
        id="rules-not-mapping",
    ),
    pytest.param(
        "version: 2\n",
        ".reviewgate.yaml:1: unsupported policy version 2 (this reviewgate reads version 1)",
        id="version-2",
    ),
    pytest.param(
        "version: '1'\n",
        ".reviewgate.yaml:1: 'version' must be an integer, got a string",
        id="version-string",
    ),
    pytest.param(
        "verify:\n  command: pytest -q tests\n",
        ".reviewgate.yaml:2: 'verify.command' must be a list of arguments, not a shell "
        'string; write it as a list: ["pytest", "-q", "tests"], or \'auto\' for the '
        "project's own test command",
        id="command-shell-string",
    ),
    pytest.param(
        "verify:\n  command: []\n",
        ".reviewgate.yaml:2: 'verify.command' must not be empty (it is the test command to run)",
        id="command-empty",
    ),
    pytest.param(
        "verify:\n  command: ['', x]\n",
        ".reviewgate.yaml:2: 'verify.command' must start with the program to run, "
        "got an empty string",
        id="command-empty-program",
    ),
    pytest.param(
        "verify:\n  command:\n    - make\n    - {target: test}\n",
        ".reviewgate.yaml:4: 'verify.command[1]' must be a string, got a mapping",
        id="command-nested",
    ),
    pytest.param(
        "verify:\n  command: [make, ~]\n",
        ".reviewgate.yaml:2: 'verify.command[1]' has no value (expected a string)",
        id="command-null-arg",
    ),
    pytest.param(
        "verify:\n  timeout: 0\n",
        ".reviewgate.yaml:2: 'verify.timeout' must be a positive number of seconds, got 0",
        id="timeout-zero",
    ),
    pytest.param(
        "verify:\n  timeout: -5\n",
        ".reviewgate.yaml:2: 'verify.timeout' must be a positive number of seconds, got -5",
        id="timeout-negative",
    ),
    pytest.param(
        "verify:\n  timeout: 1.5\n",
        ".reviewgate.yaml:2: 'verify.timeout' must be an integer, got a number",
        id="timeout-float",
    ),
    pytest.param(
        "verify:\n  timeout: true\n",
        ".reviewgate.yaml:2: 'verify.timeout' must be an integer, got a boolean",
        id="timeout-bool",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - {name: Bot}\n",
        ".reviewgate.yaml:3: 'assistance.tools[0]' needs an 'email' or a 'pattern'",
        id="tool-without-identity",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - {name: A, email: a@x.org}\n"
        "    - {name: B, email: b@x.org, pattern: b}\n",
        ".reviewgate.yaml:4: 'assistance.tools[1]' has both 'email' and 'pattern'; "
        "give exactly one",
        id="tool-with-both",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - email: bot@example.org\n",
        ".reviewgate.yaml:3: 'assistance.tools[0]' needs a 'name'",
        id="tool-without-name",
    ),
    pytest.param(
        "assistance:\n  tools:\n    - Bot\n",
        ".reviewgate.yaml:3: 'assistance.tools[0]' must be a mapping, got a string",
        id="tool-not-mapping",
    ),
    pytest.param(
        "assistance:\n  trailers: ['Assisted-by:']\n",
        ".reviewgate.yaml:2: invalid trailer key 'Assisted-by:' in 'assistance.trailers[0]' "
        "(write the key alone, without ':' or spaces, e.g. 'Assisted-by')",
        id="trailer-with-colon",
    ),
    pytest.param(
        "1: x\n",
        ".reviewgate.yaml:1: key '1' is not a string (YAML reads it as an integer; quote it)",
        id="int-key",
    ),
    pytest.param(
        "commits:\n  merges: skip\n  on: check\n",
        ".reviewgate.yaml:3: key 'on' in 'commits' is not a string "
        "(YAML reads it as a boolean; quote it)",
        id="bool-key",
    ),
    pytest.param(
        "? [a, b]\n: x\n",
        ".reviewgate.yaml:1: key is not a string (YAML reads it as a list)",
        id="list-key",
    ),
    pytest.param(
        "version: 1\nassistance:\n  require: off\nversion: 1\n",
        ".reviewgate.yaml:4: duplicate key 'version' (first set at line 1)",
        id="duplicate-top-key",
    ),
    pytest.param(
        "assistance:\n  require: off\n  format: any\n  require: declared\n",
        ".reviewgate.yaml:4: duplicate key 'assistance.require' (first set at line 2)",
        id="duplicate-section-key",
    ),
    pytest.param(
        "rules:\n  RG204: off\n  RG204: error\n",
        ".reviewgate.yaml:3: duplicate key 'rules.RG204' (first set at line 2)",
        id="duplicate-rule",
    ),
    pytest.param(
        "base: &base {require: off}\nassistance:\n  <<: *base\n",
        ".reviewgate.yaml:1: unknown key 'base' (valid keys: version, extends, paths, assistance, "
        "fixes, tests, perf, verify, signoff, commits, rules)",
        id="anchor-holder-is-unknown",
    ),
    pytest.param(
        "assistance:\n  <<: {require: off}\n",
        ".reviewgate.yaml:2: merge keys ('<<') in 'assistance' are not supported; "
        "write the keys out",
        id="merge-key",
    ),
    pytest.param(
        "paths: !!python/object:os.system {}\n",
        ".reviewgate.yaml:1: 'paths' must be a mapping, got a value tagged "
        "!!python/object:os.system",
        id="python-tag",
    ),
    pytest.param(
        "signoff:\n  allowed_signers: !secret path\n",
        ".reviewgate.yaml:2: 'signoff.allowed_signers' must be a string, "
        "got a value tagged !secret",
        id="custom-tag",
    ),
    pytest.param(
        "version: !!int one\n",
        ".reviewgate.yaml:1: 'version': 'one' is not a valid integer",
        id="bad-explicit-int",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_errors_name_file_line_and_key(text: str, expected: str) -> None:
    assert error(text) == expected


def test_errors_use_the_path_of_the_file(repo: Repo) -> None:
    path = repo.write(".reviewgate.yaml", "version: 1\n\nassistance:\n  formt: kernel\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value) == (
        f"{path}:4: unknown key 'assistance.formt' (did you mean 'assistance.format'?)"
    )


def test_missing_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"nope\.yaml: no such policy file$"):
        load_policy(tmp_path / "nope.yaml")
    with pytest.raises(PolicyError, match="is a directory"):
        load_policy(tmp_path)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"version: 1\nsignoff:\n  reviewers: ['Ren\xe9 <r@x.org>']\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(latin1)
    assert str(caught.value) == f"{latin1}:3: the policy file is not valid UTF-8"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n", "~\n"])
def test_an_empty_policy_is_the_defaults(text: str) -> None:
    policy = load(text)
    assert values(policy) == DEFAULTS
    assert policy.source == SRC
    assert set(policy.origins) == set(leaf_keys())
    assert set(policy.origins.values()) == {DEFAULT_ORIGIN}


def test_no_file_is_the_builtin_defaults() -> None:
    policy = load_policy(None)
    assert values(policy) == DEFAULTS
    assert policy.source == "<built-in>"
    assert policy.origins == dict.fromkeys(leaf_keys(), DEFAULT_ORIGIN)
    assert policy.verify.command == "auto"
    assert policy.verify.reruns == 1
    assert policy.tests.required_for == "fixes"
    assert policy.assistance.require == "declared"


def test_values_and_origins_of_a_partial_policy() -> None:
    text = (
        "version: 1\n"  # 1
        "assistance:\n"  # 2
        "  require: every-commit\n"  # 3
        "  tools:\n"  # 4
        "    - {name: OurBot, email: ourbot@example.org}\n"  # 5
        "    - name: Helper\n"  # 6
        "      pattern: '^helper-[0-9]+ <'\n"  # 7
        "verify:\n"  # 8
        "  command: [go, test, -count, 1, ./...]\n"  # 9
        "rules:\n"  # 10
        "  RG204: warning\n"  # 11
        "  RG101: off\n"  # 12
    )
    policy = load(text)
    assert policy.assistance == AssistancePolicy(
        require="every-commit",
        tools=(
            ToolIdentity(name="OurBot", email="ourbot@example.org"),
            ToolIdentity(name="Helper", pattern="^helper-[0-9]+ <"),
        ),
    )
    # YAML 1.1 reads a plain 1 as an integer and `off` as false; both mean their text.
    assert policy.verify == VerifyPolicy(command=("go", "test", "-count", "1", "./..."))
    assert policy.rules == {"RG204": "warning", "RG101": "off"}
    assert policy.paths == PathsPolicy()
    assert policy.origins["version"] == f"{SRC}:1"
    assert policy.origins["assistance.require"] == f"{SRC}:3"
    assert policy.origins["assistance.tools"] == f"{SRC}:4"
    assert policy.origins["assistance.format"] == DEFAULT_ORIGIN
    assert policy.origins["verify.command"] == f"{SRC}:9"
    assert policy.origins["verify.timeout"] == DEFAULT_ORIGIN
    assert policy.origins["rules"] == f"{SRC}:10"
    assert policy.origins["rules.RG204"] == f"{SRC}:11"
    assert policy.origins["rules.RG101"] == f"{SRC}:12"
    assert policy.origins["paths.tests"] == DEFAULT_ORIGIN


def test_off_and_none_are_read_as_written() -> None:
    policy = load("assistance:\n  require: off\nsignoff:\n  required_for: none\n")
    assert policy.assistance.require == "off"
    assert policy.signoff.required_for == "none"


def test_an_empty_section_keeps_its_defaults() -> None:
    policy = load("assistance:\nsignoff:\n")
    assert values(policy) == DEFAULTS


def test_aliases_share_values() -> None:
    policy = load("fixes:\n  trailers: &keys [Fixes, Closes]\nsignoff:\n  trailers: *keys\n")
    assert policy.fixes.trailers == ("Fixes", "Closes")
    assert policy.signoff.trailers == ("Fixes", "Closes")


def test_alias_bomb_is_never_expanded() -> None:
    # The last item of this list, expanded, holds 10**13 strings.
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 13)]
    bomb = "[" + ", ".join(levels) + "]"
    assert error(f"paths:\n  tests: {bomb}\n") == (
        ".reviewgate.yaml:2: 'paths.tests[0]' must be a string, got a list"
    )
    assert error(f"verify:\n  command: [make, {bomb}]\n") == (
        ".reviewgate.yaml:2: 'verify.command[1]' must be a string, got a list"
    )
    assert error(f"lol: {bomb}\n") == (
        ".reviewgate.yaml:1: unknown key 'lol' (valid keys: version, extends, paths, assistance, "
        "fixes, tests, perf, verify, signoff, commits, rules)"
    )


def test_every_documented_rule_code_is_accepted() -> None:
    text = "rules:\n" + "".join(f"  {code}: warning\n" for code in KNOWN_RULE_CODES)
    assert load(text).rules == dict.fromkeys(KNOWN_RULE_CODES, "warning")


def test_a_registered_rule_code_is_accepted() -> None:
    rulebook.rule("RG999", "test-only-rule", "a rule registered by this test")(lambda: None)
    try:
        assert load("rules:\n  RG999: warning\n").rules == {"RG999": "warning"}
        assert error("rules:\n  test-only-rule: off\n") == (
            ".reviewgate.yaml:2: unknown rule 'test-only-rule' in 'rules' "
            "(rules are named by code: did you mean 'RG999'?)"
        )
    finally:
        del rulebook.RULES["RG999"]
    assert error("rules:\n  RG999: warning\n").startswith(
        ".reviewgate.yaml:2: unknown rule 'RG999'"
    )


def test_text_source_defaults(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"^<string>:1: unknown key 'x'"):
        load_policy(None, text="x: 1\n")
    with pytest.raises(PolicyError, match=r"^named\.yaml:1: unknown key 'x'"):
        load_policy("named.yaml", text="x: 1\n")


# --- finding the file ----------------------------------------------------------


def test_find_policy_file_in_the_repository(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_policy_file(repo.path, None) is None
    policy = repo.write(".reviewgate.yaml", "version: 1\n")
    assert find_policy_file(repo.path, None) == policy
    other = repo.write("ci/strict.yaml", "version: 1\n")
    monkeypatch.setenv("REVIEWGATE_CONFIG", str(other))
    assert find_policy_file(repo.path, None) == other
    explicit = repo.write("ci/explicit.yaml", "version: 1\n")
    assert find_policy_file(repo.path, str(explicit)) == explicit
    monkeypatch.setenv("REVIEWGATE_CONFIG", "")
    assert find_policy_file(repo.path, None) == policy


def test_relative_explicit_path_is_from_the_current_directory(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("sub/p.yaml", "version: 1\n")
    monkeypatch.chdir(repo.path / "sub")
    assert find_policy_file(repo.path, "p.yaml") == Path("p.yaml")
    assert load_policy(find_policy_file(repo.path, "p.yaml")).source == "p.yaml"


def test_missing_explicit_policy_is_an_error(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write(".reviewgate.yaml", "version: 1\n")
    missing = str(repo.path / "missing.yaml")
    with pytest.raises(PolicyError) as caught:
        find_policy_file(repo.path, missing)
    assert str(caught.value) == f"policy file {missing!r} (from --config) does not exist"
    monkeypatch.setenv("REVIEWGATE_CONFIG", missing)
    with pytest.raises(PolicyError) as caught:
        find_policy_file(repo.path, None)
    assert str(caught.value) == f"policy file {missing!r} (from REVIEWGATE_CONFIG) does not exist"
    with pytest.raises(PolicyError, match=r"\(from --config\) is not a file$"):
        find_policy_file(repo.path, str(repo.path))


def test_a_yml_file_is_not_silently_ignored(repo: Repo) -> None:
    repo.write(".reviewgate.yml", "assistance:\n  require: forbidden\n")
    with pytest.raises(PolicyError, match=r"reads \.reviewgate\.yaml, not \.reviewgate\.yml"):
        find_policy_file(repo.path, None)


# --- printing ------------------------------------------------------------------


def test_render_names_origins_and_loads_back() -> None:
    text = "assistance:\n  require: forbidden\nrules:\n  RG204: warning\n"
    policy = load(text)
    rendered = render_policy(policy)
    assert "  require: forbidden  # .reviewgate.yaml:2\n" in rendered
    assert "  RG204: warning  # .reviewgate.yaml:4\n" in rendered
    assert "  timeout: 600  # <built-in default>\n" in rendered
    assert values(load(rendered)) == values(policy)


def test_show_policy_json() -> None:
    policy = load("verify:\n  timeout: 30\n")
    shown = json.loads(show_policy(policy, fmt="json"))
    assert shown["source"] == SRC
    assert shown["policy"]["verify"] == {
        "command": "auto", "timeout": 30, "reruns": 1,
        "error_exit_codes": [2, 3, 4, 5], "error_output": [], "sandbox": "auto",
        "network": False, "expose": [], "cache_trust": "auto",
    }
    assert shown["origins"]["verify.timeout"] == f"{SRC}:2"
    assert shown["origins"]["verify.command"] == DEFAULT_ORIGIN
    assert shown["origins"] == effective_origins(policy)
    # The "policy" member is itself a valid policy file (JSON is YAML).
    assert values(load(json.dumps(shown["policy"]))) == values(policy)
    assert show_policy(policy) == render_policy(policy)
    with pytest.raises(ReviewgateError, match="unknown format 'xml'"):
        show_policy(policy, fmt="xml")


def test_policy_to_dict_is_plain_data() -> None:
    policy = load("assistance:\n  tools: [{name: Bot, email: bot@x.org}]\n")
    data = policy_to_dict(policy)
    assert data["assistance"]["tools"] == [{"name": "Bot", "email": "bot@x.org"}]
    assert data["paths"]["tests"] == list(PathsPolicy().tests)
    assert set(data) == {
        "version",
        "paths",
        "assistance",
        "fixes",
        "tests",
        "perf",
        "verify",
        "signoff",
        "commits",
        "rules",
    }
    assert json.loads(json.dumps(data)) == data


# --- init and the starter policy -------------------------------------------------


def test_template_loads_to_exactly_the_defaults() -> None:
    policy = load(STARTER_POLICY)
    assert values(policy) == DEFAULTS
    # Every key is written out, so a reader sees every default in the file.
    assert DEFAULT_ORIGIN not in policy.origins.values()


def test_template_documents_every_key() -> None:
    policy = load(STARTER_POLICY)
    lines = STARTER_POLICY.splitlines()
    for key, origin in policy.origins.items():
        number = int(origin.rsplit(":", 1)[1])
        above = lines[number - 2].strip()
        assert above.startswith("#") or "#" in lines[number - 1], f"{key} has no comment"


def test_init_writes_the_template(repo: Repo) -> None:
    written = init(repo.path, force=False)
    assert written == repo.path / ".reviewgate.yaml"
    assert written.read_text() == STARTER_POLICY
    # The committed file, read at a revision as CI reads it, is the defaults.
    repo.commit("chore: add reviewgate policy")
    text = git(repo.path, "show", "HEAD:.reviewgate.yaml").stdout
    assert values(load_policy(None, text=text, source="HEAD:.reviewgate.yaml")) == DEFAULTS
    assert find_policy_file(repo.path, None) == written


def test_init_refuses_to_overwrite(repo: Repo) -> None:
    existing = repo.write(".reviewgate.yaml", "assistance:\n  require: forbidden\n")
    before = existing.read_bytes()
    with pytest.raises(ReviewgateError) as caught:
        init(repo.path, force=False)
    assert str(caught.value) == f"{existing} already exists; pass --force to overwrite it"
    assert existing.read_bytes() == before
    assert init(repo.path, force=True) == existing
    assert existing.read_text() == STARTER_POLICY


def test_init_to_another_path(repo: Repo, tmp_path: Path) -> None:
    target = repo.path / "ci" / "policy.yaml"
    assert init(repo.path, force=False, path=Path("ci/policy.yaml")) == target
    assert target.read_text() == STARTER_POLICY
    elsewhere = tmp_path / "abs.yaml"
    assert init(repo.path, force=False, path=elsewhere) == elsewhere
    assert not (repo.path / ".reviewgate.yaml").exists()
    with pytest.raises(ReviewgateError, match="is a directory"):
        init(repo.path, force=True, path=Path("ci"))


def test_importing_the_policy_module_does_not_import_yaml() -> None:
    code = "import sys, reviewgate.policy.schema; print('yaml' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
