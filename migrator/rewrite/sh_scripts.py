"""`#!/bin/sh` scripts from the build context written where /bin/sh was bash (UBI, Fedora, Rocky...).

There a `#!/bin/sh` script (or one run as `sh script.sh`, or one with no `#!` line) ran under bash and may use
its syntax; on Wolfi /bin/sh is busybox sh, where `[[`, arrays and braces fail or mean something else. The
stage's SHELL line (MIG426) does not reach a script that names its own interpreter: W MIG427 says which
script and what in it, so its first line can say bash.
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.planner import FilePlan, StagePlan


def bash_in_sh_scripts(plan: FilePlan, stage_plan: StagePlan) -> list[Finding]:
    """MIG427 for each script of the build context the stage runs (RUN steps, and the start command of the
    final stage) that /bin/sh runs and that uses bash syntax, when the source image's /bin/sh was bash."""
    from migrator.plan.scripts import HEREDOC_SOURCE, start_script
    from migrator.rewrite.distro_scripts import stage_context_scripts

    stage = stage_plan.stage
    if not stage_plan.migrated or not stage.root_stage().sh_is_bash or plan.files.root is None:
        return []
    scripts = list(stage_context_scripts(plan, stage_plan))
    if stage_plan is plan.final and (started := start_script(stage)) is not None:
        scripts.append(started)
    found: list[Finding] = []
    for program, line, source in scripts:
        if source.startswith(HEREDOC_SOURCE) or _run_by_bash(stage_plan, program, line):
            continue
        if plan.files.kind(source) not in ("sh", "data") and not _run_by_sh(stage_plan, program, line):
            continue
        syntax = _syntax(plan, source)
        if syntax is not None:
            found.append(finding("MIG427", line, f"`{program}` ({source} in the build context) is run by /bin/sh "
                                 f"and uses bash syntax, {syntax} in it: /bin/sh was bash on the source image, and is "
                                 "busybox sh on Wolfi, where this fails or means something else. Make its first line "
                                 "`#!/bin/bash` (the -dev images have bash; on wolfi-base, `apk add bash`) or port "
                                 "it to POSIX sh"))
    return found


def _syntax(plan: FilePlan, source: str) -> str | None:
    from migrator.plan.bash_syntax import bash_syntax

    text = plan.files.text(source)
    return bash_syntax(text) if text is not None else None


def _runners(stage_plan: StagePlan, program: str, line: int) -> set[str]:
    """The programs that run `program` on `line`: the first word of a RUN's command that names it after that
    word, and the words before it in an exec-form start command (`CMD ["bash", "start.sh"]`)."""
    from migrator.plan.facts import read_facts

    found = {posixpath.basename(c.words[0]) for c in read_facts(stage_plan.stage).commands
             if c.line == line and program in c.words[1:]}
    for stage in stage_plan.stage.chain():
        for item in stage.instructions:
            argv = item.json_args() if item.keyword in ("CMD", "ENTRYPOINT") and item.line == line else None
            if argv and program in argv:
                found |= {posixpath.basename(word) for word in argv[:argv.index(program)]}
    return found


def _run_by_bash(stage_plan: StagePlan, program: str, line: int) -> bool:
    return "bash" in _runners(stage_plan, program, line)


def _run_by_sh(stage_plan: StagePlan, program: str, line: int) -> bool:
    return bool({"sh", "."} & _runners(stage_plan, program, line))
