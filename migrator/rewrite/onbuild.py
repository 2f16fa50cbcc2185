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
from migrator.rules.loader import ChainguardImage

_SHELL_SYNTAX = lazy_re(r"""[$`|&;<>(){}*?\[\]~'"\\#]""")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "zsh", "busybox"})
_STARTS = ("CMD", "ENTRYPOINT")
_LOST = "images built FROM the migrated image no longer run this trigger"


def runtime_trigger(instruction: Instruction, image: ChainguardImage, newline: str,
                    path: str | None = None) -> tuple[list[str], list[Finding]]:
    """The trigger's lines in the runtime stage ([] drops it) and the findings that say what changed; `path`
    is the stage's PATH when its ENV sets one."""
    raw = instruction.raw if instruction.raw.endswith("\n") else instruction.raw + newline
    trigger = instruction.body.split(None, 1)
    kind = trigger[0].upper() if trigger else ""
    if kind == "HEALTHCHECK":
        return _health_check(instruction, image, newline, raw)
    if kind not in ("RUN", *_STARTS):
        return _kept(instruction, raw)
    script = split_flags(trigger[1])[1] if len(trigger) == 2 else ""
    argv = json_argv(script)
    if image.shell:
        missing = _missing_program(argv, image, path) if argv is not None else None
        return _dropped(instruction, kind, missing, image) if missing is not None else _kept(instruction, raw)
    if argv is not None:
        return _exec_form(instruction, kind, argv, image, newline, raw, path)
    return _shell_form(instruction.line, kind, script, newline, "shell-form")


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


def _exec_form(instruction: Instruction, kind: str, argv: list[str], image: ChainguardImage, newline: str,
               raw: str, path: str | None) -> tuple[list[str], list[Finding]]:
    """`ONBUILD ENTRYPOINT ["sh", "-c", "python app.py"]` needs a shell; `ONBUILD RUN ["apt-get", ...]`
    a package manager: neither is on a distroless runtime."""
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.users import USER_COMMANDS

    program = posixpath.basename(argv[0]) if argv else ""
    if program in _SHELLS and not image.has_program(program):
        if len(argv) == 3 and argv[1] == "-c":
            return _shell_form(instruction.line, kind, argv[2], newline, f"`{program} -c`")
        return [], [finding("MIG525", instruction.line, f"ONBUILD {kind} {instruction.body.split(None, 1)[1]} "
                            f"dropped from the runtime stage: it runs {program}, which the runtime does not have: "
                            f"{_LOST}")]
    if kind == "RUN" and program in {*MANAGERS, *WRAPPERS, *USER_COMMANDS} and not image.has_program(program):
        return [], [finding("MIG525", instruction.line, f"ONBUILD RUN {instruction.body.split(None, 1)[1]} dropped "
                            f"from the runtime stage: it runs {program}, which the runtime does not have (nor any "
                            f"distroless Chainguard image): {_LOST}; install what they need in their own -dev "
                            "builder stage")]
    missing = _missing_program(argv, image, path)
    return _dropped(instruction, kind, missing, image) if missing is not None else ([raw], [])


def _kept(instruction: Instruction, raw: str) -> tuple[list[str], list[Finding]]:
    found = foreign_package_manager(instruction)
    return [raw], [found] if found is not None else []


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
