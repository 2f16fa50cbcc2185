"""Patterns on the hot path: module-level regular expressions compiled on first use, and globs.

The hot path's modules define some 70 patterns; a typical file uses half of them, and compiling one
takes 50-100 µs: a few milliseconds of every `migrate FILE` went to patterns it never used.
`lazy(pattern)` is a stand-in with the methods of `re.Pattern` that compiles at its first call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "finditer", "findall", "split")


class _Lazy:
    """Compiles at the first call of a method, then puts the compiled pattern's own methods on the
    instance: from then on `PATTERN.match(...)` is the compiled pattern's, no indirection."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern, self._flags = pattern, flags

    def _compile(self) -> re.Pattern[str]:
        compiled = re.compile(self._pattern, self._flags)
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))
        self._compiled = compiled
        return compiled

    def match(self, *args: Any) -> re.Match[str] | None:
        return self._compile().match(*args)

    def fullmatch(self, *args: Any) -> re.Match[str] | None:
        return self._compile().fullmatch(*args)

    def search(self, *args: Any) -> re.Match[str] | None:
        return self._compile().search(*args)

    def sub(self, *args: Any, **kwargs: Any) -> str:
        return self._compile().sub(*args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> tuple[str, int]:
        return self._compile().subn(*args, **kwargs)

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        return self._compile().finditer(*args)

    def findall(self, *args: Any) -> list[Any]:
        return self._compile().findall(*args)

    def split(self, *args: Any, **kwargs: Any) -> list[str]:
        return self._compile().split(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # pattern, flags, groups, groupindex, scanner
        if name == "_compiled":
            return self._compile()
        return getattr(self._compiled, name)


if TYPE_CHECKING:
    lazy = re.compile
else:
    def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
        return _Lazy(pattern, flags)


def glob_match(name: str, pattern: str) -> bool:
    """fnmatch.fnmatchcase, without compiling the pattern when its literal start already differs (an
    image is looked up in some 180 rules, and each pattern fnmatch sees becomes a regular expression)."""
    wild = _wild_start(pattern)
    if wild < 0:
        return name == pattern
    if not name.startswith(pattern[:wild]):
        return False
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)


@lru_cache(maxsize=1024)  # (the rules' patterns, asked about a thousand times a run)
def _wild_start(pattern: str) -> int:
    """Where the first wildcard of a glob is; -1 for none."""
    return min((i for i in (pattern.find("*"), pattern.find("?"), pattern.find("[")) if i >= 0), default=-1)


def glob_root(path: str, pattern: str) -> str | None:
    """The prefix of `path` that matches `pattern`, a path glob of as many components
    (`/usr/local/lib/python3.*` in `/usr/local/lib/python3.12/site-packages/x`), if any."""
    parts = path.split("/")
    depth = pattern.count("/")
    if len(parts) <= depth:
        return None
    root = "/".join(parts[: depth + 1])
    return root if glob_match(root, pattern) else None
