"""Start commands that name a program the way Debian or Alpine do, where Wolfi's package names it otherwise.

`apt-get install cron` + `CMD ["cron", "-f"]`: Wolfi's cronie installs `crond` (foreground `-n`), no
`cron`; Wolfi's nodejs installs `node` only. The final stage's exec-form start command is written with
the Wolfi name before the migration is planned, so every later step (the runtime choice, the start
check) sees the program the image will have (rules/tools.yaml `distro_names`; info MIG571).
"""

from __future__ import annotations

import posixpath

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Dockerfile, Instruction, argv_json
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from migrator.rewrite.tools import DistroProgram

_INSTALLS = lazy_re(r"\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n;&|]*?\b(?:install|add)\b")


def with_wolfi_program_names(text: str, doc: Dockerfile) -> tuple[str, list[Finding]]:
    """`text` with the final stage's start command renamed where a distro name is not Wolfi's, and why."""
    from migrator.plan.stages import split_stages

    stages = split_stages(doc).stages
    if not stages:
        return text, []
    final = stages[-1]
    chain = final.chain()
    if not any(_INSTALLS.search(i.logical) for stage in chain for i in stage.instructions if i.keyword == "RUN"):
        return text, []  # (the program comes from somewhere the tool does not install: a COPY, the image)
    lines = text.splitlines(keepends=True)
    findings: list[Finding] = []
    for instruction in reversed([i for i in final.instructions if i.keyword in ("CMD", "ENTRYPOINT")]):
        renamed = _renamed(instruction) if instruction.end_line == instruction.line else None
        if renamed is None:  # (a command on several lines stays: every later line keeps its number)
            continue
        argv, note, refused = renamed
        at = instruction.line - 1
        ending = lines[at][len(lines[at].rstrip("\r\n")):]
        lines[at] = f"{instruction.keyword} {argv_json(argv)}{ending}"
        findings.append(finding("MIG571", instruction.line, note))
        findings += [finding("MIG596", instruction.line, message) for message in refused]
    return "".join(lines), findings


def _renamed(instruction: Instruction) -> tuple[list[str], str, list[str]] | None:
    """(the start command with the Wolfi program, the note that says what changed, an error message for each
    option the Wolfi program does not take), or None when the command names no distro program."""
    from migrator.plan.startcommand import unwrap
    from migrator.rewrite.tools import distro_program

    argv = instruction.json_args()
    if not argv:
        return None
    at = unwrap(argv).program_index
    if at >= len(argv) or posixpath.dirname(argv[at]) not in ("", "/bin", "/sbin", "/usr/bin", "/usr/sbin"):
        return None
    program = posixpath.basename(argv[at])
    distro = distro_program(program)
    if distro is None:
        return None
    options, changes, refused = _wolfi_options(program, distro, argv[at + 1:])
    written = [*argv[:at], distro.name, *options]
    note = f"`{program}` started as `{distro.name}`: Wolfi's package installs it under that name" + (
        f" ({'; '.join(changes)})" if changes else "") + f": {argv_json(written)}"
    return written, note, refused


def _wolfi_options(program: str, distro: DistroProgram, words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(`words`, the distro program's arguments, as the Wolfi program spells them; what changed; an error message
    for each option the Wolfi program does not take, left as written)."""
    mapped, dropped = dict(distro.options), dict(distro.dropped)
    written: list[str] = []
    changes: list[str] = []
    refused: list[str] = []
    for option, value, original in _options(words, distro.getopt):
        if option in mapped:
            written += [mapped[option], *([value] if value is not None else [])]
            if mapped[option] != option:
                changes.append(f"`{option}` is `{mapped[option]}` there")
        elif option in dropped:
            changes.append(f"`{' '.join(original)}` dropped: {dropped[option]}")
        else:
            written += original
            if distro.accepts is not None and option.startswith("-") and not _takes(distro.accepts, option, value):
                refused.append(
                    f"`{' '.join(original)}`: `{distro.name}` (Wolfi's, for `{program}`) takes no such option "
                    f"(it takes {_listed(distro.accepts)}); it would print its usage and exit at start: the option "
                    f"is left as written: remove it, or use an option of `{distro.name}` that does the same")
    return written, changes, refused


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
