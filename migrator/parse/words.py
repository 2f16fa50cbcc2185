"""`shlex.split` in linear time: the same words, the same errors.

`shlex` builds each word one character at a time (`self.token += nextchar` on an attribute, which
CPython cannot extend in place), so a word of n characters costs n²: a 1 MiB `RUN` or `ENV` line
took 20-30 s. Here a regular expression takes whole runs of ordinary characters, quoted strings
and escapes at once.

    split_words(text)               == shlex.split(text)             (POSIX rules, no comments)
    split_words(text, posix=False)  == shlex.split(text, posix=False)

Both raise ValueError("No closing quotation") / ValueError("No escaped character") where shlex
does. tests/parse/test_words.py compares them on generated strings.
"""

from __future__ import annotations

import re

from migrator.regex import lazy as lazy_re

_SPACE = " \t\r\n"  # shlex.whitespace

# POSIX: a run of spaces; '...' (no escapes); "..." (\\ and \" escaped); \x; ordinary characters
_POSIX_PIECE = lazy_re(
    r"""(?P<space>[ \t\r\n]+)
      |'(?P<single>[^']*)'
      |"(?P<double>[^"\\]*(?:\\[\s\S][^"\\]*)*)"
      |\\(?P<escaped>[\s\S])
      |(?P<word>[^ \t\r\n'"\\]+)""",
    re.VERBOSE,
)
_IN_DOUBLE_QUOTES = lazy_re(r"\\([\s\S])")
# not POSIX: a word starting with a quote ends at its closing quote; any other runs to a space
_PLAIN_PIECE = lazy_re(r"""(?P<space>[ \t\r\n]+)|(?P<quoted>"[^"]*"|'[^']*')|(?P<word>[^ \t\r\n"'][^ \t\r\n]*)""")


def split_words(text: str, posix: bool = True) -> list[str]:
    return _split_posix(text) if posix else _split_plain(text)


def _split_posix(text: str) -> list[str]:
    words: list[str] = []
    parts: list[str] = []
    quoted = False
    position, end = 0, len(text)
    while position < end:
        match = _POSIX_PIECE.match(text, position)
        if match is None:
            raise ValueError(_why_unfinished(text, position))
        kind = match.lastgroup
        if kind == "space":
            if parts or quoted:
                words.append("".join(parts))
            parts, quoted = [], False
        elif kind == "single":
            parts.append(match.group("single"))
            quoted = True
        elif kind == "double":
            parts.append(_IN_DOUBLE_QUOTES.sub(_unescape_in_double_quotes, match.group("double")))
            quoted = True
        else:  # "escaped" or "word"
            parts.append(match.group(kind))  # type: ignore[arg-type]
        position = match.end()
    if parts or quoted:
        words.append("".join(parts))
    return words


def _unescape_in_double_quotes(match: re.Match[str]) -> str:
    """Inside double quotes only `\\` and `"` are escaped; a backslash before anything else stays."""
    char = match.group(1)
    return char if char in '\\"' else "\\" + char


def _why_unfinished(text: str, position: int) -> str:
    """The error shlex gives where nothing matches: a quote never closed, or a final backslash."""
    if text[position] == "\\":
        return "No escaped character"
    if text[position] == '"':
        body = text[position + 1 :]
        trailing = len(body) - len(body.rstrip("\\"))
        if trailing % 2 == 1:  # the text ends inside an escape within the quotes
            return "No escaped character"
    return "No closing quotation"


def _split_plain(text: str) -> list[str]:
    words: list[str] = []
    position, end = 0, len(text)
    while position < end:
        match = _PLAIN_PIECE.match(text, position)
        if match is None:  # a quote that is never closed
            raise ValueError("No closing quotation")
        if match.lastgroup != "space":
            words.append(match.group())
        position = match.end()
    return words


_PLAIN_WORD = lazy_re(r"[\w@%+=:,./-]+")


def shell_word(path: str) -> str:
    """`path` as one word of a generated shell command: `/my app` -> `"/my app"` (`mkdir -p /my app` made
    /my and app). A `${VAR}` in it still expands; a plain path stays as it is."""
    if _PLAIN_WORD.fullmatch(path):
        return path
    return '"' + re.sub(r'(["\\`])', r"\\\1", path) + '"'
