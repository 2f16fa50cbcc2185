"""Python: dependencies go into a virtualenv in the builder; the runtime gets the venv and the app.

Chainguard's python runtime has no pip and no shell, and its interpreter sits at the same path as
in the -dev image, so a venv built in the builder works unchanged when copied to the same path.
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.ecosystems.base import (
    BuilderEdit,
    BuilderInsert,
    Copy,
    EcosystemContext,
    RuntimePlan,
    installed_as_root,
    option_value,
    user_in_force,
)
from migrator.plan.ecosystems.beside import made_beside_the_app, resolve_where_run
from migrator.plan.facts import Command, StageFacts
from migrator.regex import lazy as lazy_re

VENV = "/opt/venv"
_INSTALLERS = ("pip", "pip3", "poetry", "pipenv", "uv", "pdm")


def _is_pip(command: Command) -> bool:
    words = command.words
    name = posixpath.basename(words[0])
    if name.startswith("pip"):
        return len(words) > 1 and words[1] == "install"
    if name.startswith("python") and words[1:3] == ("-m", "pip"):
        return len(words) > 3 and words[3] == "install"
    return False


def is_pip_install(command: Command) -> bool:
    return _is_pip(command)


def pip_install_tree(command: Command, facts: StageFacts) -> str | None:
    """The tree a `pip install --prefix=P` / `--target=T` writes (its programs go to P/bin, T/bin); None for
    another command, or a pip install into the active environment."""
    tree = option_value(command.words, "--prefix", "--target", "-t") if _is_pip(command) else None
    return facts.resolve(tree) if tree else None


def pip_prefixes(facts: StageFacts) -> list[str]:
    """The trees `pip install --prefix=P` of the stage writes (P/bin, P/lib/python3.X/site-packages)."""
    found = [option_value(c.words, "--prefix") for c in facts.commands if _is_pip(c)]
    return [facts.resolve(prefix) for prefix in found if prefix]


def installs_dependencies(command: Command) -> bool:
    name = posixpath.basename(command.words[0])
    if _is_pip(command):
        return True
    if name == "uv" and len(command.words) > 2 and command.words[1:3] in (("pip", "install"), ("pip", "sync")):
        return True
    if name == "uv" and command.words[1:2] == ("sync",):
        return True
    return name in ("poetry", "pipenv", "pdm") and len(command.words) > 1 and command.words[1] in (
        "install", "sync",
    )


def _existing_venv(context: EcosystemContext) -> str | None:
    for command in context.facts.run_commands():
        words = command.words
        name = posixpath.basename(words[0])
        target = None
        if name.startswith("python") and words[1:3] == ("-m", "venv"):
            target = next((w for w in words[3:] if not w.startswith("-")), None)
        elif name == "virtualenv":
            target = next((w for w in words[1:] if not w.startswith("-")), None)
        elif name == "uv" and words[1:2] == ("venv",):
            target = next((w for w in words[2:] if not w.startswith("-")), ".venv")
        elif name == "uv" and words[1:2] == ("sync",):
            # `uv sync` makes the project's environment: .venv next to pyproject.toml (the working directory)
            target = context.facts.env.get("UV_PROJECT_ENVIRONMENT") or ".venv"
        if target:
            return resolve_where_run(command, context, target)  # (`cd /srv && python -m venv .venv`)
    return None


def _never_made(venv: str, context: EcosystemContext) -> bool:
    """A VIRTUAL_ENV the stage only declares (`ENV VIRTUAL_ENV=/opt/venv`): no step makes it (python -m venv,
    virtualenv, uv), copies into it or names it in a RUN. The original's pip then installed into its image's
    Python; the runtime copies the virtualenv, so it must exist."""
    if _existing_venv(context) is not None or not venv.startswith("/") or "$" in venv:
        return False
    if any(d == venv or d.startswith(venv.rstrip("/") + "/") for d in context.facts.copy_destinations):
        return False
    return not any(c.resolve(w, context.facts.env) == venv for c in context.facts.commands for w in c.words[1:])


def _make_declared_venv(venv: str, first: Command, context: EcosystemContext, plan: RuntimePlan) -> None:
    user = user_in_force(context.facts.stage, first.instruction.line)
    plan.builder_inserts.append(BuilderInsert(first.instruction.line, f"RUN python -m venv {venv}", made=venv))
    plan.note("MIG515", first.line, f"Python dependencies install into the virtualenv VIRTUAL_ENV names, {venv}, which "
              "no step of the stage made (the original's pip installed into its image's Python): it is made with "
              "`python -m venv` before the install"
              + (f", as root (only root may write there) and given to {user}, who runs the install" if user else ""))


def _point_start_at_venv(context: EcosystemContext, plan: RuntimePlan) -> None:
    from migrator.plan.ecosystems.python_scripts import venv_start_commands

    for instruction, raw, code, message in venv_start_commands(context.facts):
        if raw != instruction.raw:
            plan.builder_edits.append(BuilderEdit(instruction.line, instruction.raw, raw))
        plan.note(code, instruction.line, message)


def _targets_beside_the_app(context: EcosystemContext, installs: list[Command], venv: str) -> list[Copy]:
    """`COPY requirements.txt app.py /srv/` + `RUN cd /srv && pip install -t deps -r requirements.txt` +
    `ENV PYTHONPATH=/srv/deps`: the packages are in /srv/deps, beside the files the runtime copies one by one. A
    tree the runtime's Python never reads (`pip install -t /wheels` for a later `pip install /wheels/*` into the
    virtualenv) stays in the builder."""
    made: list[tuple[str | None, str]] = []
    for command in installs:
        target = option_value(command.words, "--target", "-t") if _is_pip(command) else None
        path = resolve_where_run(command, context, target) if target else None
        if path is not None and path != "/" and _read_by_the_runtime(posixpath.normpath(path), context, venv):
            made.append((posixpath.dirname(path.rstrip("/")), posixpath.basename(path.rstrip("/"))))
    return made_beside_the_app(context, made)


def _read_by_the_runtime(tree: str, context: EcosystemContext, venv: str) -> bool:
    """The runtime's Python reads a `--target` tree: the start reads it (PYTHONPATH, PATH, a file it names), it is
    on the start's sys.path (where it runs or where its script is: sys.path[0]; a relative PYTHONPATH entry read
    from there), or it is in the virtualenv."""
    from migrator.plan.writable import inside

    return (_read_at_start(tree, "--target", context) or tree in _start_sys_path(context)
            or inside(tree, posixpath.normpath(venv)))


def _start_sys_path(context: EcosystemContext) -> set[str]:
    """The directories the final stage's start puts on sys.path beside PYTHONPATH's absolute entries: the directory
    it runs in (`python -m app`), the directory of each script it names (`python /srv/app.py`) and the relative
    PYTHONPATH entries, read from where it runs."""
    from migrator.plan.facts import joined
    from migrator.plan.startcommand import effective_command

    workdir = context.facts.workdir
    chain = context.facts.stage.chain()
    argv = effective_command([s.instructions for s in chain], (), ()).argv
    scripts = [posixpath.dirname(joined(w, workdir)) for w in argv if w.endswith(".py") and "$" not in w]
    relative = [joined(p, workdir) for p in (context.facts.env.get("PYTHONPATH") or "").split(":")
                if p and not p.startswith("/") and "$" not in p]
    return {posixpath.normpath(d) for d in (workdir, *scripts, *relative)}


# where Docker Hub's python reads packages (its own site-packages): an install there is the venv's install now
_SYSTEM_PREFIXES = ("/usr/local", "/usr")
_SYSTEM_SITE = lazy_re(r"^/usr(?:/local)?/lib/python3(?:\.\d+)?/(?:site|dist)-packages$")
_TREE_OPTION = r"[ \t]+{option}(?:=|[ \t]+)['\"]?{value}['\"]?(?=[ \t;&|)]|\\?\r?\n|$)"


def _carried_tree(command: Command, context: EcosystemContext, plan: RuntimePlan) -> bool:
    """`pip install --target=DIR` / `--prefix=DIR` in the stage the runtime is split from: pip writes DIR, not
    the virtualenv the runtime copies. Into Docker Hub's own site (`--prefix=/usr/local`) the install goes to the
    virtualenv (the option is dropped); a tree the start reads through PYTHONPATH or PATH (or names) is copied to
    the runtime at its path. False when neither: the warning that says where the packages went stays."""
    option, value = next(((o, v) for o in ("--target", "-t", "--prefix")
                          if (v := option_value(command.words, o)) is not None), ("", None))
    path = resolve_where_run(command, context, value) if value else None
    if not path or "$" in path or not path.startswith("/"):
        return False
    path = posixpath.normpath(path)
    if (option == "--prefix" and path in _SYSTEM_PREFIXES) or (option != "--prefix" and _SYSTEM_SITE.match(path)):
        flag = re.search(_TREE_OPTION.format(option=re.escape(option), value=re.escape(value or "")),
                         command.instruction.raw)
        if flag is None:
            return False
        plan.builder_edits.append(BuilderEdit(command.instruction.line, flag.group(0), ""))
        installer = "uv pip install" if command.words[0] == "uv" else "pip install"
        plan.note("MIG516", command.line, f"`{flag.group(0).strip()}` removed from `{installer}`: {path} is "
                  "where Docker Hub's python reads its packages, and Chainguard's does not; without it pip installs "
                  "into the virtualenv, which the runtime copies")
        return True
    if not _read_at_start(path, option, context):
        return False
    plan.copies.append(Copy(path, path, root_owned=installed_as_root(context.facts, command.instruction.line)))
    plan.note("MIG516", command.line, f"packages are installed under {path}, not in the virtualenv: the runtime "
              f"copies {path} too, where the start reads it (keep PYTHONPATH naming "
              + ("it" if option != "--prefix" else "its lib/python3.X/site-packages, for the image's python")
              + ")")
    return True


def _moved_to_local(installs: list[Command], context: EcosystemContext) -> list[Command]:
    """The installs left for the virtualenv without those whose `--prefix` tree a RUN of the stage moved into
    Docker Hub's prefix (`pip install --prefix=/install` + `cp -a /install/. /usr/local/`): the runtime copies that
    /usr/local to /usr, where Chainguard's python reads site-packages (rewrite.relocate); a virtualenv would stay
    empty, and its python would not see those packages."""
    from migrator.plan.copy_commands import moved_into

    moved = moved_into(context.facts, "/usr/local")
    if moved is None:
        return installs
    return [c for c in installs if not _is_pip(c) or (prefix := option_value(c.words, "--prefix")) is None
            or resolve_where_run(c, context, prefix) != moved[0]]


def _read_at_start(tree: str, option: str, context: EcosystemContext) -> bool:
    """The start reads `tree`: PYTHONPATH names it (or, for a --prefix, a directory in it), PATH names its bin/, or
    a start command names a file in it."""
    from migrator.plan.writable import inside

    env = context.facts.env
    python_path = [p for p in (env.get("PYTHONPATH") or "").split(":") if p.startswith("/")]
    if any(inside(p.rstrip("/"), tree) if option == "--prefix" else p.rstrip("/") == tree for p in python_path):
        return True
    if f"{tree}/bin" in (env.get("PATH") or "").split(":"):
        return True
    starts = [i for i in context.facts.stage.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
    return any(re.search(rf"(?<![\w./-]){re.escape(tree)}/", i.raw) for i in starts)


class Python:
    name = "python"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        installs = [c for c in context.facts.run_commands() if installs_dependencies(c)]
        if not context.single_stage:
            installs = _moved_to_local(installs, context)
        if not installs:
            return plan
        venv = _existing_venv(context) or context.facts.env.get("VIRTUAL_ENV")
        if venv is not None and _never_made(venv, context):
            _make_declared_venv(venv, installs[0], context, plan)
        if venv is None:
            venv = VENV
            first = installs[0]
            plan.builder_inserts.append(BuilderInsert(
                first.instruction.line,
                f"RUN python -m venv {VENV}\nENV VIRTUAL_ENV={VENV} PATH=\"{VENV}/bin:$PATH\"",
                made=VENV,
            ))
            user = user_in_force(context.facts.stage, first.instruction.line)
            plan.note("MIG515", first.line, f"Python dependencies now install into a virtualenv at {VENV}, "
                      + ("kept apart from the Python apk installs (pip will not install into a system Python)"
                         if context.single_stage
                         else "which the runtime stage copies (the runtime image has no pip)")
                      + (f"; made as root (only root may write to /opt) and given to {user}, who runs the install"
                         if user else ""))
            _point_start_at_venv(context, plan)
        root_owned = installed_as_root(context.facts, installs[0].instruction.line)
        plan.copies.append(Copy(venv, venv, root_owned=root_owned))
        if context.facts.env.get("VIRTUAL_ENV") != venv:
            plan.env.append(f"VIRTUAL_ENV={venv}")
        if f"{venv}/bin" not in (context.facts.env.get("PATH") or "").split(":"):
            plan.env.append(f'PATH="{venv}/bin:$PATH"')
        for command in installs:
            self._check_install_flags(command, context, plan)
        plan.copies += _targets_beside_the_app(context, installs, venv)
        return plan

    def _check_install_flags(self, command: Command, context: EcosystemContext, plan: RuntimePlan) -> None:
        words = command.words
        if "--user" in words and _is_pip(command):
            match = re.search(r"[ \t]+--user\b", command.instruction.raw)
            if match:
                plan.builder_edits.append(BuilderEdit(command.instruction.line, match.group(0), ""))
            plan.note("MIG516", command.line, "`--user` removed from `pip install`: pip refuses it inside "
                      "the virtualenv, which already keeps packages out of the system")
        pip_like = _is_pip(command) or command.words[:3] == ("uv", "pip", "install")
        carried = pip_like and not context.single_stage and _carried_tree(command, context, plan)
        prefix = option_value(words, "--prefix", "--target", "-t")
        if prefix and not carried:
            plan.note("MIG516", command.line, f"packages are installed under {prefix}: the Chainguard "
                      f"python image looks in /usr/lib/python3.X, so set PYTHONPATH or install into the venv")
        if "--system" in words:
            match = re.search(r"[ \t]+--system\b", command.instruction.raw)
            if match and words[:2] == ("uv", "pip"):
                plan.builder_edits.append(BuilderEdit(command.instruction.line, match.group(0), ""))
                plan.note("MIG516", command.line, "`--system` removed from `uv pip install`: it installs outside "
                          "the virtualenv that the runtime copies; without it uv installs into $VIRTUAL_ENV")
            else:
                plan.note("MIG516", command.line, "`--system` installs outside the virtualenv that the runtime "
                          "copies: drop it")


    def adjust_copy(self, source: StageFacts, source_path: str, destination: str,
                    homes: tuple[str, ...] = ("/root",)) -> tuple[str, str] | None:
        """`pip install --prefix=/install` + `COPY --from=b /install /usr/local`: Chainguard's python
        looks in /usr/lib/python3.X/site-packages, not /usr/local, so the tree goes under /usr. A `pip install
        --user` tree copied to ~/.local of one of `homes` (/root, the home of the user the runtime replaces by
        its nonroot one) goes to the nonroot user's ~/.local: Python's user site is $HOME/.local, and the
        runtime's HOME is /home/nonroot."""
        target = destination.rstrip("/")
        moved = target in {posixpath.join(home, ".local") for home in homes} and target != _NONROOT_USER_BASE
        if moved and any("--user" in c.words for c in source.commands):
            return _NONROOT_USER_BASE, (f"`pip install --user` output copied to the home of the runtime's nonroot "
                                        f"user, where Python looks for user packages (HOME=/home/nonroot; PATH "
                                        f"entries for {target}/bin follow it)")
        if destination.rstrip("/") != "/usr/local":
            return None
        for command in source.commands:
            prefix = option_value(command.words, "--prefix") if _is_pip(command) else None
            if prefix and source.resolve(prefix) == source_path.rstrip("/"):
                return "/usr", (f"{source_path} holds `pip install --prefix` output: copied to /usr, where the "
                                "Chainguard python finds site-packages (it does not look under /usr/local)")
        return None


_NONROOT_USER_BASE = "/home/nonroot/.local"  # (uid 65532's home on every Chainguard image)

ECOSYSTEM = Python()
