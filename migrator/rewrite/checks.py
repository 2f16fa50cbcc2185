"""Checks of builder-stage users: Wolfi images have their own nonroot user and no Debian ones."""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.rewrite.shell import SimpleCommand


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


def created_users(plan: FilePlan, stage_plan: StagePlan, commands: list[SimpleCommand],
                  findings: list[Finding]) -> set[str]:
    """The users and groups a translated RUN's commands create; `adduser nonroot`, which fails on a
    Chainguard image where that user already exists, is reported into `findings`."""
    image = plan.inherited_image(stage_plan)
    user = plan.rules.image_facts(image_name(image)).user
    created: set[str] = set()
    for command in commands:
        if command.words[:1] not in (("adduser",), ("addgroup",), ("useradd",), ("groupadd",)):
            continue
        created.update(w for w in command.words[1:] if not w.startswith("-"))
        if command.words[0] == "adduser" and command.words[-1] == user:
            findings.append(finding("MIG530", command.line, f"user '{user}' already exists in "
                                    f"{image_name(image)}: `{command.words[0]} {user}` fails there; "
                                    "remove it (the image's nonroot user is ready to use)"))
    return created
