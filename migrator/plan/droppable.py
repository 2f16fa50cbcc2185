"""Final-stage RUN lines the runtime does not need: installs of what it already has, user creation.

`FROM alpine` + `RUN apk add ca-certificates tzdata && adduser -D app` is common in final stages;
the static image already has certificates, time zones and a nonroot user, so such a stage needs no
builder at all: the RUN is dropped (with a finding) and the stage moves to the runtime image.
"""

from __future__ import annotations

from migrator.parse.dockerfile import Instruction
from migrator.rules.loader import ChainguardImage, RuleSet

_HARMLESS = {"set", "true", ":", "adduser", "addgroup", "useradd", "groupadd", "usermod", "echo"}


def droppable(run: Instruction, family: str, rules: RuleSet, runtime: ChainguardImage) -> bool:
    from migrator.rewrite.needs import installed_packages
    from migrator.rewrite.packages import package_command
    from migrator.rewrite.run import translate_run

    if run.heredocs or run.flags:
        return False
    if run.json_args() is not None:
        shell_form = _as_shell_form(run)
        return shell_form is not None and droppable(shell_form, family, rules, runtime)
    if _writes_a_file(run):
        return False
    outcome = translate_run(run, family, rules)
    if outcome.raw is None:
        return True
    if not runtime.packages:
        return False
    commands = outcome.commands()
    for command in commands:
        name = command.words[0] if command.words else ""
        if (apk := package_command(command.words)) is not None and apk.program == "apk" and apk.verb in (
                "add", "del", "update"):
            continue
        if name not in _HARMLESS:
            return False
    return set(installed_packages(commands)) <= runtime.packages


def _as_shell_form(run: Instruction) -> Instruction | None:
    """The exec form read as the shell form that does the same: `["/busybox/sh", "-c", SCRIPT]` (sh, bash, any
    shell's path) is SCRIPT, `["apk", "add", "curl"]` the quoted words; None for a shell script with more than
    `-c` (`sh -ec`, positional arguments) or of several lines, which is kept."""
    import shlex

    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import shell_script_index

    argv = run.json_args() or []
    index = shell_script_index(argv)
    if index is not None:
        if index != 2 or argv[1] != "-c" or len(argv) != 3:
            return None
        body = argv[2]
    elif argv:
        body = shlex.join(argv)
    else:
        return None
    if "\n" in body or body.rstrip().endswith(run.escape):
        return None  # (a line of its own: a continuation would join the next)
    return parse_instruction(f"RUN {body}\n", run.line, run.escape)


def _writes_a_file(run: Instruction) -> bool:
    """`echo k=v > /etc/app.conf`: the file is the app's, so the RUN stays (relative paths count: they land in
    the WORKDIR)."""
    from migrator.plan.facts import run_scripts
    from migrator.rewrite.shell_syntax import redirect_targets
    from migrator.rewrite.uncarried import app_file

    targets = [t for script, line in run_scripts(run) for t, _, _ in redirect_targets(script, line)]
    return any(app_file(t) or not t.startswith(("/", "$")) for t in targets)
