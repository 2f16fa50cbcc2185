"""A library the build installs at a release older than the first that supports the stage's Python (MIG433).

`FROM python:3.7` with `Django==3.2.13` in requirements.txt moves to python:latest (3.14): Django 3.2
imports distutils, which Python 3.12 removed, so the app dies at import; numpy 1.21 has no wheel for 3.14
and does not build there. rules/python-libraries.yaml says, for well-known packages, which release first
supports each Python minor. The pins are read from the build context on disk: a requirements file that
`pip install -r` reads, Pipfile.lock (pipenv), poetry.lock (poetry), uv.lock (uv sync). Only exact pins
(`==`) count: a range that admits a supporting release is fine.
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.facts import Command
from migrator.plan.python_pins import PinProblem, _context_file, _json, _served, _toml
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotations only
if TYPE_CHECKING:
    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.stages import Stage

_REQUIREMENT = lazy_re(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][0-9A-Za-z.+!-]*)\s*$")
_WOLFI_PYTHON = lazy_re(r"(?<![\w.-])python-3(?:\.(\d+))?(?![\w.-])")
_LOCKS = {"pipenv": "Pipfile.lock", "poetry": "poetry.lock", "uv": "uv.lock"}


@dataclass(frozen=True)
class OldPin:
    package: str
    version: str
    needed: str  # the first release supporting the Python
    where: str  # the file that pins it


def library_problems(stage: Stage, files: BuildContext, image: str) -> list[PinProblem]:
    """MIG433 for each installer of `stage` (on Chainguard's python `image`) whose requirements or lock file
    pins a release of a known package older than the first supporting the image's Python."""
    from migrator.plan.facts import read_facts

    served = _served(image) or _wolfi_python(stage)
    if served is None:
        return []
    problems = []
    for command in read_facts(stage).run_commands():
        old = [pin for pin in _pins(command, stage, files) if (needed := _first_supporting(pin[0], served))
               and _older(pin[1], needed)]
        if old:
            pins = [OldPin(name, version, _first_supporting(name, served) or "", where) for name, version, where in old]
            problems.append(PinProblem(command.line, _message(command, pins, served, image)))
    return problems


def _wolfi_python(stage: Stage) -> str | None:
    """The Python a stage on another image (wolfi-base) installs with apk: `python-3.12`, or `python-3` (the newest
    stream)."""
    from migrator.plan.versions import newest

    for instruction in (i for s in stage.chain() for i in s.instructions if i.keyword == "RUN"):
        if not re.search(r"\bapk\b[^\n]*\badd\b", instruction.body):
            continue
        match = _WOLFI_PYTHON.search(instruction.body)
        if match is not None:
            return f"3.{match.group(1)}" if match.group(1) else newest("python") or None
    return None


def _pins(command: Command, stage: Stage, files: BuildContext) -> list[tuple[str, str, str]]:
    """(package, version, file) of every exact pin the command installs from the build context."""
    words = command.words
    name = posixpath.basename(words[0]) if words else ""
    found: list[tuple[str, str, str]] = []
    pip = re.fullmatch(r"pip[\d.]*", name) is not None or (name.startswith("python") and words[1:3] == ("-m", "pip"))
    if pip and "install" in words:
        for path in _requirement_files(words):
            text = _text(stage, files, path, command)
            found += [(package, version, path) for package, version in _requirements(text or "")]
        return found
    installs = {"pipenv": ("install", "sync"), "poetry": ("install", "sync"), "uv": ("sync",)}
    if name in installs and words[1:2] and words[1] in installs[name]:
        lock = _LOCKS[name]
        text = _text(stage, files, lock, command)
        found += [(package, version, lock) for package, version in _locked(name, text)]
    return found


def _requirement_files(words: tuple[str, ...]) -> list[str]:
    paths = []
    for index, word in enumerate(words):
        if word in ("-r", "--requirement") and index + 1 < len(words):
            paths.append(words[index + 1])
        elif word.startswith("--requirement="):
            paths.append(word.split("=", 1)[1])
        elif word.startswith("-r") and len(word) > 2:
            paths.append(word[2:])
    return [p for p in paths if "$" not in p]


def _text(stage: Stage, files: BuildContext, path: str, command: Command) -> str | None:
    """The build-context file the command reads (relative to the stage's directory as copied)."""
    name = posixpath.normpath(path.lstrip("/")) if not path.startswith("/") else posixpath.basename(path)
    return _context_file(stage, files, name, command.instruction) or (
        _context_file(stage, files, posixpath.basename(path), command.instruction) if "/" in path else None)


def _requirements(text: str) -> list[tuple[str, str]]:
    """`name==version` lines of a requirements file (a line with an environment marker or options skipped)."""
    found = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")) or ";" in line:
            continue
        match = _REQUIREMENT.match(line)
        if match is not None:
            found.append((_normalised(match.group(1)), match.group(2)))
    return found


def _locked(tool: str, text: str | None) -> list[tuple[str, str]]:
    if not text:
        return []
    if tool == "pipenv":
        default = _json(text).get("default")
        entries = default.items() if isinstance(default, dict) else []
        return [(_normalised(name), str(entry["version"]).lstrip("=")) for name, entry in entries
                if isinstance(entry, dict) and str(entry.get("version", "")).startswith("==")]
    packages = (_toml(text) or {}).get("package")
    locked = [(_normalised(str(p["name"])), str(p["version"])) for p in packages or []
              if isinstance(p, dict) and p.get("name") and p.get("version")] if isinstance(packages, list) else []
    newest: dict[str, str] = {}  # (a lock may hold one release per Python range: the newest is the new Python's)
    for name, version in locked:
        if name not in newest or _version(version) > _version(newest[name]):
            newest[name] = version
    return list(newest.items())


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _first_supporting(package: str, served: str) -> str | None:
    """The first release of `package` that supports Python `served` (the table's newest row at most)."""
    from migrator.rules.data import builtin_data

    entry = (builtin_data("python-libraries.yaml").get("packages") or {}).get(package)
    if not isinstance(entry, dict):
        return None
    have = _version(served)
    rows = sorted(((_version(str(minor)), str(release)) for minor, release in
                   (entry.get("first_supporting") or {}).items()), reverse=True)
    return next((release for minor, release in rows if minor <= have), None)


def _older(pinned: str, needed: str) -> bool:
    """Whether `pinned` is a release before `needed` (a version this cannot read is not: no alarm without cause)."""
    if not re.fullmatch(r"\d+(?:\.\d+)*", pinned):
        return False
    return _version(pinned) < _version(needed)


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in re.findall(r"\d+", text))
    return parts + (0,) * (3 - len(parts))


def _message(command: Command, pins: list[OldPin], served: str, image: str) -> str:
    said = "; ".join(f"{p.package}=={p.version} ({p.where}) needs {p.needed} or later" for p in pins)
    program = " ".join(command.words[:2])
    keep = (", or migrate with --tag-policy keep for an organisation registry that serves the source's python"
            if _served(image) is not None else "")
    return (f"`{program}` installs releases that predate support for python {served} ({image.rsplit('/', 1)[-1]}): "
            f"{said} (first releases supporting it: rules/python-libraries.yaml). They have no wheel for it and do "
            "not build there, or import what it removed (distutils, gone in 3.12: Django before 4.0): the build "
            f"fails or the app cannot start; raise the pins{keep}")
