"""VOLUME and EXPOSE lines the runtime stage carries from the stages of the chain: each path and port once.

A path restated in a stage built FROM another (`VOLUME /data` in both, `EXPOSE 8000` in both) is one volume (one
port) of the original image; written twice in the runtime stage it reads as a mistake. A line whose paths are all
declared already is left out; one that adds paths keeps only those, in its own form (JSON list or words).
"""

from __future__ import annotations

from migrator.parse.dockerfile import Instruction, argv_json


def once_each(instructions: list[Instruction]) -> list[Instruction]:
    """`instructions` with every VOLUME path and EXPOSE port declared once, where it was first declared."""
    from migrator.parse.dockerfile import parse_instruction

    declared: set[tuple[str, str]] = set()
    kept: list[Instruction] = []
    for instruction in instructions:
        paths = _paths(instruction) if instruction.keyword in ("VOLUME", "EXPOSE") else None
        if paths is None:
            kept.append(instruction)
            continue
        new = [p for p in paths if _key(instruction, p) not in declared]
        declared.update(_key(instruction, p) for p in paths)
        if len(new) == len(paths):
            kept.append(instruction)
        elif new:
            newline = "\r\n" if instruction.raw.endswith("\r\n") else "\n"
            body = argv_json(new) if instruction.json_args() is not None else " ".join(new)
            kept.append(parse_instruction(f"{_keyword(instruction)} {body}{newline}", instruction.line,
                                          instruction.escape))
    return kept


def _paths(instruction: Instruction) -> list[str] | None:
    """The paths of a VOLUME line (ports of an EXPOSE line); None when they cannot be read plainly (a quote, an
    escape, a continuation)."""
    argv = instruction.json_args() if instruction.keyword == "VOLUME" else None
    if argv is not None:
        return argv
    body = instruction.body.strip()
    if any(c in body for c in "\"'\\\n") or not body:
        return None
    return body.split()


def _key(instruction: Instruction, word: str) -> tuple[str, str]:
    """What a word declares: a path (`/data/` is /data), a port (`8000` is 8000/tcp)."""
    if instruction.keyword == "EXPOSE":
        return "EXPOSE", word.lower() if "/" in word else f"{word}/tcp"
    return "VOLUME", word.rstrip("/") or "/"


def _keyword(instruction: Instruction) -> str:
    return instruction.raw.lstrip().split(None, 1)[0]
