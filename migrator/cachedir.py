"""Where migrator keeps its caches (the built-in rules, `--check` answers), and how an entry is written.

A cache is an accelerator: no place for it, or a place that cannot be written (a read-only or full
disk), is no cache, never an error, and never leaves anything behind.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/migrator, else ~/.cache/migrator; None when there is no home to put it in (HOME
    unset and a uid without a passwd entry, as in arbitrary-uid containers: `~` stays `~`, and a
    cache under it would be a directory named `~` in the current directory)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "migrator"


def write_entry(path: Path, data: bytes) -> None:
    """Write a cache entry atomically (a temporary file renamed over it); on any error, nothing is left."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        try:  # noqa: SIM105 (contextlib is not imported on the hot path: 0.5 ms)
            temporary.unlink()
        except OSError:
            pass
