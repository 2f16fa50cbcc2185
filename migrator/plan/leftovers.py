"""Which directories a stage still has when it ends: what a runtime may `COPY --from` out of it.

A `mkdir` (or `install -d`) proves a directory only when nothing removes it later (`mkdir -p /tmp/build && ... &&
rm -rf /tmp/build`) and when it ran for certain: a `mkdir` inside an `if`, a `case` or after `||`
may not have run. A directory the stage removed is never copied.
"""

from __future__ import annotations

from collections.abc import Callable

from migrator.parse.options import operands
from migrator.plan.copy_commands import copy_operands
from migrator.plan.copy_commands import made_directories as directories_made
from migrator.plan.facts import MODE_CHANGES, Command, StageFacts, run_scripts, shell_script, strip_env_prefix
from migrator.rewrite.shell_syntax import parsed_or_none, simple_commands, walk

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

_CONDITIONAL = frozenset({"if_statement", "elif_clause", "else_clause", "case_statement", "case_item",
                          "while_statement", "until_statement", "for_statement"})


def made_directories(facts: StageFacts) -> list[str]:
    """The directories `mkdir` or `install -d` made that are certainly there at the end of the stage."""
    commands = facts.run_commands()  # (also the script a shell is given: `bash -c 'mkdir -p /data/{a,b}'`)
    conditional = conditions(commands, ("mkdir", "install"))
    targets = _removal_targets(commands, facts)  # (command index, what it removes), in order
    made: list[str] = []
    for index, command in enumerate(commands):
        directories = _directories_made_by(command.words)
        why = conditional.get((command.line, command.words))
        if not directories or (why is not None and not _made_whatever(why, directories)):
            continue
        later = [target for at, target in targets if at > index]
        for word in directories:
            if any(c in word for c in "*?["):
                continue  # (`install -d [ab]`: the shell's matches, or the pattern itself; COPY would read a pattern)
            path = command.resolve(word, facts.env)
            if path is not None and not _inside_any(path, later) and path not in made:
                made.append(path)
    return made


def unknown_directories(facts: StageFacts) -> list[tuple[Command, str]]:
    """(command, word) of each directory `mkdir` or `install -d` makes at a path this file does not show:
    spelled with a variable whose value is computed, a loop's, or set nowhere in the file (`mkdir -p $D/data`)."""
    return [(command, word) for command in facts.commands for word in _directories_made_by(command.words)
            if ("$" in word or "`" in word or word.startswith("~")) and command.resolve(word, facts.env) is None]


def _made_whatever(condition: str, directories: tuple[str, ...]) -> bool:
    """The directory is there whichever way the condition went: `mkdir -p d || true` (mkdir fails only when
    it cannot make it), `[ ! -d d ] && mkdir d` (a test of the directory itself)."""
    if condition.startswith("before `||`"):
        return True
    tested = condition.startswith(("after the test", "after `||` (when"))
    return tested and all(d.rstrip("/") in condition for d in directories)


def _directories_made_by(words: tuple[str, ...]) -> tuple[str, ...]:
    """The directories `mkdir DIR...` or `install -d DIR...` makes."""
    if words and words[0].rsplit("/", 1)[-1] == "mkdir":
        return tuple(operands(words[1:], "m", {"--mode", "--context"}))
    return directories_made(words)


def removed_paths(facts: StageFacts) -> list[str]:
    """What the stage's `rm -r` commands remove: read once, then asked for each path (per path, a stage
    with thousands of COPY lines and commands was quadratic)."""
    return [target for _, target in _removal_targets(facts.commands, facts)]


def gone_at_end(facts: StageFacts) -> Callable[[str], bool]:
    """Is a path gone when the stage ends? A `rm` (of a file, or `rm -r` of a directory) removed it or a
    directory it is in, and no later command named it again (`rm -rf /out && go build -o /out/app` makes it
    anew) nor a later COPY put files back. The build output a RUN installs and then cleans up
    (`cp /out/app /usr/local/bin/ && rm -rf /out`) is such a path: a `COPY --from` of it fails the build."""
    removals = _removal_targets(facts.commands, facts, recursive_only=False)
    if not removals:
        return lambda path: False
    last = last_uses(facts)
    copies = [i.line for s in facts.stage.chain() for i in s.instructions if i.keyword in ("COPY", "ADD")]

    def gone(path: str) -> bool:
        for index, target in removals:
            if target == "/" or not (path == target or path.startswith(target.rstrip("/") + "/")):
                continue
            line = facts.commands[index].line
            copied_back = any(at > line for at in copies) and any(
                path == d or path.startswith(d.rstrip("/") + "/") for d in facts.copy_destinations)
            if last.get(path, -1) <= index and not copied_back and not _built_again(path, index, facts):
                return True
        return False

    return gone


# commands that never make a build output again: what runs after a removal without rebuilding
_NEVER_BUILDS = frozenset({"rm", "rmdir", "chmod", "chown", "chgrp", "mkdir", "ln", "cd", "echo", "printf", "true",
                           "test", "[", "set", "export", "useradd", "adduser", "groupadd", "addgroup", "apt-get",
                           "apt", "apk", "yum", "dnf", "microdnf", "cp", "mv", "install", "strip", "upx", "ls"})


def _built_again(path: str, removal: int, facts: StageFacts) -> bool:
    """A later command working in a directory above the path may make it again without naming it
    (`rm -rf target && cargo build --release`)."""
    for command in facts.commands[removal + 1:]:
        name = command.words[0].rsplit("/", 1)[-1]
        directory = command.workdir
        if name not in _NEVER_BUILDS and (directory == "/" or path.startswith(directory.rstrip("/") + "/")):
            return True
    return False


def last_uses(facts: StageFacts) -> dict[str, int]:
    """Path -> index of the last command of the stage that names it or what is inside it (reads it, moves it,
    removes it). Read once per stage: each path then costs one look-up (asking command by command for each
    path was quadratic in a stage of many RUN lines)."""
    last: dict[str, int] = {}
    for index, command in enumerate(facts.commands):
        if command.words[0].rsplit("/", 1)[-1] in MODE_CHANGES:
            continue  # (`curl -o f && chmod 640 f`: a mode or owner change neither reads nor removes the file)
        for word in command.words[1:]:
            value = word.split("=", 1)[-1]
            if "/" not in value and "." not in value:
                continue
            path = (command.resolve(value, facts.env) or "").rstrip("/")
            while path:  # the path and each directory above it (what it is inside)
                last[path] = index
                path = path.rsplit("/", 1)[0]
    return last


def _inside_any(path: str, targets: list[str]) -> bool:
    return any(target != "/" and (path == target or path.startswith(target.rstrip("/") + "/")) for target in targets)


def _removal_targets(commands: list[Command], facts: StageFacts,
                     recursive_only: bool = True) -> list[tuple[int, str]]:
    """(command index, path) of what `rm -r` removes (with `recursive_only` off, what any `rm` removes), and the
    sources `mv` takes away (`mkdir /stage && mv /stage /srv/`: /stage is gone)."""
    found: list[tuple[int, str]] = []
    for index, command in enumerate(commands):
        words = command.words
        if words and words[0].rsplit("/", 1)[-1] == "mv" and (moved := copy_operands(words)) is not None:
            found += [(index, path) for w in moved.sources
                      if not any(c in w for c in "*?[$") and (path := command.resolve(w, facts.env)) is not None]
            continue
        if not words or words[0].rsplit("/", 1)[-1] != "rm":
            continue
        options = [w for w in words[1:] if w.startswith("-")]
        recursive = any(o in ("-r", "-R", "--recursive") or (not o.startswith("--") and ("r" in o or "R" in o))
                        for o in options)
        if recursive_only and not recursive:
            continue
        for word in words[1:]:
            if word.startswith("-") or any(c in word for c in "*?[$"):
                continue
            path = command.resolve(word, facts.env)
            if path is not None:
                found.append((index, path))
    return found


def _conditional_commands(facts: StageFacts, markers: tuple[str, ...]) -> set[tuple[int, tuple[str, ...]]]:
    """(line, words) of the simple commands that run only on some condition (in an if, a case, after ||),
    read in the RUN lines whose text holds one of `markers` ("" for all)."""
    return set(conditions(facts.commands, markers))


def conditions(commands: list[Command], markers: tuple[str, ...] = ("",)) -> dict[tuple[int, tuple[str, ...]], str]:
    """(line, words) -> the condition, of the simple commands of `commands`' RUN lines (those whose text holds
    one of `markers`) that run only on some condition, or whose failure the RUN ignores; the commands of a
    script given to a shell (`sh -c 'test -d /x || mkdir /y'`) too, as StageFacts.run_commands sees them."""
    found: dict[tuple[int, tuple[str, ...]], str] = {}
    seen: set[int] = set()
    for command in commands:
        instruction = command.instruction
        if id(instruction) in seen or not any(marker in instruction.raw for marker in markers):
            continue
        seen.add(id(instruction))
        for script, first_line in run_scripts(instruction):
            _script_conditions(script, first_line, found)
    return found


def _script_conditions(script: str, first_line: int, found: dict[tuple[int, tuple[str, ...]], str],
                       outer: str | None = None, depth: int = 0) -> None:
    """conditions of one script's commands, into `found`; `outer`: the condition the shell running it is under."""
    src = parsed_or_none(script, first_line)  # (a script with a syntax error has no simple commands)
    if src is None:
        return
    conditional = {src.start(node): why for node in walk(src.root)
                   if node.type == "command" and (why := _condition(node)) is not None}
    for simple in simple_commands(script, first_line):
        why = conditional.get(simple.start, outer)
        if why is not None:
            found[(simple.line, strip_env_prefix(simple.words))] = why
            if simple.braced:  # (the words a bash RUN's command has in StageFacts)
                found[(simple.line, strip_env_prefix(simple.braced))] = why
        inner = shell_script(strip_env_prefix(simple.words)) if depth < 3 else None
        if inner is not None:  # (seen_through reads it from the shell's line on)
            _script_conditions(inner, simple.line, found, why, depth + 1)


def conditional_commands(facts: StageFacts) -> set[tuple[int, tuple[str, ...]]]:
    """(line, words) of every simple command of the stage that runs only on some condition."""
    return _conditional_commands(facts, ("",))


def under_condition(node: Node) -> bool:
    """The node runs only on some condition: in an if or a case, after `||`."""
    return _under_condition(node)


def _under_condition(node: Node) -> bool:
    return _condition(node) is not None


def _condition(node: Node) -> str | None:
    """Why the node may not run or may fail unnoticed: in an if, a case or a loop, after `||`, after a
    test and `&&` (`[ -f x ] && cp x /bin/`), before `||` (`cp x /bin/ || true`)."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _CONDITIONAL:
            return f"inside {parent.type.split('_')[0]}"
        if parent.type == "list":
            before, after = _neighbours(parent, child)
            if before == "||":
                left = parent.children[parent.children.index(child) - 2]
                return f"after `||` (when `{_last_text(left)}` fails)" if _is_test(left) else "after `||`"
            if after == "||" and _ignores_failure(parent.children[parent.children.index(child) + 2]):
                return "before `||`: its failure is ignored"
            test = parent.children[parent.children.index(child) - 2] if before == "&&" else None
            if test is not None and _is_test(test) and not _fails_the_run(parent):
                return f"after the test `{_last_text(test)}` and `&&`"
        child, parent = parent, parent.parent
    return None


def _last_text(node: Node) -> str:
    """The text of the node, or of the last command of a list (`make && [ -f app ]`: `[ -f app ]`)."""
    while node.type == "list" and node.children:
        node = node.children[-1]
    return node.text.decode(errors="replace") if node.text else ""


def _fails_the_run(list_node: Node) -> bool:
    """`[ -f x ] && cp x /bin/` as the RUN's last statement: when the test fails, so does the RUN, so in a
    build that succeeds the command ran. Not so before `;` or a newline (sh goes on, and `set -e` exempts
    a failure that `&&` tests) or inside another list (`|| true`)."""
    top = list_node
    while top.parent is not None and top.parent.type == "list":
        top = top.parent
    if top is not list_node and "||" in {c.type for c in _list_operators(top)}:
        return False
    program = top.parent
    if program is None or program.type != "program":
        return False
    statements = [c for c in program.children if c.is_named and c.type != "comment"]
    return bool(statements) and statements[-1] == top


def _list_operators(node: Node) -> list[Node]:
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found += [c for c in current.children if c.type in ("&&", "||")]
        stack += [c for c in current.children if c.type == "list"]
    return found


def _neighbours(list_node: Node, child: Node) -> tuple[str | None, str | None]:
    """The operators before and after `child` in `a && b || c`."""
    children = list_node.children
    index = children.index(child)
    before = children[index - 1].type if index > 0 else None
    after = children[index + 1].type if index + 1 < len(children) else None
    return before, after


def _ignores_failure(node: Node) -> bool:
    """`|| true`, `|| :`, `|| echo skipped`: the RUN goes on (`|| exit 1` does not)."""
    name = node.child_by_field_name("name") if node.type == "command" else None
    text = name.text.decode("utf-8", "replace") if name is not None and name.text is not None else None
    return text in ("true", ":", "echo", "printf")


def _is_test(node: Node) -> bool:
    """A test command, or a list that ends with one (`make && [ -f app ]`)."""
    while node.type == "list" and node.children:
        node = node.children[-1]
    if node.type == "test_command":
        return True
    name = node.child_by_field_name("name") if node.type == "command" else None
    return name is not None and name.text is not None and name.text.decode("utf-8", "replace") in ("test", "[")
