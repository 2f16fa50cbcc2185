"""A result cache for `migrate --check` and `migrate hook check`, so unchanged files are not re-migrated.

Like black's cache, but keyed by everything that can change the answer:

- the file's bytes (as read once by the command) and its path (overrides match on paths);
- the command line's options;
- the content of every configuration file that could apply (from the file's directory up);
- a stamp of the installed tool: its version, the size and mtime of every module and built-in
  rules file, the Python version and the shell parser's files;
- the content of the rules files the run used (`--rules` and `rules:` in configuration). Which
  ones those are is known only after the configuration is read, so an entry lists them with a
  hash of their content, and a lookup checks them: editing a rules file misses the cache.

Only the standard library is imported here, and only its built-in parts when the cache is used
(SHA-256 from `_sha2`, entries in `marshal`: hashlib loads OpenSSL, 1.7 ms, and json takes 1 ms
to import): a warm `migrate --check` never loads the pipeline or the configuration reader.
MIGRATOR_NO_CACHE=1 disables the cache; a cache that cannot be written is no cache, never an error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent
_CONFIG_NAMES = (".migrator.yaml", ".migrator.yml", "pyproject.toml")
_PARSER_MODULES = ("tree_sitter", "tree_sitter_bash")
SEPARATOR = "\f"  # between the findings lines and the "would migrate" line of an entry


def enabled() -> bool:
    return os.environ.get("MIGRATOR_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path | None:
    from migrator.cachedir import user_cache_dir

    base = user_cache_dir()
    return None if base is None else base / "check"


def _tool_stamp() -> str:
    digest = _sha256(sys.version.encode())
    roots = [_PACKAGE, _PACKAGE.parent / "rules", _PACKAGE / "_rules", *_parser_roots()]
    for root in roots:
        for directory, _, files in os.walk(root):
            if "__pycache__" in directory:
                continue
            for name in sorted(files):
                if name.endswith((".py", ".yaml", ".j2", ".so", ".pyd")):
                    info = os.stat(os.path.join(directory, name))
                    digest.update(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def _parser_roots() -> list[Path]:
    """Where the shell parser is installed (without importing it): an upgrade changes answers."""
    from importlib.machinery import PathFinder

    roots = []
    for module in _PARSER_MODULES:
        try:  # on sys.path, as installed; else as any finder has it (importlib.util imports contextlib)
            spec = PathFinder.find_spec(module)
            if spec is None:
                from importlib.util import find_spec

                spec = find_spec(module)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.origin:
            roots.append(Path(spec.origin).parent)
    return roots


def _file_hash(path: Path | str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return str(_sha256(stream.read()).hexdigest())
    except OSError:
        return None


def _config_stamp(path: Path) -> str:
    """The content of every configuration file from the file's directory up to where the configuration
    search stops (config._find): the first directory with a `.git` (a directory, or a file as in
    submodules and worktrees), whose presence is part of the stamp, or the root."""
    parts = []
    directory = Path(os.path.realpath(path.parent))
    while True:
        for name in _CONFIG_NAMES:
            candidate = directory / name
            if os.path.lexists(candidate):
                parts.append(f"{candidate}:{_file_hash(candidate)}")
        if os.path.lexists(directory / ".git"):
            parts.append(f"{directory}/.git")
            return ";".join(parts)
        if directory.parent == directory:
            return ";".join(parts)
        directory = directory.parent


def _sha256(data: bytes = b"") -> Any:
    """hashlib.sha256 without hashlib: CPython's own SHA-256 (`_sha2`, `_sha256` before 3.12)."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]
        except ImportError:
            from hashlib import sha256
    return sha256(data)


def key(path: Path, content: bytes, options: list[str], stamp: str) -> str:
    digest = _sha256()
    for part in (stamp, _config_stamp(path), str(path), "\0".join(options)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(content)
    return digest.hexdigest()


@cache
def stamp() -> str:
    """The installed tool's stamp, once per process (it stats every module and rules file)."""
    return _tool_stamp()


def store(entry_key: str, changed: bool, messages: str, depends: Iterable[Path | str] = ()) -> None:
    """Remember an answer; `depends` are the files (rules) whose content it also depends on."""
    hashes = {str(p): _file_hash(p) for p in depends}
    if None in hashes.values():
        return  # a rules file that cannot be read now cannot be checked later
    entry = {"changed": changed, "messages": messages, "depends": hashes}
    import marshal

    from migrator.cachedir import write_entry

    directory = cache_dir()
    if directory is None:
        return  # no home: no cache
    try:
        data = marshal.dumps(entry)
    except ValueError:
        return
    write_entry(directory / entry_key, data)


def lookup(entry_key: str) -> tuple[bool, str] | None:
    import marshal

    directory = cache_dir()
    if directory is None:
        return None
    try:
        entry = marshal.loads((directory / entry_key).read_bytes())
        changed, messages, depends = bool(entry["changed"]), str(entry["messages"]), dict(entry["depends"])
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None
    if any(_file_hash(path) != digest for path, digest in depends.items()):
        return None
    return changed, messages
