"""What the runtime stage needs from the builder beyond the app: shared libraries, volume directories.

Each function adds to the ecosystem's RuntimePlan and returns the findings that explain it.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.words import shell_word
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.images import image_name
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re
from migrator.rewrite.runtime_packages import lost_packages, runtime_installs
from migrator.rewrite.shell_syntax import SimpleCommand


def prepare_volumes(stage: Stage, runtime_plan: RuntimePlan) -> list[Finding]:
    """VOLUME directories must exist, owned by the runtime user, before a volume is mounted there: those of the
    stage and of the stages it is built FROM, which the runtime carries too."""
    from migrator.parse.words import split_words
    from migrator.plan.writable import provided

    paths: list[str] = []
    for instruction in (i for chained in stage.chain() for i in chained.instructions):
        if instruction.keyword != "VOLUME":
            continue
        try:
            words = instruction.json_args() or split_words(instruction.body)
        except ValueError:
            words = instruction.body.split()
        paths += [w for w in words if w.startswith("/") and "$" not in w and not provided(w) and w not in paths]
    covered = [c.destination for c in runtime_plan.copies]
    missing = [p for p in paths if not any(p == c or p.startswith(c.rstrip("/") + "/") for c in covered)]
    if not missing:
        return []
    runtime_plan.builder_appends.append("RUN mkdir -p " + " ".join(shell_word(p) for p in missing))
    runtime_plan.copies += [Copy(p, p, chown=True) for p in missing]
    return [finding("MIG527", stage.from_item.line, "volume directories created in the builder and copied "
                    "owned by the nonroot runtime user: " + ", ".join(missing))]


def carry_libraries(plan: FilePlan, runtime_plan: RuntimePlan, packages: dict[int, list[str]]) -> list[Finding]:
    """Shared libraries the builder installed (or compiled against), and PHP extension modules, go to the
    runtime with every library they load: a builder step stages them under /runtime-libs and resolves
    the closure with the dynamic loader (`ld.so --list`), the runtime copies that tree to /. Packages
    the runtime lacks and that are not libraries, or that install programs too, are reported (MIG514)."""
    findings: list[Finding] = []
    installed = _installed(plan, packages)
    libraries = plan.rules.runtime_libs.get("libraries", {})
    implied = plan.rules.runtime_libs.get("dev_packages", {})
    wanted: list[str] = []
    for package in installed:
        for library in [package] if package in libraries else implied.get(package, []):
            if library in libraries and library not in wanted:
                wanted.append(library)
    runtime_image = (plan.final.runtime_override or runtime_plan.image or plan.root_of(plan.final).runtime_choice
                     or "glibc-dynamic")
    runtime_name = image_name(runtime_image)
    runtime = plan.rules.image_facts(runtime_name)
    php = runtime.has_program("php") or runtime.has_program("php-fpm")
    modules = php_modules(installed) if php else []
    paths = [path for library in wanted for path in libraries[library]]
    # (fontconfig's /etc/fonts for pango: the ld.so closure copies a loaded library, not the files it reads)
    loaded = plan.rules.runtime_libs.get("loaded_data", {})
    paths += [path for library in wanted for data in loaded.get(library, []) if data not in wanted
              for path in libraries.get(data, [])]
    if modules:  # the builder's extension set, modules and the ini files that load them, as one
        paths += ["/usr/lib/php/modules/*", "/etc/php/conf.d/*"]
    paths += php_configuration(plan.final.stage) if php else []
    line = plan.final.stage.from_item.line
    paths = [p for p in dict.fromkeys(paths) if p.rsplit("/", 1)[0] + "/*" not in paths or p.endswith("/*")]
    if paths:
        directories = staged_directories(paths)
        runtime_plan.builder_appends.append(staging_run(paths, directories, plan.final.stage.from_item.escape))
        runtime_plan.copies += [Copy(f"{STAGED}{d}/", f"{d}/", root_owned=True) for d in directories]
        carried = [", ".join(wanted)] if wanted else []
        carried += [f"PHP extensions {', '.join(modules)} (modules and their ini files)"] if modules else []
        carried += ["PHP configuration under /etc/php"] if php and not modules and not wanted else []
        findings.append(finding("MIG521", line, "copied into the runtime with every shared library they load "
                                f"(resolved in the builder with ld.so --list): {'; '.join(carried)}"))
    if plan.rules.image_model(runtime_image).has_program("apk"):  # a -dev runtime installs them itself
        findings += runtime_installs(plan, runtime_image, runtime_plan, packages, wanted + modules)
    else:
        findings += lost_packages(plan, runtime_name, packages, wanted + modules)
    return findings


def _installed(plan: FilePlan, packages: dict[int, list[str]]) -> list[str]:
    """Wolfi packages the final stage and the stages it is built FROM install, in order."""
    stage: Stage | None = plan.final.stage
    installed: list[str] = []
    while stage is not None:
        installed = packages.get(stage.index, []) + installed
        stage = stage.parent
    return list(dict.fromkeys(installed))


_PHP_EXTENSION = lazy_re(r"^php-(?:8\.\d+-)?(?:pecl-)?([a-z0-9_]+)$")
_NOT_EXTENSIONS = frozenset({"dev", "fpm", "cgi", "dbg", "doc", "config", "pear", "apache"})


def php_modules(installed: list[str]) -> list[str]:
    """The PHP extension packages installed (`php-zip`, `php-8.5-redis`). Wolfi's put the module in
    /usr/lib/php/modules and the ini line loading it in /etc/php/conf.d (wolfi-dev/os php-8.X.yaml)."""
    found: list[str] = []
    for package in installed:
        match = _PHP_EXTENSION.match(package)
        if match is not None and match.group(1) not in _NOT_EXTENSIONS:
            found.append(package)
    return found


_PHP_CONFIGURATION = lazy_re(r"/etc/php/[A-Za-z0-9_.*/-]*")


def php_configuration(stage: Stage | None) -> list[str]:
    """PHP configuration the final stage (and the stages it is built FROM) writes or copies under
    /etc/php (`echo ... > /etc/php/conf.d/app.ini`, `COPY php.ini /etc/php/conf.d/`): the original
    image had it, so the runtime gets it too. A directory stands for the files in it."""
    found: list[str] = []
    while stage is not None:
        for instruction in stage.instructions:
            if instruction.keyword in ("RUN", "COPY", "ADD"):
                for path in _PHP_CONFIGURATION.findall(instruction.raw):
                    name = path.rstrip("/").rsplit("/", 1)[-1]
                    found.append(path.rstrip("/") + ("" if "." in name or "*" in name else "/*"))
        stage = stage.parent
    return [p for p in dict.fromkeys(found) if p not in ("/etc/php/*",)]


STAGED = "/runtime-libs"


def staged_directories(paths: list[str]) -> list[str]:
    """The directories the runtime copies from /runtime-libs: those of the paths and /usr/lib (where the
    libraries they load are), without one inside another."""
    import posixpath

    found: list[str] = []
    # (shortest first, so a directory comes before those inside it; then by name: the set's order changes from
    # one run to the next with the hash seed, and the output must not)
    for directory in sorted({"/usr/lib", *(posixpath.dirname(p) for p in paths)},
                            key=lambda d: (len(d), d != "/usr/lib", d)):
        if not any(directory == d or directory.startswith(d + "/") for d in found):
            found.append(directory)
    return found
# glibc's own libraries: every runtime that can load a library has them, from its own glibc (copying the
# builder's over them could mix two glibc versions)
_GLIBC = ("ld-linux-*", "libc.so.*", "libm.so.*", "libmvec.so.*", "libdl.so.*", "libpthread.so.*", "librt.so.*",
          "libresolv.so.*", "libutil.so.*", "libanl.so.*", "libnss_*", "libBrokenLocale.so.*")


def staging_run(paths: list[str], directories: list[str], escape: str = "\\") -> str:
    """A builder RUN that copies `paths` (globs; absent ones are skipped) under /runtime-libs at their own
    path (a directory stays a directory), then every library they load, found by the dynamic loader."""
    skip = "|".join(_GLIBC)
    lines = [
        "RUN set -e; for ld in /lib/ld-linux-*.so.* /lib64/ld-linux-*.so.*; do [ -e \"$ld\" ] && break; done; \\",
        f"    mkdir -p {' '.join(STAGED + d for d in directories)}; \\",
        f"    for path in {' '.join(paths)}; do \\",
        '      [ -e "$path" ] || continue; \\',
        f'      mkdir -p "{STAGED}${{path%/*}}"; cp -a "$path" "{STAGED}$path"; \\',
        "    done; \\",
        f"    find {STAGED} -name '*.so*' -type f -exec \"$ld\" --list {{}} \\; > /tmp/loaded 2>/dev/null || true; \\",
        "    awk '$2 == \"=>\" && $3 ~ /^\\// && !seen[$3]++ {print $3}' /tmp/loaded > /tmp/needed; \\",
        "    while read -r dep; do \\",
        f'      case "${{dep##*/}}" in {skip}) continue ;; esac; \\',
        f'      case "$dep" in {STAGED}/*) continue ;; /lib/*|/lib64/*) to="/usr/lib/${{dep#/lib*/}}" ;; '
        '*) to="$dep" ;; esac; \\',
        f'      [ -e "{STAGED}$to" ] || {{ mkdir -p "{STAGED}${{to%/*}}"; cp -L "$dep" "{STAGED}$to"; }}; \\',
        "    done < /tmp/needed; rm -f /tmp/loaded /tmp/needed",
    ]
    return "\n".join(line[:-1] + escape if line.endswith("\\") else line for line in lines)


# (not git: an app may run it at run time, GitPython and simple-git do, so it is named like any other tool, MIG514)
COMPILERS = frozenset({"build-base", "gcc", "make", "binutils", "pkgconf", "glibc-dev", "cmake", "autoconf",
                       "automake", "libtool"})


def run_time_packages(plan: FilePlan, packages: dict[int, list[str]], build_tools: bool = False) -> list[str]:
    """Packages the original final stage installed that are not libraries, headers or build tools
    (`build_tools`: count those too, e.g. curl and jq, which a start script may well use). A library
    package whose programs the stage installed (`apt-get install imagemagick`: convert; graphviz: dot)
    counts: copying its shared libraries leaves out the programs an app shells out to."""
    libraries = plan.rules.runtime_libs.get("libraries", {})
    implied = plan.rules.runtime_libs.get("dev_packages", {})
    common = {"ca-certificates", "ca-certificates-bundle"}  # tzdata too is lost where the runtime lacks it
    installed = _installed(plan, packages)
    programs = programs_installed(plan, installed)
    return [p for p in installed if (p not in libraries or p in programs)
            and p not in implied and not p.endswith("-dev") and (build_tools or p not in plan.rules.build_tools)
            and p not in common and p not in COMPILERS]


def installed_packages(commands: list[SimpleCommand]) -> list[str]:
    """Package names of the `apk add` commands among a translated RUN's commands (`apk --no-cache add` too)."""
    from migrator.rewrite.packages import package_command

    found = [package_command(command.words) for command in commands]
    return [name for c in found if c is not None and c.program == "apk" for name in c.packages]


def programs_installed(plan: FilePlan, candidates: list[str]) -> set[str]:
    """The Wolfi library packages whose programs the original final stage (or a stage it is built FROM)
    installed by name: `apt-get install imagemagick`, not `apk add imagemagick-libs` (rules/runtime-libs.yaml
    `program_packages`), among `candidates`. A package list in a variable is not read, nor
    `apk add --virtual .build-deps ...`, which the stage removes again."""
    from migrator.plan.facts import read_facts
    from migrator.rewrite.packages import package_command

    program_packages = plan.rules.runtime_libs.get("program_packages", {})
    wanted = {p: program_packages[p] for p in candidates if p in program_packages}
    if not wanted:  # (the usual case: no stage is read again)
        return set()
    named: set[str] = set()
    stage: Stage | None = plan.final.stage
    while stage is not None:
        for command in read_facts(stage).commands:
            found = package_command(command.words)
            if found is not None and found.virtual is None:
                named.update(found.packages)
        stage = stage.parent
    return {package for package, sources in wanted.items() if named.intersection(sources)}


