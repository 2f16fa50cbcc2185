"""What is built from the built-in rules files, kept between runs and keyed by their content.

Reading the YAML (ruamel, ~100 ms) and checking every entry (~3 ms for the 2,000 of them) would
be paid by every `migrate FILE`; a cache entry is the finished product in `marshal` form (plain
tuples, dicts and strings: loading it runs no code, and `marshal` is built into the
interpreter). The key is the content of the files (CRC-32 and Adler-32 of the bytes, which are
read on every run anyway), the tool's version and the stat of the code that builds the entry.

An entry holds values that were checked when it was written: it is trusted like the installed
rules themselves (whoever can write the user's cache directory can as well change their shell's
start-up files). A missing, damaged or foreign entry is rebuilt; a cache directory that cannot
be written is no cache, never an error.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from migrator import __version__
from migrator.cachedir import user_cache_dir, write_entry

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")


def cache_dir() -> Path | None:
    return user_cache_dir()


def cached(kind: str, files: Sequence[Path], build: Callable[[list[bytes]], T], to_plain: Callable[[T], Any],
           from_plain: Callable[[Any], T], code: Sequence[str] = ()) -> T:
    """`build(contents)` of `files`, or what an earlier run built from the same bytes.

    `code` are the source files of `build`/`to_plain`/`from_plain`: editing them changes the key."""
    contents = [path.read_bytes() for path in files]
    directory = cache_dir()
    if directory is None:  # no home: no cache
        return build(contents)
    entry = directory / f"{kind}-{_key(files, contents, code)}.marshal"
    try:
        return from_plain(marshal.loads(entry.read_bytes()))
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        pass  # no entry yet, or a damaged one: build it
    built = build(contents)
    write_entry(entry, marshal.dumps(to_plain(built)))  # (ValueError: a value marshal cannot keep, a bug: tests)
    return built


def _key(files: Sequence[Path], contents: Sequence[bytes], code: Sequence[str]) -> str:
    parts = [__version__, sys.version.split()[0], *(f"{p.name}:{len(c)}:{zlib.crc32(c)}:{zlib.adler32(c)}"
                                                     for p, c in zip(files, contents, strict=True))]
    for source in (__file__, *code):
        info = os.stat(source)
        parts.append(f"{source}:{info.st_size}:{info.st_mtime_ns}")
    text = "|".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"
