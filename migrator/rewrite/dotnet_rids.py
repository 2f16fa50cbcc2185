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
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan
from migrator.regex import lazy as lazy_re

# (a word of its own: not part of a URL or a file name, `tool-linux-musl-x64.tar.gz`)
_MUSL_RID = lazy_re(r"(?<![\w./-])linux-musl-(x64|arm64|arm|x86|s390x|ppc64le|loongarch64)(?![\w.-])")
_PROJECT_RID = re.compile(r"<RuntimeIdentifier>\s*(linux-musl-[\w]+)\s*</RuntimeIdentifier>", re.IGNORECASE)
_PROJECT_FILES = (".csproj", ".fsproj", ".vbproj", "Directory.Build.props")
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
    """MIG233 at the first `dotnet publish` without `-r` of the stage, when a project file of the build
    context names a musl runtime identifier."""
    from migrator.plan.facts import read_facts
    from migrator.plan.stages import Stage

    assert isinstance(stage, Stage)
    publishes = [c for c in read_facts(stage).run_commands()
                 if posixpath.basename(c.words[0]) == "dotnet" and c.words[1:2] == ("publish",)
                 and not any(w in _RID_OPTIONS or w.startswith(("--runtime=", "-r:")) or
                             "runtimeidentifier=" in w.lower() for w in c.words)]
    if not publishes:
        return []
    for path in plan.files.files_named(_PROJECT_FILES):
        found = _PROJECT_RID.search(plan.files.text(path, 1 << 20) or "")
        if found is not None:
            rid = found.group(1)
            glibc = "linux-" + rid[len("linux-musl-"):]
            return [finding("MIG233", publishes[0].line, (
                f"`{' '.join(publishes[0].words[:2])}` builds for {rid}, the <RuntimeIdentifier> of {path}: a musl "
                f"app, which cannot start on the glibc of Chainguard's images; set it to {glibc} in the project "
                f"(or publish with `-r {glibc}`)"))]
    return []
