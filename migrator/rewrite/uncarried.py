"""What the original final stage put into its image that a split runtime does not carry.

The fidelity bar: the files the original image had are in the output, or a finding says they are
gone. Files the stage consumed itself (build inputs a RUN reads, sources in a directory it builds in)
are not the app's; a file that nothing in the stage reads is (`COPY defaults.json /tmp/config/`,
`RUN touch /.in-container`).
"""

from __future__ import annotations

import posixpath

from migrator.plan.facts import StageFacts

_UNCARRIABLE = ("/proc", "/dev", "/sys", "/var/cache", "/var/lib/apt", "/var/lib/apk")


def touched_files(facts: StageFacts) -> list[str]:
    """Absolute paths `touch` creates in the stage (markers such as /.in-container)."""
    from migrator.plan.leftovers import removed_paths

    gone = removed_paths(facts)
    found: list[str] = []
    for command in facts.commands_named("touch"):
        for word in command.words[1:]:
            if word.startswith("-") or any(c in word for c in "*?[$"):
                continue
            path = command.resolve(word, facts.env)
            if path not in found and not any(_inside(path, target) for target in gone if target != "/"):
                found.append(path)
    return found


def build_inputs(facts: StageFacts) -> set[str]:
    """Paths the stage's own commands name: what a RUN reads (`pip install -r /tmp/requirements.txt`)."""
    named: set[str] = set()
    for command in facts.commands:
        if command.words and posixpath.basename(command.words[0]) in ("touch", "mkdir", "chmod", "chown"):
            continue
        for word in command.words[1:]:
            value = word.split("=", 1)[-1]
            if "/" in value or "." in value:
                named.add(command.resolve(value, facts.env).rstrip("/"))
    return named


def consumed(path: str, facts: StageFacts, inputs: set[str]) -> bool:
    """A copied path the stage used up: named by a command, or inside a directory a command ran in."""
    if any(_inside(path, named) or _inside(named, path) for named in inputs):
        return True
    return any(command.workdir != "/" and _inside(path, command.workdir) for command in facts.commands)


def uncarried(facts: StageFacts, carried: list[str], made: list[str]) -> list[str]:
    """Paths the original final stage copied, touched or made (`made`: its mkdir directories) that no
    runtime copy carries and that the stage did not consume itself."""
    inputs = build_inputs(facts)
    candidates = list(dict.fromkeys(facts.copy_destinations + touched_files(facts) + made))
    lost = []
    for path in candidates:
        if path == "/" or path.startswith(_UNCARRIABLE) or "$" in path:
            continue
        if any(_inside(path, c) for c in carried) or consumed(path, facts, inputs):
            continue
        lost.append(path)
    return lost


def _inside(path: str, directory: str) -> bool:
    return directory == "/" or path == directory or path.startswith(directory.rstrip("/") + "/")
