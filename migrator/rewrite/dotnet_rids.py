""".NET runtime identifiers for musl (`linux-musl-x64`) in builds moved to Chainguard's dotnet-sdk, which is glibc.

An app published for a musl RID (`dotnet publish -r linux-musl-x64`, the -alpine images' habit) has a musl
apphost, and self-contained a musl runtime: on glibc (every Wolfi image) it cannot start ("exec ./App: no such
file or directory": there is no /lib/ld-musl-*.so.1). In the RUN lines of a stage on dotnet-sdk the identifier
becomes the glibc one of the same architecture (`linux-x64`), wherever it is written: an option's value, a
variable's (`RID=linux-musl-arm64`), a property (`-p:RuntimeIdentifier=...`), MIG232. A project file of the build
context that names one (`<RuntimeIdentifier>`) is out of the Dockerfile's reach: an error, MIG233.
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan
from migrator.regex import lazy as lazy_re

# (a word of its own: not part of a URL or a file name, `tool-linux-musl-x64.tar.gz`)
_MUSL_RID = lazy_re(r"(?<![\w./-])linux-musl-(x64|arm64|arm|x86|s390x|ppc64le|loongarch64)(?![\w.-])")
_RID_OPTIONS = ("-r", "--runtime")


def glibc_runtime_identifiers(plan: FilePlan) -> list[Finding]:
    """Rewrite, in place, the musl runtime identifiers of the RUN lines of stages on dotnet-sdk (MIG232); and
    MIG233 for a musl one that a project file of the build context names, which a publish without `-r` uses."""
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.images import image_name

    findings: list[Finding] = []
    for stage_plan in plan.stages:
        if not stage_plan.migrated or image_name(plan.inherited_image(stage_plan)) != "dotnet-sdk":
            continue
        stage = stage_plan.stage
        for position, item in enumerate(stage.items):
            if not isinstance(item, Instruction) or item.keyword != "RUN" or not _MUSL_RID.search(item.raw):
                continue
            musl = sorted(set(_MUSL_RID.findall(item.raw)))
            stage.items[position] = parse_instruction(_MUSL_RID.sub(r"linux-\1", item.raw), item.line, item.escape)
            named = ", ".join(f"linux-musl-{arch} -> linux-{arch}" for arch in musl)
            findings.append(finding("MIG232", item.line, (
                f"{named}: an app published for musl has a musl apphost (and, self-contained, a musl runtime), "
                "which cannot start on the glibc of Chainguard's images (there is no musl loader); the glibc "
                "identifier of the same architecture builds the app for them")))
        findings += _project_identifiers(plan, stage_plan.stage)
    return findings


def _project_identifiers(plan: FilePlan, stage: object) -> list[Finding]:
    """For the first `dotnet publish` without `-r` of the stage whose project (plan.dotnet_projects: the one it
    builds, with the Directory.Build.props above it) names a musl runtime identifier: E MIG233 when the app cannot
    start (self-contained, or started by its apphost); else W MIG595, only the native assets of its packages are
    musl builds."""
    from migrator.plan.dotnet_projects import published_projects, self_contained, stage_publishes
    from migrator.plan.stages import Stage

    assert isinstance(stage, Stage)
    for command, workdir in stage_publishes(stage):
        if any(w in _RID_OPTIONS or w.startswith(("--runtime=", "-r:")) or "runtimeidentifier=" in w.lower()
               for w in command.words):
            continue
        for project in published_projects(stage, command, workdir, plan.files):
            rid = project.properties.get("runtimeidentifier", "")
            if not _MUSL_RID.fullmatch(rid):
                continue
            glibc = "linux-" + rid[len("linux-musl-"):]
            published = f"`{' '.join(command.words[:2])}` builds for {rid}, the <RuntimeIdentifier> of {project.path}"
            fix = f"set it to {glibc} in the project (or publish with `-r {glibc}`)"
            started, shown = _started_by_dotnet(plan)
            if self_contained(command.words, project) or started is None:
                what = "a self-contained musl app" if self_contained(command.words, project) else (
                    f"a musl app started by `{shown}`, not by `dotnet App.dll`: its musl apphost" if shown else
                    "a musl app with no start command that runs it with `dotnet App.dll`: its musl apphost")
                return [finding("MIG233", command.line, (
                    f"{published}: {what}, which cannot start on the glibc of Chainguard's images; {fix}"))]
            return [finding("MIG595", command.line, (
                f"{published}: the app is framework-dependent and starts as `{started}`, which the glibc `dotnet` "
                "of Chainguard's images runs (the musl apphost is never run); the native libraries of its NuGet "
                "packages (SQLite, SkiaSharp, gRPC...) are their musl builds, which fail to load when the app uses "
                f"them; {fix}"))]
    return []


def _started_by_dotnet(plan: FilePlan) -> tuple[str | None, str]:
    """(`dotnet App.dll` when the final stage's start command has the dotnet host start an assembly, else None (the
    app's apphost, `./App`, or a script this tool does not read); the start command as written)."""
    from migrator.plan.startcommand import effective_command, unwrap

    argv = effective_command([s.instructions for s in plan.final.stage.chain()], (), ()).argv
    shown = " ".join(argv)
    argv = argv[unwrap(argv).program_index:]
    if len(argv) > 1 and posixpath.basename(argv[0]) == "dotnet" and argv[1].endswith(".dll"):
        return f"dotnet {posixpath.basename(argv[1])}", shown
    return None, shown
