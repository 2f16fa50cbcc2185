"""Python packages copied out of a builder from Docker Hub's site-packages: moved into a virtualenv.

    FROM python:3.11-slim AS builder            RUN pip install -r requirements.txt
    FROM python:3.11-slim                       COPY --from=builder /usr/local/lib/python3.11/site-packages ...

worked because Docker Hub's pip installs into /usr/local. Chainguard's python keeps its packages in
/usr/lib/python3.X (a version the Dockerfile does not name), so the builder installs into a
virtualenv at /opt/venv instead, the copies take the virtualenv, and the stage that receives it
puts it first on its PATH: console scripts and `python` then find the packages.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, parse_instruction
from migrator.plan.ecosystems.base import made_as_root, user_in_force
from migrator.plan.facts import read_facts
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

VENV = "/opt/venv"
_SITE_PACKAGES = lazy_re(r"^/usr/local/lib/python3[.\d]*(/site-packages)?/?$")
_LOCAL_BIN = lazy_re(r"^/usr/local/bin/?$")
_WHOLE_PREFIX = ("/usr/local", "/usr/local/lib")  # copied whole, to the same path: site-packages is inside
# a RUN that writes into /usr/local by other means than pip: a path there, or `make install` (its default prefix)
_OTHER_PREFIX_WRITERS = lazy_re(r"/usr/local\b|\bmake\b[^\n;&|]*\binstall\b|--install\b")


def port_site_packages(plan: FilePlan, newline: str) -> list[Finding]:
    findings: list[Finding] = []
    ported: set[int] = set()
    for stage in plan.staged.stages:
        for item in list(stage.items):
            builder = _site_packages_source(plan, stage, item)
            if builder is None or not isinstance(item, Instruction):
                continue
            if builder.index not in ported:
                if not _install_into_venv(builder, newline):
                    continue
                findings += _start_from_the_venv(builder, builder)  # (`RUN pip install x && /usr/local/bin/x`)
            ported.add(builder.index)
            findings += _take_the_venv(plan, stage, item, builder, newline)
    return findings


def _site_packages_source(plan: FilePlan, stage: Stage, item: object) -> Stage | None:
    """The migrated python builder a `COPY --from=... /usr/local/lib/python3.X/site-packages` reads."""
    if not isinstance(item, Instruction) or item.keyword != "COPY" or not item.flags.get("from"):
        return None
    words = item.json_args() or item.body.split()
    if len(words) != 2 or not (_SITE_PACKAGES.match(words[0]) or _whole_prefix(words)):
        return None
    source = plan.staged.stage_by_reference(item.flags["from"], before=stage.index)
    if source is None or not plan.stages[source.index].migrated:
        return None
    image = plan.inherited_image(plan.stages[source.index])
    return source if plan.rules.image_model(image).has_program("python3") else None


def _whole_prefix(words: list[str]) -> bool:
    """`COPY --from=build /usr/local /usr/local` (or /usr/local/lib): Docker Hub python's prefix, which holds
    site-packages and the console scripts."""
    return words[0].rstrip("/") in _WHOLE_PREFIX and words[1].rstrip("/") == words[0].rstrip("/")


def _prefix_written_otherwise(builder: Stage) -> bool:
    """Whether something besides pip writes into /usr/local in the builder's chain (a COPY there, a download,
    `make install`): the whole-prefix copy then stays, beside the virtualenv's."""
    chain = [i for s in builder.chain() for i in s.instructions]
    for instruction in chain:
        words = instruction.words()
        if instruction.keyword in ("COPY", "ADD") and len(words) > 1 and words[-1].startswith("/usr/local"):
            return True
        if instruction.keyword == "RUN" and _OTHER_PREFIX_WRITERS.search(instruction.raw):
            return True
    return False


def _install_into_venv(builder: Stage, newline: str) -> bool:
    """`RUN python -m venv /opt/venv` + its ENV before the builder's first system-wide pip install."""
    facts = read_facts(builder)
    runs = facts.run_commands()
    if "VIRTUAL_ENV" in facts.env or any(c.words[1:3] == ("-m", "venv") for c in runs):
        return False
    pip = next((c for c in runs if c.words and c.words[0].rsplit("/", 1)[-1].startswith("pip")
                and c.words[1:2] == ("install",) and not _installs_elsewhere(c.words)), None)
    if pip is None:
        return False
    position = builder.items.index(pip.instruction)
    user = user_in_force(builder, pip.instruction.line)  # (the venv goes to the user who installs into it)
    lines = [*made_as_root(f"RUN python -m venv {VENV}", VENV, user), f'ENV VIRTUAL_ENV={VENV} PATH="{VENV}/bin:$PATH"']
    builder.items[position:position] = [parse_instruction(raw + newline, pip.instruction.line) for raw in lines]
    return True


def _installs_elsewhere(words: tuple[str, ...]) -> bool:
    """`pip install --prefix=/install` (--target, --root, --user): the packages go to a tree of their own, which a
    virtualenv would not hold (relocate moves that tree where the runtime's python looks)."""
    from migrator.plan.ecosystems.base import option_value

    return "--user" in words or option_value(words, "--prefix", "--target", "-t", "--root") is not None


def _take_the_venv(plan: FilePlan, stage: Stage, copy: Instruction, builder: Stage, newline: str) -> list[Finding]:
    words = copy.json_args() or copy.body.split()
    raw = copy.raw.replace(f"{words[0]} {words[1]}", f"{VENV} {VENV}", 1)
    if raw == copy.raw:
        return []
    position = stage.items.index(copy)
    kept = _whole_prefix(words) and _prefix_written_otherwise(builder)
    if kept:  # (what else the builder put in /usr/local still comes with the original copy)
        stage.items.insert(position, parse_instruction(raw, copy.line, copy.escape))
    else:
        stage.items[position] = parse_instruction(raw, copy.line, copy.escape)
    scripts = _redirect_local_bin(stage, builder)
    named = _copy_scripts_from_the_venv(stage, builder)
    started = _start_from_the_venv(stage, builder)
    if not any(isinstance(i, Instruction) and i.keyword == "ENV" and f"{VENV}/bin" in i.raw for i in stage.items):
        env = parse_instruction(f'ENV VIRTUAL_ENV={VENV} PATH="{VENV}/bin:$PATH"{newline}', copy.line, copy.escape)
        stage.items.insert(position, env)
    return [finding("MIG515", copy.line, f"{words[0]} is where Docker Hub's pip installs; Chainguard's python "
                    f"keeps packages in /usr/lib/python3.X: '{builder.label}' installs into a virtualenv at {VENV}, "
                    "which this stage copies and puts first on its PATH"
                    + (f" (the copy of {words[0]} stays for what else '{builder.label}' put there)" if kept else "")
                    + ("; the copy of /usr/local/bin is dropped: the console scripts are in the virtualenv"
                       if scripts else "")), *named, *started]


def _start_from_the_venv(stage: Stage, builder: Stage) -> list[Finding]:
    """`CMD ["/usr/local/bin/gunicorn"]` of the stage that now copies the virtualenv: a console script of the
    builder's pip starts from it, unless the stage still copies a /usr/local/bin the builder writes by other means."""
    from migrator.plan.ecosystems.python_scripts import venv_start_commands

    findings: list[Finding] = []
    for instruction, raw, code, message in venv_start_commands(read_facts(stage), read_facts(builder)):
        if instruction in stage.items:  # (the stage's own: a parent stage's are its own to change)
            if raw != instruction.raw:
                stage.items[stage.items.index(instruction)] = parse_instruction(raw, instruction.line,
                                                                                instruction.escape)
            findings.append(finding(code, instruction.line, message))
    return findings


def _copy_scripts_from_the_venv(stage: Stage, builder: Stage) -> list[Finding]:
    """`COPY --from=builder /usr/local/bin/gunicorn /usr/local/bin/gunicorn`: the builder's pip wrote it there and
    now writes it into the venv, so the COPY takes it from there (its `#!` names the venv's python, which the
    stage copies to the same path: the script runs from where the original put it)."""
    from migrator.plan.ecosystems.python_scripts import venv_script_source

    findings: list[Finding] = []
    facts = read_facts(builder)
    for item in list(stage.items):
        if not isinstance(item, Instruction) or item.keyword != "COPY" or not item.flags.get("from"):
            continue
        if item.flags["from"].lower() != (builder.name or "").lower():
            continue
        raw = item.raw
        words = item.json_args() or item.body.split()
        moved = [(w, venv_script_source(facts, w)) for w in words[:-1]]
        for word, source in moved:
            if source is not None:
                raw = raw.replace(f"{word} " if not item.json_args() else f'"{word}"',
                                  f"{source} " if not item.json_args() else f'"{source}"', 1)
        if raw == item.raw:
            continue
        stage.items[stage.items.index(item)] = parse_instruction(raw, item.line, item.escape)
        findings.append(finding("MIG515", item.line, ", ".join(w for w, s in moved if s) + " is a console script "
                                f"that '{builder.label}''s pip wrote to /usr/local/bin; it now installs into the "
                                f"virtualenv at {VENV}: copied from {VENV}/bin"))
    return findings


def _redirect_local_bin(stage: Stage, builder: Stage) -> bool:
    """`COPY --from=builder /usr/local/bin /usr/local/bin` (console scripts): they are in the venv now. Kept when
    the builder writes into /usr/local/bin by other means (tar -C, make install, cp): what it put there is needed."""
    from migrator.plan.ecosystems.python_scripts import LocalBinWriters

    if LocalBinWriters.of(read_facts(builder)).writes_any():
        return False
    for item in list(stage.items):
        if not isinstance(item, Instruction) or item.keyword != "COPY" or not item.flags.get("from"):
            continue
        words = item.json_args() or item.body.split()
        same = item.flags["from"].lower() == (builder.name or "").lower()
        if len(words) == 2 and _LOCAL_BIN.match(words[0]) and same:
            stage.items.remove(item)
            return True
    return False
