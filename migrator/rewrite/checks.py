"""Checks of builder-stage users: Wolfi images have their own nonroot user and no Debian ones."""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan


def chown_user_findings(plan: FilePlan, stage_plan: StagePlan, item: Instruction, created: set[str]) -> list[Finding]:
    """`COPY --chown=www-data` fails on Wolfi, which has no www-data user, unless the stage creates it."""
    owner = item.flags.get("chown") if item.keyword in ("COPY", "ADD") else None
    if not owner:
        return []
    image = plan.inherited_image(stage_plan)
    known = {"root", "0", plan.rules.image_facts(image_name(image)).user, "nonroot", "65532"} | created
    unknown = list(dict.fromkeys(name for name in owner.split(":") if name and not name.isdigit()
                                 and "$" not in name and name not in known))
    if not unknown:
        return []
    return [finding("MIG534", item.line, f"--chown={owner}: {', '.join(unknown)} does not exist in "
                    f"{image_name(image)} unless the stage creates it; use a uid:gid such as 65532:65532")]


def created_users(plan: FilePlan, stage_plan: StagePlan, run_raw: str, line: int,
                  findings: list[Finding]) -> set[str]:
    """The users and groups a RUN creates; `adduser nonroot`, which fails on a Chainguard image where that
    user already exists, is reported into `findings`."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import run_scripts
    from migrator.rewrite.shell import simple_commands

    image = plan.inherited_image(stage_plan)
    user = plan.rules.image_facts(image_name(image)).user
    created: set[str] = set()
    for script, first in run_scripts(parse_instruction(run_raw, line)):
        for command in simple_commands(script, first):
            if command.words[:1] not in (("adduser",), ("addgroup",), ("useradd",), ("groupadd",)):
                continue
            created.update(w for w in command.words[1:] if not w.startswith("-"))
            if command.words[0] == "adduser" and command.words[-1] == user:
                findings.append(finding("MIG530", command.line, f"user '{user}' already exists in "
                                            f"{image_name(image)}: `{command.words[0]} {user}` fails there; "
                                            "remove it (the image's nonroot user is ready to use)"))
    return created
