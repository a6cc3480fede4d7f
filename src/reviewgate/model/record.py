"""Frozen records without `dataclasses`, for the commit-message hooks' import path.

`dataclasses` imports `inspect` (and with it `ast`, `dis`, `tokenize`), and
processing each `@dataclass` at import costs more than the class is worth to a
hook that runs once: together they were most of `hook commit-msg`'s time
(issue 15). `@record` gives a class what the code relies on from a frozen
dataclass, built from its annotations and defaults the same way:

- `__slots__`, an `__init__` taking the fields in order (defaults, `field(...)`
  with `default_factory`, `__post_init__`), `__match_args__`;
- `__eq__` and `__hash__` over the fields with `compare=True` (the same class
  only), `__repr__` like a dataclass's; frozen: assigning or deleting a field
  raises `FrozenInstanceError` (an AttributeError); copy and pickle work.

`replace` and `fields` here do what `dataclasses.replace` and `dataclasses.fields`
do. The `dataclasses` functions themselves (and `is_dataclass`, `asdict`,
pytest's comparison of dataclasses) work on records as well: a record's
`__dataclass_fields__` is built, importing `dataclasses`, the first time
something asks for it, which the hooks never do.
"""

from __future__ import annotations

from operator import attrgetter

# `typing` costs the hooks start-up time; type checkers treat TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

_MISSING: Any = type("_MissingType", (), {"__repr__": lambda self: "MISSING"})()


class FrozenInstanceError(AttributeError):
    """Raised on assignment to a field of a record."""


class _Field:
    __slots__ = ("compare", "default", "default_factory", "name", "repr", "type")

    def __init__(
        self, default: Any = _MISSING, default_factory: Any = _MISSING,
        compare: bool = True, repr: bool = True,
    ) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    def __repr__(self) -> str:
        return f"field(name={self.name!r}, default={self.default!r})"


def field(
    *, default: Any = _MISSING, default_factory: Any = _MISSING,
    compare: bool = True, repr: bool = True,
) -> Any:
    """A field's default and options, as `dataclasses.field` takes them."""
    return _Field(default, default_factory, compare, repr)


def fields(obj: Any) -> tuple[_Field, ...]:
    """The fields of a record (class or instance), in order."""
    try:
        return obj.__record_fields__  # type: ignore[no-any-return]
    except AttributeError:
        raise TypeError("fields() takes a record or a record's class") from None


def is_record(obj: Any) -> bool:
    """Whether `obj` is a record (an instance, not the class)."""
    return hasattr(type(obj), "__record_fields__") and not isinstance(obj, type)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of record `obj` with `changes`, as `dataclasses.replace` makes it."""
    for f in fields(obj):
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)  # type: ignore[call-arg]


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in self.__record_fields__)


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for f, value in zip(self.__record_fields__, state):  # noqa: B905
        object.__setattr__(self, f.name, value)


class _DataclassFields:
    """`__dataclass_fields__`, made on first use so that `dataclasses` functions
    and pytest's assertion diffs treat a record as the dataclass it replaces."""

    def __get__(self, obj: Any, owner: type) -> dict[str, Any]:
        made = owner.__dict__.get("_dataclass_fields_made")
        if made is not None:
            return made  # type: ignore[no-any-return]
        import dataclasses  # only for callers that already use dataclasses

        table: dict[str, Any] = {}
        for f in owner.__record_fields__:  # type: ignore[attr-defined]
            made_field = dataclasses.field(
                default=dataclasses.MISSING if f.default is _MISSING else f.default,
                default_factory=(
                    dataclasses.MISSING if f.default_factory is _MISSING else f.default_factory
                ),
                compare=f.compare, repr=f.repr,
            )
            made_field.name = f.name
            made_field.type = f.type
            made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            table[f.name] = made_field
        type.__setattr__(owner, "_dataclass_fields_made", table)
        return table


def record(cls: type[T]) -> type[T]:
    """Make `cls` a frozen record with `__slots__` (see the module's docstring)."""
    inherited: tuple[_Field, ...] = ()
    for base in cls.__mro__[1:]:
        if "__record_fields__" in base.__dict__:
            inherited = base.__dict__["__record_fields__"]
            break
    own: list[_Field] = []
    namespace = {
        key: value for key, value in cls.__dict__.items()
        if key not in ("__dict__", "__weakref__")
    }
    # Not inspect.get_annotations: importing inspect is what records avoid.
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = namespace.pop(name, _MISSING)
        made = value if isinstance(value, _Field) else _Field(default=value)
        made.name, made.type = name, annotation
        own.append(made)
    all_fields = (*[f for f in inherited if f.name not in {o.name for o in own}], *own)
    namespace["__slots__"] = tuple(f.name for f in own)
    namespace["__record_fields__"] = all_fields
    namespace["__match_args__"] = tuple(f.name for f in all_fields)
    namespace["__setattr__"] = _frozen_setattr
    namespace["__delattr__"] = _frozen_delattr
    namespace["__getstate__"] = _getstate
    namespace["__setstate__"] = _setstate
    namespace["__dataclass_fields__"] = _DataclassFields()
    new = type(cls)(cls.__name__, cls.__bases__, namespace)
    new.__qualname__ = cls.__qualname__
    _add_methods(new, all_fields)
    return new


def _add_methods(cls: type, all_fields: tuple[_Field, ...]) -> None:
    # Equality and hashing compare a tuple of the fields, as a dataclass's do,
    # through operator.attrgetter: no code to compile.
    compared = [f.name for f in all_fields if f.compare]
    key: Any = (
        attrgetter(*compared) if len(compared) > 1
        else (lambda obj, _get=attrgetter(compared[0]): (_get(obj),)) if compared
        else (lambda obj: ())
    )

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(key(self))

    shown = [f.name for f in all_fields if f.repr]

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # Compiled on the first call: a hook that imports a record and never makes
        # one pays nothing for it (compiling is most of what a record costs).
        real = _compile_init(cls, all_fields)
        type.__setattr__(cls, "__init__", real)
        real(self, *args, **kwargs)

    methods = {"__init__": __init__, "__eq__": __eq__, "__hash__": __hash__,
               "__repr__": __repr__}
    for name, function in methods.items():
        if name == "__repr__" and "__repr__" in cls.__dict__:
            continue
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        function.__module__ = cls.__module__
        type.__setattr__(cls, name, function)


def _compile_init(cls: type, all_fields: tuple[_Field, ...]) -> Any:
    """The record's `__init__`, as fast as a dataclass's: compiled from source."""
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for f in all_fields:
        if f.default_factory is not _MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(
                f"_set(self, {f.name!r}, _factory_{f.name}() if {f.name} is _MISSING "
                f"else {f.name})"
            )
        else:
            if f.default is not _MISSING:
                scope[f"_default_{f.name}"] = f.default
                params.append(f"{f.name}=_default_{f.name}")
            else:
                params.append(f.name)
            body.append(f"_set(self, {f.name!r}, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(
        f"    {line}\n" for line in body or ["pass"]
    )
    exec(source, scope)  # the way namedtuple and dataclasses build them
    function = scope["__init__"]
    function.__qualname__ = f"{cls.__qualname__}.__init__"
    function.__module__ = cls.__module__
    return function
