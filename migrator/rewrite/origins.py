"""Which instruction of the original file a rewritten instruction of the migrated one comes from.

The migrated file keeps most instructions as they were; around them the tool inserts (the builder's `USER root`,
the virtualenv's RUN, the runtime stage) and rewrites (`apt-get install` -> `apk add`, `--user` dropped). The two
files' instructions are aligned on those kept as written; a rewritten one lies in a stretch between two kept ones,
and comes from the original instruction of its keyword in the same stretch that it resembles most, when no other
written instruction of that stretch resembles that one more (an inserted RUN beside a rewritten one has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from migrator.parse.dockerfile import Dockerfile, Instruction


def rewritten_from(target: Instruction, output: Dockerfile, original: Dockerfile) -> Instruction | None:
    """The original instruction `target` (an instruction of `output`) was written from; None when it was
    inserted, or when that is not known."""
    written = output.instructions
    index = next((n for n, i in enumerate(written) if i is target), None)
    if index is None:
        return None
    before = [_text(i) for i in original.instructions]
    after = [_text(i) for i in written]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if j1 <= index < j2:
            if tag == "equal":
                return original.instructions[i1 + index - j1]
            return _likeliest(target, written[j1:j2], original.instructions[i1:i2])
    return None


def _likeliest(target: Instruction, written: Sequence[Instruction], originals: Sequence[Instruction]
               ) -> Instruction | None:
    candidates = [i for i in originals if i.keyword == target.keyword]
    if not candidates:
        return None
    best = max(candidates, key=lambda candidate: _resemblance(target, candidate))
    rivals = [i for i in written if i.keyword == target.keyword]
    return best if max(rivals, key=lambda rival: _resemblance(rival, best)) is target else None


def _resemblance(one: Instruction, other: Instruction) -> float:
    return SequenceMatcher(None, one.logical, other.logical, autojunk=False).ratio()


def _text(instruction: Instruction) -> str:
    return instruction.raw.rstrip("\r\n")
