"""Reading a RUN's shell script: its tree-sitter-bash parse (the parser loaded lazily, built once; a script
parsed once), the value of its words, its simple commands and output redirects.

    src = parsed(script, first_line)
    src = parsed_or_none(script, first_line)   # user input: None where it fails or has a syntax error
    for node in walk(src.root): ...
    simple_commands(script)   # [SimpleCommand(words, start, end, line), ...]

Offsets are the script's characters (Source maps tree-sitter's bytes), lines the Dockerfile's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from migrator.records import dataclass
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Token

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

    from tree_sitter import Node, Parser


@dataclass(frozen=True)
class SimpleCommand:
    words: tuple[str, ...]  # unquoted words; expansions kept as written
    start: int
    end: int
    line: int  # absolute Dockerfile line
    assignments: tuple[str, ...] = ()  # `NAME=value` before the name (its environment only), value unquoted
    # the words after bash's brace expansion (`mkdir /d/{a,b}` -> mkdir /d/a /d/b); None when no word has one
    # (sh, ash and dash do not expand braces: which shell runs the command is the reader's to say)
    braced: tuple[str, ...] | None = None


_PARSER: Parser | None = None


def _parser() -> Parser:
    global _PARSER
    if _PARSER is None:
        tree_sitter = _tree_sitter()
        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


def _tree_sitter() -> Any:
    """tree-sitter's compiled binding (Parser, Language, Node), without the package's `__init__`,
    which imports typing (2 ms) for a Protocol we do not use; if it is not where tree-sitter puts it,
    the package, normally. Imported later, the package uses this binding."""
    import sys

    loaded = sys.modules.get("tree_sitter._binding")
    if loaded is None:
        try:
            loaded = _load_binding("tree_sitter")
        except (ImportError, OSError, AttributeError, StopIteration):
            import tree_sitter

            return tree_sitter
    return loaded


def _bash_language() -> object:
    """The bash grammar, from tree_sitter_bash's compiled binding.

    The package's `__init__` imports importlib.resources (which brings tempfile, shutil, random,
    bz2, lzma: 5 ms, an eighth of a one-file run) only to read a query file we do not use, so the
    binding is loaded on its own when it is where tree-sitter-bash puts it; otherwise, normally."""
    import sys

    loaded = sys.modules.get("tree_sitter_bash._binding")
    if loaded is None:
        try:
            loaded = _load_binding("tree_sitter_bash")
        except (ImportError, OSError, AttributeError, StopIteration):
            import tree_sitter_bash

            return tree_sitter_bash.language()
    return loaded.language()


def _load_binding(package: str) -> Any:
    """The compiled module `package._binding`, loaded without running the package's `__init__`
    (and without importlib.util, which imports contextlib: 0.7 ms of a cold run)."""
    import importlib.machinery
    import os
    import sys

    spec = importlib.machinery.PathFinder.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(package)
    directory = next(iter(spec.submodule_search_locations))
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    path = next(os.path.join(directory, f"_binding{suffix}") for suffix in suffixes
                if os.path.isfile(os.path.join(directory, f"_binding{suffix}")))
    name = f"{package}._binding"
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    binding_spec = importlib.machinery.ModuleSpec(name, loader, origin=path)
    binding_spec.has_location = True
    module = loader.create_module(binding_spec)
    module.__spec__, module.__loader__, module.__file__ = binding_spec, loader, path
    loader.exec_module(module)
    sys.modules[name] = module  # the package, if imported later, uses this one
    return module


def _join_blank_continuations(script: str) -> str:
    """Docker skips blank lines inside `\\` continuations (blanked comments); the shell would not.

    Same length and offsets: the newline ending such a blank line becomes a space.
    """
    if "\\\n" not in script:
        return script
    lines = script.split("\n")
    out: list[str] = []
    continued = False
    for number, line in enumerate(lines):
        out.append(line)
        if number == len(lines) - 1:
            break
        if continued and not line.strip():
            out.append(" ")
            continue
        out.append("\n")
        continued = line.endswith("\\")
    return "".join(out)


@lru_cache(maxsize=16)
def parsed(script: str, first_line: int) -> Source:
    """The Source of a script, parsed once: a RUN body is read by several passes (what it installs,
    its commands, the rewrite), and a 1 MiB body takes half a second to parse."""
    return Source(script, first_line)


class Source:
    """The script, its parse tree, and byte -> character offset mapping (read-only once built)."""

    def __init__(self, script: str, first_line: int) -> None:
        self.text = script
        self.first_line = first_line
        data = _join_blank_continuations(script).encode("utf-8", "surrogatepass")
        self.tree = _parser().parse(data)
        self._chars: list[int] | None = None
        self._newlines: list[int] | None = None
        if len(data) != len(script):
            chars: list[int] = []
            for index, char in enumerate(script):
                chars.extend([index] * len(char.encode("utf-8", "surrogatepass")))
            chars.append(len(script))
            self._chars = chars

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def pos(self, byte: int) -> int:
        return byte if self._chars is None else self._chars[byte]

    # (called for every word of a script: the byte offsets are the offsets when the text is ASCII)
    def start(self, node: Node) -> int:
        return node.start_byte if self._chars is None else self._chars[node.start_byte]

    def end(self, node: Node) -> int:
        return node.end_byte if self._chars is None else self._chars[node.end_byte]

    def slice(self, node: Node) -> str:
        if self._chars is None:
            return self.text[node.start_byte : node.end_byte]
        return self.text[self._chars[node.start_byte] : self._chars[node.end_byte]]

    def line(self, position: int) -> int:
        if self._newlines is None:  # offsets of the newlines, once: counting per token is quadratic
            self._newlines = [i for i, char in enumerate(self.text) if char == "\n"]
        return self.first_line + bisect.bisect_left(self._newlines, position)

    def token(self, node: Node) -> Token:
        start = self.start(node)
        return Token(self.slice(node), literal(self, node), start, self.end(node), self.line(start))


_UNESCAPE = lazy_re(r"\\(.)", re.S)
DOUBLE_QUOTED_ESCAPE = lazy_re(r'\\([\\"$`\n])')


def double_quoted(match: re.Match[str]) -> str:
    """The character a backslash in double quotes escapes (a line break: none)."""
    return "" if match.group(1) == "\n" else match.group(1)


def literal(src: Source, node: Node) -> str | None:
    """The value of a word without quotes, or None when it expands anything."""
    kind = node.type
    text = src.slice(node)
    if kind in ("word", "number"):
        return _UNESCAPE.sub(r"\1", text) if "\\" in text else text
    if kind == "raw_string":
        return text[1:-1]
    if kind == "string":
        if all(child.type in ('"', "string_content") for child in node.children):
            # in double quotes a backslash escapes only \\, ", $, ` and a line break
            return DOUBLE_QUOTED_ESCAPE.sub(double_quoted, text[1:-1]) if "\\" in text else text[1:-1]
        return None
    if kind == "concatenation":
        parts = [literal(src, child) for child in node.children]
        return None if any(part is None for part in parts) else "".join(p or "" for p in parts)
    return None


def _word_text(src: Source, node: Node) -> str:
    """A word without quotes; expansions kept as written."""
    value = literal(src, node)
    if value is not None:
        return value
    text = src.slice(node)
    if node.type == "string":
        return text[1:-1]
    if node.type == "concatenation":
        return "".join(_word_text(src, child) for child in node.children)
    return text


_WORD_TYPES = {
    "word", "string", "raw_string", "concatenation", "simple_expansion", "expansion",
    "command_substitution", "number", "ansi_c_string", "translated_string", "arithmetic_expansion",
    "process_substitution", "brace_expression",
}


_REDIRECTS = {"file_redirect", "heredoc_redirect", "herestring_redirect"}


def command_words(node: Node) -> tuple[list[Node], list[Node]]:
    """(assignments before the name, words from the name on) of a `command` node; its redirects are
    not words (`2>/dev/null apt-get update`, `<list xargs ...`: the shell allows them before the name)."""
    assignments: list[Node] = []
    words: list[Node] = []
    for child in node.children:
        if child.type in _REDIRECTS:
            continue
        if child.type == "command_name":
            words.append(child.named_children[0] if child.named_children else child)
        elif child.type == "variable_assignment" and not words:
            assignments.append(child)
        elif child.is_named and child.type != "comment":
            if words and words[-1].end_byte == child.start_byte:
                words[-1] = _glued(words[-1], child)  # (one shell word the grammar split: see _GluedWord)
            else:
                words.append(child)
    return assignments, words


class _GluedWord:
    """Nodes with nothing between them are one shell word: tree-sitter-bash 0.25 lexes `$A-$B-s` (and
    `x-$A-y-$B-scripts`, `${A}-$B-s`) as a concatenation ending in `-$` followed by a separate word `B-s`.
    Read as a concatenation of the parts' pieces, which is what the readers of a word look at."""

    type = "concatenation"
    is_named = True

    def __init__(self, parts: list[Node]) -> None:
        self.children = [piece for part in parts for piece in (part.children if part.type == "concatenation"
                                                                else [part])]
        self.named_children = [piece for piece in self.children if piece.is_named]
        self.child_count = len(self.children)
        self.start_byte, self.end_byte = parts[0].start_byte, parts[-1].end_byte


def _glued(first: Node, second: Node) -> Node:
    parts = first.children if isinstance(first, _GluedWord) else [first]
    return _GluedWord([*parts, second])  # type: ignore[return-value]  # (duck-typed: see _GluedWord)


def walk(node: Node) -> Iterator[Node]:
    """Every node in document order; iterative, so a deeply nested script cannot exhaust the stack."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.child_count:  # (`children` builds a list: not for the leaves, half of all nodes)
            stack.extend(reversed(current.children))


def parsed_or_none(script: str, first_line: int = 1, *, with_errors: bool = False) -> Source | None:
    """The script's parse (`parsed`: once), or None where the parser fails (user input never makes a reader
    raise) or finds a syntax error. `with_errors`: a parse with syntax errors too, for a reader that takes what
    it can or says why the script does not parse."""
    try:
        src = parsed(script, first_line)
    except Exception:  # never raise on user input
        return None
    return None if src.root.has_error and not with_errors else src


def simple_commands(script: str, first_line: int = 1) -> list[SimpleCommand]:
    """Every simple command anywhere in the script, in order; [] when it cannot be parsed."""
    return list(_simple_commands(script, first_line))


@lru_cache(maxsize=64)  # (a migration asks a score of times about the same few scripts: each reader of a stage)
def _simple_commands(script: str, first_line: int) -> tuple[SimpleCommand, ...]:
    src = parsed_or_none(script, first_line)
    if src is None:
        return ()
    found: list[SimpleCommand] = []
    for node in walk(src.root):
        if node.type != "command":
            continue
        assignments, words = command_words(node)
        if not words:
            continue
        start = src.start(node)
        found.append(SimpleCommand(tuple(_word_text(src, w) for w in words), start, src.end(node), src.line(start),
                                   tuple(_assignment_text(src, a) for a in assignments),
                                   _brace_expanded(src, words) if "{" in src.slice(node) else None))
    return tuple(found)


def _brace_expanded(src: Source, words: list[Node]) -> tuple[str, ...] | None:
    """The words as bash expands their braces; None when none has a brace expression (or one makes too many)."""
    from migrator.parse.braces import OPEN, expand_braces

    if not any("{" in src.slice(word) for word in words):
        return None
    expanded: list[str] = []
    changed = False
    for word in words:
        marked = _marked(src, word) if "{" in src.slice(word) else None
        made = expand_braces(marked) if marked is not None and OPEN in marked else None
        if made is None or (len(made) == 1 and made[0] == _word_text(src, word)):
            expanded.append(_word_text(src, word))
            continue
        expanded += made
        changed = True
    return tuple(expanded) if changed else None


def _marked(src: Source, node: Node) -> str:
    """A word for brace expansion: the braces and commas outside quotes and expansions marked (braces.mark)."""
    from migrator.parse.braces import mark

    if node.type in ("word", "brace_expression"):
        return mark(src.slice(node))
    if node.type == "concatenation":
        return "".join(_marked(src, child) for child in node.children)
    return _word_text(src, node)


def _assignment_text(src: Source, node: Node) -> str:
    """`NAME="a b"` as `NAME=a b`: its value without quotes, expansions kept."""
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None:
        return src.slice(node)
    return f"{src.slice(name)}={_word_text(src, value) if value is not None else ''}"


@dataclass(frozen=True)
class ShellAssignment:
    name: str
    value: str | None  # as written without quotes, expansions kept; None when computed (`$(uname -m)`, a loop)
    start: int  # where the assignment is in the script: the commands after it see the value


_COMPUTED = frozenset({"command_substitution", "arithmetic_expansion", "process_substitution", "ansi_c_string",
                       "translated_string", "brace_expression"})


def shell_assignments(script: str, first_line: int = 1) -> list[ShellAssignment]:
    """The variables a script sets for the commands after it, in order: `X=v;`, `X=v &&`, `export X=v`,
    `declare`/`local`/`readonly X=v`, a `for X in` loop (computed). An assignment before a command's name
    (`X=v cmd`) is that command's environment only, and its words do not see it: not here. [] when the
    script cannot be parsed."""
    src = parsed_or_none(script, first_line)
    if src is None:
        return []
    found: list[ShellAssignment] = []
    for node in walk(src.root):
        if node.type == "for_statement":
            variable = node.child_by_field_name("variable")
            if variable is not None:
                found.append(ShellAssignment(src.slice(variable), None, src.start(node)))
            continue
        if node.type != "variable_assignment" or (node.parent is not None and node.parent.type == "command"):
            continue
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or name.type != "variable_name":
            continue  # (`a[1]=x`)
        text: str | None = ""
        if value is not None:
            computed = any(n.type in _COMPUTED for n in walk(value))
            text = None if computed else _word_text(src, value)
        found.append(ShellAssignment(src.slice(name), text, src.end(node)))
    return found


_WRITES = {">", ">>", ">|", "&>", "&>>"}


def redirect_targets(script: str, first_line: int = 1) -> list[tuple[str, int, Node]]:
    """(file, line, redirect node) of each output redirect in the script (`> /etc/app.conf`, `&>> log`), as
    written without quotes; [] when it cannot be parsed. A descriptor target (`2>&1`) is no file."""
    src = parsed_or_none(script, first_line)
    if src is None:
        return []
    found: list[tuple[str, int, Node]] = []
    for node in walk(src.root):
        if node.type != "file_redirect":
            continue
        operators = [c for c in node.children if c.type in _WRITES]
        targets = [c for c in node.named_children if c.type in _WORD_TYPES]
        if operators and targets:
            found.append((_word_text(src, targets[-1]), src.line(src.start(node)), node))
    return found
