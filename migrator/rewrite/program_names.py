"""Start commands that name a program the way Debian or Alpine do, where Wolfi's package names it otherwise.

`apt-get install cron` + `CMD ["cron", "-f"]`: Wolfi's cronie installs `crond` (foreground `-n`), no
`cron`; Wolfi's nodejs installs `node` only. The final stage's start command is written with the Wolfi
name before the migration is planned, so every later step (the runtime choice, the start check) sees the
program the image will have (rules/tools.yaml `distro_names`; info MIG571). In shell form (`CMD cron &&
gunicorn app:app`, `CMD php-fpm8.1 -D && nginx -g "daemon off;"`) each command word the shell runs is
renamed, as the parser reads the command: not an argument, not quoted text; the rest stays as written. So
are the script of an exec-form `sh -c` and a shell script a COPY heredoc writes that the start command runs.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Dockerfile, Instruction, argv_json
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.plan.stages import Stage
    from migrator.rewrite.shell_syntax import Source
    from migrator.rewrite.tools import DistroProgram, Programs
    from migrator.rules.loader import RuleSet

_INSTALLS = lazy_re(r"\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n;&|]*?\b(?:install|add)\b")


def with_wolfi_program_names(text: str, doc: Dockerfile, rules: RuleSet | None = None) -> tuple[str, list[Finding]]:
    """`text` with the final stage's start command renamed where a distro name is not Wolfi's, its options as the
    Wolfi program takes them (those of the source package that installed it: rules/tools.yaml `program_packages`),
    the crontabs it copies moved where Wolfi's cronie reads them, and why."""
    from migrator.plan.stages import split_stages

    stages = split_stages(doc).stages
    if not stages:
        return text, []
    final = stages[-1]
    chain = final.chain()
    installs = any(_INSTALLS.search(i.logical) for stage in chain for i in stage.instructions if i.keyword == "RUN")
    sources = _source_programs(chain, rules) if rules is not None else {}
    if not installs and not sources:
        return text, []  # (the program comes from somewhere the tool does not install: a COPY, the image)
    lookup = Lookup(sources, names=installs)
    lines = text.splitlines(keepends=True)
    findings: list[Finding] = []
    for instruction in reversed([i for i in final.instructions if i.keyword in ("CMD", "ENTRYPOINT")]):
        shell = _shell_form_renamed(instruction, lines, lookup) or _shell_c_renamed(instruction, lookup)
        if shell is not None:
            lines[instruction.line - 1:instruction.end_line] = shell[0].splitlines(keepends=True)
            findings += [finding(code, instruction.line, message) for code, message in shell[1]]
            continue
        renamed = _renamed(instruction, lookup) if instruction.end_line == instruction.line else None
        if renamed is None:  # (a command on several lines stays: every later line keeps its number)
            continue
        argv, notes = renamed
        at = instruction.line - 1
        ending = lines[at][len(lines[at].rstrip("\r\n")):]
        lines[at] = f"{instruction.keyword} {argv_json(argv)}{ending}"
        findings += [finding(code, instruction.line, message) for code, message in notes]
    findings += _start_scripts_renamed(final.instructions, lines, lookup)
    if lookup.crontabs:
        from migrator.rewrite.crontabs import moved_crontabs

        findings += moved_crontabs([i for stage in chain for i in stage.instructions], lines, lookup.crontabs)
    return "".join(lines), findings


class Lookup:
    """The table of each program the final stage may start (rules/tools.yaml), and the per-user crontab
    directories of the cron daemons it starts (or whose package it installs), to move where cronie reads them."""

    def __init__(self, sources: Programs, names: bool) -> None:
        self.sources = sources
        self.names = names  # the stage installs packages: distro_names apply (else only the source image's own)
        self.crontabs: list[str] = list(dict.fromkeys(d for t in sources.values() if t.package != "busybox"
                                                      for d in t.crontabs))

    def __call__(self, program: str) -> DistroProgram | None:
        from migrator.rewrite.tools import distro_program

        found = distro_program(program, self.sources) if self.names else self.sources.get(program)
        if found is not None:
            self.crontabs += [d for d in found.crontabs if d not in self.crontabs]
        return found

    def note_crontabs(self, directories: list[str]) -> None:
        self.crontabs += [d for d in directories if d not in self.crontabs]


def _source_programs(chain: list[Stage], rules: RuleSet) -> Programs:
    """The program_packages tables of the source image's family for what the chain's package commands install."""
    from migrator.plan.facts import read_facts
    from migrator.rewrite.packages import package_command
    from migrator.rewrite.tools import source_programs

    family = _family(chain[0], rules)
    if family is None:
        return {}
    installed: set[str] = set()
    for stage in chain:
        for command in read_facts(stage).commands:
            found = package_command([w or "" for w in command.words])
            if found is not None and found.virtual is None:
                installed.update(found.packages)
    return source_programs(family, installed)


def _family(root: Stage, rules: RuleSet) -> str | None:
    """The package family of the chain's source image; None for a Chainguard image (its programs are Wolfi's) or
    one the tool cannot read."""
    from migrator.plan.images import package_family

    ref = root.ref
    if ref is None or ref.registry == "cgr.dev" or "chainguard" in ref.path.split("/")[:-1]:
        return None
    rule = rules.image_rule(ref.short_name, ref.tag)
    if rule is not None and (rule.ecosystem == "chainguard" or rule.unsupported):
        return None
    return package_family(ref, rule)


def _renamed(instruction: Instruction, lookup: Lookup) -> tuple[list[str], Notes] | None:
    """(the start command with the Wolfi program and its options, the notes that say what changed: I MIG571, W MIG320
    for an option dropped whose loss the container notices, E MIG596 for each option the Wolfi program does not
    take), or None when the command names no distro program or nothing changes."""
    from migrator.plan.startcommand import unwrap

    argv = instruction.json_args()
    if not argv:
        return None
    at = unwrap(argv).program_index
    if at >= len(argv) or posixpath.dirname(argv[at]) not in ("", "/bin", "/sbin", "/usr/bin", "/usr/sbin"):
        return None
    program = posixpath.basename(argv[at])
    distro = lookup(program)
    if distro is None:
        return None
    options = _wolfi_options(program, distro, argv[at + 1:], lookup)
    written = [*argv[:at], argv[at] if program == distro.name else distro.name, *options.written]
    if written == argv and not options.refused:
        return None
    return written, options.notes(program, distro, argv_json(written))


@dataclass
class WolfiOptions:
    """A distro program's arguments as the Wolfi program takes them, and what changed."""

    written: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # said in I MIG571
    warned: list[str] = field(default_factory=list)  # W MIG320: dropped, and the container does without it
    refused: list[str] = field(default_factory=list)  # E MIG596: left as written, the Wolfi program refuses it

    def notes(self, program: str, distro: DistroProgram, written: str) -> Notes:
        if distro.name != posixpath.basename(program):
            head = f"`{program}` started as `{distro.name}`: Wolfi's package installs it under that name"
        else:
            head = (f"`{program}` is {_wolfi_package(distro)}'s on Wolfi, not {_source(distro)}'s: its options "
                    "written as that one takes them")
        note = head + (f" ({'; '.join(self.changes)})" if self.changes else "") + f": {written}"
        return [("MIG571", note), *(("MIG320", m) for m in self.warned), *(("MIG596", m) for m in self.refused)]


def _wolfi_package(distro: DistroProgram) -> str:
    from migrator.rewrite.tools import package_for

    return package_for(distro.name) or "the Wolfi package"


def _source(distro: DistroProgram) -> str:
    return "the source image's busybox" if distro.package == "busybox" else str(distro.package)


def _wolfi_options(program: str, distro: DistroProgram, words: list[str], lookup: Lookup) -> WolfiOptions:
    """`words`, the distro program's arguments, as the Wolfi program spells them; what changed; an error message
    for each option the Wolfi program does not take, left as written."""
    mapped, dropped = dict(distro.options), dict(distro.dropped)
    found = WolfiOptions()
    for option, value, original in _options(words, distro.getopt):
        if option in mapped:
            again = value is None and mapped[option] in found.written  # (dcron's `-f -d`: cronie's -n once)
            found.written += [] if again else [mapped[option], *([value] if value is not None else [])]
            if mapped[option] != option:
                found.changes.append(f"`{option}` is `{mapped[option]}` there")
        elif option in dropped:
            said = f"`{' '.join(original)}` dropped: {dropped[option]}"
            if option in distro.warned:
                found.warned.append(f"{said} (`{program}` of {_source(distro)}, started as Wolfi's `{distro.name}`)")
            else:
                found.changes.append(said)
            if option in distro.crontab_options and value is not None:
                lookup.note_crontabs([value.rstrip("/") or "/"])
        else:
            found.written += original
            if distro.accepts is not None and option.startswith("-") and not _takes(distro.accepts, option, value):
                whose = (f"{_wolfi_package(distro)}'s on Wolfi, not {_source(distro)}'s" if distro.name == program
                         else f"Wolfi's, for `{program}`")
                found.refused.append(
                    f"`{' '.join(original)}`: `{distro.name}` ({whose}) takes no such option (it takes "
                    f"{_listed(distro.accepts)}); it would print its usage and "
                    f"exit at start: the option is left as written: remove it, or use an option of `{distro.name}` "
                    "that does the same")
    return found


def _options(words: list[str], getopt: str) -> list[tuple[str, str | None, list[str]]]:
    """(option, its value, the words it was written as) of each argument, read with the program's getopt letters:
    `-L 15`, `-L15`, `-fl` (two options); an operand, a long option and what follows `--` stand for themselves.
    Without getopt letters, each word is one option."""
    found: list[tuple[str, str | None, list[str]]] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not getopt or not word.startswith("-") or word in ("-", "--") or word.startswith("--"):
            found.append((word, None, [word]))
            if word == "--" and getopt:
                found += [(w, None, [w]) for w in words[index:]]
                break
            continue
        for position, letter in enumerate(word[1:], start=1):
            if f"{letter}:" not in getopt:
                found.append((f"-{letter}", None, [f"-{letter}"]))
                continue
            rest = word[position + 1:]
            if rest:
                found.append((f"-{letter}", rest, [f"-{letter}{rest}"]))
            elif index < len(words):
                found.append((f"-{letter}", words[index], [f"-{letter}", words[index]]))
                index += 1
            else:
                found.append((f"-{letter}", None, [f"-{letter}"]))
            break
    return found


def _takes(accepts: str, option: str, value: str | None) -> bool:
    """Whether a program with getopt letters `accepts` takes `option` (with a value when it has one)."""
    letter = option[1:]
    if len(letter) != 1 or letter not in accepts.replace(":", ""):
        return False
    return (f"{letter}:" in accepts) == (value is not None)


def _listed(accepts: str) -> str:
    return " ".join(f"-{letter}" + (" VALUE" if accepts[i + 1:i + 2] == ":" else "")
                    for i, letter in enumerate(accepts) if letter != ":")


_SHELL_SHEBANG = lazy_re(r"#![ \t]*(?:/usr)?/bin/(?:env[ \t]+)?(?:sh|bash|ash|dash)\b")

# (finding code, message) of a command renamed in a shell script: MIG571, and MIG596 for an option refused
Notes = list[tuple[str, str]]


def _start_scripts_renamed(instructions: list[Instruction], lines: list[str], lookup: Lookup) -> list[Finding]:
    """The shell scripts the stage writes with a COPY heredoc (`COPY <<EOF /start.sh`) and its start command runs
    (by their file name), renamed in `lines` as a shell-form start command is, and the findings (one line each, so
    every line keeps its number)."""
    started = {posixpath.basename(word) for i in instructions if i.keyword in ("CMD", "ENTRYPOINT")
               for word in i.words()}
    findings: list[Finding] = []
    for instruction in instructions:
        words = instruction.words() if instruction.keyword == "COPY" and instruction.heredocs else []
        if not words or posixpath.basename(words[-1]) not in started:
            continue
        raw = "".join(lines[instruction.line - 1:instruction.end_line])
        if raw != instruction.raw:
            continue  # (already changed: never edit text that is not the instruction's own)
        for heredoc in reversed(instruction.heredocs):  # (from the end: earlier offsets stay valid)
            if not _SHELL_SHEBANG.match(heredoc.body):
                continue
            renamed = _script_renamed(heredoc.body, heredoc.body_line, lookup)
            if renamed is None:
                continue
            raw = raw[:heredoc.body_offset] + renamed[0] + raw[heredoc.body_offset + len(heredoc.body):]
            findings += [finding(code, instruction.line, f"{message} (in the start script {words[-1]})")
                         for code, message in renamed[1]]
        lines[instruction.line - 1:instruction.end_line] = raw.splitlines(keepends=True)
    return findings


# a shell-form CMD/ENTRYPOINT: the keyword, then the script the shell runs
_SHELL_FORM = lazy_re(r"^[ \t]*(?:CMD|ENTRYPOINT)[ \t]+", re.IGNORECASE)


def _shell_form_renamed(instruction: Instruction, lines: list[str], lookup: Lookup) -> tuple[str, Notes] | None:
    """The text of a shell-form start command (its lines in `lines`) with each command word the shell runs that is
    a distro name renamed (its options with it), and the notes; None when none is, or the text cannot be read as
    the shell reads it (another escape character, a heredoc, a comment line inside it, a syntax error)."""
    raw = "".join(lines[instruction.line - 1:instruction.end_line])
    head = _SHELL_FORM.match(raw)
    if (head is None or instruction.json_args() is not None or instruction.escape != "\\" or instruction.heredocs
            or any(line.lstrip().startswith("#") for line in raw.splitlines()[1:])):
        return None
    renamed = _script_renamed(raw[head.end():], instruction.line, lookup)
    return None if renamed is None else (raw[:head.end()] + renamed[0], renamed[1])


def _shell_c_renamed(instruction: Instruction, lookup: Lookup) -> tuple[str, Notes] | None:
    """`CMD ["sh", "-c", "cron && gunicorn app:app"]` (one line): the exec form with the script's command words
    renamed as a shell form's are, and the notes; None when none is."""
    from migrator.plan.startcommand import is_shell_c, unwrap

    argv = instruction.json_args()
    if not argv or instruction.end_line != instruction.line:
        return None
    at = unwrap(argv).program_index
    if not is_shell_c(tuple(argv[at:])):
        return None
    renamed = _script_renamed(argv[at + 2], instruction.line, lookup)
    if renamed is None:
        return None
    written = [*argv[:at + 2], renamed[0], *argv[at + 3:]]
    ending = instruction.raw[len(instruction.raw.rstrip("\r\n")):]
    return f"{instruction.keyword} {argv_json(written)}{ending}", renamed[1]


def _script_renamed(script: str, line: int, lookup: Lookup) -> tuple[str, Notes] | None:
    """The shell script with each command word that is a distro name renamed (its options as the Wolfi program
    spells them), and the notes of each command renamed; None when none is, or the script does not parse cleanly."""
    from migrator.rewrite.shell_syntax import parsed_or_none

    src = parsed_or_none(script, line)
    if src is None:
        return None
    edits: list[tuple[int, int, str]] = []
    notes: Notes = []
    for node in _commands(src):
        renamed = _command_renamed(src, node, lookup)
        if renamed is not None:
            edits.append(renamed[0])
            notes += renamed[1]
    if not edits:
        return None
    for start, end, text in sorted(edits, reverse=True):
        script = script[:start] + text + script[end:]
    return script, notes


def _commands(src: Source) -> list[Node]:
    from migrator.rewrite.shell_syntax import walk

    return [node for node in walk(src.root) if node.type == "command"]


def _command_renamed(src: Source, node: Node, lookup: Lookup) -> tuple[tuple[int, int, str], Notes] | None:
    """The edit (start, end, new text) that starts the simple command `node` under its Wolfi name, its options as
    the Wolfi program spells them (_wolfi_options, read from the words as written), and the notes."""
    from migrator.plan.startcommand import unwrap
    from migrator.rewrite.shell_syntax import command_words, literal
    _, words = command_words(node)
    values = [literal(src, word) or "" for word in words]
    skip = 1 if values[:1] == ["exec"] else 0  # (the shell's `exec PROGRAM`)
    at = skip + unwrap(values[skip:]).program_index
    if at >= len(words) or words[at].type != "word" or "$" in src.slice(words[at]):
        return None  # (quoted or expanded: not a name the shell looks up as written)
    program = values[at]
    if posixpath.dirname(program) not in ("", "/bin", "/sbin", "/usr/bin", "/usr/sbin"):
        return None
    name = posixpath.basename(program)
    distro = lookup(name)
    if distro is None:
        return None
    arguments = [src.slice(word) for word in words[at + 1:]]  # (as written: a quoted operand stays quoted)
    gaps = [src.text[src.end(a):src.start(b)] for a, b in zip(words[at:], words[at + 1:], strict=False)]
    options = _wolfi_options(name, distro, arguments, lookup)
    if any(gap.replace("\\\n", " ").strip() for gap in gaps):
        options = WolfiOptions(arguments)  # (a redirect among the arguments: only the name changes)
    if options.written == arguments and name == distro.name and not options.refused:
        return None
    start = src.start(words[at])
    wolfi = program if name == distro.name else distro.name
    if options.written == arguments:
        edit = (start, src.end(words[at]), wolfi)
    else:  # (the arguments written anew, one space apart; the program's own text before them kept)
        edit = (start, src.end(words[-1]), " ".join([wolfi, *options.written]))
    command = src.slice(node)
    offset = src.start(node)
    command = command[:edit[0] - offset] + edit[2] + command[edit[1] - offset:]
    return edit, options.notes(program, distro, f"`{command}`")
