"""The facts of each stage read once per migration, and shared by every reader.

A migration asks about the same stage a score of times (the writer for each stage it writes, the planner, the
start check, the Python pins, the interpreters): reading its instructions again each time was a third of a
one-file run. Within `with FactsMemo():` (one file: pipeline.run) `remembered` keeps what was read, by the stage
objects it was read from and what else the reading depended on, and hands every reader a copy of its own (readers
change the facts they are given: facts_with_parents joins the commands of a chain). A stage whose items changed
since (the writer inserts some: rewrite.python_layout) is read again. Nothing outlives the block: the next file,
in `scan` or the hook, starts empty.
"""

from __future__ import annotations

from contextvars import ContextVar
from operator import is_

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence
    from contextvars import Token

    from migrator.parse.dockerfile import Item
    from migrator.plan.facts import StageFacts
    from migrator.plan.stages import Stage

# the stages read, each with the items it had when read; the objects the reading depended on; the facts read
_Snapshot = tuple[tuple["Stage", tuple["Item", ...]], ...]
_Entry = tuple[_Snapshot, tuple[object, ...], "StageFacts"]


class FactsMemo:
    """What `remembered` read while the block runs; a block inside another has its own."""

    def __init__(self) -> None:
        self._read: dict[tuple[Hashable, ...], _Entry] = {}
        self._token: Token[FactsMemo | None] | None = None

    def __enter__(self) -> FactsMemo:
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        self._read.clear()

    def facts(self, stages: Sequence[Stage], key: tuple[Hashable, ...], kept: tuple[object, ...],
              read: Callable[[], StageFacts]) -> StageFacts:
        snapshot = tuple((stage, tuple(stage.items)) for stage in stages)
        full_key = (*map(id, stages), *map(id, kept), *key)
        entry = self._read.get(full_key)
        if entry is None or not _same(entry[0], snapshot):
            entry = (snapshot, kept, read())  # (the entry keeps the stages and objects alive: their ids stay theirs)
            self._read[full_key] = entry
        return entry[2].copy()


_CURRENT: ContextVar[FactsMemo | None] = ContextVar("facts memo", default=None)


def remembered(stages: Sequence[Stage], key: tuple[Hashable, ...], read: Callable[[], StageFacts],
               kept: tuple[object, ...] = ()) -> StageFacts:
    """`read()`: the facts of `stages` (a stage, or a chain from its root), which depend on nothing but their items,
    the values in `key` and the objects in `kept` (by identity: the rules); within a FactsMemo block, read once for
    the same stage objects, items, key and objects."""
    memo = _CURRENT.get()
    return read() if memo is None else memo.facts(stages, key, kept, read)


def _same(before: _Snapshot, now: _Snapshot) -> bool:
    """The same stage objects holding the same item objects (not equal ones: readers find a fact's instruction in
    its stage by identity)."""
    return len(before) == len(now) and all(
        stage is other and len(items) == len(others) and all(map(is_, items, others))
        for (stage, items), (other, others) in zip(before, now, strict=True))
