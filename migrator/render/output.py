"""Show results as unified diffs. (Files are written by migrator.cli.files: all or nothing.)"""

from __future__ import annotations

import difflib


def unified_diff(original: str, migrated: str, path: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        migrated.splitlines(keepends=True),
        fromfile=_header(f"a/{path}"),
        tofile=_header(f"b/{path}"),
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)



def _header(name: str) -> str:
    """A name with control characters C-quoted, as git writes it and GNU patch reads it: a newline in it
    would end the header line. Bytes that are not UTF-8 alone are written back as they are."""
    if all(c.isprintable() or "\udc80" <= c <= "\udcff" for c in name) and '"' not in name and "\\" not in name:
        return name
    out = []
    for char in name:
        if char in '\\"':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            raw = char.encode("utf-8", "surrogateescape")
            out.append({"\n": "\\n", "\t": "\\t"}.get(char) or "".join(f"\\{byte:03o}" for byte in raw))
    return '"' + "".join(out) + '"'
