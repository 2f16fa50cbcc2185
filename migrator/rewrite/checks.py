"""Checks of builder-stage users: Wolfi images have their own nonroot user and no Debian ones."""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rewrite.shell_syntax import SimpleCommand


def chown_user_findings(plan: FilePlan, stage_plan: StagePlan, item: Instruction, created: set[str]) -> list[Finding]:
    """`COPY --chown=www-data` fails on Wolfi, which has no www-data user, unless the stage creates it."""
    owner = item.flags.get("chown") if item.keyword in ("COPY", "ADD") else None
    if not owner:
        return []
    from migrator.rewrite.copy_owners import image_accounts

    image = plan.inherited_image(stage_plan)
    known = image_accounts(plan.rules.image_model(image)) | created
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
        if command.words[0] in ("adduser", "useradd") and command.words[-1] == user:
            findings.append(finding("MIG530", command.line, f"user '{user}' already exists in "
                                    f"{image_name(image)}: `{command.words[0]} {user}` fails there and stops the "
                                    "build; remove it (the image's nonroot user is ready to use)"))
    return created


_CACHE_UID = lazy_re(r"--mount=\S*?\b(?:uid|gid)=(\d+)")
_CHOWN_IDS = lazy_re(r"\bchown\s+(?:-\S+\s+)*(\d+)(?::(\d+))?(?=\s)")
_ENV_ID = lazy_re(r"\b(?:P?[UG]ID|[A-Z_]*_(?:UID|GID|USER_ID|GROUP_ID))[= ]+[\"']?(\d+)\b")
_CREATED_UID = lazy_re(r"(?:\s-u\s*|--uid[= ])[\"']?(\d+)\b")


def uid_findings(plan: FilePlan, stage_plan: StagePlan, instructions: list[Instruction],
                 rewritten: frozenset[tuple[int, str]] = frozenset()) -> list[Finding]:
    """Numeric ids that named a user of the Docker Hub image (node's 1000, www-data's 33): on the
    Chainguard image its user is uid 65532 and the old uid belongs to nobody (or to another user).
    `rewritten`: (line, uid) the writer already changed (MIG421)."""
    upstream = upstream_users(plan, stage_plan)
    if not upstream:
        return []
    created = {uid for i in instructions if i.keyword == "RUN" for uid in _CREATED_UID.findall(i.logical)}
    image = image_name(plan.inherited_image(stage_plan))
    user = plan.rules.image_facts(image).user
    found: list[Finding] = []
    for instruction in instructions:
        for uid, where in _uid_references(instruction):
            if uid in upstream and uid not in created and (instruction.line, uid) not in rewritten:
                found.append(finding("MIG406", instruction.line, (
                    f"{where} uses uid {uid}, the {upstream[uid]} user of the original image; in {image} the "
                    f"image's user is {user} with uid 65532 and no user has uid {uid} (unless the stage creates "
                    f"one): use 65532, or create the user with that uid")))
    return found


def _uid_references(instruction: Instruction) -> list[tuple[str, str]]:
    keyword = instruction.keyword
    found: list[tuple[str, str]] = []
    if keyword == "RUN":
        found += [(uid, "the cache mount") for uid in _CACHE_UID.findall(instruction.logical)]
        found += [(uid, "chown") for ids in _CHOWN_IDS.findall(instruction.logical) for uid in ids if uid]
    elif keyword in ("COPY", "ADD") and instruction.flags.get("chown"):
        found += [(uid, "--chown") for uid in instruction.flags["chown"].split(":") if uid.isdigit()]
    elif keyword == "ENV":
        found += [(uid, "ENV") for uid in _ENV_ID.findall(instruction.body)]
    elif keyword == "USER":
        found += [(uid, "USER") for uid in instruction.body.strip().split(":") if uid.isdigit()]
    return list(dict.fromkeys(found))


def upstream_users(plan: FilePlan, stage_plan: StagePlan) -> dict[str, str]:
    """uid -> user name of the users the source image had (rules/dockerhub.yaml)."""

    from migrator.rules.data import builtin_data

    root = plan.root_of(stage_plan)
    ref = root.stage.ref
    repository = ref.short_name if ref is not None else ""
    users: dict[str, str] = {}
    entries = builtin_data("dockerhub.yaml").get("users") or []
    # the distribution's users first: php:*-alpine's www-data is Alpine's (82), php's Debian tags' is 33
    for entry in sorted(entries, key=lambda e: "match" in e):
        if ("match" in entry and glob_match(repository, entry["match"])) or (
            entry.get("family") == root.family and "match" not in entry
        ):
            users.update({str(uid): name for name, uid in entry["users"].items()
                          if str(uid) not in users and name not in users.values()})
    return users
