"""Rust targets the Chainguard builder's toolchain has no standard library for (rules/static-builds.yaml,
`rust.missing_targets`).

Wolfi's rust is one toolchain for the build machine's own target (x86_64- or aarch64-unknown-linux-gnu) and
rust:latest-dev has no rustup, so `cargo build --target x86_64-unknown-linux-musl` fails there ("can't find crate
for `std`"), as does the `rustup target add` before it. Unless the stage installs rustup, the build is made for
the builder's own target into the directory the musl build wrote (`--target-dir target/<target>`), so that
every path that copies the program stays right on both architectures, and the program needs glibc-dynamic.
"""

from __future__ import annotations

import posixpath

from migrator.plan.facts import Command, StageFacts
from migrator.records import dataclass
from migrator.regex import glob_match

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from migrator.plan.buildcontext import BuildContext


@dataclass(frozen=True)
class MissingTarget:
    """A cargo build for a target the builder cannot build for: the command and its target, as written."""

    command: Command
    target: str
    variable: str | None = None  # the variable that names it (CARGO_BUILD_TARGET), when no --target does


def missing_targets(facts: StageFacts) -> list[MissingTarget]:
    """The `cargo build|install --target T` of the stage (with the stages it is built FROM) whose T the builder
    has no standard library for; none when the stage installs rustup, which can add it."""
    from migrator.plan.ecosystems.base import option_value

    rule = _rule()
    if not rule or installs_rustup(facts):
        return []
    found = []
    for command in facts.commands_named("cargo"):
        if target_command(command.words) is None:
            continue
        target = option_value(command.words, str(rule.get("option", "--target")))
        if target is not None and is_missing_target(target, command.expand(target, command.environment(facts.env))):
            found.append(MissingTarget(command, target))
        elif target is None and (variable := rule.get("variable")):
            named = [v for v in variable_values(str(variable), command, facts) if is_missing_target(v)]
            if named:
                found.append(MissingTarget(command, named[0], str(variable)))
    return found


@dataclass(frozen=True)
class ConfiguredTarget:
    """A cargo build without --target whose project's cargo config (`.cargo/config.toml` `[build] target = ...`,
    read in the build context) names a target the builder has no standard library for."""

    target: str
    config: str  # the config file's path in the image, which the build reads
    directory: str  # the cargo target directory (CARGO_TARGET_DIR, or target)


def configured_targets(facts: StageFacts, files: BuildContext) -> dict[int, ConfiguredTarget]:
    """Line of each `cargo build|install` with no target of its own (--target, CARGO_BUILD_TARGET) -> the missing
    target its project's cargo config sets, as cargo finds it: the nearest `.cargo/config.toml` (or `.cargo/config`)
    from the command's directory up, in the build-context tree a COPY put there."""
    from migrator.plan.ecosystems.base import option_value

    rule = _rule()
    if not rule or files.root is None or installs_rustup(facts):
        return {}
    variable = str(rule.get("variable") or "")
    found: dict[int, ConfiguredTarget] = {}
    for command in facts.commands_named("cargo"):
        if target_command(command.words) is None or not command.workdir_known or \
                option_value(command.words, str(rule.get("option", "--target"))) is not None or \
                (variable and variable_values(variable, command, facts)):
            continue
        located = _project_config(command, facts, files)
        if located is not None and is_missing_target(located[0]):
            directory = facts.env.get("CARGO_TARGET_DIR") or "target"
            found[command.line] = ConfiguredTarget(located[0], located[1], directory)
    return found


_CONFIG_NAMES = (".cargo/config.toml", ".cargo/config")


def _project_config(command: Command, facts: StageFacts, files: BuildContext) -> tuple[str, str] | None:
    """(build.target, the config's path in the image) of the cargo config the command reads, from the last
    build-context tree copied at or above its directory; None when none there sets a target."""
    for line, destination, source, origin in reversed(facts.copied_trees):
        if origin is not None or line > command.instruction.line or "*" in source:
            continue
        relative = posixpath.relpath(command.workdir, destination)
        if relative.startswith(".."):
            continue
        parts = [] if relative == "." else relative.split("/")
        for depth in range(len(parts), -1, -1):
            for name in _CONFIG_NAMES:
                text = files.text(posixpath.normpath(posixpath.join(source, *parts[:depth], name)))
                target = _build_target(text) if text else None
                if target:
                    return target, posixpath.join(destination, *parts[:depth], name)
        return None
    return None


def _build_target(text: str) -> str | None:
    """`[build] target` of a cargo config (a string, or a list of one)."""
    from migrator.config import toml_loader

    loader = toml_loader()
    try:
        config = loader.loads(text) if loader is not None else {}
    except ValueError:  # (tomllib's TOMLDecodeError is a ValueError)
        return None
    build = config.get("build") if isinstance(config, dict) else None
    target = build.get("target") if isinstance(build, dict) else None
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    return target if isinstance(target, str) else None


def variable_values(name: str, command: Command, facts: StageFacts) -> list[str]:
    from migrator.plan.static_builds import values_of

    return values_of(name, command, facts)


def target_command(words: tuple[str, ...] | list[str]) -> str | None:
    """The cargo command (`cargo build`, `cargo chef cook`) of rules' `missing_targets.commands` that `words` run."""
    if not words or posixpath.basename(words[0]) != "cargo":
        return None
    for command in (str(c).split() for c in _rule().get("commands") or []):
        if list(words[1:len(command)]) == command[1:]:
            return " ".join(command)
    return None


def is_missing_target(written: str, value: str | None = None) -> bool:
    """Whether a target (as written, and as the shell expands it when known) is one the builder lacks."""
    patterns = [str(p) for p in _rule().get("values") or []]
    return any(glob_match(text, pattern) for text in (written, value) if text for pattern in patterns)


def installs_rustup(facts: StageFacts) -> bool:
    """The stage installs rustup (a package, or rustup's own installer script), so it can add targets."""
    installers = [str(i) for i in _rule().get("installers") or []]
    for command in facts.commands:
        text = command.instruction.logical
        if any(marker in text for marker in installers if "." in marker or "-" in marker):
            return True
        installs = len(command.words) > 1 and command.words[1] in ("add", "install")
        if installs and posixpath.basename(command.words[0]) in ("apk", "apt-get", "apt", "yum", "dnf") and \
                set(command.words[2:]) & set(installers):
            return True
    return False


def _rule() -> dict[str, Any]:
    from migrator.rules.data import builtin_data

    rust = (builtin_data("static-builds.yaml").get("static_builds") or {}).get("rust") or {}
    return dict(rust.get("missing_targets") or {})
