"""Write results: atomically, with a backup, and as unified diffs."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

BACKUP_SUFFIX = ".bak"


def unified_diff(original: str, migrated: str, path: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        migrated.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_atomically(path: Path, text: str, backup: bool = True) -> Path | None:
    """Replace `path` with `text` in one rename; keep the old file as `<name>.bak` when asked.

    Returns the backup's path. The file's permission bits are kept. Bytes are written exactly
    (no newline translation), so CRLF files stay CRLF.
    """
    backup_path = None
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    if backup and path.exists():
        backup_path = path.with_name(path.name + BACKUP_SUFFIX)
        _write_replace(backup_path, path.read_bytes(), mode)
    _write_replace(path, text.encode("utf-8"), mode)
    return backup_path


def _write_replace(path: Path, data: bytes, mode: int) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
