"""nginx configurations the Dockerfile copies that listen on port 80.

Chainguard's nginx runs as a nonroot user and serves on 8080, so the tool moves `EXPOSE 80` to 8080
(MIG520). A server block of the user's own that still says `listen 80` would then serve on a port
nothing publishes (and, outside Docker, a port a nonroot process may not bind). When the copied
file is readable in the build context and a builder stage with a shell holds it, the builder
rewrites its `listen 80` to 8080 (the user's file stays as it is); otherwise the user is told
which file to change (MIG535).
"""

from __future__ import annotations

import posixpath
import shlex

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.ecosystems.base import RuntimePlan
from migrator.plan.facts import copies_into_directory, copy_landing
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

# `listen 80;`, `listen [::]:80 default_server;`, `listen 0.0.0.0:80`, not `listen 8080` or `# listen 80`
_LISTEN_80 = lazy_re(r"(?m)(?:^|[;{])[ \t]*listen[ \t]+(?:\[::\]:|(?:\d{1,3}\.){3}\d{1,3}:|\*:)?80(?![0-9])")
# the same for sed -E in the builder (busybox's or GNU's: POSIX classes, no \s or \b), repeated on a
# line until no port 80 is left: `server { listen 80; listen [::]:80; }` has two on one line
_SED = ("sed -i -E -e ':a' -e 's/(^|[;{])([[:space:]]*listen[[:space:]]+(\\[::\\]:|[0-9.]+:|\\*:)?)80([^0-9]|$)/"
        "\\1\\28080\\4/' -e 'ta'")
_CONFIG_ROOT = "/etc/nginx"


def rewrite_listen_80(plan: FilePlan, runtime_plan: RuntimePlan | None, runtime_image: str | None) -> list[Finding]:
    """Findings (and builder steps in `runtime_plan`) for copied nginx configs that listen on 80."""
    final = plan.final
    instructions = [i for stage in final.stage.chain() for i in stage.instructions]
    if runtime_image is None or not is_nginx(runtime_image) or not exposes_80(instructions):
        return []
    findings: list[Finding] = []
    rewritten: list[str] = []
    for instruction, source, destination in _read_directories(_config_copies(instructions), plan):
        text = plan.files.text(source) if "from" not in instruction.flags else None
        if text is not None and not _LISTEN_80.search(text):
            continue  # read, and it listens elsewhere (8080 already)
        if text is not None and final.split and runtime_plan is not None and not _breaks_a_line(destination):
            rewritten.append(destination)
            findings.append(finding("MIG520", instruction.line, f"{source} listens on 80: the builder rewrites its "
                                    f"`listen 80` to 8080 in {destination}, the port Chainguard's nginx serves on "
                                    "and the migrated file exposes; change it in your file too"))
            continue
        known = "listens on 80" if text is not None else "may listen on 80 (it could not be read)"
        if text is not None and _breaks_a_line(destination):
            known += " (a line break in its name: the builder's RUN line cannot name it)"
        findings.append(finding("MIG535", instruction.line, f"{_shown(source)} {known}, but EXPOSE moved to 8080 and "
                                "Chainguard's nginx runs as nonroot: change its `listen 80` to `listen 8080`"))
    if rewritten and runtime_plan is not None:
        # the -dev image runs as nginx and the COPY made the file root's (an explicit nonroot USER gets
        # its USER root from the writer, as every builder append does)
        root = "USER root\n" if _user_in_force(final.stage.chain()) is None else ""
        # names come from the build context: quoted, so a space, quote, `;` or backtick stays part of the name
        paths = " ".join(shlex.quote(path) for path in dict.fromkeys(rewritten))
        runtime_plan.builder_appends.append(f"{root}RUN {_SED} {paths}")
    return findings


def _breaks_a_line(path: str) -> bool:
    """A name the builder's one RUN line cannot carry: a line break ends the instruction."""
    return any(c in path for c in "\n\r")


def _shown(path: str) -> str:
    return path.replace("\n", "\\n").replace("\r", "\\r")


def _user_in_force(stages: list[Stage]) -> str | None:
    users = [i.body.strip() for stage in stages for i in stage.instructions if i.keyword == "USER"]
    return users[-1] if users else None


def is_nginx(image: str) -> bool:
    name = image.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
    return name == "nginx"


def exposes_80(instructions: list[Instruction]) -> bool:
    return any(i.keyword == "EXPOSE" and "80" in i.body.replace("/", " ").split() for i in instructions)


def _read_directories(copies: list[tuple[Instruction, str, str, str]], plan: FilePlan
                      ) -> list[tuple[Instruction, str, str]]:
    """(instruction, source, destination file) of each config file: a directory of the build context stands
    for the .conf files in it (COPY puts a directory's contents into its destination)."""
    found: list[tuple[Instruction, str, str]] = []
    for instruction, source, target, destination in copies:
        inside = plan.files.files_under(source) if "from" not in instruction.flags else None
        if inside is not None:
            found += [(instruction, posixpath.join(source, name), posixpath.join(destination, name))
                      for name in inside if name.endswith(".conf")]
        elif source.endswith("/") or any(c in source for c in "*?[$") or "conf" in posixpath.basename(target):
            found.append((instruction, source, target))  # not read: a glob, or a file or directory out of reach
    return found


def _config_copies(instructions: list[Instruction]) -> list[tuple[Instruction, str, str, str]]:
    """(instruction, source, target, destination) of each source a COPY/ADD puts under /etc/nginx: target is
    where a file source lands, destination the instruction's own."""
    found: list[tuple[Instruction, str, str, str]] = []
    for instruction in instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.heredocs:
            continue
        words = instruction.json_args() or instruction.body.split()
        if len(words) < 2 or not words[-1].startswith(_CONFIG_ROOT):
            continue
        destination, sources = words[-1], words[:-1]
        into = copies_into_directory(destination, len(sources))
        for source in sources:
            target = copy_landing(source, destination, into)
            found.append((instruction, source, target, destination))
    return found
