"""Files in and out for the commands that rewrite Dockerfiles in place (`--write`, `scan --write`, `hook fix`).

Reading: each input is read once (`Input`), and what was read is what gets migrated, cached and
compared before the write. A symlink is followed: its final target is the file rewritten, the link
stays a link.

Writing is all-or-nothing across files, in two phases:

1. stage: for every file, the new text (and the backup, the bytes that were migrated) goes into a
   temporary file next to its destination, flushed to disk, with the original's mode, owner and
   group. Anything that would fail (read-only directory, disk full, `X.bak` a directory, an owner
   this user cannot give) fails here, and then nothing at all is written;
2. commit: under a lock on each directory (against another migrator), every destination is
   re-read and compared with the bytes that were migrated (against an editor or any other writer),
   then each temporary file is renamed over its destination. SIGINT and SIGTERM wait until the
   renames are done. Should a rename still fail, the error says exactly which files were written.

Temporary files are removed on every way out that Python sees (errors, Ctrl-C, SIGTERM via
`errors.guarded`).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from migrator.api import encode_dockerfile, read_bytes
from migrator.cli.errors import signals_deferred
from migrator.model import MigratorError
from migrator.records import dataclass, field

BACKUP_SUFFIX = ".bak"
_TEMP_PREFIX, _TEMP_SUFFIX = ".migrate-", ".tmp"


@dataclass(frozen=True)
class Input:
    name: str  # as given on the command line; "-" for standard input
    data: bytes
    target: Path | None = None  # the regular file read (symlinks followed); None for stdin


def read_input(name: str) -> Input:
    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise MigratorError("-: standard input is closed")
        try:
            return Input(name, stream.read())
        except OSError as exc:
            raise MigratorError(f"-: cannot read standard input ({exc.strerror or exc})") from None
    data = read_bytes(name)
    return Input(name, data, Path(os.path.realpath(name)))


@dataclass(frozen=True)
class Replacement:
    source: Input  # what was read and migrated
    text: str  # the migrated text
    backup: bool


@dataclass
class _Staged:
    replacement: Replacement
    temporaries: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, destination), in order

    @property
    def name(self) -> str:
        return self.replacement.source.name

    @property
    def target(self) -> Path:
        target = self.replacement.source.target
        assert target is not None
        return target


def replace_files(replacements: list[Replacement]) -> list[str]:
    """Write every replacement, or none (MigratorError). Returns the names written, in order."""
    staged: list[_Staged] = []
    unique = {r.source.target: r for r in replacements if r.source.target is not None}  # one file named twice
    _refuse_backup_over_a_target(list(unique.values()))
    try:
        for replacement in unique.values():
            staged.append(_Staged(replacement))  # listed first: the finally below removes what it staged
            _stage(staged[-1])
        from contextlib import ExitStack  # (a write only)

        with ExitStack() as locks:
            for directory in sorted({str(s.target.parent) for s in staged}):
                locks.enter_context(_directory_lock(directory))
            with signals_deferred():
                for item in staged:
                    _check_unchanged(item)
                return _commit(staged)
    finally:
        for item in staged:
            for temporary, _ in item.temporaries:
                _unlink_quietly(temporary)


def _backup_of(target: Path) -> Path:
    return target.with_name(target.name + BACKUP_SUFFIX)


def _refuse_backup_over_a_target(replacements: list[Replacement]) -> None:
    """`migrate --write Dockerfile*` names X and X.bak: X's backup would be written over X.bak, which is
    then migrated too, and X's original would be in no file at all. Refuse before anything is written."""
    targets = {r.source.target: r.source.name for r in replacements if r.source.target is not None}
    for replacement in replacements:
        target = replacement.source.target
        if not replacement.backup or target is None:
            continue
        backup = _backup_of(target)
        if backup in targets:
            raise _nothing_written(replacement.source.name, f"its backup would replace {targets[backup]}, which "
                                   "is migrated too (leave it out, or use --no-backup)")


def describe(name: str, target: Path | None) -> str:
    """`link (-> its/target)` for a symlink, else the name."""
    if target is None or not os.path.islink(name):
        return name
    return f"{name} (-> {target})"


def _stage(item: _Staged) -> None:
    replacement = item.replacement
    source = replacement.source
    try:
        info = os.stat(item.target)
    except OSError as exc:
        raise _nothing_written(item.name, f"cannot write ({exc.strerror})") from None
    if replacement.backup:
        backup = _backup_of(item.target)
        try:
            is_directory = stat.S_ISDIR(os.lstat(backup).st_mode)
        except FileNotFoundError:
            is_directory = False
        except OSError as exc:  # e.g. the name plus .bak is longer than the file system allows
            raise _nothing_written(item.name, f"cannot keep a backup as {backup.name} ({exc.strerror})") from None
        if is_directory:
            raise _nothing_written(item.name, f"cannot keep a backup: {backup} is a directory")
        item.temporaries.append((_temporary(item, source.data, info), backup))
    item.temporaries.append((_temporary(item, encode_dockerfile(replacement.text), info), item.target))


def _temporary(item: _Staged, data: bytes, info: os.stat_result) -> Path:
    """A temporary copy of `data` next to the target, with the target's mode, owner and group."""
    directory = item.target.parent
    try:
        import tempfile  # (not on the read-only paths: it imports shutil, random, bz2, lzma)

        handle, name = tempfile.mkstemp(dir=directory, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX)
    except OSError as exc:
        raise _nothing_written(item.name, f"cannot write in {directory} ({exc.strerror})") from None
    temporary = Path(name)
    item.temporaries.append((temporary, temporary))  # removed again if anything below fails
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            _keep_owner(stream.fileno(), info)
            os.fchmod(stream.fileno(), info.st_mode & 0o7777)
            os.fsync(stream.fileno())
    except OSError as exc:
        raise _nothing_written(item.name, f"cannot write in {directory} ({exc.strerror})") from None
    except MigratorError as exc:
        raise _nothing_written(item.name, str(exc)) from None
    item.temporaries.remove((temporary, temporary))
    return temporary


def _keep_owner(fd: int, info: os.stat_result) -> None:
    if not hasattr(os, "fchown"):
        return
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except OSError:
        raise MigratorError(f"cannot keep its owner and group ({info.st_uid}:{info.st_gid}) as this user") from None


def _check_unchanged(item: _Staged) -> None:
    try:
        current = read_bytes(item.target)
    except MigratorError as exc:
        raise _nothing_written(item.name, f"changed while being migrated ({exc})") from None
    if current != item.replacement.source.data:
        raise _nothing_written(item.name, "changed since it was read (another program wrote it); "
                               "run migrate again")


def _commit(staged: list[_Staged]) -> list[str]:
    written: list[str] = []
    for position, item in enumerate(staged):
        try:
            for temporary, destination in list(item.temporaries):
                os.replace(temporary, destination)
                item.temporaries.remove((temporary, destination))
        except OSError as exc:
            rest = [s.name for s in staged[position:]]
            done = f"written: {', '.join(written)}; " if written else ""
            raise MigratorError(f"{item.name}: cannot replace it ({exc.strerror}); {done}"
                                f"not written: {', '.join(rest)}") from None
        written.append(item.name)
    return written


def _nothing_written(name: str, reason: str) -> MigratorError:
    return MigratorError(f"{name}: {reason}; nothing was written")


class _directory_lock:
    """An exclusive flock on the directory, so two migrators replace files there one at a time."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: the compare before the rename still protects the file
            return
        try:
            fd = os.open(self.directory, os.O_RDONLY)
        except OSError:  # an unreadable (but writable) directory: no lock, the compare remains
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def __exit__(self, *exc_info: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _unlink_quietly(path: Path) -> None:
    try:  # noqa: SIM105 (contextlib is not imported on the hot path)
        path.unlink()
    except OSError:
        pass


def emit(text: str) -> None:
    """Write migrated text to stdout with the input's own bytes (undecodable bytes round-trip)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (tests): best effort
        sys.stdout.write(text)
        return
    buffer.write(encode_dockerfile(text))
    buffer.flush()
