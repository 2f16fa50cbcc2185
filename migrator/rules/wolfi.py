"""The names `apk add` accepts on Wolfi (rules/wolfi/: package names and virtual names).

Read on first use only: most files never need them (every name they install is in the mapping
tables), and reading 12,000 names is not free on the pre-commit hook's path. A file asks about a
dozen names: those are found in the text (some 20 µs each); the tables (1 ms for the virtual names,
3.5 ms for the packages) are built only for a file that asks about many.
"""

from __future__ import annotations

from functools import lru_cache

from migrator.rules.loader import builtin_rules_dir

FOUND_IN_TEXT = 32  # names looked up in the text before the table is built
_WHITESPACE = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_packages_found: dict[str, bool] = {}
_virtual_found: dict[str, tuple[str, ...] | None] = {}


@lru_cache(maxsize=1)
def _packages_text() -> str:
    return "\n" + (builtin_rules_dir() / "wolfi" / "packages.txt").read_text(encoding="utf-8") + "\n"


@lru_cache(maxsize=1)
def _provides_text() -> str:
    return "\n" + (builtin_rules_dir() / "wolfi" / "provides.tsv").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _packages() -> frozenset[str]:
    return frozenset(_packages_text().split())


@lru_cache(maxsize=1)
def _provides() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _provides_text()[1:].splitlines():
        virtual, _, providers = line.partition("\t")
        if virtual.strip():
            table[virtual.strip()] = tuple(providers.split())
    return table


def is_wolfi_name(name: str) -> bool:
    """`apk add NAME` resolves: a Wolfi package, or a virtual name some package provides."""
    return is_package(name) or _is_virtual(name)


def is_package(name: str) -> bool:
    if len(_packages_found) >= FOUND_IN_TEXT or _unusual(name):
        return name in _packages()
    found = _packages_found.get(name)
    if found is None:
        found = _packages_found[name] = f"\n{name}\n" in _packages_text()  # one name a line
    return found


def providers(name: str) -> tuple[str, ...]:
    """The packages behind a virtual name (empty for a plain package name)."""
    if len(_virtual_found) >= FOUND_IN_TEXT or _unusual(name):
        return _provides().get(name, ())
    return _virtual(name) or ()


def _is_virtual(name: str) -> bool:
    if len(_virtual_found) >= FOUND_IN_TEXT or _unusual(name):
        return name in _provides()
    return _virtual(name) is not None


def _virtual(name: str) -> tuple[str, ...] | None:
    """The providers on the line `NAME<tab>PROVIDERS` (the last one, as in the table), read where it
    is; None if there is no such line."""
    if name not in _virtual_found:
        text = _provides_text()
        start = text.rfind(f"\n{name}\t")
        end = text.find("\n", start + 1)
        _virtual_found[name] = None if start < 0 else tuple(
            text[start + len(name) + 2 : end if end >= 0 else len(text)].split())
    return _virtual_found[name]


def _unusual(name: str) -> bool:
    """Empty, or with a line break or space: only the tables answer that as they always did."""
    return not name or not _WHITESPACE.isdisjoint(name)


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
