"""Which branches of a start script the arguments it starts with rule out.

The container's own command gives the entrypoint script its positional parameters (`ENTRYPOINT ["/ep.sh"]`
with `CMD ["node", "server.js"]`: `$1` is `node`). A branch for another first argument
(`if [ "$1" = debug ]; then exec curl ...; fi`, `case "$1" in psql) exec psql ...;; esac`) never runs with
that command, so a tool only it needs does not stop the start. Anything this cannot read for certain (a test
of something else, a `shift` or `set --` that may have run, a function's own arguments) counts as a branch
that may run.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable

from migrator.rewrite.failures import clause_body, same_node
from migrator.rewrite.shell_syntax import walk

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.rewrite.shell_syntax import Source

_IFS = ("if_statement", "elif_clause")
_LOOPS = ("while_statement", "until_statement", "for_statement", "c_style_for_statement")
_VALUES = frozenset({"string", "raw_string", "word", "number", "simple_expansion", "expansion", "concatenation",
                     "extglob_pattern", "regex"})
_EXPANSION = re.compile(r"\$\{(#?)([0-9@*#])(?:(:?[-=+?])(.*)|(##?|%%?)(.*))?\}", re.S)
_SPECIAL = re.compile(r"[$`(]")
_NUMERIC: dict[str, Callable[[int, int], bool]] = {
    "-eq": operator.eq, "-ne": operator.ne, "-gt": operator.gt, "-ge": operator.ge, "-lt": operator.lt,
    "-le": operator.le}


class Arguments:
    """The script's positional parameters at start (`params`: $1, $2, ...) and what they rule out."""

    def __init__(self, src: Source, params: tuple[str, ...]) -> None:
        self.src = src
        self.params = params
        self._changers = [n for n in walk(src.root) if n.type == "command" and _changes_params(src, n)]
        self._ruled_out: dict[tuple[int, int, str], str | None] = {}

    def ruled_out(self, node: Node) -> str | None:
        """Why `node` never runs with these arguments, or None when it may."""
        key = (node.start_byte, node.end_byte, node.type)
        if key not in self._ruled_out:
            self._ruled_out[key] = self._why_not_run(node)
        return self._ruled_out[key]

    def _why_not_run(self, node: Node) -> str | None:
        current = node
        while current.parent is not None:
            parent = current.parent
            if parent.type == "function_definition":
                return None  # `$1` there is the function's own argument
            runs = self._branch_runs(parent, current)
            if runs is False:
                shown = " ".join(self.params)
                return f"it runs only when the script gets other arguments than `{shown}`, the image's command"
            current = parent
        return None

    def _branch_runs(self, parent: Node, current: Node) -> bool | None:
        if parent.type in _IFS and any(same_node(current, c) for c in clause_body(parent)):
            return self._status(_condition(parent))
        if parent.type == "if_statement" and current.type in ("elif_clause", "else_clause"):
            earlier = [_condition(parent)] + [_condition(c) for c in parent.children
                                              if c.type == "elif_clause" and c.start_byte < current.start_byte]
            statuses = [self._status(c) for c in earlier]
            return False if any(s is True for s in statuses) else None
        if parent.type == "list" and len(parent.children) == 3 and same_node(current, parent.children[2]):
            left = self._status(parent.children[0])
            if left is None:
                return None
            return left if parent.children[1].type == "&&" else not left
        if parent.type == "case_statement" and current.type == "case_item":
            return self._case_item_runs(parent, current)
        return None

    def _case_item_runs(self, statement: Node, item: Node) -> bool | None:
        value_node = statement.child_by_field_name("value")
        if value_node is None or not self._known_at(statement):
            return None
        value = self._value(value_node, joined=True)
        if value is None:
            return None
        for other in (c for c in statement.children if c.type == "case_item"):
            if any(t.type in (";&", ";;&") for t in other.children):
                return None  # falls through to the next arm
            matched = self._matches_any(other, value)
            if same_node(other, item):
                return matched
            if matched is not False:
                return False if matched else None  # an earlier arm takes it (or may)
        return None

    def _matches_any(self, item: Node, value: str) -> bool | None:
        patterns = []
        for child in item.children:
            if child.type == ")":
                break
            if child.is_named and child.type in _VALUES:
                patterns.append(self._pattern(child))
        if any(p is not None and fnmatch.fnmatchcase(value, p) for p in patterns):
            return True
        return None if any(p is None for p in patterns) or not patterns else False

    # --- the status of a condition ---

    def _status(self, node: Node | None) -> bool | None:
        """True (succeeds) / False (fails) with these arguments, None when not known."""
        if node is None or not self._known_at(node):
            return None
        kind = node.type
        if kind == "negated_command":
            inner = self._status(node.named_children[-1]) if node.named_children else None
            return None if inner is None else not inner
        if kind == "list" and len(node.children) == 3:
            left, right = self._status(node.children[0]), self._status(node.children[2])
            if node.children[1].type == "&&":
                return _and(left, right)
            return _or(left, right)
        if kind == "test_command":
            tokens = _tokens(node)
            return self._test(tokens[1:-1], node.children[0].type == "[[")
        if kind == "command":
            words = [c for c in node.children if c.is_named and c.type not in ("comment", "file_redirect")]
            name = self.src.slice(words[0]) if words else ""
            if name in ("true", ":") and len(words) == 1:
                return True
            if name == "false" and len(words) == 1:
                return False
            if name == "test":
                return self._test([w for w in words[1:]], False)
            if name == "[" and words and self.src.slice(words[-1]) == "]":
                return self._test(words[1:-1], False)
        return None

    def _test(self, tokens: list[Node], double: bool) -> bool | None:
        """A `[ ... ]` / `test` / `[[ ... ]]` expression of string comparisons, `-z`, `-n`, `!`, `-a`/`-o`."""
        texts = [self.src.slice(t) if not t.is_named or t.type == "test_operator" or t.type == "word" else ""
                 for t in tokens]
        if any(t in ("(", ")") for t in texts):
            return None
        for joiner, combine in (("-o", _or), ("||", _or), ("-a", _and), ("&&", _and)):
            if joiner in texts:
                at = texts.index(joiner)
                return combine(self._test(tokens[:at], double), self._test(tokens[at + 1:], double))
        if texts[:1] == ["!"]:
            inner = self._test(tokens[1:], double)
            return None if inner is None else not inner
        if len(tokens) == 1:
            value = self._value(tokens[0])
            return None if value is None else value != ""
        if len(tokens) == 2 and texts[0] in ("-z", "-n"):
            value = self._value(tokens[1])
            return None if value is None else (value == "") == (texts[0] == "-z")
        if len(tokens) == 3 and texts[1] in _NUMERIC:
            numbers = [self._value(tokens[0]), self._value(tokens[2])]
            if not all(n is not None and re.fullmatch(r"-?\d+", n) for n in numbers):
                return None
            return _NUMERIC[texts[1]](int(numbers[0] or 0), int(numbers[1] or 0))
        if len(tokens) == 3 and texts[1] in ("=", "==", "!="):
            left = self._value(tokens[0])
            same = self._glob_match(left, tokens[2]) if double else _equal(left, self._value(tokens[2]))
            return None if same is None else same == (texts[1] != "!=")
        return None

    def _glob_match(self, value: str | None, pattern_node: Node) -> bool | None:
        pattern = self._pattern(pattern_node)
        return None if value is None or pattern is None else fnmatch.fnmatchcase(value, pattern)

    # --- values of words ---

    def _value(self, node: Node, joined: bool = False) -> str | None:
        """The word's value with these arguments, or None when it depends on anything else."""
        kind = node.type
        text = self.src.slice(node)
        if kind in ("word", "number", "extglob_pattern"):
            return None if _SPECIAL.search(text) or "\\" in text else text
        if kind == "raw_string":
            return text[1:-1]
        if kind in ("string", "concatenation"):
            parts = []
            for child in node.children:
                if child.type == '"':
                    continue
                part = self.src.slice(child) if child.type == "string_content" else self._value(child, joined)
                if part is None or (child.type == "string_content" and ("\\" in part or "`" in part)):
                    return None
                parts.append(part)
            return "".join(parts)
        if kind == "simple_expansion":
            return self._parameter(text[1:], joined)
        if kind == "expansion":
            return self._expansion(text, joined)
        return None

    def _parameter(self, name: str, joined: bool) -> str | None:
        if name.isdigit() and name != "0":
            index = int(name) - 1
            return self.params[index] if index < len(self.params) else ""
        if name == "#":
            return str(len(self.params))
        if name in ("@", "*") and (joined or len(self.params) == 1):
            return " ".join(self.params)
        return None

    def _expansion(self, text: str, joined: bool) -> str | None:
        found = _EXPANSION.fullmatch(text)
        if found is None:
            return None
        length, name, default_op, default, strip_op, pattern = found.groups()
        value = self._parameter(name, joined)
        if value is None:
            return None
        if length:
            return None if default_op or strip_op else str(len(value))
        if default_op:
            is_set = name in "@*#" or int(name) <= len(self.params)
            present = is_set and (value != "" or not default_op.startswith(":"))
            word = _plain(default)
            if default_op.endswith("+"):
                return word if present else ""
            if default_op.endswith("?"):
                return value if present else None  # (the script stops there)
            if present:
                return value
            return word
        if strip_op:
            glob = _plain(pattern)
            return None if glob is None else _strip(value, glob, strip_op)
        return value

    def _pattern(self, node: Node) -> str | None:
        """A case / `[[ == ]]` pattern as an fnmatch pattern: quoted parts match themselves."""
        kind = node.type
        text = self.src.slice(node)
        if kind in ("word", "extglob_pattern", "regex"):
            if _SPECIAL.search(text) or "\\" in text or re.search(r"[@+!]\(|\(", text):
                return None
            return text.replace("[^", "[!")
        if kind == "concatenation":
            parts = [self._pattern(c) for c in node.children]
            return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
        value = self._value(node)
        return None if value is None else re.sub(r"([*?\[])", r"[\1]", value)

    # --- whether the arguments are still those of the start ---

    def _known_at(self, node: Node) -> bool:
        """No `shift` / `set --` that may have run before `node` (or may run again in a loop around it)."""
        inside = node
        while inside.parent is not None:
            if inside.type == "function_definition":
                return False
            inside = inside.parent
        for changer in self._changers:
            if _share_loop(changer, node):
                return False
            if changer.end_byte <= node.start_byte and self.ruled_out(changer) is None:
                return False
        return True


def _condition(clause: Node) -> Node | None:
    """The last command of an `if` / `elif` condition (its status decides)."""
    parts = []
    for child in clause.children:
        if child.type == "then":
            break
        if child.is_named and child.type != "comment":
            parts.append(child)
    return parts[-1] if parts else None


def _tokens(test: Node) -> list[Node]:
    """The words and operators of a test, flattened (tree-sitter nests `-a`/`-o` oddly)."""
    found: list[Node] = []
    stack = [test]
    while stack:
        current = stack.pop()
        if current.type in _VALUES or current.type == "test_operator" or current.child_count == 0:
            found.append(current)
            continue
        stack.extend(reversed(current.children))
    return found


def _changes_params(src: Source, command: Node) -> bool:
    """`shift`, `set -- a b`, `set x`, `eval ...`: the positional parameters may change."""
    words = [src.slice(c) for c in command.children if c.is_named and c.type not in ("comment", "file_redirect")]
    if not words or words[0] not in ("shift", "set", "eval"):
        return False
    if words[0] != "set":
        return True
    rest = iter(words[1:])
    for word in rest:
        if word == "--" or word[:1] not in ("-", "+"):
            return True
        if word in ("-o", "+o"):
            next(rest, None)
    return False


def _share_loop(first: Node, second: Node) -> bool:
    current = first.parent
    while current is not None:
        if current.type in _LOOPS and current.start_byte <= second.start_byte < current.end_byte:
            return True
        current = current.parent
    return False


def _plain(word: str) -> str | None:
    """A default / pattern word with no expansion in it, quotes removed."""
    if _SPECIAL.search(word) or "\\" in word:
        return None
    return word.replace('"', "").replace("'", "")


def _strip(value: str, glob: str, kind: str) -> str:
    """`${1#glob}`, `${1##glob}`, `${1%glob}`, `${1%%glob}`."""
    prefix = kind.startswith("#")
    cuts = list(range(len(value) + 1)) if prefix else list(range(len(value), -1, -1))
    if kind in ("##", "%%"):
        cuts.reverse()
    for cut in cuts:
        part = value[:cut] if prefix else value[cut:]
        if fnmatch.fnmatchcase(part, glob):
            return value[cut:] if prefix else value[:cut]
    return value


def _equal(left: str | None, right: str | None) -> bool | None:
    return None if left is None or right is None else left == right


def _and(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return True if left and right else None


def _or(left: bool | None, right: bool | None) -> bool | None:
    if left is True or right is True:
        return True
    return False if left is False and right is False else None
