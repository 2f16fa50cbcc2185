"""The interpreter that starts the app is the virtualenv's, where the packages now are.

Only a virtualenv's own bin/python puts its site-packages on sys.path (it reads pyvenv.cfg beside it); VIRTUAL_ENV
and PATH change nothing for /usr/bin/python. Two patterns of the distroless/python3 world start the image's python:

    COPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
    ENV PYTHONPATH=/usr/local/lib/python3.11/site-packages
    CMD ["-m", "uvicorn", "app.main:app"]           (arguments to the image's ENTRYPOINT, its python)

    COPY --from=build /app/venv /app/venv
    ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages
    ENTRYPOINT ["python3", "-m", "uvicorn", "app.main:app"]

The migration installs the first into a virtualenv at /opt/venv (rewrite.python_layout), and builds the second with
Chainguard's python, of another version (lib/python3.14). Started by the image's python, neither finds its packages.
So the start command runs the virtualenv's python (MIG597), and a PYTHONPATH entry that names the old versioned
site-packages, which the virtualenv's python no longer needs, is dropped (MIG598).
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, argv_json, parse_instruction
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

_PYTHON = lazy_re(r"python(?:3(?:\.\d+)?)?")
_SYSTEM_DIRS = ("", "/usr/bin", "/usr/local/bin", "/bin")
_SITE_PACKAGES = lazy_re(r"(.*)/lib/python3(?:\.\d+)?/site-packages/?")
_PORTED_PREFIX = "/usr/local"  # Docker Hub python's prefix, whose site-packages python_layout moves to /opt/venv


def start_with_the_venv(plan: FilePlan, newline: str) -> list[Finding]:
    """Rewrite, in place, the final stage's start command to run the python of the virtualenv the stage copies,
    and drop the PYTHONPATH entries of the old interpreter's site-packages."""
    from migrator.rewrite.python_layout import VENV

    final = plan.final
    if not final.migrated or final.split:
        return []
    model = plan.rules.image_model(plan.inherited_image(final))
    if not model.known or not model.has_program("python3"):
        return []
    stage = final.stage
    venvs = _copied_venvs(plan, stage)
    if not venvs:
        return []
    ported = VENV in venvs and _copies_from_prefix(stage, VENV)
    path_dirs, python_path = _start_environment(stage)
    meant = [v for v in venvs if (v == VENV and ported) or f"{v}/bin" in path_dirs
             or any(_venv_of_entry(entry) == v for entry in python_path)]
    if not meant:
        return []
    venv = VENV if VENV in meant else meant[-1]
    findings, runs_in = _interpreter_of(plan, stage, venv, path_dirs, newline)
    if runs_in:
        old = {*venvs, *([_PORTED_PREFIX] if ported else [])}
        findings += _python_path_dropped(stage, old, venv)
    return findings


def _copied_venvs(plan: FilePlan, stage: Stage) -> list[str]:
    """Where the stage's `COPY --from=<stage> SRC DEST` put a virtualenv a migrated stage made (the whole of it, or
    a directory that holds it), in the order of the copies."""
    from migrator.plan.facts import absolute, read_facts

    found: list[str] = []
    workdir = "/"
    for item in stage.instructions:
        if item.keyword == "WORKDIR":
            workdir = absolute(item.body.strip(), workdir, {})
        source = item.flags.get("from") if item.keyword == "COPY" else None
        builder = plan.staged.stage_by_reference(source, before=stage.index) if source else None
        words = (item.json_args() or item.body.split()) if builder is not None else []
        if builder is None or len(words) != 2 or not plan.stages[builder.index].migrated:
            continue
        facts = read_facts(builder)
        copied = posixpath.normpath(absolute(words[0], facts.workdir, facts.env))
        destination = posixpath.normpath(absolute(words[1], workdir, {}))
        for made in _venvs_made(builder):
            if made == copied or made.startswith(copied.rstrip("/") + "/"):
                found.append(posixpath.normpath(destination + made[len(copied):]))
    return list(dict.fromkeys(found))


def _venvs_made(builder: Stage) -> list[str]:
    """The absolute paths of the virtualenvs the stage's chain makes (`python -m venv /venv`, `virtualenv venv`)."""
    from migrator.plan.facts import joined, read_facts
    from migrator.rewrite.interpreters import venv_target

    made = []
    for stage in builder.chain():
        facts = read_facts(stage)
        for command in facts.run_commands():
            target = venv_target(command.words)
            path = command.expand(target, facts.env) if target else None
            if path and "$" not in path:
                made.append(posixpath.normpath(joined(path, command.workdir)))
    return made


def _copies_from_prefix(stage: Stage, venv: str) -> bool:
    """Whether the stage copies `venv` in place of the builder's /usr/local site-packages (python_layout made it)."""
    return any(item.keyword == "COPY" and item.flags.get("from") and (item.json_args() or item.body.split()) == [
        venv, venv] for item in stage.instructions)


def _start_environment(stage: Stage) -> tuple[list[str], list[str]]:
    """The PATH directories and PYTHONPATH entries the stage's chain sets (absolute ones)."""
    from migrator.plan.facts import chain_facts

    facts = chain_facts(stage.chain())
    env = facts.env if facts is not None else {}
    path = [d.rstrip("/") for d in (env.get("PATH") or "").split(":") if d.startswith("/")]
    python_path = [p for p in (env.get("PYTHONPATH") or "").split(":") if p.startswith("/")]
    return path, python_path


def _venv_of_entry(entry: str) -> str | None:
    match = _SITE_PACKAGES.fullmatch(entry)
    return posixpath.normpath(match.group(1)) if match else None


def _interpreter_of(plan: FilePlan, stage: Stage, venv: str, path_dirs: list[str], newline: str
                    ) -> tuple[list[Finding], bool]:
    """(findings, whether the start runs in the virtualenv now): the python that starts the app made the
    virtualenv's, in the stage's ENTRYPOINT or CMD, or an ENTRYPOINT added for a CMD of arguments to the image's
    python."""
    from migrator.plan.startcommand import unwrap

    items = stage.instructions
    entrypoint = next((i for i in reversed(items) if i.keyword == "ENTRYPOINT"), None)
    cmd = next((i for i in reversed(items) if i.keyword == "CMD"), None)
    python = f"{venv}/bin/python"
    if entrypoint is None and cmd is not None and cmd.json_args() and _original_entrypoint_is_python(plan):
        added = parse_instruction(f"ENTRYPOINT {argv_json([python])}{newline}", cmd.line, cmd.escape)
        stage.items.insert(stage.items.index(cmd), added)
        return [finding("MIG597", cmd.line, f"ENTRYPOINT {argv_json([python])} added: the CMD is arguments to the "
                        f"image's python, which does not read the virtualenv at {venv}; its own python does")], True
    for instruction in (entrypoint, cmd):
        if instruction is None:
            continue
        argv = instruction.json_args()
        if argv is None:  # (a shell form runs its own command line, the CMD of an ENTRYPOINT's is not read)
            return _shell_form_interpreter(stage, instruction, venv, path_dirs)
        at = unwrap(argv).program_index
        if at >= len(argv):
            continue  # (an ENTRYPOINT of wrappers only: the CMD has the program)
        program = argv[at]
        directory, name = posixpath.split(program)
        if directory.rstrip("/") == f"{venv}/bin" or (not directory and f"{venv}/bin" in path_dirs):
            return [], True  # (the virtualenv's python or a console script of it)
        if not _PYTHON.fullmatch(name) or directory not in _SYSTEM_DIRS:
            return [], False
        renamed = f"{venv}/bin/{'python3' if '.' in name else name}"
        written = [*argv[:at], renamed, *argv[at + 1:]]
        raw = _with_argv(instruction, written, newline)
        stage.items[stage.items.index(instruction)] = parse_instruction(raw, instruction.line, instruction.escape)
        return [finding("MIG597", instruction.line, f"`{program}` started as `{renamed}`: the image's python does "
                        f"not read the virtualenv at {venv}, which holds the packages; its own python does: "
                        f"{argv_json(written)}")], True
    return [], False


# the program a shell-form CMD or ENTRYPOINT starts first (after `exec`)
_SHELL_PROGRAM = lazy_re(r"^[ \t]*(?:CMD|ENTRYPOINT)[ \t]+(?:exec[ \t]+)?([^\s;&|<>()$`'\"\\]+)(?=[ \t\r\n])",
                         re.IGNORECASE)


def _shell_form_interpreter(stage: Stage, instruction: Instruction, venv: str, path_dirs: list[str]
                            ) -> tuple[list[Finding], bool]:
    """As _interpreter_of, for a shell-form command line whose first program is a python (`CMD python3 -m uvicorn
    app:app`): that word made the virtualenv's, the rest as written."""
    match = _SHELL_PROGRAM.match(instruction.raw)
    if match is None:
        return [], False
    program = match.group(1)
    directory, name = posixpath.split(program)
    if directory.rstrip("/") == f"{venv}/bin" or (not directory and f"{venv}/bin" in path_dirs):
        return [], True
    if not _PYTHON.fullmatch(name) or directory not in _SYSTEM_DIRS:
        return [], False
    renamed = f"{venv}/bin/{'python3' if '.' in name else name}"
    raw = instruction.raw[:match.start(1)] + renamed + instruction.raw[match.end(1):]
    stage.items[stage.items.index(instruction)] = parse_instruction(raw, instruction.line, instruction.escape)
    return [finding("MIG597", instruction.line, f"`{program}` started as `{renamed}`: the image's python does not "
                    f"read the virtualenv at {venv}, which holds the packages; its own python does")], True


def _original_entrypoint_is_python(plan: FilePlan) -> bool:
    """The ORIGINAL final image's ENTRYPOINT is a python (distroless/python3's), so its CMD was arguments to it."""
    root = plan.root_of(plan.final)
    ref = root.stage.ref
    if ref is None or root.stage.parent is not None:
        return False
    upstream = plan.rules.upstream_defaults(ref.short_name, ref.tag)
    entrypoint = upstream.entrypoint if not upstream.entrypoint_passes_commands else ()
    return bool(entrypoint) and _PYTHON.fullmatch(posixpath.basename(entrypoint[0])) is not None


def _with_argv(instruction: Instruction, argv: list[str], newline: str) -> str:
    """The instruction's text with its exec form `argv` (its flags and line ending kept)."""
    raw = instruction.raw
    ending = raw[len(raw.rstrip("\r\n")):] or newline
    head = raw[:raw.index("[")]
    return f"{head}{argv_json(argv)}{ending}"


def _python_path_dropped(stage: Stage, old: set[str], venv: str) -> list[Finding]:
    """`ENV PYTHONPATH=/app/venv/lib/python3.11/site-packages`: the entries of a site-packages under `old` (the
    copied virtualenvs, the ported /usr/local) dropped, the ENV with them when nothing else is left."""
    findings: list[Finding] = []
    for item in list(stage.instructions):
        if item.keyword != "ENV" or "PYTHONPATH" not in item.body:
            continue
        raw, dropped = _without_entries(item.raw, old)
        if not dropped:
            continue
        if raw is None:
            stage.items.remove(item)
        else:
            stage.items[stage.items.index(item)] = parse_instruction(raw, item.line, item.escape)
        findings.append(finding("MIG598", item.line, f"PYTHONPATH entry {', '.join(dropped)} dropped: it names "
                                "where the source image's python kept the packages; they are in the virtualenv, "
                                "made by Chainguard's python, and the start runs its python, which reads its own "
                                f"({venv}/lib/python3.X/site-packages)"))
    return findings


# `PYTHONPATH=value`, `PYTHONPATH="value"` in an ENV line, or the legacy `ENV PYTHONPATH value`
_ASSIGNMENT = lazy_re(r"(?<![\w${-])PYTHONPATH(=|\s+)(\"[^\"\n]*\"|'[^'\n]*'|[^\s\\]+)")


def _without_entries(raw: str, old: set[str]) -> tuple[str | None, list[str]]:
    """The ENV line without the PYTHONPATH entries under `old` (None: nothing is left of the line) and the entries
    dropped."""
    match = _ASSIGNMENT.search(raw)
    if match is None:
        return raw, []
    value = match.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    entries = value.strip(quote).split(":")
    dropped = [e for e in entries if _venv_of_entry(e) in old]
    if not dropped:
        return raw, []
    kept = [e for e in entries if e not in dropped]
    if kept:
        return raw[:match.start(2)] + quote + ":".join(kept) + quote + raw[match.end(2):], dropped
    before = raw[:match.start()]
    after = raw[match.end():]
    if before.rstrip(" \t").upper().endswith("ENV"):
        after = after.lstrip(" \t")  # (the first variable: the spaces after it go)
    else:
        before = before.rstrip(" \t")
    rest = (before + after).rstrip(" \t\r\n\\")
    if match.group(1) != "=" or not re.sub(r"(?i)^\s*ENV\b", "", rest).strip(" \t\r\n\\"):
        return None, dropped  # (the legacy form holds one variable)
    return rest + raw[len(raw.rstrip("\r\n")):], dropped
