""".NET globalization on the runtime: ICU, or the invariant mode the source image or the app chose.

.NET loads ICU at start and aborts without it ("Couldn't find a valid ICU package installed on the system")
unless the app runs globalization-invariant: `<InvariantGlobalization>true</InvariantGlobalization>` in its
project, or DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true/1 in its environment. Docker Hub's runtime-deps
(Debian, Ubuntu) ships libicu, and its -alpine tags set the variable instead (rules: upstream `runtime_env`);
glibc-dynamic, which runtime-deps maps to, has neither.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Options
from migrator.records import replace
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.planner import StagePlan
    from migrator.plan.stages import Stage

INVARIANT = "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"
_ICU_RUNTIME = "dotnet-runtime:latest"  # (the catalogue's .NET runtimes carry icu; this one is the smaller)
_PROJECT_FILES = (".csproj", ".fsproj", ".vbproj")
_SETS_INVARIANT = re.compile(r"<InvariantGlobalization>\s*true\s*</InvariantGlobalization>", re.IGNORECASE)


def carried_runtime_env(plan: StagePlan, root: StagePlan, rules: RuleSet, image: str) -> list[str]:
    """`NAME=value` for the ENV the source image set that changes how the app runs (upstream `runtime_env`),
    that neither the final stage (with the stages it is built FROM) nor the Chainguard image sets."""
    ref = root.stage.ref
    if ref is None or not plan.migrated:
        return []
    wanted = rules.upstream_defaults(ref.short_name, ref.tag).runtime_env
    provided = dict(rules.image_model(image).env) if image else {}
    set_here = _set_by_stages(plan)
    return [f"{name}={value}" for name, value in wanted
            if not (_alike(name) & set_here.keys()) and provided.get(name) != value]


# settings that say the same thing: a stage that sets one has chosen what the image's other would say (ASP.NET
# Core's listening addresses: URLS wins over HTTP_PORTS/HTTPS_PORTS, DOTNET_URLS is read when neither is set)
_ALIKE = (frozenset({"ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS"}),)


def _alike(name: str) -> frozenset[str]:
    return next((group for group in _ALIKE if name in group), frozenset({name}))


def choose_icu_runtime(plan: StagePlan, root: StagePlan, rules: RuleSet, options: Options,
                       files: BuildContext, stages: Sequence[Stage] = ()) -> None:
    """A .NET final stage whose runtime has no ICU, for an app not known to be globalization-invariant: the
    runtime becomes one with ICU (W MIG229), or the app would abort at start. `stages`: the file's, whose `dotnet
    publish` names the project that says so."""
    from migrator.plan.images import image_name

    runtime = plan.runtime_override or (plan.image if not plan.split else None) or root.runtime_choice
    if plan.ecosystem != "dotnet" or not plan.migrated or plan.single_stage or runtime is None:
        return
    contents = rules.image_facts(image_name(runtime)).packages
    if not contents or "icu" in contents or rules.image_model(runtime).is_dev:
        return  # (an image whose contents the catalogue lists, without ICU: glibc-dynamic, static)
    carried = dict(c.split("=", 1) for c in carried_runtime_env(plan, root, rules, runtime))
    if _invariant_value(carried.get(INVARIANT)) or _invariant_value(_set_by_stages(plan).get(INVARIANT)):
        return  # (the source image's invariant mode, carried; or the Dockerfile's own)
    published = _published_says(stages, files)
    project, invariant = published if published is not None else _project_says(files, _started_program(plan))
    if invariant:
        return
    chosen = f"{options.registry.rstrip('/')}/{_ICU_RUNTIME}"
    if plan.split or plan.stage.parent is not None:
        plan.runtime_override = chosen
    else:
        plan.image = chosen
        if plan.choice is not None:
            plan.choice = replace(plan.choice, runtime=chosen)
    source = root.stage.ref.familiar if root.stage.ref else "the source image"
    why = (f"{project} does not set <InvariantGlobalization>true</InvariantGlobalization>" if project else
           "no project file in the build context says that the app is globalization-invariant")
    plan.findings.append(finding("MIG229", plan.stage.from_item.line, (
        f"{_ICU_RUNTIME}, not {image_name(runtime)}:latest: {source} ships ICU, which .NET loads at start, and "
        f"{image_name(runtime)} has none (the app would abort: \"Couldn't find a valid ICU package\"); {why}. "
        f"dotnet-runtime has ICU; set InvariantGlobalization in the project (or ENV {INVARIANT}=true) to run on "
        f"{image_name(runtime)}")))


def _set_by_stages(plan: StagePlan) -> dict[str, str | None]:
    from migrator.rewrite.writer import facts_with_parents

    facts = facts_with_parents(plan.stage)
    return {name: facts.env.get(name) for name in facts.env_names}


def _invariant_value(value: str | None) -> bool:
    return value is not None and value.strip("\"'").lower() in ("1", "true")


def _started_program(plan: StagePlan) -> str | None:
    """The name the final stage starts: `./aspnetapp` -> aspnetapp, `dotnet Api.dll` -> Api."""
    from migrator.plan.startcommand import effective_command, unwrap

    effective = effective_command([s.instructions for s in plan.stage.chain()], (), ())
    argv = effective.argv[unwrap(effective.argv).program_index:]
    if not argv:
        return None
    word = argv[1] if posixpath.basename(argv[0]) == "dotnet" and len(argv) > 1 else argv[0]
    name = posixpath.basename(word)
    return name[:-4] if name.endswith(".dll") else name


def _published_says(stages: Sequence[Stage], files: BuildContext) -> tuple[str, bool] | None:
    """(a project file, whether it says the app is invariant) from the projects the file's `dotnet publish` commands
    build, each with the nearest Directory.Build.props above it (plan.dotnet_projects): the first that is not
    invariant, else the first; None when no publish names a project the build context has."""
    from migrator.plan.dotnet_projects import published_projects, stage_publishes

    found = [project for stage in stages for command, workdir in stage_publishes(stage)
             for project in published_projects(stage, command, workdir, files)]
    plain = [project for project in found if not project.flag("InvariantGlobalization")]
    chosen = plain or found
    return (chosen[0].path, not plain) if chosen else None


def _project_says(files: BuildContext, program: str | None) -> tuple[str | None, bool]:
    """(the app's project file, whether it, or Directory.Build.props beside the projects, sets
    InvariantGlobalization): the project named as the started program (by its file or its <AssemblyName>), else
    the context's only one."""
    projects = files.files_named((*_PROJECT_FILES, "Directory.Build.props"))
    props = [p for p in projects if posixpath.basename(p) == "Directory.Build.props"]
    if any(_SETS_INVARIANT.search(files.text(p, 1 << 20) or "") for p in props):
        return props[0], True
    apps = [p for p in projects if p.endswith(_PROJECT_FILES)]
    named = [p for p in apps if program and (posixpath.splitext(posixpath.basename(p))[0] == program or re.search(
        rf"<AssemblyName>\s*{re.escape(program)}\s*</AssemblyName>", files.text(p, 1 << 20) or ""))]
    chosen = named or (apps if len(apps) == 1 else [])
    if not chosen:
        return None, False
    return chosen[0], bool(_SETS_INVARIANT.search(files.text(chosen[0], 1 << 20) or ""))
