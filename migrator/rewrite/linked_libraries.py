"""Shared libraries the source final image carried that a binary copied in from a build stage loads, and that the
Chainguard runtime lacks: gcr.io/distroless/base and cc carry OpenSSL (libssl.so.3, libcrypto.so.3), alpine carries
it and zlib, while glibc-dynamic has glibc, libgcc and libstdc++ only (rules/dockerhub.yaml `carried_libraries`).

A stage the final stage copies from linked such a library when it (or a stage it is built FROM) installs the -dev
package (openssl-dev: rules/runtime-libs.yaml `dev_packages`), when one of its compiler commands names it (`gcc ...
-lssl`: `linked`), or when it runs cargo and the build context's Cargo.lock (else Cargo.toml) has a crate that links
it (`rust`, unless a `rust_static` crate builds it in). That stage then stages the libraries under /runtime-libs with
every library they load (rewrite.needs.staging_run) and the final stage copies them to /usr/lib (I MIG521). A stage
that cannot (not migrated: its libraries are not where Wolfi keeps them) gets E MIG243 naming what is missing.
Where the evidence is a link line or a crate, the source image shipped the headers (buildpack-deps: rust:1.75,
gcc:13) and the Chainguard -dev image does not: the -dev package is added to the stage's apk add (I MIG313).
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rewrite.tools import MissingTool

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.rules.loader import PackageMapping

_LINK_FLAG = lazy_re(r"-l([A-Za-z0-9_+.-]+)|-f(openmp)")
_COMPILER = lazy_re(r"(?:[\w.-]+-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|ld|gfortran)(?:-\d+(?:\.\d+)*)?")
_CARGO_BUILDS = frozenset({"build", "install", "rustc", "b"})
_LOCKED_CRATE = lazy_re(r'(?m)^name\s*=\s*"([A-Za-z0-9_-]+)"')
_DEPENDENCY = lazy_re(r"(?m)^\s*(?:\[(?:target\.[^\]]*\.)?dependencies\.([A-Za-z0-9_-]+)\]|([A-Za-z0-9_-]+)\s*=)"
                      r"(.*)$")
_DEPENDENCY_TABLE = lazy_re(r"(?m)^\s*\[(?:target\.[^\]]*\.|workspace\.)?dependencies\]\s*$")


@dataclass
class Linked:
    """What a build stage linked, and why the tool thinks so."""
    libraries: list[str] = field(default_factory=list)  # Wolfi runtime library packages
    reasons: list[str] = field(default_factory=list)  # `openssl-dev installed`, `-lssl`, `Cargo.lock: openssl-sys`
    headers: dict[str, str] = field(default_factory=dict)  # -dev package to add -> what needs it (no -dev installed)
    line: int = 0  # the RUN that links (where the headers go before)
    command: str = ""  # its command (`cargo build`, `gcc`)


def copied_from(plan: FilePlan) -> list[Stage]:
    """The stages the final stage (and the stages it is built FROM) copy files from (`COPY --from=builder`)."""
    chain = plan.final.stage.chain()
    found: list[Stage] = []
    for stage in chain:
        for instruction in stage.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            source = plan.staged.stage_by_reference(reference, before=stage.index) if reference else None
            if source is not None and source not in chain and source not in found:
                found.append(source)
    return found


def linked_by(plan: FilePlan, stage: Stage, installed: list[str], wanted: list[str] | None = None) -> Linked:
    """The runtime libraries `stage` (with the stages it is built FROM) linked, among `wanted` (None: any);
    `installed`: the Wolfi packages those stages install."""
    libs = plan.rules.runtime_libs
    implied, libraries = libs.get("dev_packages", {}), libs.get("libraries", {})
    linked = Linked()

    def add(found: list[str], reason: str, header: bool) -> None:
        found = [lib for lib in found if (wanted is None or lib in wanted) and lib in libraries]
        if not found:
            return
        linked.libraries += [lib for lib in found if lib not in linked.libraries]
        if reason not in linked.reasons:
            linked.reasons.append(reason)
        if header:
            for lib in found:
                dev = _headers_for(lib, implied)
                if dev is not None and dev not in installed and not any(lib in implied.get(p, []) for p in installed):
                    linked.headers.setdefault(dev, reason)

    from migrator.plan.facts import read_facts
    from migrator.rewrite.packages import package_command

    commands = [c for s in stage.chain() for c in read_facts(s).run_commands() if c.words]
    added = [package_command(c.words) for c in commands]  # (`apk add` on a Chainguard image: not translated)
    installed = list(dict.fromkeys(installed + [p for a in added if a is not None and a.program == "apk"
                                                for p in a.packages]))
    for package in installed:
        add([package] if package in libraries else list(implied.get(package, [])), f"{package} installed", False)
    table = libs.get("linked", {})
    for command in (c for c in commands if _COMPILER.fullmatch(c.words[0].rsplit("/", 1)[-1])):
        for word in command.words[1:]:
            match = _LINK_FLAG.fullmatch(word)
            name = (match.group(1) or "gomp") if match is not None else ""  # (-fopenmp links GCC's libgomp)
            if name in table:
                linked.line, linked.command = linked.line or command.line, linked.command or command.words[0]
                add(list(table[name]), f"`{word}`", True)
    cargo = next((c for c in commands if c.words[0].rsplit("/", 1)[-1] == "cargo"
                  and _CARGO_BUILDS.intersection(c.words[1:3])), None)
    if cargo is not None:
        crates, source = _crates(plan)
        static = {lib for crate in crates for lib in libs.get("rust_static", {}).get(crate, [])}
        for crate in crates:
            found = [lib for lib in libs.get("rust", {}).get(crate, []) if lib not in static]
            if found:
                linked.line, linked.command = linked.line or cargo.line, linked.command or cargo.words[0]
                add(found, f"{source} has {crate}", True)
    return linked


def _headers_for(library: str, implied: dict[str, list[str]]) -> str | None:
    """The -dev package that implies `library` with the fewest others (openssl-dev for libssl3, not xmlsec-dev)."""
    candidates = [(len(libs), dev) for dev, libs in implied.items() if library in libs]
    return min(candidates)[1] if candidates else None


def _crates(plan: FilePlan) -> tuple[list[str], str]:
    """The crates of the build context's Cargo.lock (every package it resolved), else the direct dependencies
    Cargo.toml names; and which file said so. A crate whose `vendored` feature is asked for builds OpenSSL in."""
    files = plan.files
    lock = files.text("Cargo.lock", 1 << 22)
    if lock:
        return list(dict.fromkeys(_LOCKED_CRATE.findall(lock))), "Cargo.lock"
    manifest = files.text("Cargo.toml", 1 << 20) or ""
    crates: list[str] = []
    in_dependencies = False
    for line in manifest.splitlines():
        if line.lstrip().startswith("["):
            in_dependencies = bool(_DEPENDENCY_TABLE.match(line))
        match = _DEPENDENCY.match(line)
        if match is None or (match.group(2) and not in_dependencies):
            continue
        name = match.group(1) or match.group(2)
        crates.append(name)
        if "vendored" in match.group(3):
            crates.append("openssl-src")
    return list(dict.fromkeys(crates)), "Cargo.toml"


def header_tools(plan: FilePlan, stage_plan: StagePlan, installed: set[str]) -> list[MissingTool]:
    """The -dev packages a stage's link line or crates need that neither it nor its image installs (the source
    image shipped the headers: buildpack-deps), as tools to add to its apk add (I MIG313)."""
    linked = linked_by(plan, stage_plan.stage, sorted(installed))
    source = plan.rules.packages.get(stage_plan.family or "", {})
    return [MissingTool(_source_name(dev, source), dev, linked.line, linked.command,
                        why=f"{reason}, which links {', '.join(plan.rules.runtime_libs['dev_packages'][dev])}")
            for dev, reason in linked.headers.items()]


def _source_name(dev: str, source: dict[str, PackageMapping]) -> str:
    """What the source distribution calls a Wolfi -dev package (openssl-dev: Debian's libssl-dev)."""
    return next((name for name, mapping in source.items() if mapping.names == (dev,)), dev)


def stage_libraries(plan: FilePlan, stage_plan: StagePlan, installed: list[str], runtime_image: str | None
                    ) -> tuple[str, str, list[Finding]] | None:
    """For a stage the final stage copies from: (the RUN that stages the carried libraries it linked, without its
    line end; the COPY the final stage adds; the finding), or None when there is nothing to carry."""
    from migrator.rewrite.carried_files import carried_libraries
    from migrator.rewrite.needs import STAGED, staged_directories, staging_run

    if runtime_image is None or stage_plan.stage not in copied_from(plan):
        return None
    missing = carried_libraries(plan, runtime_image)
    linked = linked_by(plan, stage_plan.stage, installed, missing) if missing else None
    if linked is None or not linked.libraries:
        return None
    source = plan.root_of(plan.final).stage.resolved
    runtime = image_name(runtime_image)
    label = stage_plan.stage.label
    names = ", ".join(linked.libraries)
    why = f"{source} carried them in its own image, {runtime} has none, and '{label}' linked them " \
          f"({'; '.join(linked.reasons)})"
    line = plan.final.stage.from_item.line
    root = plan.root_of(stage_plan).choice
    chainguard = root is not None and root.status == "already"  # (a Chainguard stage has them where Wolfi keeps them)
    if not stage_plan.migrated and not chainguard:
        return "", "", [finding("MIG243", line, f"{names}: {why}; '{label}' is not migrated, so its libraries are "
                                "not where Wolfi keeps them: the binary stops at exec with 'error while loading "
                                "shared libraries'. Copy them (and what they load) from a Wolfi stage into the "
                                "final stage")]
    libraries = plan.rules.runtime_libs.get("libraries", {})
    paths = list(dict.fromkeys(p for lib in linked.libraries for p in libraries[lib]))
    directories = staged_directories(paths)
    run = staging_run(paths, directories, stage_plan.stage.from_item.escape)
    copies = "\n".join(f"COPY --from={label} {STAGED}{d}/ {d}/" for d in directories)
    return run, copies, [finding("MIG521", line, f"copied into the runtime from '{label}' with every shared library "
                                 f"they load (resolved there with ld.so --list): {names}; {why}")]
