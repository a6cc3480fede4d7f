"""The rule table that the policy validates against matches the rules that exist."""

from __future__ import annotations

import reviewgate.pipeline.range_rules  # noqa: F401  (registers every rule)
from reviewgate.model.rulebook import KNOWN_RULE_NAMES, RULES


def test_every_registered_rule_is_in_the_policy_s_table_with_its_name() -> None:
    registered = {code: rule.name for code, rule in RULES.items() if code != "RG999"}
    assert registered == KNOWN_RULE_NAMES
