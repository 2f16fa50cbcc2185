"""RUN steps written for a /bin/sh that is bash (UBI, Fedora, CentOS, Rocky, Alma, Amazon Linux).

On those images a shell-form RUN runs under bash, and Dockerfiles written for them use bash syntax:
`mkdir -p /opt/app/{bin,lib}`, `[[ -d /x ]]`, arrays, `source`, `set -o pipefail`, `$'\\t'`, `<<<`,
`function f`, `&>`, `<(...)`. The Chainguard -dev images and wolfi-base have busybox sh as /bin/sh: braces
make one literal directory, `[[` and arrays fail. A stage that uses such syntax keeps bash semantics with a
SHELL line (rewrite.writer); which source images have bash as /bin/sh is data (rules/images.yaml family_sh).

    stage_bash_syntax(stage)   # "brace expansion (`mkdir -p /opt/app/{bin,lib}`, line 3)" or None
    needs_bash_shell(stage)    # the same, when the stage itself must say SHELL bash
"""

from __future__ import annotations

from migrator.plan.stages import Stage

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.rewrite.shell_syntax import Source

# declarations only bash has (`local` is in ash and dash too)
_BASH_DECLARATIONS = frozenset({"declare", "typeset"})


def needs_bash_shell(stage: Stage) -> str | None:
    """What bash-only syntax the stage's own RUN steps use when their /bin/sh was bash and no SHELL line of the
    stage, or of a stage it is built FROM, says which shell runs them (nor will: an earlier stage of its chain that
    uses bash syntax gets the SHELL line, and SHELL is inherited); else None."""
    chain = stage.chain()
    if not chain[0].sh_is_bash:
        return None
    if any(i.keyword == "SHELL" for s in chain for i in s.instructions):
        return None
    if any(stage_bash_syntax(s) is not None for s in chain[:-1]):
        return None
    return stage_bash_syntax(stage)


def stage_bash_syntax(stage: Stage) -> str | None:
    """The first bash-only construct in the stage's shell-form RUN steps (their heredoc scripts too), said with
    its line; None when they are POSIX sh."""
    from migrator.plan.facts import run_scripts

    for instruction in stage.instructions:
        if instruction.keyword != "RUN" or instruction.json_args():
            continue
        for script, first_line in run_scripts(instruction):
            found = bash_syntax(script, first_line)
            if found is not None:
                return found
    return None


def bash_syntax(script: str, first_line: int = 1) -> str | None:
    """The first construct of the script that POSIX sh (busybox ash, dash) does not read as bash does."""
    from migrator.rewrite.shell_syntax import parsed_or_none, simple_commands, walk

    src = parsed_or_none(script, first_line)
    if src is None:
        return None
    for command in simple_commands(script, first_line):
        if command.braced is not None:
            return f"brace expansion (`{_short(script[command.start:command.end])}`, line {command.line})"
    for node in walk(src.root):
        what = _construct(src, node)
        if what is not None:
            return f"{what} (`{_short(src.slice(node))}`, line {src.line(src.start(node))})"
    return None


def _construct(src: Source, node: Node) -> str | None:
    kind = node.type
    if kind == "test_command" and node.child_count and node.children[0].type == "[[":
        return "a [[ ]] test"
    if kind in ("array", "subscript"):
        return "an array"
    if kind == "ansi_c_string":
        return "a $'...' string"
    if kind == "herestring_redirect":
        return "a <<< here-string"
    if kind == "process_substitution":
        return "process substitution"
    if kind == "function_definition" and node.child_count and node.children[0].type == "function":
        return "a `function` definition"
    if kind == "file_redirect" and node.child_count and node.children[0].type in ("&>", "&>>"):
        return "an &> redirect"  # (sh reads `cmd &> f` as `cmd &` then `> f`: cmd runs in the background)
    if kind == "pipeline" and any(child.type == "|&" for child in node.children):
        return "a |& pipe"
    if kind == "declaration_command" and node.child_count and node.children[0].type in _BASH_DECLARATIONS:
        return f"bash's `{node.children[0].type}`"
    if kind == "command":
        return _command_construct(src, node)
    return None


def _command_construct(src: Source, node: Node) -> str | None:
    """`source FILE` (sh has `.`), `set -o pipefail` (not in every sh)."""
    from migrator.rewrite.shell_syntax import command_words, literal

    words = [literal(src, w) for w in command_words(node)[1]]
    if words[:1] == ["source"]:
        return "bash's `source`"
    if words[:1] == ["set"] and "pipefail" in words and any(w in ("-o", "+o") or (w or "").endswith("o")
                                                             for w in words[1:]):
        return "pipefail"
    return None


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:57] + "..."
