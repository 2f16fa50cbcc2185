"""Data files the source image carried in its own layers that the Chainguard runtime lacks.

python:3.11-slim installs tzdata in its own Dockerfile and gcr.io/distroless/base ships it; Chainguard's python
and glibc-dynamic have no time zone database. An app that sets TZ, builds a zoneinfo.ZoneInfo (Django's TIME_ZONE)
or calls Go's time.LoadLocation worked on the original image and fails, or falls back to UTC, on the runtime. Which
source images carry which files is rules data (rules/dockerhub.yaml `carried_files`); whether the runtime has the
package is the image model's (chainguard-images.yaml `packages`). The final stage copies the files from a
Chainguard image that has them, one COPY --from each, or installs the package where it stays one stage on
wolfi-base (MIG317). A package the Dockerfile installs itself is carried
with the builder's libraries instead (rewrite.needs.carry_libraries).
"""

from __future__ import annotations

from collections.abc import Iterable

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import glob_match


def carried_copies(plan: FilePlan, stage_plan: StagePlan, runtime_image: str, installed: Iterable[str],
                   installs: bool = True) -> tuple[list[str], list[str], list[Finding]]:
    """What gives the final stage's runtime the files its source image carried: the packages to install, where
    the runtime runs as root with apk (wolfi-base: one stage) and `installs`, else the COPY --from instructions
    (without line ends); and the finding that says so."""
    from migrator.plan.facts import read_facts
    from migrator.rules.data import builtin_data

    ref = plan.root_of(stage_plan).stage.ref
    if stage_plan is not plan.final or ref is None:
        return [], [], []
    model = plan.rules.image_model(runtime_image)
    installed = set(installed)
    copied = {d.rstrip("/") for stage in stage_plan.stage.chain() for d in read_facts(stage).copy_destinations}
    registry = plan.options.registry.rstrip("/")
    installs = installs and model.has_program("apk") and model.uid == 0
    packages: list[str] = []
    lines: list[str] = []
    findings: list[Finding] = []
    for entry in builtin_data("dockerhub.yaml").get("carried_files") or []:
        package = entry["package"]
        if not _matches(entry, ref.short_name, ref.tag or "latest") or not model.packages or \
                package in model.packages or package in installed:
            continue
        paths = [p for p in entry["paths"] if p not in copied]
        if not paths:
            continue
        source = entry["from"]
        if installs:
            packages.append(package)
        else:
            lines += [f"COPY --from={registry}/{source} {path} {path}" for path in paths]
        how = f"{package} added to apk add" if installs else f"{', '.join(paths)} copied from {source}"
        findings.append(finding("MIG317", stage_plan.stage.from_item.line, (
            f"{how}: {plan.root_of(stage_plan).stage.resolved} carried {package} in its own "
            f"image and {image_name(runtime_image)} has none; an app that reads it (TZ=..., Python's zoneinfo and "
            f"Django's TIME_ZONE, Go's time.LoadLocation for the time zone database) fails or falls back silently "
            f"without")))
    return packages, lines, findings


def _matches(entry: dict[str, list[str]], repository: str, tag: str) -> bool:
    if not any(glob_match(repository, pattern) for pattern in entry["match"]):
        return False
    if any(glob_match(tag, pattern) for pattern in entry.get("except") or []):
        return False
    return not entry.get("tags") or any(glob_match(tag, pattern) for pattern in entry["tags"])


def carried_libraries(plan: FilePlan, runtime_image: str) -> list[str]:
    """The runtime library packages the final stage's source image carried in its own layers that `runtime_image`
    lacks (rules/dockerhub.yaml `carried_libraries`: distroless/cc's OpenSSL on glibc-dynamic); a build stage that
    linked one stages it for the runtime (rewrite.linked_libraries)."""
    from migrator.rules.data import builtin_data

    entries = builtin_data("dockerhub.yaml").get("carried_libraries") or []
    ref = plan.root_of(plan.final).stage.ref
    if ref is None or not entries:
        return []
    tag = ref.tag or "latest"
    carried: list[str] = []
    for entry in entries:
        if any(glob_match(ref.short_name, p) for p in entry["match"]) and \
                not any(glob_match(tag, t) for t in entry.get("except") or []) and \
                (not entry.get("tags") or any(glob_match(tag, t) for t in entry["tags"])):
            carried += [lib for lib in entry["libraries"] if lib not in carried]
    model = plan.rules.image_model(runtime_image)
    if not carried or not model.packages:  # (an image the model does not describe: nothing known to be missing)
        return []
    return [lib for lib in carried if lib not in model.packages]
