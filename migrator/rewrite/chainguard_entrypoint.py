"""A final stage already on a Chainguard image whose CMD starts a program under the image's own ENTRYPOINT.

    cmd, line, note = reset_interpreter_entrypoint(plan, newline)

Chainguard python's ENTRYPOINT is /usr/bin/python (node's /usr/bin/node), so `CMD ["python", "app.py"]` with no
ENTRYPOINT of the stage's own runs `/usr/bin/python python app.py`: the interpreter takes its own name for the
file to run; `CMD ["npm", "start"]` on node runs `node npm start`. The stage is left as written (MIG206) but for
`ENTRYPOINT []` before its CMD, as a migrated stage from Docker Hub's python gets (MIG506): the CMD is then the
whole command, as its author meant.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan
from migrator.plan.startcommand import effective_command, program_as_argument


def reset_interpreter_entrypoint(plan: FilePlan, newline: str) -> tuple[Instruction, str, Finding] | None:
    """(the final stage's CMD, the `ENTRYPOINT []` line to write before it, the MIG506 note), or None when the
    final stage is not on a Chainguard image left as written, or its CMD does not start a program of the image
    under the image's own ENTRYPOINT (plan.startcommand.program_as_argument)."""
    final = plan.final
    root = plan.root_of(final)
    if final.migrated or root.choice is None or root.choice.status != "already":
        return None
    image = plan.inherited_image(final)
    model = plan.rules.image_model(image)
    if not model.known:
        return None
    chain = final.stage.chain()
    effective = effective_command([s.instructions for s in chain], model.entrypoint, model.cmd)
    cmd = effective.cmd_from
    if not program_as_argument(effective, model.has_program) or cmd is None or cmd not in final.stage.instructions:
        return None  # (a CMD inherited from the stage it is built FROM would be reset by an ENTRYPOINT here)
    if cmd.json_args() is None:
        return None  # (a shell-form CMD runs under /bin/sh -c: the interpreter is not its first word)
    note = finding("MIG506", cmd.line, f"ENTRYPOINT [] added: {image.rsplit('/', 1)[-1]}'s entrypoint is "
                   f"{effective.entrypoint[0]}, which would take the CMD as its arguments "
                   f"(`{' '.join(effective.argv)}`)")
    return cmd, f"ENTRYPOINT []{newline}", note
