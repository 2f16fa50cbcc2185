"""ONBUILD triggers in the runtime stage: image metadata, run by the builds of images FROM the migrated one.

Those builds start from the runtime image: a trigger that needs what it lacks (a shell to run or start
with, a package manager, curl for a health check) would fail them. The same rules as for the runtime's
own instructions apply: plain words go in exec form, a health check is ported to the image's interpreter,
and what cannot run there is dropped, with a finding that says so.
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, json_argv, parse_instruction, split_flags
from migrator.regex import lazy as lazy_re
from migrator.rewrite.commands import exec_form, healthcheck_needs_shell
from migrator.rewrite.healthcheck import port_healthcheck, removal
from migrator.rewrite.wrappers import WRAPPERS
from migrator.rules.loader import ChainguardImage

_SHELL_SYNTAX = lazy_re(r"""[$`|&;<>(){}*?\[\]~'"\\#]""")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "zsh", "busybox"})
_STARTS = ("CMD", "ENTRYPOINT")
_NO_DISTROLESS = "nor any distroless Chainguard image"
_LOST = "images built FROM the migrated image no longer run this trigger"


def runtime_trigger(instruction: Instruction, image: ChainguardImage, newline: str,
                    path: str | None = None, uid: int = 0) -> tuple[list[str], list[Finding]]:
    """The trigger's lines in the runtime stage ([] drops it) and the findings that say what changed; `path`
    is the stage's PATH when its ENV sets one, `uid` the user the runtime runs as. Every form of a trigger
    is judged alike: exec form, shell form and `sh -c` run the same programs, so any one the runtime lacks
    drops the trigger."""
    raw = instruction.raw if instruction.raw.endswith("\n") else instruction.raw + newline
    trigger = instruction.body.split(None, 1)
    kind = trigger[0].upper() if trigger else ""
    if kind == "HEALTHCHECK":
        return _health_check(instruction, image, newline, raw)
    if kind not in ("RUN", *_STARTS):
        return _kept(instruction, raw)
    script = split_flags(trigger[1])[1] if len(trigger) == 2 else ""
    argv = json_argv(script)
    if argv is not None:
        if argv and posixpath.basename(argv[0]) == "env" and image.known and not image.has_program("env"):
            return _dropped(instruction, kind, "env", image)  # (a distroless image has no /usr/bin/env)
        argv = _unwrapped(argv)
        program = posixpath.basename(argv[0]) if argv else ""
        if program in _SHELLS and len(argv) == 3 and argv[1] == "-c":
            if not image.has_program(program):
                lines, found = _shell_form(instruction.line, kind, argv[2], newline, f"`{program} -c`")
                # (a runtime with another shell: `bash -c` is dropped for want of bash, not of a shell)
                return _dropped(instruction, kind, program, image) if image.shell and not lines else (lines, found)
            return _judged(instruction, kind, _script_commands(argv[2], instruction.line), image, raw, path, uid)
        if program in _SHELLS and not image.has_program(program):
            return [], [finding("MIG525", instruction.line, f"ONBUILD {kind} {trigger[1]} dropped from the runtime "
                                f"stage: it runs {program}, which the runtime does not have: {_LOST}")]
        return _judged(instruction, kind, [argv], image, raw, path, uid)
    if not image.shell:
        return _shell_form(instruction.line, kind, script, newline, "shell-form")
    scripts = [script] + [heredoc.body for heredoc in instruction.heredocs]
    commands = [c for text in scripts for c in _script_commands(text, instruction.line)]
    return _judged(instruction, kind, commands, image, raw, path, uid)


def _interpreter(script: str) -> list[str] | None:
    """`#!/usr/bin/env python3` at the top of a heredoc: the script is that program's, not the shell's."""
    first = script.lstrip("\n").split("\n", 1)[0]
    if not first.startswith("#!"):
        return None
    argv = _unwrapped(first[2:].split())
    return argv if argv and posixpath.basename(argv[0]) not in _SHELLS else None


def _shell_form(line: int, kind: str, script: str, newline: str, form: str) -> tuple[list[str], list[Finding]]:
    """A script the trigger gives a shell: plain words of a CMD or ENTRYPOINT need none, the rest is dropped."""
    from migrator.rewrite.commands import without_env, without_exec

    command, renamed, needs_shell = without_exec(script.strip())  # (`exec` is the shell's: exec form starts it)
    argv: list[str] | None = command.split()
    if argv and argv[0] == "env":  # (a runtime without a shell has no env either)
        argv = without_env(argv)[0]
    if (kind in _STARTS and argv and needs_shell is None and not _SHELL_SYNTAX.search(command)
            and "\n" not in command):
        return ["ONBUILD " + exec_form(kind, argv, newline)], [finding(
            "MIG525", line, f"{form} ONBUILD {kind} written in exec form: the runtime has no shell to start it with"
            + (f" (`exec -a {renamed}` dropped: exec form cannot name the process)" if renamed else ""))]
    return [], [finding("MIG525", line, f"{form} ONBUILD {kind} dropped from the runtime stage, which has no shell "
                        f"to {'run' if kind == 'RUN' else 'start'} it: {_LOST}")]


def _script_commands(script: str, line: int) -> list[list[str]]:
    """The commands a trigger's shell script runs, each without its `env`/`exec` prefix (a heredoc with a
    `#!` line of another program: that program)."""
    from migrator.rewrite.shell_syntax import simple_commands

    interpreter = _interpreter(script)
    if interpreter is not None:
        return [interpreter]
    return [_unwrapped(list(command.words)) for command in simple_commands(script, line)]


_ENV_OPTIONS_WITH_VALUE = WRAPPERS["env"].valued


def _unwrapped(argv: list[str]) -> list[str]:
    """`["/usr/bin/env", "PIP_NO_CACHE_DIR=1", "pip", ...]` and `exec pip ...` run pip."""
    words = list(argv)
    while words and posixpath.basename(words[0]) in ("env", "exec"):
        wrapper = posixpath.basename(words.pop(0))
        while words and (words[0].startswith("-") or (wrapper == "env" and "=" in words[0])):
            option = words.pop(0)
            if option in _ENV_OPTIONS_WITH_VALUE and words:
                words.pop(0)
    return words


def _judged(instruction: Instruction, kind: str, commands: list[list[str]], image: ChainguardImage, raw: str,
            path: str | None, uid: int) -> tuple[list[str], list[Finding]]:
    """Kept when the runtime may have every program the trigger runs; dropped, with one finding that names
    the first it lacks, when not: a package manager (`apk add` on a runtime without apk, `apt-get`), a
    distribution's program (`yarn`, `curl`). A trigger runs as the runtime's user, before any USER of the
    image built FROM it: `apk add` or `adduser` as nonroot fails there too."""
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.users import USER_COMMANDS

    for argv in commands:
        program = posixpath.basename(argv[0]) if argv else ""
        if kind == "RUN" and program in {*MANAGERS, *WRAPPERS, *USER_COMMANDS} and not image.has_program(program):
            return [], [finding("MIG525", instruction.line, f"ONBUILD RUN {instruction.body.split(None, 1)[1]} "
                                f"dropped from the runtime stage: it runs {program}, which the runtime does not have "
                                f"({'only -dev images have it' if program == 'apk' else _NO_DISTROLESS}): {_LOST}; "
                                "install what they need in their own -dev builder stage")]
        if kind == "RUN" and program in {*MANAGERS, *WRAPPERS, *USER_COMMANDS} and uid != 0:
            return [], [finding("MIG525", instruction.line, f"ONBUILD RUN {instruction.body.split(None, 1)[1]} "
                                f"dropped from the runtime stage: it runs {program}, which needs root, and the "
                                f"runtime runs as uid {uid} (a trigger runs before any USER of the image built FROM "
                                f"it): {_LOST}; give them the step in their own builder stage, as root")]
        missing = _missing_program(argv, image, path)
        if missing is not None:
            return _dropped(instruction, kind, missing, image)
    return _kept(instruction, raw)


def _kept(instruction: Instruction, raw: str) -> tuple[list[str], list[Finding]]:
    """Kept as written: W MIG102 says it is not migrated (E MIG310 when it runs apt-get, yum...)."""
    found = foreign_package_manager(instruction)
    return [raw], [finding("MIG102", instruction.line), *([found] if found is not None else [])]


def _dropped(instruction: Instruction, kind: str, missing: str, image: ChainguardImage
             ) -> tuple[list[str], list[Finding]]:
    return [], [finding("MIG525", instruction.line, f"ONBUILD {kind} {instruction.body.split(None, 1)[1]} "
                        f"dropped from the runtime stage: it runs {missing}, which the runtime does not have"
                        f"{' (its -dev image has)' if missing.split()[-1] in image.dev_programs else ''}: "
                        f"{_LOST}; give them the step in their own -dev builder stage")]


_PATH_DIRECTORIES = frozenset({"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/local/sbin"})


def _missing_program(argv: list[str], image: ChainguardImage, path: str | None) -> str | None:
    """What an exec-form trigger runs that the runtime lacks: a distribution's program (`pip`, `curl`: one a
    Wolfi package or the -dev image provides) that the image's model does not have, or the module of
    `python -m pip` that only the -dev image has. None when it is there or may be: a path of the image's own
    files, a PATH (`ENV PATH=/opt/venv/bin:$PATH`) with a directory the copied files may fill, an image
    without a model, a program of the app's (`gunicorn`, copied in a virtual environment)."""
    from migrator.rewrite.tools import package_for

    if not argv or not image.known or ("/" in argv[0] and posixpath.dirname(argv[0]) not in _PATH_DIRECTORIES):
        return None
    if path is not None and any(d.rstrip("/") not in _PATH_DIRECTORIES for d in path.split(":") if d):
        return None
    program = posixpath.basename(argv[0])
    if not image.has_program(program):
        return program if program in image.dev_programs or package_for(program) is not None else None
    module = argv[2] if len(argv) > 2 and argv[1] == "-m" and program.startswith("python") else None
    if module is not None and module in image.dev_programs and not image.has_program(module):
        return f"{program} -m {module}"
    return None


def _health_check(instruction: Instruction, image: ChainguardImage, newline: str,
                  raw: str) -> tuple[list[str], list[Finding]]:
    """`ONBUILD HEALTHCHECK CMD curl -f http://localhost/ || exit 1`: the runtime's own HEALTHCHECK rule."""
    check = parse_instruction(instruction.body.strip() + newline, instruction.line, instruction.escape)
    if not healthcheck_needs_shell(check, set(image.tools), image.shell):
        return [raw], []
    ported = port_healthcheck(check, image, newline)
    if ported is not None:
        return ["ONBUILD " + ported[0]], [finding(ported[1].code, instruction.line, "ONBUILD " + ported[1].message)]
    removed = removal(check, image)
    return [], [finding(removed.code, instruction.line, "ONBUILD " + removed.message.replace(
        "removed from the runtime stage", "trigger removed from the runtime stage (images built FROM the migrated "
        "image no longer get it)"))]


def foreign_package_manager(instruction: Instruction) -> Finding | None:
    """E MIG310 for a kept `ONBUILD RUN apt-get ...`: the builds of images FROM the migrated one run it on
    Wolfi, where it does not exist."""
    from migrator.findings import packages as codes
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.wrappers import manager_in_script

    trigger = instruction.body.split(None, 1)
    if len(trigger) != 2 or trigger[0].upper() != "RUN":
        return None
    managers = frozenset({*MANAGERS, *WRAPPERS} - {"apk"})
    script = split_flags(trigger[1])[1]
    argv = json_argv(script)
    if argv is not None:
        program = posixpath.basename(argv[0]) if argv else ""
        found = program if program in managers else None
    else:
        scripts = [script] + [heredoc.body for heredoc in instruction.heredocs]
        found = next((m for text in scripts if (m := manager_in_script(text, managers))), None)
    if found is None:
        return None
    shown = " ".join(instruction.body.split())
    return codes.UNSUPPORTED_PACKAGE_COMMAND.finding(instruction.line, (
        f"`ONBUILD {shown if len(shown) <= 80 else shown[:77] + '...'}` runs {found} in the builds of images FROM "
        f"the migrated image, which are on Wolfi, where {found} does not exist: left as written, it fails them. "
        "Move the install into those builds (apk add ...)"))
