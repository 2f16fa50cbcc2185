"""Dockerfile variables as BuildKit reads them: `$NAME` and `${NAME...}` expanded (expand_args), and a whole
word of WORKDIR, ENV, ARG or COPY processed with its quotes and escapes (process_word); the inverse for what
the tool writes (dockerfile_word, escaped_word); and the bounds that keep an untrusted file's expansions
small, per value and per file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar

from migrator.regex import lazy as lazy_re

_NAME = lazy_re(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = lazy_re(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])(.*))?", re.DOTALL)  # ${V:?message}: V (unset fails the build)


# BuildKit sets no bound, but a Dockerfile is untrusted input (a pull request, a pre-commit hook): ARG
# defaults that double at each level (`ARG A1=${A0}${A0}`) reach gigabytes in thirty lines, and nested
# defaults `${X:-${X:-...}}` a few hundred deep exhausted Python's stack
MAX_EXPANSION = 64 * 1024  # characters that references may add to one text
MAX_NESTING = 32  # defaults inside defaults
# ... and for a whole file: 16,000 lines of `ENV B<n>=$C`, with C just under the bound above, held a
# gigabyte. This counts the text expanded while one file is migrated.
MAX_TOTAL_EXPANSION = 32 * 1024 * 1024
_EXPANDED: ContextVar[list[int] | None] = ContextVar("expanded", default=None)


class ExpansionBudget:
    """Within: expansions add up, and their total is bounded by MAX_TOTAL_EXPANSION (one file's migration). A class,
    not contextlib's: contextlib costs 0.5 ms of a cold run to import (docs/performance.md)."""

    def __enter__(self) -> None:
        self._token = _EXPANDED.set([0])

    def __exit__(self, *exc_info: object) -> None:
        _EXPANDED.reset(self._token)


def _charge(text: str, expanded: str) -> str:
    total = _EXPANDED.get()
    if total is not None:
        total[0] += len(expanded)
        if total[0] > MAX_TOTAL_EXPANSION:
            _refuse(f"variables of this file expand to more than {MAX_TOTAL_EXPANSION // 1024 // 1024} MB in all, "
                    "here", text)
    return expanded


def expand_args(text: str, values: Mapping[str, str | None]) -> tuple[str, list[str]]:
    """Expand $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, ${VAR+alt}; a default may hold
    other references (`${V:-${X}}`), as BuildKit allows.

    Returns the expanded text and the names that had no value (expanded to "").
    Raises MigratorError (one line) when the expansion would grow by more than MAX_EXPANSION
    characters or nest defaults more than MAX_NESTING deep.
    """
    missing: list[str] = []
    if "$" not in text:
        return text, missing
    return _charge(text, _expand(text, values, missing, 0)), missing


def _expand(text: str, values: Mapping[str, str | None], missing: list[str], nesting: int) -> str:
    if "$" not in text:
        return text
    if nesting > MAX_NESTING:
        _refuse(f"variable defaults nested more than {MAX_NESTING} deep", text)

    def replace(name: str, operator: str | None, word: str) -> str:
        value = values.get(name)
        is_set = name in values and value is not None
        if operator in (":-", "-"):
            use_default = not is_set or (operator == ":-" and value == "")
            return _expand(word, values, [], nesting + 1) if use_default else str(value)
        if operator in (":+", "+"):
            use_alt = is_set and (operator == "+" or value != "")
            return _expand(word, values, [], nesting + 1) if use_alt else ""
        if not is_set:
            missing.append(name)
            return ""
        return str(value)

    out: list[str] = []
    size = 0
    position = 0
    while (dollar := text.find("$", position)) >= 0:
        out.append(text[position:dollar])
        position = dollar + 1
        if text.startswith("{", position):
            close = _closing_brace(text, position + 1)
            braced = _BRACED.fullmatch(text, position + 1, close) if close is not None else None
            if braced is not None and close is not None:
                out.append(replace(braced.group(1), braced.group(2), braced.group(3) or ""))
                position = close + 1
                size += len(out[-1])
                if size > MAX_EXPANSION + len(text):
                    _refuse(f"variables expand to more than {MAX_EXPANSION // 1024} KB", text)
                continue
        elif (name := _NAME.match(text, position)) is not None:
            out.append(replace(name.group(), None, ""))
            position = name.end()
            size += len(out[-1])
            if size > MAX_EXPANSION + len(text):
                _refuse(f"variables expand to more than {MAX_EXPANSION // 1024} KB", text)
            continue
        out.append("$")
    out.append(text[position:])
    return "".join(out)


def process_word(text: str, values: Mapping[str, str | None], escape: str = "\\") -> tuple[str, list[str]]:
    """The value BuildKit gives a WORKDIR, USER, ENV value or ARG default as written: quotes removed, a
    single-quoted part kept literal, the escape character taking the next character literally (inside
    double quotes only before `"`, `$` or itself), and variables expanded, an unset one to "".

    Returns the value and the names that had no value; raises MigratorError as expand_args does.
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return text, []
    missing: list[str] = []
    out: list[str] = []
    size = 0
    position, end = 0, len(text)
    quote = ""
    while position < end:
        char = text[position]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
            position += 1
        elif char == "$":
            reference = _reference_end(text, position)
            if reference is None:
                out.append("$")
                position += 1
                continue
            out.append(_expand(text[position:reference], values, missing, 0))
            size += len(out[-1])
            if size > MAX_EXPANSION + len(text):
                _refuse(f"variables expand to more than {MAX_EXPANSION // 1024} KB", text)
            position = reference
        elif char == escape and position + 1 < end and (not quote or text[position + 1] in ('"', "$", escape)):
            out.append(text[position + 1])
            position += 2
        elif char == escape and position + 1 == end:
            position += 1  # an escape character ending the word is dropped
        elif char in "'\"" and not quote:
            quote = char
            position += 1
        elif char == '"' and quote == '"':
            quote = ""
            position += 1
        else:
            out.append(char)
            position += 1
    return _charge(text, "".join(out)) if size else "".join(out), missing


def _reference_end(text: str, dollar: int) -> int | None:
    """Where the `$NAME` or `${...}` starting at `dollar` ends; None when the `$` is a plain character."""
    if text.startswith("{", dollar + 1):
        close = _closing_brace(text, dollar + 2)
        return close + 1 if close is not None and _BRACED.fullmatch(text, dollar + 2, close) else None
    name = _NAME.match(text, dollar + 1)
    return name.end() if name is not None else None


def needs_quoting(value: str) -> bool:
    """Would BuildKit read `value`, written as it is, as something else (a variable, quotes, an escape, either
    escape character; white space at an end is dropped)?"""
    return any(c in value for c in "$'\"\\`") or value != value.strip() or not value


def escaped_word(value: str, escape: str = "\\") -> str:
    """`value` as one word of a COPY line (plain or JSON form, which BuildKit processes alike): a `$`, a
    quote or the escape character taken literally by an escape character before it."""
    if not needs_quoting(value):
        return value
    return "".join(escape + c if c in ("$", "'", '"', escape) else c for c in value)


def dockerfile_word(value: str, escape: str = "\\") -> str:
    """`value` written so that BuildKit reads it back as `value` (the inverse of process_word): as it is
    when plain, else in double quotes with `"`, `$` and the escape character escaped, so that a literal
    `$HOME` is not expanded and the line never ends in the escape character (which would continue the
    instruction onto the next line)."""
    if not needs_quoting(value):
        return value
    return '"' + "".join(escape + c if c in ('"', "$", escape) else c for c in value) + '"'


def _refuse(problem: str, text: str) -> None:
    from migrator.model import ExpansionError
    from migrator.yamlfile import short_repr

    raise ExpansionError(f"{problem} in {short_repr(text, 60)}: refused, as a bound against expansion bombs")


_BRACE_TOKENS = lazy_re(r"\$\{|\}")


def _closing_brace(text: str, start: int) -> int | None:
    """Index of the `}` that closes a `${` whose name starts at `start`, nested `${...}` skipped."""
    depth = 0
    for token in _BRACE_TOKENS.finditer(text, start):
        if token.group() == "${":
            depth += 1
        elif depth == 0:
            return token.start()
        else:
            depth -= 1
    return None


def buildkit_words(text: str, escape: str = "\\") -> list[str]:
    """`text` split where BuildKit splits an ENV/ARG line: at white space outside quotes and not escaped;
    quotes and escapes are kept in the words."""
    words: list[str] = []
    start: int | None = None
    quote = ""
    position = 0
    while position < len(text):
        char = text[position]
        if start is None and not char.isspace():
            start = position
        if char == escape and quote != "'":
            position += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char.isspace() and start is not None:
            words.append(text[start:position])
            start = None
        position += 1
    if start is not None:
        words.append(text[start:])
    return words
