"""Where instructions the tool adds to a builder stage go: after its last step that changes files, before the
CMD/ENTRYPOINT/HEALTHCHECK lines that close it (a RUN after the start command reads as if it ran at start)."""

from __future__ import annotations

from migrator.model import MigratorError
from migrator.parse.dockerfile import Instruction, parse

_START_KEYWORDS = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
_METADATA_KEYWORDS = _START_KEYWORDS | {"EXPOSE", "LABEL", "STOPSIGNAL"}  # nothing a RUN reads or writes


def append_before_start(body: str, added: str, escape: str = "\\") -> str:
    """`body` (a stage's lines after its FROM) with `added` (whole lines) placed before the trailing start
    lines, untouched lines byte for byte; at the end when the stage closes with no start line."""
    head = "FROM scratch\n" if escape == "\\" else f"# escape={escape}\nFROM scratch\n"
    try:
        items = parse(head + body).items
    except MigratorError:
        return body + added
    offsets, position = [], 0
    for item in items:
        offsets.append(position)
        position += len(item.raw)
    split, seen_start = None, False
    for index in range(len(items) - 1, 0, -1):
        item = items[index]
        if not isinstance(item, Instruction):
            continue
        if item.keyword not in _METADATA_KEYWORDS:
            break
        seen_start |= item.keyword in _START_KEYWORDS
        split = index
    if split is None or not seen_start:
        return body + added
    last_step = max((i for i in range(split) if isinstance(items[i], Instruction)), default=0)
    cut = offsets[last_step + 1] - len(head)
    if cut < 0 or not body[:cut].endswith(("\n", "\r")):
        return body + added
    return body[:cut] + added + body[cut:]
