"""A numeric USER the Chainguard -dev image has no account for, kept in a stage that runs build tools: a HOME.

Red Hat's s2i files switch to `USER 1001` (the images' user "default", HOME=/opt/app-root/src) before `RUN npm ci`.
The Chainguard -dev images have no uid 1001, so the engine runs the step with HOME=/, where only root may write:
npm fails with `EACCES: permission denied, mkdir '/.npm'`, and composer, go, cargo, maven and the other tools
rules/tools.yaml lists under `home_writers` fail or lose their caches the same way. As for the virtualenv the
stage installs into (made as root and given to that user), the stage keeps its user and the user gets what it
needs: a home, made as root just before the USER line and named by ENV HOME: the one the original image gave the
uid (s2i's /opt/app-root/src, where a later stage may copy `go install`'s go/bin/ from), else /home/<uid>.
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.facts import read_facts
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import lazy as lazy_re

_CREATED_UID = lazy_re(r"(?:\s-u\s*|--uid[= ])[\"']?(\d+)\b")  # (adduser -u 1001, useradd --uid 1001)


def home_before_user(plan: FilePlan, stage_plan: StagePlan, item: Instruction, user: str | None,
                     newline: str) -> tuple[str, Finding] | None:
    """The lines that give `USER <uid>` (item) a writable HOME, written before it while `user` (None: root) is in
    force, and the finding that says so; None when the image has that uid, the stage makes the account or sets
    HOME itself, or no tool that writes under HOME runs as that user."""
    uid = item.body.strip().split(":")[0]
    if not uid.isdigit() or int(uid) == 0:
        return None
    image = image_name(plan.inherited_image(stage_plan))
    facts = plan.rules.image_facts(image)
    if int(uid) == facts.uid:
        return None
    chain = [i for stage in stage_plan.stage.chain() for i in stage.instructions]
    if any(i.keyword == "RUN" and uid in _CREATED_UID.findall(i.logical) for i in chain):
        return None
    if any(i.keyword == "ENV" and "HOME" in _env_names(i) for i in chain):
        return None
    tool = _first_home_writer(stage_plan, item)
    if tool is None:
        return None
    home = _source_home(plan, stage_plan, uid) or f"/home/{uid}"
    lines = [f"RUN mkdir -p {home} && chown {uid} {home}", f"ENV HOME={home}"]
    if user is not None:
        lines.insert(0, "USER root")
    message = (f"USER {uid}: {image} has no user with uid {uid}, so the steps it runs get HOME=/, where only root "
               f"may write, and `{tool}` keeps its cache and settings under HOME (npm: EACCES, mkdir '/.npm'): "
               f"{home} is made for uid {uid} and set as HOME before the USER line")
    return "".join(line + newline for line in lines), finding("MIG576", item.line, message)


def _source_home(plan: FilePlan, stage_plan: StagePlan, uid: str) -> str | None:
    """The HOME the original image gave the uid (rules: chainguard-images.yaml `upstream` home): s2i's
    /opt/app-root/src, where `go install` wrote the go/bin/ a later stage copies."""
    root = stage_plan.stage.chain()[0]
    if root.ref is None:
        return None
    defaults = plan.rules.upstream_defaults(root.ref.short_name, root.ref.tag)
    return defaults.home if defaults.user is not None and defaults.user.split(":")[0] == uid else None


def _first_home_writer(stage_plan: StagePlan, item: Instruction) -> str | None:
    """The first tool that writes under HOME among the RUN steps after the USER line, before the next USER."""
    following = [i for i in stage_plan.stage.instructions if i.line > item.line]
    end = next((i.line for i in following if i.keyword == "USER"), None)
    from migrator.rewrite.tools import listed

    writers = listed("home_writers")
    for command in read_facts(stage_plan.stage).run_commands():
        line = command.instruction.line
        if line <= item.line or (end is not None and line >= end):
            continue
        words = command.words
        name = posixpath.basename(words[0])
        if name.startswith("python") and words[1:2] == ("-m",) and len(words) > 2:
            name = words[2]
        if name in writers:
            return name
    return None


def _env_names(instruction: Instruction) -> list[str]:
    from migrator.plan.facts import parse_env_words

    return list(parse_env_words(instruction.body, instruction.escape))
