"""Bash's brace expansion of one word: `/data/{cache,logs}` -> /data/cache /data/logs, `log{1..3}` -> log1 log2
log3. sh, ash and dash have none: there the braces are part of the name.

The word comes marked: the braces and commas the shell reads as syntax are OPEN, COMMA and CLOSE (characters
of Unicode's private use area); a quoted or escaped `{` stays itself and is text. What is left of the marks
after expansion is text again (`{}`, `{a}` and an unclosed `{` are not expansions)."""

from __future__ import annotations

import re
from itertools import pairwise

OPEN, COMMA, CLOSE = "\ue000", "\ue001", "\ue002"
_TEXT = str.maketrans({OPEN: "{", COMMA: ",", CLOSE: "}"})
_LIMIT = 256  # words one word may become; beyond it the word is not read as paths
_NUMBERS = re.compile(r"([-+]?\d+)\.\.([-+]?\d+)(?:\.\.([-+]?\d+))?")
_LETTERS = re.compile(r"([A-Za-z])\.\.([A-Za-z])(?:\.\.([-+]?\d+))?")


def mark(text: str) -> str:
    """An unquoted part of a word as the shell reads it: its braces and commas marked, escapes resolved."""
    out: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append({"{": OPEN, ",": COMMA, "}": CLOSE}.get(char, char))
    return "".join(out)


def expand_braces(marked: str) -> list[str] | None:
    """The words bash makes of a marked word; None when it would make more than a few hundred."""
    words = _expand(marked)
    return None if words is None else [word.translate(_TEXT) for word in words]


def _expand(text: str) -> list[str] | None:
    start = text.find(OPEN)
    while start != -1:
        found = _expression(text, start)
        if found is not None:
            end, alternatives = found
            tails = _expand(text[end + 1 :])
            if tails is None:
                return None
            words: list[str] = []
            for alternative in alternatives:
                heads = _expand(alternative)
                if heads is None or len(words) + len(heads) * len(tails) > _LIMIT:
                    return None
                words += [text[:start] + head + tail for head in heads for tail in tails]
            return words
        start = text.find(OPEN, start + 1)
    return [text]


def _expression(text: str, start: int) -> tuple[int, list[str]] | None:
    """(where it closes, its alternatives) of the brace expression opening at `start`; None when it is
    not one (no closing brace, no comma at its own level and no sequence)."""
    depth, commas = 0, []
    for index in range(start, len(text)):
        char = text[index]
        if char == OPEN:
            depth += 1
        elif char == COMMA and depth == 1:
            commas.append(index)
        elif char == CLOSE:
            depth -= 1
            if depth == 0:
                if commas:
                    bounds = [start, *commas, index]
                    return index, [text[a + 1 : b] for a, b in pairwise(bounds)]
                sequence = _sequence(text[start + 1 : index])
                return None if sequence is None else (index, sequence)
    return None


def _sequence(inner: str) -> list[str] | None:
    """`1..3`, `01..10`, `1..10..2`, `a..e`: the items, or None."""
    numbers = _NUMBERS.fullmatch(inner)
    letters = _LETTERS.fullmatch(inner) if numbers is None else None
    found = numbers or letters
    if found is None:
        return None
    step = abs(int(found.group(3) or 1)) or 1
    if numbers is not None:
        first, last = int(found.group(1)), int(found.group(2))
    else:
        first, last = ord(found.group(1)), ord(found.group(2))
    if abs(last - first) // step >= _LIMIT:
        return None
    values = range(first, last + 1, step) if first <= last else range(first, last - 1, -step)
    if letters is not None:
        return [chr(value) for value in values]
    bare = (found.group(1).lstrip("+-"), found.group(2).lstrip("+-"))
    width = max(len(found.group(1)), len(found.group(2))) if any(len(b) > 1 and b[0] == "0" for b in bare) else 0
    return [_padded(value, width) for value in values]


def _padded(value: int, width: int) -> str:
    return f"-{str(-value).zfill(width - 1)}" if value < 0 else str(value).zfill(width)
