"""Major-version jumps that stop the start for certain, and their mechanical fixes.

MIG220 says that `latest` serves another major version than the source pinned. For two cases the
consequence is certain, and each has a fix the runtime documents:

- A framework-dependent .NET app built for 3.1/5/6/7/8/9 does not start on the .NET 10 runtime
  (the host looks for the framework version the app names, and by default rolls forward only within
  a major version: "You must install or update .NET to run this application"). Chosen fix:
  `ENV DOTNET_ROLL_FORWARD=Major` in the runtime stage, with a warning (MIG554). An error alone would
  leave the user an image that cannot start; rolling forward starts the app on .NET 10, which runs
  most apps built for earlier versions (Microsoft documents the setting for exactly this), and the
  warning says to test it and retarget. Self-contained publishes carry their runtime and are left alone.
- JVM options that a current JVM refuses ("Unrecognized VM option", rules/jvm-options.yaml) are
  dropped from the start command, with a warning (MIG553): each only tuned what the JVM no longer has.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding, TagPolicy
from migrator.plan.planner import FilePlan
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re

ROLL_FORWARD = "DOTNET_ROLL_FORWARD=Major"
_DOTNET_RUNTIMES = frozenset({"aspnet-runtime", "dotnet-runtime", "dotnet-sdk"})


def dotnet_roll_forward(plan: FilePlan, runtime_image: str) -> Finding | None:
    """The finding for `ENV DOTNET_ROLL_FORWARD=Major`, when the final stage needs it on `runtime_image`."""
    from migrator.plan.images import image_name

    if image_name(runtime_image) not in _DOTNET_RUNTIMES or plan.options.tag_policy is TagPolicy.KEEP:
        return None
    ref = plan.root_of(plan.final).stage.ref
    if ref is None:
        return None
    pinned, latest = _dotnet_major(ref.short_name, ref.tag), _latest("dotnet")
    if pinned is None or latest is None or pinned >= latest or _self_contained(plan):
        return None
    if _sets_roll_forward(plan):
        return None
    return finding("MIG554", plan.final.stage.from_item.line, f"ENV {ROLL_FORWARD}: {ref.familiar} ran a .NET "
                   f"{pinned} app, and {image_name(runtime_image)}:latest has only .NET {latest}, to which an app does "
                   f"not roll forward by itself (it would exit: \"You must install or update .NET\"); test the app "
                   f"on .NET {latest}, then retarget it to net{latest}.0 and drop the setting")


def dotnet_tool_roll_forward(plan: FilePlan) -> list[Finding]:
    """`ENV DOTNET_ROLL_FORWARD=Major` before a build stage's first pinned .NET tool (`dotnet tool install
    dotnet-ef --version 8.0.0`, `dotnet tool restore` of a manifest), or first command that runs the project's
    own code (`dotnet test`, `dotnet run`): chosen to run on the source SDK's .NET (8), it does not start on
    dotnet-sdk:latest-dev, which has only the newest. The finding's line is the instruction the ENV goes
    before."""
    from migrator.plan.facts import read_facts
    from migrator.plan.images import image_name

    latest = _latest("dotnet")
    if latest is None or plan.options.tag_policy is TagPolicy.KEEP or _sets_roll_forward(plan):
        return []
    found: list[Finding] = []
    for stage_plan in plan.stages:
        ref = plan.root_of(stage_plan).stage.ref
        pinned = _dotnet_major(ref.short_name, ref.tag) if ref else None
        image = plan.inherited_image(stage_plan)
        if ref is None or pinned is None or pinned >= latest or not stage_plan.migrated or \
                image_name(image) != "dotnet-sdk" or (stage_plan is plan.final and not stage_plan.split):
            continue
        tools = [c for c in read_facts(stage_plan.stage).run_commands()
                 if _pinned_tool(c.words) or _runs_the_project(c.words)]
        if not tools:
            continue
        tool = " ".join(tools[0].words)
        if _runs_the_project(tools[0].words):
            runs = ("loads the project's own build (its DbContext) on that .NET, as `dotnet exec` of its runtime "
                    "config" if _runs_ef(tools[0].words) else "runs its code (the test host, the app) on that .NET")
            why = (f"{ref.familiar} had only .NET {pinned}, so the project targets net{pinned}.0 (or older), and "
                   f"`{_program(tools[0].words)}` {runs}; "
                   f"dotnet-sdk:latest-dev has only .NET {latest}, to which it does not roll forward by itself "
                   f"(\"You must install or update .NET\"): the build would fail there; or retarget the project "
                   f"to net{latest}.0")
        else:
            why = (f"{ref.familiar} had only .NET {pinned}, so the tool version it pins runs on .NET {pinned}; "
                   f"dotnet-sdk:latest-dev has only .NET {latest}, to which a tool does not roll forward by itself "
                   f"(\"You must install or update .NET\"); or pin a release of the tool for .NET {latest}")
        found.append(finding("MIG554", tools[0].instruction.line, f"ENV {ROLL_FORWARD} before `{tool}`: {why}"))
    return found


def _runs_the_project(words: tuple[str, ...]) -> bool:
    """`dotnet test`, `dotnet run`, `dotnet vstest`: the build runs the project's own code, on its target .NET;
    so does EF Core's tool (`dotnet ef migrations bundle`, `dotnet-ef database update`, `dotnet tool run
    dotnet-ef ...`), which builds the project and loads it on the .NET it targets."""
    return _runs_ef(words) or (len(words) > 1 and posixpath.basename(words[0]) == "dotnet"
                               and words[1] in ("test", "run", "vstest"))


def _runs_ef(words: tuple[str, ...]) -> bool:
    name = posixpath.basename(words[0]) if words else ""
    if name == "dotnet-ef":
        return len(words) > 1 and not words[1].startswith("-")  # (`dotnet-ef --version` loads no project)
    if name != "dotnet" or len(words) < 3:
        return False
    if words[1] == "ef":
        return not words[2].startswith("-")
    return words[1:3] == ("tool", "run") and len(words) > 4 and words[3] in ("dotnet-ef", "ef")


def _program(words: tuple[str, ...]) -> str:
    """The command as the message names it: `dotnet test`, `dotnet ef`, `dotnet-ef`."""
    if posixpath.basename(words[0]) == "dotnet-ef":
        return "dotnet-ef"
    return "dotnet " + " ".join(words[1:4] if words[1] == "tool" else words[1:2])


def _pinned_tool(words: tuple[str, ...]) -> bool:
    """`dotnet tool install|update NAME --version V` (a pinned release), or `dotnet tool restore` (a manifest's)."""
    if len(words) < 3 or posixpath.basename(words[0]) != "dotnet" or words[1] != "tool":
        return False
    if words[2] in ("restore", "run"):  # (`dotnet tool run X`: a tool of a manifest, restored in an earlier stage)
        return True
    return words[2] in ("install", "update") and any(w == "--version" or w.startswith("--version=") for w in words)


def _sets_roll_forward(plan: FilePlan) -> bool:
    return any(ROLL_FORWARD.split("=")[0] in (i.body or "") for s in plan.staged.stages for i in s.instructions
               if i.keyword == "ENV")


def _dotnet_major(repository: str, tag: str | None) -> int | None:
    """The .NET major the source image runs (none for runtime-deps: its self-contained app brings its own)."""
    from migrator.plan.versions import pinned_version

    pinned = pinned_version(repository, tag) if repository.startswith("mcr.microsoft.com/dotnet/") else None
    match = re.match(r"^(\d+)$", pinned.version) if pinned is not None and tag and "." in tag else None
    return int(match.group(1)) if match else None


def _latest(language: str) -> int | None:
    from migrator.rules.data import builtin_data

    facts = (builtin_data("wolfi/versions.yaml").get("languages") or {}).get(language) or {}
    match = re.match(r"^(\d+)", str(facts.get("latest", "")))
    return int(match.group(1)) if match else None


def _self_contained(plan: FilePlan) -> bool:
    """A `dotnet publish` of the file carries its runtime (`--self-contained`, `--sc`, `-p:SelfContained=true`; else
    the project it builds says so), read as every command is (through wrappers and `sh -c`). Only a publish: `dotnet
    ef migrations bundle --self-contained` makes a bundle that carries its own runtime, beside an app that may not."""
    from migrator.plan.dotnet_projects import (
        command_self_contained,
        published_projects,
        self_contained,
        stage_publishes,
    )

    for stage in plan.staged.stages:
        for command, workdir in stage_publishes(stage):
            said = command_self_contained(command.words)
            if said is not None:
                return said  # (what the project file says does not count)
            if any(self_contained(command.words, p) for p in published_projects(stage, command, workdir, plan.files)):
                return True
    return False


# --- JVM options ------------------------------------------------------------------------------------

def removed_jvm_options(argv: list[str], java: int) -> tuple[list[str], list[str]]:
    """(argv without the options Java `java` refuses, the options dropped) for a `java ...` command."""
    if not argv or posixpath.basename(argv[0]) != "java":
        return argv, []
    table = [entry for entry in _jvm_table() if int(entry["removed_in"]) <= java]
    kept: list[str] = [argv[0]]
    dropped: list[str] = []
    for word in argv[1:]:
        if word in ("-jar", "-cp", "-classpath") or not word.startswith("-"):
            kept += argv[len(kept) + len(dropped):]
            break
        if any(glob_match(word, entry["match"]) for entry in table):
            dropped.append(word)
        else:
            kept.append(word)
    return kept, dropped


_JVM_VARIABLES = lazy_re(r"\b(JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|JAVA_OPTS|JAVA_OPTIONS|JVM_OPTS|_JAVA_OPTIONS)\b")


def removed_jvm_env_options(raw: str, java: int) -> tuple[str, list[str]]:
    """An ENV line that sets JVM options (JAVA_TOOL_OPTIONS, JAVA_OPTS...): (the line without the options Java
    `java` refuses, the options dropped). The JVM reads JAVA_TOOL_OPTIONS itself, so one of them there is
    as fatal as on the command line; start scripts pass JAVA_OPTS on."""
    if not _JVM_VARIABLES.search(raw) or "-X" not in raw:
        return raw, []
    table = [entry for entry in _jvm_table() if int(entry["removed_in"]) <= java]
    dropped: list[str] = []
    for word in re.findall(r"-X[^\s\"']+", raw):
        if any(glob_match(word, entry["match"]) for entry in table) and word not in dropped:
            dropped.append(word)
    for word in dropped:
        raw = re.sub(rf"[ \t]*{re.escape(word)}(?=[\s\"']|$)", "", raw)
    return raw, dropped


def jvm_options_finding(line: int, dropped: list[str], java: int) -> Finding:
    whys = [next(e["why"] for e in _jvm_table() if glob_match(word, e["match"])) for word in dropped]
    reasons = "; ".join(f"{word}: {why}" for word, why in zip(dropped, whys, strict=True))
    return finding("MIG553", line, f"removed from the java command line, which Java {java} refuses to start with "
                   f"(\"Unrecognized VM option\"): {reasons}")


def jvm_env_finding(line: int, dropped: list[str], java: int) -> Finding:
    return replace_where(jvm_options_finding(line, dropped, java), "the java command line", "the JVM options ENV")


def replace_where(found: Finding, old: str, new: str) -> Finding:
    from migrator.records import replace

    return replace(found, message=found.message.replace(old, new, 1))


def runtime_java(plan: FilePlan) -> int:
    """The Java major the runtime image serves: latest's, or the source's with --tag-policy keep."""
    latest = _latest("java") or 0
    if plan.options.tag_policy is TagPolicy.KEEP:
        root = plan.root_of(plan.final).stage
        match = re.search(r"(\d+)", root.ref.tag or "") if root.ref else None
        if match:
            return int(match.group(1))
    return latest


def _jvm_table() -> list[dict[str, str]]:
    from migrator.rules.data import builtin_data

    return list(builtin_data("jvm-options.yaml").get("options") or [])
