"""The programs a HEALTHCHECK runs that the final stage's image lacks, read as the start command's are
(validate.startable's MIG563): a shell-form check kept on a runtime with a shell (wolfi-base, node, busybox
images), `["sh", "-c", ...]`, or the program of an exec-form check (`["pg_isready", "-h", "db"]`).

`HEALTHCHECK CMD pg_isready -h db && nc -z localhost 3000 || exit 1` on an image without pg_isready fails at every
check: the container is reported unhealthy, and an orchestrator that acts on it restarts it (E MIG593). A step
whose failure the check goes on without (`curl -f URL || wget -qO- URL`) is only said (W MIG592). Only tools
rules/tools.yaml knows are checked (the package that gives each is named); any other name is never guessed at.
"""

from __future__ import annotations

import re

from migrator.parse.dockerfile import Instruction, json_argv
from migrator.validate.stage_files import Context, installed_by_package, locate
from migrator.validate.stage_view import StageView

_CMD = re.compile(r"\bCMD(-SHELL)?\b", re.IGNORECASE)
_SHELLS = frozenset({"sh", "bash", "ash", "dash"})


def healthcheck_script(instruction: Instruction) -> str | None:
    """The shell command a HEALTHCHECK runs: its shell form (`CMD curl -f URL || exit 1`, `CMD-SHELL ...`) or the
    script of `CMD ["sh", "-c", SCRIPT]`; None for NONE or any other exec form."""
    body = instruction.body.strip()
    match = _CMD.search(body)
    if match is None:
        return None
    command = body[match.end():].strip()
    argv = json_argv(command) if not match.group(1) else None
    if argv is None:
        return command or None
    words = [str(word) for word in argv]
    if len(words) == 3 and words[0].rsplit("/", 1)[-1] in _SHELLS and words[1] == "-c":
        return words[2]
    return None


def healthcheck_problems(view: StageView, context: Context) -> list[tuple[str, int, str]]:
    """(code, line, message) for each tool the final stage's HEALTHCHECK runs and its image lacks."""
    from migrator.rewrite.tools import package_for
    from migrator.validate.start_reasons import short_image
    from migrator.validate.start_script import GUARDED, start_steps

    model = view.model
    checks = [i for stage in view.chain for i in stage.instructions if i.keyword == "HEALTHCHECK"]
    if model is None or not model.known or not checks:
        return []
    check = checks[-1]  # (the one in force: a stage's own replaces its parent's)
    script = healthcheck_script(check)
    program = _exec_program(check) if script is None else None
    if script is not None and not model.shell:
        return []  # (a shell command without a shell: the rewrite ports or removes it, MIG510/MIG552)
    if script is not None:
        steps = start_steps(script)
    elif program is not None:
        steps = [(program, None, "")]  # (exec form: the program is the check)
    else:
        return []
    problems: list[tuple[str, int, str]] = []
    image = short_image(view.image)
    for program, skipped, _ in steps:
        name = program.rsplit("/", 1)[-1]
        package = package_for(name)
        if (package is None or model.has_program(name) or installed_by_package(name, view.packages, context.rules)
                or package in view.packages or locate(view, context, program) is not None):
            continue
        lacks = f"the HEALTHCHECK runs `{name}`, which {image} does not have (Wolfi package {package})"
        remedy = (f"install it (`apk add {package}` where the image has apk), copy it from the builder (COPY "
                  "--from), or check health another way (your orchestrator's probe)")
        if skipped is None:
            problems.append(("MIG593", check.line, f"{lacks}: the check fails at every run with `not found`, so the "
                             f"container is reported unhealthy (and restarted where the orchestrator acts on it); "
                             f"{remedy}"))
        else:
            how = "is skipped" if skipped.startswith(GUARDED) else "fails with `not found`"
            problems.append(("MIG592", check.line, f"{lacks}: that step {how} at every check ({skipped}), and the "
                             f"check goes on without it; {remedy}, or drop that step"))
    return problems


def _exec_program(instruction: Instruction) -> str | None:
    """The program of an exec-form HEALTHCHECK (`CMD ["pg_isready", "-h", "db"]`); None for any other."""
    body = instruction.body.strip()
    match = _CMD.search(body)
    argv = json_argv(body[match.end():].strip()) if match is not None and not match.group(1) else None
    word = str(argv[0]) if argv else ""
    return word if word and "$" not in word else None
