"""The verify keys a policy can set: command (auto), reruns, error_exit_codes and
error_output."""

from __future__ import annotations

import pytest

from reviewgate.errors import PolicyError
from reviewgate.policy.files import load_policy
from reviewgate.policy.template import STARTER_POLICY as TEMPLATE


def _load(text: str):  # type: ignore[no-untyped-def]
    return load_policy(None, text=text, source=".reviewgate.yaml")


def test_defaults_are_pytests_could_not_run_statuses() -> None:
    verify = load_policy(None).verify
    assert verify.error_exit_codes == (2, 3, 4, 5)
    assert verify.error_output == ()


def test_values_are_read_sorted_and_deduplicated() -> None:
    verify = _load("verify:\n  error_exit_codes: [5, 2, 5]\n  error_output: ['^# Syn']\n").verify
    assert verify.error_exit_codes == (2, 5)
    assert verify.error_output == ("^# Syn",)
    assert _load("verify:\n  error_exit_codes: []\n").verify.error_exit_codes == ()


@pytest.mark.parametrize("text,message", [
    ("verify:\n  error_exit_codes: [0]\n",
     ".reviewgate.yaml:2: 'verify.error_exit_codes[0]' must be an exit status from 1 to 255, "
     "got 0 (0 means the tests passed)"),
    ("verify:\n  error_exit_codes: [256]\n",
     ".reviewgate.yaml:2: 'verify.error_exit_codes[0]' must be an exit status from 1 to 255, "
     "got 256"),
    ("verify:\n  error_exit_codes: 2\n",
     ".reviewgate.yaml:2: 'verify.error_exit_codes' must be a list of exit statuses, "
     "got an integer"),
    ("verify:\n  error_exit_codes: [two]\n",
     ".reviewgate.yaml:2: 'verify.error_exit_codes[0]' must be an integer, got a string"),
    ("verify:\n  error_output: ['(']\n",
     ".reviewgate.yaml:2: invalid regular expression for 'verify.error_output[0]': "
     "missing ), unterminated subpattern at position 0"),
])
def test_bad_values_name_the_key_and_line(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _load(text)
    assert str(caught.value) == message


def test_the_starter_file_documents_and_sets_them() -> None:
    policy = _load(TEMPLATE)
    assert policy.verify.error_exit_codes == (2, 3, 4, 5)
    assert "error_exit_codes" in TEMPLATE and "error_output" in TEMPLATE


def test_reruns() -> None:
    assert load_policy(None).verify.reruns == 1
    assert _load("verify:\n  reruns: 0\n").verify.reruns == 0


@pytest.mark.parametrize("text,message", [
    ("verify:\n  reruns: -1\n",
     ".reviewgate.yaml:2: 'verify.reruns' must be a number of runs from 0 to 10, got -1"),
    ("verify:\n  reruns: 11\n",
     ".reviewgate.yaml:2: 'verify.reruns' must be a number of runs from 0 to 10, got 11"),
    ("verify:\n  reruns: often\n",
     ".reviewgate.yaml:2: 'verify.reruns' must be an integer, got a string"),
])
def test_bad_reruns_name_the_key_and_line(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _load(text)
    assert str(caught.value) == message


def test_auto() -> None:
    assert load_policy(None).verify.command == "auto"
    assert _load("verify:\n  command: auto\n").verify.command == "auto"
    # A list is an argv, whatever its first word: a program named auto stays one.
    assert _load("verify:\n  command: [auto]\n").verify.command == ("auto",)
    with pytest.raises(PolicyError) as caught:
        _load("verify:\n  command: automatic\n")
    assert str(caught.value) == (
        ".reviewgate.yaml:2: 'verify.command' must be a list of arguments, not a shell string; "
        "write it as a list: [\"automatic\"], or 'auto' for the project's own test command"
    )
