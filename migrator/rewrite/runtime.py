"""Write the distroless runtime stage: what the original final stage declared, plus the copies."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item, Trivia
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.facts import StageFacts
from migrator.rewrite.commands import convert_command, exec_form, healthcheck_needs_shell
from migrator.rewrite.modernize import modernized
from migrator.rules.loader import ChainguardImage

# instructions a runtime stage keeps from the original final stage
CARRIED_FIRST = ("ARG", "ENV")
CARRIED_LAST = ("LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "USER", "HEALTHCHECK", "ENTRYPOINT", "CMD",
                "MAINTAINER")
_ROOT_USERS = {"root", "0", "root:root", "0:0"}
_SKIPPED_PREFIXES = ("/tmp", "/var/tmp", "/run", "/var/run", "/var/cache", "/var/lib/apt", "/proc", "/dev")


@dataclass
class RuntimeContext:
    facts: StageFacts  # the original final stage
    plan: RuntimePlan
    image: ChainguardImage  # facts about the runtime image
    source_has_entrypoint: bool  # the ORIGINAL base image had its own ENTRYPOINT
    newline: str
    chown: bool = False
    findings: list[Finding] = field(default_factory=list)
    ecosystem: str | None = None
    keep_root: str | None = None  # why the program must run as root (rootness.py), or None

    @property
    def chown_flag(self) -> str:
        return f"--chown={self.image.uid}:{self.image.uid} " if self.chown else ""


def needs_chown(facts: StageFacts) -> bool:
    user_set = facts.user is not None and facts.user not in _ROOT_USERS
    return user_set or bool(facts.commands_named("chown", "chmod"))


def runtime_copies(context: RuntimeContext) -> list[Copy]:
    facts, plan = context.facts, context.plan
    wanted: list[Copy] = list(plan.copies)
    if plan.copy_app_dirs:
        if facts.workdir != "/":
            wanted.append(Copy(facts.workdir, facts.workdir))
        for destination in facts.copy_destinations:
            wanted.append(Copy(destination, destination))
        for command in facts.commands_named("mkdir"):
            for word in command.words[1:]:
                if not word.startswith("-"):
                    path = command.resolve(word, facts.env)
                    wanted.append(Copy(path, path))
        wanted += _absolute_paths_the_command_runs(facts)
        if "/" in facts.copy_destinations:  # `COPY . .` with no WORKDIR: at least what the command names
            wanted += _copied_files_the_command_uses(facts)
    else:
        wanted += _copied_files_the_command_uses(facts)
    kept: list[Copy] = []
    for copy in sorted(wanted, key=lambda c: (c.destination.count("/"), c.destination)):
        if copy.source == "/" or "$" in copy.source or copy.source.startswith(_SKIPPED_PREFIXES):
            continue
        if any(_inside(copy.destination, k.destination) for k in kept):
            continue
        kept.append(copy)
    return sorted(kept, key=lambda c: wanted.index(c) if c in wanted else 0)


_SYSTEM_PREFIXES = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/lib/", "/lib/", "/etc/", "/proc/", "/dev/")


def _absolute_paths_the_command_runs(facts: StageFacts) -> list[Copy]:
    """`/opt/mssql/bin/sqlservr` or `/whoami` in CMD: installed or copied there by the original stage."""
    found: list[Copy] = []
    for word in _command_words(facts):
        if not word.startswith("/") or word.startswith(_SYSTEM_PREFIXES) or "$" in word:
            continue
        parts = word.split("/")
        path = "/".join(parts[:3]) if parts[1] == "opt" and len(parts) > 3 else word.rstrip("/")
        found.append(Copy(path, path))
    return found


def _command_words(facts: StageFacts) -> list[str]:
    """The words of ENTRYPOINT and CMD; a `sh -c "..."` string counts as the words inside it."""
    words: list[str] = []
    for instruction in (facts.entrypoint, facts.cmd):
        if instruction is not None:
            words += " ".join(instruction.json_args() or [instruction.body]).split()
    return words


def _copied_files_the_command_uses(facts: StageFacts) -> list[Copy]:
    used: list[Copy] = []
    for word in _command_words(facts):
        if "/" in word or word.endswith((".sh", ".py", ".js", ".jar", ".rb", ".php")):
            path = facts.resolve(word)
            if any(_inside(path, d) for d in facts.copy_destinations):
                used.append(Copy(path, path))
    return used


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def copy_lines(context: RuntimeContext, builder: str) -> list[str]:
    lines = []
    for copy in runtime_copies(context):
        destination = copy.destination
        if "*" in copy.source:
            destination = posixpath.dirname(copy.destination) + "/"
        flag = "--chown" if copy.chown or (context.chown and "*" not in copy.source) else ""
        chown = f"{flag}={context.image.uid}:{context.image.uid} " if flag else ""
        lines.append(f"COPY --from={builder} {chown}{copy.source} {destination}{context.newline}")
    return lines


def finalize_instruction(instruction: Instruction, context: RuntimeContext) -> list[str]:
    """The runtime version of one carried instruction: [] drops it, [raw] keeps it as written."""
    keyword = instruction.keyword
    tools = set(context.image.tools)
    if keyword in ("CMD", "ENTRYPOINT"):
        outcome = convert_command(instruction, context.facts.env, tools, context.image.shell)
        context.findings += outcome.findings
        if outcome.argv is None:
            return [instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline]
        return [exec_form(keyword, outcome.argv, context.newline)]
    if keyword == "HEALTHCHECK" and healthcheck_needs_shell(instruction, tools, context.image.shell):
        context.findings.append(finding("MIG510", instruction.line))
        return []
    if keyword == "USER":
        return [_runtime_user(instruction, context)]
    if keyword == "EXPOSE":
        return [_expose(instruction, context)]
    if keyword == "MAINTAINER" and (label := modernized(instruction)) is not None:
        context.findings.append(label[1])
        return [label[0] if label[0].endswith("\n") else label[0] + context.newline]
    if keyword in ("SHELL", "ONBUILD"):
        context.findings.append(finding("MIG525", instruction.line, f"{keyword} dropped from the runtime stage"))
        return []
    return [instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline]


def _runtime_user(instruction: Instruction, context: RuntimeContext) -> str:
    user = instruction.body.strip()
    name = user.split(":")[0]
    if context.keep_root and user in _ROOT_USERS:
        return instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline
    if name not in (context.image.user, str(context.image.uid)):
        context.findings.append(finding("MIG512", instruction.line, f"USER {user} -> USER {context.image.user}: "
                                        f"the runtime image's nonroot user (uid {context.image.uid})"))
        return f"USER {context.image.user}{context.newline}"
    return instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline


def _expose(instruction: Instruction, context: RuntimeContext) -> str:
    raw = instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline
    ports = re.findall(r"\b(\d+)(?:/\w+)?\b", instruction.body)
    if context.image.name == "nginx" and "80" in ports:
        context.findings.append(finding("MIG520", instruction.line))
        return re.sub(r"\b80\b", "8080", raw)
    low = [p for p in ports if int(p) < 1024]
    if low and context.image.uid != 0:
        context.findings.append(finding("MIG511", instruction.line, f"port {', '.join(low)} is below 1024 and "
                                        "the runtime runs as nonroot: listen on a higher port"))
    return raw


def entrypoint_reset(context: RuntimeContext, items: Sequence[Item]) -> str | None:
    """`ENTRYPOINT []` when the runtime image has an entrypoint the original base did not."""
    keywords = {i.keyword for i in items if isinstance(i, Instruction)}
    base_added_entrypoint = bool(context.image.entrypoint) and not context.source_has_entrypoint
    if not (base_added_entrypoint and "CMD" in keywords and "ENTRYPOINT" not in keywords):
        return None
    cmd = context.facts.cmd
    context.findings.append(finding("MIG506", cmd.line if cmd else 0, "ENTRYPOINT [] added: the runtime "
                                    f"image's entrypoint is {context.image.entrypoint[0]}"))
    return f"ENTRYPOINT []{context.newline}"


def build_runtime_stage(context: RuntimeContext, builder: str, from_line: str) -> str:
    """The new final stage, after a split. `from_line` is the complete FROM line."""
    facts = context.facts
    carried = [i for i in facts.stage.instructions if i.keyword in CARRIED_FIRST + CARRIED_LAST]
    out: list[str] = [from_line]
    for instruction in carried:
        if instruction.keyword in CARRIED_FIRST:
            out += finalize_instruction(instruction, context)
    if context.plan.env:
        out.append("ENV " + " ".join(context.plan.env) + context.newline)
    if facts.workdir != "/" and not context.plan.image_default_command:
        out.append(f"WORKDIR {facts.workdir}{context.newline}")
    out += copy_lines(context, builder)
    if context.plan.image_default_command:
        carried = [i for i in carried if i.keyword not in ("CMD", "ENTRYPOINT", "HEALTHCHECK")]
    if context.plan.expose is not None:
        carried = [i for i in carried if i.keyword != "EXPOSE"]
        out.append(f"EXPOSE {' '.join(context.plan.expose)}{context.newline}")
    reset = entrypoint_reset(context, carried)
    out += keep_root_lines(context, carried)
    for instruction in carried:
        if instruction.keyword not in CARRIED_LAST:
            continue
        if instruction.keyword == "CMD" and reset:
            out.append(reset)
            reset = None
        out += finalize_instruction(instruction, context)
    return "".join(out)


def keep_root_lines(context: RuntimeContext, items: Sequence[Item]) -> list[str]:
    """`USER root` for a program that must run as root (the original ran it so, with no USER line)."""
    if not context.keep_root:
        return []
    line = context.facts.stage.from_item.line
    context.findings.append(finding("MIG550", line, f"the runtime keeps running as root: {context.keep_root}"))
    if any(isinstance(i, Instruction) and i.keyword == "USER" for i in items):
        return []
    return [f"USER root{context.newline}"]


def finalize_stage_items(items: list[Item], context: RuntimeContext) -> list[str]:
    """A final stage that stays one stage (no RUN): adjust its instructions in place."""
    out: list[str] = keep_root_lines(context, items)
    reset = entrypoint_reset(context, items)
    for item in items:
        if isinstance(item, Trivia):
            out.append(item.raw)
            continue
        if item.keyword == "CMD" and reset:
            out.append(reset)
            reset = None
        modern = modernized(item)
        if modern is not None:
            out.append(modern[0])
            context.findings.append(modern[1])
        elif item.keyword in CARRIED_LAST or item.keyword in ("SHELL", "ONBUILD"):
            replaced = finalize_instruction(item, context)
            if replaced == [item.raw]:
                out.append(item.raw)
            else:
                out += replaced
        else:
            out.append(item.raw)
    return out
