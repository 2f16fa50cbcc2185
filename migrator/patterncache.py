"""Compiled regular expressions kept between runs of the command line.

`re` compiles a pattern in Python (it parses the pattern, then writes the matching engine's code):
50-200 µs a pattern, and a one-file run compiles some 70 (ours, and those json and fnmatch make),
4-5 ms of a cold `migrate FILE`. What `re` hands the engine at the end (`_sre.compile`) depends only
on the pattern, its flags and the interpreter, so it is kept in a file (`marshal`, keyed by the
interpreter's version) and a later run hands it to the engine directly: some 5 µs a pattern.

Only a process of the command line's own uses it: `install()` puts `compile_pattern` in the place of
`re`'s compile step, `save()` writes what was new before the process ends. A pattern is kept only
when the pattern made from what is kept equals the one `re` made (`re.Pattern` equality compares
the engine's code), so a change in `re`'s internals turns the cache off; it never changes a match.
The engine checks the code it is given, as for any pattern. A missing, damaged or foreign file is
no cache, and a cache directory that cannot be written is never an error.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

MAX_ENTRIES = 1024  # patterns made from a file's words (a program's paths) come and go
# DEBUG prints; with LOCALE the code depends on the locale (an int: & on a flag enum is slow)
_SKIPPED_FLAGS = int(re.DEBUG | re.LOCALE)

_known: dict[tuple[str | bytes, int], bytes] = {}  # (pattern, flags) -> marshal of the engine's arguments
_used: dict[tuple[str | bytes, int], None] = {}  # this run's patterns, found or new, in order
_new = False
_file = ""
_compiler: Any = None
_original: Callable[..., re.Pattern[Any]] | None = None


def install(directory: str) -> bool:
    """Compile `re` patterns from the cache in `directory` for the rest of the process; False if
    this interpreter's `re` is not the one the cache knows how to read (then nothing changes)."""
    global _file, _compiler, _original
    compiler: Any = sys.modules.get("re._compiler") or sys.modules.get("sre_compile")
    if _original is not None or compiler is None or not _knows(compiler):
        return False
    _file = os.path.join(directory, f"patterns-{_stamp(compiler)}.marshal")
    try:
        with open(_file, "rb") as stream:
            _known.update(marshal.loads(stream.read()))
    except (OSError, EOFError, ValueError, TypeError):
        _known.clear()  # none yet, or damaged: rebuilt as patterns are compiled
    _compiler, _original = compiler, compiler.compile
    compiler.compile = compile_pattern
    return True


def uninstall() -> None:
    """`re` compiles by itself again (tests)."""
    global _compiler, _original, _new
    if _original is not None:
        _compiler.compile = _original
    _compiler = _original = None
    _known.clear()
    _used.clear()
    _new = False


def compile_pattern(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    """The compiled pattern, from the cache when it has it, else as `re` compiles it."""
    assert _original is not None
    if type(pattern) not in (str, bytes) or flags & _SKIPPED_FLAGS:
        return _original(pattern, flags)  # (a parsed pattern: re.Scanner)
    key = (pattern, int(flags))
    kept = _known.get(key)
    if kept is not None:
        try:
            compiled: re.Pattern[Any] = _compiler._sre.compile(pattern, *marshal.loads(kept))
            _used[key] = None
            return compiled
        except (EOFError, ValueError, TypeError, RuntimeError, OverflowError):
            del _known[key]  # damaged: the engine refused it
    compiled = _original(pattern, flags)
    _learn(key, compiled)
    return compiled


def save() -> None:
    """Write the cache if this run compiled patterns it did not have: this run's first, then the
    others as they were, up to MAX_ENTRIES."""
    if not _new or not _file:
        return
    kept: dict[tuple[str | bytes, int], bytes] = {}
    for key in (*_used, *_known):
        if len(kept) >= MAX_ENTRIES:
            break
        if key in _known:
            kept.setdefault(key, _known[key])
    from pathlib import Path

    from migrator.cachedir import write_entry

    write_entry(Path(_file), marshal.dumps(kept))  # (a read-only home: compile again next time)


def _learn(key: tuple[str | bytes, int], compiled: re.Pattern[Any]) -> None:
    """Keep the engine's arguments for `key` if they make the very pattern `re` made."""
    global _new
    pattern, flags = key
    try:
        parsed = _compiler._parser.parse(pattern, flags) if hasattr(_compiler, "_parser") else \
            _compiler.sre_parse.parse(pattern, flags)
        code = [int(word) for word in _compiler._code(parsed, flags)]  # (some are named int constants)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if _compiler._sre.compile(pattern, *arguments) != compiled:
            return
        _known[key] = marshal.dumps(arguments)
    except Exception:  # internals this version does not have: no cache for it
        return
    _used[key] = None
    _new = True


def _knows(compiler: Any) -> bool:
    return sys.implementation.name == "cpython" and all(
        hasattr(compiler, name) for name in ("compile", "_code", "_sre")) and (
        hasattr(compiler, "_parser") or hasattr(compiler, "sre_parse"))


def _stamp(compiler: Any) -> str:
    import zlib

    text = f"{sys.version}|{sys.implementation.cache_tag}|{compiler._sre.MAGIC}|{compiler._sre.CODESIZE}"
    return f"{zlib.crc32(text.encode()):08x}"
