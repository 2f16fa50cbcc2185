"""Which files an in-place edit of a RUN changes: `sed -i` and `perl -pi` named by path, by a glob (`sed -i ...
scripts/*.sh`), by `find scripts -name '*.sh' -exec sed -i ... {} +`, by a loop (`for f in scripts/*.sh; do sed -i
... "$f"; done`), or by names the file does not show (`... | xargs sed -i`, a loop over `$(find ...)`).

    edits = edited_files(facts.commands, facts.env)
    edits.of("/app/scripts/start.sh")  -> [SedEdit, ...] in the order they ran

A glob or a find is matched against the path the file has in the image; an edit whose files are not known may
or may not include it (SedEdit.maybe): plan.sed_edits reads what it would make of the `#!` line. A `perl -pi`
edit is read as the sed edit it is (`s|^#!/bin/sh|#!/bin/bash|`, `s/.../.../ if $. == 1`); other perl code is
unread when it names the `#!` line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from migrator.plan.facts import Command
from migrator.plan.sed_edits import SedEdit, may_touch_shebang, sed_in_place
from migrator.records import dataclass, field
from migrator.regex import glob_match


@dataclass(frozen=True)
class FileSet:
    """The files an edit names: `globs` (absolute path globs), or a find's `roots` and name tests; `any`: files
    this file does not show (each may be one); `partial`: a find test not read (each file under its roots may
    be one)."""

    globs: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    names: tuple[tuple[str, bool], ...] = ()  # (-name / -iname glob, case-insensitive)
    paths: tuple[str, ...] = ()  # -path globs
    any: bool = False
    partial: bool = False

    def matches(self, path: str) -> bool | None:
        """True: the edit changes the file; False: not; None: it may."""
        if self.any:
            return None
        if self.globs:
            return any(_path_glob(path, glob) for glob in self.globs)
        if not any(path.startswith(root.rstrip("/") + "/") for root in self.roots):
            return False
        name = posixpath.basename(path)
        if not all(glob_match(name.lower() if folded else name, pattern.lower() if folded else pattern)
                   for pattern, folded in self.names):
            return None if self.partial else False
        if not all(glob_match(path, pattern) or glob_match("./" + path.lstrip("/"), pattern) for pattern in self.paths):
            return None
        return None if self.partial else True


@dataclass
class EditedFiles:
    exact: dict[str, list[SedEdit]] = field(default_factory=dict)
    sets: list[tuple[FileSet, SedEdit]] = field(default_factory=list)

    def of(self, path: str) -> list[SedEdit]:
        """The edits of the file at absolute `path`, in the order they ran (an edit that may include it: maybe)."""
        path = posixpath.normpath(path)
        found = list(self.exact.get(path, []))
        for files, edit in self.sets:
            matched = files.matches(path)
            if matched is not False:
                found.append(SedEdit(path, edit.line, edit.script, edit.extended, maybe=matched is None,
                                     tool=edit.tool))
        return sorted(found, key=lambda edit: edit.line) if len(found) > 1 else found

    def __bool__(self) -> bool:
        return bool(self.exact or self.sets)


def edited_files(commands: Iterable[Command], env: Mapping[str, str | None]) -> EditedFiles:
    """The in-place edits (`sed -i`, `perl -pi`) of the commands, by the files they change."""
    edited = EditedFiles()
    loops: dict[int, dict[str, list[str] | None]] = {}
    for command in commands:
        for words, files in _edit_commands(command, env):
            read = _read_edit(words)
            if read is None:
                continue
            script, extended, operands, tool = read
            for operand in operands:
                found = files if operand == "{}" and files is not None else _operand_files(
                    operand, command, env, loops)
                edit = SedEdit("", command.line, script, extended, tool=tool)
                if isinstance(found, str):
                    path = posixpath.normpath(found)
                    edited.exact.setdefault(path, []).append(SedEdit(path, command.line, script, extended, tool=tool))
                else:
                    edited.sets.append((found, edit))
            if files is not None and "{}" not in operands:
                edited.sets.append((files, SedEdit("", command.line, script, extended, tool=tool)))
    return edited


def _edit_commands(command: Command, env: Mapping[str, str | None]
                   ) -> list[tuple[tuple[str, ...], FileSet | None]]:
    """(the editing command's words, the files `{}` or its standard input stands for) of a command: itself, the
    command a `find ... -exec` runs on what it finds, or the one `xargs` runs on the names it reads."""
    words = command.words
    program = posixpath.basename(words[0])
    if program in ("sed", "perl"):
        return [(words, None)]
    if program == "find":
        return _find_exec(command, env)
    if program == "xargs" and len(words) > 1:
        inner = _after_xargs_options(words[1:])
        if inner and posixpath.basename(inner[0]) in ("sed", "perl"):
            return [(inner, FileSet(any=True))]
    return []


def _find_exec(command: Command, env: Mapping[str, str | None]) -> list[tuple[tuple[str, ...], FileSet | None]]:
    """The commands `find ROOTS TESTS -exec CMD {} +` runs, with the files its tests select."""
    words = command.words
    at = 1
    while at < len(words) and words[at] in ("-H", "-L", "-P"):
        at += 1
    roots: list[str] = []
    while at < len(words) and not words[at].startswith(("-", "(", "!")):
        roots.append(words[at])
        at += 1
    names: list[tuple[str, bool]] = []
    paths: list[str] = []
    partial = False
    found: list[tuple[tuple[str, ...], FileSet | None]] = []
    while at < len(words):
        word = words[at]
        if word in ("-exec", "-execdir"):
            end = next((i for i in range(at + 1, len(words)) if words[i] in (";", "\\;", "+")), len(words))
            inner = words[at + 1:end]
            resolved = [command.resolve(root, env) for root in roots or ["."]]
            if inner and posixpath.basename(inner[0]) in ("sed", "perl"):
                found.append((inner, FileSet(any=True) if None in resolved else FileSet(
                    roots=tuple(posixpath.normpath(r) for r in resolved if r is not None), names=tuple(names),
                    paths=tuple(paths), partial=partial)))
            at = end + 1
            continue
        if word in ("-name", "-iname") and at + 1 < len(words):
            names.append((words[at + 1], word == "-iname"))
            at += 2
            continue
        if word in ("-path", "-wholename") and at + 1 < len(words):
            paths.append(words[at + 1])
            at += 2
            continue
        if word == "-type" and at + 1 < len(words):
            partial = partial or words[at + 1] != "f"
            at += 2
            continue
        partial = True  # (-o, !, -newer, -maxdepth...: the tests are not all read)
        at += 1
    return found


_XARGS_VALUED = frozenset({"-n", "-L", "-P", "-s", "-d", "-E", "-I", "-a", "--max-args", "--max-procs",
                           "--delimiter", "--replace", "--arg-file", "--max-lines"})


def _after_xargs_options(words: tuple[str, ...]) -> tuple[str, ...]:
    at = 0
    while at < len(words) and words[at].startswith("-"):
        at += 2 if words[at] in _XARGS_VALUED else 1
    return words[at:]


def _read_edit(words: tuple[str, ...]) -> tuple[str | None, bool, list[str], str] | None:
    """(sed script, extended, file operands, tool as written) of an in-place edit; None when it is not one or
    cannot touch a `#!` line."""
    if posixpath.basename(words[0]) == "sed":
        parsed = sed_in_place(words[1:])
        return None if parsed is None else (*parsed, "sed -i")
    return _perl_in_place(words[1:])


def _perl_in_place(words: tuple[str, ...]) -> tuple[str | None, bool, list[str], str] | None:
    """`perl -pi -e CODE FILE...` as the sed edit it makes (None when the code is not read and names no `#!` line,
    or perl does not edit in place)."""
    code: list[str] = []
    in_place = prints = False
    readable = True
    at = 0
    while at < len(words) and words[at].startswith("-") and words[at] != "-":
        word = words[at]
        at += 1
        if word == "--":
            break
        index = 1
        while index < len(word):
            flag = word[index]
            index += 1
            if flag in "eE":
                if index < len(word):
                    code.append(word[index:])
                elif at < len(words):
                    code.append(words[at])
                    at += 1
                break
            if flag == "i":
                in_place = True
                break  # (the rest is the backup's extension)
            if flag == "p":
                prints = True
            elif flag in "wWtTXsla":
                continue
            elif flag in "MmIC":
                break
            else:  # (-n prints nothing, -0 reads records that are not lines, -F...: not read)
                readable = False
                if flag == "0":
                    break
    operands = list(words[at:])
    if not in_place or not code:
        return None
    text = "\n".join(code)
    script = _perl_as_sed(text) if readable and prints else None
    if script is None and not may_touch_shebang(text):
        return None
    return script, True, operands, "perl -pi"


_PERL_LINE_ONE = re.compile(r"\s*(?:if\s*\(?\s*\$\.\s*==\s*1\s*\)?\s*)?$")
_PERL_LINE_ONE_FIRST = re.compile(r"\s*\$\.\s*==\s*1\s*(?:&&|and)\s*")
_BRACKETS = {"{": "}", "(": ")", "<": ">", "[": "]"}


def _perl_as_sed(code: str) -> str | None:
    """The sed script of perl code made of substitutions (`s|a|b|g; s/x/y/ if $. == 1`); None otherwise."""
    commands: list[str] = []
    at = 0
    while at < len(code):
        if code[at] in " \t\n;":
            at += 1
            continue
        address = ""
        first = _PERL_LINE_ONE_FIRST.match(code, at)
        if first:
            address, at = "1", first.end()
        read = _perl_substitution(code, at)
        if read is None:
            return None
        pattern, replacement, flags, at = read
        end = code.find(";", at)
        condition = code[at:] if end < 0 else code[at:end]
        suffix = _PERL_LINE_ONE.match(condition)
        if suffix is None:
            return None
        if "$." in condition:
            address = "1"
        at = len(code) if end < 0 else end + 1
        if set(flags) - set("gimsx") or "x" in flags:
            return None
        commands.append(f"{address}s\x01{pattern}\x01{replacement}\x01{''.join(f for f in flags if f in 'gi')}")
    return "\n".join(commands) or None


def _perl_substitution(code: str, at: int) -> tuple[str, str, str, int] | None:
    """(pattern, replacement as sed's, flags, index after them) of `s<d>...<d>...<d>flags` at `at`."""
    if not code.startswith("s", at) or at + 1 >= len(code) or code[at + 1].isalnum() or code[at + 1].isspace():
        return None
    opening = code[at + 1]
    closing = _BRACKETS.get(opening, opening)
    pattern, at = _perl_part(code, at + 2, closing)
    if pattern is None:
        return None
    if opening in _BRACKETS:
        while at < len(code) and code[at] in " \t":
            at += 1
        if at >= len(code) or code[at] != opening:
            return None
        at += 1
    replacement, at = _perl_part(code, at, closing)
    if replacement is None:
        return None
    flags = re.match(r"[a-z]*", code[at:])
    flag_text = flags.group() if flags else ""
    sed_replacement = _perl_replacement(replacement)
    if sed_replacement is None or "\x01" in pattern:
        return None
    return pattern, sed_replacement, flag_text, at + len(flag_text)


def _perl_part(code: str, at: int, closing: str) -> tuple[str | None, int]:
    start = at
    while at < len(code):
        if code[at] == "\\":
            at += 2
            continue
        if code[at] == closing:
            return code[start:at], at + 1
        at += 1
    return None, at


def _perl_replacement(text: str) -> str | None:
    """A perl replacement (an interpolated string) as sed's: `$1` -> `\\1`, `&` literal; None when it names
    another variable or runs code."""
    out: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            following = text[at + 1]
            out.append("\\" + following if following in "nt\\" else ("\\&" if following == "&" else following))
            at += 2
            continue
        if char == "$":
            group = re.match(r"\$(?:(\d)|\{(\d)\})", text[at:])
            if group is None:
                return None
            out.append("\\" + (group.group(1) or group.group(2)))
            at += group.end()
            continue
        if char == "@" and at + 1 < len(text) and (text[at + 1].isalpha() or text[at + 1] in "{_"):
            return None
        out.append("\\&" if char == "&" else char)
        at += 1
    return "".join(out)


def _operand_files(operand: str, command: Command, env: Mapping[str, str | None],
                   loops: dict[int, dict[str, list[str] | None]]) -> str | FileSet:
    """The path an operand names, or the files it may name: a glob, a loop's words, or any file."""
    path = command.resolve(operand, env)
    if path is not None:
        return FileSet(globs=(posixpath.normpath(path),)) if _is_glob(path) else path
    key = id(command.instruction)
    if key not in loops:
        loops[key] = _loop_words(command.instruction.raw)
    globs: list[str] = []
    for word in _substituted(operand, loops[key]):
        resolved = command.resolve(word, env) if word else None
        if resolved is None:
            return FileSet(any=True)
        globs.append(posixpath.normpath(resolved))
    return FileSet(globs=tuple(globs)) if globs else FileSet(any=True)


def _substituted(operand: str, loops: dict[str, list[str] | None], depth: int = 0) -> list[str]:
    """The operand with each loop variable it names replaced by each of the loop's words (a word of "" when a
    loop's words are not known)."""
    match = re.search(r"\$(?:\{(\w+)\}|(\w+))", operand)
    if match is None or depth > 2:
        return [operand]
    name = match.group(1) or match.group(2)
    if name not in loops:
        return [operand] if depth else [""]
    values = loops[name]
    if values is None:
        return [""]
    found: list[str] = []
    for value in values:
        found += _substituted(operand[:match.start()] + value + operand[match.end():], loops, depth + 1)
    return found


_LOOP = re.compile(r"(?<![\w-])for[ \t]+([A-Za-z_]\w*)[ \t]+in[ \t]+([^;\n]*?)[ \t]*(?:;|\n)\s*do\b")


def _loop_words(raw: str) -> dict[str, list[str] | None]:
    """{variable: the words it takes} of each `for VAR in WORDS; do` of a RUN (None: computed, `$(find ...)`)."""
    from migrator.parse.words import split_words

    loops: dict[str, list[str] | None] = {}
    for match in _LOOP.finditer(raw.replace("\\\n", " ")):
        text = match.group(2)
        try:
            words: list[str] | None = split_words(text)
        except ValueError:
            words = None
        if words is not None and ("$(" in text or "`" in text or not words):
            words = None
        loops[match.group(1)] = words
    return loops


def _is_glob(path: str) -> bool:
    return any(c in path for c in "*?[")


def _path_glob(path: str, pattern: str) -> bool:
    """A shell glob of a path: each component matched on its own (`*` does not cross `/`)."""
    parts, globs = path.split("/"), pattern.split("/")
    return len(parts) == len(globs) and all(glob_match(part, glob) for part, glob in zip(parts, globs, strict=True))
