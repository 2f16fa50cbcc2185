"""Text for a terminal or a log: what a file name or a message holds is shown, never acted on.

A name with a newline would split a finding line in two, an ANSI escape would reach the terminal as a
command, and a byte that is not UTF-8 (read as a surrogate) would print as `\\udcff`."""

from __future__ import annotations


def printable(text: str, keep: str = "") -> str:
    """`text` with control characters escaped (`\\n`, `\\x1b`) and undecodable bytes as `\\xff`;
    the characters in `keep` are left for the caller to encode (a workflow command's `%0A`)."""
    if text.isprintable():
        return text
    return "".join(c if c in keep else _shown(c) for c in text)


def shown_name(name: str) -> str:
    """A file name for a line of output: `printable`, with a backslash doubled (as git does), so that a
    name holding a newline (`x\\ny`) and one holding a backslash and an n (`x\\\\ny`) differ."""
    return printable(name.replace("\\", "\\\\"))


def _shown(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return repr(char)[1:-1]
