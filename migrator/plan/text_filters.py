"""What a command that writes another file's text to its output makes of that file's first line, its `#!` line:
`sed 's|/bin/sh|/bin/bash|' start.sh > /start.sh` writes a bash script, `cat start.sh > /start.sh` and
`tr -d '\\r' < start.sh > /start.sh` the script as it was (without its carriage returns).

    read = text_filter(["sed", "-e", "s|/bin/sh|/bin/bash|", "start.sh"], stdin=None, line=5)
    read.source -> "start.sh"; read.first_line("#!/bin/sh") -> FirstLine("#!/bin/bash")

Only what is certain is read (plan.sed_edits for sed); a filter whose effect on line 1 cannot be told says so
(FirstLine.unread: the caller warns).
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.sed_edits import FirstLine, SedEdit, first_line_after, sed_filter
from migrator.records import dataclass


@dataclass(frozen=True)
class TextFilter:
    """A command that writes the text of `source` (a path as written; "" when it reads text not known),
    filtered: `tool` is cat, sed, tr or envsubst; `edit` the sed script, `arguments` those of tr or envsubst."""

    source: str
    tool: str
    line: int
    edit: SedEdit | None = None
    arguments: tuple[str, ...] = ()

    def first_line(self, first: str | None) -> FirstLine:
        """Line 1 of what the command writes, from line 1 of its source (None: not known)."""
        if self.tool == "sed" and self.edit is not None:
            return first_line_after(first, [self.edit])
        if first is None or self.tool == "cat":
            return FirstLine(first)
        if self.tool == "envsubst":
            names = re.findall(r"\$\{?(\w+)", " ".join(self.arguments))
            touched = "$" in first and (not self.arguments or any(re.search(rf"\${{?{n}\b", first) for n in names))
            return FirstLine(None, self.line) if touched else FirstLine(first)
        translated = _translated(first, self.arguments)
        return FirstLine(None, self.line) if translated is None else FirstLine(translated)

    def at(self, source: str) -> TextFilter:
        return TextFilter(source, self.tool, self.line, self.edit, self.arguments)


def text_filter(words: list[str], stdin: str | None, line: int) -> TextFilter | None:
    """The filter `words` run (literal words, wrappers already removed), reading its operands or `stdin` (the file
    of a `< FILE` redirect, None when there is none); None for any other command, or one with no file to read."""
    name = posixpath.basename(words[0]) if words else ""
    arguments = words[1:]
    if name == "cat" and not any(w.startswith("-") and w != "-" for w in arguments):
        files = arguments or ["-"]
        source = stdin if files[0] == "-" else files[0]
        return TextFilter(source, "cat", line) if source else None
    if name == "sed":
        parsed = sed_filter(arguments)
        if parsed is None:
            return None
        script, extended, files = parsed
        source = stdin if not files or files[0] == "-" else files[0]
        return TextFilter(source, "sed", line, SedEdit(source, line, script, extended)) if source else None
    if name in ("tr", "envsubst") and stdin:
        return TextFilter(stdin, name, line, arguments=tuple(arguments))
    return None


_TR_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}


def _translated(line: str, arguments: tuple[str, ...]) -> str | None:
    """The line after `tr SET1 SET2` or `tr -d SET1` with literal characters and ranges (`a-z`); None for what
    is not read here (classes like [:upper:], -s, -c)."""
    delete = arguments[:1] == ("-d",)
    sets = [_tr_set(word) for word in arguments[1 if delete else 0:]]
    if any(s is None for s in sets) or len(sets) != (1 if delete else 2):
        return None
    if delete:
        return "".join(c for c in line if c not in (sets[0] or ""))
    source, target = sets[0] or "", sets[1] or ""
    if not target:
        return None
    target = target + target[-1] * max(0, len(source) - len(target))
    return line.translate(str.maketrans(source, target[:len(source)]))


def _tr_set(word: str) -> str | None:
    if word.startswith("-") or "[" in word:
        return None
    chars: list[str] = []
    at = 0
    while at < len(word):
        char = word[at]
        if char == "\\" and at + 1 < len(word):
            escaped = _TR_ESCAPES.get(word[at + 1])
            if escaped is None:
                return None
            chars.append(escaped)
            at += 2
            continue
        if char == "-" and chars and at + 1 < len(word):
            end = word[at + 1]
            chars += [chr(c) for c in range(ord(chars[-1]) + 1, ord(end) + 1)]
            at += 2
            continue
        chars.append(char)
        at += 1
    return "".join(chars)
