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
        argv, note = renamed
        at = instruction.line - 1
        ending = lines[at][len(lines[at].rstrip("\r\n")):]
        lines[at] = f"{instruction.keyword} {argv_json(argv)}{ending}"
        findings.append(finding("MIG571", instruction.line, note))
    return "".join(lines), findings


def _renamed(instruction: Instruction) -> tuple[list[str], str] | None:
    from migrator.plan.startcommand import unwrap
    from migrator.rewrite.tools import wolfi_name, wolfi_options

    argv = instruction.json_args()
    if not argv:
        return None
    at = unwrap(argv).program_index
    if at >= len(argv) or posixpath.dirname(argv[at]) not in ("", "/bin", "/sbin", "/usr/bin", "/usr/sbin"):
        return None
    program = posixpath.basename(argv[at])
    name = wolfi_name(program)
    if name is None:
        return None
    options = wolfi_options(program)
    written = [*argv[:at], name, *(options.get(word, word) for word in argv[at + 1:])]
    changed = [f"`{word}` is `{options[word]}`" for word in argv[at + 1:] if word in options]
    note = f"`{program}` started as `{name}`: Wolfi's package installs it under that name" + (
        f" ({', '.join(changed)} there)" if changed else "") + f": {argv_json(written)}"
    return written, note
