"""Whether a build stage's compiled program needs no libc on its Chainguard builder (rules/static-builds.yaml).

A final stage on scratch or distroless/static becomes static:latest, which has no libc and no loader: only a
static program starts there. Builds that were static on an Alpine image (golang:alpine without gcc,
rust:alpine's musl target) link glibc dynamically on the Chainguard -dev images unless they ask otherwise.
"""

from __future__ import annotations

import re

from migrator.parse.imageref import ImageRef
from migrator.plan.facts import Command, StageFacts
from migrator.plan.stages import Stage
from migrator.records import dataclass
from migrator.regex import glob_match

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.opaque_builds import RunnerBuild

# `go env -w X=0`: the one setting that outlives its command (written to go's env file); a prefix assignment
# (`CGO_ENABLED=0 go build ...`) is that command's alone, and `export` lasts to the end of its RUN (Command.shell)
_ASSIGNMENT = re.compile(r"""\bgo\s+env\s+-w\s+([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]*)""")


@dataclass(frozen=True)
class DynamicBuild:
    """A build whose program links glibc dynamically on the builder: its line and why (from the rules)."""

    line: int
    command: str
    why: str
    keep_static: str | None = None  # `CGO_ENABLED=0`: what the source image did implicitly (it had no C compiler)
    how: str = "links glibc dynamically"  # what the command does, said after it
    runner: bool = False  # run through a file of the project (`make build`), not written in the Dockerfile
    output: str | None = None  # the file or directory it writes (`-o /out/app`, `--target-dir`), when known
    directory: str | None = None  # the directory it ran in, when known (where a build without -o writes)


def dynamic_builds(facts: StageFacts, source: ImageRef | None, stage: Stage | None = None,
                   files: BuildContext | None = None) -> list[DynamicBuild]:
    """The builds of the stage (with the stages it is built FROM) that do not ask for a static program;
    `source`: the image the stages were built on; `stage` and `files` (the build context): builds run through a
    file of the project (`make build`) are read there, and are judged by the stage's toolchain when they cannot be."""
    found: list[DynamicBuild] = []
    runner_builds: list[RunnerBuild] = []
    if stage is not None:
        from migrator.plan.buildcontext import BuildContext
        from migrator.plan.opaque_builds import runner_builds as read_runner_builds

        runner_builds = read_runner_builds(facts, stage, files or BuildContext(None))
    for ecosystem in _rules().values():
        keep = _kept_static(facts, source, ecosystem)
        written = _build_commands(facts, ecosystem)
        for command in written:
            if not _asks_static(command, facts, ecosystem.get("static_if") or {}):
                # (a build that sets the variable itself, `CGO_ENABLED=1`, wants it so: not overridden)
                chosen = None if keep and values_of(keep.split("=")[0], command, facts) else keep
                found.append(DynamicBuild(command.line, " ".join(command.words[:2]), str(ecosystem.get("why", "")),
                                          chosen, output=_build_output(command, facts),
                                          directory=command.workdir if command.workdir_known else None))
        for build in runner_builds:
            if (dynamic := _runner_dynamic(build, facts, source, ecosystem, keep)) is None:
                continue
            if not _text_builds(build.text, ecosystem) and any(c.line > build.command.line for c in written):
                continue  # (`make generate`, `./scripts/deps.sh` before the `go build` written after it: preparation)
            found.append(dynamic)
    return found


def build_outputs(facts: StageFacts) -> list[tuple[int, str]]:
    """(line, output) of every build command of the stage (static or not) whose options say where it writes."""
    found: list[tuple[int, str]] = []
    for ecosystem in _rules().values():
        for command in _build_commands(facts, ecosystem):
            if (output := _build_output(command, facts)) is not None:
                found.append((command.line, output))
    return found


def _build_output(command: Command, facts: StageFacts) -> str | None:
    """The path a build command writes its program to, as its options say (`go build -o /out/app`, `cargo build
    --target-dir /out`); None when they do not say."""
    from migrator.plan.ecosystems.base import option_value

    written = option_value(command.words, "-o", "--output", "--target-dir")
    return command.resolve(written, facts.env) if written else None


def _runner_dynamic(build: RunnerBuild, facts: StageFacts, source: ImageRef | None, ecosystem: dict[str, Any],
                    keep: str | None) -> DynamicBuild | None:
    """A build run through a file of the project, when it builds this ecosystem's program and does not ask for a
    static one: its file shows a build command (and no static setting), or could not be read and the stage
    builds with this ecosystem's toolchain (the safe side: the program is not known to be static)."""
    static_if = ecosystem.get("static_if") or {}
    command = build.command
    builds = _text_builds(build.text, ecosystem)
    tooled = not builds and _text_tools(build.text, ecosystem)
    if not builds and not tooled and (build.unread is None or not _toolchain_stage(facts, source, ecosystem)):
        return None
    if _asks_static(command, facts, static_if) or (build.text and _text_static(build.text, builds, static_if)):
        return None
    if keep:
        name, _, value = keep.partition("=")
        if values_of(name, command, facts) or any(v != value and "$" not in v
                                                   for v in _text_values(build.text, name)):
            keep = None  # (the build sets the variable itself: it wants it so)
    written = " ".join(command.words[:2])
    if builds:
        pattern = _build_line_pattern(ecosystem)
        shown = ", ".join(dict.fromkeys(" ".join(re.sub(r"[\"',]", " ", m.group(0)).split())
                                        for line in builds if (m := pattern.search(line))))
        how = f"runs `{shown}` ({', '.join(build.files)}), which links glibc dynamically"
    elif tooled:
        how = (f"runs `{tooled}` ({', '.join(build.files)}), a build whose settings cannot be read here: taken to "
               "link glibc dynamically")
    else:
        tool = str((ecosystem.get("commands") or ["its toolchain"])[0]).split()[0]
        how = (f"runs a build that cannot be read here ({build.unread}), on a stage that builds with {tool}: "
               "taken to link glibc dynamically")
    return DynamicBuild(command.line, written, str(ecosystem.get("why", "")), keep, how, runner=True)


def _toolchain_stage(facts: StageFacts, source: ImageRef | None, ecosystem: dict[str, Any]) -> bool:
    """Does the stage build with this ecosystem's toolchain: its source image (golang) or a package it installs?"""
    if source is not None and source.short_name in (ecosystem.get("images") or []):
        return True
    packages = set(ecosystem.get("packages") or [])
    return any(packages & set(c.words[1:]) for c in facts.commands_named("apk", "apt-get", "apt", "dnf", "yum",
                                                                          "microdnf"))


def _build_line_pattern(ecosystem: dict[str, Any]) -> re.Pattern[str]:
    """A line of a project file that runs one of the ecosystem's build commands: `go build`, `$(GO) build`,
    `$(GOCMD) install`, `sh.Run("go", "build"` (a magefile)."""
    alternatives = []
    for written in ecosystem.get("commands") or []:
        program, _, sub = str(written).partition(" ")
        variable = rf"\$[({{]?{re.escape(program.upper())}[A-Z_]*[)}}]?"  # ($(GO), ${GOCMD}; not $(CARGO))
        alternatives.append(rf"(?:(?<![\w$/.-]){re.escape(program)}|{variable})[\"',\s]+{re.escape(sub)}\b")
    return re.compile("|".join(alternatives) or r"(?!)")


def _logical_lines(text: str) -> list[str]:
    """The file's lines, continued ones (`\\` at the end) joined."""
    return text.replace("\\\n", " ").splitlines()


def _text_builds(text: str, ecosystem: dict[str, Any]) -> list[str]:
    """The lines of the project file(s) that run one of the ecosystem's build commands (comments left out)."""
    if not text:
        return []
    pattern = _build_line_pattern(ecosystem)
    return [line.strip() for line in _logical_lines(text)
            if not line.lstrip().startswith(("#", "//")) and pattern.search(line)]


def _text_tools(text: str, ecosystem: dict[str, Any]) -> str:
    """What of the ecosystem's other build tools (`tools`: goreleaser, mg.GoCmd(), cross build) a project file
    runs, outside its comments; "" when none."""
    for line in _logical_lines(text) if text else []:
        if line.lstrip().startswith(("#", "//")):
            continue
        for pattern in ecosystem.get("tools") or []:
            if match := re.search(str(pattern), line):
                return " ".join(match.group(0).split()).rstrip("(")
    return ""


def _text_static(text: str, builds: list[str], static_if: dict[str, Any]) -> bool:
    """Whether the file's builds ask for a static program: each build line does (`CGO_ENABLED=0 go build`,
    `-extldflags -static`, a musl `--target`), or the file sets a static value apart from its build lines
    (`export CGO_ENABLED=0`, `CGO_ENABLED ?= 0`, a Taskfile's `env:`), which they all see."""
    def asks(line: str) -> bool:
        for name, pattern in (static_if.get("env") or {}).items():
            if any(glob_match(value, str(pattern)) for value in _text_values(line, name)):
                return True
        for option, pattern in (static_if.get("options") or {}).items():
            for match in re.finditer(rf"(?<![\w-]){re.escape(option)}(?:=|[ \t]+)(\S+)", line):
                if glob_match(match.group(1).strip("\"'"), str(pattern)):
                    return True
        return any(glob_match(line, str(pattern)) for pattern in static_if.get("words") or [])

    return (bool(builds) and all(asks(line) for line in builds)) or any(
        asks(line) for line in _logical_lines(text) if line.strip() not in builds and not line.lstrip().startswith("#"))


def _text_values(text: str, name: str) -> list[str]:
    """The values a project file gives `name`: `NAME=v`, `NAME := v`, `NAME ?= v`, `export NAME=v`, `NAME: v`."""
    pattern = rf"""(?<![\w$.-]){re.escape(name)}[ \t]*(?:[:?+]?=|:(?!=))[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s;&|#)]*)"""
    return [value.strip("\"'") for value in re.findall(pattern, text)]


def _kept_static(facts: StageFacts, source: ImageRef | None, ecosystem: dict[str, Any]) -> str | None:
    """The ENV that keeps the build static as on `source`, an image without a C compiler (golang:alpine),
    unless the stage installs one (then cgo was on there too)."""
    keep = ecosystem.get("keep_static")
    if not keep or source is None or not any(
            glob_match(source.short_name, pattern.split(":")[0]) and glob_match(source.tag or "", pattern.split(":")[1])
            for pattern in ecosystem.get("static_on") or [] if ":" in pattern):
        return None
    compilers = set(ecosystem.get("compilers") or [])
    for command in facts.commands_named("apk"):
        if "add" in command.words and compilers & set(command.words):
            return None
    return str(keep)


def _rules() -> dict[str, dict[str, Any]]:
    from migrator.rules.data import builtin_data

    return dict(builtin_data("static-builds.yaml").get("static_builds") or {})


def _build_commands(facts: StageFacts, ecosystem: dict[str, Any]) -> list[Command]:
    wanted = [tuple(str(c).split()) for c in ecosystem.get("commands") or []]
    programs = {w[0] for w in wanted}
    return [c for c in facts.commands_named(*programs)
            if len(c.words) > 1 and (c.words[0].rsplit("/", 1)[-1], c.words[1]) in wanted]


def _asks_static(command: Command, facts: StageFacts, static_if: dict[str, Any]) -> bool:
    from migrator.plan.ecosystems.base import option_value
    from migrator.plan.rust_targets import missing_targets

    missing = missing_targets(facts)  # (built for the builder's glibc target instead)
    dropped = {(m.command.line, m.command.words) for m in missing}
    unset = {m.variable for m in missing if (m.command.line, m.command.words) == (command.line, command.words)}
    for name, pattern in (static_if.get("env") or {}).items():
        if name not in unset and any(glob_match(value, str(pattern)) for value in values_of(name, command, facts)):
            return True
    for option, pattern in (static_if.get("options") or {}).items():
        value = option_value(command.words, option)
        if value is not None and glob_match(value, str(pattern)) and (command.line, command.words) not in dropped:
            return True
    return any(glob_match(word, str(pattern)) for word in command.words for pattern in static_if.get("words") or [])


def values_of(name: str, command: Command, facts: StageFacts) -> list[str]:
    """The values `name` is given for the command: on the command, earlier in its RUN (`export X=0 &&`),
    `go env -w X=0` in any RUN of the stage up to it, by ENV or ARG."""
    values = [a.split("=", 1)[1] for a in command.assignments if a.startswith(name + "=")]
    values += [v for k, v in command.shell if k == name and v is not None]
    if (value := facts.env.get(name)) is not None:
        values.append(value)
    for other in facts.commands:
        if other.instruction.line > command.line:
            continue
        for key, value in _ASSIGNMENT.findall(other.instruction.logical):
            if key == name:
                values.append(value.strip("\"'"))
    return values
