"""The one library API that the CLI, the pre-commit hook, the scanner and the bot all call.

    result = migrate_text(text, Options(registry="cgr.dev/acme"), path="Dockerfile")
    result.dockerfile, result.changed, result.stages, result.findings

Pipeline: parse -> plan -> rewrite -> render (see the sub-packages of the same names), then, only
with `Options(pin=True)` or `verify_tags=True`, the registry step (`migrator.registry`).

Text is decoded from UTF-8 with `surrogateescape`: a byte that is not UTF-8 becomes a lone surrogate
and `encode_dockerfile` turns it back into the same byte, so lines the migration does not touch come
out exactly as they went in, whatever their encoding.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from migrator.model import Finding, MigratorError, Options, Result, Severity
from migrator.records import replace

ENCODING, ERRORS = "utf-8", "surrogateescape"


def migrate_text(text: str, options: Options | None = None, path: str = "Dockerfile") -> Result:
    """Migrate Dockerfile text. Raises MigratorError for text that is not a Dockerfile or bad options,
    and its subclass RegistryError when `pin` / `verify_tags` need a registry that cannot be asked."""
    from migrator.parse.imageref import check_options
    from migrator.pipeline import run

    options = options or Options()
    check_options(options)
    result = run(text, options, path)
    if options.pin or options.verify_tags:
        from migrator.registry.resolve import resolve_references

        result = resolve_references(result, options)
    result.findings = [f if _printable(f.message) else replace(f, message=_escaped(f.message)) for f in result.findings]
    return result


# the codes of the start check's error for a final stage that cannot start (validate.startable._broken_code),
# MIG543: a COPY --from of a path the source stage's image does not have, which fails the build, and the errors
# of a start that exits or hangs (pipeline.START_FAILURES)
_START_ERRORS = ("MIG540", "MIG505", "MIG507", "MIG549", "MIG543")


def start_error(result: Result) -> Finding | None:
    """The error finding that says why the migrated final stage cannot start (its runtime status is
    `broken`), or None when it can, or when that finding was ignored (`--ignore`, a pragma): then the user
    has said they know. `--write`, `scan --write` and `hook fix` do not write such a migration, and the bot
    does not suggest it: a migrated file that cannot start is worse than the original."""
    if not result.changed or result.runtime is None or result.runtime.status != "broken":
        return None
    reason = result.runtime.reason
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    said = [f for f in errors if f.message in (reason, _escaped(reason))]
    from migrator.pipeline import START_FAILURES

    said = said or [f for f in errors if f.code in _START_ERRORS + START_FAILURES]
    return said[0] if said else None


def _printable(message: str) -> bool:
    return message.isprintable() or all(c.isprintable() or c == "\t" for c in message)


def _escaped(message: str) -> str:
    """Finding messages quote the Dockerfile: its control characters (an ANSI escape, a byte that is
    not UTF-8) must not reach a terminal or a CI log as they are."""
    return "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in message)


def read_dockerfile(path: Path) -> str:
    """Read a Dockerfile as text, refusing what cannot be one (one-line MigratorError)."""
    return decode_dockerfile(read_bytes(path), str(path))


def read_bytes(path: Path | str) -> bytes:
    """The bytes of a regular file, read once; FIFOs, devices, directories and symlink loops are refused."""
    name = str(path)
    try:
        info = os.stat(name)
    except OSError as exc:
        raise MigratorError(f"{name}: {_why_unreadable(name, exc)}") from None
    _require_regular(name, info.st_mode)
    try:
        # O_NONBLOCK: if a FIFO was swapped in since the stat, opening it must not hang
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise MigratorError(f"{name}: {_why_unreadable(name, exc)}") from None
    try:
        _require_regular(name, os.fstat(fd).st_mode)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise MigratorError(f"{name}: {_why_unreadable(name, exc)}") from None
    finally:
        os.close(fd)


def decode_dockerfile(data: bytes, name: str) -> str:
    if not data.strip():
        raise MigratorError(f"{name}: file is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise MigratorError(f"{name}: binary content (a NUL byte at offset {nul}), not a Dockerfile")
    return data.decode(ENCODING, ERRORS)


def encode_dockerfile(text: str) -> bytes:
    """The inverse of decode_dockerfile: undecodable input bytes come back as they were."""
    return text.encode(ENCODING, ERRORS)


def migrate_path(path: Path, options: Options | None = None) -> Result:
    return migrate_text(read_dockerfile(path), options, str(path))


def _require_regular(name: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise MigratorError(f"{name}: is a directory")
    kind = "a FIFO or pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(
        mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file"
    raise MigratorError(f"{name}: not a regular file ({kind}); to migrate a stream, pipe it to '-'")


def _why_unreadable(name: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "broken symlink (its target does not exist)" if os.path.islink(name) else "no such file"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    if exc.errno == errno.ENOTDIR:
        return "no such file (a part of the path is not a directory)"
    return f"cannot read ({exc.strerror or exc})"
