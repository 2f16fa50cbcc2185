""".NET runtime identifiers for musl (`linux-musl-x64`) in builds moved to Chainguard's dotnet-sdk, which is glibc.

An app published for a musl RID (`dotnet publish -r linux-musl-x64`, the -alpine images' habit) has a musl
apphost, and self-contained a musl runtime: on glibc (every Wolfi image) it cannot start ("exec ./App: no such
file or directory": there is no /lib/ld-musl-*.so.1). In the RUN, ARG and ENV lines of a stage on dotnet-sdk every
way of naming one becomes the glibc one of the same architecture, MIG232: the identifier wherever it is written (an
option's value, a variable's `RID=linux-musl-arm64`, a property `-p:RuntimeIdentifier(s)=...`), with an
architecture that a variable holds (`linux-musl-$TARGETARCH` -> `linux-$TARGETARCH`), the legacy Alpine ones
(`alpine-x64`, `alpine.3.18-arm64` -> `linux-x64`, `linux-arm64`), and the operating system alone (`--os
linux-musl` -> `--os linux`). A project file of the build context that names one (`<RuntimeIdentifier>`) is
out of the Dockerfile's reach: an error, MIG233 (or W MIG595, see _project_identifiers).
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item
from migrator.plan.planner import FilePlan
from migrator.regex import lazy as lazy_re

_ARCHES = r"(?:x64|arm64|arm|x86|s390x|ppc64le|loongarch64)"
_VARIABLE = r"\$(?:\{[^}\s]*\}|\w+)"
_MUSL_OS = r"(?:linux-musl|alpine(?:\.\d+)*)"
# a musl identifier as a word of its own (not part of a URL or a file name, `tool-linux-musl-x64.tar.gz`): its
# architecture named or held by a variable
_MUSL_RID = lazy_re(rf"(?<![\w./-]){_MUSL_OS}-({_ARCHES}|{_VARIABLE})(?![\w.-])")
# the directory `dotnet publish -r RID` writes to without `-o`: bin/<configuration>/<framework>/<RID>/publish
_MUSL_OUTPUT = lazy_re(rf"(?<=/)(net(?:coreapp)?\d+\.\d+[\w.-]*/){_MUSL_OS}-({_ARCHES}|{_VARIABLE})(?![\w.-])")
# the operating system alone, as the value of `--os` (SDK 6+: RID = <os>-<arch of -a, or of the SDK>); not as that
# of `-r`, which is also `cp -r` and `rm -r` (and a runtime pack needs the architecture)
_DOTNET_BUILD = lazy_re(r"(?<![\w.-])dotnet[ \t]+(?:publish|restore|build|msbuild)(?![\w-])")
_MUSL_OS_OPTION = lazy_re(rf"(?<![\w-])(--os)([ \t]+|[=:]){_MUSL_OS}(?![\w.-])")
# the options of `dotnet publish` that set the runtime identifier, overriding the project's (`--os` and `-a` make it
# from the one given and the SDK's own, glibc, other half)
_RID_OPTIONS = ("-r", "--runtime", "--os", "-a", "--arch")


def glibc_runtime_identifiers(plan: FilePlan) -> list[Finding]:
    """Rewrite, in place, the musl runtime identifiers of the RUN, ARG and ENV lines of stages on dotnet-sdk (and
    of the RUN lines that run `dotnet publish/restore/build` in other migrated stages: every Chainguard image is
    glibc), of the global ARGs the former declare, and the publish directories named after them that a COPY
    --from such a stage copies (MIG232); and MIG233 for a musl one that a project file of the build context names,
    which a publish without `-r` uses."""
    from migrator.plan.images import image_name

    findings: list[Finding] = []
    sdk_stages = [p.stage for p in plan.stages
                  if p.migrated and image_name(plan.inherited_image(p)) == "dotnet-sdk"]
    # (and a migrated stage that builds with a dotnet it installs: its RUN lines that run dotnet)
    building = {p.stage.index for p in plan.stages if p.migrated and any(
        i.keyword == "RUN" and _DOTNET_BUILD.search(i.raw) for i in p.stage.instructions)}
    sdk = {stage.index for stage in sdk_stages}
    building |= sdk
    for stage_plan in plan.stages:
        stage, on_sdk = stage_plan.stage, stage_plan.stage.index in sdk
        for position, item in enumerate(stage.items):
            if isinstance(item, Instruction) and stage_plan.migrated and (
                    item.keyword in ("RUN", "ARG", "ENV") if on_sdk
                    else item.keyword == "RUN" and _DOTNET_BUILD.search(item.raw)):
                stage.items[position] = _renamed(item, findings)
            else:  # (a copy of the app's publish directory from a stage that builds it)
                findings += _copied_output(plan, stage.items, position, building)
        if on_sdk:
            findings += _project_identifiers(plan, stage)
    declared = {name for stage in sdk_stages for i in stage.instructions if i.keyword == "ARG"
                for name in _arg_names(i)}
    preamble = plan.staged.preamble
    for position, item in enumerate(preamble):  # (a global ARG that a stage on dotnet-sdk declares, and reads)
        if isinstance(item, Instruction) and item.keyword == "ARG" and declared & set(_arg_names(item)):
            preamble[position] = _renamed(item, findings)
    findings.sort(key=lambda f: f.line)
    return findings


def _renamed(item: Instruction, findings: list[Finding]) -> Instruction:
    """`item` with its musl identifiers made the glibc ones (adding MIG232 to `findings`), or itself."""
    from migrator.parse.dockerfile import parse_instruction

    raw, renamed = glibc_identifiers(item.raw)
    raw, directories = _glibc_output(raw)
    if not renamed and not directories:
        return item
    named = ", ".join(f"{musl} -> {glibc}" for musl, glibc in renamed + directories)
    findings.append(finding("MIG232", item.line, (
        f"{named}: an app published for musl has a musl apphost (and, self-contained, a musl runtime), "
        "which cannot start on the glibc of Chainguard's images (there is no musl loader); the glibc "
        "identifier of the same architecture builds the app for them")))
    return parse_instruction(raw, item.line, item.escape)


def _copied_output(plan: FilePlan, items: list[Item], position: int, sdk: set[int]) -> list[Finding]:
    """MIG232 for a COPY --from a stage on dotnet-sdk of the directory a publish for a musl identifier writes to
    (bin/Release/net8.0/linux-musl-x64/publish): the publish now writes to the glibc identifier's."""
    from migrator.parse.dockerfile import parse_instruction

    item = items[position]
    if not isinstance(item, Instruction) or item.keyword not in ("COPY", "ADD") or not item.flags.get("from"):
        return []
    source = plan.staged.stage_by_reference(item.flags["from"])
    if source is None or source.index not in sdk:
        return []
    raw, directories = _glibc_output(item.raw)
    if not directories:
        return []
    items[position] = parse_instruction(raw, item.line, item.escape)
    named = ", ".join(f"{musl} -> {glibc}" for musl, glibc in directories)
    return [finding("MIG232", item.line, (
        f"{named}: the publish for the glibc runtime identifier (which replaces the musl one, whose app cannot "
        "start on the glibc of Chainguard's images) writes the app to this directory"))]


def _glibc_output(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`text` with the publish directories of musl identifiers (`net8.0/linux-musl-x64`) made the glibc ones."""
    renamed: dict[str, str] = {}

    def directory(found: re.Match[str]) -> str:
        renamed.setdefault(found.group(0), f"{found.group(1)}linux-{found.group(2)}")
        return renamed[found.group(0)]

    return _MUSL_OUTPUT.sub(directory, text), list(renamed.items())


def _arg_names(instruction: Instruction) -> list[str]:
    """The names an ARG instruction declares (`ARG RID=linux-musl-x64 CONFIG` -> RID, CONFIG)."""
    return [word.split("=", 1)[0] for word in instruction.args.split()]

def glibc_identifiers(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`text` with each musl runtime identifier (or musl `--os`) made the glibc one; and what was renamed, in the
    order first met (`("linux-musl-x64", "linux-x64")`, `("--os linux-musl", "--os linux")`)."""
    renamed: dict[str, str] = {}

    def rid(found: re.Match[str]) -> str:
        renamed.setdefault(found.group(0), "linux-" + found.group(1))
        return renamed[found.group(0)]

    def os_option(found: re.Match[str]) -> str:
        glibc = f"{found.group(1)}{found.group(2)}linux"
        renamed.setdefault(" ".join(found.group(0).split()), " ".join(glibc.split()))
        return glibc

    text = _MUSL_OS_OPTION.sub(os_option, _MUSL_RID.sub(rid, text))
    return text, list(renamed.items())


def glibc_identifier(rid: str) -> str | None:
    """The glibc identifier of a musl one (`alpine.3.18-x64` -> `linux-x64`); None when `rid` is not musl."""
    found = _MUSL_RID.fullmatch(rid.strip())
    return "linux-" + found.group(1) if found else None


def _project_identifiers(plan: FilePlan, stage: object) -> list[Finding]:
    """For the first `dotnet publish` without `-r` of the stage whose project (plan.dotnet_projects: the one it
    builds, with the Directory.Build.props above it) names a musl runtime identifier: E MIG233 when the app cannot
    start (self-contained, or started by its apphost); else W MIG595, only the native assets of its packages are
    musl builds."""
    from migrator.plan.dotnet_projects import published_projects, self_contained, stage_publishes
    from migrator.plan.stages import Stage

    assert isinstance(stage, Stage)
    for command, workdir in stage_publishes(stage):
        if any(w in _RID_OPTIONS or w.startswith(tuple(f"{o}{s}" for o in _RID_OPTIONS for s in "=:"))
               or "runtimeidentifier=" in w.lower() for w in command.words):
            continue
        for project in published_projects(stage, command, workdir, plan.files):
            rid = project.properties.get("runtimeidentifier", "")
            glibc = glibc_identifier(rid)
            if glibc is None:
                continue
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
