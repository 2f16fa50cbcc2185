"""A Python project that pins its interpreter to a version the stage's Chainguard python does not serve.

`uv sync` reads the project's pin (`--python`, UV_PYTHON, `.python-version`, `requires-python`): on
python:latest-dev (3.14) a project pinned to 3.12 gets a managed CPython 3.12 that uv downloads into the
builder's ~/.local/share/uv/python, and the virtualenv's interpreter links there: the runtime has no such
file, so the app cannot start. `poetry install` (the `python` dependency), `pdm install` and `pip install .`
(`requires-python`) refuse the interpreter, so the build fails, as `pipenv install` does for a Pipfile's
`[requires] python_version`. Read from the build context on disk (the
files the stage copies or mounts) and from the Dockerfile; MIG221, an error either way.
"""

from __future__ import annotations

import posixpath
import re

from migrator.parse.dockerfile import Instruction
from migrator.plan.facts import Command
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotations only
if TYPE_CHECKING:
    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.stages import Stage

_CLAUSE = lazy_re(r"^(===|==|!=|~=|>=|<=|>|<|\^|~|=)?\s*v?(\d+(?:\.\d+)*)(\.\*)?$")
_PINNED = lazy_re(r"(?:^|@|python|cpython-?)(\d+)\.(\d+)")
_BIND_SOURCE = lazy_re(r"--mount=\S*type=bind\S*")


@dataclass(frozen=True)
class Pin:
    what: str  # how the project says it: "requires-python `>=3.12,<3.13` in pyproject.toml"
    version: str = ""  # the one version it asks for (.python-version 3.12), or ""
    requirement: str = ""  # else the requirement (PEP 440 or Poetry's: `>=3.12,<3.13`, `^3.11`)
    file: bool = False  # a .python-version of the build context (what a developer's uv wrote, overridable)


@dataclass(frozen=True)
class PinProblem:
    line: int
    message: str


def pin_problems(stage: Stage, files: BuildContext, image: str) -> list[PinProblem]:
    """The first installer of `stage` (on Chainguard's python `image`) whose project pins another Python."""
    from migrator.plan.facts import read_facts

    served = _served(image)
    if served is None:
        return []
    facts = read_facts(stage)
    for command in facts.run_commands():
        reader = _reader(command.words)
        if reader is None:
            continue
        pins = _pins(reader, command, stage, files, {**facts.env, **_assignments(command)})
        excluded = [p for p in pins if _excludes(p, served)]
        if not excluded:
            continue
        return [PinProblem(command.line, _message(reader, command, excluded, served, image))]
    return []


def image_python_requests(stage: Stage, files: BuildContext, image: str) -> list[tuple[Command, Pin, str]]:
    """(command, pin, served version) of each uv command of `stage` that only the build context's
    .python-version keeps from the image's python, while the project's requirement allows that python: told
    `--python python3`, uv uses the image's python (the runtime's) instead of downloading the pinned one."""
    from migrator.plan.facts import read_facts

    served = _served(image)
    if served is None:
        return []
    facts = read_facts(stage)
    found = []
    for command in facts.run_commands():
        if _reader(command.words) != "uv":
            continue
        excluded = [p for p in _pins("uv", command, stage, files, {**facts.env, **_assignments(command)})
                    if _excludes(p, served)]
        if excluded and all(p.file for p in excluded):
            found.append((command, excluded[0], served))
    return found


def _served(image: str) -> str | None:
    """The Python version a Chainguard python image reference serves: its tag's (`3.12-dev`), or latest's."""
    from migrator.plan.versions import newest

    name, _, tag = image.rpartition(":")
    if posixpath.basename(name or image) != "python":
        return None
    pinned = re.match(r"(\d+\.\d+)", tag)
    return pinned.group(1) if pinned else newest("python") or None


def _reader(words: tuple[str, ...]) -> str | None:
    """Which tool of the command reads the project's Python pin: uv, poetry, pdm, pip (of the project itself)."""
    name = posixpath.basename(words[0]) if words else ""
    if name == "uv" and words[1:2] and words[1] in ("sync", "venv", "run", "lock"):
        return "uv"
    if name in ("poetry", "pdm") and words[1:2] and words[1] in ("install", "sync", "lock"):
        return name
    if name == "pipenv" and words[1:2] and words[1] in ("install", "sync"):
        return "pipenv"
    pip = name.startswith("pip") or (name.startswith("python") and words[1:3] == ("-m", "pip"))
    at = 1 if name.startswith("pip") else 3
    if pip and words[at:at + 1] == ("install",) and any(w in (".", "./") for w in words[at + 1:]):
        return "pip"
    return None


def _assignments(command: Command) -> dict[str, str | None]:
    return {name: value for name, _, value in (a.partition("=") for a in command.assignments)}


def _pins(reader: str, command: Command, stage: Stage, files: BuildContext,
          env: dict[str, str | None]) -> list[Pin]:
    """What pins the project's Python, as `reader` reads it: a request given to uv outright, else its
    .python-version; the project's own requirement for every reader."""
    pins: list[Pin] = []
    if reader == "uv":
        asked = _option(command.words, "--python", "-p") or env.get("UV_PYTHON")
        version = _PINNED.search(asked) if asked else None
        if asked and version is not None:
            return [Pin(f"`{asked}` asked of uv", f"{version.group(1)}.{version.group(2)}")]
        # (a path, `python3`: the image's python, which the project's requirement still judges)
        pinned = None if asked else _python_version_file(stage, files, command.instruction)
        if pinned is not None:
            pins.append(pinned)
    if reader == "pipenv":
        return _pipfile_pins(command, stage, files, env)
    project = _project(stage, files, command.instruction) or {}
    requirement = _table(project, "project").get("requires-python")
    where = "requires-python"
    poetry_python = _table(_table(_table(project, "tool"), "poetry"), "dependencies").get("python")
    if reader == "poetry" and isinstance(poetry_python, str):
        requirement, where = poetry_python, "the `python` dependency"
    if isinstance(requirement, str) and requirement.strip():
        pins.append(Pin(f"{where} `{requirement.strip()}` in pyproject.toml", requirement=requirement.strip()))
    return pins


def _pipfile_pins(command: Command, stage: Stage, files: BuildContext, env: dict[str, str | None]) -> list[Pin]:
    """The Pipfile's `[requires] python_version` (or python_full_version), which pipenv holds the interpreter to:
    it finds no such Python for a virtualenv, and `--deploy` aborts on another one, `--system` too (pipenv
    2025.12 and later). Only `--system` without `--deploy` installs on the image's python with a warning."""
    system = "--system" in command.words or _truthy(env.get("PIPENV_SYSTEM"))
    deploy = "--deploy" in command.words or _truthy(env.get("PIPENV_DEPLOY"))
    if system and not deploy:
        return []
    pipfile = _toml(_context_file(stage, files, "Pipfile", command.instruction)) or {}
    lock = _json(_context_file(stage, files, "Pipfile.lock", command.instruction))
    for requires, where in ((_table(pipfile, "requires"), "[requires] {} = \"{}\" in Pipfile"),
                            (_table(_table(lock, "_meta"), "requires"), "\"{}\": \"{}\" in Pipfile.lock")):
        for key in ("python_version", "python_full_version"):
            value = requires.get(key)
            version = _PINNED.search(value) if isinstance(value, str) else None
            if version is not None:
                return [Pin(where.format(key, value), f"{version.group(1)}.{version.group(2)}")]
    return []


def _json(text: str | None) -> dict[str, object]:
    import json

    try:
        table = json.loads(text) if text else {}
    except ValueError:
        return {}
    return table if isinstance(table, dict) else {}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _table(table: dict[str, object], key: str) -> dict[str, object]:
    value = table.get(key)
    return value if isinstance(value, dict) else {}


def _python_version_file(stage: Stage, files: BuildContext, at: Instruction) -> Pin | None:
    """`.python-version`, copied into the stage from the build context or written by `uv python pin X` (before
    the RUN `at`)."""
    for command in reversed([c for c in _commands(stage) if c.instruction.line <= at.line]):
        if command.words[:3] == ("uv", "python", "pin") and command.words[3:4]:
            version = _PINNED.search(command.words[3])
            if version is not None:
                return Pin(f"`uv python pin {command.words[3]}`", f"{version.group(1)}.{version.group(2)}")
    text = _context_file(stage, files, ".python-version", at)
    first = next((line.strip() for line in (text or "").splitlines() if line.strip() and
                  not line.startswith("#")), "")
    version = _PINNED.search(first)
    if version is None:
        return None
    return Pin(f".python-version `{first}`", f"{version.group(1)}.{version.group(2)}", file=True)


def _commands(stage: Stage) -> list[Command]:
    from migrator.plan.facts import read_facts

    return read_facts(stage).run_commands()


def _project(stage: Stage, files: BuildContext, at: Instruction) -> dict[str, object] | None:
    return _toml(_context_file(stage, files, "pyproject.toml", at))


def _toml(text: str | None) -> dict[str, object] | None:
    from migrator.config import toml_loader

    loader = toml_loader()
    if text is None or loader is None:
        return None
    try:
        table = loader.loads(text)
    except ValueError:  # (tomllib's TOMLDecodeError is a ValueError)
        return None
    return table if isinstance(table, dict) else None


def _context_file(stage: Stage, files: BuildContext, name: str, at: Instruction) -> str | None:
    """The text of the build-context file `name` that the stage copies before the RUN `at` (by name, or with a
    directory that holds it: `COPY . .`) or bind-mounts into `at`, as the context on disk has it."""
    from migrator.rewrite.gemfile import copy_sources

    chain = [i for s in stage.chain() for i in s.instructions]
    before = chain[:chain.index(at) + 1] if at in chain else chain
    for instruction in reversed(before):
        if instruction.keyword == "RUN" and instruction is not at:
            continue  # (a bind mount is there for its own RUN only)
        for source in _sources(instruction, copy_sources):
            source = source.rstrip("/") or "."
            path = source if posixpath.basename(source) == name else posixpath.normpath(posixpath.join(source, name))
            if posixpath.basename(source) == name or files.is_directory(source):
                text = files.text(path, 1 << 20)
                if text is not None:
                    return text
    return None


def _sources(instruction: Instruction, copy_sources: object) -> list[str]:
    if instruction.keyword in ("COPY", "ADD") and "from" not in instruction.flags:
        return copy_sources(instruction.body)  # type: ignore[operator,no-any-return]
    if instruction.keyword != "RUN":
        return []
    found = []
    for mount in _BIND_SOURCE.findall(instruction.raw):
        options = dict(part.split("=", 1) for part in mount[len("--mount="):].split(",") if "=" in part)
        if "from" not in options:
            found.append(options.get("source") or options.get("src") or ".")
    return found


def _option(words: tuple[str, ...], *names: str) -> str | None:
    from migrator.plan.ecosystems.base import option_value

    return option_value(words, *names)


def _excludes(pin: Pin, served: str) -> bool:
    """Whether no release of the `served` minor version (3.14.x) meets the pin."""
    if pin.version:
        return pin.version != served
    return not any(all(_meets(clause.strip(), served) for clause in alternative.split(",") if clause.strip())
                   for alternative in re.split(r"\|\||\bor\b", pin.requirement))


def _meets(clause: str, served: str) -> bool:
    """One clause of a PEP 440 or Poetry requirement, judged by major.minor (the patch is not known); an
    unreadable clause is met (no alarm without cause)."""
    if clause == "*":
        return True
    match = _CLAUSE.match(clause.replace(" ", ""))
    if match is None:
        return True
    operator, version, wildcard = match.group(1) or "==", match.group(2), bool(match.group(3))
    have = tuple(int(p) for p in served.split("."))[:2]
    parts = tuple(int(p) for p in version.split("."))
    want = (*parts, 0)[:2]
    patch = len(parts) > 2 and any(parts[2:])
    if operator in ("==", "===", "="):
        return have[:len(parts)] == parts[:2] if len(parts) < 2 or wildcard or len(parts) == 2 else have == want
    if operator == "!=":
        return not (wildcard and have[:len(parts)] == parts[:2])
    if operator in (">=", ">"):
        return have >= want
    if operator == "<=":
        return have <= want
    if operator == "<":
        return have < want or (have == want and patch)
    if operator == "^":  # poetry: ^3.12 is >=3.12,<4
        return have >= want and have[0] == parts[0]
    if operator == "~":  # poetry: ~3.12 is >=3.12,<3.13; ~3 is >=3,<4
        return have >= want and (have[0] == parts[0] if len(parts) == 1 else have[:2] == want)
    # ~=: ~=3.12 is >=3.12,==3.*; ~=3.12.1 is >=3.12.1,==3.12.*
    return have >= want and (have[0] == parts[0] if len(parts) <= 2 else have == want)


def _stream_meeting(pins: list[Pin]) -> str:
    """The newest Python stream Wolfi ships that meets every pin (rules/wolfi/versions.yaml), or ""."""
    from migrator.rules.data import builtin_data

    python = (builtin_data("wolfi/versions.yaml").get("languages") or {}).get("python") or {}
    streams = [str(s) for s in python.get("streams") or []]
    return next((s for s in reversed(streams) if not any(_excludes(p, s) for p in pins)), "")


def _message(reader: str, command: Command, pins: list[Pin], served: str, image: str) -> str:
    said = "; ".join(p.what for p in pins)
    wanted = next((p.version for p in pins if p.version), "") or _stream_meeting(pins)
    image_name = image.rsplit("/", 1)[-1]
    program = " ".join(command.words[:2])
    if reader == "uv":
        effect = (f"uv does not use the image's python {served}: it downloads a managed CPython "
                  f"{wanted or '(one the pin allows)'} into the builder (~/.local/share/uv/python) and the "
                  "virtualenv's interpreter links there, which "
                  "the runtime does not have, so the app cannot start")
    elif reader == "pip":
        effect = (f"pip refuses to install the project on python {served} (\"requires a different Python\"): the "
                  "build fails")
    elif reader == "pipenv":
        effect = (f"`--deploy` aborts on python {served}" if "--deploy" in command.words else
                  f"pipenv finds no python {wanted} to make its virtualenv with") + ": the build fails"
    else:
        effect = f"{reader} refuses python {served} for the project: the build fails"
    keep = f"migrate with --tag-policy keep for an organisation registry that serves python {wanted}, or " \
        if wanted else ""
    return (f"`{program}` reads the project's Python pin ({said}), which {image_name} (python {served}) does not "
            f"meet: {effect}; {keep}move the project to python {served} (its pin and lock file)")
