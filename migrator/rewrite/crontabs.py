"""Crontabs the stage puts where the source image's cron daemon reads them and Wolfi's cronie does not.

Alpine's dcron and busybox crond read per-user crontabs from /etc/crontabs/<user> (rules/tools.yaml
`program_packages`, `crontabs`, and the directory a start command names with `-c DIR`). Wolfi's cronie reads
/etc/crontab, /etc/cron.d/ (a user column after the time fields) and /var/spool/cron/<user>, the format of
/etc/crontabs/<user> (no user column), and skips a crontab that is executable or group- or world-writable
("BAD FILE MODE", cronie src/database.c). A COPY (or ADD) into such a directory lands in /var/spool/cron instead,
with --chmod=0600 unless it sets a mode (I MIG321); the file keeps its name, the user's. A RUN that writes there is
shell the tool does not rewrite: W MIG322 says where cronie reads. Every edit keeps the instruction's lines.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.regex import lazy as lazy_re

CRONIE_SPOOL = "/var/spool/cron"
_COPY = lazy_re(r"^[ \t]*(?:COPY|ADD)[ \t]+", re.IGNORECASE)


def moved_crontabs(instructions: list[Instruction], lines: list[str], directories: list[str]) -> list[Finding]:
    """Move, in `lines`, each COPY/ADD destination under one of the crontab `directories` to cronie's spool, and
    say so; warn of each RUN that names a file there."""
    findings: list[Finding] = []
    for instruction in instructions:
        if instruction.keyword in ("COPY", "ADD"):
            moved = _moved_copy(instruction, lines, directories)
            if moved is not None:
                findings.append(finding("MIG321", instruction.line, moved))
        elif instruction.keyword == "RUN":
            named = _named_in_run(instruction, directories)
            if named is not None:
                findings.append(finding("MIG322", instruction.line, _run_message(*named)))
    return findings


def _moved_copy(instruction: Instruction, lines: list[str], directories: list[str]) -> str | None:
    words = instruction.words()
    if not words or (len(words) < 2 and not instruction.heredocs):
        return None
    destination = words[-1]
    moved = _in_spool(destination, directories)
    raw = "".join(lines[instruction.line - 1:instruction.end_line])
    head = _COPY.match(raw)
    at = raw.rfind(destination)
    if moved is None or head is None or raw != instruction.raw or at < head.end():
        return None
    chmod = "chmod" not in instruction.flags
    text = raw[:at] + moved + raw[at + len(destination):]
    if chmod:
        text = text[:head.end()] + "--chmod=0600 " + text[head.end():]
    lines[instruction.line - 1:instruction.end_line] = text.splitlines(keepends=True)
    return (f"{instruction.keyword} destination {destination} -> {moved}"
            + (" with --chmod=0600" if chmod else "")
            + f": Wolfi's cronie reads per-user crontabs from {CRONIE_SPOOL}/<user> (the same format, no user "
            f"column) and nothing on Wolfi reads {_directory_of(destination, directories)}; cronie skips a crontab "
            "that is executable or group- or world-writable (\"BAD FILE MODE\")")


def _in_spool(destination: str, directories: list[str]) -> str | None:
    """The destination in cronie's spool, or None when it is not under a crontab directory. The directory itself
    becomes the spool with a trailing slash: a file copied there keeps its name, as it did in the directory."""
    path = posixpath.normpath(destination) if destination.startswith("/") else ""
    for directory in directories:
        if path == directory:
            return CRONIE_SPOOL + "/"
        if path.startswith(directory + "/"):
            return CRONIE_SPOOL + path[len(directory):] + ("/" if destination.endswith("/") else "")
    return None


def _directory_of(destination: str, directories: list[str]) -> str:
    path = posixpath.normpath(destination)
    return next((d for d in directories if path == d or path.startswith(d + "/")), destination)


def _named_in_run(instruction: Instruction, directories: list[str]) -> tuple[str, str] | None:
    """The first path under a crontab directory a RUN names (`echo '...' >> /etc/crontabs/root`), and the
    directory."""
    for directory in directories:
        found = re.search(re.escape(directory) + r"(?:/[^\s'\";&|)]*)?(?![\w.-])", instruction.logical)
        if found is not None:
            return found.group(0), directory
    return None


def _run_message(path: str, directory: str) -> str:
    spooled = _in_spool(path, [directory]) or CRONIE_SPOOL + "/"
    spooled = spooled + "<user>" if spooled.endswith("/") else spooled
    return (f"this RUN writes or reads {path}, where Wolfi's cronie reads no crontab (it reads /etc/crontab, "
            f"/etc/cron.d/ with a user column, and {CRONIE_SPOOL}/<user>): the tool does not rewrite the shell, so "
            f"the jobs written there never run; write the crontab to {spooled} (mode 0600), or install it with "
            "`crontab FILE` (cronie's crontab puts it there)")
