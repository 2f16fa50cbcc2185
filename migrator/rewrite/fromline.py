"""Rewrite FROM lines in place: only the image token (and the stage name) changes.

Flags such as `--platform=$BUILDPLATFORM`, spacing, the case of `AS` and comments stay as written.
"""

from __future__ import annotations

from migrator.parse.dockerfile import Instruction, from_parts


def rewrite_from(instruction: Instruction, image: str | None, name: str | None = None) -> str:
    """The spans come from the parser, so `FROM --platform=x \\` + `image AS name` keeps its lines."""
    raw = instruction.raw
    parts = from_parts(instruction)
    if parts is None:
        return raw
    if name is not None and parts.name is not None:
        raw = raw[: parts.name[0]] + name + raw[parts.name[1]:]
    start, end = parts.image
    if image is not None:
        raw = raw[:start] + image + raw[end:]
        end = start + len(image)
    if name is not None and parts.name is None:
        raw = raw[:end] + f" AS {name}" + raw[end:]
    return raw
