"""Programs a builder RUN puts in place for the start command: `cp app /usr/local/bin/`, `mv`, `install -m755`,
`ln -s`. When the start command names such a file (by name through PATH, or by path through WORKDIR), the
runtime gets it at that path, whatever the ecosystem found as the build's output.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase

from migrator.parse.variables import expand_args
from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan
from migrator.plan.facts import Command, joined
from migrator.plan.startcommand import effective_command, inner_program, is_shell_c, unwrap
from migrator.records import dataclass

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# directories every image has: a single source copied to one of them, even without a trailing slash, lands
# inside it (`cp app /usr/local/bin`)
_KNOWN_DIRECTORIES = frozenset({"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin",
                                "/usr/local", "/usr", "/"})
# per command: (short options that take a value, long options that must have one: `--mode 755` or `--mode=755`)
_VALUED: dict[str, tuple[str, frozenset[str]]] = {
    "cp": ("S", frozenset({"--suffix", "--sparse", "--no-preserve"})),
    "mv": ("S", frozenset({"--suffix"})),
    "install": ("mogS", frozenset({"--mode", "--owner", "--group", "--suffix", "--strip-program"})),
    "ln": ("S", frozenset({"--suffix"})),
}


@dataclass(frozen=True)
class Placement:
    path: str  # absolute path of the file the command made
    source: str  # absolute path of the file it came from
    command: Command

    def places(self, path: str) -> bool:
        """Is `path` this file, a file in this directory, or a name its glob matches (`cp bin/* /usr/local/bin/`)?"""
        if _inside(path, self.path):
            return True
        return any(c in posixpath.basename(self.path) for c in "*?[") and fnmatchcase(path, self.path)

    @property
    def moved(self) -> bool:
        """`mv`: the source is no longer there."""
        return posixpath.basename(self.command.words[0]) == "mv"


@dataclass(frozen=True)
class _Operands:
    sources: tuple[str, ...]
    destination: str
    into_directory: bool | None  # True: -t DIR, a trailing slash or several sources; None: not told


def copy_started_program(context: EcosystemContext, plan: RuntimePlan) -> None:
    """Add the file the start command runs to the runtime's copies when a builder RUN placed it there."""
    facts = context.facts
    if context.single_stage:
        return
    placements = placed_files(facts.commands, facts.env, facts.directories)
    _follow_moves(plan, placements)
    for program in _started_programs(context):
        if "/" not in program and _runtime_has(context, plan, program):
            continue  # (`ln -s /usr/bin/python3 /usr/local/bin/python`: the runtime's own python starts)
        _copy_placed(program, placements, context, plan)


def _copy_placed(program: str, placements: list[Placement], context: EcosystemContext, plan: RuntimePlan) -> None:
    for candidate in _candidates(program, context.facts.workdir, context.facts.env):
        placement = next((p for p in reversed(placements) if p.places(candidate)), None)
        if placement is None:
            continue
        # a directory put in place (`cp -r dist /opt/app`) goes whole: the program's files are next to it
        whole = _inside(candidate, placement.path) and placement.path not in _KNOWN_DIRECTORIES
        path = placement.path if whole else candidate
        if not any(_inside(path, c.destination) for c in plan.copies):
            plan.copies.append(Copy(path, path))
            plan.note("MIG518", placement.command.line, f"`{program}`, the start command, is put at {candidate} by "
                      f"`{placement.command.words[0]}` in the builder: the runtime gets {path}")
        return


def _follow_moves(plan: RuntimePlan, placements: list[Placement]) -> None:
    """A build output that a later `mv` moved (`go build -o app . && mv app /usr/local/bin/`) is copied from
    where it went: its old path is gone, and a COPY --from of it would fail the build."""
    for placement in placements:
        if not placement.moved or not any(_inside(c.source, placement.source) for c in plan.copies):
            continue
        moved: list[Copy] = []
        for copy in plan.copies:
            if _inside(copy.source, placement.source):
                path = placement.path + copy.source[len(placement.source):]
                copy = Copy(path, path, copy.chown, copy.root_owned)
            moved.append(copy)
        plan.copies = moved
        plan.note("MIG518", placement.command.line, f"`mv` moves {placement.source} to {placement.path} in the "
                  "builder: the runtime copies it from there")


def _runtime_has(context: EcosystemContext, plan: RuntimePlan, program: str) -> bool:
    image = plan.image or context.runtime_image
    return image is not None and context.rules.image_model(image).has_program(program)


def _started_programs(context: EcosystemContext) -> list[str]:
    """The program the final stage's own ENTRYPOINT/CMD starts, after wrappers (`sh -c "exec app"`: app), and
    the CMD's program under an ENTRYPOINT (`docker-entrypoint.sh` runs `exec "$@"`)."""
    chain = context.facts.stage.chain()
    effective = effective_command([s.instructions for s in chain], (), ())
    argv = effective.argv[unwrap(effective.argv).program_index:]
    programs = [inner_program(argv[2]) if is_shell_c(argv) else argv[0]] if argv else []
    if effective.entrypoint and effective.cmd:
        programs.append(effective.cmd[0])
    return [p for p in dict.fromkeys(programs) if p and "$" not in p and not p.startswith("-")]


def _candidates(program: str, workdir: str, env: dict[str, str | None]) -> list[str]:
    """Where the engine looks for `program`: its path under WORKDIR, or each PATH directory in order."""
    if "/" in program:
        return [joined(program, workdir)]
    directories = (env.get("PATH") or DEFAULT_PATH).split(":")
    return [posixpath.join(d, program) for d in directories if d.startswith("/")]


def placed_files(commands: list[Command], env: dict[str, str | None], directories: set[str]) -> list[Placement]:
    """Files that cp, mv, install and ln put in place, in the order the commands ran. A `cd` earlier in the
    same RUN moves where relative paths point."""
    placed: list[Placement] = []
    made = set(directories) | _made_directories(commands, env)
    cwd: dict[int, str] = {}  # RUN line -> directory after its last `cd`
    for command in commands:
        name = posixpath.basename(command.words[0])
        here = cwd.get(command.instruction.line, command.workdir)
        words = _expanded(command.words[1:], env) if name in _VALUED or name == "cd" else None
        if words is None:
            continue  # (a variable the RUN sets itself, or none: where the file goes is not known)
        if name == "cd":
            if len(words) == 1:
                cwd[command.instruction.line] = _absolute(words[0], here, env)
            continue
        operands = _operands(name, words)
        if operands is None:
            continue
        destination = _absolute(operands.destination, here, env)
        into = operands.into_directory
        if into is None:
            into = destination in made or destination in _KNOWN_DIRECTORIES
        for source in operands.sources:
            path = posixpath.join(destination, posixpath.basename(source.rstrip("/"))) if into else destination
            placed.append(Placement(path, _absolute(source, here, env), command))
    return placed


def _expanded(words: tuple[str, ...], env: dict[str, str | None]) -> tuple[str, ...] | None:
    """The words with the stage's variables expanded; None when one names a variable the stage does not set."""
    expanded: list[str] = []
    for word in words:
        text, missing = expand_args(word, env)
        if missing:
            return None
        expanded.append(text)
    return tuple(expanded)


def _operands(name: str, words: tuple[str, ...]) -> _Operands | None:
    """Sources and destination of `cp|mv|install|ln [options] SOURCE... DEST` or `... -t DIR SOURCE...`."""
    short_valued, long_valued = _VALUED[name]
    target: str | None = None
    no_target = False  # -T: the destination is the file itself
    positional: list[str] = []
    index = 0
    options_done = False
    while index < len(words):
        word = words[index]
        index += 1
        if options_done or not word.startswith("-") or word == "-":
            positional.append(word)
        elif word == "--":
            options_done = True
        elif word.startswith("--"):
            option, equals, value = word.partition("=")
            if option == "--directory":
                return None  # `install --directory DIR`: makes directories
            if option == "--target-directory":
                target = value if equals else (words[index] if index < len(words) else None)
                index += 0 if equals else 1
            elif option == "--no-target-directory":
                no_target = True
            elif option in long_valued and not equals:
                index += 1
        else:
            for position, letter in enumerate(word[1:], start=1):
                rest = word[position + 1:]
                if letter == "d" and name == "install":
                    return None  # `install -d DIR`: makes directories
                if letter == "T":
                    no_target = True
                elif letter == "t" or letter in short_valued:
                    if letter == "t":
                        target = rest or (words[index] if index < len(words) else None)
                    index += 0 if rest else 1
                    break
    if target is not None:
        return _Operands(tuple(positional), target, True) if positional else None
    if len(positional) < 2:
        return None
    *sources, destination = positional
    if no_target:
        return _Operands(tuple(sources[-1:]), destination, False)
    several = len(sources) > 1 or destination.endswith("/")
    return _Operands(tuple(sources), destination, True if several else None)


def _made_directories(commands: list[Command], env: dict[str, str | None]) -> set[str]:
    made: set[str] = set()
    for command in commands:
        name = posixpath.basename(command.words[0])
        directory_install = name == "install" and any(w.startswith("-") and not w.startswith("--") and "d" in w
                                                      for w in command.words[1:])
        if name == "mkdir" or directory_install:
            made |= {_absolute(w, command.workdir, env) for w in command.words[1:]
                     if not w.startswith("-") and "$" not in w}
    return made


def _absolute(path: str, workdir: str, env: dict[str, str | None]) -> str:
    from migrator.plan.facts import absolute

    return absolute(path, workdir, env)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")
