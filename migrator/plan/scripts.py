"""Build stages whose RUN steps need bash on an image that has only busybox sh (wolfi-base).

Debian, Ubuntu, UBI and the language images built on them ship bash, and their Dockerfiles use it:
`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, `RUN bash -c ...`, `RUN ./build.sh` with a script from
the build context that starts with `#!/bin/bash`. On wolfi-base each of these fails. The -dev images
have bash; wolfi-base does not, so a stage on it that needs bash installs it first.

A script from the build context is read when the context is on disk (plan.buildcontext); otherwise
it is taken to need bash when its image had bash (conservative: bash is small, a failed build is not).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from migrator.parse.dockerfile import Instruction
from migrator.parse.words import split_words
from migrator.plan.buildcontext import BuildContext
from migrator.plan.edited_files import edited_files
from migrator.plan.facts import (
    Command,
    absolute,
    chain_facts,
    copies_into_directory,
    copy_landing,
    env_values,
    read_facts,
    run_body_offset,
    strip_env_prefix,
    workdir_after,
)
from migrator.plan.sed_edits import SedEdit, first_line_after
from migrator.plan.stages import Stage
from migrator.plan.startcommand import SHELLS
from migrator.regex import lazy as lazy_re
from migrator.rewrite.shell_syntax import command_words, literal
from migrator.rewrite.wrappers import looks_up, wrapper_words

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.plan.text_filters import TextFilter
    from migrator.rewrite.shell_syntax import Source



def _installs_bash(run: Instruction) -> bool:
    """`apk --no-cache add bash`, `apt-get -y install bash`: any package manager's install, its options anywhere."""
    from migrator.rewrite.packages import run_package_commands

    return "bash" in run.raw and any("bash" in c.packages for c in run_package_commands(run))


_SH_PATHS = frozenset({"/bin/sh", "/usr/bin/sh"})


def sh_made_bash(stages: list[Stage], links_only: bool = False) -> str | None:
    """`ln -sf /bin/bash /bin/sh` (Debian files that want bash for every `#!/bin/sh` script and RUN), or Debian's
    own way, `dpkg-reconfigure dash` after debconf's `dash/sh boolean false` (unless `links_only`): the command
    and its line when a RUN of the stages makes /bin/sh bash, else None."""
    from migrator.parse.options import scan

    runs = "\n".join(i.raw for s in stages for i in s.instructions if i.keyword == "RUN")
    debconf = not links_only and _DASH_NOT_SH.search(runs) is not None
    if not (re.search(r"\bln\b", runs) and "sh" in runs) and not debconf:
        return None  # (the common case: no need to read the stages)
    for stage in stages:
        for command in read_facts(stage).run_commands():
            words = command.words
            program = posixpath.basename(words[0])
            if program == "dpkg-reconfigure" and debconf and "dash" in words[1:]:
                return f"`{' '.join(words)}` with debconf's dash/sh false (line {command.line})"
            if program != "ln":
                continue
            scanned = scan(words[1:], "St", ("--suffix", "--target-directory"))
            symbolic = scanned.has("-s", "--symbolic")
            if symbolic and len(scanned.operands) == 2 and posixpath.basename(scanned.operands[0]) == "bash" \
                    and posixpath.normpath(scanned.operands[1]) in _SH_PATHS:
                return f"`{' '.join(words)}` (line {command.line})"
    return None


_DASH_NOT_SH = lazy_re(r"dash/sh\s+boolean\s+false")


def bash_reason(stage: Stage, source_shell: str, files: BuildContext) -> str | None:
    """Why the stage's own RUN steps need bash, or None (bash is then not needed, or the stage installs it)."""
    chain = stage.chain()
    if any(i.keyword == "RUN" and _installs_bash(i) for s in chain for i in s.instructions):
        return None
    for instruction in stage.instructions:
        argv = instruction.json_args() if instruction.keyword == "SHELL" else None
        if argv and posixpath.basename(argv[0]) == "bash":
            return f"SHELL {instruction.body.strip()} runs every RUN with bash (line {instruction.line})"
    if (linked := sh_made_bash([stage], links_only=True)) is not None:
        return f"{linked} makes /bin/sh bash, and the stage's RUN steps run with /bin/sh"
    copies = _with_run_copies(chain, _context_copies(chain) + _heredoc_copies(chain))
    written: dict[str, str] | None = None  # (read when a command runs a script: most stages run none)
    facts = read_facts(stage)
    edited = edited_files(facts.commands, facts.env)  # (what `sed -i` makes of a script's `#!` line)
    for command in facts.commands:
        program = command.words[0]
        if posixpath.basename(program) == "bash":
            return f"`{' '.join(command.words[:2])}` runs bash (line {command.line})"
        if posixpath.basename(program) in SHELLS or not ("/" in program or program.endswith(".sh")):
            continue
        path = command.resolve(program, facts.env)
        if path is None:
            continue
        source = _script_from_context(program, path, copies, chain)
        written = run_written_scripts(chain, heads=True) if written is None else written
        edits = [e for e in edited.of(path) if e.line <= command.line]
        derived = written.get(path)
        if isinstance(derived, Derived) and derived.read is not None:
            # (`sed 's|/bin/sh|/bin/bash|' setup.sh > /tmp/setup.sh`: the file it reads, with the line it makes)
            head = _derived_head(derived.read, copies, chain, files, written)
            if head is not None and _kind_after(written_kind(head), head, edits) == "bash":
                return f"`{program}` is a bash script (its first line says so; line {command.line})"
            if head is not None:
                continue
        if (path in written and not unread(written[path])) or (source or "").startswith(HEREDOC_SOURCE):
            # a script the Dockerfile writes (`RUN printf ... > /setup.sh`, `COPY <<EOF /setup.sh`): its text says
            text = written[path] if path in written else heredoc_text(chain, source or "")
            if text is not None and _kind_after(written_kind(text), text, edits) == "bash":
                return f"`{program}` is a bash script (its first line says so; line {command.line})"
            continue
        if source is None:
            continue
        kind = _kind_after(files.kind(source), files.text(source, 256) if edits else None, edits)
        if kind == "bash":
            return f"`{program}` is a bash script (its first line says so; line {command.line})"
        if kind is None and source_shell == "bash":
            return (f"`{program}` is a script from the build context, which this tool cannot read, and the "
                    f"original image had bash (line {command.line})")
    return None


def _derived_head(read: TextFilter, copies: list[tuple[str, str, bool]], chain: list[Stage], files: BuildContext,
                  written: dict[str, str]) -> str | None:
    """The first line (with its newline) of what a command writes from another file's text (Derived): that file
    from the build context or written by a RUN, the line the command makes of it; None when it is not known."""
    text = written.get(read.source)
    if text is None or unread(text):
        source = _script_from_context(read.source, read.source, copies, chain)
        text = files.text(source, 256) if source is not None else None
    line = read.first_line(text.split("\n", 1)[0] if text else None).text
    return None if line is None else line + "\n"


def _kind_after(kind: str | None, text: str | None, edits: list[SedEdit]) -> str | None:
    """What a script is after the `sed -i` edits of its first line (`s|#!/bin/sh|#!/bin/bash|`)."""
    if not edits:
        return kind
    first = text.split("\n", 1)[0] if text else None
    after = first_line_after(first, edits)
    return written_kind(after.text + "\n") if after.text is not None and after.text != first else kind


def context_scripts(stage: Stage) -> list[tuple[str, int, str]]:
    """(program as written, line, build-context path) of each script from the build context that the
    stage's RUN steps run: `./setup/preinstall.sh`, `bash scripts/build.sh`, `/usr/local/bin/install.sh`."""
    chain = stage.chain()
    written = _heredoc_copies(chain)
    if not written and not any(i.keyword == "RUN" and _RUNS_A_SCRIPT.search(i.raw) for i in stage.instructions):
        return []  # no script run at all (the common case: no need to read the stage)
    copies = _with_run_copies(chain, _context_copies(chain) + written)
    facts = read_facts(stage)
    found: list[tuple[str, int, str]] = []
    for command, workdir in _with_cd(facts.commands, facts.env):
        for program, named in _scripts_run(command.words) + _fed_script(command, facts.commands):
            path = absolute(program, workdir, facts.env)
            in_dockerfile = any(destination == path for destination, _, _ in written)
            if not program.endswith(".sh") and not named and not in_dockerfile:
                continue  # `./gradlew`, `bin/rails`: the project's own tools, not set-up scripts
            source = _script_from_context(program, path, copies, chain)
            if source is not None:
                found.append((program, command.line, source))
    return found


def context_files(chain: list[Stage]) -> list[tuple[str, str, bool]]:
    """(path in the image, build-context path, is a tree) of what the stage chain's COPY, ADD and bind mounts
    brought from the build context, and of where its RUN steps `cp`, `mv` or `install` those files."""
    return _with_run_copies(chain, _context_copies(chain))


def context_path(path: str, copies: list[tuple[str, str, bool]]) -> str | None:
    """The build-context path of the file at `path` in the image (`copies`: context_files), or None."""
    return _context_source(path, copies)


def commands_in_directories(commands: list[Command], env: dict[str, str | None]) -> Iterator[tuple[Command, str]]:
    """Each command with the directory it runs in (the WORKDIR, or where a `cd` before it in its RUN went)."""
    return _with_cd(commands, env)


def scripts_run(words: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(path, named as a script) of what a command runs: its program, or the script a shell is given."""
    return _scripts_run(words)


def _with_cd(commands: list[Command], env: dict[str, str | None]) -> Iterator[tuple[Command, str]]:
    """Each command with the directory it runs in: the WORKDIR, or where a `cd` before it in the same RUN step
    went (`cd scripts && ./setup.sh`)."""
    instruction, workdir = None, "/"
    for command in commands:
        if command.instruction is not instruction:
            instruction, workdir = command.instruction, command.workdir
        yield command, workdir
        if command.words[0] == "cd" and len(command.words) == 2 and "$" not in command.words[1] \
                and command.words[1] != "-":
            workdir = absolute(command.words[1], workdir, env)


def _fed_script(command: Command, commands: list[Command]) -> list[tuple[str, bool]]:
    """The file a shell reads its script from: `cat scripts/setup.sh | bash`, `bash < scripts/setup.sh`."""
    raw = command.instruction.raw
    if posixpath.basename(command.words[0]) in SHELLS and _reads_stdin(command.words):
        redirected = re.search(rf"(?<![\w/.-]){re.escape(command.words[0])}(?:[ \t]+-[-\w]+)*[ \t]*<[ \t]*"
                               r"['\"]?([^\s'\";&|<>()]+)", raw)
        return [(redirected.group(1), True)] if redirected else []
    if command.words[0] != "cat" or len(command.words) != 2:
        return []
    index = next((i for i, c in enumerate(commands) if c is command), len(commands))
    after = commands[index + 1:index + 2]
    if (not after or after[0].instruction is not command.instruction
            or posixpath.basename(after[0].words[0]) not in SHELLS or not _reads_stdin(after[0].words)):
        return []
    piped = re.search(rf"{re.escape(command.words[1])}['\"]?[ \t]*\|[ \t]*\S*{re.escape(after[0].words[0])}", raw)
    return [(command.words[1], True)] if piped else []


def _reads_stdin(words: tuple[str, ...]) -> bool:
    """A shell given no script and no `-c`: it reads its commands from standard input."""
    options, operands = _shell_arguments(words[1:])
    return not operands and not any("c" in option[1:] for option in options if not option.startswith("--"))


def _scripts_run(words: tuple[str, ...], depth: int = 0) -> list[tuple[str, bool]]:
    """(path, named as a script) of what a command runs: its program, the script a shell or `.`/`source` is
    given (`bash ./setup.sh`), or what the command line of `sh -c STRING` runs, read as a command line
    (`bash -c "source ./env.sh && make"` runs ./env.sh and make), not taken for a path. A wrapper in front
    (`exec`, `sudo -E`, `time`, `nice -n 5`, `env -i`) runs what follows it."""
    words = _unwrapped(words)
    if not words:
        return []
    if words[0] in (".", "source"):
        return [(words[1], True)] if len(words) > 1 else []
    if posixpath.basename(words[0]) not in SHELLS:
        return [(words[0], False)]
    options, operands = _shell_arguments(words[1:])
    if not any("c" in option[1:] for option in options if not option.startswith("--")):
        return [(operands[0], True)] if operands else []
    if not operands or depth > 2:
        return []
    from migrator.plan.facts import strip_env_prefix
    from migrator.rewrite.shell_syntax import simple_commands

    found: list[tuple[str, bool]] = []
    directory = ""  # where a `cd` in the command line went (`sh -c "cd scripts && ./setup.sh"`)
    for inner in simple_commands(operands[0]):
        inner_words = strip_env_prefix(inner.words)
        if inner_words[:1] == ("cd",) and len(inner_words) == 2 and "$" not in inner_words[1]:
            directory = posixpath.join(directory, inner_words[1]) if inner_words[1] != "-" else directory
            continue
        found += [(posixpath.normpath(posixpath.join(directory, path)) if directory else path, named)
                  for path, named in (_scripts_run(inner_words, depth + 1) if inner_words else [])]
    return found


def _unwrapped(words: tuple[str, ...]) -> tuple[str, ...]:
    """The command wrappers run (rewrite.wrappers' table): `sudo -u app ./x.sh` -> `./x.sh`, `timeout 60 ./x.sh`
    -> `./x.sh`, `exec sudo -E ./x.sh` -> `./x.sh`; `command -v x` runs nothing."""
    words = strip_env_prefix(words[wrapper_words(words, every=True):])
    return () if looks_up(words) else words


def _shell_arguments(words: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A shell's options and its operands (`-o pipefail` is one option with its value)."""
    options: list[str] = []
    index = 0
    while index < len(words) and words[index].startswith(("-", "+")) and words[index] not in ("-", "--"):
        options.append(words[index])
        index += 2 if words[index] in ("-o", "+o", "-O", "+O") else 1
    return options, list(words[index + (index < len(words) and words[index] == "--"):])


def start_script(stage: Stage) -> tuple[str, int, str] | None:
    """(program as written, line, build-context path) of the script the stage's ENTRYPOINT or CMD starts,
    when a COPY brought it from the build context: `ENTRYPOINT ["./run.sh"]`, `CMD ["bash", "start.sh"]`."""
    from migrator.plan.startcommand import effective_command, inner_program, is_shell_c, unwrap

    chain = stage.chain()
    state = effective_command([s.instructions for s in chain], (), ())
    argv = state.argv[unwrap(state.argv).program_index:]
    direct_shell = False  # (`sh start.sh`: the shell opens a relative script in the work directory)
    if is_shell_c(argv):  # `sh -c "cd /app && ./start.sh"`: the program its command line starts
        inner = inner_program(argv[2])
        argv = (inner,) if inner else ()
    elif argv and posixpath.basename(argv[0]) in SHELLS:
        if "-c" in argv[1:]:
            return None  # `sh -ec '...'`: a command line, not a script
        argv = tuple(w for w in argv[1:] if not w.startswith("-"))[:1]
        direct_shell = True
    if not argv or not ("/" in argv[0] or argv[0].endswith(".sh")) or "$" in argv[0]:
        return None
    facts = read_facts(stage)
    path = facts.resolve(argv[0])
    if "/" not in argv[0] and not direct_shell:  # (`ENTRYPOINT ["entrypoint.sh"]`: exec finds it on the PATH)
        from migrator.plan.placed_programs import DEFAULT_PATH

        found = script_on_path(stage, argv[0], facts.env.get("PATH") or DEFAULT_PATH)
        path = found[0] if found is not None else path
    copies = _context_copies(chain)
    run_copied = _with_run_copies(chain, copies)[len(copies):]
    source = _context_source(path, copies + run_copied)
    setter = state.entrypoint_from if state.entrypoint else state.cmd_from
    if source is None or setter is None:
        return None
    if not any(destination == path for destination, _, _ in run_copied) and _made_by_runs(argv[0], source, chain):
        return None
    return argv[0], setter.line, source


def script_on_path(stage: Stage, name: str, path: str) -> tuple[str, str] | None:
    """(path in the image, build-context path) of the file a bare program name (`CMD ["worker"]`) finds first
    in the directories of `path` when a COPY from the build context put it there (`COPY bin/worker
    /usr/local/bin/`); None when another directory comes first that a copy or a RUN may fill, or none does."""
    if "/" in name or "$" in name:
        return None
    copies = _context_copies(stage.chain())
    for directory in (d for d in path.split(":") if d.startswith("/")):
        source = _context_source(posixpath.join(directory, name), copies)
        if source is not None:
            return posixpath.join(directory, name), source
    return None


_RUNS_A_SCRIPT = lazy_re(r"\.sh\b|(?<![\w/.])\.\.?/")
_TOOL_DIRECTORIES = lazy_re(r"(^|/)(node_modules|\.?venv|env|vendor|target|build|dist|out|bin/\.\.)/")


def _script_from_context(program: str, path: str, copies: list[tuple[str, str, bool]],
                         chain: list[Stage]) -> str | None:
    """The build-context path of the script `program` (at `path`) runs, or None when no COPY from the context
    put it there or the build made it. A file copied by its own name is the context's whatever its directory
    (`COPY build/fetch.sh /tmp/`)."""
    source = _context_source(path, copies)
    if source is None or any(destination == path for destination, _, _ in copies):
        return source
    return None if _made_by_runs(program, source, chain) else source


def _made_by_runs(program: str, source: str, chain: list[Stage]) -> bool:
    """`.venv/bin/pip`, `node_modules/.bin/x`, `build/app`: made by the build, not a script from the context.
    A directory of the script's path inside the copied tree (`bin` of `./bin/start.sh`) that a RUN names
    counts too; the directory it was copied into does not (`/app` of `/app/run.sh` after `COPY . /app`: a
    `useradd app` or `chown -R app /app` makes no script)."""
    if _TOOL_DIRECTORIES.search(source):  # the path inside the context: `COPY . /build` copies no build output
        return True
    runs = "\n".join(i.raw for s in chain for i in s.instructions if i.keyword == "RUN").replace(program, " ")
    # (`cd scripts` and a bind mount make no directory)
    runs = re.sub(r"(?<![\w-])cd[ \t]+\S+|--mount=\S+", " ", runs)
    # the script's own path, however a RUN spells it (`chmod +x scripts/setup.sh && ./scripts/setup.sh`)
    inside = source.removeprefix("./")
    runs = re.sub(rf"(?<![\w.-])[\w./-]*{re.escape(inside)}(?![\w.-])", " ", runs)
    directories = [d for d in source.split("/")[:-1] if d not in ("", ".", "..")]
    return any(re.search(rf"(?<![\w/.-]){re.escape(d)}(?![\w.-])", runs) for d in directories)


def _copies_in_place(chain: list[Stage], keywords: tuple[str, ...] = ("COPY", "ADD"),
                     ) -> Iterator[tuple[Instruction, str, dict[str, str | None]]]:
    """Each COPY/ADD (or other `keywords`: RUN) of the stage chain with the WORKDIR and the ENV in force there."""
    workdir, env = "/", dict[str, str | None]()
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                workdir = workdir_after(instruction.body, workdir, env, instruction.escape)
            elif instruction.keyword == "ENV":
                env.update(env_values(instruction.body, env, instruction.escape))
            elif instruction.keyword in keywords:
                yield instruction, workdir, env


def _context_copies(chain: list[Stage]) -> list[tuple[str, str, bool]]:
    """(destination, source, is_tree) of every COPY/ADD from the build context in the stage chain, and of
    every bind mount of the context on a RUN step (`RUN --mount=type=bind,target=/src /src/setup.sh`: the
    context is there while that step runs)."""
    copies = [copy for instruction, workdir, env in _copies_in_place(chain, ("COPY", "ADD", "RUN"))
              if "from" not in instruction.flags
              for copy in (_copied(instruction, workdir, env) if instruction.keyword != "RUN"
                           else _bind_mounts(instruction, workdir, env))]
    return copies


_MOUNT = lazy_re(r"(?<!\S)--mount=(\S+)")


def _bind_mounts(instruction: Instruction, workdir: str, env: dict[str, str | None]) -> list[tuple[str, str, bool]]:
    """(target, source, is_tree) of the RUN step's bind mounts of the build context (no `from=`)."""
    found: list[tuple[str, str, bool]] = []
    for spec in _MOUNT.findall(instruction.raw[:run_body_offset(instruction)]):
        fields = dict(part.partition("=")[::2] for part in spec.strip("'\"").split(","))
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type") != "bind" or "from" in fields or not target:
            continue
        source = fields.get("source") or fields.get("src") or "."
        name = posixpath.basename(source.rstrip("/"))
        tree = source.endswith("/") or source in (".", "./") or not name or "." not in name
        found.append((absolute(target, workdir, env), source, tree))
    return found


def _with_run_copies(chain: list[Stage], copies: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """`copies` and, after them, each file a RUN `cp`, `mv` or `install` put in place from one of them
    (`COPY . .` then `RUN cp docker/entrypoint.sh /sbin/`): the same build-context file at a second path."""
    if not copies or not any(i.keyword == "RUN" and _RUN_COPIES.search(i.raw) for s in chain for i in s.instructions):
        return copies
    from migrator.plan.placed_programs import placed_files

    facts = chain_facts(chain)
    found = list(copies)
    for placement in placed_files(facts.commands, facts.env, facts.directories) if facts else []:
        if posixpath.basename(placement.command.words[0]) not in ("cp", "mv", "install"):
            continue
        source = _context_source(placement.source, found)
        if source is not None and placement.path != placement.source:
            found.append((placement.path, source, False))
    return found


_RUN_COPIES = lazy_re(r"\b(?:cp|mv|install)\b")


HEREDOC_SOURCE = "<<"  # the source of a script written in the Dockerfile: `<<LINE:INDEX` of its COPY heredoc


def heredoc_text(chain: list[Stage], source: str) -> str | None:
    """The body of the COPY heredoc a `<<LINE:INDEX` source names."""
    line, _, index = source[len(HEREDOC_SOURCE):].partition(":")
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD") and str(instruction.line) == line:
                return instruction.heredocs[int(index)].body
    return None


def _heredoc_copies(chain: list[Stage]) -> list[tuple[str, str, bool]]:
    """(destination, `<<LINE:INDEX`, False) of each file a `COPY <<EOF /setup.sh` writes: a script whose text
    is in the Dockerfile."""
    found: list[tuple[str, str, bool]] = []
    for instruction, workdir, env in _copies_in_place(chain):
        words = [w for w in instruction.body.split() if not w.startswith("-")]
        targets = [w for w in words if not w.startswith("<<")]
        if not instruction.heredocs or not targets:
            continue
        destination = absolute(targets[-1], workdir, env)
        for index, heredoc in enumerate(instruction.heredocs):
            path = destination
            if copies_into_directory(targets[-1], 0) or len(instruction.heredocs) > 1:
                path = posixpath.join(destination, heredoc.delimiter)
            found.append((path, f"{HEREDOC_SOURCE}{instruction.line}:{index}", False))
    return found


def _copied(instruction: Instruction, workdir: str, env: dict[str, str | None]) -> list[tuple[str, str, bool]]:
    if instruction.heredocs:
        return []
    try:
        words = instruction.json_args() or split_words(instruction.body)
    except ValueError:
        words = instruction.body.split()
    words = [w for w in words if not w.startswith("--")]
    if len(words) < 2:
        return []
    destination, sources = words[-1], words[:-1]
    target = absolute(destination, workdir, env)
    into_directory = copies_into_directory(destination, len(sources))
    placed = []
    for source in sources:
        name = posixpath.basename(source.rstrip("/"))
        tree = source.endswith("/") or source in (".", "./") or not name or "." not in name
        if "://" in source or any(c in name for c in "*?["):
            continue
        if into_directory and not source.endswith("/") and name not in (".", ""):
            placed.append((copy_landing(source, target, into_directory), source, tree))
        else:
            placed.append((target, source, tree))
    return placed


def _context_source(path: str, copies: list[tuple[str, str, bool]]) -> str | None:
    """The build-context path of the file at `path`, when a COPY from the context put it there."""
    for destination, source, tree in reversed(copies):
        if destination == path:
            return source
        if tree and path.startswith(destination.rstrip("/") + "/"):
            return posixpath.join(source.rstrip("/") or ".", path[len(destination.rstrip("/")) + 1:])
    return None


class WrittenHead(str):
    """The known beginning of a file's text whose rest this tool cannot know (`echo '#!/bin/bash' > /start.sh &&
    echo "exec node $APP" >> /start.sh`): its first line says what the file is, nothing more."""


class Downloaded(WrittenHead):
    """A file a download writes (`curl -fsSL URL > f`, `curl -o f URL`, `wget -qO f URL`): its text is not known
    (an unread WrittenHead), the name its URL gives it is (`wait-for-it.sh`: a script, whatever `f` is called)."""

    source: str = ""


class Derived(WrittenHead):
    """A file a RUN writes from another file's text (`sed 's|/bin/sh|/bin/bash|' start.sh > /start.sh`, `cat
    start.sh > /start.sh`, `tr -d '\\r' < start.sh > /start.sh`): unread here (an empty WrittenHead); `read` says
    which file (an absolute path once run_written_scripts placed it) and what the command makes of its first line,
    for a caller that can read that file."""

    read: TextFilter | None = None


def _derived(read: TextFilter) -> Derived:
    derived = Derived("")
    derived.read = read
    return derived


def _downloaded(url: str) -> Downloaded:
    download = Downloaded("")
    download.source = posixpath.basename(url.split("?", 1)[0].split("#", 1)[0])
    return download


def run_written_scripts(chain: list[Stage], heads: bool = False) -> dict[str, str]:
    """{absolute path: text} of each file a RUN writes whose text is in the Dockerfile:
    `printf '#!/bin/sh\\nexec app\\n' > /start.sh`, `echo '#!/bin/bash' > /entrypoint.sh` (`>>` appends),
    `{ echo ...; echo ...; } > /start.sh`, `cat <<EOF > /start.sh` (in the RUN's command line or in a script it
    runs), `echo ... | tee /start.sh`. A file a later command writes with text this tool cannot know is dropped;
    with `heads`, a file whose first line is known and whose rest is not is kept as a WrittenHead, and one whose
    text is not known at all as an empty one (unread; a Downloaded one for a download: `curl -o /start URL`)."""
    from migrator.plan.facts import run_scripts

    written: dict[str, str] = {}
    for instruction, workdir, env in _copies_in_place(chain, ("RUN",)):
        if not writes_files(instruction.raw):
            continue
        heredocs = [h.body for h in instruction.heredocs]
        for script, first_line in run_scripts(instruction):  # (its command line, the bodies a shell runs)
            for target, text, append in _redirected_texts(script, first_line, heredocs):
                path = absolute(target, workdir, env)
                if isinstance(text, Derived) and text.read is not None:
                    text = _derived(text.read.at(absolute(text.read.source, workdir, env)))
                written[path] = _written_after(written.get(path, "") if append else "", text)
    return {path: text for path, text in written.items() if heads or not isinstance(text, WrittenHead)}


def writes_files(text: str) -> bool:
    """Whether a RUN's text may write a file run_written_scripts reads (a redirect, tee, a download)."""
    return any(word in text for word in (">", "tee", "curl", "wget", "/dev/stdin"))


def unread(text: str | None) -> bool:
    """A file a RUN writes with text this tool cannot know at all (`cat start.tpl > /start.sh`): an empty
    WrittenHead."""
    return isinstance(text, WrittenHead) and not text


def _written_after(before: str, text: str | None) -> str:
    """A file's text after `text` is added to `before` (None: what is added is not known)."""
    if isinstance(before, WrittenHead):
        return before  # (nothing after an unknown part is known)
    if isinstance(text, (Downloaded, Derived)) and not before:
        return text
    if text is None or isinstance(text, WrittenHead):
        return _head(before + (text or ""))
    return before + text


def _head(text: str) -> WrittenHead:
    """The text as the head of a file, when it holds the whole first line (else an empty head: nothing known)."""
    return WrittenHead(text if "\n" in text else "")


def _redirected_texts(script: str, first_line: int, heredocs: list[str], depth: int = 0
                      ) -> Iterator[tuple[str, str | None, bool]]:
    """(target, text written or None when unknown, appended) of each file a command line writes, in order:
    the output of a command or of a group of commands redirected to a file (`printf ... > f`,
    `{ echo ...; echo ...; } > f`, `( ... ) >> f`, `cat > f <<EOF`), or what `tee [-a] FILE...` is fed
    (`... | tee f`, `tee f <<EOF`), also in the command line a shell is given (`sh -c "... > f"`). Its heredocs
    (`<<EOF`, masked as `<____` by run_scripts) are `heredocs`."""
    from migrator.rewrite.shell_syntax import parsed_or_none, walk

    src = parsed_or_none(script, first_line, with_errors=True)  # (what parses is read)
    if src is None:
        return
    found: list[tuple[int, str, str | None, bool]] = []
    heredoc_index = 0
    for node in walk(src.root):
        if node.type == "command" and depth < 2 and (line := _shell_c_line(src, node)) is not None:
            found += [(node.start_byte, *written) for written in _redirected_texts(line, first_line, [], depth + 1)]
        if node.type == "command":  # (`curl -fsSLo /usr/local/bin/app URL`)
            found += [(node.start_byte, target, download, False) for target, download in _download_files(src, node)]
        if node.type == "pipeline" and len(node.named_children) == 2:
            writer, tee = node.named_children
            found += _teed(src, tee, _output(src, writer, None))
        if node.type != "redirected_statement" or not node.children:
            continue
        body = node.children[0]
        while body.type == "list" and body.named_children:  # `a > f && b >> g` parses as (a > f && b) >> g
            body = body.named_children[-1]
        inputs = [c for c in node.children if c.type == "file_redirect" and _masked_heredoc(src, c)]
        inline = [src.slice(b) for c in node.children if c.type == "heredoc_redirect"
                  for b in c.named_children if b.type == "heredoc_body"]
        heredoc = inline[0] if inline else (heredocs[heredoc_index] if inputs and heredoc_index < len(heredocs)
                                            else None)
        heredoc_index += len(inputs)
        found += _teed(src, body, heredoc)  # (`tee /start.sh <<EOF`)
        stdin = _input_file(src, node)
        for start, target, append in _output_files(src, node):
            found.append((start, target, _output(src, body, heredoc, heredocs[heredoc_index:], stdin), append))
    moves = _cd_moves(src)
    for start, target, text, append in sorted(found, key=lambda item: item[0]):
        here = _directory_at(start, moves)
        text = _read_from(text, here)
        if target.startswith("/") or not here:
            yield target, text, append
        elif here != _UNKNOWN_DIRECTORY:  # (after `cd $DIR` a relative file is where this file does not say)
            yield posixpath.join(here, target), text, append


_UNKNOWN_DIRECTORY = "\0"


def _read_from(text: str | None, here: str) -> str | None:
    """A Derived text whose file is named relative to where a `cd` went (`cd docker && sed ... start.sh > f`):
    that file under `here`, or an unread text when where it is is not known."""
    if not isinstance(text, Derived) or text.read is None or not here or text.read.source.startswith("/"):
        return text
    if here == _UNKNOWN_DIRECTORY:
        return WrittenHead("")
    return _derived(text.read.at(posixpath.join(here, text.read.source)))


def _input_file(src: Source, statement: Node) -> str | None:
    """The file a redirected statement reads its standard input from (`< start.sh`), when it is a literal path
    (not a masked heredoc)."""
    from migrator.rewrite.shell_syntax import literal

    for redirect in statement.children:
        if redirect.type != "file_redirect" or _masked_heredoc(src, redirect):
            continue
        descriptor = next((c for c in redirect.children if c.type == "file_descriptor"), None)
        operator = next((c.type for c in redirect.children if not c.is_named), "")
        target = literal(src, redirect.named_children[-1]) if redirect.named_children else None
        if operator == "<" and (descriptor is None or src.slice(descriptor) == "0") and target and "$" not in target:
            return target
    return None


def _cd_moves(src: Source) -> list[tuple[int, int, str | None]]:
    """(where, end of its reach, target) of each `cd` of a script, in order: a `cd` in a subshell (`(cd x && ...)`,
    a pipeline's part) reaches to that subshell's end; target None when it is not literal (`cd $DIR`, `cd -`, `cd`)."""
    from migrator.rewrite.shell_syntax import command_words, literal, walk

    moves: list[tuple[int, int, str | None]] = []
    for node in walk(src.root):
        if node.type != "command":
            continue
        words = [literal(src, c) for c in command_words(node)[1]]
        if words[:1] != ["cd"]:
            continue
        target = words[1] if len(words) == 2 else None
        literal_target = target if target and not target.startswith(("-", "~")) and "$" not in target else None
        moves.append((node.start_byte, _reach(node, src.root.end_byte), literal_target))
    return moves


def _reach(node: Node, end: int) -> int:
    """Where the effect of a `cd` ends: its subshell's end (`( ... )`, a part of a pipeline), else the script's."""
    current = node.parent
    while current is not None:
        if current.type in ("subshell", "pipeline", "command_substitution"):
            return int(current.end_byte)
        current = current.parent
    return end


def _directory_at(start: int, moves: list[tuple[int, int, str | None]]) -> str:
    """The directory the `cd`s before `start` that reach it moved to ("" for none: the WORKDIR)."""
    here = ""
    for cd_start, reach, target in moves:
        if cd_start >= start or start >= reach:
            continue
        if target is None or here == _UNKNOWN_DIRECTORY:
            here = _UNKNOWN_DIRECTORY
        else:
            here = posixpath.normpath(posixpath.join(here, target)) if here else target
    return here


def _download_words(src: Source, command: Node) -> tuple[str, tuple[str, ...]] | None:
    """(downloader, its arguments) of a curl or wget command whose words are literal."""
    values = [literal(src, c) for c in command_words(command)[1]]
    if not values or any(w is None for w in values):
        return None
    # (seen through wrappers as the stage's commands are, facts.seen_through: `nice curl -o F`, `env -u X wget`)
    words = strip_env_prefix(tuple(w or "" for w in values[wrapper_words(values):]))
    if not words or posixpath.basename(words[0]) not in ("curl", "wget"):
        return None
    return posixpath.basename(words[0]), words[1:]


def _download_files(src: Source, command: Node) -> list[tuple[str, Downloaded]]:
    """(file, what it holds) of each file a curl or wget command writes by its options (rewrite.uncarried's
    download_targets), each with the name of the URL it comes from."""
    from migrator.rewrite.uncarried import download_targets

    download = _download_words(src, command)
    if download is None:
        return []
    urls = [w for w in download[1] if "://" in w]
    return [(target, _downloaded(urls[0] if urls else target)) for target in download_targets(*download)]


def _downloaded_output(src: Source, command: Node) -> Downloaded | None:
    """What a curl or wget command that writes its download to its standard output (`curl -fsSL URL > f`,
    `wget -qO- URL`) writes: a download of its URL."""
    from migrator.rewrite.uncarried import download_targets

    download = _download_words(src, command)
    urls = [w for w in download[1] if "://" in w] if download is not None else []
    if download is None or not urls or download_targets(*download):
        return None
    return _downloaded(urls[0])


def _shell_c_line(src: Source, command: Node) -> str | None:
    """The command line of `sh -c 'LINE'` (`bash -ec`, after `exec` or `sudo`), when it is literal."""
    values = [literal(src, c) for c in command_words(command)[1]]
    if not values or any(w is None for w in values):
        return None
    words = _unwrapped(tuple(w or "" for w in values))
    if not words or posixpath.basename(words[0]) not in SHELLS:
        return None
    options, operands = _shell_arguments(words[1:])
    if not operands or not any("c" in option[1:] for option in options if not option.startswith("--")):
        return None
    return operands[0]


def _masked_heredoc(src: Source, redirect: Node) -> bool:
    """`<____`: where run_scripts masked a `<<EOF` of the RUN step."""
    return bool(redirect.children) and redirect.children[0].type == "<" \
        and src.slice(redirect).replace(" ", "").strip("<_") == ""


def _output_files(src: Source, statement: Node) -> list[tuple[int, str, bool]]:
    """(offset, target, appended) of each file a redirected statement sends its standard output to (`> f`,
    `>> f`, `>| f`, `1> f`), when the target is a literal path."""
    from migrator.rewrite.shell_syntax import literal

    files: list[tuple[int, str, bool]] = []
    for redirect in statement.children:
        if redirect.type != "file_redirect" or not redirect.children:
            continue
        descriptor = next((c for c in redirect.children if c.type == "file_descriptor"), None)
        if descriptor is not None and src.slice(descriptor) != "1":
            continue  # (`2> /tmp/log`: not what the command writes)
        operator = next((c.type for c in redirect.children if not c.is_named), "")
        target = literal(src, redirect.named_children[-1]) if redirect.named_children else None
        if operator in (">", ">>", ">|") and target and "$" not in target and not target.startswith("&"):
            files.append((redirect.start_byte, target, operator == ">>"))
    return files


def _output(src: Source, node: Node, heredoc: str | None, pending: list[str] | None = None,
            stdin: str | None = None) -> str | None:
    """What `node` writes to its standard output, or None when it cannot be known: a command
    (_command_output; a Derived one for a command that writes a file's text, plan.text_filters: `sed ... f`, or
    `tr ... < f` with `stdin` the file a `<` redirect reads), a group of commands (`{ a; b; }`, `( a && b )`: each
    one's output in turn; a command in it whose output goes to a file adds nothing), or a command with its own
    heredoc (`cat <<EOF`). `pending`: the bodies of the RUN step's heredocs not yet read, in order (taken from as
    they are read)."""
    from migrator.rewrite.shell_syntax import command_words

    if node.type == "command":
        assignments, nodes = command_words(node)
        words: list[str | None] = [_word_value(src, c) for c in nodes] if not assignments else [None]
        text = _command_output(words, heredoc)
        if text is None and (download := _downloaded_output(src, node)) is not None:
            return download
        if text is None and heredoc is None and not assignments and all(w is not None for w in words):
            from migrator.plan.text_filters import text_filter

            read = text_filter([w or "" for w in words], stdin, src.line(src.start(node)))
            if read is not None:
                return _derived(read)
        return text if text is not None or assignments else _output_head(src, nodes, words)
    if node.type in ("compound_statement", "subshell", "list", "program"):
        if any(c.type == "||" for c in node.children):
            return None  # (what runs is not known)
        text = ""
        for child in (c for c in node.named_children if c.type != "comment"):
            text = _written_after(text, _output(src, child, None, pending))
        return text if text or not isinstance(text, WrittenHead) else None
    if node.type == "redirected_statement" and node.children:
        if _output_files(src, node):
            return ""  # (its output goes to its own file)
        bodies: list[str | None] = [src.slice(b) for c in node.children if c.type == "heredoc_redirect"
                                    for b in c.named_children if b.type == "heredoc_body"]
        inputs = [c for c in node.children if c.type == "file_redirect" and any(o.type == "<" for o in c.children)]
        if inputs and all(_masked_heredoc(src, c) for c in inputs):
            bodies += [pending.pop(0) if pending else None for _ in inputs]  # (a `<<EOF` of the RUN step)
        elif len(inputs) == 1 and (stdin_file := _input_file(src, node)) is not None:
            return _output(src, node.children[0], None, pending, stdin_file)  # (`tr -d '\r' < start.sh`)
        elif inputs:
            return None  # (what it reads is not known; `2> /dev/null` changes nothing of its output)
        return _output(src, node.children[0], bodies[0] if bodies else None, pending)
    return None


def _output_head(src: Source, nodes: list[Node], words: list[str | None]) -> str | None:
    """The known beginning of what `echo` or `printf FORMAT` writes when a word expands a variable
    (`echo "#!/bin/bash\\nexec $APP"`): the literal words before it and the literal start of that word."""
    from migrator.rewrite.shell_syntax import DOUBLE_QUOTED_ESCAPE as double_quoted_escape
    from migrator.rewrite.shell_syntax import _word_text as word_text
    from migrator.rewrite.shell_syntax import double_quoted

    name = words[0] if words else None
    unknown = next((i for i, word in enumerate(words) if word is None), len(words))
    if name not in ("echo", "printf") or unknown == 0 or unknown == len(words):
        return None
    node = nodes[unknown]
    start = word_text(src, node).split("$", 1)[0].split("`", 1)[0] if node.type == "string" else ""
    start = double_quoted_escape.sub(double_quoted, start)
    known = [w for w in words[1:unknown] if w is not None]
    if name == "printf":
        known = [w for w in known if w != "--"]
        if known:
            return None  # (the unknown word is an argument: where it goes in the format is not read)
        return _head(_unescaped(start.split("%", 1)[0]))
    known = [w for w in known if w not in ("-e", "-n", "-E", "-ne", "-en")]
    return _head(_unescaped(" ".join([*known, start])))


def _word_value(src: Source, node: Node) -> str | None:
    """A word's value (rewrite.shell.literal), with `$'...'` C strings read too."""
    if node.type == "ansi_c_string":
        return _unescaped(src.slice(node)[2:-1])
    return literal(src, node)


def _teed(src: Source, tee: Node, text: str | None) -> list[tuple[int, str, str | None, bool]]:
    """`printf '#!/bin/sh\\n...' | tee [-a] /start.sh`, `tee /start.sh <<EOF`: tee writes `text` to each file
    it names."""
    from migrator.plan.copy_commands import copy_operands
    from migrator.rewrite.shell_syntax import command_words, literal

    if tee.type != "command":
        return []
    words = [literal(src, c) for c in command_words(tee)[1]]
    if words and words[0] in ("install", "cp") and "/dev/stdin" in words and all(w and "$" not in w for w in words):
        # (`install -m 755 /dev/stdin /start.sh <<EOF`: what it reads is what it writes)
        operands = copy_operands([w or "" for w in words])
        if operands is not None and operands.sources == ("/dev/stdin",) and not operands.into_directory:
            return [(tee.start_byte, operands.destination, text, False)]
        return []
    if not words or words[0] != "tee" or any(w is None or "$" in w for w in words):
        return []
    append = "-a" in words[1:] or "--append" in words[1:]
    return [(tee.start_byte, word, text, append) for word in words[1:] if word and not word.startswith("-")]


def _command_output(words: list[str | None], heredoc: str | None) -> str | None:
    """What `printf FORMAT [ARGUMENT...]`, `echo [-e] WORDS` or `cat <<EOF` writes, when every word is literal."""
    if not words or any(word is None for word in words):
        return None
    name, arguments = words[0], [w for w in words[1:] if w is not None]
    if name in _SILENT and (arguments or name not in ("set", "export", "umask")) \
            and not any(w in ("-v", "--verbose") or (w[:1] == "-" and "v" in w[1:] and name != "set")
                        for w in arguments):
        return ""  # (`set -e`, `cd /app`, `chmod +x f`: nothing on the output)
    if name == "cat" and not arguments and heredoc is not None:
        return heredoc
    if name == "printf" and arguments[:1] == ["--"]:
        arguments = arguments[1:]
    if name == "printf" and len(arguments) == 1:
        return _unescaped(arguments[0])
    if name == "printf" and arguments and arguments[0].count("%") == 1 and "%s" in arguments[0]:
        return "".join(_unescaped(arguments[0]).replace("%s", word) for word in arguments[1:])  # `'%s\n' a b`
    if name == "echo":
        newline = "-n" not in arguments[:2]
        arguments = [w for w in arguments if w not in ("-e", "-n", "-E", "-ne", "-en")]
        return _unescaped(" ".join(arguments)) + ("\n" if newline else "")
    return None


# commands that write nothing to their output (with no arguments, set, export and umask print what is set)
_SILENT = frozenset({"true", ":", "cd", "set", "export", "umask", "unset", "chmod", "chown", "mkdir", "touch"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "e": "\x1b"}
_ESCAPE = lazy_re(r"\\(0?[0-7]{1,3}|.)", re.S)


def _unescaped(text: str) -> str:
    """The backslash escapes of printf's format (and of dash's echo, and of `$'...'`): `\\n`, `\\t`, `\\\\`,
    octal `\\0NNN`. An unknown escape stays as written."""
    def one(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "01234567":
            return chr(int(escape, 8) & 0xFF)
        return _ESCAPES.get(escape, match.group(0))

    return _ESCAPE.sub(one, text) if "\\" in text else text


def written_kind(text: str) -> str:
    """What a file whose text the Dockerfile writes is (plan.buildcontext.kind_of): a file with no `#!` line is
    read by a shell too (started directly, the engine cannot run it at all)."""
    from migrator.plan.buildcontext import kind_of

    kind = kind_of(text.encode("utf-8", "replace")[:256])
    return "sh" if kind == "data" else kind
