"""Decide, per stage: its role, the image it moves to, and whether the final stage is split."""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding, Options
from migrator.parse.dockerfile import Instruction
from migrator.plan.buildcontext import BuildContext
from migrator.plan.images import BASE_IMAGES, ImageChoice, choose_image, image_name, package_family
from migrator.plan.stages import Stage, StagedFile
from migrator.records import dataclass, field, replace
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

    from migrator.plan.runtime_choice import RuntimeOverride
    from migrator.plan.rust_targets import ConfiguredTarget
    from migrator.plan.static_builds import DynamicBuild

BUILDER = "builder"
RUNTIME = "runtime"
UNCHANGED = "unchanged"
UNSUPPORTED = "unsupported"


@dataclass
class StagePlan:
    stage: Stage
    role: str
    choice: ImageChoice | None = None  # for the stage's own base image (None for FROM <stage>)
    image: str | None = None  # the new FROM image; None keeps the FROM image as written
    split: bool = False  # final stage: becomes a builder, and a runtime stage is appended
    family: str = "debian"
    ecosystem: str | None = None
    findings: list[Finding] = field(default_factory=list)
    dropped_runs: list[int] = field(default_factory=list)  # lines of final-stage RUNs the runtime does not need
    runtime_override: str | None = None  # final stage: the runtime image the start command needs
    runtime_code: str = ""  # final stage: the finding that says why runtime_override (RuntimeOverride.code)
    single_stage: bool = False  # final stage: kept as one stage on the base image (shell and apk kept)
    base_packages: tuple[str, ...] = ()  # single stage: what the original image had, installed with apk
    package_pins: tuple[tuple[str, str], ...] = ()  # single stage: Wolfi name -> its stream's (RuntimeOverride.pins)
    runtime_packages: tuple[str, ...] = ()  # final stage split onto a -dev runtime: what it installs besides
    shell_for_runs: bool = False  # a build stage moved to a -dev image for the RUNs of stages built on it
    # a stage before the last with a command of its own that no stage uses: an image of its own (`docker build
    # --target NAME`, MIG557), whose CMD starts under its new image's ENTRYPOINT as the final stage's does
    own_image: bool = False
    # final stage: what goes into the stages it copies from, before an instruction of theirs (original line ->
    # instruction): `ENV CGO_ENABLED=0` before the `go build` its static runtime runs (MIG228)
    inserts_before: dict[int, str] = field(default_factory=dict)
    # Rust targets its builder has no standard library for (plan.rust_targets), as written -> their cargo target
    # directory: read before the rewrite changes how the stage names them (ENV CARGO_BUILD_TARGET)
    rust_targets: dict[str, str] = field(default_factory=dict)
    # line of a cargo build whose project's cargo config sets such a target -> it (plan.rust_targets)
    rust_config_targets: dict[int, ConfiguredTarget] = field(default_factory=dict)

    @property
    def runtime_choice(self) -> str | None:
        """The runtime image the image rule chose for this stage's base, if any."""
        return self.choice.runtime if self.choice else None

    @property
    def migrated(self) -> bool:
        """The stage now runs on a Chainguard image: its RUN lines are translated."""
        return self.role in (BUILDER, RUNTIME)


@dataclass
class FilePlan:
    staged: StagedFile
    stages: list[StagePlan]
    options: Options
    rules: RuleSet
    files: BuildContext = field(default_factory=lambda: BuildContext(None))  # the build context on disk
    memo: dict[str, Any] = field(default_factory=dict)  # facts about the whole file, computed once for all stages

    @property
    def final(self) -> StagePlan:
        return self.stages[-1]

    def root_of(self, stage_plan: StagePlan) -> StagePlan:
        """The plan of the stage that names an image, following FROM <stage> links."""
        return self.stages[stage_plan.stage.root_stage().index]

    def inherited_image(self, stage_plan: StagePlan) -> str:
        """The image a stage runs on: its own new image, or its root stage's."""
        root = self.root_of(stage_plan)
        return stage_plan.image or root.image or root.stage.resolved


def _note_bash_sh(staged: StagedFile, options: Options, rules: RuleSet) -> None:
    """Mark the stages FROM a source image whose /bin/sh is bash (before any stage is read: its RUNs ran
    under bash, `{a,b}` expanded)."""
    from migrator.plan.images import source_sh

    for stage in staged.stages:
        if stage.parent is None and stage.ref is not None:
            choice = choose_image(stage.ref, options, rules)
            stage.sh_is_bash = choice.status == "migrate" and source_sh(stage.ref, choice.rule, rules) == "bash"


def plan_file(staged: StagedFile, options: Options, rules: RuleSet,
              override: RuntimeOverride | None = None, files: BuildContext | None = None,
              final_runs: bool = False) -> FilePlan:
    """`override`: the runtime the final stage's start command needs (see plan.runtime_choice); `files`: the
    build context on disk, if any; `final_runs`: the migration adds a RUN to the split final stage's builder."""
    from migrator.plan.roles import chain, left_as_written, refused_role

    plans: list[StagePlan] = []
    last = len(staged.stages) - 1
    refusal = refused_role(staged.stages[-1], rules) if staged.stages else None
    refused = left_as_written(staged.stages[-1], staged, rules) if refusal else set()
    final_chain = {s.index for s in chain(staged.stages[-1])} if staged.stages else set()
    files = files or BuildContext(None)
    _note_bash_sh(staged, options, rules)
    for stage in staged.stages:
        is_final = stage.index == last
        if stage.index in refused:
            why = refusal or "" if stage.index in final_chain else (
                f"it assembles the files of the final stage (line {staged.stages[-1].from_item.line}), which is "
                "left as written: " + (refusal or ""))
            plans.append(_refuse(stage, why))
            continue
        if not is_final and (kept := _dockerhub_file_source(staged, stage, rules)) is not None:
            plans.append(kept)
            continue
        plans.append(_plan_stage(stage, is_final, plans, options, rules, override if is_final else None,
                                 builds_for_others=stage.index not in final_chain and _used_later(staged, stage),
                                 files=files))
    if override is not None and plans and plans[-1].migrated:
        _apply_override(plans[-1], override, options, rules)
        for plan in plans[:-1]:  # the stages the final one is built FROM install its packages too
            if plan.stage.index in final_chain and plan.migrated and override.single_stage:
                plan.package_pins = override.pins
    if plans:
        from migrator.plan.globalization import choose_icu_runtime

        choose_icu_runtime(plans[-1], plans[staged.stages[-1].root_stage().index], rules, options, files,
                           staged.stages)
    _shell_for_runs(plans, rules, final_runs)
    _note_targets(plans, staged)
    return FilePlan(staged, plans, options, rules, files)


def _note_targets(plans: list[StagePlan], staged: StagedFile) -> None:
    """A stage before the last with a command of its own that no stage uses is an image of its own
    (`docker build --target NAME`): it is migrated as a build stage, on a -dev image, which it says."""
    used: set[int] = {s.parent.index for s in staged.stages if s.parent is not None}
    for stage in staged.stages:
        for instruction in stage.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            for found in re.findall(r"--mount=\S*\bfrom=([\w.-]+)", instruction.raw) if instruction.keyword == "RUN" \
                    else [reference] if reference else []:
                source = staged.stage_by_reference(found, before=stage.index)
                if source is not None:
                    used.add(source.index)
    for plan in plans[:-1]:
        own = [i for i in plan.stage.instructions if i.keyword in ("CMD", "ENTRYPOINT", "EXPOSE")]
        if plan.role != BUILDER or not own or plan.stage.index in used:
            continue
        image = plan.image.rsplit("/", 1)[-1] if plan.image else "its parent's image"
        plan.own_image = True
        plan.findings.append(finding("MIG557", own[0].line, f"stage '{plan.stage.label}' has a command of its own and "
                                     f"no stage copies from it or builds on it: an image of its own (docker build "
                                     f"--target {plan.stage.label}). It is migrated as a build stage on {image}, with "
                                     "a shell and apk; migrate it as a Dockerfile of its own (the stages it needs and "
                                     "it last) for a distroless runtime"))


def _shell_for_runs(plans: list[StagePlan], rules: RuleSet, final_runs: bool = False) -> None:
    """A build stage on an image without a shell (aspnet-runtime for `FROM mcr.../aspnet AS base`) that a stage
    built FROM it runs a RUN on (`FROM base AS final` + `RUN mkdir`, split into a builder FROM base): the stage
    moves to the image's -dev variant (or wolfi-base), or the RUN stops the build. A runtime stage the split
    makes starts from the image rule's runtime, not from this stage, and stays distroless. `final_runs`: the
    builder of the split final stage gets a RUN from the migration itself (`RUN mkdir -p` for a VOLUME)."""
    for plan in plans:
        if plan.stage.parent is not None or plan.role != BUILDER or plan.image is None or plan is plans[-1]:
            continue
        if rules.image_model(plan.image).shell:
            continue
        built_on = [p.stage for p in plans if p.migrated and p.stage.root_stage() is plan.stage
                    and (p.image is None or p is plan)]
        runs: list[tuple[Stage, Instruction | None]] = [
            (stage, run) for stage in built_on for run in stage.instructions
            if run.keyword == "RUN" and run.json_args() is None]  # (exec form needs no shell)
        if final_runs and plans[-1].stage.root_stage() is plan.stage:
            runs.append((plans[-1].stage, None))
        shell_image = _with_shell(plan.image, rules)
        if not runs or shell_image is None:
            continue
        stage, run = runs[0]
        what = f"the RUN of stage '{stage.label}' (line {run.line})" if run else \
            f"a RUN the migration adds to stage '{stage.label}'"
        plan.findings.append(finding("MIG590", run.line if run else stage.from_item.line, f"stage "
                                     f"'{plan.stage.label}' moves to {shell_image.rsplit('/', 1)[-1]}: {what} runs "
                                     f"on it, and {image_name(plan.image)} has no shell"))
        plan.image, plan.shell_for_runs = shell_image, True


def _with_shell(image: str, rules: RuleSet) -> str | None:
    """The -dev image of `image`'s shell partner (aspnet-runtime -> dotnet-sdk:latest-dev: the same programs),
    else of `image` itself, else wolfi-base."""
    registry, _, name_tag = image.rpartition("/")
    name, _, tag = name_tag.partition(":")
    partner = rules.image_facts(name).shell_partner
    if partner is not None and rules.image_facts(partner).dev:
        return f"{registry}/{partner}:{tag or 'latest'}-dev"
    return _builder_for_runtime(image, rules)


def _refuse(stage: Stage, why: str) -> StagePlan:
    """A stage of a final stage whose role no Chainguard image plays: left untouched, said plainly."""
    plan = StagePlan(stage, UNSUPPORTED)
    if stage.parent is None:
        plan.findings.append(finding("MIG203", stage.from_item.line, f"{stage.resolved}: {why}"))
    return plan


def _apply_override(plan: StagePlan, override: RuntimeOverride, options: Options, rules: RuleSet) -> None:
    registry = options.registry.rstrip("/")
    runtime = f"{registry}/{override.runtime}" if override.runtime else None
    plan.ecosystem = override.ecosystem or plan.ecosystem
    if override.single_stage:
        plan.role, plan.split, plan.single_stage, plan.dropped_runs = RUNTIME, False, True, []
        plan.base_packages, plan.package_pins = override.packages, override.pins
        if plan.stage.parent is None and (override.runtime or "").split(":")[0] in BASE_IMAGES:
            from migrator.plan.runtime_choice import kept_toolchain  # (a runtime override: the command decided)

            # the toolchain the source image provided stays (golang's go for `RUN ./build.sh`)
            kept = _unnamed(kept_toolchain(plan.stage.ref, plan.ecosystem, rules, override.packages), plan.stage)
            plan.base_packages = tuple(dict.fromkeys(override.packages + kept))
            added = [p for p in kept if p not in override.packages]
            if added:
                them = "them" if len(added) > 1 else "it"
                plan.findings.append(finding("MIG313", plan.stage.from_item.line, f"{', '.join(added)} added to apk "
                                             f"add: {plan.stage.resolved} provided {them}, and the stage stays one "
                                             f"stage on wolfi-base, where its build steps and scripts may run {them}"))
            _add_headers(plan, override, rules)
        plan.findings = [f for f in plan.findings if f.code != "MIG526"]
        if plan.stage.parent is None:
            plan.image = runtime
            plan.findings = [f for f in plan.findings if f.code != "MIG201"]
            _note_image_change(plan, plan.stage, note_rules=False)
        return
    plan.runtime_override, plan.runtime_code = runtime, override.code
    plan.runtime_packages = override.runtime_packages
    if not plan.split and plan.stage.parent is None and runtime is not None:
        plan.image = runtime
        plan.findings = [f for f in plan.findings if f.code != "MIG201"]  # it named the rule's image
        _note_image_change(plan, plan.stage, note_rules=False)


def _add_headers(plan: StagePlan, override: RuntimeOverride, rules: RuleSet) -> None:
    """A stage kept on wolfi-base with the language that compiles (it installs a compiler, or builds on Docker Hub's
    full image, which had gcc) builds native extensions, as it could on the source image, which carried the
    language's headers: they are added, with the image's toolchain where it had one (MIG313)."""
    from migrator.plan.runtime_choice import kept_headers
    from migrator.rewrite.distro_scripts import builds_on_full_image

    built = builds_on_full_image(plan.stage)
    added, compilers = kept_headers(plan.ecosystem, rules, plan.base_packages, override.installed, built is not None)
    if not added:
        return
    plan.base_packages = tuple(dict.fromkeys(plan.base_packages + added))
    name = (plan.ecosystem or "").capitalize()
    listed, them = ", ".join(added), "them" if len(added) > 1 else "it"
    how = (f"the stage installs a compiler ({', '.join(compilers)})" if built is None or compilers != ("build-base",)
           or "build-base" not in added else f"`{built}` builds on it, and it had gcc (buildpack-deps)")
    plan.findings.append(finding("MIG313", plan.stage.from_item.line, (
        f"{listed} added to apk add: {plan.stage.resolved} carried {name}'s headers and "
        f"Wolfi packages them apart; {how}, so it builds native extensions (a package without a wheel for this "
        f"platform, built from source), which need {them}")))


def _unnamed(packages: tuple[str, ...], stage: Stage) -> tuple[str, ...]:
    """The packages no RUN of the stage names a command of: those it names are added where the stage runs
    them, with a finding that says so (MIG313: `maven (for mvn) added to apk add: the stage runs it`)."""
    from migrator.plan.facts import read_facts
    from migrator.rewrite.tools import packages_for

    named = {p for command in read_facts(stage).commands if command.words
             for p in packages_for(command.words[0].rsplit("/", 1)[-1])}
    return tuple(p for p in packages if p not in named)


def _used_later(staged: StagedFile, stage: Stage) -> bool:
    """A later stage copies from this one (`COPY --from=`) or is built FROM it."""
    for other in staged.stages[stage.index + 1:]:
        if other.parent is stage:
            return True
        for instruction in other.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            if reference and staged.stage_by_reference(reference, before=other.index) is stage:
                return True
    return False


def _dockerhub_file_source(staged: StagedFile, stage: Stage, rules: RuleSet) -> StagePlan | None:
    """`FROM nginx AS nginx-image` with nothing else, which a later stage copies a path of Docker Hub's image
    from (`COPY --from=nginx-image /docker-entrypoint.d ...`): the Chainguard image has no such path, so the
    stage stays on its image, as a `COPY --from=nginx:1.27` of the same files would."""
    from migrator.regex import glob_root

    if stage.instructions or stage.ref is None or any(s.parent is stage for s in staged.stages):
        return None
    repository = stage.ref.short_name
    family = package_family(stage.ref, rules.image_rule(repository, stage.ref.tag))
    for other in staged.stages[stage.index + 1:]:
        for instruction in other.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            if not reference or staged.stage_by_reference(reference, before=other.index) is not stage:
                continue
            words = instruction.json_args() or instruction.body.split()
            for source in words[:-1]:
                path = posixpath.normpath("/" + source.strip("/")) if not source.startswith("-") else ""
                if path and any(glob_root(path, pattern) and rules.dockerhub_path_applies(pattern, repository, family)
                                for pattern in rules.dockerhub_paths):
                    plan = StagePlan(stage, UNCHANGED)
                    plan.findings.append(finding("MIG215", stage.from_item.line, (
                        f"stage '{stage.label}' kept on {stage.ref.familiar}: line {instruction.line} copies {path} "
                        f"from it, a path of Docker Hub's image that the Chainguard image does not have; the "
                        f"final image carries those files from {stage.ref.familiar}, which the build pulls")))
                    return plan
    return None


def _plan_stage(stage: Stage, is_final: bool, earlier: list[StagePlan], options: Options,
                rules: RuleSet, override: RuntimeOverride | None = None, builds_for_others: bool = False,
                files: BuildContext | None = None) -> StagePlan:
    """`files`: the build context on disk, where a build run through a Makefile or a script is read."""
    line = stage.from_item.line
    if stage.parent is not None:
        parent = earlier[stage.parent.index]
        plan = StagePlan(stage, parent.role if parent.role in (UNCHANGED, UNSUPPORTED) else BUILDER,
                         family=parent.family, ecosystem=parent.ecosystem)
        if is_final and parent.migrated:
            plan.role, plan.split = RUNTIME, True
        if stage.platform_stages:
            plan.findings.append(finding("MIG212", line, _stage_named_by_arguments(stage)))
        return plan
    if stage.ref is None:
        plan = StagePlan(stage, UNCHANGED)
        if stage.unresolved_args:
            plan.findings.append(finding("MIG205", line, f"FROM {stage.image_text}: build argument(s) "
                                         f"{', '.join(stage.unresolved_args)} have no default; left untouched"))
        else:
            from migrator.yamlfile import short_repr

            plan.findings.append(finding("MIG202", line, f"cannot read image reference {short_repr(stage.resolved)}; "
                                         "left untouched"))
        return plan
    if stage.ref.short_name == "scratch" and not is_final:
        return StagePlan(stage, UNCHANGED)  # an empty stage that carries files: scratch is static only as a runtime
    choice = choose_image(stage.ref, options, rules)
    plan = StagePlan(stage, UNCHANGED, choice, family=package_family(stage.ref, choice.rule),
                     ecosystem=choice.ecosystem)
    if choice.status == "already":
        plan.findings.append(finding("MIG206", line))
        return plan
    if choice.status == "unknown" and builds_for_others:
        plan.findings.append(finding("MIG214", line, f"unknown base image '{stage.ref.familiar}': this stage only "
                                     "builds or carries files for later stages, so it is left as it is and builds "
                                     "as before; what the migrated stages copy from it must suit Wolfi (glibc)"))
        return plan
    if choice.status == "unknown":
        plan.findings.append(finding("MIG202", line, f"unknown base image '{stage.ref.familiar}': no rule "
                                     "matches it, so this stage is left untouched (add one with --rules)"))
        return plan
    if choice.status == "unsupported":
        reason = choice.rule.unsupported if choice.rule else "no Chainguard equivalent"
        plan.role = UNSUPPORTED
        plan.findings.append(finding("MIG203", line, f"{stage.ref.familiar}: {reason}"))
        return plan
    if is_final and choice.runtime is None and choice.ecosystem in ("distro", "c", "static"):
        choice = _with_binary_runtime(choice, stage, earlier, options, files)
        plan.choice = choice
    elif is_final and choice.runtime is not None and image_name(choice.runtime) == "static":
        choice = _static_runtime_checked(choice, plan, earlier, options, files)
        plan.choice = choice
    if override is not None and override.builder:
        registry = options.registry.rstrip("/")
        choice = replace(choice, builder=f"{registry}/{override.builder}", runtime=f"{registry}/{override.runtime}")
        plan.choice = choice
    _choose_target(plan, choice, is_final, rules, single_stage=is_final and stage.index == 0)
    _note_image_change(plan, stage)
    return plan


def _stage_named_by_arguments(stage: Stage) -> str:
    from migrator.plan.stages import PLATFORM_ARGS

    args = stage.unresolved_args
    platform = all(a in PLATFORM_ARGS for a in args)
    chosen, others = stage.platform_stages[0].label, [s.label for s in stage.platform_stages[1:]]
    when = "on a linux/amd64 build" if platform else f"when {', '.join(args)} name{'s' if len(args) == 1 else ''} it"
    rest = f" (and {', '.join(others)} {'on other platforms' if platform else 'for other values'})" if others else ""
    return (f"FROM {stage.image_text} names stage '{chosen}' {when}{rest}: migrated as built FROM '{chosen}'"
            + ("" if platform else "; build arguments without a default, so other values were not checked"))


_NGINX_START_UP = (("/etc/nginx/templates", "envsubst templates (/etc/nginx/templates)"),
                   ("/docker-entrypoint.d", "start-up scripts in /docker-entrypoint.d"),
                   ("NGINX_ENVSUBST_", "envsubst settings (NGINX_ENVSUBST_*)"))


def _nginx_start_up(stage: Stage) -> str:
    """What of Docker Hub nginx's start-up (its docker-entrypoint.sh) the stage uses."""
    texts = [i.raw for i in stage.instructions if i.keyword in ("COPY", "ADD", "ENV", "RUN")]
    found = [what for marker, what in _NGINX_START_UP if any(marker in text for text in texts)]
    return " and ".join(found)


def _with_binary_runtime(choice: ImageChoice, stage: Stage, earlier: list[StagePlan],
                         options: Options, files: BuildContext | None = None) -> ImageChoice:
    """A distro final stage that runs a binary built in earlier stages: static or glibc-dynamic."""
    from migrator.plan.facts import read_facts

    sources = [earlier[s.index] for s in _copy_sources(stage, earlier)]
    static = bool(sources) and all(_builds_static(read_facts(p.stage), p.ecosystem, p.stage, files) for p in sources)
    name = "static:latest" if static else "glibc-dynamic:latest"
    return replace(choice, runtime=f"{options.registry.rstrip('/')}/{name}")


def _static_runtime_checked(choice: ImageChoice, plan: StagePlan, earlier: list[StagePlan],
                            options: Options, files: BuildContext | None = None) -> ImageChoice:
    """A final stage on static:latest (from scratch, distroless/static) that copies a program from a build that
    links glibc dynamically on its Chainguard builder (MIG227): glibc-dynamic, or the program cannot start."""
    from migrator.plan.static_builds import build_outputs, dynamic_builds
    from migrator.rewrite.writer import facts_with_parents

    for source in _copy_sources(plan.stage, earlier):
        if not earlier[source.index].migrated:
            continue  # (left on its image: it builds as it did)
        facts = facts_with_parents(source)
        builds = dynamic_builds(facts, source.root_stage().ref, source, files)
        copied = _copied_paths(plan.stage, source, earlier)
        if builds and _copies_static_builds_only(builds, copied, build_outputs(facts)):
            continue
        if builds and all(b.keep_static for b in builds):
            _keep_static(plan, source, builds)
            continue
        if builds:
            build = _copied_build(builds, copied)
            runtime = "glibc-dynamic:latest"
            plan.findings.append(finding("MIG227", plan.stage.from_item.line, (
                f"{runtime}, not static:latest: the final stage copies from stage '{source.label}', whose "
                f"`{build.command}` (line {build.line}) {build.how}: {build.why}")))
            return replace(choice, runtime=f"{options.registry.rstrip('/')}/{runtime}")
    return choice


def _copied_paths(stage: Stage, source: Stage, earlier: list[StagePlan]) -> list[str]:
    """The paths (in `source`) the stage's `COPY --from=<source>` lines copy."""
    paths: list[str] = []
    for instruction in stage.instructions:
        if _copied_stage(instruction, earlier) is source:
            words = instruction.json_args() or instruction.body.split()
            paths += [posixpath.normpath("/" + w.lstrip("/")) for w in words[:-1]]
    return paths


def _related(path: str, other: str) -> bool:
    """One path is the other, or holds it."""
    return path == other or path.startswith(other.rstrip("/") + "/") or other.startswith(path.rstrip("/") + "/")


def _copied_build(builds: list[DynamicBuild], copied: list[str]) -> DynamicBuild:
    """The build whose program the final stage copies: the one whose output (`-o /out/server`) is, holds or is
    held by a copied path, else one without a known output that ran in a directory a copied path is in; the
    first when none says (a build known to write elsewhere is not the copied one)."""
    def score(build: DynamicBuild) -> int:
        if build.output is not None:
            return 2 if any(_related(build.output, c) for c in copied) else 0
        directory = build.directory
        return 1 if directory and directory != "/" and any(_related(c, directory) for c in copied) else 0

    return max(builds, key=score)


def _copies_static_builds_only(builds: list[DynamicBuild], copied: list[str], outputs: list[tuple[int, str]]
                               ) -> bool:
    """Every path the final stage copies is the output of a build that asks for a static program (`CGO_ENABLED=0
    go build -o /out/server`), and none is, holds or is held by a dynamic build's output, nor lies in the directory
    a dynamic build without a known output ran in: the dynamic builds make programs the final stage does not
    take, and it stays on static:latest."""
    dynamic = {(b.line, b.output) for b in builds}
    static = [output for line, output in outputs if (line, output) not in dynamic]
    if not copied or not static or any(b.output is None and not b.directory for b in builds):
        return False
    for path in copied:
        if not any(_related(path, output) for output in static):
            return False
        if any(_related(path, b.output) if b.output is not None else _related(path, str(b.directory))
               for b in builds):
            return False
    return True


def _keep_static(plan: StagePlan, source: Stage, builds: list[DynamicBuild]) -> None:
    """The builds were static on the source image, which had no C compiler (golang:alpine): the variable that
    keeps them so (CGO_ENABLED=0) goes before the first, as an ENV of its stage."""
    first = min(builds, key=lambda b: b.line)
    text = f"ENV {first.keep_static}"
    if first.line in plan.inserts_before:
        return  # (two stages built FROM the same one)
    plan.inserts_before[first.line] = text
    image = source.root_stage().ref
    named = image.familiar if image else "the source image"
    plan.findings.append(finding("MIG228", first.line, (
        f"{text} before `{first.command}`: {named} has no C compiler, so the build was static there (cgo off) and "
        f"the final stage ran it without a libc; the Chainguard go image has gcc, where the same build links "
        f"glibc dynamically, which static:latest cannot run")))


def _copy_sources(stage: Stage, earlier: list[StagePlan]) -> list[Stage]:
    return [s for i in stage.instructions if (s := _copied_stage(i, earlier)) is not None]


def _copied_stage(instruction: Instruction, earlier: list[StagePlan]) -> Stage | None:
    """The earlier stage a `COPY --from=<name or index>` reads, if it is one."""
    source = instruction.flags.get("from", "").lower() if instruction.keyword == "COPY" else ""
    names = {p.stage.name.lower(): p.stage for p in earlier if p.stage.name}
    if source in names:
        return names[source]
    return earlier[int(source)].stage if source.isdigit() and int(source) < len(earlier) else None


def _builds_static(facts: object, ecosystem: str | None, stage: Stage, files: BuildContext | None) -> bool:
    from migrator.plan.facts import StageFacts

    assert isinstance(facts, StageFacts)
    if ecosystem == "go":  # (rules/static-builds.yaml: CGO_ENABLED=0 on the command, before it, by ENV or ARG)
        from migrator.plan.static_builds import dynamic_builds

        builds = [c for c in facts.commands_named("go") if c.words[1:2] == ("build",)]
        # (a build through a Makefile or a script counts too: static only when it shows it is)
        return bool(builds) and not any(b.command == "go build" or b.runner
                                        for b in dynamic_builds(facts, stage.root_stage().ref, stage, files))
    return False


def _choose_target(plan: StagePlan, choice: ImageChoice, is_final: bool, rules: RuleSet,
                   single_stage: bool = False) -> None:
    stage = plan.stage
    runs = [i for i in stage.instructions if i.keyword == "RUN"]
    if is_final and runs and choice.runtime is not None:
        from migrator.plan.droppable import droppable

        runtime = rules.image_facts(image_name(choice.runtime))
        if all(droppable(run, plan.family, rules, runtime) for run in runs):
            plan.dropped_runs = [run.line for run in runs]
            for run in runs:
                plan.findings.append(finding("MIG526", run.line, f"RUN dropped: {image_name(choice.runtime)} "
                                             "already has what it installs, and its nonroot user"))
            runs = []
    # a single-stage file always becomes builder + runtime: the build context is assembled in the
    # builder and the runtime receives the app with COPY --from, like every other migrated file
    needs_builder = bool(runs) or single_stage or (is_final and _needs_owned_directories(plan, choice, rules))
    builder = choice.builder or _builder_for_runtime(choice.runtime, rules)
    if not is_final:
        plan.role, plan.image = BUILDER, choice.builder or choice.runtime
    elif not needs_builder and choice.runtime is not None:
        plan.role, plan.image = RUNTIME, choice.runtime
    elif builder is not None:
        plan.role, plan.image, plan.split = RUNTIME, builder, True
    else:
        plan.role, plan.image = RUNTIME, choice.runtime


def _needs_owned_directories(plan: StagePlan, choice: ImageChoice, rules: RuleSet) -> bool:
    """A root app on a nonroot runtime with data or volume directories outside its WORKDIR: a builder makes
    them, owned by the runtime user (rewrite.rootless)."""
    from migrator.plan.facts import read_facts
    from migrator.plan.writable import needs_a_builder
    from migrator.rewrite.rootness import root_reason

    if choice.runtime is None or rules.image_model(choice.runtime).uid == 0 or root_reason(plan.stage):
        return False
    return needs_a_builder(read_facts(plan.stage))


def _builder_for_runtime(runtime: str | None, rules: RuleSet) -> str | None:
    """For runtime-only sources (gcr.io/distroless/python3...): the runtime's -dev, or wolfi-base."""
    if runtime is None:
        return None
    registry, _, name_tag = runtime.rpartition("/")
    name, _, tag = name_tag.partition(":")
    if rules.image_facts(name).dev:
        return f"{registry}/{name}:{tag or 'latest'}-dev"
    return f"{registry}/wolfi-base:latest"


def _note_image_change(plan: StagePlan, stage: Stage, note_rules: bool = True) -> None:
    ref, line = stage.ref, stage.from_item.line
    if ref is None or plan.image is None:
        return
    plan.findings.append(finding("MIG201", line, f"FROM {ref.familiar} -> {plan.image}"
                                 + (" (builder; a distroless runtime stage follows)" if plan.split else "")))
    if not note_rules:
        return
    if ref.digest:
        plan.findings.append(finding("MIG204", line, f"{ref.familiar} was pinned by digest; pin "
                                     f"{image_name(plan.image)} by digest once tested"))
    tag = ref.tag or ""
    if tag[:1].isdigit() and ":latest" in plan.image:
        plan.findings.append(finding("MIG207", line, f"tag '{tag}' -> latest (use --tag-policy keep for "
                                     "versioned tags)"))
    if ref.hub_architecture:
        plan.findings.append(finding("MIG242", line, f"{ref.familiar} is Docker Hub's {ref.short_name} for "
                                     f"{ref.hub_architecture} only; {image_name(plan.image)} serves amd64 and arm64, "
                                     "and the build's platform chooses (--platform)"))
    if "$" in stage.image_text:
        plan.findings.append(finding("MIG208", line, f"FROM {stage.image_text} resolved to {ref.familiar}; "
                                     "the build argument no longer selects the base image"))
    if plan.family == "alpine":
        plan.findings.append(finding("MIG209", line))
    rule = plan.choice.rule if plan.choice else None
    if rule is not None and rule.notes:
        plan.findings.append(finding("MIG211", line, f"{ref.short_name}: {rule.notes}"))
    if "nginx" in ref.short_name and (relied := _nginx_start_up(stage)):
        plan.findings.append(finding("MIG213", line, f"{ref.familiar}: the stage relies on {relied}, which Docker "
                                     "Hub's nginx entrypoint runs at start and Chainguard's nginx does not: render the "
                                     "configuration at build time (envsubst in the builder) or in your deployment"))
