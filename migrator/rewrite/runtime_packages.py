"""What the original final stage installed that a runtime without a package manager does not have (MIG514).

Every such package is listed, tools and tzdata included: only the app knows which of them it uses
at run time. Wrappers the start command no longer uses (gosu, tini: MIG508/MIG509), the runtime's
own language and packages the runtime image already has are left out; packages a RUN step of the
stage itself runs are named apart, as they may only have served the build.
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.ecosystems.base import RuntimePlan
from migrator.plan.facts import read_facts
from migrator.plan.planner import FilePlan
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rewrite.wrappers import INIT_WRAPPERS, USER_WRAPPERS

_WRAPPERS = INIT_WRAPPERS | USER_WRAPPERS  # (the start command drops them: no package the runtime needs)


def missing_packages(plan: FilePlan, runtime_name: str, packages: dict[int, list[str]],
                     carried: list[str]) -> list[str]:
    """What the original final stage installed that the runtime has not. `carried`: the libraries already
    copied into the runtime (MIG521); one whose programs the stage installed (graphviz: dot) still lacks
    them."""
    from migrator.rewrite.needs import programs_installed, run_time_packages

    provided = plan.rules.image_facts(runtime_name).packages
    language = [g for lang in plan.rules.languages.values() if lang.runtime_name == runtime_name for g in lang.packages]
    programs = programs_installed(plan, carried)
    return [p for p in run_time_packages(plan, packages, build_tools=True) if p not in provided
            and (p not in carried or p in programs) and p not in _WRAPPERS
            and not any(glob_match(p, g) for g in language)]


def runtime_installs(plan: FilePlan, runtime_image: str, runtime_plan: RuntimePlan, packages: dict[int, list[str]],
                     carried: list[str]) -> list[Finding]:
    """A runtime on a -dev image has apk: it installs what the original final stage installed (MIG569)."""
    from migrator.plan.images import image_name

    missing = missing_packages(plan, image_name(runtime_image), packages, carried)
    if not missing:
        return []
    runtime_plan.packages += [p for p in missing if p not in runtime_plan.packages]
    tag = runtime_image.rsplit("/", 1)[-1]
    return [finding("MIG569", plan.final.stage.from_item.line, f"the original final stage installed "
                    f"{', '.join(missing)}: the runtime on {tag} has apk, so it installs them too (as root, then back "
                    "to the image's user)")]


def lost_packages(plan: FilePlan, runtime_name: str, packages: dict[int, list[str]],
                  carried: list[str]) -> list[Finding]:
    """`carried`: the libraries already copied into the runtime (MIG521)."""
    missing = missing_packages(plan, runtime_name, packages, carried)
    if not missing:
        return []
    from migrator.rewrite.tools import programs_of

    used = _run_programs(plan)
    building = [p for p in missing if p in used or used.intersection(programs_of(p))]
    listed = ", ".join(_only_libraries(p, carried) for p in missing)
    if building:
        listed += f" (the stage's RUN steps use {', '.join(building)}: nothing is lost if only the build needs them)"
    return [finding("MIG514", plan.final.stage.from_item.line, f"the original final stage installed {listed}; "
                    f"the {runtime_name} runtime has no package manager: copy the files the app uses at run time "
                    "from the builder, or use a runtime image that has them")]


def run_time_programs(plan: FilePlan, runtime_name: str, packages: dict[int, list[str]]) -> list[str]:
    """Packages the original final stage installed for programs (rules/tools.yaml: git, ffmpeg, openssh-client) that
    the runtime lacks and that no RUN step of the stage runs: the user put them in the image that runs the app, not
    in a builder, so the app runs them. Those are named in MIG514, not kept: a package a RUN step runs, or a stage
    installs with a compiler (the build's), one the HEALTHCHECK runs (the runtime gets the check in its own
    interpreter, MIG552, or not at all, MIG510), bash (the start check decides), and tools for the people and probes
    that use the container (rules/tools.yaml `operator_tools`: curl, jq, editors)."""
    from migrator.rewrite.tools import listed, programs_of

    used = _run_programs(plan) | _build_sets(packages)
    checks = [i for stage in plan.final.stage.chain() for i in stage.instructions if i.keyword == "HEALTHCHECK"]
    if checks:  # (the module is imported by the files that have one: a cold run of most files does without it)
        from migrator.rewrite.healthcheck import healthcheck_program

        used |= {posixpath.basename(program) for i in checks if (program := healthcheck_program(i)) is not None}
    operators = listed("operator_tools")
    return [p for p in missing_packages(plan, runtime_name, packages, [])
            if (programs := programs_of(p)) and p not in used and not used.intersection(programs)
            and p not in _SHELLS and p not in operators]


def _build_sets(packages: dict[int, list[str]]) -> set[str]:
    """What a stage installs that also installs a compiler or headers (`apt-get install build-essential curl`): it
    builds in place, and the tools it installs are counted as the build's, not as programs the app runs (MIG514 still
    names them), unless a stage without compilers installs them too. `packages`: the Wolfi packages of each stage."""
    from migrator.rewrite.needs import COMPILERS

    def builds(names: list[str]) -> bool:
        return any(n in COMPILERS or n.endswith("-dev") for n in names)

    with_compilers = {n for names in packages.values() if builds(names) for n in names}
    return with_compilers - {n for names in packages.values() if not builds(names) for n in names}


_SHELLS = frozenset({"bash"})  # (whether the start command needs bash, the start check says: MIG549, MIG551)


def _only_libraries(package: str, carried: list[str]) -> str:
    """`imagemagick (only its libraries are copied: not convert, magick, ...)` for a carried library package."""
    from migrator.rewrite.tools import programs_of

    if package not in carried:
        return package
    programs = programs_of(package)
    shown = ", ".join(programs[:3]) + (", ..." if len(programs) > 3 else "")
    return f"{package} (only its libraries are copied, not its programs {shown})"


def _run_programs(plan: FilePlan) -> set[str]:
    """The programs the RUN steps of the final stage (and the stages it is built FROM) run; git too where a command
    fetches from a git URL (`pip install git+https://...`, `go get`-style `.git` URLs run git underneath)."""
    stage = plan.final.stage
    names: set[str] = set()
    while stage is not None:
        commands = [c.words for c in read_facts(stage).commands if c.words]
        names |= {posixpath.basename(words[0]) for words in commands}
        if any(_GIT_URL.search(word) for words in commands for word in words[1:]):
            names.add("git")
        stage = stage.parent  # type: ignore[assignment]
    return names


_GIT_URL = lazy_re(r"(?:^|[@=])git\+|^git://|\.git(?:$|[@#])")
