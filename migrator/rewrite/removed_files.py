"""Files of the runtime image that the original final stage removed.

A distroless runtime stage starts again from its image and has no shell to delete with, and a COPY only
adds: what the original final stage removed from its image (`RUN rm /etc/nginx/conf.d/default.conf`, so
that the site's own server is the one on the port) is back in the runtime. For a file its program reads as
a list of settings, an empty file is the same as none (rules/dockerhub.yaml `emptied_when_removed`): the
builder stages the file as the stage left it (empty when it is gone) and the runtime copies that over the
image's (MIG537).
"""

from __future__ import annotations

import posixpath
import shlex

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.facts import StageFacts
from migrator.plan.planner import FilePlan
from migrator.regex import glob_match, glob_root

STAGED = "/runtime-emptied"


def carry_removals(plan: FilePlan, runtime_plan: RuntimePlan | None, runtime_image: str | None) -> list[Finding]:
    """Builder steps and last runtime copies (in `runtime_plan`) for the image files the stage removed."""
    from migrator.rewrite.writer import stage_facts
    from migrator.rules.data import builtin_data

    final = plan.final
    if runtime_plan is None or runtime_image is None or not final.split:
        return []
    name = runtime_image.rsplit("/", 1)[-1].split("@")[0].split(":")[0]
    rules = [r for r in builtin_data("dockerhub.yaml").get("emptied_when_removed") or [] if r["image"] == name]
    if not rules:
        return []
    facts = stage_facts(plan, final)
    renames = _renames(facts)
    removed = _removed(facts, renames)
    copied_back = {_renamed(posixpath.normpath(d), renames) for d in facts.copy_destinations}
    findings: list[Finding] = []
    for rule in rules:
        path = rule["path"]
        line = next((at for target, at in removed if _covers(target, path)), None)
        if line is None or path in copied_back:  # (a COPY put the file back: the runtime copies it already)
            continue
        staged = STAGED + path
        quoted, copy = shlex.quote(path), shlex.quote(staged)
        runtime_plan.builder_appends.append(
            f"RUN mkdir -p {shlex.quote(posixpath.dirname(staged))} && "
            f"if [ -e {quoted} ]; then cp -a {quoted} {copy}; else : > {copy}; fi")
        runtime_plan.last_copies.append(Copy(staged, path, root_owned=True))
        findings.append(finding("MIG537", line, f"{path} ({rule['why']}): the runtime starts again from "
                                f"{name}, which ships it, and cannot remove it; it gets the builder's file instead, "
                                "empty where the stage removed it, which the program reads as nothing"))
    return findings


def _renames(facts: StageFacts) -> list[tuple[str, str]]:
    """(Docker Hub path, the Chainguard image's) of the source image (rules/dockerhub.yaml `renamed_paths`)."""
    from migrator.rules.data import builtin_data

    root = facts.stage.root_stage()
    image = root.ref.short_name if root.ref is not None else ""
    return [(rule["from"], rule["to"]) for rule in builtin_data("dockerhub.yaml").get("renamed_paths") or []
            if rule["from"].startswith("/") and rule.get("image") and glob_match(image, rule["image"])]


def _removed(facts: StageFacts, renames: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """(path or glob, line) of what the stage's `rm` commands remove, at the paths the Chainguard image has."""
    found: list[tuple[str, int]] = []
    for command in facts.commands:
        if not command.words or command.words[0].rsplit("/", 1)[-1] != "rm":
            continue
        for word in command.words[1:]:
            if word.startswith("-") or "$" in word:
                continue
            path = command.resolve(word, facts.env)
            if path is None:
                continue
            found.append((_renamed(posixpath.normpath(path), renames), command.line))
    return found


def _renamed(path: str, renames: list[tuple[str, str]]) -> str:
    for old, new in renames:
        if path == old or path.startswith(old.rstrip("/") + "/"):
            return new + path[len(old):]
    return path


def _covers(target: str, path: str) -> bool:
    """Does removing `target` (a path or a glob) remove `path` (the file itself, or a directory above it)?"""
    if any(c in target for c in "*?["):
        return glob_root(path, target) is not None
    return path == target or path.startswith(target.rstrip("/") + "/")
