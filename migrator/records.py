"""`@dataclass` for the hot path: the same classes, without the cost of defining them.

`dataclasses.dataclass` writes the source of `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__` and `__delattr__` for every class and compiles each one, and it needs `inspect`
(which brings `ast`, `dis`, `tokenize`): about 0.3 ms a class and 10 ms of imports, some 25 ms of
every `migrate FILE` before this module. Here the other methods are shared closures over the field
names, and `__init__` is generic for a class's first hundred instances, then compiled (it must be fast: a
large Dockerfile makes hundreds of thousands of these objects).

What the code base uses is supported, with dataclass semantics: `@dataclass`,
`@dataclass(frozen=True)` (immutable and hashable), `field(default=...)` and
`field(default_factory=...)`, inheritance of fields, `replace()`. Type checkers see the standard
`dataclasses` (the names are re-exported from it under TYPE_CHECKING), so mypy checks the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

__all__ = ["dataclass", "field", "field_names", "from_fields", "replace"]

_MISSING: Any = object()
_FIELDS = "__record_fields__"


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (dataclasses raises its own subclass of AttributeError)."""


class _Field:
    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING) -> None:
        self.default = default
        self.default_factory = default_factory


def _field(*, default: Any = _MISSING, default_factory: Any = _MISSING) -> Any:
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory)


def _dataclass(cls: type | None = None, /, *, frozen: bool = False) -> Any:
    def wrap(klass: type) -> type:
        return _build(klass, frozen)

    return wrap if cls is None else wrap(cls)


def _build(cls: type, frozen: bool) -> type:
    fields: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(getattr(base, _FIELDS, {}))
    for name, annotation in _own_annotations(cls).items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, _Field) else _Field(value)
        if isinstance(value, _Field):
            if spec.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        fields[name] = spec  # a field redefined in a subclass keeps its place, as in dataclasses
    _check_order(cls, fields)
    names = tuple(fields)
    setattr(cls, _FIELDS, fields)
    key: Callable[[Any], Any] = attrgetter(*names) if names else (lambda self: ())
    own = cls.__dict__
    # as dataclasses does: what the class body defines itself stays (a __repr__ that hides a secret)
    class_hash = own.get("__hash__", _MISSING)
    explicit_hash = not (class_hash is _MISSING or (class_hash is None and "__eq__" in own))
    for name, method in (("__init__", _lazy_init(cls, fields, frozen)), ("__repr__", _repr(names)),
                         ("__eq__", _eq(key))):
        if name not in own:
            setattr(cls, name, method)
    setattr(cls, "__match_args__", names)  # noqa: B010 (mypy refuses the assignment)
    if frozen:
        cls.__setattr__ = _frozen_setattr  # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr  # type: ignore[assignment]
    if not explicit_hash:  # frozen: hashable by value; mutable and compared by value: unhashable
        cls.__hash__ = _hash(key) if frozen else None  # type: ignore[assignment]
    return cls


def _own_annotations(cls: type) -> dict[str, Any]:
    found = cls.__dict__.get("__annotations__")  # noqa: RUF063 (inspect.get_annotations: inspect costs 5 ms)
    if found is None and "__annotate__" in cls.__dict__:  # Python 3.14: annotations are evaluated lazily
        import inspect

        found = inspect.get_annotations(cls)
    return dict(found or {})


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _check_order(cls: type, fields: dict[str, _Field]) -> None:
    seen_default = False
    for name, spec in fields.items():
        has_default = spec.default is not _MISSING or spec.default_factory is not _MISSING
        if seen_default and not has_default:
            raise TypeError(f"{cls.__name__}: non-default argument {name!r} follows default argument")
        seen_default = seen_default or has_default


_COMPILE_AFTER = 100  # instances made with the generic __init__ before the class gets a compiled one


def _lazy_init(cls: type, fields: dict[str, _Field], frozen: bool) -> Callable[..., None]:
    """A generic `__init__`, until the class has made enough instances for a compiled one to pay:
    compiling takes some 100 µs, and the generic one costs about 1 µs more an instance. (After ten
    instances, a one-file run compiled 15 initialisers, 1.5 ms; after a hundred, two.)"""
    names = tuple(fields)
    specs = tuple(fields.values())
    count = len(names)
    made = 0

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal made
        made += 1
        if made > _COMPILE_AFTER:
            real = _compile_init(cls, fields)
            cls.__init__ = real  # type: ignore[misc]
            real(self, *args, **kwargs)
            return
        if len(args) > count:
            raise TypeError(f"{cls.__qualname__}() takes {count} arguments but {len(args)} were given")
        values = self.__dict__
        for name, value in zip(names, args, strict=False):  # (fewer arguments than fields: defaults)
            values[name] = value
        for index in range(len(args), count):
            name, spec = names[index], specs[index]
            if name in kwargs:
                values[name] = kwargs.pop(name)
            elif spec.default_factory is not _MISSING:
                values[name] = spec.default_factory()
            elif spec.default is not _MISSING:
                values[name] = spec.default
            else:
                raise TypeError(f"{cls.__qualname__}() missing required argument {name!r}")
        if kwargs:  # unknown, or given positionally too
            raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {next(iter(kwargs))!r}")

    return __init__


def _compile_init(cls: type, fields: dict[str, _Field]) -> Callable[..., None]:
    params, body, scope = [], [], {"_MISSING": _MISSING}
    for index, (name, spec) in enumerate(fields.items()):
        if spec.default_factory is not _MISSING:
            scope[f"_factory{index}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            body.append(f"  _d[{name!r}] = _factory{index}() if {name} is _MISSING else {name}")
        else:
            if spec.default is not _MISSING:
                scope[f"_default{index}"] = spec.default
                params.append(f"{name}=_default{index}")
            else:
                params.append(name)
            body.append(f"  _d[{name!r}] = {name}")
    source = f"def __init__(self, {', '.join(params)}):\n  _d = self.__dict__\n" + "\n".join(body or ["  pass"])
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), scope, namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _eq(key: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) == key(other)

    return __eq__


def _hash(key: Callable[[Any], Any]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _replace(obj: Any, /, **changes: Any) -> Any:
    fields = getattr(type(obj), _FIELDS, None)
    if fields is None:
        from dataclasses import replace as dataclasses_replace

        return dataclasses_replace(obj, **changes)
    for name in fields:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return type(obj)(**changes)


def from_fields(cls: Callable[..., R], rows: Iterable[tuple[Any, ...]]) -> list[R]:
    """`[cls(*row) for row in rows]` for rows that hold every field of the record class, in order
    (what a cache keeps of its records), without calling `__init__`: the built-in rules make some
    1,700 records on every run, and a class's first hundred go through the generic `__init__`."""
    names = tuple(getattr(cls, _FIELDS))
    count, new = len(names), object.__new__
    made = []
    for row in rows:
        if len(row) != count:
            raise TypeError(f"{getattr(cls, '__qualname__', cls)}: {len(row)} values for {count} fields")
        record = new(cls)  # type: ignore[arg-type]
        record.__dict__.update(zip(names, row, strict=True))
        made.append(record)
    return made


def field_names(cls: type) -> tuple[str, ...]:
    """The fields of a record class (or of a standard dataclass), in order."""
    fields = getattr(cls, _FIELDS, None)
    if fields is None:
        from dataclasses import fields as dataclass_fields

        return tuple(f.name for f in dataclass_fields(cls))
    return tuple(fields)


TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from dataclasses import dataclass, field, replace
    from typing import Any, TypeVar

    R = TypeVar("R")
else:
    dataclass, field, replace = _dataclass, _field, _replace
