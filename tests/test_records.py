"""migrator.records behaves as dataclasses does for what the code base uses, at a fraction of the cost."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
import subprocess
import sys
from typing import Any

import pytest

from migrator.records import dataclass, field, replace


@dataclass(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclass
class Bag:
    name: str
    items: list[str] = field(default_factory=list)
    count: int = field(default=3)


@dataclass
class Labelled(Bag):
    label: str = "-"
    count: int = 5  # redefined: keeps its place, new default


@dataclasses.dataclass(frozen=True)
class StdPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


def test_construction_defaults_and_factories() -> None:
    assert (Point(1).x, Point(1).y, Point(1, 2).y, Point(x=1, tags=("a",)).tags) == (1, 0, 2, ("a",))
    first, second = Bag("a"), Bag("b")
    first.items.append("x")
    assert second.items == [] and first.count == 3  # one list per instance
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, (), 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_same_repr_eq_and_hash_as_dataclasses() -> None:
    assert repr(Point(1, 2)) == repr(StdPoint(1, 2)).replace("StdPoint", "Point")
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1) and Point(1) != StdPoint(1)
    assert len({Point(1), Point(1), Point(2)}) == 2
    assert Bag("a") == Bag("a")
    with pytest.raises(TypeError):
        hash(Bag("a"))  # mutable and compared by value: unhashable, as in dataclasses


def test_frozen_refuses_assignment() -> None:
    point = Point(1)
    with pytest.raises(AttributeError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x  # type: ignore[misc]


def test_inheritance_keeps_field_order() -> None:
    item = Labelled("n", ["i"], 7, "l")
    assert (item.name, item.items, item.count, item.label) == ("n", ["i"], 7, "l")
    assert Labelled("n").count == 5
    assert repr(Labelled("n")) == "Labelled(name='n', items=[], count=5, label='-')"


def test_replace_pickle_and_copy() -> None:
    point = Point(1, 2, ("a",))
    assert replace(point, y=5) == Point(1, 5, ("a",))
    assert replace(StdPoint(1), y=3) == StdPoint(1, 3)  # a standard dataclass too
    for clone in (pickle.loads(pickle.dumps(point)), copy.copy(point), copy.deepcopy(point)):
        assert clone == point and hash(clone) == hash(point)
    bag = Bag("a", ["x"])
    assert pickle.loads(pickle.dumps(bag)) == bag


def test_a_non_default_field_after_a_default_one_is_refused() -> None:
    with pytest.raises(TypeError):
        @dataclass
        class Wrong:
            a: int = 1
            b: int  # type: ignore[misc]


def test_defining_records_does_not_import_dataclasses_or_inspect() -> None:
    code = ("import sys\nfrom migrator.records import dataclass, field\n"
            "@dataclass(frozen=True)\nclass A:\n    a: int\n    b: list = field(default_factory=list)\n"
            "A(1)\nprint('dataclasses' in sys.modules, 'inspect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_generic_and_the_compiled_init_agree() -> None:
    """The first instances are made by a generic __init__, the later ones by a compiled one."""
    from migrator import records

    @dataclass
    class Made:
        a: int
        b: str = "x"
        c: list[int] = field(default_factory=list)

    def refuses_wrong_arguments() -> None:
        wrongs: list[tuple[Any, ...]] = [(), (1, "b", [], 4)]
        for wrong in wrongs:
            with pytest.raises(TypeError):
                Made(*wrong)
        with pytest.raises(TypeError):
            Made(1, a=2)  # type: ignore[misc]
        with pytest.raises(TypeError):
            Made(1, d=2)  # type: ignore[call-arg]

    generic_init = Made.__init__
    refuses_wrong_arguments()
    made = [made for _ in range(records._COMPILE_AFTER // 4 + 2)
            for made in (Made(1), Made(2, "y"), Made(a=3, c=[1]), Made(4, b="z"))]
    assert Made.__init__ is not generic_init  # both kinds were used
    assert [(m.a, m.b, m.c) for m in made[:4]] == [(1, "x", []), (2, "y", []), (3, "x", [1]), (4, "z", [])]
    assert made[:4] * (records._COMPILE_AFTER // 4 + 2) == made
    assert made[0].c is not made[-4].c  # a list of its own each
    refuses_wrong_arguments()


def test_migrator_defines_its_records_with_one_decorator() -> None:
    """`dataclasses.replace` refuses a record: one kind of class everywhere keeps them from meeting."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "migrator"
    users = [str(p.relative_to(root)) for p in root.rglob("*.py")
             if re.search(r"^\s*(from dataclasses import|import dataclasses)", p.read_text(), re.MULTILINE)
             and p.name != "records.py"]
    assert users == []


def test_what_the_class_defines_itself_stays() -> None:
    """As in dataclasses: a __repr__ of its own (one that hides a secret) is not replaced."""

    @dataclass(frozen=True)
    class Secret:
        user: str
        password: str

        def __repr__(self) -> str:
            return f"Secret(user={self.user!r}, password=***)"

        def __hash__(self) -> int:
            return 7

    assert "pw" not in repr(Secret("u", "pw")) and hash(Secret("u", "pw")) == 7
    assert Secret("u", "pw") == Secret("u", "pw")


def test_records_from_their_fields_are_the_records_init_makes() -> None:
    from migrator.records import FrozenInstanceError, from_fields

    @dataclass(frozen=True)
    class Rule:
        match: str
        tags: tuple[str, ...] = ()
        note: str | None = None

    rows = [("python:*", ("3*",), None), ("node", (), "lts")]
    made = from_fields(Rule, rows)
    assert made == [Rule(*row) for row in rows] and [hash(r) for r in made] == [hash(Rule(*row)) for row in rows]
    assert repr(made[1]) == repr(Rule("node", (), "lts")) and type(made[0]) is Rule
    with pytest.raises(FrozenInstanceError):
        made[0].match = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        from_fields(Rule, [("only-one",)])  # every field, or a damaged cache entry
