"""uv told to use the image's python where only a .python-version file of the build context pinned another one.

`uv init` writes the developer's own Python into .python-version; `uv sync` on python:latest-dev (3.14) then
downloads that CPython into the builder, and the virtualenv links to it, which the runtime lacks. When the
project's requires-python allows the image's version, `--python python3` makes uv build the virtualenv on the
image's python (MIG224). A pin the project's requirement holds to is an error of the start check (MIG221).
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan

_UV_COMMAND = r"(\buv[ \t]+{subcommand})(?=[ \t]|\\\r?\n|$)"


def use_image_python(plan: FilePlan) -> list[Finding]:
    """Rewrite, in place, the uv commands of the migrated stages that a .python-version alone keeps from the
    image's python."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.python_pins import image_python_requests

    findings: list[Finding] = []
    for stage_plan in plan.stages:
        if not stage_plan.migrated:
            continue
        requests = image_python_requests(stage_plan.stage, plan.files, plan.inherited_image(stage_plan))
        stage = stage_plan.stage
        for position, item in enumerate(stage.items):
            mine = [r for r in requests if isinstance(item, Instruction) and r[0].instruction.line == item.line]
            if not isinstance(item, Instruction) or not mine:
                continue
            raw = item.raw
            for subcommand in dict.fromkeys(command.words[1] for command, _, _ in mine):
                raw = re.sub(_UV_COMMAND.format(subcommand=subcommand), r"\1 --python python3", raw, count=1)
            if raw == item.raw:
                continue
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
            command, pin, served = mine[0]
            findings.append(finding("MIG224", item.line, f"`{' '.join(command.words[:2])} --python python3`: the "
                                    f"build context's {pin.what} asks for python {pin.version}, which the image "
                                    f"does not serve (it serves {served}), and the project's requires-python allows "
                                    f"{served}: uv uses the image's python, which the runtime has, instead of "
                                    f"downloading CPython {pin.version} into the builder, where the virtualenv "
                                    "would link to it"))
    return findings
