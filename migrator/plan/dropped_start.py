"""What a start script does at every start that a runtime which does not run it loses.

The php-fpm image starts php-fpm itself (under s6), so the migration drops the stage's ENTRYPOINT and CMD. A
user's ENTRYPOINT script in front of php-fpm (`docker-entrypoint.sh`: write a config file from the environment,
make a directory, seed a secret, then `exec "$@"`) is copied but never run: the app starts without what the
script made. Its application seeding is copied by the runtime (plan/seeded_trees.py, MIG323/MIG324); every other
step that changes the container is what is lost.
"""

from __future__ import annotations

import posixpath

from migrator.records import dataclass

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.stages import Stage
    from migrator.rewrite.shell_syntax import Source

# Commands that change nothing the started program sees (print, test, wait, hand over): the rest do setup.
_QUIET = frozenset({"set", "echo", "printf", "true", "false", ":", "[", "[[", "test", "sleep", "shift", "exit",
                    "return", "local", "exec", "cd", "command", "type", "cat", "id", "whoami", "printenv", "date"})
_WRITES = frozenset({">", ">>", ">|", "&>", "&>>"})
_NOWHERE = ("/dev/", "/proc/self/fd/")  # (`> /dev/stderr`, `> /dev/null`: no file is made)


@dataclass(frozen=True)
class DroppedScript:
    program: str  # as the ENTRYPOINT (or CMD) names it
    line: int  # of the ENTRYPOINT or CMD that starts it
    read: bool  # its text was read from the build context
    steps: tuple[str, ...] = ()  # the commands that do setup, as written (shortened)
    writes: tuple[str, ...] = ()  # the files its redirects write


def dropped_script(stage: Stage, files: BuildContext, workdir: str, program: str, line: int) -> DroppedScript:
    """The script `program` a runtime does not run: the setup steps it does at start, when it can be read."""
    from migrator.plan.scripts import start_script
    from migrator.plan.seeded_trees import seedings

    found = start_script(stage)
    text = files.text(found[2]) if found is not None and files.root is not None else None
    if found is None or text is None:
        return DroppedScript(program, line, read=False)
    seeds, _ = seedings(text, workdir)
    steps, writes = _setup_steps(text, tuple(seed.command for seed in seeds))
    return DroppedScript(program, found[1], True, steps, writes)


def _setup_steps(text: str, seeded: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(commands that do setup, files written) of the script; a command inside a `$(...)` feeds the one around it,
    and a seeding (`seeded`: MIG323/MIG324 say it) is left out."""
    from migrator.rewrite.shell_syntax import command_words, literal, parsed_or_none, walk

    src = parsed_or_none(text, 1)
    if src is None:
        return ("(the script does not parse)",), ()
    steps: list[str] = []
    writes: list[str] = []
    for node in walk(src.root):
        if node.type == "declaration_command" and _top_level(node) and src.slice(node).startswith("export "):
            steps.append(_short(src.slice(node)))  # (the environment php-fpm would have started with)
            continue
        if node.type != "command" or not _top_level(node):
            continue
        written = src.slice(node)
        if any(written in seed for seed in seeded):
            continue
        if seeded and written.startswith("chown "):
            continue  # (the runtime's COPY of the seeded tree gives it away as the script did: MIG323)
        words = command_words(node)[1]
        name = posixpath.basename(literal(src, words[0]) or "") if words else ""
        targets = _written_files(src, node)
        writes += [t for t in targets if t not in writes]
        if name not in _QUIET or targets:
            steps.append(_short(src.slice(node.parent) if targets and node.parent is not None else written))
    return tuple(dict.fromkeys(steps)), tuple(writes)


def _top_level(node: Node) -> bool:
    """Not inside a command substitution (`$(head -c 16 /dev/urandom | od -An -tx1)`): its output is a word."""
    parent = node.parent
    while parent is not None:
        if parent.type in ("command_substitution", "process_substitution"):
            return False
        parent = parent.parent
    return True


def _written_files(src: Source, node: Node) -> list[str]:
    """The files the command's output redirects write (`echo ... > /etc/app/secret.php`)."""
    from migrator.rewrite.shell_syntax import literal

    parent = node.parent
    if parent is None or parent.type != "redirected_statement":
        return []
    found = []
    for redirect in (c for c in parent.children if c.type == "file_redirect"):
        if not any(c.type in _WRITES for c in redirect.children) or not redirect.named_children:
            continue
        target = literal(src, redirect.named_children[-1]) or src.slice(redirect.named_children[-1])
        if not target.startswith(_NOWHERE) and not target.startswith("&"):
            found.append(target)
    return found


def _short(command: str) -> str:
    flat = " ".join(command.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."
