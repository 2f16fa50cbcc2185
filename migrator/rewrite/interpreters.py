"""Interpreters named by a version or a path the Chainguard image does not have.

Docker Hub's python:3.11 has `python3.11` (and pip3.11) in /usr/local/bin; Chainguard's python serves one
version (rules/wolfi/versions.yaml), so `CMD ["python3.11", "app.py"]` or `RUN python3.11 -m pip install`
is "not found" on it, and would bypass the virtualenv the migration puts first on PATH. The name becomes
the image's own (`python3`, `pip3`: MIG423), also inside a virtualenv a migrated stage makes
(`/venv/bin/python3.11`: the image's python makes it, with its own names). An interpreter started by Docker Hub's path
(`/usr/local/bin/node`, Temurin's `/opt/java/openjdk/bin/java`) is started where the Chainguard image has
it (rules/dockerhub.yaml `interpreter_paths`, MIG407).

Only where the stage's image is the language's own image, whose programs the model knows: a stage kept on
wolfi-base may install another version with apk, so its names are left to the start check.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage

# python3.11, /usr/local/bin/python3.11, /usr/bin/pip3.12: a word, not a piece of a path (/usr/lib/python3.11/)
# nor of a glob (`ls /usr/local/bin/python3.1*` matches other names: source_paths.py judges it)
_NAME = r"(?:/usr/local/bin/|/usr/bin/)?((?:python|pip)3)\.(\d+)(?![\w.*?\[-])"
_VERSIONED = lazy_re(r"(?<![\w/.$-])" + _NAME)
# in a RUN, only as the program a command runs (after a command separator, `exec`, assignments), not as an
# argument: `apt-get install python3.11` names a package, which the package translation maps
_RUN_PROGRAM = lazy_re(r"((?:^\s*RUN\s+(?:\[\s*\")?|&&|\|\||[;|(`]|\$\(|\bexec|\bthen|\bdo|\n)"
                       r"(?:[ \t]|\\\r?\n)*(?:[A-Za-z_][A-Za-z0-9_]*=\S*[ \t]+)*)" + _NAME)
_START_KEYWORDS = ("CMD", "ENTRYPOINT", "HEALTHCHECK")
# an install of a versioned python: apk's python-3.11, Debian's python3.11, uv/pyenv's `python install 3.11`
_OTHER_PYTHON = lazy_re(r"\b(?:add|install)\b[^\n;&|]*(?<![\w.-])python-?3\.\d+(?![\w.-])|\bpython install\b")


def rename_interpreters(plan: FilePlan) -> list[Finding]:
    """Rewrite, in place, the interpreter names of the migrated stages that their images do not have."""
    from migrator.parse.dockerfile import parse_instruction

    findings: list[Finding] = []
    venvs = _venvs_made(plan)
    for stage_plan in plan.stages:
        if not stage_plan.migrated:
            continue
        build = _with_base_python(plan.rules.image_model(plan.inherited_image(stage_plan)), stage_plan)
        start = _with_base_python(plan.rules.image_model(_start_image(plan, stage_plan)), stage_plan)
        stage = stage_plan.stage
        for position, item in enumerate(stage.items):
            if not isinstance(item, Instruction) or item.keyword not in ("RUN", *_START_KEYWORDS):
                continue
            model = start if item.keyword in _START_KEYWORDS else build
            raw, versioned = _unversioned(item.raw, model, _VERSIONED if model is start else _RUN_PROGRAM)
            raw, in_venvs = _venv_unversioned(raw, venvs)
            raw, moved = _moved(raw, model) if item.keyword in _START_KEYWORDS else (raw, [])
            if raw == item.raw:
                continue
            stage.items[position] = parse_instruction(raw, item.line, item.escape)
            if in_venvs:
                findings.append(finding("MIG423", item.line, f"{', '.join(in_venvs)}: the virtualenv is made by "
                                        "Chainguard's python, which serves one version of the language: its bin/ "
                                        "has python, python3 and that version's name, no other's"))
            if versioned:
                where = f"Chainguard's {model.name} image" if model.name == "python" else "python-3 on wolfi-base"
                findings.append(finding("MIG423", item.line, f"{', '.join(versioned)}: {where} serves one version "
                                        "of the language and has no other's versioned name; the plain name is its "
                                        "interpreter (and the virtualenv's)"))
            if moved:
                findings.append(finding("MIG407", item.line, ", ".join(moved) + ": where the Chainguard image "
                                        "has the interpreter"))
    return findings


def _venvs_made(plan: FilePlan) -> dict[str, ChainguardImage]:
    """The virtualenvs the migrated stages make (`python -m venv /venv`, `virtualenv venv`, `uv venv`), as written
    and as absolute paths, with the image that makes them: its python's names are the virtualenv's."""
    from migrator.plan.facts import joined, read_facts

    made: dict[str, ChainguardImage] = {}
    for stage_plan in plan.stages:
        model = _with_base_python(plan.rules.image_model(plan.inherited_image(stage_plan)), stage_plan)
        if not stage_plan.migrated or not model.known or not model.has_program("python3"):
            continue
        facts = read_facts(stage_plan.stage)
        for command in facts.run_commands():
            target = venv_target(command.words)
            path = command.expand(target, facts.env) if target else None  # (`python -m venv $VENV`)
            if target and path and "$" not in path:
                made[path.rstrip("/")] = made[joined(path, command.workdir)] = model
                if "$" in target:  # (the start names it as written too: `$VENV/bin/python3.11`)
                    made[target.rstrip("/")] = model
    return made


def venv_target(words: tuple[str, ...]) -> str | None:
    name = posixpath.basename(words[0]) if words else ""
    if re.fullmatch(r"python[\d.]*", name) and words[1:3] == ("-m", "venv"):
        rest = words[3:]
    elif name == "virtualenv" or (name == "uv" and words[1:2] == ("venv",)):
        rest = words[1 + (name == "uv"):]
        if name == "uv" and not any(not w.startswith("-") for w in rest):
            return ".venv"
        if any(w.startswith(("--python", "-p")) for w in rest):
            return None  # (another interpreter, which uv may download: its names are its own)
    else:
        return None
    return next((w for w in rest if not w.startswith("-")), None)


def _venv_unversioned(raw: str, venvs: dict[str, ChainguardImage]) -> tuple[str, list[str]]:
    """`/venv/bin/python3.11` -> `/venv/bin/python3` in a virtualenv the image's python of another version
    makes."""
    if not venvs:
        return raw, []
    done: list[str] = []
    paths = "|".join(re.escape(v) for v in sorted(venvs, key=len, reverse=True))
    pattern = rf"(?<![\w/.$-])(?:\./)?({paths})/bin/((?:python|pip)3)\.(\d+)(?![\w.-])"

    def plain(match: re.Match[str]) -> str:
        venv, name, minor = match.groups()
        if venvs[venv].has_program(f"python3.{minor}"):
            return match.group(0)
        renamed = match.group(0)[:-len(f"{name}.{minor}")] + name
        done.append(f"`{match.group(0)}` -> `{renamed}`")
        return renamed

    return re.sub(pattern, plain, raw), list(dict.fromkeys(done))


def _with_base_python(model: ChainguardImage, stage_plan: StagePlan) -> ChainguardImage:
    """A stage kept on wolfi-base that installs the source image's python as `python-3` (the newest stream, as
    the python image serves it) has that version's names, and no other's, unless the stage installs another
    version itself (`apk add python-3.11`, `apt-get install python3.11`): its names are then left as written."""
    from migrator.plan.versions import newest
    from migrator.records import replace

    if model.has_program("python3") or "python-3" not in stage_plan.base_packages:
        return model
    if any(_OTHER_PYTHON.search(i.raw) for s in stage_plan.stage.chain() for i in s.instructions):
        return model
    return replace(model, programs=(*model.programs, "python", "python3", f"python{newest('python')}", "pip",
                                    "pip3"))


def _start_image(plan: FilePlan, stage_plan: StagePlan) -> str:
    """The image the stage's start command runs on: the final stage's runtime when it is split off."""
    root = plan.root_of(stage_plan)
    if stage_plan is plan.final and stage_plan.split:
        return stage_plan.runtime_override or root.runtime_choice or plan.inherited_image(stage_plan)
    return plan.inherited_image(stage_plan)


def _unversioned(raw: str, model: ChainguardImage, pattern: re.Pattern[str]) -> tuple[str, list[str]]:
    done: list[str] = []
    offset = pattern.groups - 2  # (_RUN_PROGRAM's first group: what comes before the program, kept)

    def plain(match: re.Match[str]) -> str:
        head = match.group(1) if offset else ""
        name, minor = match.group(1 + offset), match.group(2 + offset)
        if not model.known or model.has_program(f"python3.{minor}") or not model.has_program(name):
            return match.group(0)
        done.append(f"`{match.group(0)[len(head):].strip()}` -> `{name}`")
        return head + name

    return pattern.sub(plain, raw), list(dict.fromkeys(done))


def _moved(raw: str, model: ChainguardImage) -> tuple[str, list[str]]:
    from migrator.rules.data import builtin_data

    done: list[str] = []
    for rule in builtin_data("dockerhub.yaml").get("interpreter_paths") or []:
        target = str(rule["to"])
        if not model.known or not model.has_program(posixpath.basename(target)):
            continue
        pattern = r"(?<![\w/.$-])" + re.escape(rule["from"]).replace(r"\*", r"[\w.-]*") + r"(?![\w./-])"
        for found in dict.fromkeys(re.findall(pattern, raw)):
            if glob_match(found, rule["from"]):
                done.append(f"{found} -> {target}")
        raw = re.sub(pattern, target.replace("\\", "\\\\"), raw)
    return raw, done
