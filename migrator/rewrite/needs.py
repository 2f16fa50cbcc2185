"""What the runtime stage needs from the builder beyond the app: shared libraries, volume directories.

Each function adds to the ecosystem's RuntimePlan and returns the findings that explain it.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.rewrite.shell import SimpleCommand


def prepare_volumes(stage: Stage, runtime_plan: RuntimePlan) -> list[Finding]:
    """VOLUME directories must exist, owned by the runtime user, before a volume is mounted there."""
    import shlex

    paths: list[str] = []
    for instruction in stage.instructions:
        if instruction.keyword != "VOLUME":
            continue
        try:
            words = instruction.json_args() or shlex.split(instruction.body)
        except ValueError:
            words = instruction.body.split()
        paths += [w for w in words if w.startswith("/") and "$" not in w]
    covered = [c.destination for c in runtime_plan.copies]
    missing = [p for p in paths if not any(p == c or p.startswith(c.rstrip("/") + "/") for c in covered)]
    if not missing:
        return []
    runtime_plan.builder_appends.append("RUN mkdir -p " + " ".join(missing))
    runtime_plan.copies += [Copy(p, p, chown=True) for p in missing]
    return [finding("MIG527", stage.from_item.line, "volume directories created in the builder and copied "
                    "owned by the nonroot runtime user: " + ", ".join(missing))]


def carry_libraries(plan: FilePlan, runtime_plan: RuntimePlan, packages: dict[int, list[str]]) -> list[Finding]:
    """Shared libraries the builder installed (or compiled against) go to the runtime too; packages the
    runtime lacks and that are not libraries are reported (MIG514)."""
    findings: list[Finding] = []
    stage: Stage | None = plan.final.stage
    installed: list[str] = []
    while stage is not None:
        installed = packages.get(stage.index, []) + installed
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
        findings.append(finding("MIG521", line, "shared libraries copied into the runtime: " + ", ".join(wanted)))
    runtime_name = image_name(plan.final.runtime_override or runtime_plan.image
                              or plan.root_of(plan.final).runtime_choice or "glibc-dynamic")
    provided = plan.rules.image_facts(runtime_name).packages
    missing = [p for p in run_time_packages(plan, packages) if p not in provided and p not in wanted]
    if missing:
        findings.append(finding("MIG514", line, f"the original final stage installed {', '.join(missing)}; "
                                f"the {runtime_name} runtime has no package manager: copy the files the app "
                                "uses at run time from the builder, or use a runtime image that has them"))
    return findings


_COMPILERS = frozenset({"build-base", "gcc", "make", "binutils", "pkgconf", "glibc-dev", "cmake", "autoconf",
                        "automake", "libtool", "git"})


def run_time_packages(plan: FilePlan, packages: dict[int, list[str]], build_tools: bool = False) -> list[str]:
    """Packages the original final stage installed that are not libraries, headers or build tools
    (`build_tools`: count those too, e.g. curl and jq, which a start script may well use)."""
    libraries = plan.rules.runtime_libs.get("libraries", {})
    implied = plan.rules.runtime_libs.get("dev_packages", {})
    common = {"ca-certificates", "ca-certificates-bundle", "tzdata"}
    installed: list[str] = []
    stage: Stage | None = plan.final.stage
    while stage is not None:
        installed = packages.get(stage.index, []) + installed
        stage = stage.parent
    return [p for p in dict.fromkeys(installed) if p not in libraries
            and p not in implied and not p.endswith("-dev") and (build_tools or p not in plan.rules.build_tools)
            and p not in common and p not in _COMPILERS]


def installed_packages(commands: list[SimpleCommand]) -> list[str]:
    """Package names of the `apk add` commands among a translated RUN's commands."""
    names: list[str] = []
    for command in commands:
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
