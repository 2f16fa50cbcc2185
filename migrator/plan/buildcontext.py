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
    from collections.abc import Callable
    from typing import BinaryIO

    from migrator.plan.dockerignore import DockerIgnore

_HEAD = 256
_SHEBANG = lazy_re(rb"^#!\s*(\S+)(?:[ \t]+(\S+))?")


class BuildContext:
    def __init__(self, root: Path | None, ignore_file: Path | None = None) -> None:
        """`ignore_file`: the Dockerfile's own `NAME.dockerignore`, which BuildKit reads instead of the context's
        .dockerignore when it is there."""
        self.root = root.resolve() if root is not None and root.is_dir() else None
        self._kinds: dict[str, str | None] = {}
        self._ignore: DockerIgnore | None = None
        self._ignore_file = ignore_file
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
        directory = self._directory(source)
        if self.root is None or directory is None:
            return None
        found: list[str] = []
        for path in directory.rglob("*"):  # lazily: a large tree is not walked past the limit
            if len(found) >= limit:
                break
            if path.is_file() and path.resolve().is_relative_to(self.root) and self._sent(path):
                found.append(path.relative_to(directory).as_posix())
        return sorted(found)

    def programs_under(self, source: str, limit: int = 200) -> list[str] | None:
        """Context paths of the files in the context directory `source` that may be programs: executable, with no
        extension (or a shared library's .so), outside hidden directories and node_modules; at most `limit` files
        looked at (sorted walk). None when `source` is not a directory there."""
        if source not in self._programs:
            directory = self._directory(source)
            self._programs[source] = None if directory is None else self._walk(
                directory, _may_be_program, _hidden, looked_at=limit, executable=True)
        return self._programs[source]

    def files_matching(self, source: str, suffix: str, limit: int = 2000,
                       skip: frozenset[str] = frozenset()) -> list[str] | None:
        """Context paths of the regular files under the context directory `source` whose names end with `suffix`
        (`.go`), at most `limit`, in a sorted walk that does not follow symbolic links to directories, passes over
        the directories named in `skip` (vendor, .git), and leaves out a file whose link leads outside the
        context; None when `source` is not a directory there."""
        directory = self._directory(source)
        if directory is None:
            return None
        return self._walk(directory, lambda name: name.endswith(suffix), lambda name: name in skip, found_at_most=limit)

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
                if path.resolve().is_relative_to(self.root) and self._sent(path):
                    found.append(path.relative_to(self.root).as_posix())
        except (OSError, ValueError):
            return found
        return sorted(found)

    def files_named(self, endings: tuple[str, ...], limit: int = 50) -> list[str]:
        """Context paths of the regular files whose names end with one of `endings` (`.csproj`), anywhere in the
        context but in hidden directories and node_modules, sorted, at most `limit`; [] without a context."""
        if self.root is None:
            return []
        return sorted(self._walk(self.root, lambda name: name.endswith(endings), _hidden, found_at_most=limit))

    def _walk(self, directory: Path, wanted: Callable[[str], bool], skip: Callable[[str], bool], *,
              found_at_most: int | None = None, looked_at: int | None = None, executable: bool = False) -> list[str]:
        """Context paths of the regular files under `directory` (inside the context) whose names are `wanted`
        (executable ones only, with `executable`), in walk order: a sorted walk that does not follow symbolic
        links to directories and passes over the directories `skip` names; a file whose link leads outside the
        context, or that its .dockerignore leaves out, is not found. Bounded: it stops after `found_at_most`
        files found, or after the folder in which it has looked at `looked_at` names."""
        assert self.root is not None
        found: list[str] = []
        seen = 0
        for folder, subdirectories, names in os.walk(directory):
            subdirectories[:] = sorted(d for d in subdirectories if not skip(d))
            for name in sorted(names):
                seen += 1
                if not wanted(name):
                    continue
                if found_at_most is not None and len(found) >= found_at_most:
                    return found
                path = Path(folder, name)
                if (not executable or os.access(path, os.X_OK)) and path.is_file() \
                        and path.resolve().is_relative_to(self.root) and self._sent(path):
                    found.append(path.relative_to(self.root).as_posix())
            if looked_at is not None and seen >= looked_at:
                break
        return found

    def files_in(self, source: str, limit: int = 200) -> list[str]:
        """The names of the regular files directly inside the context directory `source` (sorted, at most `limit`,
        never outside the context); [] when it is not a directory there."""
        directory = self._directory(source)
        if self.root is None or directory is None:
            return []
        found = [p.name for p in directory.iterdir()
                 if p.is_file() and p.resolve().is_relative_to(self.root) and self._sent(p)]
        return sorted(found)[:limit]

    def directories_in(self, source: str, limit: int = 200) -> list[str] | None:
        """The directories directly inside the context directory `source`, as context paths (sorted, at most
        `limit`, never outside the context); None when `source` is not a directory there."""
        directory = self._directory(source)
        if self.root is None or directory is None:
            return None
        found = [path for path in directory.iterdir()
                 if path.is_dir() and path.resolve().is_relative_to(self.root) and self._sent(path)]
        return sorted(path.relative_to(self.root).as_posix() for path in found)[:limit]

    def is_directory(self, source: str) -> bool:
        """Whether the context on disk has the directory `source` (a COPY source path): without it, what the
        directory holds is not known (the context is elsewhere, or not given)."""
        path = self._inside(source)
        return path is not None and path.is_dir()

    def lacks(self, source: str) -> bool:
        """Whether the context on disk certainly does not send the file or directory `source` (a COPY source
        path) to the engine: it is not there, or its .dockerignore leaves it out. False without a context, and for
        a pattern or a variable (not known)."""
        if self.root is None or any(c in source for c in "*?[$"):
            return False
        relative = posixpath.normpath(source.lstrip("/"))
        if relative.startswith(".."):
            return False
        path = self._inside(source)
        return path is None or not path.exists()

    def _directory(self, source: str) -> Path | None:
        """The context directory `source` names (resolved, inside the context); None when it is not one there."""
        directory = self._inside(source)
        return directory if self.root is not None and directory is not None and directory.is_dir() else None

    def _inside(self, source: str) -> Path | None:
        """The context path `source` names, resolved; None without a context, for a pattern or a
        variable, for anything that leads outside the context, and for what its .dockerignore leaves out."""
        if self.root is None or any(c in source for c in "*?[$"):
            return None
        relative = posixpath.normpath(source.lstrip("/"))
        if relative.startswith("..") or self._ignored(relative):
            return None
        path = (self.root / relative).resolve()
        return path if path.is_relative_to(self.root) else None

    def _ignored(self, relative: str) -> bool:
        """Whether the context's .dockerignore leaves out the path `relative` (the root itself never)."""
        if self.root is None or relative in ("", "."):
            return False
        if self._ignore is None:
            from migrator.plan.dockerignore import DockerIgnore

            self._ignore = DockerIgnore.read(self._ignore_path())
        return self._ignore.excludes(relative)

    def _ignore_path(self) -> Path:
        """The Dockerfile's own ignore file when it is there, else the context's .dockerignore."""
        assert self.root is not None
        own = self._ignore_file
        try:
            if own is not None and own.is_file():
                return own
        except OSError:  # (a name too long for the file system: it is not there)
            pass
        return self.root / ".dockerignore"

    def _sent(self, path: Path) -> bool:
        """Whether a file or directory found on disk inside the context is sent to the engine (not ignored)."""
        assert self.root is not None
        return not self._ignored(path.relative_to(self.root).as_posix())

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


def _hidden(directory: str) -> bool:
    """A directory the context walks pass over: hidden (.git, .venv) or node_modules."""
    return directory.startswith(".") or directory == "node_modules"


def _may_be_program(name: str) -> bool:
    """A file name a program may have: no extension, or a shared library's .so."""
    return "." not in name or ".so" in name


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
