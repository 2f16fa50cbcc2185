"""Apply a FilePlan: rewrite every stage and append the runtime stage where the final one splits."""

from __future__ import annotations

import functools
import posixpath
import re

from migrator.findings import finding
from migrator.model import ExpansionError, Finding, StageInfo
from migrator.parse.dockerfile import Instruction, Item, parse_instruction
from migrator.plan.ecosystems import ecosystem_for
from migrator.plan.ecosystems.base import BuilderEdit, BuilderInsert, EcosystemContext, RuntimePlan
from migrator.plan.facts import StageFacts, read_facts, source_sh_shell
from migrator.plan.facts_memo import remembered
from migrator.plan.images import image_name, source_shell
from migrator.plan.placed_programs import copy_started_program
from migrator.plan.planner import BUILDER, RUNTIME, FilePlan, StagePlan
from migrator.plan.source_path_programs import relocate_source_path_programs
from migrator.plan.stages import Stage
from migrator.plan.writable import ran_as_root
from migrator.records import dataclass, field
from migrator.rewrite.appends import append_before_start
from migrator.rewrite.carried_files import carried_copies, carried_libraries
from migrator.rewrite.carried_ports import kept_port_finding
from migrator.rewrite.checks import chown_user_findings, created_users, uid_findings, upstream_users
from migrator.rewrite.command import StageKnowledge
from migrator.rewrite.commands import CommandOutcome, exec_form
from migrator.rewrite.distro_scripts import distro_script_findings, stage_context_scripts, translate_heredoc_scripts
from migrator.rewrite.dockerhub_homes import dockerhub_homes, env_line, home_env, source_env_read
from migrator.rewrite.dotnet_rids import glibc_runtime_identifiers
from migrator.rewrite.drift import version_drift
from migrator.rewrite.fromline import rewrite_from
from migrator.rewrite.interpreters import rename_interpreters
from migrator.rewrite.known_env import known_env
from migrator.rewrite.layout import translate_layout
from migrator.rewrite.lists import package_list_defaults, translated_default
from migrator.rewrite.majors import ROLL_FORWARD, dotnet_roll_forward, dotnet_tool_roll_forward, runtime_java
from migrator.rewrite.modernize import modernized
from migrator.rewrite.needs import carry_libraries, installed_packages, prepare_volumes
from migrator.rewrite.package_accounts import is_package_reason, package_accounts
from migrator.rewrite.python_layout import port_site_packages
from migrator.rewrite.removed_files import carry_removals
from migrator.rewrite.rootless import chown_copies, prepare_split
from migrator.rewrite.rootness import root_reason
from migrator.rewrite.run import translate_run
from migrator.rewrite.runtime import (
    RuntimeContext,
    build_runtime_stage,
    entrypoint_line,
    finalize_stage_items,
    needs_chown,
    runtime_copies,
)
from migrator.rewrite.rust_targets import target_variables
from migrator.rewrite.sh_scripts import bash_in_sh_scripts
from migrator.rewrite.source_accounts import (
    missing_user,
    rewrite_ids,
    source_id_map,
    stage_variables,
    variables_set_before,
)
from migrator.rewrite.trust_stores import trust_store_findings
from migrator.rewrite.users import folded_adduser
from migrator.rewrite.uv_python import use_image_python
from migrator.rewrite.venv_python import start_with_the_venv
from migrator.rewrite.workdir import default_workdir
from migrator.rewrite.wrappers import USER_WRAPPERS
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.plan.node_package import NodePackage
    from migrator.plan.rust_targets import ConfiguredTarget
    from migrator.rewrite.copied_trees import CopiedTree


@dataclass
class Written:
    text: str
    stages: list[StageInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    packages: dict[int, list[str]] = field(default_factory=dict)  # stage index -> Wolfi packages it installs
    knowledge: dict[int, StageKnowledge] = field(default_factory=dict)  # stage index -> groups, shell flags
    # COPY lines (no line end) the final stage adds for the libraries a build stage staged (rewrite.linked_libraries)
    library_copies: list[str] = field(default_factory=list)


def write_file(plan: FilePlan, newline: str) -> Written:
    out = Written("")
    for item in plan.staged.preamble:
        if isinstance(item, Instruction) and item.keyword == "ONBUILD":
            out.findings.append(finding("MIG102", item.line))
    out.findings += translate_layout(plan) + rename_interpreters(plan) + use_image_python(plan) + version_drift(plan)
    for stage_plan in plan.stages:
        stage_plan.rust_targets = _missing_rust_targets(plan, stage_plan) if stage_plan.migrated else {}
        stage_plan.rust_config_targets = _configured_rust_targets(plan, stage_plan) if stage_plan.migrated else {}
    for stage_plan in plan.stages:  # (`rustup target add` in the stage a build stage is built FROM)
        for parent in stage_plan.stage.chain()[:-1]:
            plan.stages[parent.index].rust_targets = {**stage_plan.rust_targets,
                                                      **plan.stages[parent.index].rust_targets}
    out.findings += glibc_runtime_identifiers(plan) + target_variables(plan)
    out.text = "".join(item.raw for item in plan.staged.preamble)  # (after the above: a global ARG may change)
    out.findings += port_site_packages(plan, newline)
    out.findings += start_with_the_venv(plan, newline)
    final = plan.final
    runtime_plan = _ecosystem_plan(plan) if final.split or final.base_packages else None
    out.findings += _listen_80(plan, runtime_plan, _final_image(plan, runtime_plan))
    out.findings += _renamed_config_paths(plan, runtime_plan)
    out.findings += carry_removals(plan, runtime_plan, _final_image(plan, runtime_plan))
    inserts = _inserts_by_line(runtime_plan)
    for line, text in final.inserts_before.items():
        inserts.setdefault(line, []).append(BuilderInsert(line, text))
    for rolled in dotnet_tool_roll_forward(plan):
        inserts.setdefault(rolled.line, []).append(BuilderInsert(rolled.line, f"ENV {ROLL_FORWARD}"))
        out.findings.append(rolled)
    edits: dict[int, list[BuilderEdit]] = {}
    for edit in runtime_plan.builder_edits if runtime_plan else []:
        edits.setdefault(edit.line, []).append(edit)
    for stage in plan.staged.stages if edits else []:
        _apply_edits(stage, edits)
    for stage_plan in plan.stages:
        out.findings += stage_plan.findings
        if stage_plan is final and final.split and runtime_plan is not None:
            _write_split(plan, runtime_plan, inserts, newline, out)
        else:
            start = len(out.text)
            _write_stage(plan, stage_plan, inserts, newline, out, runtime_plan)
            if stage_plan is not final:
                _stage_linked_libraries(plan, stage_plan, _final_image(plan, runtime_plan), start, newline, out)
    out.findings = _one_user_change_a_line(out.findings)
    return out


def _stage_linked_libraries(plan: FilePlan, stage_plan: StagePlan, runtime_image: str | None, start: int,
                            newline: str, out: Written) -> None:
    """A stage the final stage copies a binary from, which linked a library the final stage's source image
    carried and its runtime lacks (distroless/cc's libssl3 on glibc-dynamic): the stage stages it under
    /runtime-libs at its end, as root, and the final stage copies it (rewrite.linked_libraries)."""
    if runtime_image is None or not carried_libraries(plan, runtime_image):
        return
    from migrator.rewrite.linked_libraries import stage_libraries

    knowledge = out.knowledge.get(stage_plan.stage.index)
    added = [t.package for t in knowledge.tools if t.package] if knowledge is not None else []
    staged = stage_libraries(plan, stage_plan, list(dict.fromkeys(_chain_packages(out, stage_plan) + added)),
                             runtime_image)
    if staged is None:
        return
    run, copies, notes = staged
    out.findings += notes
    if not run:
        return
    lines = _as_root(plan, stage_plan, run.replace("\n", newline) + newline, newline)
    body = out.text[start:]
    end = re.search(r"(?:(?:\r?\n)[ \t]*(?:#[^\r\n]*)?)*\Z", body)
    at = start + (end.start() if end is not None else len(body))
    out.text = out.text[:at] + newline + lines.rstrip("\r\n") + out.text[at:]
    out.library_copies += copies.split("\n")


def _one_user_change_a_line(findings: list[Finding]) -> list[Finding]:
    """A parent stage's `USER app` rewritten where it stands (MIG512, why) is carried into the runtime stage,
    which rewrites it again: one finding for the line, the first."""
    seen: set[int] = set()
    kept = []
    for item in findings:
        if item.code == "MIG512" and item.line in seen:
            continue
        seen |= {item.line} if item.code == "MIG512" else set()
        kept.append(item)
    return kept


def _final_image(plan: FilePlan, runtime_plan: RuntimePlan | None) -> str | None:
    """The image the final stage of the output runs on (a split's runtime image), if it is migrated."""
    final = plan.final
    if not final.migrated:
        return None
    root = plan.root_of(final)
    if final.split:
        return final.runtime_override or (runtime_plan.image if runtime_plan else None) or root.runtime_choice
    return root.image


def _apply_edits(stage: Stage, edits: dict[int, list[BuilderEdit]]) -> None:
    """Apply an ecosystem's text edits (e.g. drop `pip install --user`) to the instructions they name, each of
    a line's edits in turn (`pip install --user ... && pip install --prefix=/usr/local ...`)."""
    from migrator.parse.dockerfile import parse_instruction

    for position, item in enumerate(stage.items):
        if not isinstance(item, Instruction) or not edits.get(item.line):
            continue
        raw = item.raw
        for edit in edits[item.line]:
            raw = raw.replace(edit.old, edit.new, 1)
        if raw != item.raw:
            stage.items[position] = parse_instruction(raw, item.line, item.escape)


def _ecosystem_plan(plan: FilePlan) -> RuntimePlan:
    final = plan.final
    root = plan.root_of(final)
    context = EcosystemContext(
        facts=stage_facts(plan, final),
        options=plan.options,
        rules=plan.rules,
        runtime_image=final.runtime_override or root.runtime_choice,
        builder_image=root.choice.builder if root.choice else None,
        single_stage=final.single_stage,
        package=lambda: _package(plan, final),
        files=plan.files,
    )
    runtime_plan = ecosystem_for(final.ecosystem).plan_runtime(context)
    copy_started_program(context, runtime_plan)
    relocate_source_path_programs(context, runtime_plan)
    return runtime_plan


def final_package(plan: FilePlan) -> NodePackage | None:
    """The package.json in the WORKDIR of the final stage, when the build context on disk has it."""
    return _package(plan, plan.final)


def _package(plan: FilePlan, stage_plan: StagePlan) -> NodePackage | None:
    from migrator.plan.node_package import package_in

    facts = stage_facts(plan, stage_plan)
    return package_in(stage_plan.stage, plan.staged, plan.rules, plan.files, facts.workdir)


def stage_facts(plan: FilePlan, stage_plan: StagePlan) -> StageFacts:
    """facts_with_parents for a stage of the plan, read on the Chainguard image it now runs on."""
    image = plan.inherited_image(stage_plan) if stage_plan.migrated else None
    return facts_with_parents(stage_plan.stage, plan.rules, plan.staged.global_args, image)


def facts_with_parents(stage: Stage, rules: RuleSet | None = None,
                       global_args: dict[str, str | None] | None = None, image: str | None = None) -> StageFacts:
    """What a stage does, with what it inherits from the stages it is built FROM: working directory
    (from the original image's default, when `rules` are given), environment, user, commands, copies,
    and the ENTRYPOINT and CMD in force. `image`: the Chainguard image the stage now runs on, whose
    environment its variables are read with (`WORKDIR $JAVA_HOME/app` on jre is under /usr/lib/jvm). Read once
    per migration (facts_memo)."""
    return remembered(stage.chain(), ("with parents", image, *(global_args or {}).items()),
                      lambda: _facts_with_parents(stage, rules, global_args, image), kept=(rules,))


def _facts_with_parents(stage: Stage, rules: RuleSet | None, global_args: dict[str, str | None] | None,
                        image: str | None) -> StageFacts:
    from migrator.plan.startcommand import effective_command

    chain = stage.chain()  # the root first: each stage reads on from what its parent left
    inherited: StageFacts | None = None
    root = chain[0]
    if rules is not None and root.ref is not None:
        upstream = rules.upstream_defaults(root.ref.short_name, root.ref.tag)
        inherited = StageFacts(root, workdir=upstream.workdir, shell=source_sh_shell(root),
                               server_dir=upstream.workdir if upstream.server_workdir else None)
        if image is not None:  # (Docker Hub's values the stage reads come first: the image's own win)
            environment = source_env_read(rules, root, image) | dict(rules.image_model(image).env)
            inherited.env.update(environment)
            inherited.env_names.update(environment)  # (the image's ENV wins over an ARG of the same name)
    for current in chain:
        facts = read_facts(current, inherited, global_args)
        if inherited is not None:
            facts.commands = inherited.commands + facts.commands
            facts.copy_destinations = inherited.copy_destinations + facts.copy_destinations
            facts.copied = inherited.copied + facts.copied
            facts.copied_trees = inherited.copied_trees + facts.copied_trees
            facts.unplaced_copies = inherited.unplaced_copies + facts.unplaced_copies
        inherited = facts
    effective = effective_command([s.instructions for s in chain], (), ())
    facts.entrypoint, facts.cmd = effective.entrypoint_from, effective.cmd_from
    return facts


def _carry_into_single_stage(plan: FilePlan, stage_plan: StagePlan, image: str, base_at: int, newline: str,
                             out: Written) -> None:
    """The files the source image carried (tzdata), in a final stage kept as one stage: installed by the `apk add`
    the stage starts with (the language it adds: `apk add python-3 py3-pip tzdata`), where the image runs as root
    with apk; else copied from a Chainguard image that has them."""
    packages, copies, notes = carried_copies(plan, stage_plan, image, _chain_packages(out, stage_plan))
    first = out.text[base_at:out.text.find(newline, base_at)] if newline in out.text[base_at:] else ""
    if packages and re.fullmatch(r"RUN apk add --no-cache [\w.+ -]+", first):  # (the stage's first RUN, written)
        line_end = base_at + len(first)
        out.text = f"{out.text[:line_end]} {' '.join(packages)}{out.text[line_end:]}"
        out.findings += notes
        copies = out.library_copies
        out.text = out.text[:base_at] + "".join(line + newline for line in copies) + out.text[base_at:]
        return
    if packages:  # (no apk add to join: a RUN of its own would be read as what the stage installs, MIG542)
        _, copies, notes = carried_copies(plan, stage_plan, image, _chain_packages(out, stage_plan), installs=False)
    copies += out.library_copies
    out.text = out.text[:base_at] + "".join(line + newline for line in copies) + out.text[base_at:]
    out.findings += notes


def _chain_packages(out: Written, stage_plan: StagePlan) -> list[str]:
    """The Wolfi packages the stage and the stages it is built FROM install, as written so far."""
    return [p for stage in stage_plan.stage.chain() for p in out.packages.get(stage.index, [])]


def _carried_env(plan: FilePlan, stage_plan: StagePlan, image: str) -> list[str]:
    """The source image's ENV that changes how the app runs (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true on the
    -alpine .NET images), for the final stage."""
    from migrator.plan.globalization import carried_runtime_env

    return carried_runtime_env(stage_plan, plan.root_of(stage_plan), plan.rules, image) \
        if stage_plan is plan.final else []


Inserts = dict[int, list[BuilderInsert]]  # original line -> what goes into the builder before it


def _inserts_by_line(runtime_plan: RuntimePlan | None) -> Inserts:
    table: Inserts = {}
    for insert in runtime_plan.builder_inserts if runtime_plan else []:
        table.setdefault(insert.before_line, []).append(insert)
    return table


def _write_stage(plan: FilePlan, stage_plan: StagePlan, inserts: Inserts, newline: str,
                 out: Written, runtime_plan: RuntimePlan | None = None) -> None:
    stage = stage_plan.stage
    if not stage_plan.migrated:
        from migrator.rewrite.chainguard_entrypoint import reset_interpreter_entrypoint

        reset = reset_interpreter_entrypoint(plan, newline) if stage_plan is plan.final else None
        out.text += stage.from_item.raw + "".join((reset[1] if reset and item is reset[0] else "") + item.raw
                                                  for item in stage.items)
        out.findings += [reset[2]] if reset else []
        out.stages.append(StageInfo(stage.label, stage_plan.role, stage.resolved, stage.resolved))
        _note_external_copies(plan, stage, out)
        return
    out.text += _ensure_newline(rewrite_from(stage.from_item, stage_plan.image), newline)
    for addition, notes in (default_workdir(plan, stage_plan, newline), dockerhub_homes(plan, stage_plan, newline)):
        out.text += addition
        out.findings += notes
    image = plan.inherited_image(stage_plan)
    out.stages.append(StageInfo(stage.label, stage_plan.role, image, stage.resolved))
    base_at = len(out.text)
    if stage_plan.base_packages:
        out.text += f"RUN apk add --no-cache {' '.join(stage_plan.base_packages)}{newline}"
        out.findings += runtime_plan.findings if runtime_plan else []
    if stage_plan.role == BUILDER or stage_plan.single_stage:
        body = _builder_items(plan, stage_plan, stage.items, inserts, newline, out)
        out.text += _kept_chain_entrypoint(plan, stage_plan, body, image, newline, out)
        knowledge = out.knowledge.get(stage.index)
        if stage_plan.base_packages and knowledge is not None and knowledge.pins:
            _pin_base_packages(out, base_at, stage_plan.base_packages, knowledge.pins, newline)
        if stage_plan.base_packages and knowledge is not None and knowledge.base_tools:
            line_end = out.text.index(newline, base_at)
            out.text = f"{out.text[:line_end]} {' '.join(knowledge.base_tools)}{out.text[line_end:]}"
        elif knowledge is not None and (late := _tools_at_the_end(plan, stage_plan, knowledge, newline)) is not None:
            start = re.search(r"(?im)^[ \t]*(?:ENTRYPOINT|CMD)\b", out.text[base_at:])
            at = base_at + start.start() if start else len(out.text.rstrip(" \t\r\n")) + len(newline)
            out.text = out.text[:at] + late[0] + out.text[at:] if at <= len(out.text) else out.text + newline + late[0]
            out.findings.append(late[1])
        if stage_plan.single_stage:
            _carry_into_single_stage(plan, stage_plan, image, base_at, newline, out)
    else:
        context = _runtime_context(plan, stage_plan, RuntimePlan(), image, newline)
        roll = dotnet_roll_forward(plan, image) if stage_plan is plan.final else None
        if roll is not None:
            out.text += f"ENV {ROLL_FORWARD}{newline}"
            out.findings.append(roll)
        carried_env = _carried_env(plan, stage_plan, image)
        for carried in carried_env:
            out.text += f"ENV {carried}{newline}"
        _, copies, notes = carried_copies(plan, stage_plan, image, _chain_packages(out, stage_plan), installs=False)
        copies += out.library_copies if stage_plan is plan.final else []
        out.text += "".join(line + newline for line in copies)
        out.findings += notes
        if (kept_port := kept_port_finding(plan, image, carried_env)) is not None:
            out.findings.append(kept_port)
        if stage_plan is plan.final:
            out.findings += _nginx_listen_findings(plan, image)
        kept = [i for i in stage.items if not (isinstance(i, Instruction) and i.line in stage_plan.dropped_runs)]
        adjusted = [_adjust_copy(plan, stage_plan, i, out) for i in kept]
        kept = _follow_moved_paths(kept, adjusted)
        if not stage.copies_own_passwd():  # (with its own passwd, --chown names and ids are that file's, as its USER)
            if context.uid != 0:  # (USER 1000 is the image's user already: MIG512)
                kept = [_runtime_ids(plan, stage_plan, i, image, out) for i in kept]
            kept = _runtime_owners(stage_plan, kept, context, out)
        if stage_plan is plan.final and context.uid != 0 and not context.keep_root and ran_as_root(context.facts):
            kept, notes = chown_copies(kept, context.facts, context.uid)
            out.findings += notes
        out.text += "".join(finalize_stage_items(kept, context))
        out.findings += context.findings
    _note_external_copies(plan, stage, out)


def _source_users(plan: FilePlan, stage_plan: StagePlan, knowledge: StageKnowledge, newline: str,
                  out: Written) -> str:
    """The users the source image shipped that the stage names (`USER www-data`, `--chown=node`, `chown -R
    www-data /var/www`, `su www-data -c`) and its Chainguard image lacks: created with the uid they had
    (rules/dockerhub.yaml), or USER, --chown and the RUN fail. The RUN lines that create them, for the top of
    the stage (as root: the caller puts them after the USER root it adds, or switches back)."""
    from migrator.rules.data import builtin_data

    accounts = builtin_data("wolfi/accounts.yaml")
    taken = {str(i) for i in (*(accounts.get("users") or {}).values(), *(accounts.get("groups") or {}).values())}
    lines = []
    image = image_name(plan.inherited_image(stage_plan))
    for uid, name, named_by in source_users_to_create(plan, stage_plan, knowledge):
        changes = knowledge.account_changes.get(name, {})
        anchor = variables_set_before(stage_plan.stage.instructions, name, changes) if changes else 0
        if anchor is None or "-G" in changes:
            # a variable the stage sets only after something names the user, or a primary group the stage may
            # create later: created as before, and the usermod stays (MIG402)
            changes, anchor = {}, 0
        if changes:
            knowledge.source_created.add(name)  # (its usermod/groupmod are folded into this adduser)
        # a uid (or the gid adduser gives its group) Wolfi already uses (33 is xfs): any free one
        line = f"RUN {folded_adduser(name, None if uid in taken or not uid else uid, changes)}{newline}"
        if anchor:
            knowledge.late_accounts[anchor] = knowledge.late_accounts.get(anchor, "") + line  # (after that ARG)
        else:
            lines.append(line)
        which = f"uid {uid}" if uid not in taken else f"a free uid: {uid}, its uid there, is Wolfi's"
        if not uid:
            which = "a free uid"
        if "-u" in changes:
            which = f"uid {changes['-u']}, as the stage's usermod asks"
        if is_package_reason(named_by):
            out.findings.append(finding("MIG236", stage_plan.stage.from_item.line, f"user {name} ({which}) "
                                        f"created: {named_by} needs it, and {image} has none"))
        else:
            out.findings.append(finding("MIG562", stage_plan.stage.from_item.line, f"user {name} ({which}) "
                                        f"created: the original image had it, {image} does not, and {named_by} "
                                        "names it"))
        knowledge.user_names.add(name)  # (its group too: a stage built FROM this one has them)
        knowledge.group_names.add(name)
    return "".join(lines)


def source_users_to_create(plan: FilePlan, stage_plan: StagePlan,
                           knowledge: StageKnowledge) -> list[tuple[str, str, str]]:
    """(uid, name, what names it) of the users `_source_users` creates. `knowledge`: the stage's first pass
    (the accounts its RUN lines name that nothing created) and what the stages it is built FROM created."""
    from migrator.rules.data import builtin_data

    if not plan.rules.image_model(plan.inherited_image(stage_plan)).shell:
        return []  # (no RUN on a distroless image: USER and --chown are mapped to the image's user)
    users = upstream_users(plan, stage_plan)
    named: dict[str, str] = {}
    created = ""
    for instruction in stage_plan.stage.instructions:
        if instruction.keyword == "USER":
            named.setdefault(instruction.body.strip().split(":")[0], f"USER (line {instruction.line})")
        elif instruction.keyword in ("COPY", "ADD") and instruction.flags.get("chown"):
            for account in instruction.flags["chown"].split(":")[:2]:
                named.setdefault(account, f"--chown (line {instruction.line})")
        elif instruction.keyword == "RUN":
            created += " " + instruction.logical
    for account, command in knowledge.unresolved.items():
        named.setdefault(account, command)
    image = plan.rules.image_facts(image_name(plan.inherited_image(stage_plan)))
    present = {*map(str, builtin_data("wolfi/accounts.yaml").get("users") or {}), image.user,
               *knowledge.user_names}  # (the stages it is built FROM created these)
    wanted = [(uid, name, named[name]) for uid, name in sorted(users.items()) if name in named]
    # accounts the stage's packages run as that no Wolfi package creates (nginx): a free uid
    needed = package_accounts(knowledge.installed, stage_plan.stage.instructions, plan.files)
    by_name = {name: uid for uid, name in users.items()}
    wanted += [(by_name.get(name, ""), name, why) for name, why in needed.items()
               if name not in {w[1] for w in wanted}]
    return [(uid, name, why) for uid, name, why in wanted
            if name not in present and not re.search(rf"\b(adduser|useradd)\b[^;&|]*\b{re.escape(name)}\b", created)]


def _kept_chain_entrypoint(plan: FilePlan, stage_plan: StagePlan, body: str, image: str, newline: str,
                           out: Written) -> str:
    """A final stage kept on the image of the stage it is built FROM (a -dev image, for the shell its command
    needs) starts its CMD through that image's ENTRYPOINT (python's is the interpreter) unless it is reset,
    as a runtime stage's is. So does a stage that is an image of its own (`docker build --target dev`, MIG557)
    on its -dev image: `CMD ["npm", "run", "dev"]` would run as `/usr/bin/node npm run dev`."""
    # (a service image's own stage kept on its -dev image: redis's entrypoint is redis-server itself)
    kept_final = stage_plan is plan.final and stage_plan.single_stage and (
        stage_plan.stage.parent is not None or plan.root_of(stage_plan).ecosystem == "service")
    if not (kept_final or stage_plan.own_image):
        return body
    context = _runtime_context(plan, stage_plan, RuntimePlan(), image, newline)
    keywords = {i.keyword for i in stage_plan.stage.instructions}
    cmd = list(re.finditer(r"(?im)^CMD\b", body))
    if context.facts.entrypoint is not None or "CMD" not in keywords or not cmd:
        return body  # a CMD inherited from a parent stage would be reset with the ENTRYPOINT
    reset = entrypoint_line(context, keywords)
    out.findings += context.findings
    if reset is None:
        return body
    return body[:cmd[-1].start()] + reset + body[cmd[-1].start():]


def _write_split(plan: FilePlan, runtime_plan: RuntimePlan, inserts: Inserts, newline: str,
                 out: Written) -> None:
    final = plan.final
    stage = final.stage
    builder_name = _builder_name(plan)
    line = stage.from_item.line
    out.text += _ensure_newline(rewrite_from(stage.from_item, final.image, builder_name), newline)
    workdir, notes = default_workdir(plan, final, newline)
    out.text += workdir
    out.findings += notes
    homes, notes = home_env(plan, final)  # (/usr/local/bundle copied in: the builder and the runtime need GEM_HOME)
    out.text += env_line(homes) + newline if homes else ""
    out.findings += notes
    runtime_plan.env += [f'{k}="{v}"' if "$" in v else f"{k}={v}" for k, v in homes.items()
                         if not any(e.split("=", 1)[0] == k for e in runtime_plan.env)]
    builder_image = plan.inherited_image(final)
    out.stages.append(StageInfo(builder_name, BUILDER, builder_image, stage.resolved))
    body = _builder_items(plan, final, stage.items, inserts, newline, out)
    out.findings += prepare_volumes(final.stage, runtime_plan)
    out.findings += _runtime_user_owns(plan, runtime_plan)
    out.findings += carry_libraries(plan, runtime_plan, out.packages)
    out.findings += _browser_runtime(plan, runtime_plan, out)
    if runtime_plan.builder_appends:
        last_user = facts_with_parents(stage).user
        as_root = last_user is not None and last_user.split(":")[0] not in ("root", "0")
        if last_user is None and plan.root_of(final).shell_for_runs and not re.search(r"(?m)^USER\b", body):
            as_root = plan.rules.image_model(builder_image).uid != 0  # (the -dev image's nonroot user)
        added = (f"USER root{newline}" if as_root else "") + "".join(
            a.replace("\n", newline) + newline for a in runtime_plan.builder_appends)
        body = append_before_start(_ensure_newline(body, newline) if body else body, added, stage.from_item.escape)
    out.text += _ensure_newline(body, newline) if body else ""
    root = plan.root_of(final)
    runtime_image = final.runtime_override or runtime_plan.image or root.runtime_choice
    if runtime_image is None:
        runtime_image = plan.options.registry.rstrip("/") + "/glibc-dynamic:latest"
    roll = dotnet_roll_forward(plan, runtime_image)
    if roll is not None:
        runtime_plan.env.append(ROLL_FORWARD)
        out.findings.append(roll)
    carried_env = [e for e in _carried_env(plan, final, runtime_image) if e not in runtime_plan.env]
    runtime_plan.env += carried_env
    if (kept_port := kept_port_finding(plan, runtime_image, carried_env)) is not None:
        out.findings.append(kept_port)
    out.findings += _nginx_listen_findings(plan, runtime_image)
    _, copies, notes = carried_copies(plan, final, runtime_image, _chain_packages(out, final), installs=False)
    runtime_plan.image_copies += copies + out.library_copies
    out.findings += notes
    context = _runtime_context(plan, final, runtime_plan, runtime_image, newline)
    context.chown = needs_chown(context.facts) and context.uid != 0
    if context.chown:
        out.findings.append(finding("MIG513", line))
        out.findings += _keep_group_zero(context, line)
    name = f" AS {stage.name}" if stage.name else ""
    facts = plan.rules.image_model(runtime_image)
    kind = "distroless: no shell, no package manager" if not facts.shell else "no package manager"
    if not facts.known and not facts.shell:  # (redis, haproxy: what they ship is not in rules/chainguard-images.yaml)
        kind = "no package manager; its shell is not in this tool's image model"
    if facts.is_dev:
        kind = "its -dev image: shell, bash and apk kept for the start command"
        if final.runtime_code == "MIG238":
            kind = "its -dev image: apk installs the programs the app runs"
    elif final.runtime_code == "MIG238" and facts.has_program("apk"):
        kind = "busybox sh and apk: apk installs the programs the app runs"
    header = f"{newline}# Runtime stage on {image_name(runtime_image)} ({kind})"
    platform = stage.built_platform()  # an amd64-only venv or binary copied into the host's platform
    flag = f"--platform={platform} " if platform else ""
    from_line = f"{header}{newline}FROM {flag}{runtime_image}{name}{newline}"
    out.text += build_runtime_stage(context, builder_name, from_line)
    out.stages.append(StageInfo(stage.name or str(len(plan.stages)), RUNTIME, runtime_image, stage.resolved))
    out.findings.append(finding("MIG501", line, f"final stage split: builder '{builder_name}' on "
                                f"{image_name(builder_image)} (-dev), runtime on {image_name(runtime_image)}"
                                + (f", both for --platform={platform} as the original" if platform else "")))
    out.findings += runtime_plan.findings + context.findings
    repeated = [i for i, _ in context.facts.unplaced_copies if not _from_image(i)]
    if repeated:
        from migrator.rewrite.unnamed_copies import unnamed_copy_findings

        instructions = [i for s in plan.staged.stages for i in s.instructions]
        out.findings += unnamed_copy_findings(repeated, instructions, plan.files, line)
    copied = ", ".join(c.source for c in runtime_copies(context))
    if copied:
        out.findings.append(finding("MIG503", line, f"the runtime copies from '{builder_name}': {copied}"))
        out.findings += trust_store_findings(context.facts, builder_name)
    if stage.name:
        out.findings.append(finding("MIG524", line, f"builder renamed to '{builder_name}'; the runtime stage "
                                    f"keeps the name '{stage.name}'"))


def _browser_runtime(plan: FilePlan, runtime_plan: RuntimePlan, out: Written) -> list[Finding]:
    """A headless browser the app's npm library drives (rewrite.browsers): read only for node with the context."""
    if plan.files.root is None or plan.root_of(plan.final).ecosystem != "node":
        return []
    from migrator.rewrite.browsers import browser_runtime

    final = plan.final
    runtime_image = (final.runtime_override or runtime_plan.image or plan.root_of(final).runtime_choice
                     or plan.options.registry.rstrip("/") + "/glibc-dynamic:latest")
    return browser_runtime(plan, runtime_plan, runtime_image, tuple(_chain_packages(out, final)))


def _runtime_user_owns(plan: FilePlan, runtime_plan: RuntimePlan) -> list[Finding]:
    """The original ran as root and the runtime does not: the app's directories become the runtime user's."""
    final = plan.final
    runtime_image = (final.runtime_override or runtime_plan.image or plan.root_of(final).runtime_choice
                     or plan.options.registry.rstrip("/") + "/glibc-dynamic:latest")
    uid = plan.rules.image_model(runtime_image).uid
    facts = stage_facts(plan, final)
    if uid == 0 or root_reason(final.stage) or not ran_as_root(facts) or runtime_plan.image_default_command:
        return []  # (the image's own server, nginx serving files, runs as its own user)
    return prepare_split(facts, runtime_plan, uid)


def _follow_moved_paths(before: list[Item], after: list[Item]) -> list[Item]:
    """A COPY destination the ecosystem moved (/root/.local -> /home/nonroot/.local): ENV lines of the
    stage that name the old path (PATH=/root/.local/bin:$PATH) follow it, or the programs are not found."""
    from migrator.parse.dockerfile import parse_instruction

    moves: list[tuple[str, str]] = []
    for old, new in zip(before, after, strict=True):
        if old is not new and isinstance(old, Instruction) and isinstance(new, Instruction):
            old_words, new_words = old.body.split(), new.body.split()
            if old_words and new_words and old_words[-1] != new_words[-1]:
                moves.append((old_words[-1].rstrip("/"), new_words[-1].rstrip("/")))
    result: list[Item] = []
    for item in after:
        if isinstance(item, Instruction) and item.keyword == "ENV":
            raw = item.raw
            for old_path, new_path in moves:
                raw = re.sub(rf"{re.escape(old_path)}(?=[/:\"'\s]|$)", new_path, raw)
            item = parse_instruction(raw, item.line, item.escape) if raw != item.raw else item
        result.append(item)
    return result


def _runtime_ids(plan: FilePlan, stage_plan: StagePlan, item: Item, image: str, out: Written) -> Item:
    """`COPY --chown=1000:1000` in a runtime stage (node's user): the image's user is 65532 there."""
    if not isinstance(item, Instruction) or item.keyword not in ("COPY", "ADD") or not item.flags.get("chown"):
        return item
    upstream = upstream_users(plan, stage_plan)
    raw, found, _ = rewrite_ids(item, item.raw, source_id_map(upstream, set(), []), upstream, image_name(image))
    out.findings += found
    return parse_instruction(raw, item.line, item.escape) if found else item


def _runtime_owners(stage_plan: StagePlan, kept: list[Item], context: RuntimeContext, out: Written) -> list[Item]:
    """COPY/ADD --chown names the runtime image lacks (made by a dropped RUN: `adduser nextjs`) -> the uid the
    stage runs as; names a kept RUN of the stage or of a stage it is built FROM makes stay (MIG588)."""
    from migrator.rewrite.copy_owners import made_accounts, runtime_owner

    runs = [i for stage in stage_plan.stage.chain() for i in stage.instructions if i.keyword == "RUN"]
    env = context.facts.env
    dropped = made_accounts((i for i in runs if i.line in stage_plan.dropped_runs), env)
    still_made = set(made_accounts((i for i in runs if i.line not in stage_plan.dropped_runs), env))
    return [runtime_owner(i, context.image, context.uid, dropped, still_made, env, out.findings) for i in kept]


def _from_image(instruction: Instruction) -> bool:
    source = instruction.flags.get("from", "")
    return "/" in source or ":" in source


def _adjust_copy(plan: FilePlan, stage_plan: StagePlan, item: Item, out: Written,
                 homes: tuple[str, ...] | None = None) -> Item:
    """Let the ecosystem move a `COPY --from=stage` destination the runtime image would not look in. `homes`:
    those whose ~/.local the stage's user no longer reads (default: replaced_homes of the stage)."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.parse.words import split_words
    from migrator.rewrite.relocate import relocation, replaced_homes

    source = item.flags.get("from") if isinstance(item, Instruction) and item.keyword == "COPY" else None
    stage = plan.staged.stage_by_reference(source, before=stage_plan.stage.index) if source else None
    if stage is None or not isinstance(item, Instruction):
        return item
    try:
        words = item.json_args() or split_words(item.body)
    except ValueError:  # (an unclosed quote: the COPY is left as written, as its other readers leave it)
        return item
    if len(words) != 2:
        return item
    if homes is None:
        homes = replaced_homes(facts_with_parents(stage_plan.stage), root_reason(stage_plan.stage))
    change = relocation(plan.staged, stage_plan.ecosystem, stage, words[0], words[1], homes)
    if change is None:
        return item
    destination, message = change
    raw = item.raw[: item.raw.rindex(words[1])] + destination + item.raw[item.raw.rindex(words[1]) + len(words[1]):]
    out.findings.append(finding("MIG516", item.line, message))
    return parse_instruction(raw, item.line, item.escape)


def _keep_group_zero(context: RuntimeContext, line: int) -> list[Finding]:
    """The runtime's --chown keeps group 0 where the original prepared its files for OpenShift's arbitrary
    uid (group_zero.py), or that uid could not write them."""
    from migrator.rewrite.group_zero import group_zero_finding, prepared_for_group_zero

    if context.own_user() is not None or not prepared_for_group_zero(context.facts):
        return []
    context.group_zero = True
    return [group_zero_finding(context.facts, context.uid, line)]


def _runtime_context(plan: FilePlan, stage_plan: StagePlan, runtime_plan: RuntimePlan, image: str,
                     newline: str) -> RuntimeContext:
    root = plan.root_of(stage_plan)
    ref = root.stage.ref
    upstream = plan.rules.upstream_defaults(ref.short_name, ref.tag) if ref else None
    entrypoint = () if upstream is None or upstream.entrypoint_passes_commands else upstream.entrypoint
    return RuntimeContext(
        facts=stage_facts(plan, stage_plan),
        plan=runtime_plan,
        image=plan.rules.image_model(image),
        source_entrypoint=entrypoint,
        upstream=upstream,
        newline=newline,
        rules=plan.rules,
        ecosystem=stage_plan.ecosystem,
        keep_root=root_reason(stage_plan.stage),
        java=runtime_java(plan),
        source_shell=source_shell(ref, root.choice.rule) if ref is not None and root.choice is not None else None,
        files=plan.files,
        staged=plan.staged,
    )


def _builder_items(plan: FilePlan, stage_plan: StagePlan, items: list[Item], inserts: Inserts,
                   newline: str, out: Written) -> str:
    text: list[str] = []
    root_first = False  # a root step (a RUN, an install or account put in) is written before the first USER
    switched = False  # a USER line of the stage has come
    knowledge = _stage_knowledge(plan, stage_plan, items, out)
    accounts = _source_users(plan, stage_plan, knowledge, newline, out)
    created = set(knowledge.user_names)  # users and groups the stage creates
    translated: list[Instruction] = []  # the stage's instructions as written out (RUN lines translated)
    user = _user_at_start(plan, stage_plan)  # the user in force in the output, None for root
    upstream = upstream_users(plan, stage_plan)
    own_passwd = stage_plan.stage.copies_own_passwd()
    # (the source image's uids are not the stage's when it copies a passwd of its own: that file names its ids)
    ids = {} if own_passwd else _source_ids(upstream, knowledge, accounts, items)
    rewritten: set[tuple[int, str]] = set()
    image = image_name(plan.inherited_image(stage_plan))
    installed: list[str] = []  # what the stage's RUN lines as written out install with apk
    apt_free: set[int] = set()  # lines of `playwright install --with-deps` whose flag was dropped (rewrite.browsers)
    for item in items:
        if isinstance(item, Instruction) and translated and translated[-1].line in knowledge.late_accounts:
            late = knowledge.late_accounts.pop(translated[-1].line)  # (the source user with `-u $PUID`)
            text.append(late if user is None else f"USER root{newline}{late}USER {user}{newline}")
            root_first |= not switched
        if isinstance(item, Instruction) and item.keyword in ("USER", "COPY", "ADD"):
            raw, found, done = rewrite_ids(item, item.raw, ids, upstream, image)
            if done:
                item = parse_instruction(raw, item.line, item.escape)
                out.findings += found
                rewritten |= done
        if isinstance(item, Instruction) and item.keyword == "USER" and (
                swapped := _missing_user(plan, stage_plan, item, knowledge)) is not None:
            item = parse_instruction(swapped[0], item.line, item.escape)
            out.findings.append(swapped[1])
        if not isinstance(item, Instruction):
            text.append(item.raw)
            continue
        if stage_plan is plan.final and not stage_plan.split and item.keyword == "COPY":  # (kept on -dev)
            moved = _adjust_copy(plan, stage_plan, item, out, homes=())
            item = moved if isinstance(moved, Instruction) else item
        if item.keyword != "RUN":
            translated.append(item)
            knowledge.earlier.append(item.raw)
        if not own_passwd:  # (a copied /etc/passwd names the stage's users: `--chown=app` is one of them)
            out.findings += chown_user_findings(plan, stage_plan, item, created)
        for insert in inserts.get(item.line, []):
            text += [line + newline for line in insert.lines_for(user)]  # (as the user in force in the output)
            root_first |= not switched
        if item.keyword == "SHELL":
            knowledge.errexit, knowledge.pipefail = _shell_flags(item)
        if item.keyword in ("USER", "SHELL") and (placed := _tools_before(item, knowledge, user, newline)) is not None:
            text.append(placed[0])
            out.findings.append(placed[1])
            installed += placed[2]
            root_first |= not switched
        if item.keyword == "USER" and (home := _home_before_user(plan, stage_plan, item, user, newline)):
            text.append(home[0])  # (before the USER line, while the user before it is in force)
            out.findings.append(home[1])
            root_first |= not switched
        if item.keyword == "USER":
            user = _non_root(item.body.strip())
            switched = True
        root_first |= item.keyword == "WORKDIR" and not switched  # (BuildKit makes it as the USER in force)
        if item.keyword == "RUN" and user is not None and (placed := _tools_as_root(item, knowledge, user, newline)):
            text.append(placed[0])  # (`apk add ... && ` in front of the use would run as the user and fail)
            out.findings.append(placed[1])
            installed += placed[2]
        if item.keyword in ("ARG", "ENV") and (listed := translated_default(item, knowledge)) is not None:
            text.append(_ensure_newline(listed[0], newline))
            out.findings.append(listed[1])
            continue
        if item.keyword == "RUN":
            knowledge.run_user = user
            outcome = translate_run(item, stage_plan.family, plan.rules, knowledge)
            knowledge.earlier.append(item.raw)
            out.findings += outcome.findings
            if outcome.raw is not None and plan.final.runtime_packages and stage_plan.stage in plan.final.stage.chain():
                from migrator.rewrite.browsers import without_system_deps

                outcome.raw, dropped = without_system_deps(outcome.raw, item.line)
                out.findings += dropped
                apt_free |= {f.line for f in dropped}
            if outcome.raw is not None:
                raw, found, done = rewrite_ids(item, outcome.raw, ids, upstream, image)
                outcome.raw, rewritten = raw, rewritten | done
                out.findings += found
                written = _instruction(outcome.raw, item)  # (none: the RUN was emptied, its comments are left)
                translated += written
                root_first |= bool(written) and not switched
                text.append(_ensure_newline(outcome.raw, newline))
                commands = outcome.commands()
                build_only = {t.package for t in knowledge.tools if t.why is not None}  # (node-gyp's python)
                packages = [p for p in installed_packages(commands) if p not in build_only] + _exec_form_installs(item)
                out.packages.setdefault(stage_plan.stage.index, []).extend(packages)
                installed += packages
                created |= created_users(plan, stage_plan, commands, out.findings)
        elif item.keyword == "COPY" and item.heredocs and (script := translate_heredoc_scripts(
                plan, stage_plan, item, knowledge))[1] is not None:
            text.append(script[0])  # a script written in the Dockerfile and run by a later RUN
            out.findings += script[1].findings
            out.packages.setdefault(stage_plan.stage.index, []).extend(_heredoc_installs(script[0], item))
        elif item.keyword == "ONBUILD":
            from migrator.rewrite.onbuild import foreign_package_manager

            if not (stage_plan is plan.final and stage_plan.split):  # (split: the runtime's copy is judged)
                out.findings.append(finding("MIG102", item.line))
                out.findings += [f for f in [foreign_package_manager(item)] if f is not None]
            text.append(item.raw)
        elif item.keyword in ("CMD", "ENTRYPOINT") and (unwrapped := _without_wrappers(plan, stage_plan, item,
                                                                                     newline)) is not None:
            text.append(unwrapped[0])  # (gosu on a kept service image that lacks it: the stage runs as its user)
            out.findings += unwrapped[1]
        elif (modern := modernized(item)) is not None:
            text.append(modern[0])
            out.findings.append(modern[1])
        else:
            text.append(item.raw)
    if not own_passwd:  # (its ids are the copied file's)
        out.findings += uid_findings(plan, stage_plan, [i for i in items if isinstance(i, Instruction)],
                                     frozenset(rewritten))
    out.findings += [f for f in distro_script_findings(plan, stage_plan)
                     if not (f.code == "MIG577" and f.line in apt_free)]
    out.findings += bash_in_sh_scripts(plan, stage_plan)
    body = "".join(text)
    installs_bash = "bash" in stage_plan.base_packages or "bash" in installed
    bash = None if installs_bash else _bash_for(plan, stage_plan, translated)  # (missing tools may add it)
    if accounts:
        start = _user_at_start(plan, stage_plan)  # (None: root, or the USER root added at the top)
        first = next((i for i in items if isinstance(i, Instruction)), None)
        back = "" if first is not None and first.keyword == "USER" else f"USER {start}{newline}"  # (it switches)
        body = (accounts if start is None else f"USER root{newline}{accounts}{back}") + body
    if (kept := _bash_sh_kept(plan, stage_plan, newline)) is not None:
        body = kept[0] + body  # (first: every RUN of the stage, the accounts' too, ran under bash)
        out.findings.append(kept[1])
        # (installed first even when a RUN of the stage installs it: that RUN runs after the SHELL line)
        bash = bash or (None if kept[2] else "the stage's RUN steps use bash syntax (MIG426)")
    if bash:
        body = _install_as_root(["bash"], _user_at_start(plan, stage_plan), newline) + body
        out.findings.append(finding("MIG551", stage_plan.stage.from_item.line, f"bash installed with apk: {bash}"))
    if _needs_user_root(plan, stage_plan):
        from migrator.rewrite.tools import pending_packages

        back = _back_to_the_image_user(plan, stage_plan, items, body, newline)
        root_first |= not switched and bool(pending_packages(knowledge))  # (installed before its CMD, as root)
        # (no USER root where nothing runs as root before a USER line: the RUN that did was emptied, MIG309/MIG318)
        if root_first or accounts or bash or not (switched or back):
            out.findings.append(finding("MIG502", stage_plan.stage.from_item.line,
                                        _user_root_reason(plan, stage_plan)))
            if back and (drops := _start_script_drops_root(plan, stage_plan)) is not None:
                back = ""  # (the script needs root to switch users: the stage keeps it, as the original ran)
                out.findings.append(finding("MIG550", stage_plan.stage.from_item.line,
                                            f"the final stage keeps running as root: {drops}"))
            elif back:
                body, owned = _owned_before_the_image_user(plan, stage_plan, body, newline)
                out.findings += owned
            body = f"USER root{newline}" + body + back
    return body


def _bash_sh_kept(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, Finding, bool] | None:
    """`SHELL ["/bin/bash", "-c"]` for a stage whose RUN steps ran under the source image's bash /bin/sh and use
    bash syntax (plan.bash_syntax): its line, its finding, and whether the image has bash (else it is installed).
    None on an image with no shell or no way to get bash (no apk)."""
    from migrator.plan.bash_syntax import needs_bash_shell
    from migrator.plan.images import BASE_IMAGES

    if not stage_plan.migrated or (syntax := needs_bash_shell(stage_plan.stage)) is None:
        return None
    image = plan.inherited_image(stage_plan)
    model = plan.rules.image_model(image)
    has_bash = model.has_program("bash")
    if not model.shell or not (has_bash or model.is_dev or image_name(image) in BASE_IMAGES):
        return None
    line = f'SHELL ["/bin/bash", "-c"]{newline}'
    return line, finding("MIG426", stage_plan.stage.from_item.line, f"the RUN steps use {syntax}, which the "
                         "source image's /bin/sh (bash) ran and busybox sh does not: the stage runs them with "
                         "bash"), has_bash


def _without_wrappers(plan: FilePlan, stage_plan: StagePlan, item: Instruction, newline: str
                      ) -> tuple[str, list[Finding]] | None:
    """The exec-form start command of a final stage kept as one stage on its -dev image (a service with RUN
    steps, MIG583), without the gosu/su-exec (MIG508) or tini (MIG509) in front that the image lacks: the image
    already runs as its own user, and the command would fail with `not found` at every start."""
    from migrator.records import replace
    from migrator.rewrite.commands import strip_wrappers

    argv = item.json_args()
    if stage_plan is not plan.final or not stage_plan.single_stage or not argv or \
            plan.root_of(stage_plan).ecosystem != "service":
        return None  # (on wolfi-base, which runs as root, gosu's user would be lost: the start check says so)
    model = plan.rules.image_model(plan.inherited_image(stage_plan))
    runs = " ".join(i.logical for stage in stage_plan.stage.chain() for i in stage.instructions if i.keyword == "RUN")
    present = {posixpath.basename(w) for w in argv if model.has_program(posixpath.basename(w))
               or re.search(rf"(?<![\w-]){re.escape(posixpath.basename(w))}(?![\w-])", runs)}
    user = facts_with_parents(stage_plan.stage).user
    nonroot = model.uid != 0 if user is None else user.split(":")[0] not in ("root", "0")
    unusable = present & USER_WRAPPERS if nonroot else set()
    present -= unusable  # (gosu cannot switch users unless it starts as root: the image's user runs the server)
    outcome = CommandOutcome(argv=None)
    stripped = strip_wrappers(argv, item.line, present, outcome, keep=present)
    if stripped == argv or not stripped:
        return None
    image = plan.inherited_image(stage_plan).rsplit("/", 1)[-1]
    notes = [replace(f, message=f"{f.message.split(':')[0]}: " + (
        f"it cannot switch users as {image}'s nonroot user (uid {model.uid}), which runs the stage"
        if f.message.strip("`").split()[0] in unusable else
        f"{image} does not have it (the command would fail with `not found`); the stage runs as the image's "
        "own user")) if f.code == "MIG508" else f for f in outcome.findings]
    return exec_form(item.keyword, stripped, newline), notes


def _exec_form_installs(item: Instruction) -> list[str]:
    """What `RUN ["apk", "add", "curl"]` installs (kept as written: it runs on Wolfi as it is)."""
    from migrator.rewrite.packages import package_command

    argv = item.json_args()
    found = package_command(argv) if argv else None
    return list(found.packages) if found is not None and found.program == "apk" else []


def _missing_user(plan: FilePlan, stage_plan: StagePlan, item: Instruction,
                  knowledge: StageKnowledge) -> tuple[str, Finding] | None:
    """`USER app` naming a user the stage's Chainguard image lacks, in a stage whose chain has no RUN that
    could create it (the users the tool creates, MIG562, and the parents' are in `knowledge`)."""
    from migrator.rules.data import builtin_data

    chain = [i for stage in stage_plan.stage.chain() for i in stage.instructions]
    if any(i.keyword == "RUN" for i in chain):
        return None  # (a script or an unread command may create it)
    if stage_plan.stage.copies_own_passwd():
        return None  # (`COPY --from=build /etc/passwd /etc/passwd`: the builder's users)
    accounts = builtin_data("wolfi/accounts.yaml")
    image = plan.rules.image_facts(image_name(plan.inherited_image(stage_plan)))
    users = {*map(str, accounts.get("users") or {}), image.user, *knowledge.user_names}
    groups = {*map(str, accounts.get("groups") or {}), image.user, *knowledge.group_names, *knowledge.user_names}
    return missing_user(item, users, groups, image_name(plan.inherited_image(stage_plan)), image.user, image.uid)


def _back_to_the_image_user(plan: FilePlan, stage_plan: StagePlan, items: list[Item], body: str, newline: str) -> str:
    """A final stage kept as one stage on a nonroot image (a service's -dev image) switched to root for its
    installs: the container goes back to the image's user, as the original ran its server as its own user."""
    if stage_plan is not plan.final or not stage_plan.single_stage:
        return ""
    if any(isinstance(i, Instruction) and i.keyword == "USER" for i in items):
        return ""  # (the stage says which user runs it)
    facts = plan.rules.image_facts(image_name(plan.inherited_image(stage_plan)))
    if facts.uid == 0:
        return ""  # (postgres, wolfi-base: the image's user is root)
    return ("" if body.endswith(newline) else newline) + f"USER {facts.uid}{newline}"


# a command that switches to another user, which only root may do (`exec gosu app "$@"`, `su-exec`, `setpriv
# --reuid`, `runuser -u`, `chroot --userspec`): the script starts as root and drops its privileges itself
_SWITCHES_USER = re.compile(r"(?m)^[^#\n]*?(?<![\w./-])(gosu|su-exec|setpriv|runuser|chroot\s+--userspec)(?=\s)")


def _start_script_drops_root(plan: FilePlan, stage_plan: StagePlan) -> str | None:
    """Why a final stage the original ran as root keeps root: its start script (read from the build context)
    switches to its app's user itself, which the image's nonroot user cannot do; None otherwise."""
    from migrator.plan.scripts import start_script

    if not ran_as_root(read_facts(stage_plan.stage)) or (script := start_script(stage_plan.stage)) is None:
        return None
    text = plan.files.text(script[2])
    found = _SWITCHES_USER.search(text) if text else None
    if found is None:
        return None
    return (f"its start script {script[2]} switches users itself (`{found.group(1)}`), which only root may do: as "
            f"uid {plan.rules.image_facts(image_name(plan.inherited_image(stage_plan))).uid} it would stop there; "
            "to run as nonroot, make what the script prepares the app's own in the Dockerfile (COPY --chown, "
            "RUN chown) and start the program without the switch")


def _owned_before_the_image_user(plan: FilePlan, stage_plan: StagePlan, body: str, newline: str
                                 ) -> tuple[str, list[Finding]]:
    """`body` with the RUN that gives the image's nonroot user the directories the original, which ran as root, let
    its app write (rewrite.rootless.kept_stage_owned), placed before its start lines; and the warning."""
    from migrator.rewrite.rootless import kept_stage_owned

    image = plan.inherited_image(stage_plan)
    uid = plan.rules.image_facts(image_name(image)).uid
    run, note = kept_stage_owned(read_facts(stage_plan.stage), uid, image)
    notes = [note] if note is not None else []
    if run is None:
        return body, notes
    users = re.findall(r"(?m)^USER[ \t]+(\S+)", body)
    as_root = "" if not users or users[-1].split(":")[0] in ("root", "0") else f"USER root{newline}"
    return append_before_start(_ensure_newline(body, newline), as_root + run + newline,
                               stage_plan.stage.from_item.escape), notes


def _source_ids(upstream: dict[str, str], knowledge: StageKnowledge, accounts: str,
                items: list[Item]) -> dict[str, str]:
    """uid of the source image's user -> the id or name the stage writes instead (source_ids). Empty on an
    image that runs as root (wolfi-base): it has no user 65532 to give the files to."""
    if not knowledge.image_uid:
        return {}
    runs = [i.logical for i in items if isinstance(i, Instruction) and i.keyword == "RUN"]
    made = {name for name in upstream.values()  # (a user the stage creates itself: its own uid)
            if any(re.search(rf"\b(adduser|useradd)\b[^;&|]*\b{re.escape(name)}\b", run) for run in runs)}
    return source_id_map(upstream, knowledge.user_names | made, [accounts, *knowledge.late_accounts.values(), *runs])


def _heredoc_installs(raw: str, original: Instruction) -> list[str]:
    """The packages the translated heredoc scripts of a COPY install (the runtime may need their libraries)."""
    from migrator.rewrite.shell_syntax import simple_commands

    copy = _instruction(raw, original)
    commands = [c for i in copy for h in i.heredocs for c in simple_commands(h.body, h.body_line)]
    return installed_packages(commands)


def _instruction(raw: str, original: Instruction) -> list[Instruction]:
    """A translated RUN read back as an instruction (none when the translation left no command)."""
    try:
        return [parse_instruction(raw, original.line, original.escape)]
    except ValueError:
        return []


def _bash_for(plan: FilePlan, stage_plan: StagePlan, translated: list[Instruction]) -> str | None:
    """Why the stage's RUN steps, as translated, need bash on an image that lacks it (wolfi-base)."""
    from migrator.plan.images import source_shell
    from migrator.plan.scripts import bash_reason
    from migrator.records import replace

    if plan.rules.image_model(plan.inherited_image(stage_plan)).has_program("bash"):
        return None
    root = plan.root_of(stage_plan)
    shell = source_shell(root.stage.ref, root.choice.rule) if root.stage.ref and root.choice else "bash"
    return bash_reason(replace(stage_plan.stage, items=list(translated)), shell, plan.files)


def _renamed_config_paths(plan: FilePlan, runtime_plan: RuntimePlan | None) -> list[Finding]:
    if plan.files.root is None:
        return []  # (rewrite.config_paths reads the build context's config files)
    from migrator.rewrite.config_paths import renamed_config_paths

    return renamed_config_paths(plan, runtime_plan)


def _listen_80(plan: FilePlan, runtime_plan: RuntimePlan | None, runtime_image: str | None) -> list[Finding]:
    if runtime_image is None or "nginx" not in runtime_image:
        return []  # (rewrite.nginx_listen is about a final stage on nginx: few files)
    from migrator.rewrite.nginx_listen import rewrite_listen_80

    return rewrite_listen_80(plan, runtime_plan, runtime_image)


def _home_before_user(plan: FilePlan, stage_plan: StagePlan, item: Instruction, user: str | None,
                      newline: str) -> tuple[str, Finding] | None:
    from migrator.rewrite.user_home import home_before_user  # (a USER line's: most files have none in a builder)

    return home_before_user(plan, stage_plan, item, user, newline)


def _tree_may_have(plan: FilePlan, stage: Stage, tree: CopiedTree, relative: str) -> bool | None:
    from migrator.rewrite.copied_trees import tree_may_have  # (asked only of a program not found otherwise)

    return tree_may_have(plan, stage, tree, relative)


def _copied(plan: FilePlan, stage_plan: StagePlan) -> tuple[list[tuple[int, str]], list[CopiedTree]]:
    """StageFacts.copied and copied_trees of the stage and the stages it is built FROM (none where a variable
    cannot be read)."""
    if stage_plan.family == "wolfi" or not any(i.keyword in ("COPY", "ADD") for s in stage_plan.stage.chain()
                                               for i in s.instructions):
        return [], []
    try:
        facts = stage_facts(plan, stage_plan)
    except ExpansionError:
        return [], []
    return facts.copied, facts.copied_trees


def _stage_knowledge(plan: FilePlan, stage_plan: StagePlan, items: list[Item], out: Written) -> StageKnowledge:
    """What the stage's RUN lines install, read in a first pass: a repository set up in one RUN is
    needed only when some install in the stage asks for a package Wolfi does not have."""
    from migrator.rewrite.housekeeping import fetched_tools
    from migrator.rewrite.tools import added_message, pending_packages

    probe = StageKnowledge(probing=True, variables=package_list_defaults(items), pins=dict(stage_plan.package_pins))
    probe.stage_variables = stage_variables([i for i in items if isinstance(i, Instruction)])
    probe.source_users = set(upstream_users(plan, stage_plan).values())  # (usermod of one is folded)
    probe.source_env = known_env(plan, stage_plan)
    for item in items:
        if isinstance(item, Instruction) and item.keyword == "RUN":
            translate_run(item, stage_plan.family, plan.rules, probe)
            probe.installed |= fetched_tools(item.raw) | set(_exec_form_installs(item))
        elif isinstance(item, Instruction) and item.keyword == "SHELL" and (argv := item.json_args()):
            probe.uses.used.setdefault(posixpath.basename(argv[0]), item.line)
    image = plan.inherited_image(stage_plan)
    parent = stage_plan.stage.parent
    inherited = out.knowledge.get(parent.index) if parent is not None else None
    pins = probe.pins or _library_pins(plan, image, probe.installed | set(stage_plan.base_packages), inherited)
    knowledge = StageKnowledge(missing=probe.missing, installed=probe.installed,
                               image_user=plan.rules.image_facts(image_name(image)).user,
                               image_uid=plan.rules.image_facts(image_name(image)).uid,
                               image_accounts=plan.rules.image_facts(image_name(image)).accounts,
                               sets_up_repositories=probe.sets_up_repositories, variables=probe.variables,
                               pins=pins)
    knowledge.source_users = set(upstream_users(plan, stage_plan).values())
    root_ref = plan.root_of(stage_plan).stage.ref
    knowledge.source_repository = root_ref.short_name if root_ref is not None else ""
    knowledge.unresolved = probe.unresolved
    knowledge.account_changes, knowledge.stage_variables = probe.account_changes, probe.stage_variables
    knowledge.source_env = probe.source_env
    knowledge.runs_context_scripts = bool(stage_context_scripts(plan, stage_plan))
    knowledge.cross_built = "BUILDPLATFORM" in (stage_plan.stage.built_platform() or "")
    knowledge.missing_targets = stage_plan.rust_targets
    knowledge.config_targets = stage_plan.rust_config_targets
    knowledge.copied, knowledge.copied_trees = _copied(plan, stage_plan)
    knowledge.tree_may_have = functools.partial(_tree_may_have, plan, stage_plan.stage)
    out.findings += _missing_tools(plan, stage_plan, probe, knowledge, out)
    out.findings += _libraries_off_stream(plan, stage_plan, image, probe.installed)
    if stage_plan.base_packages and (packages := pending_packages(knowledge)):
        knowledge.base_tools, knowledge.tools_placed = packages, True  # with the stage's own apk add, first
        out.findings.append(finding("MIG313", stage_plan.stage.from_item.line, added_message(knowledge)))
    if inherited is not None:  # groups created by the stage this one is built FROM exist here too
        knowledge.groups, knowledge.group_names = dict(inherited.groups), set(inherited.group_names)
        knowledge.user_names = set(inherited.user_names)
        knowledge.earlier = list(inherited.earlier)
        knowledge.runs_context_scripts |= inherited.runs_context_scripts
        knowledge.errexit, knowledge.pipefail = inherited.errexit, inherited.pipefail
    out.knowledge[stage_plan.stage.index] = knowledge
    return knowledge


def _missing_rust_targets(plan: FilePlan, stage_plan: StagePlan) -> dict[str, str]:
    """The stage's cargo --target values its builder has no standard library for -> their target directory."""
    if not any(i.keyword == "RUN" and "cargo" in i.logical for i in stage_plan.stage.instructions):
        return {}
    from migrator.plan.rust_targets import missing_targets

    facts = stage_facts(plan, stage_plan)
    directory = facts.env.get("CARGO_TARGET_DIR") or "target"
    return {m.target: directory for m in missing_targets(facts)}


def _configured_rust_targets(plan: FilePlan, stage_plan: StagePlan) -> dict[int, ConfiguredTarget]:
    """The stage's cargo builds whose project's cargo config (in the build context) sets a target its builder
    has no standard library for."""
    if plan.files.root is None or not any(i.keyword == "RUN" and "cargo" in i.logical
                                          for i in stage_plan.stage.instructions):
        return {}
    from migrator.plan.rust_targets import configured_targets

    return configured_targets(stage_facts(plan, stage_plan), plan.files)


def _pin_base_packages(out: Written, at: int, packages: tuple[str, ...], pins: dict[str, str], newline: str) -> None:
    """The language the stage stays on wolfi-base with (`apk add python-3 py3-pip`), on the stream of the
    libraries the stage installs (python-3.13 py3.13-pip)."""
    written = f"RUN apk add --no-cache {' '.join(packages)}{newline}"
    pinned = f"RUN apk add --no-cache {' '.join(pins.get(p, p) for p in packages)}{newline}"
    if out.text.startswith(written, at):
        out.text = out.text[:at] + pinned + out.text[at + len(written):]


def _libraries_off_stream(plan: FilePlan, stage_plan: StagePlan, image: str, installed: set[str]) -> list[Finding]:
    """On a language's own image (python:latest-dev runs 3.14), a library Wolfi builds for other streams only
    (py3-requests: 3.10 .. 3.13) installs another interpreter beside the image's, or conflicts with it: the
    image's python does not import it (MIG566)."""
    from migrator.plan.distro_libraries import off_stream
    from migrator.plan.versions import streams

    name = image_name(image)
    language = next((lang for lang in plan.rules.languages.values() if lang.libraries and
                     lang.runtime_name == name), None)
    if language is None or not installed:
        return []
    tag = image.rsplit("/", 1)[-1].split("@")[0].partition(":")[2] or "latest"
    stream = plan.rules.served_version(name, tag)
    found = off_stream(sorted(installed), language, stream, streams(language.name))
    if not found:
        return []
    spans = [f"{built[0]} .. {built[-1]}" if len(built) > 2 else ", ".join(built) for _, built in found]
    listed = "; ".join(f"{package} (built for {language.name.capitalize()} {span})"
                       for (package, _), span in zip(found, spans, strict=True))
    short = image.rsplit("/", 1)[-1]
    return [finding("MIG566", stage_plan.stage.from_item.line, f"{listed}: not built for the {stream} {short} runs, "
                    f"so `apk add` brings another {language.name.capitalize()} beside it (or fails on the conflict) "
                    f"and the image's {language.name} does not import them; install them with pip (into the "
                    f"virtualenv) instead")]


def _library_pins(plan: FilePlan, image: str, installed: set[str], inherited: StageKnowledge | None
                  ) -> dict[str, str]:
    """A stage on an image without the language (wolfi-base) that installs its libraries as OS packages installs
    them and the language for one stream (plan.distro_libraries, MIG587 tells why), as the stage it is built FROM
    did; on a language's image, the libraries are the ones its interpreter has or none (MIG514 tells)."""
    if inherited is not None and inherited.pins:
        return dict(inherited.pins)
    model = plan.rules.image_model(image)
    languages = [lang for lang in plan.rules.languages.values() if lang.libraries]
    if any(model.has_program(p) for lang in languages for p in lang.programs if "*" not in p):
        return {}
    from migrator.plan.runtime_choice import library_pins

    return dict(library_pins(tuple(sorted(installed)), plan.rules))


def _tools_before(item: Instruction, knowledge: StageKnowledge, user: str | None,
                  newline: str) -> tuple[str, Finding, list[str]] | None:
    """Packages for missing tools still to add when the stage switches to another user (after it,
    `apk add` would run as that user and fail) or to a shell its image lacks (`SHELL ["/bin/bash", ...]`
    on wolfi-base): they are installed just before, in a RUN of their own, as root. (The RUN, its finding, the
    packages.)"""
    from migrator.rewrite.tools import added_message, pending_packages

    packages = pending_packages(knowledge)
    if not packages:
        return None
    if item.keyword == "SHELL":
        if not any(t.line == item.line for t in knowledge.tools):
            return None
    elif item.body.strip().split(":")[0] in ("root", "0") or not any(t.line > item.line for t in knowledge.tools):
        return None
    knowledge.tools_placed = True
    return (_install_as_root(packages, user, newline), finding("MIG313", item.line, added_message(knowledge)), packages)


def _tools_as_root(item: Instruction, knowledge: StageKnowledge, user: str,
                   newline: str) -> tuple[str, Finding, list[str]] | None:
    """Missing tools first used in this RUN, which runs as a user other than root (`USER app` of the stage or
    of a stage it is built FROM): installed just before it in a RUN of their own, as root, and the user
    given back, so the RUN itself runs as that user as it did. (The RUN, its finding, the packages.)"""
    from migrator.rewrite.tools import added_message, pending_packages

    packages = pending_packages(knowledge)
    if not packages or not any(t.package and item.line <= t.line <= item.end_line for t in knowledge.tools):
        return None
    knowledge.tools_placed = True
    return (_install_as_root(packages, user, newline), finding("MIG313", item.line, added_message(knowledge)), packages)


def _install_as_root(packages: list[str], user: str | None, newline: str) -> str:
    install = f"RUN apk add --no-cache {' '.join(packages)}{newline}"
    return install if user is None else f"USER root{newline}{install}USER {user}{newline}"


def _missing_tools(plan: FilePlan, stage_plan: StagePlan, probe: StageKnowledge, knowledge: StageKnowledge,
                   out: Written) -> list[Finding]:
    """The commands the stage runs that its Wolfi image lacks (rewrite/tools.py): their packages go into
    the stage's apk add in the second pass; a command no Wolfi package provides is an error."""
    from migrator.rewrite.native_addons import native_addon_tools
    from migrator.rewrite.tools import (
        missing_tools,
        script_uses,
        shipped_tools,
        tools_for_scripts,
        tools_in_read_scripts,
    )

    if stage_plan.family == "wolfi":
        return []  # already a Wolfi image: what it lacks, the original lacked too
    image = plan.inherited_image(stage_plan)
    installed = set(probe.installed) | set(stage_plan.base_packages)
    copied: set[str] = set()
    stage: Stage | None = stage_plan.stage
    while stage is not None:
        ancestor = out.knowledge.get(stage.index) if stage is not stage_plan.stage else None
        if ancestor is not None:
            installed |= ancestor.installed | {t.package for t in ancestor.tools if t.package}
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD"):
                copied |= {posixpath.basename(w.rstrip("/")) for w in instruction.body.split()}
        stage = stage.parent
    knowledge.image_name = image_name(image)
    knowledge.image_tag = image.rsplit("/", 1)[-1].split("@")[0].partition(":")[2] or "latest"
    model = plan.rules.image_model(image)
    knowledge.tools = missing_tools(probe.uses, model, installed, copied)
    for started in (_start_command_line(plan, stage_plan), _healthcheck_line(plan, stage_plan)):
        if started is not None:  # it runs on this image, which has apk
            named = {t.command for t in knowledge.tools}
            knowledge.tools += [t for t in missing_tools(script_uses(*started), model, installed, copied)
                                if t.command not in named and t.package is not None]
    knowledge.tools += tools_in_read_scripts(_read_scripts(plan, stage_plan), model, installed, copied,
                                             knowledge.tools)
    root = plan.root_of(stage_plan).stage
    knowledge.source_image = root.ref.familiar if root.ref is not None else ""
    if root.ref is not None and (shipped := shipped_tools(root.ref)):
        knowledge.tools += tools_for_scripts(shipped, _unreadable_scripts(plan, stage_plan), model, installed,
                                             knowledge.tools)
    links = False
    if root.ref is not None and model.known:
        runs = [(i.line, i.body) for s in stage_plan.stage.chain() for i in s.instructions if i.keyword == "RUN"]
        added, unsure = native_addon_tools(root.ref, runs, plan.files.text, model, installed, knowledge.tools)
        knowledge.tools += added
        out.findings += unsure
        links = any(word in body for _, body in runs for word in _LINKS)
    if links:
        from migrator.rewrite.linked_libraries import header_tools  # (`-lssl`, a crate that links OpenSSL: headers)

        named = {t.package for t in knowledge.tools if t.package}
        knowledge.tools += [t for t in header_tools(plan, stage_plan, installed) if t.package not in named]
    return [finding("MIG314", t.line, f"`{t.command}` is run here, and no Wolfi package provides it: "
                    f"{knowledge.image_name} does not have it, so the command is not found")
            for t in knowledge.tools if t.package is None]


_LINKS = ("-l", "-fopenmp", "cargo")  # (what a RUN that links a system library says, read closely in linked_libraries)


def _tools_at_the_end(plan: FilePlan, stage_plan: StagePlan, knowledge: StageKnowledge,
                      newline: str) -> tuple[str, Finding] | None:
    """Tools still to add when nothing in the stage placed them (only its start script may use them, and no RUN
    or apk add of the stage comes before it): installed just before its ENTRYPOINT or CMD, as root."""
    from migrator.rewrite.tools import added_message, pending_packages

    packages = pending_packages(knowledge)
    if not packages:
        return None
    knowledge.tools_placed = True
    install = _as_root(plan, stage_plan, f"RUN apk add --no-cache {' '.join(packages)}{newline}", newline)
    return install, finding("MIG313", stage_plan.stage.from_item.line, added_message(knowledge))


def _as_root(plan: FilePlan, stage_plan: StagePlan, lines: str, newline: str) -> str:
    """`lines` run as root at the end of a stage, and the user in force there given back after them."""
    users = [i.body.strip() for i in stage_plan.stage.instructions if i.keyword == "USER"]
    user = _non_root(users[-1]) if users else _user_at_start(plan, stage_plan)
    return lines if user is None else f"USER root{newline}{lines}USER {user}{newline}"


def _user_at_start(plan: FilePlan, stage_plan: StagePlan) -> str | None:
    """The user a stage's first instruction runs as in the output, None for root: the last USER of a stage
    it is built FROM (`USER app` in the parent), else root where a USER root was added to the chain or the
    image runs as root, else the -dev image's nonroot user."""
    if _needs_user_root(plan, stage_plan):
        return None  # USER root is added at its top
    stage = stage_plan.stage
    parent = facts_with_parents(stage.parent, None, plan.staged.global_args) if stage.parent is not None else None
    user = parent.user if parent is not None else None
    if parent is not None and user is not None and "$" in user:
        from migrator.parse.variables import expand_args

        value, missing = expand_args(user, parent.env)  # `USER ${APP_USER}`: an ARG of the parent is unset here
        user = user if missing or not value else value
    if user is None:
        needed = _user_root_needed(plan)
        facts = plan.rules.image_facts(image_name(plan.inherited_image(stage_plan)))
        if any(needed[s.index] for s in stage.chain()) or facts.uid == 0:
            return None
        user = facts.user
    return _non_root(user)


def _non_root(user: str) -> str | None:
    return None if user.split(":")[0] in ("root", "0") else user


def _start_command_line(plan: FilePlan, stage_plan: StagePlan) -> tuple[str, int] | None:
    """(command line, line) of the final stage's `sh -c` start command (a shell-form CMD or ENTRYPOINT) when
    the stage stays one stage: its tools can be installed there."""
    from migrator.plan.startcommand import effective_command, is_shell_c, unwrap

    if stage_plan is not plan.final or stage_plan.split:
        return None
    state = effective_command([s.instructions for s in stage_plan.stage.chain()], (), ())
    rest = state.argv[unwrap(state.argv).program_index:]
    setter = state.entrypoint_from if state.entrypoint else state.cmd_from
    return (rest[2], setter.line) if is_shell_c(rest) and setter is not None else None


def _healthcheck_line(plan: FilePlan, stage_plan: StagePlan) -> tuple[str, int] | None:
    """(shell command, line) of the final stage's HEALTHCHECK (`CMD curl -f URL || exit 1`) when the stage stays
    one stage: the tools it runs can be installed there, as the start command's are."""
    if stage_plan is not plan.final or stage_plan.split:
        return None
    checks = [i for s in stage_plan.stage.chain() for i in s.instructions if i.keyword == "HEALTHCHECK"]
    if not checks:
        return None
    from migrator.validate.healthcheck_tools import healthcheck_script

    script = healthcheck_script(checks[-1])
    return (script, checks[-1].line) if script is not None else None


def _unreadable_scripts(plan: FilePlan, stage_plan: StagePlan) -> list[tuple[str, int]]:
    """(program, line) of the build-context scripts the stage runs that this tool cannot read."""
    return [(program, line) for program, line, source in _stage_scripts(plan, stage_plan)
            if plan.files.text(source) is None]


def _read_scripts(plan: FilePlan, stage_plan: StagePlan) -> list[tuple[str, int, str]]:
    """(program, line, text) of the build-context shell scripts the stage runs that this tool read from disk
    (not a binary, nor a python or node script)."""
    return [(program, line, text) for program, line, source in _stage_scripts(plan, stage_plan)
            if plan.files.kind(source) in ("sh", "bash", "data") and (text := plan.files.text(source)) is not None]


def _stage_scripts(plan: FilePlan, stage_plan: StagePlan) -> list[tuple[str, int, str]]:
    """(program, line, build-context path) of the scripts the stage runs: its RUN steps', and the final
    stage's start script (it runs on this image when the stage is the runtime)."""
    from migrator.plan.scripts import start_script

    scripts = list(stage_context_scripts(plan, stage_plan))
    if stage_plan is plan.final and not stage_plan.split and (started := start_script(stage_plan.stage)):
        scripts.append(started)
    return scripts


def _shell_flags(item: Instruction) -> tuple[bool, bool]:
    """(errexit, pipefail) of a `SHELL ["/bin/bash", "-eo", "pipefail", "-c"]` instruction."""
    from migrator.rewrite.failures import shell_flags

    argv = item.json_args() or []
    return shell_flags([word for word in argv[1:] if word != "-c"])


def _needs_user_root(plan: FilePlan, stage_plan: StagePlan) -> bool:
    """The original ran the stage's first RUN as root (Docker Hub images run as root), the new image
    would run it as its nonroot user: the -dev image's own, or one inherited through `FROM stage`."""
    return _user_root_needed(plan)[stage_plan.stage.index]


def _user_root_needed(plan: FilePlan) -> dict[int, bool]:
    """`_needs_user_root` of every stage, once per plan, in file order (a parent stage comes first):
    asked stage by stage, recursively, a chain of FROM stages cost 2^n (20 stages: half a second)."""
    needed: dict[int, bool] = plan.memo.get("user root needed", {})
    if needed:
        return needed
    nonroot: dict[int, bool] = {}  # the stage starts as a nonroot user
    for stage_plan in plan.stages:
        stage, parent = stage_plan.stage, stage_plan.stage.parent
        if parent is None:
            image = stage_plan.image
            nonroot[stage.index] = image is not None and plan.rules.image_facts(image_name(image)).uid != 0
        else:  # the parent's last USER carries over, as does the USER root we added to the parent
            nonroot[stage.index] = (not any(i.keyword == "USER" for i in parent.instructions)
                                    and not needed[parent.index] and nonroot[parent.index])
        first = next((i.keyword for i in stage.instructions if i.keyword in ("USER", "RUN")), None)
        needed[stage.index] = first == "RUN" and nonroot[stage.index]
    plan.memo["user root needed"] = needed
    return needed


def _user_root_reason(plan: FilePlan, stage_plan: StagePlan) -> str:
    stage = stage_plan.stage
    if stage.parent is None:
        return "USER root added to a builder stage"
    root = stage.root_stage()
    user = plan.rules.image_facts(image_name(plan.inherited_image(stage_plan))).user
    return (f"USER root added: stage '{stage.label}' is built FROM '{stage.parent.label}' and inherits user "
            f"{user} from {image_name(plan.inherited_image(plan.stages[root.index]))}; its RUN lines ran as "
            "root in the original")


def _note_external_copies(plan: FilePlan, stage: Stage, out: Written) -> None:
    for instruction in stage.instructions:
        source = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
        if source and plan.staged.stage_by_reference(source, before=stage.index) is None and (
            "/" in source or ":" in source
        ) and not source.startswith(plan.options.registry.rstrip("/") + "/"):  # (a Chainguard image's are Wolfi's)
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


def _nginx_listen_findings(plan: FilePlan, image: str) -> list[Finding]:
    from migrator.rewrite.carried_ports import nginx_listen_findings

    return nginx_listen_findings(plan, image)
