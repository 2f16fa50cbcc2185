"""A result cache for `migrate --check`, so the pre-commit path does not re-migrate unchanged files.

Like black's cache: an entry is keyed by the file's bytes, the options, the configuration files
that could apply, and a stamp of the installed tool (its version plus the size and mtime of every
module and rules file), so editing any of those misses the cache. Only the standard library is
imported here: a warm `migrate --check` never loads the pipeline. MIGRATOR_NO_CACHE=1 disables it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_CONFIG_NAMES = (".migrator.yaml", "pyproject.toml")
SEPARATOR = "\f"  # between the findings lines and the "would migrate" line of an entry


def enabled() -> bool:
    return os.environ.get("MIGRATOR_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "migrator" / "check"


def _tool_stamp() -> str:
    digest = hashlib.sha256()
    roots = [_PACKAGE, _PACKAGE.parent / "rules", _PACKAGE / "_rules"]
    for root in roots:
        for directory, _, files in os.walk(root):
            if "__pycache__" in directory:
                continue
            for name in sorted(files):
                if name.endswith((".py", ".yaml", ".j2")):
                    info = os.stat(os.path.join(directory, name))
                    digest.update(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def _config_stamp(path: Path) -> str:
    """Size and mtime of every config file from the file's directory up to the root."""
    parts = []
    directory = path.resolve().parent
    while True:
        for name in _CONFIG_NAMES:
            try:
                info = os.stat(directory / name)
            except OSError:
                continue
            parts.append(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns}")
        if directory.parent == directory:
            return ";".join(parts)
        directory = directory.parent


def key(path: Path, content: bytes, options: list[str], stamp: str) -> str:
    digest = hashlib.sha256()
    for part in (stamp, _config_stamp(path), str(path), "\0".join(options)):
        digest.update(part.encode() + b"\0")
    digest.update(content)
    return digest.hexdigest()


def stamp() -> str:
    return _tool_stamp()


def store(entry_key: str, changed: bool, messages: str) -> None:
    try:
        directory = cache_dir()
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{entry_key}.{os.getpid()}"
        temporary.write_text(("1" if changed else "0") + "\n" + messages)
        os.replace(temporary, directory / entry_key)
    except OSError:
        pass  # no cache is fine


def lookup(entry_key: str) -> tuple[bool, str] | None:
    try:
        text = (cache_dir() / entry_key).read_text()
    except OSError:
        return None
    flag, _, messages = text.partition("\n")
    return flag == "1", messages


def plain_check_paths(argv: list[str]) -> tuple[list[str], bool] | None:
    """The paths of `migrate --check [-q] PATH...` with nothing else; None for any other command line."""
    if "--check" not in argv:
        return None
    paths, quiet = [], False
    for word in argv:
        if word == "--check":
            continue
        if word in ("-q", "--quiet"):
            quiet = True
        elif word.startswith("-"):
            return None
        else:
            paths.append(word)
    return (paths, quiet) if paths else None


def cached_check(argv: list[str]) -> int | None:
    """Answer `migrate --check PATH...` from the cache when every file hits; None otherwise."""
    plain = plain_check_paths(argv)
    if plain is None or not enabled():
        return None
    paths, quiet = plain
    tool = stamp()
    answers = []
    for name in paths:
        try:
            content = Path(name).read_bytes()
        except OSError:
            return None
        hit = lookup(key(Path(name), content, [], tool))
        if hit is None:
            return None
        answers.append(hit)
    changed = False
    for was_changed, messages in answers:
        changed |= was_changed
        findings, _, verdict = messages.partition(SEPARATOR)
        sys.stderr.write(("" if quiet else findings) + verdict)
    return 1 if changed else 0
