"""The build context on disk, when there is one: what a file the start command runs really is.

A Dockerfile alone does not say whether `COPY start.sh /` is a bash or a POSIX sh script, or whether
`COPY app /usr/local/bin/` is a binary or a script. When the build context is on disk (the
Dockerfile's directory, or `Options(context=...)`), the first bytes of such a file say it exactly.
Optional and lazy: nothing is read unless the start check asks about a file, at most a few hundred
bytes per file, never outside the context; without a context every answer is "unknown" and the
conservative rules apply (the tool is also used on Dockerfiles alone, and on stdin).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # (not typing's: see docs/performance.md)
if TYPE_CHECKING:
    from typing import BinaryIO

_HEAD = 256
_SHEBANG = lazy_re(rb"^#!\s*(\S+)(?:[ \t]+(\S+))?")


class BuildContext:
    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root is not None and root.is_dir() else None
        self._kinds: dict[str, str | None] = {}
        self._interpreters: dict[str, str | None] = {}
        self._programs: dict[str, list[str] | None] = {}

    def kind(self, source: str) -> str | None:
        """What the context file `source` (a COPY source path) is: "elf" (a binary), "bash", "sh" (a script
        for that shell), "script" (another interpreter's), "data"; None when it cannot be read."""
        if source not in self._kinds:
            self._kinds[source] = self._read(source)
        return self._kinds[source]

    def elf_interpreter(self, source: str) -> str | None:
        """The loader a dynamically linked ELF file of the context names (PT_INTERP: /lib64/ld-linux-x86-64.so.2,
        /lib/ld-musl-x86_64.so.1); None for a static program, another file, or one that cannot be read."""
        if source not in self._interpreters:
            self._interpreters[source] = self._interpreter(source)
        return self._interpreters[source]

    def _interpreter(self, source: str) -> str | None:
        if self.kind(source) != "elf" or (path := self._inside(source)) is None:
            return None
        try:
            with path.open("rb") as handle:
                return elf_interpreter(handle.read(_ELF_HEADERS), handle)
        except (OSError, ValueError):  # (struct.error is a ValueError)
            return None

    def text(self, source: str, limit: int = 65536) -> str | None:
        """The first `limit` characters of the context file `source`, or None when it cannot be read."""
        path = self._inside(source)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                return handle.read(limit).decode("utf-8", "replace")
        except OSError:
            return None

    def project_scripts(self) -> dict[str, str] | None:
        """The scripts `pipenv run NAME` (Pipfile [scripts]) or `pdm run NAME` (pyproject [tool.pdm.scripts])
        start, when the context on disk has such a file; None when neither can be read."""
        from migrator.config import toml_loader

        loader = toml_loader()
        found: dict[str, str] | None = None
        for name, keys in (("Pipfile", ("scripts",)), ("pyproject.toml", ("tool", "pdm", "scripts"))):
            text = self.text(name, 1 << 20)
            if text is None or loader is None:
                continue
            try:
                table: object = loader.loads(text)
            except ValueError:  # (tomllib's TOMLDecodeError is a ValueError)
                continue
            for key in keys:
                table = table.get(key) if isinstance(table, dict) else None
            found = found or {}
            for script, command in table.items() if isinstance(table, dict) else ():
                command = command.get("cmd") if isinstance(command, dict) else command  # (pdm: {cmd = "..."})
                if isinstance(command, str):
                    found[script] = command
        return found

    def files_under(self, source: str, limit: int = 200) -> list[str] | None:
        """The regular files inside the context directory `source`, as paths relative to it (sorted, at
        most `limit`, never outside the context); None when `source` is not a directory there."""
        directory = self._inside(source)
        if self.root is None or directory is None or not directory.is_dir():
            return None
        found: list[str] = []
        for path in directory.rglob("*"):  # lazily: a large tree is not walked past the limit
            if len(found) >= limit:
                break
            if path.is_file() and path.resolve().is_relative_to(self.root):
                found.append(path.relative_to(directory).as_posix())
        return sorted(found)

    def programs_under(self, source: str, limit: int = 200) -> list[str] | None:
        """Context paths of the files in the context directory `source` that may be programs: executable, with no
        extension (or a shared library's .so), outside hidden directories and node_modules; at most `limit` files
        looked at (sorted walk). None when `source` is not a directory there."""
        if source not in self._programs:
            self._programs[source] = self._programs_under(source, limit)
        return self._programs[source]

    def _programs_under(self, source: str, limit: int) -> list[str] | None:
        directory = self._inside(source)
        if self.root is None or directory is None or not directory.is_dir():
            return None
        found: list[str] = []
        seen = 0
        for folder, subdirectories, names in os.walk(directory):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d != "node_modules")
            for name in sorted(names):
                seen += 1
                path = Path(folder, name)
                if ("." not in name or ".so" in name) and os.access(path, os.X_OK) and path.is_file() \
                        and path.resolve().is_relative_to(self.root):
                    found.append(path.relative_to(self.root).as_posix())
            if seen >= limit:
                break
        return found

    def files_matching(self, source: str, suffix: str, limit: int = 2000,
                       skip: frozenset[str] = frozenset()) -> list[str] | None:
        """Context paths of the regular files under the context directory `source` whose names end with `suffix`
        (`.go`), at most `limit`, in a sorted walk that does not follow symbolic links to directories, passes over
        the directories named in `skip` (vendor, .git), and leaves out a file whose link leads outside the
        context; None when `source` is not a directory there."""
        directory = self._inside(source)
        if self.root is None or directory is None or not directory.is_dir():
            return None
        found: list[str] = []
        for walked, subdirectories, names in os.walk(directory):
            subdirectories[:] = sorted(d for d in subdirectories if d not in skip)
            here = Path(walked)
            for name in sorted(n for n in names if n.endswith(suffix)):
                path = here / name
                if len(found) >= limit:
                    return found
                if path.is_file() and path.resolve().is_relative_to(self.root):
                    found.append(path.relative_to(self.root).as_posix())
        return found

    def glob(self, pattern: str, limit: int = 200) -> list[str]:
        """Context paths matching the glob `pattern` (relative to the context: `*/settings*.py`), sorted, at most
        `limit`, none outside the context (through a link or `..`); [] without a context."""
        if self.root is None or posixpath.normpath(pattern).startswith(".."):
            return []
        found: list[str] = []
        try:
            for path in self.root.glob(pattern):
                if len(found) >= limit:
                    break
                if path.resolve().is_relative_to(self.root):
                    found.append(path.relative_to(self.root).as_posix())
        except (OSError, ValueError):
            return found
        return sorted(found)

    def files_named(self, endings: tuple[str, ...], limit: int = 50) -> list[str]:
        """Context paths of the files whose names end with one of `endings` (`.csproj`), anywhere in the
        context but in hidden directories, sorted, at most `limit`; [] without a context."""
        if self.root is None:
            return []
        found: list[str] = []
        for directory, subdirectories, names in os.walk(self.root):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d != "node_modules")
            base = Path(directory).relative_to(self.root).as_posix()
            found += [posixpath.join(base, n) if base != "." else n for n in sorted(names) if n.endswith(endings)]
            if len(found) >= limit:
                break
        return sorted(found)[:limit]

    def files_in(self, source: str, limit: int = 200) -> list[str]:
        """The names of the regular files directly inside the context directory `source` (sorted, at most `limit`,
        never outside the context); [] when it is not a directory there."""
        directory = self._inside(source)
        if self.root is None or directory is None or not directory.is_dir():
            return []
        found = [p.name for p in directory.iterdir() if p.is_file() and p.resolve().is_relative_to(self.root)]
        return sorted(found)[:limit]

    def directories_in(self, source: str, limit: int = 200) -> list[str] | None:
        """The directories directly inside the context directory `source`, as context paths (sorted, at most
        `limit`, never outside the context); None when `source` is not a directory there."""
        directory = self._inside(source)
        if self.root is None or directory is None or not directory.is_dir():
            return None
        found = [path for path in directory.iterdir() if path.is_dir() and path.resolve().is_relative_to(self.root)]
        return sorted(path.relative_to(self.root).as_posix() for path in found)[:limit]

    def is_directory(self, source: str) -> bool:
        """Whether the context on disk has the directory `source` (a COPY source path): without it, what the
        directory holds is not known (the context is elsewhere, or not given)."""
        path = self._inside(source)
        return path is not None and path.is_dir()

    def _inside(self, source: str) -> Path | None:
        """The context path `source` names, resolved; None without a context, for a pattern or a
        variable, and for anything that leads outside the context."""
        if self.root is None or any(c in source for c in "*?[$"):
            return None
        relative = posixpath.normpath(source.lstrip("/"))
        if relative.startswith(".."):
            return None
        path = (self.root / relative).resolve()
        return path if path.is_relative_to(self.root) else None

    def _read(self, source: str) -> str | None:
        path = self._inside(source)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD)
        except OSError:
            return None
        return kind_of(head)


def shebang_interpreter(text: str) -> str:
    """The program a script's `#!` line runs, through env (`#!/usr/bin/env python3` -> python3); "" without one."""
    match = _SHEBANG.match(text.encode("utf-8", "replace"))
    if match is None:
        return ""
    interpreter = posixpath.basename(match.group(1).decode("utf-8", "replace"))
    if interpreter == "env" and match.group(2):
        interpreter = posixpath.basename(match.group(2).decode("utf-8", "replace"))
    return interpreter


_ELF_HEADERS = 4096  # the ELF header and its program headers, which follow it in every linker's output
_PT_INTERP = 3


def elf_interpreter(head: bytes, handle: BinaryIO) -> str | None:
    """PT_INTERP of the ELF file whose first bytes are `head` (read from `handle` where it lies further on)."""
    import struct

    if not head.startswith(b"\x7fELF") or len(head) < 64 or head[4] not in (1, 2) or head[5] not in (1, 2):
        return None
    wide, order = head[4] == 2, "<" if head[5] == 1 else ">"
    if wide:
        offset, size, count = struct.unpack_from(order + "Q14xHH", head, 32)
    else:
        offset, size, count = struct.unpack_from(order + "I10xHH", head, 28)
    for index in range(min(count, 64)):
        start = offset + index * size
        if start + (56 if wide else 32) > len(head):
            return None
        if wide:
            kind, _, where, _, _, length = struct.unpack_from(order + "IIQQQQ", head, start)
        else:
            kind, where, _, _, length = struct.unpack_from(order + "IIIII", head, start)
        if kind == _PT_INTERP and 0 < length < 256:
            handle.seek(where)
            return handle.read(length).split(b"\0", 1)[0].decode("utf-8", "replace")
    return None


def kind_of(head: bytes) -> str:
    if head.startswith(b"\x7fELF"):
        return "elf"
    interpreter = shebang_interpreter(head.decode("utf-8", "replace"))
    if not interpreter:
        return "data"
    if interpreter == "bash":
        return "bash"
    if interpreter in ("sh", "ash", "dash"):
        return "sh"
    return "script"
