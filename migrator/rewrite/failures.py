"""Does a failing command fail its RUN step? Often the shell hides it.

Docker runs a RUN line with `/bin/sh -c` (no `-e`): the step's status is the status of the last
command. A command left as written that cannot work on Wolfi (a repository tool, `dpkg -i`, a
package name apk refuses) is an error either way; when the shell would carry on after it, the
message says so, because then nothing stops the build where the problem is.
"""

from __future__ import annotations

import re

from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

_SEQUENCES = {"program", "compound_statement", "subshell", "do_group", "else_clause", "case_item"}
_IGNORED = {"comment", "heredoc_body", "heredoc_redirect", "heredoc_start"}


def shell_flags(words: list[str], errexit: bool = False, pipefail: bool = False) -> tuple[bool, bool]:
    """(errexit, pipefail) after `set`/`sh`/shebang options such as `-eux`, `-o pipefail`, `+e`."""
    expect_option = False
    on = True
    for word in words:
        if expect_option:
            if word == "errexit":
                errexit = on
            elif word == "pipefail":
                pipefail = on
            expect_option = False
            continue
        if re.fullmatch(r"[-+][A-Za-z]+", word):
            on = word[0] == "-"
            if "e" in word[1:]:
                errexit = on
            expect_option = word[-1] == "o"
        elif word == "--":
            break
    return errexit, pipefail


SetCommands = list[tuple[int, list[str]]]


def set_commands(root: Node) -> SetCommands:
    """The `set` commands at the top of a script: (start byte, arguments), in order. Read once per script
    and passed to hidden_reason: read again for each failing command, a RUN naming 2,000 unknown
    packages walked its 2,000 words 2,000 times."""
    found = []
    for command in _commands(root):
        words = _words(command)
        if words[:1] == ["set"]:
            found.append((command.start_byte, words[1:]))
    return found


NOT_LAST_IN_PIPELINE = "only the last command of a pipeline sets the pipeline's status"
IN_AND_CHAIN = "`set -e` does not stop for a failing command inside an `&&` chain, and more commands follow"
MORE_FOLLOW = "more commands follow it and the script has no `set -e`"


def hidden_reason(node: Node, errexit: bool, pipefail: bool, sets: SetCommands | None = None) -> str | None:
    """Why a failure of `node` (a command) would not fail the script, or None when it would.
    `sets`: set_commands() of its script (read here when not given)."""
    if sets is None:
        root = node
        while root.parent is not None:
            root = root.parent
        sets = set_commands(root)
    for start, arguments in sets:  # `set -e`, `set -o pipefail` before the command
        if start >= node.start_byte:
            break
        errexit, _ = shell_flags(arguments, errexit)
        _, pipefail = shell_flags(arguments, False, pipefail)
    exempt = False  # failed as a non-last member of an `&&` list: `set -e` does not stop for it
    current = node
    while current.parent is not None:
        parent = current.parent
        kind = parent.type
        if kind == "list":
            if same_node(current, parent.children[0]):
                alternative = parent.children[-1] if any(c.type == "||" for c in parent.children) else None
                if alternative is not None and _exits(alternative):
                    return None  # `cmd || exit 1`: the script stops there with a failure
                if alternative is not None and not _fails_again(alternative):
                    return "`||` runs another command when it fails"
                exempt = alternative is None
        elif kind == "pipeline":
            items = [c for c in parent.named_children if c.type not in _IGNORED]
            if not pipefail and items and not same_node(current, items[-1]):
                return NOT_LAST_IN_PIPELINE
        elif kind == "negated_command":
            return "`!` inverts its status"
        elif kind == "command_substitution" and _bare_assignment(parent):
            pass  # `CFG=$(jq ...)` alone: the assignment's status is the substitution's (`set -e` stops there)
        elif kind in ("command_substitution", "process_substitution"):
            return "the output of a command substitution is used, not its status"
        elif kind == "function_definition":
            return None  # runs only when called: the call decides
        elif kind in ("while_statement", "until_statement"):
            if current.type != "do_group":
                return "it is the condition of a loop"
        elif kind in ("if_statement", "elif_clause") and current.type in ("elif_clause", "else_clause"):
            pass  # a later branch's status is the `if`'s status: it flows up
        elif kind in ("if_statement", "elif_clause"):
            body = clause_body(parent)
            if not any(same_node(current, c) for c in body):
                return "it is the condition of an `if`"
            reason = _in_sequence(current, body, errexit and not exempt, errexit and exempt)
            if reason is not None:
                return reason or None
        elif kind in _SEQUENCES:
            statements = [c for c in parent.named_children if c.type not in _IGNORED]
            reason = _in_sequence(current, statements, errexit and not exempt, errexit and exempt)
            if reason is not None:
                return reason or None
        current = parent
    return None


def statement_of(command: Node) -> Node:
    """The statement a command is part of: the pipeline it feeds (`node server.js | tee log`), with its
    redirections (`nohup node server.js > log 2>&1`); the command itself otherwise."""
    current = command
    while current.parent is not None and current.parent.type in ("pipeline", "redirected_statement"):
        current = current.parent
    return current


def backgrounded(statement: Node) -> bool:
    """`statement &`: a job the shell starts and does not wait for at that point (`node server.js & wait $!`)."""
    following = statement.next_sibling
    return following is not None and following.type == "&"


def _bare_assignment(substitution: Node) -> bool:
    """`VAR=$(cmd)` as a statement of its own: its status is cmd's (not `export VAR=$(cmd)`, `VAR=$(cmd) prog`)."""
    assignment = substitution.parent
    if assignment is None or assignment.type != "variable_assignment" or assignment.parent is None:
        return False
    statement: Node | None = assignment.parent
    if statement is not None and statement.type == "variable_assignments":
        statement = statement.parent
    return statement is not None and (statement.type in _SEQUENCES or statement.type == "list")


def lookup_guard(node: Node, name: str) -> str | None:
    """Why `node` (a command running `name`) never runs where `name` is missing, or None: it is the body of an
    `if` whose condition looks the tool up (`if command -v curl >/dev/null; then curl ...; fi`), or follows
    such a look-up with `&&` (`which curl && curl ...`). Not after `!`, in an `else`, or after `||`."""
    current = node
    while current.parent is not None:
        parent = current.parent
        condition: list[Node] = []
        if parent.type in ("if_statement", "elif_clause") and any(same_node(current, c) for c in clause_body(parent)):
            condition = [c for c in parent.children if c.type not in ("if", "elif", "then")][:1]
        elif (parent.type == "list" and not same_node(current, parent.children[0])
              and any(c.type == "&&" for c in parent.children)):
            condition = [parent.children[0]]
        for part in condition:
            text = (part.text or b"").decode("utf-8", "replace")
            found = _lookup_pattern(name).search(text)
            if found is not None and not text[:found.start()].rstrip().endswith("!"):
                return f"it runs only when `{found.group(0).strip()}` finds it"
        current = parent
    return None


def _lookup_pattern(name: str) -> re.Pattern[str]:
    tool = re.escape(name)
    return re.compile(rf"(?:\bcommand\s+-[vV]|\bwhich|\btype(?:\s+-[a-zA-Z]+)?|\bhash)\s+['\"]?{tool}(?![\w.-])"
                      rf"|-[xfe]\s+['\"]?\S*/{tool}(?![\w.-])")


_EXITS = lazy_re(r"(?:^|[;{]\s*|&&\s*)exit\s+[1-9]\d*\s*;?\s*\}?\s*$")
_FAILS_AGAIN = lazy_re(r"(?:^|[;{(]\s*|&&\s*)(?:false|return\s+[1-9]\d*)\s*;?\s*[})]?\s*$")


def _exits(alternative: Node) -> bool:
    """`cmd || exit 1`, `cmd || { echo failed; exit 1; }`: the alternative ends the script with a failure."""
    return bool(_EXITS.search((alternative.text or b"").decode("utf-8", "replace")))


def _fails_again(alternative: Node) -> bool:
    """`cmd || false`: the alternative fails too, so the list's status is a failure."""
    return bool(_FAILS_AGAIN.search((alternative.text or b"").decode("utf-8", "replace")))


def same_node(a: Node, b: Node) -> bool:
    return a.start_byte == b.start_byte and a.end_byte == b.end_byte and a.type == b.type


def _in_sequence(current: Node, statements: list[Node], errexit: bool, exempt: bool) -> str | None:
    """'' when the shell stops here (set -e), a reason when it carries on, None when the status flows up."""
    if errexit:
        return ""
    if statements and same_node(current, statements[-1]):
        return None
    if exempt:
        return IN_AND_CHAIN
    return MORE_FOLLOW


def clause_body(clause: Node) -> list[Node]:
    """The statements after `then` of an if/elif clause."""
    body: list[Node] = []
    seen = False
    for child in clause.children:
        if child.type == "then":
            seen = True
            continue
        if child.type in ("elif_clause", "else_clause", "fi"):
            break
        if seen and child.is_named and child.type not in _IGNORED:
            body.append(child)
    return body


def _commands(node: Node) -> list[Node]:
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "command":
            found.append(current)
        elif current.type in ("function_definition", "subshell", "command_substitution"):
            continue
        stack.extend(reversed(current.children))
    return sorted(found, key=lambda c: c.start_byte)


def _words(command: Node) -> list[str]:
    return [(c.text or b"").decode("utf-8", "replace").strip("'\"") for c in command.named_children
            if c.type in ("command_name", "word", "raw_string", "string")]
