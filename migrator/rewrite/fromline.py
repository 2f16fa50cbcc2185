"""Rewrite FROM lines in place: only the image token (and the stage name) changes.

Flags such as `--platform=$BUILDPLATFORM`, spacing, the case of `AS` and comments stay as written.
"""

from __future__ import annotations

import re

from migrator.parse.dockerfile import Instruction
from migrator.plan.stages import from_image_span

_AS_NAME = re.compile(r"([ \t]+)(as)([ \t]+)([^\s]+)", re.IGNORECASE)


def rewrite_from(instruction: Instruction, image: str | None, name: str | None = None) -> str:
    raw = instruction.raw
    span = from_image_span(raw)
    if span is None:
        return raw
    start, end = span
    if image is not None:
        raw = raw[:start] + image + raw[end:]
        end = start + len(image)
    if name is None:
        return raw
    existing = _AS_NAME.match(raw, end)
    if existing:
        return raw[: existing.start(4)] + name + raw[existing.end(4):]
    return raw[:end] + f" AS {name}" + raw[end:]
