"""The command a container starts, composed as the engine composes it.

The engine runs ENTRYPOINT + CMD. A stage's ENTRYPOINT replaces the image's and clears the CMD
it inherited (from the image or from a parent stage) unless the same stage set CMD before it;
`ENTRYPOINT []` clears the entrypoint. Shell forms run through `/bin/sh -c`. Wrappers that only
start the real program (tini, dumb-init, gosu, su-exec, env) are seen through.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

from migrator.parse.dockerfile import Instruction
from migrator.parse.options import first_operand
from migrator.parse.words import split_words
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re
from migrator.rewrite.wrappers import INIT_WRAPPERS, USER_WRAPPERS

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_TINI_OPTIONS_WITH_VALUE = "pelr"  # short options of tini (-p -e -l) and dumb-init (-r) that take a value
_ASSIGNMENT = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")
# files that are shell scripts by their name: *.sh, entrypoint scripts without an extension, and the
# start scripts Gradle's application plugin writes (build/install/<app>/bin/<app>)
_SCRIPT_NAMES = lazy_re(
    r"(\.(sh|bash)$)|(^|[-_.])entrypoint$|^(docker-)?entrypoint|(^|/)build/install/[^/]+/bin/[^/.]+$"
)


@dataclass(frozen=True)
class Effective:
    """ENTRYPOINT and CMD in force for a stage, and the instructions that set them (None: the image)."""

    entrypoint: tuple[str, ...]
    cmd: tuple[str, ...]
    entrypoint_from: Instruction | None = None
    cmd_from: Instruction | None = None

    @property
    def argv(self) -> tuple[str, ...]:
        return self.entrypoint + self.cmd


def instruction_argv(instruction: Instruction) -> tuple[str, ...]:
    """The argv an ENTRYPOINT/CMD instruction sets: exec form as is, shell form under /bin/sh -c."""
    argv = instruction.json_args()
    if argv is not None:
        return tuple(argv)
    body = instruction.body.strip()
    return ("/bin/sh", "-c", body) if body else ()


def effective_command(stages_instructions: Iterable[list[Instruction]], entrypoint: tuple[str, ...],
                      cmd: tuple[str, ...]) -> Effective:
    """Walk a chain of stages (root first) from the base image's ENTRYPOINT and CMD."""
    state = Effective(entrypoint, cmd)
    for instructions in stages_instructions:
        cmd_set = False
        for instruction in instructions:
            if instruction.keyword == "CMD":
                state = Effective(state.entrypoint, instruction_argv(instruction), state.entrypoint_from, instruction)
                cmd_set = True
            elif instruction.keyword == "ENTRYPOINT":
                kept = (state.cmd, state.cmd_from) if cmd_set else ((), None)
                state = Effective(instruction_argv(instruction), kept[0], instruction, kept[1])
    return state


@dataclass(frozen=True)
class Unwrapped:
    program_index: int  # index in argv of the program after the wrappers
    wrappers: tuple[str, ...]  # argv[0] of each wrapper, outermost first


def init_options_end(words: tuple[str, ...] | list[str]) -> int:
    """The index of the program in the words after tini/dumb-init: past their options and a `--`."""
    return first_operand(words, _TINI_OPTIONS_WITH_VALUE, ("--rewrite",))


def unwrap(argv: tuple[str, ...] | list[str]) -> Unwrapped:
    """Skip tini/dumb-init (and their options), gosu/su-exec USER, and `env [-i] [VAR=value]...`."""
    index, wrappers = 0, []
    while index < len(argv):
        name = posixpath.basename(argv[index])
        if name in INIT_WRAPPERS:
            wrappers.append(argv[index])
            index += 1
            index += init_options_end(argv[index:])
        elif name in USER_WRAPPERS and index + 2 < len(argv):
            wrappers.append(argv[index])
            index += 2
        elif name == "env" and index + 1 < len(argv):
            wrappers.append(argv[index])
            index += 1
            while index < len(argv) and (argv[index].startswith("-") or _ASSIGNMENT.match(argv[index])):
                index += 1
        else:
            break
    return Unwrapped(min(index, len(argv)), tuple(wrappers))


# programs that start their arguments as a command of their own, with execve: Rails' thruster (`thrust CMD...`)
_RUNS_ITS_ARGUMENTS = frozenset({"thrust"})
_RUBY = lazy_re(r"^(j|truffle)?ruby[\d.]*$")
_RUBY_OPTIONS_WITH_VALUE = frozenset({"-I", "-r", "-C", "-E"})


@dataclass(frozen=True)
class Started:
    """The command a program of a start command runs in its turn."""

    index: int  # where it begins in the argv
    loaded: bool  # its first word is loaded into the same Ruby process (`bundle exec BINSTUB`), not exec'd


def started_command(argv: tuple[str, ...] | list[str]) -> Started | None:
    """The command the program `argv` starts from its own arguments: thruster execs them (`thrust ./bin/rails
    server`, also run as `ruby ./bin/thrust ...`); `bundle exec CMD` starts CMD, and loads it into its own Ruby
    process when its `#!` line runs ruby (Bundler's kernel_load, as a binstub's is), so that line is never run.
    None for a program that runs no command of its arguments."""
    if not argv:
        return None
    name = posixpath.basename(argv[0])
    if name in _RUNS_ITS_ARGUMENTS:
        return Started(1, False)
    if name == "bundle" and argv[1:2] in (["exec"], ("exec",)):
        index = 2
        while index < len(argv) and argv[index].startswith("-"):
            index += 1
        return Started(index, True)
    if _RUBY.match(name):
        index = 1
        while index < len(argv) and argv[index].startswith("-"):
            if argv[index] in ("-e", "--"):
                return None
            index += 2 if argv[index] in _RUBY_OPTIONS_WITH_VALUE else 1
        if index < len(argv) and posixpath.basename(argv[index]) in _RUNS_ITS_ARGUMENTS:
            return Started(index + 1, False)
    return None


def is_shell(program: str) -> bool:
    return posixpath.basename(program) in SHELLS


def is_shell_c(argv: tuple[str, ...] | list[str]) -> bool:
    return len(argv) >= 3 and is_shell(argv[0]) and argv[1] == "-c"


def looks_like_script(path: str, source_name: str | None = None) -> bool:
    """A file a shell must run, told by its name (or by the name it was copied from)."""
    for name in (path, source_name or ""):
        if name and (_SCRIPT_NAMES.search(posixpath.basename(name)) or _SCRIPT_NAMES.search(name)):
            return True
    return False


def inner_program(shell_body: str) -> str | None:
    """The program a simple `sh -c "exec java ..."` body starts (after assignments and `exec`), and after a
    `cd DIR &&` first step (`cd /app && ./start.sh` starts /app/start.sh)."""
    try:
        words = split_words(shell_body)
    except ValueError:
        words = shell_body.split()
    directory = ""
    while len(words) > 2 and words[0] == "cd" and "$" not in words[1]:
        if words[1].endswith(";"):  # `cd app; ./run`
            words = [words[0], words[1][:-1], ";", *words[2:]]
        if len(words) < 4 or words[2] not in ("&&", ";"):
            break
        directory = posixpath.join(directory, words[1])
        words = words[3:]
    program = _first_program(words)
    if program is not None and directory and "/" in program:
        return posixpath.normpath(posixpath.join(directory, program))
    return program


def _first_program(words: list[str]) -> str | None:
    for word in words:
        if word == "exec" or _ASSIGNMENT.match(word):
            continue
        return word if re.match(r"^[\w./+-]+$", word) else None
    return None


def interactive_shell(argv: tuple[str, ...] | list[str]) -> bool:
    """`bash`, `/bin/sh -l`: the command of a base image, not of an application."""
    return bool(argv) and is_shell(argv[0]) and all(word in ("-l", "-i", "--login") for word in argv[1:])


# interpreters that run a file of the app given as an argument: (options whose value is the next word, options
# after which no file is run: code given inline, a module, the built-in server, a version query)
_PYTHON = lazy_re(r"^python[\d.]*$")
_PHP = lazy_re(r"^php[\d.]*$")
_PERL = lazy_re(r"^perl[\d.]*$")
_NODE = frozenset({"node", "nodejs"})
_SCRIPT_OPTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "python": (frozenset({"-W", "-X", "--check-hash-based-pycs"}),
               frozenset({"-c", "-m", "-V", "--version", "-h", "--help", "-i"})),
    "node": (frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
                        "--env-file", "--title", "--input-type", "--inspect-port"}),
             frozenset({"-e", "--eval", "-p", "--print", "-v", "--version", "-h", "--help", "-i", "--interactive",
                        "--test", "--run", "-c", "--check"})),
    "ruby": (frozenset(_RUBY_OPTIONS_WITH_VALUE), frozenset({"-e", "-S", "-v", "--version", "-h", "--help", "-c"})),
    "php": (frozenset({"-c", "-d", "-z", "-t"}),
            frozenset({"-S", "-r", "-a", "-v", "--version", "-h", "--help", "-i", "-m", "-l", "-B", "-R", "-F",
                       "-E", "--ini"})),
    "perl": (frozenset({"-I", "-M", "-m", "-x"}), frozenset({"-e", "-E", "-v", "-V", "-c", "-h"})),
}


def _interpreter_kind(program: str) -> str | None:
    name = posixpath.basename(program)
    if _PYTHON.match(name):
        return "python"
    if name in _NODE:
        return "node"
    if _RUBY.match(name):
        return "ruby"
    if _PHP.match(name):
        return "php"
    if _PERL.match(name):
        return "perl"
    return "java" if name == "java" else None


def is_interpreter(program: str) -> bool:
    """Whether `program` runs a file of the app given as its argument (python, node, ruby, php, perl, java)."""
    return _interpreter_kind(program) is not None


def program_as_argument(effective: Effective, is_program: Callable[[str], bool]) -> bool:
    """The image's ENTRYPOINT is one program (Chainguard python's /usr/bin/python, node's /usr/bin/node, nginx's),
    the stages set none, and the CMD starts a program again: that one (`CMD ["python", "app.py"]`) or another the
    image has (`CMD ["npm", "start"]`, `is_program`). The engine runs `/usr/bin/python python app.py`: the
    entrypoint takes the program's name as its first argument (an interpreter, as the file to run)."""
    entrypoint, cmd = effective.entrypoint, effective.cmd
    if effective.entrypoint_from is not None or len(entrypoint) != 1 or not cmd or cmd[0].startswith("-"):
        return False
    if unwrap(entrypoint).program_index != 0 or _interpreter_kind(entrypoint[0]) == "java":
        return False
    kind = _interpreter_kind(entrypoint[0])
    name = posixpath.basename(cmd[0])
    if (kind is not None and _interpreter_kind(cmd[0]) == kind) or name == posixpath.basename(entrypoint[0]):
        return True
    on_path = "/" not in cmd[0] or posixpath.dirname(cmd[0]) in _PROGRAM_DIRECTORIES
    return on_path and "." not in name and is_program(name)


_PROGRAM_DIRECTORIES = frozenset({"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"})


def interpreter_script(argv: tuple[str, ...] | list[str]) -> int | None:
    """The index in `argv` (an interpreter and its arguments) of the file of the app it runs: `python -u
    /srv/tool/main.py`, `node --require ./tracing.js server.js`, `ruby -Ilib app.rb`, `php artisan serve`,
    `java -Xmx1g -jar /app/app.jar`. None when the command runs no file of the app (`python -m app`, `node -e
    ...`, `php -S 0.0.0.0:80 -t public`) or is no interpreter."""
    kind = _interpreter_kind(argv[0]) if argv else None
    if kind is None:
        return None
    if kind == "java":
        jar = next((i + 1 for i, word in enumerate(argv) if word == "-jar"), None)
        return jar if jar is not None and jar < len(argv) else None
    with_value, no_file = _SCRIPT_OPTIONS[kind]
    index = 1
    while index < len(argv):
        word = argv[index]
        if word == "--":
            index += 1
            break
        if not word.startswith("-") or word == "-":
            break
        option = word.split("=", 1)[0]
        if option in no_file or (kind == "php" and option == "-f" and "=" in word):
            return None
        if kind == "php" and option == "-f":
            index += 1
            break
        index += 2 if option in with_value and "=" not in word else 1
    if index >= len(argv) or argv[index] == "-" or "$" in argv[index]:
        return None
    return index
