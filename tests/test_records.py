"""reviewgate.model.record: the frozen records of the hooks' import path behave as
the frozen dataclasses they replace, for everything the code and tests rely on."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from reviewgate.model.commit import ChangedPath, Commit, Person
from reviewgate.model.finding import Finding, Severity
from reviewgate.model.record import FrozenInstanceError, field, fields, record, replace
from reviewgate.policy.render import render_policy
from reviewgate.policy.schema import Policy, SignoffPolicy, default_policy

ADA = Person("Ada", "ada@example.org", "2026-01-01T00:00:00Z")


def commit(**changes: object) -> Commit:
    made = Commit("a" * 40, ("b" * 40,), ADA, ADA, "fix: x\n")
    return replace(made, **changes) if changes else made


@record
class Box:
    name: str
    items: list[int] = field(default_factory=list)
    note: str = field(default="", compare=False)
    size: int = 1


def test_init_defaults_factories_and_order() -> None:
    first, second = Box("a"), Box("a")
    assert first.items == [] and first.items is not second.items
    assert Box("a", [1], "n", 3) == Box(name="a", items=[1], note="n", size=3)
    assert Box.__match_args__ == ("name", "items", "note", "size")
    with pytest.raises(TypeError):
        Box()  # type: ignore[call-arg]


def test_equality_hash_and_repr_as_a_frozen_dataclass() -> None:
    assert commit() == commit() and hash(commit()) == hash(commit())
    assert commit() != commit(sha="c" * 40)
    # `pending` is compare=False, as it was on the dataclass.
    assert commit(pending=True) == commit() and hash(commit(pending=True)) == hash(commit())
    assert Box("a", note="x") == Box("a", note="y")
    assert Box("a") != ("a", [], "", 1)
    assert repr(ChangedPath("M", "a.py")) == (
        "ChangedPath(status='M', path='a.py', old_path=None, score=None)"
    )
    assert len({Finding("RG101", Severity.ERROR, "a" * 40, "m"),
                Finding("RG101", Severity.ERROR, "a" * 40, "m")}) == 1


def test_frozen_and_slotted() -> None:
    made = commit()
    with pytest.raises(FrozenInstanceError):
        made.sha = "c"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del made.message  # type: ignore[misc]
    assert not hasattr(made, "__dict__")


def test_copy_and_pickle_keep_the_fields() -> None:
    made = commit(changes=(ChangedPath("R", "b.py", "a.py", 90),))
    assert copy.copy(made) == made and copy.deepcopy(made) == made
    assert pickle.loads(pickle.dumps(made)) == made
    assert pickle.loads(pickle.dumps(default_policy())) == default_policy()


def test_replace_and_fields_here_and_in_dataclasses() -> None:
    made = commit()
    assert replace(made, message="feat: y\n").message == "feat: y\n"
    assert dataclasses.replace(made, message="feat: y\n") == replace(made, message="feat: y\n")
    assert [f.name for f in fields(Commit)] == [f.name for f in dataclasses.fields(Commit)]
    assert dataclasses.is_dataclass(made)
    assert dataclasses.asdict(SignoffPolicy())["required_for"] == "assisted"
    pol = dataclasses.replace(Policy(), signoff=replace(SignoffPolicy(), required_for="all"))
    assert pol.signoff.required_for == "all" and pol.paths == Policy().paths
    with pytest.raises(TypeError):
        replace(object())


def test_the_renderer_walks_the_policy_records() -> None:
    assert "required_for: assisted" in render_policy(default_policy())
