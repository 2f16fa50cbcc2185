"""What `sed -i` does to the first line of a file, its `#!` line (and what `sed` without -i writes of it):
`sed -i 's|#!/bin/sh|#!/bin/bash|' /start.sh` or `sed -i '1s/.*/#!\\/bin\\/bash/' /start.sh` turns a build
context's sh script into a bash one.

Only what is certain is read: the `s`, `c`, `i` commands of a sed script (GNU syntax, addresses by line number
or regular expression), applied to a known first line, or one that replaces whatever line 1 is
(`1s/.*/X/`, `1c X`); on a script not read, a `#!` line replaced by a bash one is taken to match (bash is then
installed: the safe side). An edit that may change line 1 in another way is unread: the caller says so.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping

from migrator.plan.facts import Command
from migrator.records import dataclass


@dataclass(frozen=True)
class SedEdit:
    """One `sed -i` run on one file: its script (the -e expressions joined), or None when it cannot be read
    (`-f script.sed`, `-z`, an option this reader does not know)."""

    path: str
    line: int
    script: str | None
    extended: bool = False


@dataclass(frozen=True)
class FirstLine:
    """The first line after the edits: None when it is not known; `unread`: the line of a RUN whose edit may
    have changed it in a way this reader cannot tell (0: none)."""

    text: str | None
    unread: int = 0


def sed_edits(commands: Iterable[Command], env: Mapping[str, str | None]) -> dict[str, list[SedEdit]]:
    """{absolute path: the `sed -i` edits of it, in order} of the commands."""
    found: dict[str, list[SedEdit]] = {}
    for command in commands:
        if posixpath.basename(command.words[0]) != "sed":
            continue
        parsed = _parse_options(command.words[1:])
        if parsed is None or not parsed[3]:
            continue
        script, extended, files, _ = parsed
        for name in files:
            path = command.resolve(name, env)
            if path is not None:
                found.setdefault(posixpath.normpath(path), []).append(
                    SedEdit(posixpath.normpath(path), command.line, script, extended))
    return found


def first_line_after(first: str | None, edits: Iterable[SedEdit]) -> FirstLine:
    """The file's first line after `edits`, from `first` (None: not known)."""
    line = first
    for edit in edits:
        result = _run_on_first_line(line, edit)
        if result is _UNREAD:
            return FirstLine(None, edit.line)
        line = result if isinstance(result, str) else line
    return FirstLine(line)


def sed_filter(words: tuple[str, ...] | list[str]) -> tuple[str | None, bool, list[str]] | None:
    """(script, extended, files) of a sed command line that writes the edited text to its output (`sed
    's|/bin/sh|/bin/bash|' start.sh`, no -i); None when it edits in place or names no script."""
    parsed = _parse_options(tuple(words))
    return None if parsed is None or parsed[3] else parsed[:3]


def _parse_options(words: tuple[str, ...]) -> tuple[str | None, bool, list[str], bool] | None:
    """(script, extended, files, in place) of a sed command line; None when it names no script. The script is
    the -e expressions joined, or the first operand; None when it cannot be read (a script file, an option that
    changes what is written: -n, -z)."""
    from migrator.parse.options import scan

    scanned = scan(words, "efl", _VALUED_LONG, attached_short="i")
    expressions = [value or "" for name, value in scanned.options if name in ("-e", "--expression")]
    readable = all(name in _READ_OPTIONS for name, _ in scanned.options)
    script_file = scanned.has("-f", "--file")
    operands = list(scanned.operands)
    if not expressions and not script_file:
        if not operands:
            return None
        expressions, operands = [operands[0]], operands[1:]
    return (("\n".join(expressions) if readable else None), scanned.has("-E", "-r", "--regexp-extended"), operands,
            scanned.has("-i", "--in-place"))


_VALUED_LONG = frozenset({"--expression", "--file", "--line-length"})
# options that leave what sed writes as its script says (-i, -E: read), the others make it unread (-n, -z, -f)
_READ_OPTIONS = frozenset({"-i", "--in-place", "-e", "--expression", "-E", "-r", "--regexp-extended", "-s", "-u",
                           "--separate", "--posix", "--debug", "--sandbox", "--follow-symlinks", "--unbuffered"})


class _Marker:
    pass


_UNREAD = _Marker()  # the edit may change line 1, in a way not read
_MAYBE = _Marker()  # an address that may or may not select line 1

_LEAVES_LINE_ONE = frozenset("arRwWpPbtT:q")  # commands that do not change what line 1 becomes


def _run_on_first_line(first: str | None, edit: SedEdit) -> str | _Marker | None:
    """Line 1 after one edit: a string, _UNREAD, or None when the edit leaves it as it was."""
    if edit.script is None:
        return _UNREAD
    try:
        commands = _commands(edit.script, edit.extended)
    except ValueError:
        return _UNREAD if _may_touch_shebang(edit.script) else None
    line: str | None = first
    changed = False
    for address, negated, name, apply in commands:
        selected = _selects_line_one(address, line, edit.extended)
        if name in _LEAVES_LINE_ONE:
            if name == "q" and selected is not _MAYBE and bool(selected) != negated:
                break  # (sed stops after line 1: what follows does not run on it)
            continue
        if selected is _MAYBE:
            return _UNREAD
        if bool(selected) == negated:
            continue
        if name in "ci":  # the text is line 1 now; a later command works on what follows it
            return apply(line)  # type: ignore[return-value]
        if name == "d":
            return _UNREAD  # (line 2 is line 1 now)
        if name != "s":
            return _UNREAD
        result = apply(line)
        if result is _UNREAD or result is _MAYBE:
            return _UNREAD
        if result is not None:
            line, changed = result, True  # type: ignore[assignment]
    return line if changed else None


Apply = Callable[[str | None], "str | _Marker | None"]
Address = tuple[str, ...]


def _commands(script: str, extended: bool) -> list[tuple[Address, bool, str, Apply]]:
    """(address, negated, command name, what it does to line 1) of each command of a sed script."""
    commands: list[tuple[Address, bool, str, Apply]] = []
    at = 0
    while at < len(script):
        if script[at] in " \t\n;":
            at += 1
            continue
        if script[at] == "#":
            at = _line_end(script, at)
            continue
        address, at = _address(script, at)
        while at < len(script) and script[at] in " \t":
            at += 1
        negated = at < len(script) and script[at] == "!"
        at += 1 if negated else 0
        if at >= len(script):
            raise ValueError("no command")
        name = script[at]
        at += 1
        if name == "s":
            apply, at = _substitution(script, at, extended)
        elif name in "aic":
            text, at = _text_argument(script, at)
            apply = _replaced_by(text)
        elif name in "{}ynNgGhHxDzeFvQ":
            raise ValueError(f"command {name}")
        else:
            at = _line_end(script, at) if name in "rRwWbtT:" else at
            apply = _unchanged
        commands.append((address, negated, name, apply))
    return commands


def _line_end(script: str, at: int) -> int:
    end = script.find("\n", at)
    return len(script) if end < 0 else end


def _address(script: str, at: int) -> tuple[Address, int]:
    """The address before a command: () for every line, ("1",), ("1", "5"), ("/re/",)..."""
    parts: list[str] = []
    while True:
        match = re.match(r"\d+~\d+|\d+|\$|\+\d+|~\d+", script[at:])
        if match:
            parts.append(match.group())
            at += match.end()
        elif at < len(script) and script[at] in "/\\":
            delimiter = script[at] if script[at] == "/" else script[at + 1: at + 2]
            start = at + (1 if script[at] == "/" else 2)
            tokens, at = _delimited(script, start, delimiter)
            while at < len(script) and script[at] in "IM":
                at += 1
            parts.append("/" + _pattern_text(tokens))
        if len(parts) == 2 or at >= len(script) or script[at] != "," or not parts:
            return tuple(parts), at
        at += 1


def _selects_line_one(address: Address, line: str | None, extended: bool) -> bool | _Marker:
    if not address:
        return True
    first = address[0]
    if first.startswith("/"):
        regex = _python_regex_from_text(first[1:], extended)
        if regex is None or line is None:
            return _MAYBE
        return regex.search(line) is not None
    if "~" in first:
        start, step = (int(n) for n in first.split("~"))
        return start == 1 or (start == 0 and step == 1)
    if first == "$":
        return False  # (a script has more than one line)
    return first in ("0", "1") and (first == "1" or len(address) == 2)


def _delimited(script: str, at: int, delimiter: str) -> tuple[list[tuple[str, str]], int]:
    """The tokens up to an unescaped `delimiter`: ("lit", c) for an escaped delimiter, ("esc", c) for another
    escape, ("chr", c) otherwise; and the index after the delimiter."""
    if not delimiter or delimiter in "\n\\":
        raise ValueError("no delimiter")
    tokens: list[tuple[str, str]] = []
    bracket = False
    while at < len(script):
        char = script[at]
        if char == "\\" and at + 1 < len(script):
            following = script[at + 1]
            tokens.append(("lit" if following == delimiter else "esc", following))
            at += 2
            continue
        if char == delimiter and not bracket:
            return tokens, at + 1
        if char == "\n":
            raise ValueError("unterminated")
        bracket = (bracket and char != "]") or (char == "[" and not bracket)
        tokens.append(("chr", char))
        at += 1
    raise ValueError("unterminated")


def _pattern_text(tokens: list[tuple[str, str]]) -> str:
    """The tokens as sed pattern text with the delimiter unescaped (kept in an address as /text)."""
    return "".join(("\\" + c if kind == "esc" else ("\x00" + c if kind == "lit" else c)) for kind, c in tokens)


_BRE_SPECIAL_ESCAPES = {"(": "(", ")": ")", "{": "{", "}": "}", "+": "+", "?": "?", "|": "|"}
_PYTHON_SAME_ESCAPES = set("wWsSbB.*[]^$\\/(){}+?|ntr")


def _python_regex_from_text(text: str, extended: bool, flags: int = 0) -> re.Pattern[str] | None:
    """A POSIX (GNU sed) regular expression as Python's; None when it uses what this reader does not
    translate (character classes like [[:alpha:]], \\< \\>)."""
    out: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "\x00":  # an escaped delimiter: that character itself
            out.append(re.escape(text[at + 1]))
            at += 2
            continue
        if char == "\\" and at + 1 < len(text):
            following = text[at + 1]
            at += 2
            if following in _BRE_SPECIAL_ESCAPES and not extended:
                out.append(_BRE_SPECIAL_ESCAPES[following])
            elif following.isdigit() or following in _PYTHON_SAME_ESCAPES:
                out.append("\\" + following)
            else:
                return None
            continue
        if char == "[":
            end = _bracket_end(text, at)
            if end is None:
                return None
            body = text[at + 1: end]
            if "[:" in body or "[=" in body or "[." in body:
                return None
            negated = body.startswith("^")
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            at = end + 1
            continue
        if not extended and char in "(){}+?|":
            out.append("\\" + char)
        elif char == "*" and (not out or out[-1] in ("^", "(", "\\(")):
            out.append("\\*")
        else:
            out.append(char)
        at += 1
    try:
        return re.compile("".join(out), flags)
    except re.error:
        return None


def _bracket_end(text: str, at: int) -> int | None:
    """The index of the `]` that closes the bracket expression opened at `at`."""
    index = at + 1
    if index < len(text) and text[index] == "^":
        index += 1
    if index < len(text) and text[index] == "]":
        index += 1
    end = text.find("]", index)
    return None if end < 0 else end


def _substitution(script: str, at: int, extended: bool) -> tuple[Apply, int]:
    if at >= len(script):
        raise ValueError("no delimiter")
    delimiter = script[at]
    pattern, at = _delimited(script, at + 1, delimiter)
    replacement, at = _delimited(script, at, delimiter)
    flags = re.match(r"[gpiImM0-9]*", script[at:])
    flag_text = flags.group() if flags else ""
    at += len(flag_text)
    if at < len(script) and script[at] in "we":
        raise ValueError("s///w or e")
    count = 0 if "g" in flag_text else 1
    if re.search(r"\d", flag_text) and flag_text.strip("gpiImM") not in ("", "1"):
        raise ValueError("s///N")
    regex = _python_regex_from_text(_pattern_text(pattern), extended, re.IGNORECASE if "i" in flag_text.lower()
                                    else 0)
    return _substituted(regex, pattern, replacement, count), at


def _substituted(regex: re.Pattern[str] | None, pattern: list[tuple[str, str]], replacement: list[tuple[str, str]],
                 count: int) -> Apply:
    build = _replacement(replacement)
    whole_line = _pattern_text(pattern) in (".*", "^.*", ".*$", "^.*$")

    def apply(line: str | None) -> str | _Marker | None:
        if line is None:
            if whole_line and build is not None and not _uses_groups(replacement):
                return build(None)  # (`1s/.*/#!\/bin\/bash/`: whatever line 1 was)
            if _makes_bash(pattern, replacement) and build is not None:
                # (`s|#!/bin/sh|#!/bin/bash|` on a script not read: taken to match, the safe side: bash is installed)
                return build(None)
            return _UNREAD if _may_touch_shebang(_pattern_text(pattern)) else None
        if regex is None:  # (a pattern not translated: it is taken to change line 1 when it names a `#!` line)
            return _UNREAD if _may_touch_shebang(_pattern_text(pattern)) else None
        if build is None:
            return _UNREAD if regex.search(line) else None
        if not regex.search(line):
            return None
        return regex.sub(lambda match: build(match), line, count=count).split("\n", 1)[0]

    return apply


def _makes_bash(pattern: list[tuple[str, str]], replacement: list[tuple[str, str]]) -> bool:
    """`s|^#!/bin/sh|#!/bin/bash|`: a `#!` line replaced by a whole bash `#!` line."""
    text = "".join(c for _, c in replacement)
    return (_pattern_text(pattern).lstrip("^").startswith("#!") and not _uses_groups(replacement)
            and text.startswith("#!") and "bash" in text)


def _uses_groups(replacement: list[tuple[str, str]]) -> bool:
    return any((kind == "chr" and c == "&") or (kind == "esc" and c.isdigit()) for kind, c in replacement)


def _replacement(tokens: list[tuple[str, str]]) -> Callable[[re.Match[str] | None], str] | None:
    """What a replacement makes of a match (`&`, `\\1`, `\\n`); None when it uses case conversion (`\\U`)."""
    parts: list[str | int] = []
    for kind, char in tokens:
        if kind == "chr":
            parts.append(0 if char == "&" else char)
        elif kind == "lit":
            parts.append(char)
        elif char.isdigit():
            parts.append(int(char))
        elif char in "LUluE":
            return None
        else:
            parts.append({"n": "\n", "t": "\t", "r": "\r"}.get(char, char))

    def build(match: re.Match[str] | None) -> str:
        return "".join(part if isinstance(part, str) else (match.group(part) or "" if match else "")
                       for part in parts)

    return build


def _text_argument(script: str, at: int) -> tuple[str, int]:
    """The text of `a`, `i`, `c` (GNU one-liner `1c\\#!/bin/bash` or `1c #!/bin/bash`), to the end of the line."""
    end = _line_end(script, at)
    text = script[at:end]
    if text.startswith("\\"):
        text = text[1:]
        if text.startswith("\n"):
            raise ValueError("multi-line text")
    else:
        text = text.lstrip(" \t")
    return re.sub(r"\\(.)", r"\1", text), end


def _replaced_by(text: str) -> Apply:
    return lambda _line: text


def _unchanged(_line: str | None) -> None:
    return None


def _may_touch_shebang(script: str) -> bool:
    """A script this reader cannot follow that names the `#!` line or line 1."""
    return bool(re.search(r"#!|\^#|/bin/|bash|\bsh\b", script) or re.match(r"\s*(1|0,)", script))
