"""Show results as unified diffs. (Files are written by migrator.cli.files: all or nothing.)"""

from __future__ import annotations

import difflib


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
