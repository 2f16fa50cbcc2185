"""The `# syntax=` parser directive when its frontend image cannot be pulled.

`# syntax=docker/dockerfile:1` tells BuildKit to pull that Dockerfile frontend image (from Docker Hub)
and parse the file with it. Offline, or behind a registry mirror that lacks it, every build then fails
at its first step with BuildKit's raw log, before any line of the Dockerfile is built. The builder's
built-in frontend reads the same file (it is the same Dockerfile syntax, only not the newest release),
so validate builds a copy without the directive, and says so (MIG625). buildah and podman ignore the
directive: this is for BuildKit (the engine's, or buildx) only.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding
from migrator.records import dataclass

_DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(\S*)[ \t]*$")
# BuildKit's log when it cannot fetch the frontend (engine 20.10, and newer buildx)
_FAILED = ("resolve image config for {ref}", "failed to resolve source metadata for {ref}",
           "failed to solve with frontend gateway.v0")  # fmt: skip


@dataclass(frozen=True)
class Syntax:
    line: int  # 1-based line of the directive
    image: str  # the frontend image it names


def syntax_directive(text: str) -> Syntax | None:
    """The `# syntax=IMAGE` parser directive at the top of a Dockerfile (directives end at the first
    line that is not one: an instruction, a blank line, another comment)."""
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            return None
        if match.group(1).lower() == "syntax" and match.group(2):
            return Syntax(number, match.group(2))
    return None


def frontend_unavailable(log: str, syntax: Syntax) -> bool:
    """Did the build fail because BuildKit could not fetch the directive's frontend image?"""
    image = syntax.image
    names = {image, f"docker.io/{image}"} | ({f"docker.io/library/{image}"} if "/" not in image else set())
    return any(pattern.format(ref=name) in log for pattern in _FAILED for name in names)


def without_directive(text: str, syntax: Syntax) -> str:
    """The file with the directive taken out and every other line where it was (the build's error lines
    still name the user's lines): the directive block loses that line and ends in an empty comment."""
    lines = text.splitlines(keepends=True)
    end = syntax.line  # index of the first line after the directive block
    while end < len(lines) and _DIRECTIVE.match(lines[end].strip()):
        end += 1
    newline = "\r\n" if lines[syntax.line - 1].endswith("\r\n") else "\n"
    kept = lines[: syntax.line - 1] + lines[syntax.line : end] + [f"#{newline}"] + lines[end:]
    return "".join(kept)


def builtin_copy(path: Path, syntax: Syntax) -> tuple[Path, tempfile.TemporaryDirectory[str]]:
    """A copy of the Dockerfile without the directive, in a temporary directory (with the file's own
    `NAME.dockerignore`, which BuildKit reads beside the Dockerfile before the context's)."""
    holder = tempfile.TemporaryDirectory(prefix="migrator-frontend-")
    copy = Path(holder.name) / path.name
    copy.write_text(without_directive(path.read_text(encoding="utf-8", errors="replace"), syntax), encoding="utf-8")
    ignore = path.with_name(path.name + ".dockerignore")
    if ignore.is_file():
        (Path(holder.name) / ignore.name).write_bytes(ignore.read_bytes())
    return copy, holder


def unavailable_finding(syntax: Syntax) -> Finding:
    return finding("MIG625", syntax.line, f"`# syntax={syntax.image}` makes BuildKit pull the Dockerfile frontend "
                   f"image {syntax.image} from its registry, which failed (no network access, or a mirror without "
                   "it): validated with the builder's built-in Dockerfile frontend instead, the directive left out "
                   "of a copy. Builds with network access use the image; drop the line to build offline")
