"""What `go install` writes, and where: the binary of each main package it names, called by the package's last
path element (`./cmd/worker` -> worker, `example.com/tool/v2@latest` -> tool), into $GOBIN; GOBIN comes from
the command's own `GOBIN=/out`, a `go env -w GOBIN=/out` run before it, or the stage's ENV."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from migrator.plan.facts import Command

_MAJOR = re.compile(r"v\d+")
# the build flags of go install that take the next word as their value
_VALUED = frozenset({"ldflags", "gcflags", "asmflags", "tags", "mod", "modfile", "p", "overlay", "pkgdir", "toolexec",
                     "buildmode", "compiler", "gccgoflags", "installsuffix", "pgo", "C", "exec"})


def install_directory(command: Command, env: Mapping[str, str | None], earlier: Sequence[Command]) -> str | None:
    """GOBIN for this `go install`, when the file says it (an absolute path without variables); else None."""
    own = dict(assignment.split("=", 1) for assignment in command.assignments)
    value = own.get("GOBIN")
    if value is None:
        for other in earlier:
            value = _written_by_go_env(other) or value
    if value is None:
        value = env.get("GOBIN")
    if not value or not value.startswith("/") or "$" in value:
        return None
    return value.rstrip("/") or "/"


def _written_by_go_env(command: Command) -> str | None:
    words = command.words
    if len(words) < 4 or words[0].rsplit("/", 1)[-1] != "go" or words[1:3] != ("env", "-w"):
        return None
    settings = dict(w.split("=", 1) for w in words[3:] if "=" in w)
    return settings.get("GOBIN")


def installed_names(command: Command) -> list[str] | None:
    """The names of the binaries a `go install` writes; None when they cannot be known from the file (`./...`,
    `./cmd/...`, `.`: a module's name is in its go.mod)."""
    packages: list[str] = []
    words = iter(command.words[2:])
    for word in words:
        if word.lstrip("-") in _VALUED and word.startswith("-"):
            next(words, None)  # (-tags netgo, -ldflags "-s -w")
        elif not word.startswith("-"):
            packages.append(word)
    names: list[str] = []
    for package in packages or ["."]:
        path = package.split("@", 1)[0].rstrip("/")
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if "..." in path or "$" in path or not parts or parts[-1] == "..":
            return None
        if len(parts) > 1 and _MAJOR.fullmatch(parts[-1]) and not path.startswith("."):
            parts.pop()  # (example.com/tool/v2: the binary is `tool`)
        names.append(parts[-1])
    return names


def go_installs(commands: Sequence[Command], env: Mapping[str, str | None]) -> list[tuple[str, list[str] | None]]:
    """(GOBIN, names or None when unknown) of each `go install` of `commands` that says where it writes."""
    found = []
    for index, command in enumerate(commands):
        words = command.words
        if len(words) < 2 or words[0].rsplit("/", 1)[-1] != "go" or words[1] != "install":
            continue
        directory = install_directory(command, env, commands[:index])
        if directory is not None:
            found.append((directory, installed_names(command)))
    return found
