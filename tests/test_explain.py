"""`reviewgate explain`: every rule documents itself, and its examples are true."""

from __future__ import annotations

import re

import pytest

from reviewgate.commands.explain import PLANNED_RULES, explain, explain_all, find_rule
from reviewgate.disclosure.judge import check_assistance
from reviewgate.errors import ReviewgateError
from reviewgate.model.rulebook import RULES
from test_rules_assistance import make_commit, policy

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead",
            "## How to fix")
ASSISTANCE_CODES = ("RG101", "RG102", "RG103", "RG104", "RG105")
# The policy each example is written for (its "What it does" names the setting).
EXAMPLE_POLICY = {
    "RG101": policy(), "RG102": policy(), "RG103": policy(),
    "RG104": policy(require="every-commit"), "RG105": policy(require="forbidden"),
}


def code_block(doc: str, section: str) -> str:
    body = doc.split(section, 1)[1]
    match = re.search(r"```\n(.*?)```", body, re.DOTALL)
    assert match, f"{section} has no code block"
    return match.group(1)


def test_importing_the_rules_registers_every_assistance_rule() -> None:
    assert set(ASSISTANCE_CODES) <= set(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_every_section_in_order(code: str) -> None:
    text = explain(code)
    rule = RULES[code]
    assert text.startswith(f"{code} ({rule.name})\n\n{rule.summary}\n")
    positions = [text.find(section) for section in SECTIONS]
    assert -1 not in positions, (code, positions)
    assert positions == sorted(positions)
    for section in SECTIONS:
        after = text.split(section, 1)[1].split("\n## ", 1)[0]
        assert after.strip(), f"{code}: {section} is empty"


@pytest.mark.parametrize("code", ASSISTANCE_CODES)
def test_the_example_breaks_the_rule_and_use_instead_does_not(code: str) -> None:
    doc = RULES[code].doc
    pol = EXAMPLE_POLICY[code]
    bad = check_assistance(make_commit(code_block(doc, "## Example")), pol)
    assert code in [f.code for f in bad]
    good = check_assistance(make_commit(code_block(doc, "## Use instead")), pol)
    assert good == []


def test_lookup_by_code_in_any_case_or_by_name() -> None:
    assert find_rule("rg101") is RULES["RG101"]
    assert find_rule(" RG103 ") is RULES["RG103"]
    assert find_rule("undeclared-assistance") is RULES["RG101"]
    assert explain("tool-signed-off") == explain("RG103")


@pytest.mark.parametrize(("wrong", "nearest"), [
    ("RG109", "RG108"),
    ("rg100", "RG101"),
    ("undeclared-asistance", "RG101"),
    ("RG10", "RG101"),
])
def test_unknown_codes_name_the_nearest(wrong: str, nearest: str | None) -> None:
    with pytest.raises(ReviewgateError) as raised:
        explain(wrong)
    message = str(raised.value)
    assert repr(wrong) in message
    if nearest:
        assert f"did you mean {nearest} ({RULES[nearest].name})?" in message
    assert raised.value.exit_code == 2


def test_a_word_that_is_no_rule_points_to_the_list() -> None:
    with pytest.raises(ReviewgateError, match="`reviewgate explain` lists every rule"):
        explain("banana")


def test_explain_all_is_one_line_per_rule() -> None:
    lines = explain_all().splitlines()
    assert len(lines) == len(RULES)
    assert [line.split()[0] for line in lines] == sorted(RULES)
    for line in lines:
        rule = RULES[line.split()[0]]
        assert rule.name in line and line.endswith(rule.summary)


def test_a_planned_rule_is_not_called_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PLANNED_RULES, "RG999", "some-future-rule")
    with pytest.raises(ReviewgateError, match=r"RG999 \(some-future-rule\) is planned"):
        explain("rg999")


def test_every_summary_reads_as_a_phrase_in_the_listing() -> None:
    # `reviewgate explain` lists the summaries in one column: each a lower-case
    # phrase without a final full stop, as ruff's rule listing reads.
    from reviewgate.model.rulebook import RULES
    from reviewgate.pipeline.range_rules import register_all

    register_all()
    for rule in RULES.values():
        assert rule.summary[:1].islower() and not rule.summary.endswith("."), rule.code
