"""Apply a FilePlan: rewrite every stage and append the runtime stage where the final one splits."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.findings import finding
from migrator.model import Finding, StageInfo
from migrator.parse.dockerfile import Instruction, Item
from migrator.plan.ecosystems import ecosystem_for
from migrator.plan.ecosystems.base import BuilderEdit, Copy, EcosystemContext, RuntimePlan
from migrator.plan.facts import StageFacts, read_facts
from migrator.plan.images import image_name
from migrator.plan.planner import BUILDER, RUNTIME, FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.rewrite.fromline import rewrite_from
from migrator.rewrite.modernize import modernized
from migrator.rewrite.run import translate_run
from migrator.rewrite.runtime import (
    RuntimeContext,
    build_runtime_stage,
    finalize_stage_items,
    needs_chown,
    runtime_copies,
)


@dataclass
class Written:
    text: str
    stages: list[StageInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    packages: dict[int, list[str]] = field(default_factory=dict)  # stage index -> Wolfi packages it installs


def write_file(plan: FilePlan, newline: str) -> Written:
    out = Written("".join(item.raw for item in plan.staged.preamble))
    for item in plan.staged.preamble:
        if isinstance(item, Instruction) and item.keyword == "ONBUILD":
            out.findings.append(finding("MIG102", item.line))
    final = plan.final
    runtime_plan = _ecosystem_plan(plan) if final.split else None
    inserts = _inserts_by_line(runtime_plan)
    edits = {e.line: e for e in runtime_plan.builder_edits} if runtime_plan else {}
    plan.staged.stages = [_apply_edits(s, edits) for s in plan.staged.stages] if edits else plan.staged.stages
    for stage_plan in plan.stages:
        out.findings += stage_plan.findings
        if stage_plan is final and final.split and runtime_plan is not None:
            _write_split(plan, runtime_plan, inserts, newline, out)
        else:
            _write_stage(plan, stage_plan, inserts, newline, out)
    return out


def _apply_edits(stage: Stage, edits: dict[int, BuilderEdit]) -> Stage:
    """Apply an ecosystem's text edits (e.g. drop `pip install --user`) to the instructions they name."""
    from migrator.parse.dockerfile import parse_instruction

    for position, item in enumerate(stage.items):
        edit = edits.get(item.line) if isinstance(item, Instruction) else None
        if edit is not None and isinstance(item, Instruction):
            raw = item.raw.replace(edit.old, edit.new, 1)
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
    return stage


def _ecosystem_plan(plan: FilePlan) -> RuntimePlan:
    final = plan.final
    root = _root_plan(plan, final)
    context = EcosystemContext(
        facts=facts_with_parents(final.stage),
        options=plan.options,
        rules=plan.rules,
        runtime_image=root.choice.runtime if root.choice else None,
        builder_image=root.choice.builder if root.choice else None,
    )
    return ecosystem_for(final.ecosystem).plan_runtime(context)


def _root_plan(plan: FilePlan, stage_plan: StagePlan) -> StagePlan:
    return plan.stages[stage_plan.stage.root_stage().index]


def facts_with_parents(stage: Stage) -> StageFacts:
    inherited = facts_with_parents(stage.parent) if stage.parent is not None else None
    facts = read_facts(stage, inherited)
    if inherited is not None:
        facts.commands = inherited.commands + facts.commands
        facts.copy_destinations = inherited.copy_destinations + facts.copy_destinations
    return facts


def _inserts_by_line(runtime_plan: RuntimePlan | None) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for insert in runtime_plan.builder_inserts if runtime_plan else []:
        table.setdefault(insert.before_line, []).append(insert.text)
    return table


def _write_stage(plan: FilePlan, stage_plan: StagePlan, inserts: dict[int, list[str]], newline: str,
                 out: Written) -> None:
    stage = stage_plan.stage
    if not stage_plan.migrated:
        out.text += stage.from_item.raw + "".join(item.raw for item in stage.items)
        out.stages.append(StageInfo(stage.label, stage_plan.role, stage.resolved, stage.resolved))
        _note_external_copies(plan, stage, out)
        return
    out.text += _ensure_newline(rewrite_from(stage.from_item, stage_plan.image), newline)
    image = stage_plan.image or _inherited_image(plan, stage_plan)
    out.stages.append(StageInfo(stage.label, stage_plan.role, image, stage.resolved))
    if stage_plan.role == BUILDER:
        out.text += _builder_items(plan, stage_plan, stage.items, inserts, newline, out)
    else:
        context = _runtime_context(plan, stage_plan, RuntimePlan(), image, newline)
        kept = [i for i in stage.items if not (isinstance(i, Instruction) and i.line in stage_plan.dropped_runs)]
        kept = [_adjust_copy(plan, stage_plan, i, out) for i in kept]
        out.text += "".join(finalize_stage_items(kept, context))
        out.findings += context.findings
    _note_external_copies(plan, stage, out)


def _write_split(plan: FilePlan, runtime_plan: RuntimePlan, inserts: dict[int, list[str]], newline: str,
                 out: Written) -> None:
    final = plan.final
    stage = final.stage
    builder_name = _builder_name(plan)
    line = stage.from_item.line
    out.text += _ensure_newline(rewrite_from(stage.from_item, final.image, builder_name), newline)
    builder_image = final.image or _inherited_image(plan, final)
    out.stages.append(StageInfo(builder_name, BUILDER, builder_image, stage.resolved))
    body = _builder_items(plan, final, stage.items, inserts, newline, out)
    _prepare_volumes(final.stage, runtime_plan, out)
    if runtime_plan.builder_appends:
        last_user = facts_with_parents(stage).user
        if last_user is not None and last_user.split(":")[0] not in ("root", "0"):
            body = _ensure_newline(body, newline) + f"USER root{newline}"
    body += "".join(a + newline for a in runtime_plan.builder_appends)
    out.text += _ensure_newline(body, newline) if body else ""
    _carry_libraries(plan, runtime_plan, out)
    root = _root_plan(plan, final)
    runtime_image = runtime_plan.image or (root.choice.runtime if root.choice else None)
    if runtime_image is None:
        runtime_image = plan.options.registry.rstrip("/") + "/glibc-dynamic:latest"
    context = _runtime_context(plan, final, runtime_plan, runtime_image, newline)
    context.chown = needs_chown(context.facts)
    if context.chown:
        out.findings.append(finding("MIG513", line))
    name = f" AS {stage.name}" if stage.name else ""
    facts = plan.rules.image_facts(image_name(runtime_image))
    kind = "distroless: no shell, no package manager" if not facts.shell else "no package manager"
    header = f"{newline}# Runtime stage on {image_name(runtime_image)} ({kind})"
    from_line = f"{header}{newline}FROM {runtime_image}{name}{newline}"
    out.text += build_runtime_stage(context, builder_name, from_line)
    out.stages.append(StageInfo(stage.name or str(len(plan.stages)), RUNTIME, runtime_image, stage.resolved))
    out.findings.append(finding("MIG501", line, f"final stage split: builder '{builder_name}' on "
                                f"{image_name(builder_image)} (-dev), runtime on {image_name(runtime_image)}"))
    out.findings += runtime_plan.findings + context.findings
    if "/" in context.facts.copy_destinations and context.plan.copy_app_dirs:
        out.findings.append(finding("MIG523", line, "the build context is copied into / (no WORKDIR): only the "
                                    "paths listed are carried to the runtime; set a WORKDIR such as /app"))
    copied = ", ".join(c.source for c in runtime_copies(context))
    if copied:
        out.findings.append(finding("MIG503", line, f"the runtime copies from '{builder_name}': {copied}"))
    if stage.name:
        out.findings.append(finding("MIG524", line, f"builder renamed to '{builder_name}'; the runtime stage "
                                    f"keeps the name '{stage.name}'"))


def _adjust_copy(plan: FilePlan, stage_plan: StagePlan, item: Item, out: Written) -> Item:
    """Let the ecosystem move a `COPY --from=stage` destination the runtime image would not look in."""
    import shlex

    from migrator.parse.dockerfile import parse_instruction

    adjust = getattr(ecosystem_for(stage_plan.ecosystem), "adjust_copy", None)
    source = item.flags.get("from") if isinstance(item, Instruction) and item.keyword == "COPY" else None
    stage = plan.staged.stage_by_reference(source, before=stage_plan.stage.index) if source else None
    if adjust is None or stage is None or not isinstance(item, Instruction):
        return item
    words = item.json_args() or shlex.split(item.body)
    if len(words) != 2:
        return item
    change = adjust(facts_with_parents(stage), words[0], words[1])
    if change is None:
        return item
    destination, message = change
    raw = item.raw[: item.raw.rindex(words[1])] + destination + item.raw[item.raw.rindex(words[1]) + len(words[1]):]
    out.findings.append(finding("MIG516", item.line, message))
    return parse_instruction(raw, item.line, item.escape)


def _prepare_volumes(stage: Stage, runtime_plan: RuntimePlan, out: Written) -> None:
    """VOLUME directories must exist, owned by the runtime user, before a volume is mounted there."""
    import json
    import shlex

    paths: list[str] = []
    for instruction in stage.instructions:
        if instruction.keyword != "VOLUME":
            continue
        body = instruction.body.strip()
        try:
            words = json.loads(body) if body.startswith("[") else shlex.split(body)
        except ValueError:
            words = body.split()
        paths += [w for w in words if isinstance(w, str) and w.startswith("/") and "$" not in w]
    covered = [c.destination for c in runtime_plan.copies]
    missing = [p for p in paths if not any(p == c or p.startswith(c.rstrip("/") + "/") for c in covered)]
    if not missing:
        return
    runtime_plan.builder_appends.append("RUN mkdir -p " + " ".join(missing))
    runtime_plan.copies += [Copy(p, p, chown=True) for p in missing]
    out.findings.append(finding("MIG527", stage.from_item.line, "volume directories created in the builder and "
                                "copied owned by the nonroot runtime user: " + ", ".join(missing)))


def _carry_libraries(plan: FilePlan, runtime_plan: RuntimePlan, out: Written) -> None:
    """Shared libraries the builder installed (or compiled against) go to the runtime too."""
    stage: Stage | None = plan.final.stage
    installed: list[str] = []
    while stage is not None:
        installed = out.packages.get(stage.index, []) + installed
        stage = stage.parent
    libraries = plan.rules.runtime_libs.get("libraries", {})
    implied = plan.rules.runtime_libs.get("dev_packages", {})
    wanted: list[str] = []
    for package in installed:
        for library in [package] if package in libraries else implied.get(package, []):
            if library in libraries and library not in wanted:
                wanted.append(library)
    for library in wanted:
        for pattern in libraries[library]:
            runtime_plan.copies.append(Copy(pattern, pattern))
    line = plan.final.stage.from_item.line
    if wanted:
        out.findings.append(finding("MIG521", line, "shared libraries copied into the runtime: " + ", ".join(wanted)))
    final_installs = out.packages.get(plan.final.stage.index, [])
    runtime_name = image_name(runtime_plan.image or _root_runtime(plan) or "glibc-dynamic")
    provided = plan.rules.image_facts(runtime_name).packages
    missing = [p for p in dict.fromkeys(final_installs) if p not in provided and p not in wanted
               and p not in implied and not p.endswith("-dev") and p not in plan.rules.build_tools]
    if missing:
        out.findings.append(finding("MIG514", line, f"the original final stage installed {', '.join(missing)}; "
                                    f"the {runtime_name} runtime has no package manager: copy the files the app "
                                    "uses at run time from the builder, or use a runtime image that has them"))


def _root_runtime(plan: FilePlan) -> str | None:
    root = _root_plan(plan, plan.final)
    return root.choice.runtime if root.choice else None


def installed_packages(run_raw: str) -> list[str]:
    """Package names of `apk add` commands in a translated RUN instruction."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import run_scripts
    from migrator.rewrite.shell import simple_commands

    names: list[str] = []
    for script, line in run_scripts(parse_instruction(run_raw)):
        for command in simple_commands(script, line):
            words = command.words
            if len(words) > 2 and words[0] == "apk" and words[1] == "add":
                skip_next = False
                for word in words[2:]:
                    if skip_next:
                        skip_next = False
                    elif word in ("--virtual", "-t", "--repository", "-X"):
                        skip_next = True
                    elif not word.startswith("-") and "$" not in word:
                        names.append(word.split("=")[0].split(">")[0].split("<")[0])
    return names


def _runtime_context(plan: FilePlan, stage_plan: StagePlan, runtime_plan: RuntimePlan, image: str,
                     newline: str) -> RuntimeContext:
    root = _root_plan(plan, stage_plan)
    source = root.stage.ref.short_name if root.stage.ref else ""
    return RuntimeContext(
        facts=facts_with_parents(stage_plan.stage),
        plan=runtime_plan,
        image=plan.rules.image_facts(image_name(image)),
        source_has_entrypoint="distroless" in source,
        newline=newline,
        ecosystem=stage_plan.ecosystem,
    )


def _builder_items(plan: FilePlan, stage_plan: StagePlan, items: list[Item], inserts: dict[int, list[str]],
                   newline: str, out: Written) -> str:
    text: list[str] = []
    needs_root = False
    created: set[str] = set()  # users and groups the stage creates
    for item in items:
        if not isinstance(item, Instruction):
            text.append(item.raw)
            continue
        _check_chown_user(plan, stage_plan, item, created, out)
        for insert in inserts.get(item.line, []):
            text.append(insert.replace("\n", newline) + newline)
            needs_root = True
        if item.keyword == "RUN":
            outcome = translate_run(item, stage_plan.family, plan.rules)
            out.findings += outcome.findings
            needs_root = True
            if outcome.raw is not None:
                text.append(_ensure_newline(outcome.raw, newline))
                out.packages.setdefault(stage_plan.stage.index, []).extend(installed_packages(outcome.raw))
                created |= _check_existing_user(plan, stage_plan, outcome.raw, item.line, out)
        elif item.keyword == "ONBUILD":
            out.findings.append(finding("MIG102", item.line))
            text.append(item.raw)
        elif (modern := modernized(item)) is not None:
            text.append(modern[0])
            out.findings.append(modern[1])
        else:
            text.append(item.raw)
    body = "".join(text)
    if needs_root and _needs_user_root(plan, stage_plan):
        out.findings.append(finding("MIG502", stage_plan.stage.from_item.line))
        body = f"USER root{newline}" + body
    return body


def _check_chown_user(plan: FilePlan, stage_plan: StagePlan, item: Instruction, created: set[str],
                      out: Written) -> None:
    """`COPY --chown=www-data` fails on Wolfi, which has no www-data user, unless the stage creates it."""
    owner = item.flags.get("chown") if item.keyword in ("COPY", "ADD") else None
    if not owner:
        return
    image = stage_plan.image or _inherited_image(plan, stage_plan)
    known = {"root", "0", plan.rules.image_facts(image_name(image)).user, "nonroot", "65532"} | created
    unknown = list(dict.fromkeys(name for name in owner.split(":") if name and not name.isdigit()
                                 and "$" not in name and name not in known))
    if unknown:
        out.findings.append(finding("MIG534", item.line, f"--chown={owner}: {', '.join(unknown)} does not exist in "
                                    f"{image_name(image)} unless the stage creates it; use a uid:gid such as "
                                    "65532:65532"))


def _check_existing_user(plan: FilePlan, stage_plan: StagePlan, run_raw: str, line: int, out: Written) -> set[str]:
    """`adduser nonroot` fails on a Chainguard image, where that user already exists.

    Returns the users and groups the RUN creates."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import run_scripts
    from migrator.rewrite.shell import simple_commands

    image = stage_plan.image or _inherited_image(plan, stage_plan)
    user = plan.rules.image_facts(image_name(image)).user
    created: set[str] = set()
    for script, first in run_scripts(parse_instruction(run_raw, line)):
        for command in simple_commands(script, first):
            if command.words[:1] not in (("adduser",), ("addgroup",), ("useradd",), ("groupadd",)):
                continue
            created.update(w for w in command.words[1:] if not w.startswith("-"))
            if command.words[0] == "adduser" and command.words[-1] == user:
                out.findings.append(finding("MIG530", command.line, f"user '{user}' already exists in "
                                            f"{image_name(image)}: `{command.words[0]} {user}` fails there; "
                                            "remove it (the image's nonroot user is ready to use)"))
    return created


def _needs_user_root(plan: FilePlan, stage_plan: StagePlan) -> bool:
    stage = stage_plan.stage
    if stage.parent is not None:
        return False  # the parent stage already decided the user
    image = stage_plan.image
    if image is None or plan.rules.image_facts(image_name(image)).uid == 0:
        return False
    for instruction in stage.instructions:
        if instruction.keyword == "USER":
            return False
        if instruction.keyword == "RUN":
            return True
    return False


def _inherited_image(plan: FilePlan, stage_plan: StagePlan) -> str:
    root = _root_plan(plan, stage_plan)
    return root.image or root.stage.resolved


def _note_external_copies(plan: FilePlan, stage: Stage, out: Written) -> None:
    for instruction in stage.instructions:
        source = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
        if source and plan.staged.stage_by_reference(source, before=stage.index) is None and (
            "/" in source or ":" in source
        ):
            out.findings.append(finding("MIG210", instruction.line, f"COPY --from={source} copies from an "
                                        "external image: check its files work on Wolfi (glibc, uid 65532)"))


def _builder_name(plan: FilePlan) -> str:
    taken = {s.name.lower() for s in plan.staged.stages if s.name}
    final = plan.final.stage
    base = f"{final.name}-build" if final.name else "builder"
    name, counter = base, 2
    while name.lower() in taken:
        name, counter = f"{base}-{counter}", counter + 1
    return name


def _ensure_newline(text: str, newline: str) -> str:
    return text if text.endswith("\n") else text + newline
