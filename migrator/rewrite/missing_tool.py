"""What a start script does when a tool it needs is missing, read from the shell's structure.

A command of a missing tool fails (status 127) every time. Where that failure goes decides what the user
sees: a loop that waits for the tool to succeed (`until nc -z db 5432; do sleep 1; done`,
`while ! curl -sf URL; do ...; done`, `while true; do nc -z db && break; done`) never ends, so the app
never starts; a look-up that exits without the tool (`command -v curl || exit 1`,
`if ! command -v jq; then exit 1; fi`) stops the start every time. Both are failed starts, not a step the
shell goes on without.
"""

from __future__ import annotations

import re

from migrator.rewrite.failures import clause_body, same_node

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

_LOOKUPS = frozenset({"command", "which", "type", "hash"})
_LOOPS = ("while_statement", "until_statement")
_FLOWS = frozenset({"subshell", "compound_statement"})
_ALWAYS_TRUE = frozenset({"true", ":"})
_EXIT = re.compile(r"exit\s+(?:[1-9]\d*|\$\S*)\s*;?\s*$")
# `exit 1`, `{ echo need jq; exit 1; }`
_EXITS = re.compile(r"exit\s+(?:[1-9]\d*|\$\S*)|\{.*[;\n]\s*exit\s+(?:[1-9]\d*|\$\S*)\s*;?\s*\}", re.S)


def looked_up(words: list[str]) -> list[str]:
    """The tools a look-up command asks for: `command -v curl`, `which jq`, `type -p nc`, `hash curl`."""
    if not words or words[0] not in _LOOKUPS:
        return []
    operands = [w for w in words[1:] if not w.startswith("-")]
    if words[0] == "command" and not any(w in ("-v", "-V") for w in words[1:]):
        return []  # `command curl ...` runs curl: not a look-up
    return [w for w in operands if w and "$" not in w and "/" not in w]


def waits_forever(node: Node) -> bool:
    """Whether `node` (a command that fails every time) is what a loop waits on: the loop goes round while it
    fails (`until X`, `while ! X`) and nothing else leaves the loop, or an endless loop (`while true`) is left
    only by a `break` that runs when it succeeds. A `break` of its own (a retry limit) lets the script go on;
    an `exit` in the body ends the start too, which is a failed start all the same."""
    loop, in_body, failed = _enclosing_decision(node, _LOOPS)
    loop = loop if loop is not None and loop.type in _LOOPS else None
    body = _do_group(loop) if loop is not None else None
    if loop is not None and body is not None and not in_body:
        goes_round = failed if _keyword(loop) == "until" else not failed
        return goes_round and not _breaks(body)
    loop = _loop_around(node)
    body = _do_group(loop) if loop is not None else None
    if loop is None or body is None or not _endless(loop):
        return False
    breaks = _breaks(body)
    return bool(breaks) and all(_runs_only_after(node, b, body) for b in breaks)


def _loop_around(node: Node) -> Node | None:
    """The nearest loop whose body holds `node` (not past a function's definition)."""
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type == "function_definition":
            return None
        if parent.type in _LOOPS and current.type == "do_group":
            return parent
        current = parent
    return None


def exits_without(node: Node) -> bool:
    """Whether the branch that runs when `node` (a look-up that fails) fails ends the script with a failure:
    `if ! command -v jq; then echo need jq; exit 1; fi`, `if which curl; then ...; else exit 1; fi`."""
    statement, in_body, failed = _enclosing_decision(node, ("if_statement",))
    if statement is not None and statement.type == "list":  # `[ -z "$(command -v jq)" ] && exit 1`
        return bool(_EXITS.fullmatch((statement.children[-1].text or b"").decode("utf-8", "replace").strip()))
    if statement is None or in_body:
        return False
    branch = clause_body(statement) if not failed else _else_body(statement)
    return any(_EXIT.match((c.text or b"").decode("utf-8", "replace")) for c in branch if c.type == "command")


def guards(node: Node) -> bool:
    """`command -v X && ...`: the look-up guards what follows it; its failure only skips that."""
    current = node
    while current.parent is not None and current.parent.type in ("redirected_statement", "list"):
        parent = current.parent
        if parent.type == "list" and same_node(parent.children[0], current) and any(
                c.type == "&&" for c in parent.children):
            return True
        current = parent
    return False


def _enclosing_decision(node: Node, kinds: tuple[str, ...]) -> tuple[Node | None, bool, bool]:
    """(the loop or `if` that `node`'s failure reaches, whether `node` is in its body, whether the condition
    then fails); the list when its other side decides (`X || Y` where X fails), None when something else does
    (a pipeline, a substitution whose output is not tested)."""
    failed = True
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type in kinds:
            return parent, not _is_condition(parent, current), failed
        if parent.type == "negated_command":
            failed = not failed
        elif parent.type == "list":
            first = same_node(current, parent.children[0])
            operator = parent.children[1].type if len(parent.children) > 1 else ""
            if first and ((operator == "&&" and not failed) or (operator == "||" and failed)):
                return parent, False, failed  # the other side decides (the list is returned)
        elif parent.type == "pipeline":
            items = [c for c in parent.named_children if c.type != "comment"]
            if not items:
                return None, False, failed
            if not same_node(current, items[-1]):
                if not _filters(items[-1]):
                    return None, False, failed
                failed = True  # `curl -s URL | grep -q ok`: grep finds nothing in no output
        elif parent.type == "command_substitution":
            succeeds = _test_of_no_output(parent)
            if succeeds is None:
                return None, False, failed
            failed, parent = not succeeds, _test_around(parent)
        elif parent.type == "redirected_statement":
            pass  # `X >/dev/null 2>&1`: X's status
        elif parent.type == "do_group" or parent.type in _FLOWS:
            statements = [c for c in parent.named_children if c.type != "comment"]
            if parent.type != "do_group" and statements and not same_node(current, statements[-1]):
                return None, False, failed
        else:
            return None, False, failed
        current = parent
    return None, False, failed


_FILTERS = frozenset({"grep", "egrep", "fgrep"})


def _filters(command: Node) -> bool:
    """A pipeline's last command that fails on no input: `grep -q ok`."""
    while command.type == "redirected_statement" and command.named_children:
        command = command.named_children[0]
    words = (command.text or b"").decode("utf-8", "replace").split()
    return command.type == "command" and bool(words) and words[0] in _FILTERS


def _test_around(substitution: Node) -> Node:
    current = substitution
    while current.parent is not None and current.type != "test_command":
        current = current.parent
    return current


def _test_of_no_output(substitution: Node) -> bool | None:
    """Whether the `[ ... ]` test around `$(tool ...)` succeeds when the tool prints nothing (it is missing):
    `[ "$(curl ...)" = 200 ]` fails, `[ -z "$(redis-cli ping)" ]` succeeds; None when it is not such a test."""
    node = substitution.parent
    if node is not None and node.type == "string":
        if len(node.named_children) != 1:
            return None  # `"v$(cmd)"`: other text around it
        node = node.parent
    if node is None or node.parent is None or node.parent.type != "test_command":
        return None
    if node.type == "unary_expression":
        operator = (node.children[0].text or b"").decode("utf-8", "replace")
        return {"-z": True, "-n": False}.get(operator)
    if node.type != "binary_expression" or len(node.children) != 3:
        return None
    operator = (node.children[1].text or b"").decode("utf-8", "replace")
    other = node.children[2] if node.children[0].start_byte <= substitution.start_byte < node.children[0].end_byte \
        else node.children[0]
    empty = (other.text or b"").decode("utf-8", "replace").strip("'\"") == ""
    if operator in ("=", "=="):
        return empty
    if operator == "!=":
        return not empty
    return None


def _is_condition(statement: Node, child: Node) -> bool:
    if statement.type in _LOOPS:
        return child.type != "do_group"
    return not any(same_node(child, c) for c in clause_body(statement)) and child.type not in ("elif_clause",
                                                                                          "else_clause")


def _keyword(loop: Node) -> str:
    return loop.children[0].type if loop.children else ""


def _do_group(loop: Node) -> Node | None:
    return next((c for c in loop.children if c.type == "do_group"), None)


def _endless(loop: Node) -> bool:
    """`while true`, `while :`, `until false`."""
    conditions = [c for c in loop.children if c.is_named and c.type not in ("do_group", "comment")]
    if len(conditions) != 1 or conditions[0].type != "command":
        return False
    word = (conditions[0].text or b"").decode("utf-8", "replace").strip()
    return word in _ALWAYS_TRUE if _keyword(loop) == "while" else word == "false"


def _breaks(body: Node) -> list[Node]:
    """The `break` commands that leave this loop (not those of a loop inside it)."""
    found: list[Node] = []
    stack = list(body.children)
    while stack:
        current = stack.pop()
        if current.type in _LOOPS or current.type == "function_definition":
            continue
        if current.type == "command" and (current.text or b"").split()[:1] == [b"break"]:
            found.append(current)
        stack.extend(current.children)
    return found


def _runs_only_after(node: Node, later: Node, body: Node) -> bool:
    """`later` runs only when `node` succeeded: `node && break`, `if node; then break; fi`."""
    current = later
    while current.parent is not None and not same_node(current, body):
        parent = current.parent
        if (parent.type == "list" and len(parent.children) == 3 and parent.children[1].type == "&&"
                and same_node(current, parent.children[2]) and _contains(parent.children[0], node)):
            return _enclosing_success(node, parent.children[0])
        if parent.type in ("if_statement", "elif_clause") and any(same_node(current, c) for c in clause_body(parent)):
            conditions = [c for c in parent.children if c.is_named and _is_condition(parent, c)]
            if any(_contains(c, node) for c in conditions):
                return all(_enclosing_success(node, c) for c in conditions if _contains(c, node))
        current = parent
    return False


def _enclosing_success(node: Node, top: Node) -> bool:
    """Whether `top` (which contains `node`) succeeds only when `node` does: no `!` or `||` in between."""
    current = node
    while not same_node(current, top) and current.parent is not None:
        parent = current.parent
        if parent.type == "negated_command" or (parent.type == "list" and any(c.type == "||" for c in parent.children)):
            return False
        current = parent
    return True


def _contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _else_body(clause: Node) -> list[Node]:
    """What runs when the `if`'s condition fails: the `else` statements (an `elif` decides for itself)."""
    for child in clause.children:
        if child.type == "else_clause":
            return [c for c in child.named_children if c.type != "comment"]
        if child.type == "elif_clause":
            return []
    return []


