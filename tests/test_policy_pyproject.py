"""Issue 16, item 5: the policy in pyproject.toml's [tool.reviewgate] table, with
.reviewgate.yaml's keys, validation and line numbers; which file wins; the cheap
look that spares a pyproject.toml without the table from being parsed; and
`reviewgate policy --config FILE` outside any repository."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import Repo
from reviewgate.errors import PolicyError
from reviewgate.policy.files import find_policy_file, load_policy, mentions_policy_table
from reviewgate.policy.schema import Policy
from test_policy_props import PROPS, valid_policies
from verify_helpers import reviewgate

TABLE = "[tool.reviewgate]"
README_POLICY = """\
version: 1
assistance:
  require: declared
  trailers: [Assisted-by, Generated-by, Co-authored-by]
  format: kernel
  tools:
    - {name: our-bot, email: bot@example.org}
fixes:
  pairing: either
verify:
  command: [go, test, -json, "{packages}"]
  timeout: 300
signoff:
  required_for: assisted
  reviewers: [maintainer@example.org]
commits:
  merges: skip
rules:
  RG102: warning
"""
README_TOML = """\
[project]
name = "widget"

[tool.reviewgate]
version = 1
rules = { RG102 = "warning" }

[tool.reviewgate.assistance]
require = "declared"
trailers = ["Assisted-by", "Generated-by", "Co-authored-by"]
format = "kernel"
tools = [{ name = "our-bot", email = "bot@example.org" }]

[tool.reviewgate.fixes]
pairing = "either"

[tool.reviewgate.verify]
command = ["go", "test", "-json", "{packages}"]
timeout = 300

[tool.reviewgate.signoff]
required_for = "assisted"
reviewers = ["maintainer@example.org"]

[tool.reviewgate.commits]
merges = "skip"
"""


def toml(text: str, source: str = "pyproject.toml") -> Policy:
    return load_policy(None, text=text, source=source)


def toml_error(text: str, source: str = "pyproject.toml") -> str:
    with pytest.raises(PolicyError) as caught:
        toml(text, source)
    message = str(caught.value)
    assert "\n" not in message
    return message


def values(policy: Policy) -> Policy:
    return replace(policy, source="", origins={})


def test_the_table_is_the_same_policy_as_the_yaml_file() -> None:
    from_yaml = load_policy(None, text=README_POLICY, source=".reviewgate.yaml")
    from_toml = toml(README_TOML)
    assert values(from_toml) == values(from_yaml)
    assert values(from_toml) != values(load_policy(None))
    assert from_toml.source == "pyproject.toml [tool.reviewgate]"
    assert from_toml.origins["verify.timeout"] == "pyproject.toml:19"
    assert from_toml.origins["rules.RG102"] == "pyproject.toml:6"


def test_extends_names_a_preset_as_in_yaml() -> None:
    policy = toml(f'{TABLE}\nextends = "kernel"\nassistance.format = "any"\n')
    kernel = load_policy(None, text="extends: kernel\nassistance:\n  format: any\n")
    assert values(policy) == values(kernel)
    assert policy.extends == "kernel"
    assert policy.origins["extends"] == "pyproject.toml:2"
    assert policy.origins["assistance.format"] == "pyproject.toml:3"
    assert policy.origins["assistance.require"].startswith("reviewgate/policy/presets/kernel")


# (TOML, the exact error): the file, the line of the key, the message .yaml gets.
ERROR_CASES = [
    pytest.param(
        '[project]\nname = "x"\n\n[tool.reviewgate.assistence]\nrequire = "declared"\n',
        "pyproject.toml:4: unknown key 'assistence' (did you mean 'assistance'?)",
        id="table-header",
    ),
    pytest.param(
        f'{TABLE}\nversion = 1\nsignoff.required_for = "some"\n',
        "pyproject.toml:3: invalid value 'some' for 'signoff.required_for' "
        "(expected one of: assisted, all, none)",
        id="dotted-key",
    ),
    pytest.param(
        'tool.reviewgate.version = 1\n\n# the verify section\ntool.reviewgate.verify.timeout = 0\n',
        "pyproject.toml:4: 'verify.timeout' must be a positive number of seconds, got 0",
        id="top-level-dotted-key",
    ),
    pytest.param(
        f'{TABLE}\nversion = "1"\n',
        "pyproject.toml:2: 'version' must be an integer, got a string",
        id="wrong-type",
    ),
    pytest.param(
        f"{TABLE}\nversion = 1\n[tool.reviewgate.signoff]\nreviewers = [\n"
        '  "grace@example.org",  # a comment, "with" [brackets]\n'
        "  '''\nann@example.org''',  # a multi-line string\n  \"not an email\",\n]\n",
        "pyproject.toml:8: invalid reviewer 'not an email' in 'signoff.reviewers[2]' (write "
        "an email with a dotted domain, alone or as 'Name <email>', e.g. 'Grace Hopper "
        "<grace@example.org>')",
        id="item-of-a-multi-line-array",
    ),
    pytest.param(
        f'{TABLE}\n[[tool.reviewgate.assistance.tools]]\nname = "a"\nemail = "a@example.org"\n\n'
        '[[tool.reviewgate.assistance.tools]]\nname = "b"\nemial = "b@example.org"\n',
        "pyproject.toml:8: unknown key 'assistance.tools[1].emial' (did you mean "
        "'assistance.tools[1].email'?)",
        id="array-of-tables",
    ),
    pytest.param(  # a key inside an inline table takes the line of the table's key
        f'{TABLE}\nversion = 1\nverify = {{ reruns = 3, sandbox = "box" }}\n',
        "pyproject.toml:3: invalid value 'box' for 'verify.sandbox' (expected one of: "
        "auto, bwrap, none)",
        id="inline-table",
    ),
    pytest.param(  # a TOML key set with escapes is found all the same
        f'{TABLE}\n"v\\u0065rify" = {{ network = "yes" }}\n',
        "pyproject.toml:2: 'verify.network' must be true or false, got a string",
        id="escaped-key",
    ),
    pytest.param(
        '[tool]\nblack = { line-length = 100 }\nreviewgate = ["version = 1"]\n',
        "pyproject.toml:3: the policy must be a mapping of keys such as 'version', got a list",
        id="not-a-table",
    ),
    pytest.param(
        '[tool]\nreviewgate = {rules = {RG999 = "off"}}\n',
        "pyproject.toml:2: unknown rule 'RG999' in 'rules'",
        id="inline-in-tool",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_errors_name_the_file_and_the_line_of_the_key(text: str, expected: str) -> None:
    assert toml_error(text).startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'{TABLE}\nversion = 1\nsignoff = {{ required_for = all }}\n',
         r'pyproject.toml:3: invalid TOML: Invalid value \(column \d+\); a string needs quotes'),
        (f'{TABLE}\nversion 1\n', "pyproject.toml:2: invalid TOML: Expected '=' after a key"),
        (f'{TABLE}\nversion = 1\n{TABLE}\n',
         r"pyproject.toml:3: invalid TOML: Cannot declare \('tool', 'reviewgate'\) twice "
         r"\(column \d+\); each table header may appear only once"),
        (f'{TABLE}\nrules = ["RG101",\n', "pyproject.toml:2: invalid TOML: "),
    ],
)
def test_a_toml_syntax_error_names_file_line_and_fix(text: str, expected: str) -> None:
    assert re.match(expected, toml_error(text)), toml_error(text)


@pytest.mark.parametrize("depth", [50, 5000])
def test_deep_nesting_is_one_line(depth: int) -> None:
    text = f"{TABLE}\nrules = {'[' * depth}{']' * depth}\n"
    assert re.match(r"pyproject\.toml:[12]: ", toml_error(text))


def test_a_syntax_error_is_exit_2_and_one_line_from_the_cli(repo: Repo) -> None:
    repo.write("pyproject.toml", f"{TABLE}\nversion = 1\n\n[tool.reviewgate.verify]\n"
               "timeout = 5s\n")
    for command in (["policy"], ["check", "HEAD"]):
        done = reviewgate(repo.path, *command)
        assert done.returncode == 2, done
        assert re.fullmatch(
            r"reviewgate: error: pyproject.toml:5: invalid TOML: Expected newline or end of "
            r'document after a statement \(column \d+\); one "key = value" a line; quote text '
            r'\("5s"\)\n',
            done.stderr,
        ), done.stderr


# -- which file ---------------------------------------------------------------------


def test_the_table_is_the_policy_when_there_is_no_yaml(repo: Repo) -> None:
    repo.write("pyproject.toml",
               f'[project]\nname = "x"\n\n{TABLE}\nsignoff.required_for = "all"\n')
    repo.commit("feat: human work, unreviewed", {"a.py": "1\n"})
    shown = reviewgate(repo.path, "policy")
    assert shown.stdout.startswith(
        "# effective reviewgate policy, from pyproject.toml [tool.reviewgate]\n"
    )
    assert "# note:" not in shown.stdout
    assert "required_for: all  # pyproject.toml:5" in shown.stdout
    checked = reviewgate(repo.path, "check", "HEAD")
    assert checked.returncode == 1
    assert "RG301" in checked.stdout
    assert "(pyproject.toml [tool.reviewgate])" in checked.stdout


@pytest.mark.parametrize(
    "text",
    [
        "",
        '[project]\nname = "reviewgate-plugin"\ndependencies = ["reviewgate>=0.1"]\n',
        # Not parsed at all: invalid TOML elsewhere cannot stop a project without a table.
        "[project\nname = ",
        # The look matches (a `reviewgate` key elsewhere), the parser finds no table.
        '[tool]\nblack = {}\n[tool.other]\nreviewgate = true\n',
    ],
)
def test_a_pyproject_without_the_table_is_no_policy(repo: Repo, text: str) -> None:
    repo.write("pyproject.toml", text)
    assert load_policy(find_policy_file(repo.path, None)) == load_policy(None)
    done = reviewgate(repo.path, "policy")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# effective reviewgate policy, from <built-in>\n")


@pytest.mark.parametrize("how", ["--config", "REVIEWGATE_CONFIG"])
def test_config_names_a_toml_file(repo: Repo, how: str) -> None:
    repo.write("ci/policy.toml", f'{TABLE}\nsignoff = {{ required_for = "none" }}\n')
    repo.write(".reviewgate.yaml", "signoff:\n  required_for: all\n")
    args, env = (["--config", "ci/policy.toml"], {}) if how == "--config" else (
        [], {"REVIEWGATE_CONFIG": "ci/policy.toml"})
    done = reviewgate(repo.path, "policy", *args, env=env)
    assert done.returncode == 0, done.stderr
    assert "from ci/policy.toml [tool.reviewgate]" in done.stdout
    assert "required_for: none  # ci/policy.toml:2" in done.stdout
    assert "# note:" not in done.stdout  # chosen on purpose: nothing was passed over


def test_a_config_toml_without_the_table_is_an_error(tmp_path: Path) -> None:
    assert toml_error('[tool.black]\nline-length = 100\n', "ci/policy.toml") == (
        "ci/policy.toml: has no [tool.reviewgate] table; put the policy's keys under a "
        "[tool.reviewgate] line, as in .reviewgate.yaml (e.g. `version = 1`)"
    )


# -- the quick look: every way TOML writes the table is seen -----------------------


@pytest.mark.parametrize(
    "text",
    [
        '[tool.reviewgate]\nsignoff.required_for = "all"\n',
        '[tool.reviewgate.signoff]\nrequired_for = "all"\n',
        '  [ tool . "reviewgate" . signoff ]  # indented, spaced, quoted\nrequired_for = "all"\n',
        "['tool'.reviewgate]\nsignoff = { required_for = 'all' }\n",
        'tool.reviewgate.signoff.required_for = "all"\n',
        '"tool"."reviewgate".signoff.required_for = "all"\n',
        '[tool]\nreviewgate.signoff.required_for = "all"\n',
        '[tool]\n"reviewgate" = { signoff = { required_for = "all" } }\n',
        'tool = { black = {}, reviewgate = { signoff = { required_for = "all" } } }\n',
        '[tool.black]\nx = 1\n\n[tool]\n\t\'reviewgate\' . signoff = { required_for = "all" }\n',
        # Missed once, so that the built-in defaults judged in silence: an inline
        # `tool` table over several lines, and a key written with an escape.
        'tool = { black = { exclude = [\n  "build",\n] }, reviewgate = { signoff = '
        '{ required_for = "all" } } }\n',
        'tool = { black = { x = """\n""" }, '
        'reviewgate = { signoff = { required_for = "all" } } }\n',
        '[tool."\\u0072eviewgate".signoff]\nrequired_for = "all"\n',
    ],
)
def test_the_quick_look_sees_every_way_of_writing_the_table(text: str) -> None:
    assert mentions_policy_table(text)
    assert toml(text).signoff.required_for == "all"


def test_the_quick_look_passes_over_a_pyproject_that_only_names_reviewgate() -> None:
    own = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"reviewgate.' in own  # import-linter's contracts name our modules
    assert not mentions_policy_table(own)
    assert not mentions_policy_table('dependencies = [\n  "reviewgate>=0.1",\n]\n')
    assert not mentions_policy_table('[project.scripts]\nreviewgate = "reviewgate.cli:main"\n')
    assert mentions_policy_table('[tool]\n[project.scripts]\nreviewgate = "x"\n')  # harmless


# -- every valid policy, written in TOML three ways ---------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = json.dumps(value, ensure_ascii=False)
    return re.sub(r"[\x7f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def as_toml(data: dict[str, Any], style: int) -> str:
    """0: a header per section, lists one item a line, tools as [[...]];
    1: dotted keys under [tool.reviewgate]; 2: a section an inline table."""
    lines = ['[project]\nname = "widget"\n', TABLE]
    inline = {k: v for k, v in data.items() if not isinstance(v, dict) or k == "rules"}
    lines += [f"{k} = {_toml_value(v)}" for k, v in inline.items()]
    for section, body in data.items():
        if section in inline:
            continue
        if style == 2:
            lines.append(f"{section} = {_toml_value(body)}")
        elif style == 1:
            lines += [f"{section}.{_key(k)} = {_toml_value(v)}" for k, v in body.items()]
        else:
            lines.append(f"[tool.reviewgate.{section}]")
            tools = body.get("tools") or []
            for key, value in body.items():
                if isinstance(value, list) and value and key != "tools":
                    lines += [f"{key} = [", *(f"  {_toml_value(v)}," for v in value), "]"]
                elif key != "tools" or not tools:
                    lines.append(f"{key} = {_toml_value(value)}")
            for tool in tools:
                lines.append(f"[[tool.reviewgate.{section}.tools]]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in tool.items()]
            lines.append("")
    return "\n".join(lines) + "\n"


@PROPS
@given(valid_policies, st.integers(0, 2))
def test_every_valid_policy_reads_the_same_from_toml(data: dict[str, Any], style: int) -> None:
    text = as_toml(data, style)
    policy = toml(text)
    assert values(policy) == values(load_policy(None, text=yaml.safe_dump(data)))
    lines = text.splitlines()
    for section, body in data.items():
        keys = body if isinstance(body, dict) else {section: body}
        for key in keys:
            dotted = key if key == section else f"{section}.{key}"
            origin = policy.origins[dotted]
            assert origin.startswith("pyproject.toml:"), origin
            line = lines[int(origin.rsplit(":", 1)[1]) - 1]
            # The key's own line; in style 2, its section's inline table.
            assert re.search(rf"(^|[ .{{\[\"]){re.escape(key)}\b", line), (dotted, line, text)


@PROPS
@given(st.text(max_size=200))
def test_any_text_under_the_table_loads_or_is_one_line(text: str) -> None:
    try:
        toml(f"{TABLE}\n{text}")
    except PolicyError as exc:
        assert re.match(r"pyproject\.toml:\d+: \S", str(exc)), str(exc)
        assert "\n" not in str(exc)
