"""What a site file copied into a distribution's nginx names that Wolfi's packages do not have (adversary round
12, G9): the tool reads the files the stage copies under /etc/nginx from the build context on disk.

- `include snippets/fastcgi-php.conf;`: a file only the distribution's nginx package ships (Debian's
  nginx-common), which no Wolfi package ships and no line of the stage creates: nginx stops at start
  (`[emerg] open() ... failed`). E MIG226, naming it.
- `fastcgi_pass unix:/run/php/php8.1-fpm.sock;`: the distribution's php-fpm pool socket, where Wolfi's php-fpm
  does not listen: every PHP request gets 502. E MIG226, naming Wolfi's listen address.

The row of rules/package-layouts.yaml says which files Wolfi's nginx ships (`includes`) and which sockets are the
distribution's (`sockets`).
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_INCLUDE = re.compile(r"(?m)^[^#\n]*?\binclude\s+([^;\s]+)\s*;")
_FASTCGI_PASS = re.compile(r"(?m)^[^#\n]*?\bfastcgi_pass\s+(unix:[^;\s]+)\s*;")


def site_findings(plan: FilePlan, stage: Stage, row: dict[str, Any]) -> list[Finding]:
    """E MIG226 for each include of a file nothing provides and each socket of the distribution's php-fpm, in the
    files of the build context the stage copies under the package's configuration directory."""
    includes, sockets = row.get("includes"), row.get("sockets") or []
    if not includes and not sockets:
        return []
    prefix = includes["prefix"] if includes else posixpath.dirname(row["main"])
    lines = [i for s in stage.chain() for i in s.instructions]
    findings: list[Finding] = []
    for item, name, text in copied_files(plan, lines, prefix):
        if includes:
            findings += _missing_includes(item, name, text, includes, lines)
        if sockets and _FASTCGI_PASS.search(text):
            # (every context file the stage copies: one may be a php-fpm pool that listens on the socket)
            key = f"copied files {stage.index}"
            if key not in plan.memo:
                plan.memo[key] = "\n".join(copied for _, _, copied in copied_files(plan, lines, "/"))
            findings += _foreign_sockets(item, name, text, sockets, lines, plan.memo[key])
    return findings


def copied_files(plan: FilePlan, lines: list[Instruction], prefix: str) -> list[tuple[Instruction, str, str]]:
    """(the COPY, the file's context path, its text) for each context file copied under `prefix`."""
    from migrator.rewrite.package_layouts import copy_words

    found = []
    for item in lines:
        words = copy_words(item)
        if len(words) < 2 or not (words[-1] + "/").startswith(prefix.rstrip("/") + "/"):
            continue
        for source in words[:-1]:
            names = [posixpath.join(source, n) for n in plan.files.files_under(source) or []] \
                if plan.files.is_directory(source) else [source]
            for name in names:
                text = plan.files.text(name)
                if text is not None:
                    found.append((item, name, text))
    return found


def _missing_includes(item: Instruction, name: str, text: str, includes: dict[str, Any],
                      lines: list[Instruction]) -> list[Finding]:
    prefix, shipped = includes["prefix"], set(includes["shipped"])
    findings = []
    for included in dict.fromkeys(_INCLUDE.findall(text)):
        if any(c in included for c in "*?[$"):
            continue  # (a glob matches nothing without failing; a variable is not known)
        path = posixpath.normpath(posixpath.join(prefix, included))
        relative = posixpath.relpath(path, prefix)
        if relative.startswith("../") or relative in shipped or _made_by_stage(path, lines):
            continue  # (a file elsewhere, /etc/letsencrypt/...: another package's, or a volume's)
        message = (f"{name} includes {included} ({path}): {includes['why']}, and no line of the stage creates it: "
                   f"nginx stops at start ([emerg] open() \"{path}\" failed); copy the file into the image, or "
                   "write its directives into the site")
        findings.append(finding("MIG226", item.line, message))
    return findings


def _made_by_stage(path: str, lines: list[Instruction], *, directory: bool = True) -> bool:
    """A line of the stage names the file (or its directory: a COPY of it, a RUN that writes into it)."""
    names = [path, posixpath.dirname(path) + "/?"] if directory else [path]
    pattern = re.compile(r"(?<![\w/.-])(?:" + "|".join(re.escape(n) if n == path else re.escape(n[:-2]) + "/?"
                                                      for n in names) + r")(?![\w.-])")
    return any(i.keyword in ("COPY", "ADD", "RUN") and pattern.search(i.raw) for i in lines)


def _foreign_sockets(item: Instruction, name: str, text: str, sockets: list[dict[str, Any]],
                     lines: list[Instruction], pools: str) -> list[Finding]:
    """`pools`: every context file the stage copies, one of which may be a pool that listens on the socket."""
    findings = []
    for address in dict.fromkeys(_FASTCGI_PASS.findall(text)):
        path = address[len("unix:"):]
        listened = re.search(r"(?m)^\s*listen\s*=\s*" + re.escape(path) + r"\s*$", pools)
        for socket in sockets:
            if not re.fullmatch(socket["pattern"], address) or listened or _made_by_stage(path, lines, directory=False):
                continue
            message = (f"{name}: fastcgi_pass {address}: {socket['why']}: every PHP request would get 502 Bad "
                       f"Gateway; pass to {socket['wolfi']} (`fastcgi_pass {socket['wolfi']};`), or make the "
                       "pool listen on the socket")
            findings.append(finding("MIG226", item.line, message))
            break
    return findings
