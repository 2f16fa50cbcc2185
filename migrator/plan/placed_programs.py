"""Programs a builder RUN puts in place for the start command: `cp app /usr/local/bin/`, `mv`, `install -m755`,
`ln -s`. When the start command names such a file (by name through PATH, or by path through WORKDIR), the
runtime gets it at that path, whatever the ecosystem found as the build's output.
"""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase

from migrator.plan.copy_commands import COPY_COMMANDS, copy_operands, made_directories
from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan
from migrator.plan.facts import Command, StageFacts, joined
from migrator.plan.startcommand import effective_command, inner_program, is_shell_c, unwrap
from migrator.records import dataclass

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# directories every image has: a single source copied to one of them, even without a trailing slash, lands
# inside it (`cp app /usr/local/bin`)
_KNOWN_DIRECTORIES = frozenset({"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin",
                                "/usr/local", "/usr", "/"})
@dataclass(frozen=True)
class Placement:
    path: str  # absolute path of the file the command made
    source: str  # absolute path of the file it came from
    command: Command
    condition: str | None = None  # why the command may not have run (`if`, `[ -f x ] &&`, `|| true`)

    def places(self, path: str) -> bool:
        """Is `path` this file, a file in this directory, or a name its glob matches (`cp bin/* /usr/local/bin/`)?"""
        if _inside(path, self.path):
            return True
        return any(c in posixpath.basename(self.path) for c in "*?[") and fnmatchcase(path, self.path)

    @property
    def moved(self) -> bool:
        """`mv`: the source is no longer there."""
        return posixpath.basename(self.command.words[0]) == "mv"


def copy_started_program(context: EcosystemContext, plan: RuntimePlan) -> None:
    """Add the file the start command runs to the runtime's copies when a builder RUN placed it there."""
    facts = context.facts
    if context.single_stage:
        return
    placements = placed_files(facts.commands, facts.env, facts.directories, unknown_sources=True)
    _follow_moves(plan, placements)
    base = _source_image_path(context)
    for program in _started_programs(context):
        _copy_written(program, context, plan)  # (a file the Dockerfile writes is what the name starts, whatever
        # the image has of that name further down PATH)
        if "/" not in program and _runtime_has(context, plan, program):
            continue  # (`ln -s /usr/bin/python3 /usr/local/bin/python`: the runtime's own python starts)
        _copy_placed(program, placements, context, plan, base)


def _source_image_path(context: EcosystemContext) -> str:
    """The PATH the original's image gave the start command (golang's /go/bin first, then the usual ones)."""
    from migrator.plan.source_path_programs import source_path_directories

    return ":".join([*source_path_directories(context.rules, context.facts.stage), DEFAULT_PATH])


def _copy_written(program: str, context: EcosystemContext, plan: RuntimePlan) -> None:
    """A start script a builder RUN writes itself (`printf '#!/bin/sh\\n...' > /usr/local/bin/start`) goes to the
    runtime at its path, as a placed program does (the start check then reads its text)."""
    from migrator.plan.scripts import run_written_scripts

    written = run_written_scripts(context.facts.stage.chain(), heads=True)
    path = next((c for c in _candidates(program, context.facts.workdir, context.facts.env) if c in written), None)
    if path is not None and not any(_inside(path, c.destination) for c in plan.copies):
        plan.copies.append(Copy(path, path))


def _copy_placed(program: str, placements: list[Placement], context: EcosystemContext, plan: RuntimePlan,
                 base: str = DEFAULT_PATH) -> None:
    for candidate in _candidates(program, context.facts.workdir, context.facts.env, base):
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
            _copy_link_target(placement, context, plan)
            if placement.condition:
                plan.note("MIG572", placement.command.line, f"`{' '.join(placement.command.words)}` runs only on a "
                          f"condition ({placement.condition}): when it did not, {path} is not in the builder and "
                          f"`COPY --from` of it fails the build (the start command `{program}` could not start "
                          "without it either); put it there unconditionally, or start another program")
        return


# where the runtime image has its own files: a link into them needs no copy of its target (the -dev image's would
# replace the runtime's)
_IMAGE_TREES = ("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/lib", "/lib", "/usr/libexec", "/usr/share", "/etc")


def _copy_link_target(placement: Placement, context: EcosystemContext, plan: RuntimePlan) -> None:
    """`make install && ln -s /usr/local/bin/mytool /usr/local/bin/mt`: a COPY --from copies the link, not the file
    it points to; the runtime needs that file too, or the link dangles and the command cannot start. A console
    script pip now writes into the virtualenv is not copied: the link was pointed there, and the venv is copied."""
    from migrator.plan.ecosystems.python import installs_dependencies
    from migrator.plan.ecosystems.python_scripts import venv_script_source

    words = placement.command.words
    symbolic = posixpath.basename(words[0]) == "ln" and any(
        w == "--symbolic" or (w[:1] == "-" and w[1:2] != "-" and "s" in w) for w in words[1:])
    operands = copy_operands(words)
    written = operands.sources[0] if operands is not None and len(operands.sources) == 1 else ""
    # a symbolic link's relative target is read from the link's own directory (`ln -s mytool /usr/local/bin/mt`)
    target = placement.source if written.startswith("/") or not written else posixpath.normpath(
        posixpath.join(posixpath.dirname(placement.path), written))
    if not symbolic or not target.startswith("/") or "$" in target or any(_inside(target, t) for t in _IMAGE_TREES):
        return
    if any(installs_dependencies(c) for c in context.facts.commands) and venv_script_source(context.facts, target):
        return
    if not any(_inside(target, c.destination) for c in plan.copies):
        plan.copies.append(Copy(target, target))
        plan.note("MIG518", placement.command.line, f"{placement.path} is a link to {target}: the runtime gets "
                  f"{target} too, or the link would point to nothing")


def _follow_moves(plan: RuntimePlan, placements: list[Placement]) -> None:
    """A build output that a later `mv` moved (`go build -o app . && mv app /usr/local/bin/`) is copied from
    where it went: its old path is gone, and a COPY --from of it would fail the build."""
    for placement in placements:
        if not placement.moved or not placement.source or \
                not any(_inside(c.source, placement.source) for c in plan.copies):
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


def _candidates(program: str, workdir: str, env: dict[str, str | None], base: str = DEFAULT_PATH) -> list[str]:
    """Where the engine looks for `program`: its path under WORKDIR, or each PATH directory in order (`base`: the
    image's PATH)."""
    if "/" in program:
        return [joined(program, workdir)]
    # (`ENV PATH=/app/venv/bin:$PATH`, read where the image's PATH is not known, is `/app/venv/bin:`: the
    # image's own directories follow)
    value = re.sub(r"\$\{?PATH\}?", lambda _: base, env.get("PATH") or base)
    parts = [d for part in value.split(":") for d in (base.split(":") if not part else [part])]
    directories = list(dict.fromkeys(parts))
    return [posixpath.join(d, program) for d in directories if d.startswith("/")]


def placed_files(commands: list[Command], env: dict[str, str | None], directories: set[str],
                 unknown_sources: bool = False) -> list[Placement]:
    """Files that cp, mv, install and ln put in place, in the order the commands ran. A `cd` earlier in the
    same RUN moves where relative paths point. A path spelled with a variable whose value the file does not
    show is not known: no placement, or with `unknown_sources`, one whose source is "" when only the source is
    unknown and the destination names the file (`cp app-$ARCH /usr/local/bin/app`)."""
    placed: list[Placement] = []
    made = set(directories) | _made_directories(commands, env)
    cwd: dict[int, str | None] = {}  # RUN line -> directory after its last `cd` (None: not known)
    for command in commands:
        name = posixpath.basename(command.words[0])
        if name not in COPY_COMMANDS and name != "cd":
            continue
        here = cwd.get(command.instruction.line, command.workdir)
        words = tuple(_UNKNOWN if word is None else word for word in _expanded(command, env))
        if name == "cd":
            if len(words) == 1:
                known = here is not None and _UNKNOWN not in words[0]
                cwd[command.instruction.line] = joined(words[0], here) if known and here is not None else None
            continue
        operands = copy_operands((name, *words))
        if operands is None or here is None or _UNKNOWN in operands.destination:
            continue
        destination = joined(operands.destination, here)
        into = operands.into_directory
        if into is None:
            into = destination in made or destination in _KNOWN_DIRECTORIES
        for source in operands.sources:
            if _UNKNOWN in source:
                if unknown_sources and not into:
                    placed.append(Placement(destination, "", command))
                continue
            path = posixpath.join(destination, posixpath.basename(source.rstrip("/"))) if into else destination
            placed.append(Placement(path, joined(source, here), command))
    return _with_conditions(placed)


_UNKNOWN = "\0"  # (a word whose variables have values the file does not show)


def placed_output(maker: Command, word: str, commands: list[Command], env: dict[str, str | None]) -> str | None:
    """Where a later command of the same RUN put the file a command made under a name with a variable whose
    value the file does not show (`go build -o /bin/app-$ARCH . && mv /bin/app-$ARCH /usr/local/bin/app`):
    the known path it went to by that very word, or None."""
    later = [c for c in commands if c.instruction is maker.instruction]
    later = later[later.index(maker) + 1:] if maker in later else []
    for placement in placed_files(later, env, set(), unknown_sources=True):
        operands = copy_operands(placement.command.words)
        if not placement.source and operands is not None and word in operands.sources:
            return placement.path
    return None


def _with_conditions(placed: list[Placement]) -> list[Placement]:
    """The placements with the condition their command runs on, if any (only their RUN lines are read)."""
    from migrator.plan.leftovers import conditions
    from migrator.records import replace

    if not placed:
        return placed
    conditional = conditions([p.command for p in placed])
    return [replace(p, condition=conditional.get((p.command.line, p.command.words))) for p in placed]


def _expanded(command: Command, env: dict[str, str | None]) -> list[str | None]:
    """The command's arguments with the variables of its RUN expanded (the stage's, HOME, those the RUN set
    before it); None for one that names a variable whose value the file does not show."""
    return [command.expand(word, env) for word in command.words[1:]]


def _made_directories(commands: list[Command], env: dict[str, str | None]) -> set[str]:
    made: set[str] = set()
    for command in commands:
        if posixpath.basename(command.words[0]) == "mkdir":
            made |= {p for w in command.words[1:] if not w.startswith("-") and (p := command.resolve(w, env))}
        made |= {p for w in made_directories(command.words) if (p := command.resolve(w, env))}
    return made


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


_COMPILERS = frozenset({"go", "gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "zig", "tcc"})


def made_by_dockerfile(facts: StageFacts, program: str) -> bool:
    """Does the Dockerfile itself make the file the start command's `program` names (by path, or by its name
    anywhere): a COPY/ADD from the context, a heredoc or another stage; a file a RUN puts in place (cp, mv,
    install, ln), writes (printf, echo, cat <<EOF, tee, install /dev/stdin, a download) or compiles (`go build -o`).
    Such a file is the app's own, never the well-known program of the same name (`serve`, `http-server`).
    What a package manager installs (node_modules, `npm install -g`) is not the Dockerfile's own file."""
    from migrator.plan.scripts import run_written_scripts

    wanted = facts.resolve(program) if "/" in program else None

    def named(path: str) -> bool:
        path = path.rstrip("/")
        if "node_modules" in path:
            return False
        return path == wanted if wanted is not None else posixpath.basename(path) == program

    placed = [p.path for p in placed_files(facts.commands, facts.env, facts.directories)]
    written = run_written_scripts(facts.stage.chain(), heads=True)
    compiled = [path for command in facts.commands if posixpath.basename(command.words[0]) in _COMPILERS
                for path in [_compiled_output(command, facts)] if path]
    if any(named(path) for path in [*facts.copy_destinations, *placed, *written, *compiled]):
        return True
    # a COPY into a directory the engine looks in, of files whose names it does not spell (`COPY bin/ /usr/local/bin/`,
    # `COPY scripts/* /usr/local/bin/`, `COPY serve /usr/local/bin/`)
    where = [c for c in _candidates(program, facts.workdir, facts.env) if "node_modules" not in c]
    into = [*facts.copy_destinations, *(target for _, target in facts.unplaced_copies)]
    return any(posixpath.dirname(candidate) == directory.rstrip("/") for candidate in where for directory in into)


def _compiled_output(command: Command, facts: StageFacts) -> str | None:
    """The file a compiler's `-o PATH` writes (`go build -o /usr/local/bin/serve .`), when it is known."""
    words = command.words
    if "-o" not in words[:-1]:
        return None
    return command.resolve(words[words.index("-o") + 1], facts.env)
