"""The path a command's word names through a variable, for the source-image path check (source_paths.py).

`PYBIN=/usr/local/bin/python3.12 && cp "$PYBIN" ...`, `ENV PYBIN=...` then `RUN cp $PYBIN ...`: the word is
that literal path. `PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] 2>/dev/null | head -n1)"`: the word is what
the listing prints, which is nothing where no path matches the pattern (the pattern is what is judged).
Only what is certain is resolved: a variable set once, unconditionally, before the command, to a literal (or a
listing of literal patterns, filtered by commands that print nothing from nothing), and not otherwise touched.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from migrator.records import dataclass
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Token
from migrator.rewrite.shell_syntax import Source, command_words, literal, walk

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node


@dataclass(frozen=True)
class Resolved:
    path: str  # the literal path the word names, or the pattern of the listing its variable was set from
    empty: bool  # the word is empty where no path matches `path` (set from a listing: `$(ls PATTERN)`)
    how: str  # for the message: where the variable got its value
    hidden: tuple[int, int] = (0, 0)  # the span of the script that set it (not a mention of the path)
    setter: str = ""  # the ARG/ENV text that set it (not a mention of the path either)


_LONE = lazy_re(r'^"?\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))"?$')
_REFERENCE = lazy_re(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
_PLAIN_PART = lazy_re(r"^[A-Za-z0-9._/+@%:,=*?\[\]-]*$")
# commands that print nothing when given nothing: what a listing is piped through
_FILTERS = frozenset({"head", "tail", "sort", "grep", "egrep", "cut", "tr", "uniq", "sed"})
_SETTERS = frozenset({"program", "list", "declaration_command"})
# where a statement runs before the next one whenever that one runs
_SEQUENCES = frozenset({"program", "subshell", "compound_statement", "do_group", "else_clause", "redirected_statement"})


def resolve(token: Token, src: Source, start: int, earlier: list[str]) -> Resolved | None:
    """What `token` (a word of the command at offset `start` of the script) names, when it is a variable (or
    literal text around variables) whose value is known there; None otherwise."""
    text = token.text
    if "$" not in text or "`" in text or "$(" in text:
        return None
    lone = _LONE.match(text)
    if lone:
        name = lone.group(1) or lone.group(2)
        return _value(name, src, start, earlier, lone=True)
    body = text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
    if not _PLAIN_PART.match(_REFERENCE.sub("", body)):
        return None
    names = {m.group(1) or m.group(2) for m in _REFERENCE.finditer(body)}
    if len(names) != 1:
        return None
    found = _value(names.pop(), src, start, earlier, lone=False)
    if found is None or found.empty:
        return None
    path = _REFERENCE.sub(lambda m: found.path, body)
    return Resolved(path, False, found.how, found.hidden, found.setter)


def _value(name: str, src: Source, start: int, earlier: list[str], lone: bool) -> Resolved | None:
    if name in ("HOME", "PWD", "PATH", "OLDPWD"):
        return None
    mentions = len(re.findall(rf"(?<![\w${{]){name}(?!\w)", src.text))  # (not `$NAME`, `${NAME}`)
    setters = _assignments(src).get(name, [])
    if not setters:
        return _stage_value(name, earlier) if mentions == 0 else None
    if len(setters) != 1 or mentions != 1:
        return None
    node = setters[0]
    if src.end(node) > start or not _unconditional(node, src, start):
        return None
    value = node.child_by_field_name("value")
    if value is None:
        return None
    hidden = (src.start(node), src.end(node))
    plain = literal(src, value)
    if plain is not None:
        return _literal(plain, f"set to it by the RUN (line {src.line(src.start(node))})", hidden)
    listing = _listing(src, value) if lone else None
    if listing is None:
        return None
    shown = " ".join(listing[1])
    return Resolved(listing[0], True, f"set by the RUN (line {src.line(src.start(node))}) from `{shown}`",
                    hidden)


@lru_cache(maxsize=16)  # (a script's commands ask one after another: one walk per script)
def _assignments(src: Source) -> dict[str, list[Node]]:
    found: dict[str, list[Node]] = {}
    for node in walk(src.root):
        if node.type == "variable_assignment":
            found.setdefault(_name(src, node), []).append(node)
    return found


def _literal(value: str, how: str, hidden: tuple[int, int] = (0, 0), setter: str = "") -> Resolved | None:
    if not value.startswith("/") or "$" in value:
        return None
    return Resolved(value, False, how, hidden, setter)


def _name(src: Source, node: Node) -> str:
    name = node.child_by_field_name("name")
    return src.slice(name) if name is not None else ""


def _unconditional(node: Node, src: Source, start: int) -> bool:
    """Set for the command at offset `start` whenever that command runs: from the setter up to the innermost
    sequence holding both, not in a branch, loop, function, subshell or pipeline the command is not in, and not
    the environment of one command (`X=v cmd`). (`X=$(ls ..) && cp "$X" .. && echo > f` parses as the whole list
    redirected: the redirect belongs to the last command, and never undoes the assignment.)"""
    child, parent = node, node.parent
    while parent is not None and not src.start(parent) <= start < src.end(parent):
        if parent.type not in _SETTERS and not (parent.type == "redirected_statement" and child == parent.children[0]):
            return False
        if parent.type == "list" and any(c.type == "||" for c in parent.children):
            return False
        child, parent = parent, parent.parent
    return parent is not None and _runs_in_sequence(parent, child, src, start)


def _runs_in_sequence(parent: Node, child: Node, src: Source, start: int) -> bool:
    """`child` (which sets the variable) of `parent` always runs before the later command of `parent` at `start`:
    statements of one sequence, a `&&` list, a subshell, a loop body, an if's branch (not its condition, not
    another branch)."""
    if parent.type == "list":
        return not any(c.type == "||" for c in parent.children)
    if parent.type in _SEQUENCES:
        return True
    if parent.type != "if_statement":
        return False
    reaching = next((c for c in parent.children if src.start(c) <= start < src.end(c)), None)
    branches = ("elif_clause", "else_clause")
    conditions = {c.id for c in parent.children_by_field_name("condition")}
    return (reaching is not None and reaching.type not in branches and child.id not in conditions
            and reaching.id not in conditions)


def _listing(src: Source, value: Node) -> tuple[str, list[str]] | None:
    """(the pattern, the listing's words) of `"$(ls PATTERN 2>/dev/null | head -n1)"` when what it prints is
    only what matches that one literal pattern."""
    inner = value
    if inner.type == "string":
        parts = [c for c in inner.named_children if c.type != "string_content" or src.slice(c).strip()]
        if len(parts) != 1 or len(inner.named_children) != 1:
            return None
        inner = parts[0]
    if inner.type != "command_substitution":
        return None
    statements = [c for c in inner.named_children if c.type != "comment"]
    if len(statements) != 1:
        return None
    statement = statements[0]
    if statement.type == "redirected_statement":
        statement = statement.named_children[0]
    commands = [c for c in statement.named_children if c.type in ("command", "redirected_statement")] \
        if statement.type == "pipeline" else [statement]
    words: list[list[str | None]] = []
    for command in commands:
        if command.type == "redirected_statement":
            command = command.named_children[0]
        if command.type != "command":
            return None
        assignments, nodes = command_words(command)
        if assignments or not nodes:
            return None
        words.append([literal(src, w) for w in nodes])
    if not words or any(w[0] not in _FILTERS for w in words[1:]):
        return None
    pattern = _listed_pattern(words[0])
    return None if pattern is None else (pattern, [w or "?" for w in words[0]])


def _listed_pattern(words: list[str | None]) -> str | None:
    """`ls -d /usr/local/bin/python3.*`: the one pattern it lists; `find /usr/local/lib/python3.12 -name x`: the
    one directory it searches (nothing where that is not)."""
    if any(w is None for w in words):
        return None
    name, arguments = words[0], [w for w in words[1:] if w is not None]
    if name == "ls":
        paths = [w for w in arguments if not w.startswith("-")]
    elif name == "find":
        paths = []
        for word in arguments:
            if word.startswith(("-", "(", "!")):
                break
            paths.append(word)
    else:
        return None
    if len(paths) != 1 or not paths[0].startswith("/"):
        return None
    return posixpath.normpath(paths[0])


def _stage_value(name: str, earlier: list[str]) -> Resolved | None:
    """The literal value the stage's own ENV (or ARG default) set the variable to, when one instruction before the
    RUN sets it, and no other instruction names it."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import parse_env_words

    found: list[tuple[str, str | None]] = []
    for text in earlier:
        if not re.search(rf"(?<![\w${{]){name}(?!\w)", text) and not re.search(rf"\$\{{?{name}\b", text):
            continue
        keyword = text.lstrip().split(None, 1)[0].upper() if text.strip() else ""
        if keyword not in ("ENV", "ARG"):
            return None  # (`COPY --from=x $PYBIN $PYBIN`, `RUN ln -s ... $PYBIN`: the stage may make it)
        try:
            item = parse_instruction(text)
        except ValueError:
            return None
        values = parse_env_words(item.body, item.escape, arg=keyword == "ARG")
        if name not in values:
            return None
        found.append((text, values[name]))
    if len(found) != 1 or found[0][1] is None or not re.fullmatch(r"[A-Za-z0-9._+:/@%-]*", found[0][1] or ""):
        return None
    text, value = found[0]
    keyword = text.lstrip().split(None, 1)[0].upper()
    return _literal(value or "", f"set to it by the stage's {keyword}" + (" default" if keyword == "ARG" else ""),
                    setter=text)
