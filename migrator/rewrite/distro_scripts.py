"""Build steps that depend on the source distribution where this tool cannot see them.

`RUN ./setup/preinstall.sh` runs a script from the build context that was written for the Debian (or
Alpine, or RHEL) image: it may call apt-get or dpkg, which Wolfi does not have, and nothing in the
Dockerfile says so. When the context is on disk the script is read: a package manager of the source
distribution in it is an error (the RUN fails). An unreadable script whose own file name says it installs
system packages (preinstall.sh, install-deps.sh, packages.sh; its directory says nothing), or that its RUN
step runs with the apt or yum cache mounted, is an error too where the source distribution's package manager is
not Wolfi's apk (Debian, RHEL): it installs packages with apt-get or yum, so the step fails; another
unreadable script (build.sh compiling the app) gets a warning that says what to check.

A builder on a Docker Hub image built on buildpack-deps (python, ruby without -slim, rust) had the -dev
headers of the usual C libraries preinstalled; a build that compiles native code there finds none of
them on the Chainguard -dev image, which is said too.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # (not typing's: see rewrite/run.py)
if TYPE_CHECKING:
    from migrator.rewrite.command import StageKnowledge
    from migrator.rewrite.shell import ShellRewrite

_FAMILIES = {"debian": "Debian", "alpine": "Alpine", "fedora": "RHEL/Fedora"}
_MANAGERS = lazy_re(r"(?m)^[^#\n]*?(?<![\w./-])(apt-get|apt|aptitude|dpkg|yum|dnf|microdnf|zypper|xx-apt-get|xx-apt)"
                    r"(?=[ \t]+-*[a-z])")
_APK = lazy_re(r"(?m)^[^#\n]*?(?<![\w./-])apk(?:[ \t]+-\S+)*[ \t]+add\b")  # (`apk --no-cache add`)
_COMPILES = lazy_re(r"(?<![\w-])(?:pip3?|uv|poetry|gem|bundle|npm|yarn|pnpm|cargo|make|cmake|\./configure|gcc|cc"
                    r"|go[ \t]+build|node-gyp)(?![\w-])")


def stage_context_scripts(plan: FilePlan, stage_plan: StagePlan) -> list[tuple[str, int, str]]:
    """plan.scripts.context_scripts, read once per stage (the writer asks twice)."""
    from migrator.plan.scripts import context_scripts

    key = f"context scripts {stage_plan.stage.index}"
    if key not in plan.memo:
        plan.memo[key] = context_scripts(stage_plan.stage)
    found: list[tuple[str, int, str]] = plan.memo[key]
    return found


def translate_heredoc_scripts(plan: FilePlan, stage_plan: StagePlan, copy: Instruction,
                              knowledge: StageKnowledge) -> tuple[str, ShellRewrite | None]:
    """The COPY with the scripts its heredocs write translated like a RUN's (`COPY <<EOF /setup.sh` run later by
    `RUN sh /setup.sh`: its apt-get becomes apk add), other lines byte for byte; and the last rewrite (its
    findings, whether it installs packages). The translated text is remembered for the MIG415 check."""
    from copy import copy as copy_of

    from migrator.plan.scripts import HEREDOC_SOURCE
    from migrator.rewrite.shell import ShellRewrite, apply_edits, rewrite_script

    if stage_plan.family not in _FAMILIES or not stage_plan.migrated:
        return copy.raw, None
    sources = {source for _, _, source in stage_context_scripts(plan, stage_plan)}
    if not any(source.startswith(f"{HEREDOC_SOURCE}{copy.line}:") for source in sources):
        return copy.raw, None
    # the tools the stage lacks (bash for `RUN bash /setup.sh`) are installed before the script runs, never by it
    knowledge = copy_of(knowledge)
    knowledge.tools, knowledge.base_tools = [], []
    raw, combined = copy.raw, ShellRewrite([], [], False, False, False, True)
    for index in reversed(range(len(copy.heredocs))):  # from the end: earlier offsets stay valid
        source = f"{HEREDOC_SOURCE}{copy.line}:{index}"
        if source not in sources:
            continue
        heredoc = copy.heredocs[index]
        rewrite = rewrite_script(heredoc.body, stage_plan.family, plan.rules, heredoc.body_line, knowledge)
        if not rewrite.parsed or not rewrite.edits:
            continue
        body = apply_edits(heredoc.body, rewrite.edits)
        plan.memo[f"translated {source}"] = body
        raw = raw[:heredoc.body_offset] + body + raw[heredoc.body_offset + len(heredoc.body):]
        combined.findings[:0] = rewrite.findings
        combined.installs_packages |= rewrite.installs_packages
        combined.manages_users |= rewrite.manages_users
    return raw, combined if combined.findings or raw != copy.raw else None


def distro_script_findings(plan: FilePlan, stage_plan: StagePlan) -> list[Finding]:
    """Findings for the build-context scripts the stage runs, and for headers a full image had."""
    family = stage_plan.family
    if family not in _FAMILIES or not stage_plan.migrated:
        return []
    found: list[Finding] = []
    for program, line, source in stage_context_scripts(plan, stage_plan):
        found += _script_finding(plan, stage_plan, program, line, source, _FAMILIES[family], family)
    found += _full_image_headers(plan, stage_plan)
    found += _distro_installers(stage_plan)
    return found


def _distro_installers(stage_plan: StagePlan) -> list[Finding]:
    """MIG577 for each command of a language's tool that installs the source distribution's packages itself
    (`playwright install --with-deps`: apt-get under the hood; rules/commands.yaml `distro_installers`)."""
    from migrator.plan.facts import read_facts
    from migrator.rules.data import builtin_data

    rules = builtin_data("commands.yaml").get("distro_installers") or []
    found: list[Finding] = []
    for command in read_facts(stage_plan.stage).run_commands():
        text = " ".join(command.words)
        rule = next((r for r in rules if re.search(str(r["runs"]), text)), None)
        if rule is not None:
            shown = " ".join(command.words[:5]) + (" ..." if len(command.words) > 5 else "")
            found.append(finding("MIG577", command.line, f"`{shown}` installs {rule['what']}: Wolfi has no "
                                 "apt-get, so the step fails and the build stops here, and the Chainguard images "
                                 f"have none of what it would install; {rule['instead']}"))
    return found


def _script_finding(plan: FilePlan, stage_plan: StagePlan, program: str, line: int, source: str, label: str,
                    family: str) -> list[Finding]:
    from migrator.plan.scripts import HEREDOC_SOURCE, heredoc_text

    in_dockerfile = source.startswith(HEREDOC_SOURCE)
    text = plan.files.text(source)
    if in_dockerfile:
        text = plan.memo.get(f"translated {source}") or heredoc_text(stage_plan.stage.chain(), source)
    if in_dockerfile:
        source = f"written by the COPY heredoc on line {source[len(HEREDOC_SOURCE):].split(':')[0]}, not"
    if text is not None:
        managers = sorted({m.group(1) for m in _MANAGERS.finditer(text)})
        if not managers and family == "alpine" and _APK.search(text):
            return [finding("MIG414", line, f"`{program}` ({source} in the build context) runs `apk add` with "
                            "Alpine's package names: Wolfi has apk too, but names some packages differently "
                            "(and has no musl ones), so check each name against Wolfi's")]
        if not managers:
            return []
        return [finding("MIG415", line, f"`{program}` ({source} in the build context) runs {', '.join(managers)}: "
                        f"written for the {label} image, it fails on Wolfi, which has no such package manager "
                        "(and names packages differently). Port the script to `apk add` with Wolfi's names")]
    evidence = _setup_evidence(stage_plan, source, line)
    if family != "alpine" and evidence:
        return [finding("MIG417", line, f"`{program}` is a set-up script from the build context ({evidence}), "
                        f"written for the {label} image, that this tool cannot read ({_unread(plan, source)}): "
                        f"such a script installs packages with {_MANAGER[family]}, which Wolfi does not have, so the "
                        "step fails (under `set -e`, the build)" + _start_relies(plan, stage_plan) + "; give the "
                        "build context with --context DIR to have it checked, or port what it installs to `apk add` "
                        "with Wolfi's names")]
    return [finding("MIG414", line, f"`{program}` is a script from the build context, written for the {label} "
                    "image, that this tool cannot read: it runs at build time and may call "
                    f"{'apk with Alpine package names' if family == 'alpine' else 'apt-get or dpkg'} or use "
                    f"{label} paths, which fail on Wolfi. Check it (give the build context with --context DIR to "
                    "have it read), and port what it installs to `apk add`")]


def _setup_evidence(stage_plan: StagePlan, source: str, line: int) -> str:
    """Why an unread script is taken to install system packages ("" when nothing says so): its own file name
    (never its directory: ./install/build.sh builds the app), or a cache of the distribution's package manager
    mounted on the RUN step that runs it."""
    if is_setup_name(source):
        return "its name says so"
    for instruction in stage_plan.stage.instructions:
        if (instruction.keyword == "RUN" and instruction.line <= line <= instruction.end_line
                and _PACKAGE_CACHE.search(instruction.logical)):
            return "its RUN step mounts the package manager's cache"
    return ""


def is_setup_name(source: str) -> bool:
    """Whether a script's file name says it installs system packages: preinstall.sh, install-deps.sh,
    packages.sh, apt-packages.sh, system-deps.sh. Package words (deps, packages) count only alone or with words
    that say installing or the system (install, setup, system, apt), never with another action (build-packages.sh
    builds a monorepo's packages, fetch-deps.sh downloads sources); a package manager's name counts as a whole word
    (not aptly). Not install.sh or setup.sh (as often the app's own installer or configuration as the system's
    packages), not bootstrap (autotools' and Boost's build the software), not post-install, build, compile or
    assets, and not a language's dependencies (npm-deps.sh)."""
    name = posixpath.basename(source).lower()
    stem = re.sub(r"\.(?:sh|bash)$", "", name)
    words = [w for w in re.split(r"[-_.]+", stem) if w]
    if not words or any(w in _LANGUAGE_WORDS for w in words):
        return False
    joined = "".join(words)
    if joined.startswith(("preinstall", "prerequisite", "prereq")) or any(w in _MANAGER_WORDS for w in words):
        return True
    return any(w in _SETUP_WORDS for w in words) and all(w in _SETUP_WORDS or w in _SYSTEM_WORDS for w in words)


_SETUP_WORDS = frozenset({"deps", "dependencies", "depends", "packages", "pkgs", "sysdeps", "prereqs",
                          "prerequisites", "preinstall", "provision", "provisioning"})
# the words that may stand with a package word in a set-up script's name: installing, the system, a qualifier
_SYSTEM_WORDS = frozenset({"install", "installs", "setup", "add", "system", "sys", "os", "base", "runtime", "extra",
                           "common", "required", "docker", "container", "image", "linux", "native", "apt", "yum",
                           "dnf", "pre", "all", "more"})
_MANAGER_WORDS = frozenset({"apt", "aptitude", "yum", "dnf", "microdnf", "dpkg", "zypper"})
_LANGUAGE_WORDS = frozenset({"npm", "yarn", "pnpm", "node", "js", "pip", "python", "py", "gem", "gems", "ruby",
                             "bundle", "bundler", "composer", "php", "go", "cargo", "rust", "maven", "mvn", "gradle",
                             "java", "frontend", "assets", "r", "cran", "conda", "poetry"})
# `RUN --mount=type=cache,target=/var/cache/apt ./x.sh`: the script installs with the distribution's manager
_PACKAGE_CACHE = lazy_re(r"--mount=\S*target=/var/(?:lib|cache)/(?:apt|yum|dnf)\b")
_MANAGER = {"debian": "apt-get", "fedora": "yum or dnf"}


def _unread(plan: FilePlan, source: str) -> str:
    context = plan.options.context
    return f"`{source}` is not in the build context {context}" if context is not None else "no build context on disk"


def _start_relies(plan: FilePlan, stage_plan: StagePlan) -> str:
    """The final image is built on this stage: its start command may need what the script installs."""
    from migrator.plan.startcommand import effective_command

    chain = plan.final.stage.chain()
    if not any(stage is stage_plan.stage for stage in chain):
        return ""
    argv = effective_command([stage.instructions for stage in chain], (), ()).argv
    command = f"`{' '.join(argv)}`" if argv else "the command it is started with"
    return (f", and the final image is built on this stage: its start command ({command}) may rely on what the "
            "script installs (a service, a client, a library), which the migrated image then lacks")


def builds_on_full_image(stage: Stage) -> str | None:
    """The command that compiles (pip, gem, make...) in a stage on Docker Hub's full python, ruby or rust image (built
    on buildpack-deps: gcc and the common -dev headers), when the stage installs no -dev package itself."""
    from migrator.rules.data import builtin_data

    ref = stage.ref
    if ref is None or stage.parent is not None:
        return None
    full = builtin_data("dockerhub.yaml").get("full_images") or []
    tag = ref.tag or "latest"
    if not any(glob_match(ref.short_name, e["match"]) and not any(glob_match(tag, t) for t in e.get("except", []))
               for e in full):
        return None
    runs = "\n".join(i.body for i in stage.instructions if i.keyword == "RUN")
    compiled = _COMPILES.search(runs)
    if compiled is None or re.search(r"(?<![\w-])[a-z0-9.+-]+-dev(?![\w-])", runs):
        return None  # nothing built, or the stage installs -dev packages itself
    return compiled.group(0)


def _full_image_headers(plan: FilePlan, stage_plan: StagePlan) -> list[Finding]:
    """A builder on Docker Hub's full python, ruby or rust image that compiles something."""
    stage = stage_plan.stage
    compiled = builds_on_full_image(stage)
    if compiled is None or stage.ref is None:
        return []
    ref, tag = stage.ref, stage.ref.tag or "latest"
    return [finding("MIG416", stage.from_item.line, f"`{compiled}` builds on {ref.short_name}:{tag}, which "
                    "had the -dev headers of the common C libraries (buildpack-deps); the Chainguard -dev image does "
                    "not: add with apk the -dev packages a native extension links (postgresql-dev, libxml2-dev, "
                    "openssl-dev...)")]
