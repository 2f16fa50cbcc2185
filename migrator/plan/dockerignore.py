"""What a build context's `.dockerignore` keeps out of the context the engine sends, read as the engine reads it.

    ignore = DockerIgnore.read(root / ".dockerignore")
    ignore.excludes(".venv/bin/uvicorn")  # True for a `.venv` line

Each line is a pattern on paths relative to the context root (a leading `/` means the same; `#` starts a comment
line; blank lines are skipped): `*` matches within one path element, `?` one character, `[...]` a class, `**` any
number of elements, and a pattern that matches a directory excludes everything under it. A `!` line takes paths
back in. The last line that matches a path decides.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path


class DockerIgnore:
    def __init__(self, lines: list[str]) -> None:
        self._rules: list[tuple[bool, re.Pattern[str]]] = []
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = posixpath.normpath(line[1:].strip() if keep else line).lstrip("/")
            if pattern in ("", "."):
                continue
            self._rules.append((keep, re.compile(_translate(pattern))))

    @classmethod
    def read(cls, path: Path) -> DockerIgnore:
        """The patterns of the ignore file at `path` (none when it cannot be read)."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        return cls(text.splitlines())

    def excludes(self, relative: str) -> bool:
        """Whether the engine leaves the context path `relative` (relative to the root) out of the context."""
        if not self._rules:
            return False
        path = posixpath.normpath(relative).lstrip("/")
        parents = _with_parents(path)
        excluded = False
        for keep, pattern in self._rules:
            if any(pattern.fullmatch(p) for p in parents):
                excluded = not keep
        return excluded


def _with_parents(path: str) -> list[str]:
    """`a/b/c` and the directories above it: `a/b`, `a` (a pattern that matches a directory takes its files)."""
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]


def _translate(pattern: str) -> str:
    """The regular expression of one .dockerignore pattern (Go's filepath.Match with `**`)."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):  # (`**/x`: x in any directory, the root's too)
                out.append("(?:.*/)?")
                index += 1
            else:
                out.append(".*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1:end]
                body = "^" + body[1:] if body.startswith("^") or body.startswith("!") else body
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)
