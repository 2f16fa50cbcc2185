"""The Wolfi equivalent of a package name the tables do not map and Wolfi does not have.

General rules, not a list of names: rules/package-patterns.yaml (versioned PHP and PostgreSQL
names, Debian library and t64 names, a soname or major version Wolfi puts in the name). A name is
only ever replaced by names that resolve (the family's table, or the Wolfi lists): a guess `apk add`
would refuse is never written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from migrator.records import dataclass
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

_NUMBER = "{N}"


@dataclass(frozen=True)
class Equivalent:
    names: tuple[str, ...]
    note: str | None = None  # a change the user should know about (PHP 7 -> Wolfi's PHP 8)


def equivalent(family: str, name: str, rules: RuleSet, depth: int = 0) -> Equivalent | None:
    """Wolfi names for `name` by the first pattern whose names all resolve, or None."""
    from migrator.rules.data import builtin_data

    table: dict[str, Any] = builtin_data("package-patterns.yaml").get("patterns") or {}
    for pattern in [*(table.get(family) or []), *(table.get("any") or [])]:
        match = re.match(pattern["match"], name)
        if match is None:
            continue
        if "php_builtin" in pattern:
            if _php_builtin(match.expand(pattern["php_builtin"]), rules):
                return Equivalent((), "the extension is compiled into Wolfi's PHP")
            continue
        targets = [match.expand(target) for target in pattern["to"]]
        found = _resolve_all(targets, family, rules, bool(pattern.get("table")), depth)
        if found is not None:
            return Equivalent(tuple(found), pattern.get("note") or _choice_note(targets))
    return None


def _php_builtin(extension: str, rules: RuleSet) -> bool:
    known = rules.runtime_libs.get("php_extensions", {})
    return extension in known and not known[extension]


def _resolve_all(targets: list[str], family: str, rules: RuleSet, via_table: bool, depth: int) -> list[str] | None:
    names: list[str] = []
    for target in targets:
        resolved = _resolve(target, family, rules, via_table, depth)
        if resolved is None:
            return None
        names += [n for n in resolved if n not in names]
    return names or None


def _resolve(target: str, family: str, rules: RuleSet, via_table: bool, depth: int) -> tuple[str, ...] | None:
    from migrator.rules.wolfi import is_wolfi_name

    if _NUMBER in target:
        newest = newest_numbered(target)
        return (newest,) if newest else None
    if via_table:
        mapping = rules.package(family, target)
        if mapping is not None:
            return mapping.names or None
    if is_wolfi_name(target):
        return (target,)
    if via_table and depth < 1:
        found = equivalent(family, target, rules, depth + 1)
        return found.names if found else None
    return None


def newest_numbered(template: str) -> str | None:
    """The Wolfi name that fits `template` (`fuse{N}`) with the highest number: fuse3 over fuse2."""
    found = _numbered(template)
    return found[-1] if found else None


def numbered(template: str) -> tuple[str, ...]:
    """Every Wolfi name that fits `template` (`php-8.{N}-swoole`), lowest number first."""
    return _numbered(template)


def _choice_note(targets: list[str]) -> str | None:
    """`fuse{N}` chose fuse3 while Wolfi also has fuse2: say so, the other may be the one meant."""
    for target in targets:
        found = _numbered(target) if _NUMBER in target else ()
        if len(found) > 1:
            return f"the newest of {', '.join(found)} in Wolfi; use another with --rules if the software needs it"
    return None


@lru_cache(maxsize=256)
def _numbered(template: str) -> tuple[str, ...]:
    """Wolfi names that fit `template` (`fuse{N}`), lowest number first."""
    from migrator.rules.wolfi import all_names

    head, _, tail = template.partition(_NUMBER)
    shape = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail))
    found: list[tuple[int, str]] = []
    for name in all_names():
        match = shape.fullmatch(name)
        if match is not None:
            found.append((int(match.group(1)), name))
    return tuple(name for _, name in sorted(found))
