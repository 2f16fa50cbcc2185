"""What a start command's shell runs (`sh -c "..."`, a start script of the build context): each program, and
whether its failure ends the command (read by the start check for tools the runtime lacks)."""

from __future__ import annotations

import re

from migrator.plan.startcommand import (
    is_shell,
)
from migrator.regex import lazy as lazy_re
from migrator.validate.stage_files import Context, file_kind, locate, located_origin
from migrator.validate.stage_view import StageView

TYPE_CHECKING = False  # (not typing's: a cold run's import time)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.rewrite.failures import SetCommands

GUARDED = "it runs only when"  # the start of failures.lookup_guard's reason


_VARIABLE_SET = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")


WAITS = "waits"


LOOKED_UP = "looked up"


def start_script_text(view: StageView, context: Context, argv: tuple[str, ...]) -> tuple[str, str] | None:
    """(program, text) of the script the start command runs (`./start.sh`, `sh start.sh`) when it is a file of
    the build context on disk."""
    words = [w for w in argv[1:] if not w.startswith("-")] if argv and is_shell(argv[0]) else list(argv[:1])
    if not words:
        return None
    located = locate(view, context, words[0])
    if located is None or located.how == "image":
        return None
    origin, source = located_origin(view, context, located)
    kind = file_kind(context, origin, source)
    shell_run = is_shell(argv[0]) or words[0].endswith(".sh")  # (a script without a `#!` line is read as data)
    if source is None or not (kind in ("sh", "bash") or (kind == "data" and shell_run)):
        return None  # a binary, another interpreter's script, or a file that cannot be read
    text = source if origin == "written" else context.files.text(source)
    return None if text is None else (words[0], text)


# `exec "$@"` (or `exec "${@}"`, `exec $@`) on a line of its own: the script ends by running its arguments
_EXECS_ARGUMENTS = lazy_re(r'(?m)^[ \t]*exec[ \t]+(?:"\$\{?@\}?"|\$\{?@\}?)[ \t]*(?:#.*)?$')


def execs_its_arguments(text: str) -> bool:
    """Does the start script end by exec'ing its arguments (docker-library's docker-entrypoint.sh idiom), so
    that the CMD it is given is the program that runs?"""
    return _EXECS_ARGUMENTS.search(text) is not None


def script_arguments(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The arguments the start command gives its script: `/ep.sh node server.js`, `sh -e ep.sh node`."""
    if not argv or not is_shell(argv[0]):
        return argv[1:]
    at = next((i for i, word in enumerate(argv[1:], 1) if not word.startswith("-")), len(argv))
    return argv[at + 1:]


def shebang_errexit(text: str) -> bool:
    """`#!/bin/sh -e` (or `-ex`, `-o errexit`) on the script's first line."""
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return False
    from migrator.rewrite.failures import shell_flags

    return shell_flags(first[2:].split()[1:])[0]


def start_steps(script: str, errexit: bool = False,
                params: tuple[str, ...] | None = None) -> list[tuple[str, str | None, str]]:
    """(program, why its failure does not end the command or None when it does, how it ends the command) of each
    program a `sh -c` command line runs, once per program (it ends the command if any of its uses does). How:
    "" (fails with `not found`), WAITS (a loop waits for it forever) or LOOKED_UP (a look-up exits without it).
    `params`: the script's positional parameters at start when known; a branch they rule out never runs."""
    from migrator.rewrite.failures import hidden_reason, lookup_guard, set_commands
    from migrator.rewrite.missing_tool import exits_without, guards, looked_up, waits_forever
    from migrator.rewrite.positional import Arguments
    from migrator.rewrite.shell_syntax import command_words, literal, parsed_or_none, walk
    from migrator.rewrite.tools import program_name

    src = parsed_or_none(script)
    if src is None:  # read as words: every step counts as ending the command
        segments = re.split(r"&&|\|\||;|\||\n", script)
        names = [program_name([w for w in s.split() if not _VARIABLE_SET.match(w) and w not in ("then", "do", "!")])
                 for s in segments]
        return [(name, None, "") for name in dict.fromkeys(n for n in names if n)]
    found: dict[str, tuple[str | None, str]] = {}

    def note(name: str, skipped: str | None, how: str) -> None:
        if name not in found or (found[name][0] is not None and skipped is None):
            found[name] = (skipped, how)  # (a use that ends the command wins)

    sets = set_commands(src.root)
    arguments = Arguments(src, params) if params else None
    for node in walk(src.root):
        if node.type != "command":
            continue
        words = [literal(src, w) for w in command_words(node)[1]]
        tools = looked_up([w or "" for w in words])
        ruled_out = arguments.ruled_out(node) if arguments is not None else None
        if ruled_out is not None:  # a branch for other arguments than the start's: never runs
            for tool in tools or [program_name(words) or ""]:
                if tool:
                    note(tool, ruled_out, "")
            continue
        for tool in tools:
            if exits_without(node) or (hidden_reason(node, errexit, False, sets) is None and not guards(node)):
                note(tool, None, LOOKED_UP)
        name = program_name(words)
        if not name or tools:
            continue
        if waits_forever(node):
            note(name, None, WAITS)
            continue
        # (`exec` replaces the shell: nothing after it runs, whatever follows)
        note(name, lookup_guard(node, name) or (None if words[0] == "exec" else hidden_reason(node, errexit,
                                                                                              False, sets)), "")
    return [(name, skipped, how) for name, (skipped, how) in found.items()]


_EXPANSION = lazy_re(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def _survived(command: Node, errexit: bool, sets: SetCommands) -> bool:
    """Whether the start goes on past a failure of `command` (a step of a script without `set -e`, `|| true`, an
    `if`'s condition). A pipeline's member is judged by its pipeline, which it runs in whatever its place
    (`node server.js | tee log`); a background job (`node server.js &`) is what the script starts to run the
    container's life through, whatever it does next (`wait $!`): neither is survived."""
    from migrator.rewrite.failures import IN_AND_CHAIN, MORE_FOLLOW, backgrounded, hidden_reason, statement_of

    statement = statement_of(command)
    reason = hidden_reason(statement, errexit, False, sets)
    return reason is not None and not (reason in (MORE_FOLLOW, IN_AND_CHAIN) and backgrounded(statement))


def started_paths(script: str, errexit: bool = False,
                  params: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(path, the command as written) of each program a start script runs by its absolute path whenever it starts,
    whatever the form: `exec /__cacert_entrypoint.sh "$@"`, `/opt/java/openjdk/bin/java -jar app.jar`, a background
    job `/usr/local/bin/node server.js &`, a pipeline's member, `cmd || exit 1`, a step in `( )` or `{ }`, behind a
    wrapper (`nohup`, `su-exec app`); a path behind one of the script's own variables counts when the script gives
    that variable one literal value (`JAVA=/opt/java/openjdk/bin/java`, then `exec "$JAVA" ...`). A step skipped or
    survived (a look-up guards it, `|| true`, an `if`'s condition), a branch the start's arguments rule out, or a
    script that cannot be parsed: [].
    """
    from migrator.rewrite.failures import lookup_guard, set_commands
    from migrator.rewrite.positional import Arguments
    from migrator.rewrite.shell_syntax import _word_text as word_text
    from migrator.rewrite.shell_syntax import command_words, parsed, shell_assignments, walk
    from migrator.rewrite.tools import started_word
    from migrator.rewrite.wrappers import wrapper_words

    try:
        src = parsed(script, 1)
    except Exception:  # never raise on user input
        return []
    if src is None or src.root.has_error:
        return []
    values: dict[str, set[str | None]] = {}
    for assignment in shell_assignments(script):
        values.setdefault(assignment.name, set()).add(assignment.value)
    known = {name: value for name, found in values.items() if len(found) == 1
             for value in found if value is not None and "$" not in value}

    def resolved(word: str) -> str:
        return _EXPANSION.sub(lambda m: known.get(m.group(1) or m.group(2), m.group(0)), word)

    sets = set_commands(src.root)
    arguments = Arguments(src, params) if params else None
    found: dict[str, str] = {}
    for node in walk(src.root):
        if node.type != "command":
            continue
        words = [resolved(word_text(src, w)) for w in command_words(node)[1]]
        path = started_word(list(words[wrapper_words(words, every=True):]))  # (`su-exec app /usr/bin/x`)
        if path is None or not path.startswith("/") or path in found:
            continue
        if arguments is not None and arguments.ruled_out(node) is not None:
            continue
        if lookup_guard(node, path.rsplit("/", 1)[-1]) is not None or (
                words[0] != "exec" and _survived(node, errexit, sets)):
            continue
        found[path] = src.slice(node).strip()
    return list(found.items())
