"""Whether a build stage's compiled program needs no libc on its Chainguard builder (rules/static-builds.yaml).

A final stage on scratch or distroless/static becomes static:latest, which has no libc and no loader: only a
static program starts there. Builds that were static on an Alpine image (golang:alpine without gcc,
rust:alpine's musl target) link glibc dynamically on the Chainguard -dev images unless they ask otherwise.
"""

from __future__ import annotations

import re

from migrator.parse.imageref import ImageRef
from migrator.plan.facts import Command, StageFacts
from migrator.records import dataclass
from migrator.regex import glob_match

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ASSIGNMENT = re.compile(r"""(?<![\w$])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]*)""")


@dataclass(frozen=True)
class DynamicBuild:
    """A build whose program links glibc dynamically on the builder: its line and why (from the rules)."""

    line: int
    command: str
    why: str
    keep_static: str | None = None  # `CGO_ENABLED=0`: what the source image did implicitly (it had no C compiler)


def dynamic_builds(facts: StageFacts, source: ImageRef | None) -> list[DynamicBuild]:
    """The builds of the stage (with the stages it is built FROM) that do not ask for a static program;
    `source`: the image the stages were built on."""
    found: list[DynamicBuild] = []
    for ecosystem in _rules().values():
        keep = _kept_static(facts, source, ecosystem)
        for command in _build_commands(facts, ecosystem):
            if not _asks_static(command, facts, ecosystem.get("static_if") or {}):
                # (a build that sets the variable itself, `CGO_ENABLED=1`, wants it so: not overridden)
                chosen = None if keep and values_of(keep.split("=")[0], command, facts) else keep
                found.append(DynamicBuild(command.line, " ".join(command.words[:2]), str(ecosystem.get("why", "")),
                                          chosen))
    return found


def _kept_static(facts: StageFacts, source: ImageRef | None, ecosystem: dict[str, Any]) -> str | None:
    """The ENV that keeps the build static as on `source`, an image without a C compiler (golang:alpine),
    unless the stage installs one (then cgo was on there too)."""
    keep = ecosystem.get("keep_static")
    if not keep or source is None or not any(
            glob_match(source.short_name, pattern.split(":")[0]) and glob_match(source.tag or "", pattern.split(":")[1])
            for pattern in ecosystem.get("static_on") or [] if ":" in pattern):
        return None
    compilers = set(ecosystem.get("compilers") or [])
    for command in facts.commands_named("apk"):
        if "add" in command.words and compilers & set(command.words):
            return None
    return str(keep)


def _rules() -> dict[str, dict[str, Any]]:
    from migrator.rules.data import builtin_data

    return dict(builtin_data("static-builds.yaml").get("static_builds") or {})


def _build_commands(facts: StageFacts, ecosystem: dict[str, Any]) -> list[Command]:
    wanted = [tuple(str(c).split()) for c in ecosystem.get("commands") or []]
    programs = {w[0] for w in wanted}
    return [c for c in facts.commands_named(*programs)
            if len(c.words) > 1 and (c.words[0].rsplit("/", 1)[-1], c.words[1]) in wanted]


def _asks_static(command: Command, facts: StageFacts, static_if: dict[str, Any]) -> bool:
    from migrator.plan.ecosystems.base import option_value
    from migrator.plan.rust_targets import missing_targets

    missing = missing_targets(facts)  # (built for the builder's glibc target instead)
    dropped = {(m.command.line, m.command.words) for m in missing}
    unset = {m.variable for m in missing if (m.command.line, m.command.words) == (command.line, command.words)}
    for name, pattern in (static_if.get("env") or {}).items():
        if name not in unset and any(glob_match(value, str(pattern)) for value in values_of(name, command, facts)):
            return True
    for option, pattern in (static_if.get("options") or {}).items():
        value = option_value(command.words, option)
        if value is not None and glob_match(value, str(pattern)) and (command.line, command.words) not in dropped:
            return True
    return any(glob_match(word, str(pattern)) for word in command.words for pattern in static_if.get("words") or [])


def values_of(name: str, command: Command, facts: StageFacts) -> list[str]:
    """The values `name` is given for the command: on the command, earlier in its RUN (`export X=0 &&`,
    `go env -w X=0` in any RUN of the stage), by ENV or ARG."""
    values = [a.split("=", 1)[1] for a in command.assignments if a.startswith(name + "=")]
    values += [v for k, v in command.shell if k == name and v is not None]
    if (value := facts.env.get(name)) is not None:
        values.append(value)
    for other in facts.commands:
        if other.instruction.line > command.line:
            continue
        for key, value in _ASSIGNMENT.findall(other.instruction.logical):
            if key == name:
                values.append(value.strip("\"'"))
    return values
