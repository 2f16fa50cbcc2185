"""Builds a RUN step runs through a file of the project: `make build`, `just`, `task`, `./build.sh`.

The Dockerfile does not show what they compile; the file does (a Makefile recipe's `go build`). It is read
from the build context when the context is on disk and a COPY (or a bind mount) put it where the command
runs, with the scripts it runs in turn. What cannot be read is said so: the caller then judges the stage by
its toolchain, on the safe side (rules/static-builds.yaml `runners`).
"""

from __future__ import annotations

import posixpath

from migrator.parse.options import scan
from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import Command, StageFacts, absolute
from migrator.plan.stages import Stage
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MAX_FILES = 12  # the runner's file and the scripts it runs, followed this far at most
# what a file read runs in turn: a script (`./scripts/build.sh`, `hack/build.sh`), a make in another directory
_SCRIPT_NAMED = lazy_re(r"""(?<![\w$/.-])((?:\.{1,2}/)?[\w.-]+(?:/[\w.-]+)*\.sh)(?![\w.-])""")
_SUB_MAKE = lazy_re(r"""(?:\$[({]MAKE[)}]|(?<![\w$/.-])g?make)[ \t]+(?:[^\n;&|]*?[ \t])?-C[ \t]*([\w./-]+)""")


@dataclass(frozen=True)
class RunnerBuild:
    """A command that runs a build out of a file of the project, and what of it could be read."""

    command: Command
    files: tuple[str, ...]  # the build-context paths read
    text: str  # their texts, one after another
    unread: str | None  # why (part of) the build could not be read; None: all of it was


def runner_builds(facts: StageFacts, stage: Stage, files: BuildContext) -> list[RunnerBuild]:
    """The stage's commands (with the stages it is built FROM) that run a build out of a project file."""
    from migrator.plan.scripts import commands_in_directories, context_files, scripts_run

    runners = _runners()
    chain = stage.chain()
    copies: list[tuple[str, str, bool]] | None = None
    found: list[RunnerBuild] = []
    for command, workdir in commands_in_directories(facts.run_commands(), facts.env):
        program = posixpath.basename(command.words[0])
        if program in runners:
            copies = copies if copies is not None else context_files(chain)
            found.append(_runner_build(command, workdir, runners[program], facts, copies, files))
            continue
        for path, named in scripts_run(command.words):
            if not (named or path.endswith(".sh") or path.startswith(("./", "../"))) or "$" in path:
                continue
            copies = copies if copies is not None else context_files(chain)
            found.append(_read(command, [absolute(path, workdir, facts.env)], copies, files, what=f"`{path}`"))
    return found


def _runners() -> dict[str, dict[str, Any]]:
    from migrator.rules.data import builtin_data

    return dict(builtin_data("static-builds.yaml").get("runners") or {})


def _runner_build(command: Command, workdir: str, runner: dict[str, Any], facts: StageFacts,
                  copies: list[tuple[str, str, bool]], files: BuildContext) -> RunnerBuild:
    """`make -C sub -f build.mk target`: the file it reads, in the directory it runs in."""
    file_options = [str(o) for o in runner.get("file_options") or []]
    directory_options = [str(o) for o in runner.get("directory_options") or []]
    valued = file_options + directory_options
    found = scan(command.words[1:], "".join(o[1] for o in valued if len(o) == 2),
                 {o for o in valued if o.startswith("--")})
    directory = workdir
    for option in directory_options:
        if (value := found.value(option)) is not None:
            directory = absolute(value, workdir, facts.env)
    named = next((v for o in file_options if (v := found.value(o)) is not None), None)
    names = [named] if named is not None else [str(n) for n in runner.get("files") or []]
    return _read(command, [absolute(n, directory, facts.env) for n in names], copies, files,
                 what=f"its {names[-1]}")


def _read(command: Command, paths: list[str], copies: list[tuple[str, str, bool]], files: BuildContext,
          what: str) -> RunnerBuild:
    """The first of `paths` (in the image) that the build context has, and the scripts it runs, read."""
    from migrator.plan.scripts import context_path

    sources = [posixpath.normpath(s) for s in (context_path(p, copies) for p in paths) if s is not None]
    if files.root is None:
        return RunnerBuild(command, (), "", f"{what}: no build context was given to read it from")
    if not sources:
        return RunnerBuild(command, (), "", f"{what} is not copied from the build context")
    first = next((s for s in sources if files.text(s) is not None), None)
    if first is None:
        return RunnerBuild(command, (), "", f"{what} ({sources[-1]}) is not in the build context")
    read: dict[str, str] = {}
    unread: str | None = None
    pending = [first]
    while pending and len(read) < _MAX_FILES:
        source = posixpath.normpath(pending.pop(0))
        if source in read:
            continue
        text = files.text(source)
        if text is None:
            unread = unread or f"{source}, which {next(iter(read), what)} runs, is not in the build context"
            continue
        read[source] = text
        pending += _run_by(text, posixpath.dirname(source))
    return RunnerBuild(command, tuple(read), "\n".join(read.values()), unread)


def _run_by(text: str, directory: str) -> list[str]:
    """The context paths of what a file runs in turn: its scripts, the Makefile of a `make -C DIR`."""
    found = [posixpath.join(directory, p) for p in _SCRIPT_NAMED.findall(text) if not p.startswith("/")]
    found += [posixpath.join(directory, d, "Makefile") for d in _SUB_MAKE.findall(text) if not d.startswith("/")]
    return found
