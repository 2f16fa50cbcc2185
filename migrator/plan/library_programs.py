"""Programs the app's declared libraries run at run time (rules/library-programs.yaml), from packages the original
final stage installed: pydub runs `ffmpeg`, pdf2image runs poppler's `pdftoppm`.

The libraries are read from the app's dependency files in the build context on disk: requirements*.txt,
pyproject.toml (PEP 621 and Poetry) and Pipfile for python, package.json for node, Gemfile for ruby. Without the
context nothing is read, and nothing is guessed.
"""

from __future__ import annotations

import posixpath

from migrator.plan.buildcontext import BuildContext
from migrator.records import dataclass
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re

_REQUIREMENT = lazy_re(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_GEM = lazy_re(r"""(?m)^\s*gem\s+["']([A-Za-z0-9_.-]+)["']""")
_MAX_FILES = 20
_NOT_PROGRAMS = ("-dev", "-doc", "-static")  # (ffmpeg-dev matches ffmpeg*, and has headers, not the program)

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class LibraryProgram:
    library: str  # as the app's dependency file names it
    program: str  # what it runs
    package: str  # the Wolfi package the final stage installed that provides it


def library_programs(ecosystem: str, installed: tuple[str, ...], files: BuildContext) -> list[LibraryProgram]:
    """What the app's declared libraries of `ecosystem` run from the packages in `installed` (Wolfi names)."""
    from migrator.rules.data import builtin_data

    if files.root is None or not installed:
        return []
    table = builtin_data("library-programs.yaml").get(ecosystem) or {}
    patterns = {str(p) for programs in table.values() for p in (programs or {}).values()}
    if not any(glob_match(i, p) for i in installed for p in patterns):
        return []  # (the dependency files are read only when the stage installed such a package)
    declared = declared_libraries(ecosystem, files)
    found: list[LibraryProgram] = []
    for library in sorted(declared & set(table)):
        for program, pattern in (table[library] or {}).items():
            package = next((p for p in installed if glob_match(p, str(pattern)) and not p.endswith(_NOT_PROGRAMS)),
                           None)
            if package is not None:
                found.append(LibraryProgram(library, str(program), package))
    return found


def declared_libraries(ecosystem: str, files: BuildContext) -> set[str]:
    """The libraries the app's dependency files in the build context name, normalised as the rules write them."""
    if ecosystem == "python":
        return _python(files)
    if ecosystem == "node":
        return _package_json(files)
    if ecosystem == "ruby":
        return set(_GEM.findall(files.text("Gemfile", 1 << 20) or ""))
    return set()


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _python(files: BuildContext) -> set[str]:
    names: set[str] = set()
    for path in files.files_named((".txt",), limit=200):  # (requirements.txt, requirements/prod.txt...)
        base = posixpath.basename(path)
        if base.startswith("requirements"):
            names |= _requirements(files.text(path, 1 << 20) or "")
    for path in files.files_named(("pyproject.toml", "Pipfile"), limit=_MAX_FILES):
        names |= _toml_names(files.text(path, 1 << 20) or "", posixpath.basename(path))
    return names


def _requirements(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        if line.strip().startswith("-"):
            continue  # (-r other.txt, -e ., --index-url: the other files are read by their name too)
        match = _REQUIREMENT.match(line)
        if match is not None:
            names.add(_normal(match.group(1)))
    return names


def _toml_names(text: str, name: str) -> set[str]:
    from migrator.config import toml_loader

    loader = toml_loader()
    try:
        data: Any = loader.loads(text) if loader is not None and text else {}
    except ValueError:  # (tomllib's TOMLDecodeError)
        return set()
    found: set[str] = set()
    if name == "Pipfile":
        for section in ("packages", "dev-packages"):
            found |= {_normal(n) for n in _table(data, section)}
        return found
    project = _table(data, "project")
    for requirement in project.get("dependencies") or []:
        match = _REQUIREMENT.match(requirement) if isinstance(requirement, str) else None
        if match is not None:
            found.add(_normal(match.group(1)))
    for group in (_table(project, "optional-dependencies")).values():
        for requirement in group if isinstance(group, list) else []:
            match = _REQUIREMENT.match(requirement) if isinstance(requirement, str) else None
            if match is not None:
                found.add(_normal(match.group(1)))
    found |= {_normal(n) for n in _table(_table(_table(data, "tool"), "poetry"), "dependencies") if n != "python"}
    return found


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _package_json(files: BuildContext) -> set[str]:
    import json

    names: set[str] = set()
    for path in files.files_named(("package.json",), limit=_MAX_FILES):
        try:
            data = json.loads(files.text(path, 1 << 20) or "null")
        except ValueError:
            continue
        for key in ("dependencies", "optionalDependencies"):
            names |= set(_table(data, key))
    return names
