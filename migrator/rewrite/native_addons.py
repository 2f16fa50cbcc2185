"""What a package manager's install built native addons with on the source image, which the Chainguard -dev
image lacks (rules/dockerhub.yaml `native_addon_tools`: python3, for node-gyp, on Docker Hub's full node tags).

The migrated builder runs a newer node than the source pinned, so a lockfile-pinned addon may have no prebuilt
binary for it and node-gyp compiles it, which needs Python. A lockfile read from the build context decides:
a package with an install script -> the tool is added to the stage's apk add (I MIG313); none -> nothing;
no lockfile to read -> W MIG234 says what to add if the build stops there.
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.rewrite.tools import MissingTool

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from migrator.parse.imageref import ImageRef
    from migrator.rules.loader import ChainguardImage


def native_addon_tools(ref: ImageRef, runs: list[tuple[int, str]], lockfile: Callable[[str], str | None],
                       image: ChainguardImage, installed: set[str],
                       named: list[MissingTool]) -> tuple[list[MissingTool], list[Finding]]:
    """(the tools to add, the warnings where no lockfile says) for a stage built FROM `ref` whose RUN steps
    (line, text) run an install; `lockfile(name)`: a file of the build context, None when unreadable."""
    entry = _entry(ref)
    found = _install(entry, runs) if entry is not None else None
    if entry is None or found is None:
        return [], []
    lacking = _lacking(entry, image, installed, named, found)
    builds = _lockfile_builds(entry, lockfile)
    if not lacking or builds is False:
        return [], []
    if builds:
        return lacking, []
    line, command = found
    packages = ", ".join(t.package or "" for t in lacking)
    programs = ", ".join(f"`{t.command}`" for t in lacking)
    return [], [finding("MIG234", line, f"`{command}` on {ref.short_name}:{ref.tag or 'latest'} may build native "
                        f"addons: {entry['why']}; {ref.short_name}:{ref.tag or 'latest'} had {programs}, "
                        f"{image.name}'s -dev image has not, and no lockfile of the build context says whether a "
                        f"package has an install script: add {packages} to the builder's apk add if the build "
                        "stops there (with --context, a lockfile decides)")]


def _entry(ref: ImageRef) -> dict[str, Any] | None:
    from migrator.regex import glob_match
    from migrator.rules.data import builtin_data

    tag = ref.tag or "latest"
    for entry in builtin_data("dockerhub.yaml").get("native_addon_tools") or []:
        if ref.short_name in entry["match"] and not any(glob_match(tag, t) for t in entry.get("except", [])):
            return dict(entry)
    return None


def _install(entry: dict[str, Any], runs: list[tuple[int, str]]) -> tuple[int, str] | None:
    """(line, `npm ci`) of the first install the RUN steps run."""
    from migrator.rewrite.shell_syntax import simple_commands

    installs = {tuple(i.split()) for i in entry["installs"]}
    return next(((line, " ".join(c.words[:2])) for line, text in runs for c in simple_commands(text, line)
                 if c.words[:2] in installs or c.words[:1] in installs), None)


def _lacking(entry: dict[str, Any], image: ChainguardImage, installed: set[str], named: list[MissingTool],
             found: tuple[int, str]) -> list[MissingTool]:
    from migrator.rewrite.tools import packages_for
    from migrator.rules.wolfi import providers

    have = set(installed) | {t.package for t in named if t.package}
    for name in list(have):
        have.update(providers(name))
    lacking = []
    for command in entry["tools"]:
        packages = packages_for(command)
        if packages and not image.has_program(command) and not any(p in have for p in packages):
            lacking.append(MissingTool(command, packages[0], found[0], found[1], why=entry["why"]))
    return lacking


def _lockfile_builds(entry: dict[str, Any], lockfile: Callable[[str], str | None]) -> bool | None:
    """Whether a package of the context's lockfile has an install script; None when no lockfile says."""
    for name in entry.get("lockfiles", []):
        text = lockfile(name)
        if text is not None and entry["lockfile_marker"] in text:  # (an empty or foreign file says nothing)
            return re.search(entry["install_script"], text) is not None
    return None
