"""Commands a stage runs that its Wolfi image lacks: their package is added to the stage's `apk add`.

The source image shipped tools the Chainguard image does not: Alpine's busybox has wget, Debian has
bash and perl, Docker Hub's full language images curl and git. Wolfi's busybox has neither wget nor
bash, and wolfi-base is busybox and apk only. rules/tools.yaml says which package installs which
command; the image model (rules/chainguard-images.yaml) says what the image has. A command the
table does not list is never guessed at.

Two passes, like the rest of the stage rewrite: the first (probing) notes every command the stage
runs and every name its commands mention; between the passes `missing_tools` decides; the second
adds the packages to the stage's first `apk add` or, when a use comes first, before that use.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from migrator.records import dataclass, field
from migrator.regex import glob_match
from migrator.rewrite.wrappers import WRAPPERS
from migrator.rules.data import builtin_data

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.parse.imageref import ImageRef
    from migrator.rewrite.command import Cmd, StageKnowledge
    from migrator.rules.loader import ChainguardImage

# commands that run the next word as the program: the wrappers the package translators see through
# (rewrite.wrappers; `sudo` is taken off earlier, with the prefix; `command -v` looks a program up), and xargs
# (and those dropped from a RUN, MIG316: `catatonit -- make` runs make)
_WRAPPERS = frozenset({*(name for name, wrapper in WRAPPERS.items()
                         if (wrapper.in_place or wrapper.drop) and not wrapper.lookups and name != "sudo"), "xargs"})


@dataclass
class ToolUses:
    """What the first pass saw: each command the stage runs (first line), and which commands
    mention a name as an argument (`npm install -g yarn`, `curl -o /usr/local/bin/jq`)."""

    used: dict[str, int] = field(default_factory=dict)  # command -> line of its first use
    mentions: dict[str, set[str]] = field(default_factory=dict)  # name -> commands that mention it
    created: set[str] = field(default_factory=set)  # commands another command made (`python -m venv`: pip)


@dataclass(frozen=True)
class MissingTool:
    command: str
    package: str | None  # None: no Wolfi package provides it
    line: int
    script: str | None = None  # not named: the source image shipped it, and this unreadable script may use it
    read: bool = False  # with `script`: the script was read from the build context, and it runs the tool
    why: str | None = None  # not named: what of the stage needs it (node-gyp, under `npm ci`), said in the finding


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...] | None]:

    table: dict[str, tuple[str, ...] | None] = {}
    for command, value in (builtin_data("tools.yaml").get("tools") or {}).items():
        table[str(command)] = None if value is None else tuple([value] if isinstance(value, str) else value)
    return table


def wolfi_name(program: str) -> str | None:
    """The name Wolfi's package gives a program other distributions ship as `program` (Debian's `cron`
    is cronie's `crond`; rules/tools.yaml `distro_names`), or None when it is not one of those."""
    found = distro_program(program)
    return found.name if found else None


@dataclass(frozen=True)
class DistroProgram:
    """A distro program that Wolfi's package installs as another (rules/tools.yaml `distro_names`), or whose
    options depend on the source package that installed it (`program_packages`: Alpine's dcron, busybox)."""

    name: str  # the Wolfi program
    getopt: str = ""  # the distro program's options, getopt(3) letters ("" : not known, words mapped as written)
    accepts: str | None = None  # the Wolfi program's (None: the same program, it takes the same options)
    options: tuple[tuple[str, str], ...] = ()  # distro option -> the Wolfi option that does the same
    dropped: tuple[tuple[str, str], ...] = ()  # distro option the Wolfi program does without -> why
    warned: frozenset[str] = frozenset()  # dropped options whose loss the container notices (W MIG320)
    crontab_options: frozenset[str] = frozenset()  # dropped options whose value is a per-user crontab directory
    crontabs: tuple[str, ...] = ()  # the directories the source program reads per-user crontabs from
    package: str | None = None  # the source package (program_packages), None for a distro_names entry


# A program's table under the source package that provides it: (family, package) -> program -> table
Programs = dict[str, DistroProgram]


def distro_program(program: str, sources: Programs | None = None) -> DistroProgram | None:
    """The table of a program the stage starts: the one of the source package that provides it (`sources`, from
    `source_programs`), else the distro_names entry, else a program_packages entry that Wolfi names otherwise
    (Debian's `cron`, where the stage's packages are not known)."""
    from migrator.rules.data import builtin_data

    if sources is not None and program in sources:
        return sources[program]
    for pattern, value in (builtin_data("tools.yaml").get("distro_names") or {}).items():
        if glob_match(program, str(pattern)):
            return _program_table(value)
    for packages in (builtin_data("tools.yaml").get("program_packages") or {}).values():
        for package, programs in packages.items():
            value = programs.get(program)
            if value is not None and _program_table(value, str(package)).name != program:
                return _program_table(value, str(package))
    return None


def source_programs(family: str, installed: set[str]) -> Programs:
    """The programs of rules/tools.yaml `program_packages` the source image had from the packages the stage
    installs (`apk add dcron`: dcron's crond), else from the source image's own busybox."""

    packages = (builtin_data("tools.yaml").get("program_packages") or {}).get(family) or {}
    found: Programs = {}
    for package, programs in packages.items():
        if package in installed:
            for program, value in programs.items():
                found.setdefault(str(program), _program_table(value, str(package)))
    for program, value in (packages.get("busybox") or {}).items():
        found.setdefault(str(program), _program_table(value, "busybox"))
    return found


def _program_table(value: object, package: str | None = None) -> DistroProgram:
    if not isinstance(value, dict):
        return DistroProgram(str(value), package=package)
    options = value.get("options") or {}
    accepts = value.get("accepts")
    drops = {str(k): v for k, v in options.items() if isinstance(v, dict)}
    return DistroProgram(
        str(value["name"]), str(value.get("getopt") or ""), None if accepts is None else str(accepts),
        tuple((str(k), str(v)) for k, v in options.items() if not isinstance(v, dict)),
        tuple((k, str(v["drop"])) for k, v in drops.items()),
        frozenset(k for k, v in drops.items() if v.get("warn")),
        frozenset(k for k, v in drops.items() if v.get("crontabs")),
        tuple(str(d) for d in value.get("crontabs") or ()), package)


@lru_cache(maxsize=8)
def listed(name: str) -> frozenset[str]:
    """A list of rules/tools.yaml by its key: `home_writers`, `operator_tools`."""
    return frozenset(str(item) for item in builtin_data("tools.yaml").get(name) or ())


def _section(name: str) -> dict[str, list[str]]:

    return {str(k): [str(v) for v in values] for k, values in (builtin_data("tools.yaml").get(name) or {}).items()}


def program(cmd: Cmd) -> str | None:
    """The program a command runs: its name, or the word after a wrapper (`xargs wget`); None when
    it is a path, a variable or unknown."""
    return program_name([w.value for w in cmd.words])


def program_name(words: list[str | None]) -> str | None:
    """`program` of a command's words (None for a word that expands something)."""
    return _head(words)[1]


def started_word(words: list[str | None]) -> str | None:
    """The word naming the program a command's words run after their wrappers, as written (a path kept:
    `exec /opt/app/bin/run`); None for a word that expands something."""
    return _head(words, paths=True)[1]


def _head(words: list[str | None], paths: bool = False) -> tuple[list[str], str | None]:
    """(the wrappers a command's words begin with, the program they run; a path only when `paths`)."""
    wrappers: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word is None or "$" in word:
            return wrappers, None
        name = posixpath.basename(word) if word.startswith(("/usr/bin/", "/bin/", "/usr/local/bin/")) else word
        if index and (word.startswith("-") or "=" in word or word[:1].isdigit()):
            index += 1  # an option, an assignment (`env A=1`) or a duration (`timeout 10`) of the wrapper
            continue
        if name in _WRAPPERS:
            wrappers.append(name)
            index += 1
            continue
        return wrappers, word if paths else None if "/" in name else name
    return wrappers, None


def note_use(cmd: Cmd, uses: ToolUses) -> None:
    """First pass: the command this is, and the names its arguments mention."""
    wrappers, name = _head([w.value for w in cmd.words])
    for wrapper in wrappers:  # (`stdbuf -oL make`: the image needs stdbuf; one dropped from the RUN it does not)
        if wrapper in WRAPPERS and not WRAPPERS[wrapper].drop:
            uses.used.setdefault(wrapper, cmd.line)
    if name is None:
        return
    uses.used.setdefault(name, cmd.line)
    words = [w.value or "" for w in cmd.words]
    creates = _section("creates")
    module = words[2] if words[1:2] == ["-m"] and len(words) > 2 else ""  # `python -m venv`
    uses.created.update([*creates.get(name, []), *creates.get(module, [])])
    for word in cmd.words[1:]:
        value = word.value or ""
        for part in value.replace("@", " ").replace("=", " ").split():
            uses.mentions.setdefault(posixpath.basename(part.rstrip("/")), set()).add(name)


def missing_tools(uses: ToolUses, image: ChainguardImage, installed: set[str],
                  copied: set[str]) -> list[MissingTool]:
    """Commands of the table the stage runs and nothing gives it: not the image, not a package the
    stage (or its parent) installs, not a file a COPY brings or another command installs."""
    from migrator.rules.wolfi import providers

    if not image.known:
        return []  # an image the model does not describe: what it has is not known
    have = set(installed)
    for name in installed:
        have.update(providers(name))
    for name, parts in _section("includes").items():
        if name in have:
            have.update(parts)
    found: list[MissingTool] = []
    for command, line in uses.used.items():
        packages = _table().get(command, ())
        if packages == () or image.has_program(command) or command in copied or command in uses.created:
            continue
        if packages is not None and any(p in have or any(q in have for q in providers(p)) for p in packages):
            continue
        if uses.mentions.get(command, set()) - {command}:
            continue  # `pip install poetry`, `curl -o /usr/local/bin/jq`: the stage installs it itself
        found.append(MissingTool(command, packages[0] if packages else None, line))
    return found


def package_for(command: str) -> str | None:
    """The Wolfi package rules/tools.yaml gives for a command; None when it lists none."""
    packages = _table().get(command)
    return packages[0] if packages else None


def without_package(command: str) -> bool:
    """rules/tools.yaml says no Wolfi package provides the command (`service`, `chkconfig`)."""
    return command in _table() and _table()[command] is None


def programs_of(package: str) -> tuple[str, ...]:
    """The commands rules/tools.yaml says the Wolfi package installs (`graphviz`: dot, neato...)."""
    return tuple(command for command, packages in _table().items() if packages and package in packages)


def packages_for(command: str) -> tuple[str, ...]:
    """Every Wolfi package rules/tools.yaml says provides a command (none when it lists none)."""
    return _table().get(command) or ()


def shipped_tools(ref: ImageRef) -> tuple[str, ...]:
    """The commands of rules/tools.yaml the source image shipped (Docker Hub's images built on
    buildpack-deps: curl, wget, git; rules/dockerhub.yaml `shipped_tools`)."""
    from migrator.rules.data import builtin_data

    tag = ref.tag or "latest"
    for entry in builtin_data("dockerhub.yaml").get("shipped_tools") or []:
        if ref.short_name not in entry["match"] or any(glob_match(tag, t) for t in entry.get("except", [])):
            continue
        if not entry.get("tags") or any(glob_match(tag, t) for t in entry["tags"]):
            return tuple(entry["tools"])
    return ()


def tools_for_scripts(shipped: tuple[str, ...], scripts: list[tuple[str, int]], image: ChainguardImage,
                      installed: set[str], named: list[MissingTool]) -> list[MissingTool]:
    """The source image's tools that an unreadable script the stage runs may use and nothing gives the
    stage: the first such script is the reason (a script is read when the context is on disk)."""
    from migrator.rules.wolfi import providers

    if not scripts or not image.known:
        return []
    have = set(installed) | {t.package for t in named if t.package}
    for name in installed:
        have.update(providers(name))
    program_name, line = scripts[0]
    found = []
    for command in shipped:
        packages = _table().get(command) or ()
        if not packages or image.has_program(command) or any(p in have for p in packages):
            continue
        found.append(MissingTool(command, packages[0], line, program_name))
    return found


def tools_in_read_scripts(scripts: list[tuple[str, int, str]], image: ChainguardImage, installed: set[str],
                          copied: set[str], named: list[MissingTool]) -> list[MissingTool]:
    """The tools of the table that build-context scripts the stage runs, read from disk, run and nothing gives
    the stage: (program, line, text) of each script; a tool the stage's own commands run is already named."""
    found: list[MissingTool] = []
    have = {t.command for t in named}
    for script, line, text in scripts:
        for tool in missing_tools(script_uses(text, line), image, installed, copied):
            if tool.package is not None and tool.command not in have:
                have.add(tool.command)
                found.append(MissingTool(tool.command, tool.package, line, script, read=True))
    return found


def script_uses(text: str, line: int) -> ToolUses:
    """The commands a shell script (or a start command line) runs, all at `line`, as the first pass notes them."""
    from migrator.rewrite.missing_tool import looked_up
    from migrator.rewrite.shell_syntax import simple_commands

    uses = ToolUses()
    for command in simple_commands(text):
        if looked_up(list(command.words)):  # `command -v nc || exit 1`: the script needs nc too
            for tool in looked_up(list(command.words)):
                uses.used.setdefault(tool, line)
            continue
        name = program_name(list(command.words))
        if name is None:
            continue
        uses.used.setdefault(name, line)
        for word in command.words[1:]:
            for part in word.replace("@", " ").replace("=", " ").split():
                uses.mentions.setdefault(posixpath.basename(part.rstrip("/")), set()).add(name)
    return uses


def pending_packages(knowledge: StageKnowledge) -> list[str]:
    """The packages still to add for the stage's missing tools (all at once, at the first chance)."""
    if knowledge.tools_placed:
        return []
    return list(dict.fromkeys(t.package for t in knowledge.tools if t.package is not None))


def is_pending_use(cmd: Cmd, knowledge: StageKnowledge) -> bool:
    """The command runs a tool still to add, or a script that may use one (`./fetch-and-build.sh`)."""
    wrappers, name = _head([w.value for w in cmd.words])
    words = {w.value for w in cmd.words[:2]}
    return not knowledge.tools_placed and any(t.package and ((t.command == name or t.command in wrappers)
                                                             if t.script is None else set(t.script.split()) <= words)
                                              for t in knowledge.tools)


def added_message(knowledge: StageKnowledge) -> str:
    named = [t for t in knowledge.tools if t.package is not None and t.script is None]
    for_scripts = [t for t in knowledge.tools if t.package is not None and t.script is not None and not t.read
                   and t.why is None]
    read = [t for t in knowledge.tools if t.package is not None and t.read]
    parts = [_named_message(named, knowledge)] if named else []
    parts += [f"{t.package} added to apk add: {knowledge.source_image or 'the source image'} shipped `{t.command}` and "
              f"{_tagged(knowledge) or 'the Chainguard image'} does not; `{t.script}` (line {t.line}) may need it: "
              f"{t.why}" for t in knowledge.tools if t.package is not None and t.why is not None]
    for script in dict.fromkeys(t.script for t in read):
        parts.append(_read_message([t for t in read if t.script == script], knowledge))
    if for_scripts:
        parts.append(_script_message(for_scripts, knowledge))
    return "; ".join(parts)


def _read_message(tools: list[MissingTool], knowledge: StageKnowledge) -> str:
    listed = ", ".join(t.package or "" if t.package == t.command else f"{t.package} (for `{t.command}`)"
                       for t in tools)
    return (f"{listed} added to apk add: `{tools[0].script}` (line {tools[0].line}), a script of the build context, "
            f"runs {'it' if len(tools) == 1 else 'them'}, and neither {knowledge.image_name or 'the image'} nor the "
            f"stage's packages provide {'it' if len(tools) == 1 else 'them'} on Wolfi")


def _tagged(knowledge: StageKnowledge) -> str:
    return f"{knowledge.image_name}:{knowledge.image_tag}" if knowledge.image_name and knowledge.image_tag else \
        knowledge.image_name


def _script_message(tools: list[MissingTool], knowledge: StageKnowledge) -> str:
    listed = ", ".join(dict.fromkeys(t.package or "" for t in tools))
    return (f"{listed} added to apk add: {knowledge.source_image or 'the source image'} shipped "
            f"{'it' if len(tools) == 1 else 'them'} and the Chainguard image {knowledge.image_name or ''} does not; "
            f"`{tools[0].script}` (line {tools[0].line}) is a script this tool cannot read, which may use "
            f"{'it' if len(tools) == 1 else 'them'} (a download with wget or curl fails with `not found` "
            "without)")


def _named_message(tools: list[MissingTool], knowledge: StageKnowledge) -> str:
    listed = ", ".join(t.package or "" if t.package == t.command else f"{t.package} (for `{t.command}`)"
                       for t in tools)
    lines = ", ".join(dict.fromkeys(str(t.line) for t in tools))
    return (f"{listed} added to apk add: the stage runs {'it' if len(tools) == 1 else 'them'} (line {lines}), "
            f"and neither {knowledge.image_name or 'the image'} nor the stage's packages provide "
            f"{'it' if len(tools) == 1 else 'them'} on Wolfi")
