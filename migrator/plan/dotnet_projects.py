"""The .NET project a `dotnet publish` builds, read from the build context: the one its argument names, else the
project or solution in the directory it runs in (what `dotnet publish` itself looks for), mapped back through the
stage chain's COPY lines to the context on disk; a solution's projects; and the nearest Directory.Build.props above
each project in the image (MSBuild imports that one). Only these files say how the app is published: a project
elsewhere in the context (a tool, a test project) that the build never copies or names says nothing about it.
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import Command
from migrator.plan.stages import Stage
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

PROJECT_ENDINGS = (".csproj", ".fsproj", ".vbproj")
_SOLUTION_ENDINGS = (".sln", ".slnx")
# the options of `dotnet publish` that take a value as the next word (their `--name=value` form is one word)
_VALUED = frozenset({"-c", "--configuration", "-o", "--output", "-r", "--runtime", "-f", "--framework", "-a",
                     "--arch", "--os", "-v", "--verbosity", "--version-suffix", "-s", "--source", "--manifest",
                     "--property", "-p", "--artifacts-path"})
# `Project("{GUID}") = "Api", "src\Api\Api.csproj", "{GUID}"` (.sln), `<Project Path="src/Api/Api.csproj" />` (.slnx)
_SOLUTION_PROJECT = lazy_re(r"""(?:=\s*"[^"]*"\s*,\s*"|<Project\s+Path\s*=\s*")([^"]+\.(?:cs|fs|vb)proj)\"""")
_LIMIT = 1 << 20


@dataclass(frozen=True)
class Project:
    path: str  # the context path of the project file
    properties: dict[str, str]  # MSBuild properties it sets (unconditional or not), Directory.Build.props's first

    def flag(self, name: str) -> bool | None:
        value = self.properties.get(name.lower())
        return None if value is None else value.strip().lower() == "true"

    def target_major(self) -> int | None:
        """The .NET major of the project's (first) target framework: net8.0 -> 8, netcoreapp3.1 -> 3."""
        frameworks = self.properties.get("targetframework") or self.properties.get("targetframeworks") or ""
        found = re.match(r"\s*net(?:coreapp)?(\d+)\.\d", frameworks)
        return int(found.group(1)) if found else None


def published_projects(stage: Stage, command: Command, workdir: str, files: BuildContext) -> list[Project]:
    """The projects the `dotnet publish` `command` of `stage` (run in `workdir`) builds, as the build context on
    disk has them; [] when they cannot be told (no context, a variable, a file the context does not have)."""
    from migrator.plan.facts import chain_facts, joined
    from migrator.plan.scripts import context_files

    if files.root is None:
        return []
    facts = chain_facts(stage.chain())
    env = facts.env if facts is not None else {}
    copies = context_files(stage.chain())
    operand = _operand(command.words[2:])
    if operand is not None:
        expanded = command.expand(operand, env)
        if expanded is None:
            return []
        target = joined(expanded, workdir)
    else:
        target = workdir
    if not target.endswith(PROJECT_ENDINGS + _SOLUTION_ENDINGS):
        found = _in_directory(target, copies, files)
        if found is None:
            return []
        target = found
    if target.endswith(_SOLUTION_ENDINGS):
        return [p for member in _solution_members(target, copies, files)
                if (p := _project(member, copies, files)) is not None]
    project = _project(target, copies, files)
    return [project] if project is not None else []


def _operand(words: tuple[str, ...]) -> str | None:
    """The project, solution or directory `dotnet publish ARGS` names: its first word that is not an option or an
    option's value."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        elif not word.startswith("-") and "=" not in word:
            return word
    return None


def _in_directory(directory: str, copies: list[tuple[str, str, bool]], files: BuildContext) -> str | None:
    """The image path of the one project or solution file in `directory` (an image path), as `dotnet publish`
    finds it; None when there is none or more than one (dotnet stops: MSB1011), or the directory is not known."""
    from migrator.plan.scripts import context_path

    directory = directory.rstrip("/") or "/"
    names: set[str] = set()
    source = context_path(directory, copies)
    if source is not None:
        names |= set(files.files_in(source))
    names |= {posixpath.basename(d) for d, _, _ in copies if posixpath.dirname(d) == directory}
    candidates = sorted(n for n in names if n.endswith(PROJECT_ENDINGS + _SOLUTION_ENDINGS))
    return posixpath.join(directory, candidates[0]) if len(candidates) == 1 else None


def _solution_members(solution: str, copies: list[tuple[str, str, bool]], files: BuildContext) -> list[str]:
    """The image paths of the projects a solution file lists."""
    from migrator.plan.scripts import context_path

    source = context_path(solution, copies)
    text = files.text(source, _LIMIT) if source is not None else None
    base = posixpath.dirname(solution)
    members = _SOLUTION_PROJECT.findall(text or "")
    return [posixpath.normpath(posixpath.join(base, m.replace("\\", "/"))) for m in members]


def _project(path: str, copies: list[tuple[str, str, bool]], files: BuildContext) -> Project | None:
    """The project file at the image path `path`, with the properties of the nearest Directory.Build.props above it
    in the image (which the project's own override)."""
    from migrator.plan.scripts import context_path

    source = context_path(path, copies)
    text = files.text(source, _LIMIT) if source is not None else None
    if source is None or text is None:
        return None
    properties: dict[str, str] = {}
    directory = posixpath.dirname(path)
    while True:
        props = context_path(posixpath.join(directory, "Directory.Build.props"), copies)
        props_text = files.text(props, _LIMIT) if props is not None else None
        if props_text is not None:
            properties.update(_properties(props_text))
            break
        if directory in ("/", ""):
            break
        directory = posixpath.dirname(directory)
    properties.update(_properties(text))
    return Project(posixpath.normpath(source), properties)


_PROPERTY = lazy_re(r"<(RuntimeIdentifier|SelfContained|TargetFrameworks?|PublishAot|PublishSingleFile|"
                    r"InvariantGlobalization)(?:\s[^>]*)?>"
                    r"\s*([^<]*?)\s*</\1>", re.IGNORECASE)


def _properties(text: str) -> dict[str, str]:
    """The first value each property this module reads has in an MSBuild file (names lowercased)."""
    found: dict[str, str] = {}
    for name, value in _PROPERTY.findall(text):
        found.setdefault(name.lower(), value)
    return found


_SELF_CONTAINED = lazy_re(r"--self-contained(?![ =]+false)|--sc\b|selfcontained=true")
_NOT_SELF_CONTAINED = lazy_re(r"--self-contained[ =]+false|--no-self-contained|selfcontained=false")


def command_self_contained(words: tuple[str, ...]) -> bool | None:
    """What a `dotnet publish` command line says of self-containment: True, False, or None (it says nothing)."""
    text = " ".join(words).lower()
    if _SELF_CONTAINED.search(text):
        return True
    return False if _NOT_SELF_CONTAINED.search(text) else None


def self_contained(words: tuple[str, ...], project: Project) -> bool:
    """Whether `dotnet publish WORDS` of `project` makes a self-contained app (one that carries its runtime): the
    command line's word, else the project's SelfContained, PublishAot (a native program); else a runtime identifier
    in a project for a .NET before 8, where it implies self-contained (the .NET 8 SDK dropped that for net8.0+)."""
    said = command_self_contained(words)
    if said is not None:
        return said
    if project.flag("SelfContained") is not None:
        return bool(project.flag("SelfContained"))
    if project.flag("PublishAot"):
        return True
    major = project.target_major()
    return bool(project.properties.get("runtimeidentifier")) and major is not None and major < 8


def stage_publishes(stage: Stage) -> list[tuple[Command, str]]:
    """The stage's own `dotnet publish` commands, each with the directory it runs in (WORKDIR, or a `cd` before)."""
    from migrator.plan.facts import chain_facts
    from migrator.plan.scripts import commands_in_directories

    facts = chain_facts(stage.chain())
    if facts is None:
        return []
    own = {id(i) for i in stage.instructions}
    return [(c, workdir) for c, workdir in commands_in_directories(facts.run_commands(), facts.env)
            if id(c.instruction) in own and posixpath.basename(c.words[0]) == "dotnet"
            and c.words[1:2] == ("publish",)]
