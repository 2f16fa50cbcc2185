"""The package.json a yarn or pnpm start command runs against, read from the build context on disk.

`yarn <name>` runs the package.json script of that name when there is one, else the package binary of
that name (node_modules/.bin/<name>); npm runs scripts only. Which of the two a start command means is
known only from the package.json the image has in the command's WORKDIR: the file is followed back to
the build context (through COPY, COPY --from and RUN cp, as the start check follows a start script) and
read when the context is on disk. Without it nothing is known, and nothing is guessed.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from migrator.plan.buildcontext import BuildContext
from migrator.plan.stages import Stage, StagedFile
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import RuleSet

_MAX_WORKSPACES = 100
_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "optionalDependencies")
_MAX_LOCK = 32 << 20  # (a large app's package-lock.json is a few MiB; a longer one is cut, fails to parse, not read)


@dataclass(frozen=True)
class NodePackage:
    directory: str  # where package.json is in the image (the start command's WORKDIR)
    scripts: dict[str, str]  # name -> the command line it runs
    pnp: bool  # Yarn Plug'n'Play: no node_modules, only yarn can start its binaries and scripts
    workspaces: dict[str, dict[str, str]] = field(default_factory=dict)  # a workspace's name -> its scripts
    dev_only: frozenset[str] = frozenset()  # packages in devDependencies and not in dependencies
    # program -> the package that installs it in node_modules/.bin, where it is not the package's name (`tsc` ->
    # typescript), from package-lock.json next to package.json, else rules/npm-programs.yaml
    programs: dict[str, str] = field(default_factory=dict)
    # every package package.json names (dependencies, devDependencies, optionalDependencies): their programs are
    # what an install puts in node_modules/.bin
    dependencies: frozenset[str] = frozenset()
    # package.json's "packageManager" (`yarn@4.1.1`), "" when it names none; release_path: .yarnrc.yml names a
    # yarnPath (.yarn/releases/yarn-4.1.1.cjs), which any yarn hands the command to
    package_manager: str = ""
    release_path: bool = False
    # package.json's "type": "module": node loads the app as ES modules (Plug'n'Play needs its ESM loader too)
    module: bool = False
    # Plug'n'Play with the packages' zip archives in Yarn's global cache, in the home of the user who ran the
    # install (Yarn 4's default, enableGlobalCache: true): .pnp.cjs points there, outside the project
    global_cache: bool = False

    def installs_program(self, name: str) -> bool:
        """Whether an install of package.json puts `name` in node_modules/.bin, as far as package.json and
        package-lock.json show (a package's program of its own name, or one the lock names)."""
        return self.programs.get(name, name) in self.dependencies


def package_in(stage: Stage, staged: StagedFile, rules: RuleSet, files: BuildContext,
               directory: str) -> NodePackage | None:
    """The package.json at `directory` of `stage`'s image, when it is a build-context file on disk."""
    from migrator.validate.stage_files import context_source

    if files.root is None:
        return None
    source = context_source(stage, staged, rules, files, posixpath.join(directory, "package.json"))
    data = _json(files, source) if source is not None else None
    if data is None or source is None:
        return None
    folder = posixpath.dirname(source)
    named = frozenset().union(*(_names(data.get(key)) for key in _DEPENDENCY_KEYS))
    rc = files.text(posixpath.join(folder, ".yarnrc.yml")) or ""
    pnp = _plug_n_play(files, folder, data)
    return NodePackage(directory, _scripts(data), pnp,
                       _workspaces(files, folder, data.get("workspaces")),
                       frozenset(_names(data.get("devDependencies")) - _names(data.get("dependencies"))),
                       _known_programs(rules, named) | _lock_programs(files, folder), named,
                       _manager(data), bool(_YARN_PATH.search(rc)), data.get("type") == "module",
                       pnp and _global_cache(_manager(data), rc))


def _manager(data: dict[str, Any]) -> str:
    manager = data.get("packageManager")
    return manager if isinstance(manager, str) else ""


def _known_programs(rules: RuleSet, named: frozenset[str]) -> dict[str, str]:
    """{program: package} of rules/npm-programs.yaml, for the packages package.json names (`nest`: @nestjs/cli)."""
    table = rules.runtime_libs.get("npm_programs", {})
    return {program: owner for program, owners in table.items()
            for owner in [next((o for o in owners if o in named), None)] if owner is not None}


def _lock_programs(files: BuildContext, folder: str) -> dict[str, str]:
    """{program: package} of the top-level packages package-lock.json (lockfile version 2 or 3) lists with a `bin`
    of another name than theirs (`"node_modules/typescript": {"bin": {"tsc": ..., "tsserver": ...}}`)."""
    data = _json(files, posixpath.join(folder, "package-lock.json"), _MAX_LOCK)
    entries = data.get("packages") if data is not None else None
    programs: dict[str, str] = {}
    for key, entry in entries.items() if isinstance(entries, dict) else ():
        name = key[len("node_modules/"):] if isinstance(key, str) and key.startswith("node_modules/") else ""
        binaries = entry.get("bin") if isinstance(entry, dict) and name and "/node_modules/" not in name else None
        programs.update({program: name for program in binaries if isinstance(program, str) and program != name}
                        if isinstance(binaries, dict) else {})
    return programs


def _names(dependencies: Any) -> set[str]:
    return {name for name in dependencies if isinstance(name, str)} if isinstance(dependencies, dict) else set()


def _json(files: BuildContext, source: str, limit: int = 1 << 20) -> dict[str, Any] | None:
    text = files.text(source, limit=limit)
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _scripts(data: dict[str, Any]) -> dict[str, str]:
    scripts = data.get("scripts")
    if not isinstance(scripts, dict):
        return {}
    return {name: text for name, text in scripts.items() if isinstance(name, str) and isinstance(text, str)}


def _plug_n_play(files: BuildContext, folder: str, data: dict[str, Any]) -> bool:
    """Yarn 2+ installs no node_modules unless .yarnrc.yml says `nodeLinker: node-modules` (or pnpm)."""
    manager = data.get("packageManager")
    rc = files.text(posixpath.join(folder, ".yarnrc.yml"))
    berry = rc is not None or (isinstance(manager, str) and manager.startswith("yarn@")
                               and not manager.startswith("yarn@1."))
    if files.text(posixpath.join(folder, ".pnp.cjs"), limit=1) is not None:
        return True
    if isinstance(manager, str) and manager.startswith("yarn@1."):
        return False  # (Yarn 1 reads no .yarnrc.yml and always installs node_modules)
    return berry and not _LINKED.search(rc or "")


_YARN_PATH = lazy_re(r"(?m)^\s*yarnPath:\s*\S")
_GLOBAL_CACHE = lazy_re(r"(?m)^\s*enableGlobalCache:\s*[\"']?(true|false)\b")
_YARN_MAJOR = lazy_re(r"^yarn@(\d+)\.")


def _global_cache(manager: str, rc: str) -> bool:
    """Whether Yarn keeps the packages' archives in its global cache (~/.yarn/berry/cache) rather than in the
    project's .yarn/cache: .yarnrc.yml's enableGlobalCache, else Yarn's default, true from Yarn 4 on (false in
    Yarn 2 and 3). A project that names no Yarn 2+ release in packageManager counts as Yarn 4, the current one."""
    setting = _GLOBAL_CACHE.search(rc)
    if setting is not None:
        return setting.group(1) == "true"
    major = _YARN_MAJOR.match(manager)
    return major is None or int(major.group(1)) >= 4
_LINKED = lazy_re(r"(?m)^\s*nodeLinker:\s*[\"']?(?:node-modules|pnpm)\b")


def _workspaces(files: BuildContext, folder: str, declared: Any) -> dict[str, dict[str, str]]:
    """{name: scripts} of the workspaces package.json declares (`["packages/*", "api"]`, or
    `{"packages": [...]}`): plain directories and `dir/*` patterns."""
    patterns = declared.get("packages") if isinstance(declared, dict) else declared
    found: dict[str, dict[str, str]] = {}
    for pattern in patterns if isinstance(patterns, list) else []:
        if not isinstance(pattern, str):
            continue
        for directory in _directories(files, posixpath.normpath(posixpath.join(folder, pattern))):
            data = _json(files, posixpath.join(directory, "package.json"))
            if data is not None and isinstance(data.get("name"), str) and len(found) < _MAX_WORKSPACES:
                found[data["name"]] = _scripts(data)
    return found


def _directories(files: BuildContext, pattern: str) -> list[str]:
    if pattern.endswith("/*") and not any(c in pattern[:-2] for c in "*?["):
        return files.directories_in(pattern[:-2]) or []
    return [] if any(c in pattern for c in "*?[") else [pattern]
