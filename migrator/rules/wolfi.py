"""The names `apk add` accepts on Wolfi (rules/wolfi/: package names and virtual names).

Read on first use only: most files never need them (every name they install is in the mapping
tables), and reading 12,000 names is not free on the pre-commit hook's path.
"""

from __future__ import annotations

from functools import lru_cache

from migrator.rules.loader import builtin_rules_dir


@lru_cache(maxsize=1)
def _packages() -> frozenset[str]:
    return frozenset((builtin_rules_dir() / "wolfi" / "packages.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def _provides() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in (builtin_rules_dir() / "wolfi" / "provides.tsv").read_text(encoding="utf-8").splitlines():
        virtual, _, providers = line.partition("\t")
        if virtual.strip():
            table[virtual.strip()] = tuple(providers.split())
    return table


def is_wolfi_name(name: str) -> bool:
    """`apk add NAME` resolves: a Wolfi package, or a virtual name some package provides."""
    return name in _packages() or name in _provides()


def is_package(name: str) -> bool:
    return name in _packages()


def providers(name: str) -> tuple[str, ...]:
    """The packages behind a virtual name (empty for a plain package name)."""
    return _provides().get(name, ())


def all_names() -> frozenset[str]:
    """Every package and virtual name."""
    return _all()


@lru_cache(maxsize=1)
def _all() -> frozenset[str]:
    return _packages() | frozenset(_provides())


def similar_names(name: str, limit: int = 3) -> list[str]:
    """Wolfi names close to one it lacks (`postgresql-client-17` -> `postgresql-client`, ...), for the
    message only: an unknown name is never replaced by a guess."""
    return list(_similar_names(name, limit))


@lru_cache(maxsize=16384)  # more than the names of a large file: the planner's attempts ask again for each
def _similar_names(name: str, limit: int) -> tuple[str, ...]:
    """Once per name (a file can name the same unknown package a thousand times); the names sharing
    its stem are found by bisection in the sorted names, not by scanning all 12,000."""
    import bisect
    import difflib
    import re

    stem = re.split(r"[-._0-9]", name, maxsplit=1)[0]
    if len(stem) < 3:
        return ()
    names = _names_sorted()
    pool = names[bisect.bisect_left(names, stem) : bisect.bisect_left(names, stem + "\U0010ffff")]
    return tuple(difflib.get_close_matches(name, pool, n=limit, cutoff=0.75))


@lru_cache(maxsize=1)
def _names_sorted() -> list[str]:
    return sorted((*_provides(), *_packages()))  # duplicates kept: the matches are the same as before
