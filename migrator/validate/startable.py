"""Can the final stage start its command on the image it is built on? Checked on every migration.

    report, problems = check_start(doc, rules, registry)

The migrated Dockerfile is read as the engine will build it: the final stage's image (followed
through `FROM <stage>` chains) is looked up in the image model (rules/chainguard-images.yaml), its
ENTRYPOINT and CMD are composed with the stages' own, wrappers (tini, dumb-init, gosu) are seen
through, and the program is looked for on the stage's PATH (or at its path, under WORKDIR): in the
image, or in what COPY/ADD put into the stage. A shell script needs a shell. Every `COPY --from`
of a path only Docker Hub's images have is caught too, unless the Dockerfile creates it.

The report's status is `ok`, `shell-kept` (it starts, through a shell the image keeps for it),
`single-stage` (a stage on wolfi-base that keeps its shell and apk), `unverified` (the image is not
in the model) or `broken`; problems are (code, output line, message) for the caller to report.
"""

from __future__ import annotations

import posixpath
import re

from migrator.parse.dockerfile import Dockerfile
from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import absolute
from migrator.plan.images import BASE_IMAGES
from migrator.plan.stages import Stage, StagedFile, split_stages
from migrator.plan.startcommand import (
    effective_command,
    inner_program,
    interactive_shell,
    interpreter_script,
    is_shell,
    is_shell_c,
    looks_like_script,
    program_as_argument,
    unwrap,
)
from migrator.records import dataclass, replace
from migrator.regex import glob_root
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage, RuleSet
from migrator.validate.musl_binaries import musl_copies, musl_loader, musl_message
from migrator.validate.program_configs import ConfigCommand, config_command
from migrator.validate.stage_files import (
    INSTALLERS,
    Context,
    Located,
    file_kind,
    in_context_tree,
    inside,
    installed_by_package,
    locate,
    located_origin,
    mentions,
)
from migrator.validate.stage_view import StageView, placed_by
from migrator.validate.start_reasons import (
    missing_reason,
    shell_kept_reason,
    short_image,
    unknown_file,
    where_found,
    without_a_shell,
)
from migrator.validate.start_script import (
    GUARDED,
    LOOKED_UP,
    WAITS,
    execs_its_arguments,
    script_arguments,
    shebang_errexit,
    start_script_text,
    start_steps,
    started_paths,
)


@dataclass(frozen=True)
class RuntimeReport:
    image: str
    argv: tuple[str, ...]
    status: str  # ok | shell-kept | single-stage | unverified | broken
    reason: str
    program: str | None = None  # the program after wrappers
    need: str | None = None  # why broken: "missing" | "shell" | "no-command" | "arguments" | "build"
    inner: str | None = None  # the program a `sh -c "exec prog ..."` starts

    def to_dict(self) -> dict[str, object]:
        return {"image": self.image, "argv": list(self.argv), "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class Problem:
    code: str
    line: int  # line in the checked (migrated) text
    message: str


def check_start(doc: Dockerfile, rules: RuleSet, registry: str, original_has_command: bool = True,
                source_shell: str | None = None, files: BuildContext | None = None,
                sources: dict[str, tuple[str, str]] | None = None, sh_is_bash: str | None = None,
                targets: tuple[str, ...] = ()) -> tuple[RuntimeReport | None, list[Problem]]:
    """`source_shell`: the shell the ORIGINAL final stage's image shipped (bash | sh | none; None: unknown).
    A start script this tool cannot read needs bash when its image had bash. `files`: the build context on
    disk, whose files say what they are (a binary, a bash or sh script). `sources`: stage name -> (repository,
    family) of the original stage's image, whose Docker Hub paths are its own (none: every such path counts).
    `sh_is_bash`: the original final stage made /bin/sh bash (plan.scripts.sh_made_bash): its `#!/bin/sh` scripts
    need bash as /bin/sh. `targets`: the names of the stages before the last that are images of their own
    (`docker build --target NAME`, MIG557): each is judged as the final stage is, and one that cannot start is
    said (W MIG557)."""
    staged = split_stages(doc)
    if not staged.stages:
        return None, []
    context = Context(staged, rules, registry, source_shell, files or BuildContext(None), sources or {},
                      sh_is_bash=sh_is_bash)
    problems = _copy_source_problems(context) + [Problem("MIG319", *found) for found in musl_copies(context)]
    problems += _target_problems(context, targets)
    final = staged.stages[-1]
    view = context.view(final)
    if view.model is None:
        return None, problems
    report = _judge(view, context, original_has_command)
    needed_lines = {i.line for stage in _needed_stages(staged, final) for i in stage.instructions}
    build_fails = [p for p in problems if p.code == "MIG543" and p.line in needed_lines]
    pinned = _python_pin_problems(context)
    problems += pinned
    build_fails += pinned  # (the build fails, or the runtime's virtualenv links to a python it lacks)
    if build_fails and report.status != "broken":
        # the stage cannot even be built: the COPY's error finding already says why; what keeps a shell is
        # still said (it starts, once the build does)
        if report.status in ("shell-kept", "single-stage"):
            code = "MIG541" if report.status == "shell-kept" else "MIG542"
            problems.append(Problem(code, _command_line(view, report) if code == "MIG541" else final.from_item.line,
                                    report.reason))
        return RuntimeReport(report.image, report.argv, "broken", build_fails[0].message,
                             program=report.program, need="build"), problems
    line = _command_line(view, report)
    if report.status != "broken" and (yarn := _classic_yarn_reason(view, context, report.program)) is not None:
        problems.append(Problem("MIG237", line, yarn))
        return RuntimeReport(report.image, report.argv, "broken", yarn, program=report.program,
                             need="package-manager"), problems
    problems += _missing_tools_at_start(view, context, report, line)
    problems += [Problem(*found) for found in _healthcheck_problems(view, context)]
    problems += [Problem("MIG584", edit_line, message) for (edit_line, _), message in context.unread_edits.items()]
    if report.status == "broken" and report.need != "musl":  # (musl: the COPY's MIG319 says why)
        problems.append(Problem(_broken_code(report), line, report.reason))
    elif report.need == "bash":
        problems.append(Problem("MIG549", line, report.reason))
    elif report.status == "shell-kept":
        problems.append(Problem("MIG541", line, report.reason))
    elif report.status == "single-stage":
        problems.append(Problem("MIG542", final.from_item.line, report.reason))
    elif report.status == "unverified":
        problems.append(Problem("MIG589" if report.need in ("unknown-name", "unread") else "MIG548", line,
                                report.reason))
    return report, problems


def _target_problems(context: Context, targets: tuple[str, ...]) -> list[Problem]:
    """W MIG557 for each stage that is an image of its own and cannot start its command (judged as the final
    stage is; a target's image keeps its shell and apk, so only what the judge calls broken is said)."""
    problems = []
    for stage in context.staged.stages[:-1]:
        if not stage.name or stage.name.lower() not in targets:
            continue
        view = context.view(stage)
        if view.model is None:
            continue
        report = _judge(view, context, True)
        if report.status == "broken":
            problems.append(Problem("MIG557", _command_line(view, report), f"stage '{stage.name}' (docker build "
                                    f"--target {stage.name}) cannot start its command: {report.reason}"))
    return problems


def _config_runs(configured: ConfigCommand) -> str:
    """What the started program's configuration runs through a shell (`uwsgi` reads uwsgi.ini's `hook-pre-app`)."""
    when = ("it stops at start when that fails" if configured.stops else
            "it goes on without what that starts when it fails")
    return (f"`{configured.program}` reads {configured.config}, whose `{configured.option}` runs a command through "
            f"/bin/sh -c ({when})")


def _config_fix(configured: ConfigCommand) -> str:
    return (f"run that step another way (a one-off job, the build, a process of its own) and drop it from "
            f"{posixpath.basename(configured.config)}")


def _python_pin_problems(context: Context) -> list[Problem]:
    """MIG221: a stage on Chainguard's python runs an installer whose project pins another Python; MIG433: one
    that installs a library release older than the first supporting that python."""
    from migrator.plan.python_libraries import library_problems
    from migrator.plan.python_pins import pin_problems

    problems = []
    for stage in context.staged.stages:
        view = context.view(stage)
        if view.model is None or not view.model.known:
            continue
        if view.model.has_program("python3"):
            problems += [Problem("MIG221", p.line, p.message) for p in pin_problems(stage, context.files, view.image)]
        # (also on wolfi-base, whose python comes from `apk add python-3`)
        problems += [Problem("MIG433", p.line, p.message) for p in library_problems(stage, context.files, view.image)]
    return problems


def _missing_tools_at_start(view: StageView, context: Context, report: RuntimeReport, line: int) -> list[Problem]:
    """A `sh -c` start command that runs a tool (rules/tools.yaml) the runtime lacks: `wget ... && java -jar`
    on jdk (Wolfi's busybox has no wget) fails with `not found` at every start (MIG563). Where the shell goes on
    to start the program all the same (`curl ... > .env; node server.js`, `curl ... || true`), only that step
    is lost (MIG564)."""
    from migrator.rewrite.tools import package_for, without_package

    rest = report.argv[unwrap(report.argv).program_index:]
    if report.status == "broken" or view.model is None or not view.model.known:
        return []
    read = _start_steps(view, context, rest)
    if read is None:
        return []
    steps, runs = read
    problems = []
    for name, skipped, how in steps:
        if view.model.has_program(name) or name == "bash":
            continue
        package = package_for(name)
        renamed = _renamed_here(view, context, name) if package is None else None
        if package is None and renamed is None and without_package(name) and locate(view, context, name) is None:
            problems.append(_without_package(name, skipped, runs, line))
            continue
        if (package is None and renamed is None) or (package is not None and (
                installed_by_package(name, view.packages, context.rules) or package in view.packages)) or (
                locate(view, context, name) is not None):
            continue
        verb = f"{runs[:-len('runs')]}needs" if how == LOOKED_UP else runs
        if renamed is not None:
            problems.append(_renamed_step(view, name, renamed, verb, skipped, how, line))
            continue
        lacks = f"{verb} `{name}`, which {short_image(view.image)} does not have (Wolfi package {package})"
        if skipped is None and how == WAITS:
            problems.append(Problem("MIG563", line, f"{lacks}: a loop waits for it to succeed, which it never does "
                                    "there, so the container hangs at start and the app never runs; install it "
                                    f"(`apk add {package}` on wolfi-base) or wait for the service another way"))
        elif skipped is None and how == LOOKED_UP:
            problems.append(Problem("MIG563", line, f"{lacks}: the script looks it up and exits when it is "
                                    f"missing, so the container exits at every start; install it (`apk add {package}` "
                                    "on wolfi-base) or drop the check and what needs it"))
        elif skipped is None:
            problems.append(Problem("MIG563", line, f"{lacks}: the container fails at start with `not found`; "
                                    f"install it (`apk add {package}` on wolfi-base) or do that step in the build"))
        elif skipped.startswith(GUARDED):
            problems.append(Problem("MIG564", line, f"{lacks}: that step is skipped at every start ({skipped}), so "
                                    f"the command goes on without it; install it (`apk add {package}` on "
                                    "wolfi-base) if the app needs that step, or drop it"))
        else:
            problems.append(Problem("MIG564", line, f"{lacks}: that step fails with `not found` at every start and "
                                    f"the command goes on without it ({skipped}); install it (`apk add {package}` "
                                    "on wolfi-base), do that step in the build, or drop it"))
    return problems


def _renamed_step(view: StageView, name: str, renamed: str, verb: str, skipped: str | None, how: str,
                  line: int) -> Problem:
    """MIG563/MIG564 for a step that runs a program by another distribution's name (`cron` for cronie's `crond`)."""
    lacks = (f"{verb} `{name}`, which {short_image(view.image)} does not have: Wolfi's package installs it as "
             f"`{renamed}` (rules/tools.yaml distro_names)")
    from migrator.rewrite.tools import distro_program

    distro = distro_program(name)
    options = ", ".join(f"`{old}` is `{new}`" for old, new in (distro.options if distro else ()) if old != new)
    fix = f"start `{renamed}` in the script instead (check its options{': ' + options if options else ''})"
    if skipped is None and how == WAITS:
        return Problem("MIG563", line, f"{lacks}: a loop waits for it to succeed, which it never does there, so the "
                       f"container hangs at start; {fix}")
    if skipped is None:
        return Problem("MIG563", line, f"{lacks}: the container fails at start with `not found`; {fix}")
    if skipped.startswith(GUARDED):
        return Problem("MIG564", line, f"{lacks}: that step is skipped at every start ({skipped}); {fix}")
    return Problem("MIG564", line, f"{lacks}: that step fails with `not found` at every start and the command goes "
                   f"on without it ({skipped}); {fix}")


def _renamed_here(view: StageView, context: Context, name: str) -> str | None:
    """The Wolfi name of a program a start script runs by another distribution's name (`cron`, cronie's `crond`;
    rules/tools.yaml distro_names) when the stage has the program by that name: the step is `not found` there."""
    from migrator.rewrite.tools import wolfi_name

    renamed = wolfi_name(name)
    if renamed is None or view.model is None:
        return None
    present = (view.model.has_program(renamed) or installed_by_package(renamed, view.packages, context.rules)
               or locate(view, context, renamed) is not None)
    return renamed if present else None


def _without_package(name: str, skipped: str | None, runs: str, line: int) -> Problem:
    """A step runs a command no Wolfi package provides (`service php8.1-fpm start`: Debian's init-script helper)."""
    lacks = f"{runs} `{name}`, which no Wolfi package provides (rules/tools.yaml)"
    if skipped is None:
        return Problem("MIG563", line, f"{lacks}: the container fails at start with `not found`; start what it "
                       "started directly (the daemon's own program, in the foreground or in the background)")
    return Problem("MIG564", line, f"{lacks}: that step fails with `not found` at every start and the command goes "
                   f"on without it ({skipped}); start what it started directly (the daemon's own program)")


def _classic_yarn_reason(view: StageView, context: Context, program: str | None) -> str | None:
    if posixpath.basename(program or "") != "yarn":
        return None  # (validate.corepack's question is yarn's only: few files start with it)
    from migrator.validate.corepack import classic_yarn_reason

    return classic_yarn_reason(view, context, program)


def _healthcheck_problems(view: StageView, context: Context) -> list[tuple[str, int, str]]:
    if not any(i.keyword == "HEALTHCHECK" for stage in view.chain for i in stage.instructions):
        return []  # (validate.healthcheck_tools reads a HEALTHCHECK's tools: few files have one)
    from migrator.validate.healthcheck_tools import healthcheck_problems

    return healthcheck_problems(view, context)


def _start_steps(view: StageView, context: Context, rest: tuple[str, ...]
                 ) -> tuple[list[tuple[str, str | None, str]], str] | None:
    """(start_steps, what runs them) of a `sh -c` start command or of the start script it runs; None when
    neither can be read."""
    if is_shell_c(rest):
        return start_steps(rest[2], params=rest[4:] or None), "the start command runs"
    if (script := start_script_text(view, context, rest)) is not None:
        steps = start_steps(script[1], shebang_errexit(script[1]), script_arguments(rest) or None)
        return steps, f"the start script `{script[0]}` runs"
    return None


def _runs_bash(view: StageView, context: Context, rest: tuple[str, ...]) -> str | None:
    """Why a shell start command or script needs bash though its own shell is sh: a step runs bash itself
    (`bash /app/migrate.sh`, `exec bash -c "source .env && ..."`), and the start fails where there is none."""
    read = _start_steps(view, context, rest)
    if read is None:
        return None
    steps, runs = read
    if any(name == "bash" and (skipped is None or not skipped.startswith(GUARDED)) for name, skipped, _ in steps):
        return f"{runs} bash"
    return None


def _run_through(image: str, argv: tuple[str, ...], model: ChainguardImage, tool: str) -> RuntimeReport:
    """No command of its own on an interpreter image: the command given when the container starts runs through
    the language's tool as a rule (`bundle exec puma`), or through a shell (`sh -c ...`); an image with neither
    cannot start it."""
    given = f"the app's command is given when the container starts (`{tool} exec ...`, `sh -c ...`)"
    if model.shell and model.has_program(tool):
        return RuntimeReport(image, argv, "shell-kept", f"no command of its own, like the original: {given}, and "
                             f"{short_image(image)} has the shell and the {tool} it needs; give the stage a CMD that "
                             "starts the program itself (the interpreter with the binstub's path) to run on the "
                             "image without them")
    lacks = " and ".join(([] if model.shell else ["no shell"]) + ([] if model.has_program(tool) else [f"no {tool}"]))
    return RuntimeReport(image, argv, "broken", f"no command of its own: {given}, and {short_image(image)} has {lacks} "
                         "to run it; give the stage a CMD that starts the program itself (the interpreter with the "
                         "binstub's path)", program=tool, need="run-through")


def _broken_code(report: RuntimeReport) -> str:
    if report.need == "bash":
        return "MIG549"
    if report.need == "shell" and report.program and is_shell(report.program):
        return "MIG505"  # `sh -c` on an image without a shell
    if report.need == "shell":
        return "MIG507"  # a shell script on an image without a shell
    return "MIG540"


def _copied_by_name(located: Located | None, program: str) -> bool:
    """A COPY or RUN of the stage put a file of the program's own name there (not an installed package's guess)."""
    if located is None or located.how == "image":
        return False
    return located.how == "created" or posixpath.basename(located.source or "") == posixpath.basename(program)


def _judge(view: StageView, context: Context, original_has_command: bool) -> RuntimeReport:
    from migrator.rewrite.tools import wolfi_name

    rules = context.rules
    model = view.model
    assert model is not None
    image = view.image
    instructions = [stage.instructions for stage in view.chain]
    effective = effective_command(instructions, model.entrypoint, model.cmd)
    argv = effective.argv
    if program_as_argument(effective, model.has_program):
        entrypoint, first = effective.entrypoint[0], effective.cmd[0]
        return RuntimeReport(image, argv, "broken", f"{short_image(image)}'s ENTRYPOINT is {entrypoint} and no "
                             f"stage sets one, so the CMD is its arguments: the container runs `{' '.join(argv)}`, "
                             f"and {posixpath.basename(entrypoint)} takes `{first}` as its first argument (an "
                             "interpreter, as the file to run), not as the program to start; add `ENTRYPOINT []` "
                             "(the CMD is then the whole command)", program=entrypoint, need="entrypoint")
    single = posixpath.basename(image.split(":")[0].split("@")[0]) in BASE_IMAGES and any(
        i.keyword == "RUN" for stage in view.chain for i in stage.instructions
    )
    if not argv and not model.known:
        return RuntimeReport(image, argv, "unverified", f"{short_image(image)} is not in the image model: its own "
                             "start command could not be checked")
    if not argv:
        if original_has_command:
            return RuntimeReport(image, argv, "broken", f"{short_image(image)} has no ENTRYPOINT or CMD and the stage "
                                 "sets none: the container has nothing to start", need="no-command")
        language = rules.language_of(posixpath.basename(model.entrypoint[0])) if model.entrypoint else None
        if language is not None and language.run_through is not None:
            return _run_through(image, argv, model, language.run_through)
        if language is not None:
            return RuntimeReport(image, argv, "ok", "no command of its own, like the original: the app's command is "
                                 f"given when the container starts, and runs in exec form on {short_image(image)}")
        return RuntimeReport(image, argv, "ok", "no command, like the original (an image of files)")
    unwrapped = unwrap(argv)
    for wrapper in argv[: unwrapped.program_index]:
        if wrapper in unwrapped.wrappers and not single and locate(view, context, wrapper) is None:
            return RuntimeReport(image, argv, "broken", f"`{wrapper}` (which starts the program) is not in "
                                 f"{short_image(image)} and no COPY puts it there", program=wrapper, need="missing")
    if unwrapped.program_index >= len(argv):
        return RuntimeReport(image, argv, "broken", "the command is only a wrapper, with no program to start",
                             need="no-command")
    program = argv[unwrapped.program_index]
    rest = argv[unwrapped.program_index:]
    inner = inner_program(rest[2]) if is_shell_c(rest) else None
    context.maybe.clear()
    context.unread.clear()
    located = locate(view, context, program)
    if located is None and posixpath.basename(program) == "bash" and model.shell:
        return RuntimeReport(image, argv, "broken", f"`{program}` is bash and {short_image(image)} has none "
                             "(busybox sh only)" + (": `apk add bash` in the stage" if single else ""), program=program,
                             need="bash", inner=inner)
    if located is None and is_shell(program):
        return RuntimeReport(image, argv, "broken", f"`{' '.join(rest[:3])}` runs a shell and {short_image(image)} has "
                             f"none: {without_a_shell(rest, view)}", program=program, need="shell", inner=inner)
    if located is None and single and (bash := _bash_for_a_copied_directory(program, view, context)):
        return RuntimeReport(image, argv, "single-stage", f"{bash}, and {short_image(image)} has none "
                             "(busybox sh only): `apk add bash` in the stage", program=program, need="bash")
    if (renamed := wolfi_name(posixpath.basename(program))) is not None and not _copied_by_name(located, program):
        return RuntimeReport(image, argv, "broken", f"`{program}` is what other distributions call it: Wolfi's package "
                             f"installs it as `{renamed}` (rules/tools.yaml distro_names), so the container cannot "
                             f"start `{program}`: start `{renamed}` (check its options)", program=program,
                             need="missing")
    if located is None and single:
        configured = config_command(rest, view, context)
        sources = [f"the packages the stage installs ({', '.join(dict.fromkeys(view.packages))})"] if view.packages \
            else []
        sources += ["what its RUN steps install (npm, pip, gem...)"] if INSTALLERS.search(view.runs) else []
        sources += ["a directory copied whole"]
        return RuntimeReport(image, argv, "single-stage", f"one stage on {short_image(image)}, shell and apk kept: "
                             f"`{program}` is not in {short_image(image)} and no COPY names it, so it must come from "
                             f"{', or '.join(sources)}: check that one of them provides it"
                             + (f"; {_config_runs(configured)}" if configured else ""), program=program)
    if located is None and context.maybe:
        return RuntimeReport(image, argv, "unverified", f"`{program}` may be one of the programs a build writes under "
                             f"names this file does not show ({_maybe_where(context.maybe)}): check that one is "
                             f"called {posixpath.basename(program)}", program=program, need="unknown-name")
    if located is None and context.unread:
        unread = ", ".join(f"`{s}`" for s in dict.fromkeys(context.unread))
        return RuntimeReport(image, argv, "unverified", f"`{program}` may be in what the build context's {unread} "
                             "puts on its PATH, which is not on disk to read: check that it holds a program "
                             f"called {posixpath.basename(program)}, or give --context so that the check reads it",
                             program=program, need="unread")
    if located is None:
        if not model.known:
            return RuntimeReport(image, argv, "unverified", f"{short_image(image)} is not in the image model: "
                                 f"`{program}` could not be checked", program=program)
        return RuntimeReport(image, argv, "broken", missing_reason(program, view, rules), program=program,
                             need="missing")
    origin, source, kind, named, unknown = _read_program(view, context, program, located)
    if origin == "context" and kind == "elf" and source and (loader := musl_loader(context.files, source)):
        return RuntimeReport(image, argv, "broken", musl_message(source, loader), program=program,
                             need="musl")
    needs_shell = is_shell(program) or named or unknown or kind in ("sh", "bash")
    configured = None if needs_shell else config_command(rest, view, context)
    if configured is not None and not model.shell:
        return RuntimeReport(image, argv, "broken", f"{_config_runs(configured)}, and {short_image(image)} has no "
                             f"shell: {_config_fix(configured)}", program=program, need="shell")
    needs_shell = needs_shell or configured is not None
    if needs_shell and not model.shell:
        what = f"`{program}` is a shell script" if not is_shell(program) else f"`{' '.join(rest[:3])}` runs a shell"
        if unknown:
            what = unknown_file(program)
        return RuntimeReport(image, argv, "broken", f"{what} and {short_image(image)} has no shell: port what it does "
                             "(ENV for settings, build-time steps in the builder) and start the program directly",
                             program=program, need="shell", inner=inner)
    misuse = (_misused(program, rest, located, view, context)
              or _interpreter_missing(program, located, view, context, origin, source)
              or _started_misused(rest, view, context))
    if misuse:
        need = "sdk" if misuse.startswith("`dotnet ") else "arguments"
        return RuntimeReport(image, argv, "broken", misuse, program=program, need=need)
    if not single and (lost := _script_missing(rest, view, context)):
        return RuntimeReport(image, argv, "broken", lost, program=program, need="script")
    if not single and needs_shell and (passed := _passed_program_missing(rest, view, context)) is not None:
        return RuntimeReport(image, argv, "broken", passed[1], program=passed[0], need="missing")
    if needs_shell and (gone := _source_paths_run(rest, view, context)) is not None:
        return RuntimeReport(image, argv, "broken", gone, program=program, need="source-path")
    # (a file written with unknown text counts as a script by its name only: `curl URL > /usr/local/bin/app`)
    bash = _needs_bash(program, (named or unknown) and origin == "context", context, kind, named and origin == "unread")
    if bash is None and inner and is_shell_c(rest):
        bash = _inner_needs_bash(view, context, inner)
    if bash is None and context.sh_is_bash and posixpath.basename(program) == "sh" and not is_shell_c(rest) \
            and rest[1:2] and not rest[1].startswith("-"):
        bash = f"`sh {rest[1]}` ran the script with bash: the original {_SH_WAS_BASH}: {context.sh_is_bash}"
    if bash is None and needs_shell:
        bash = _runs_bash(view, context, rest)
    has_bash = model.has_program("bash") or "bash" in view.packages
    why = shell_kept_reason(program, rest, view, unknown, bash is not None and has_bash)
    if configured is not None:
        why = (f"{_config_runs(configured)}, so {short_image(image)} keeps a shell (busybox sh); "
               f"{_config_fix(configured)} to use a distroless image")
    if bash and not has_bash:
        install = "`apk add bash` and `ln -sf /bin/bash /bin/sh`" if _SH_WAS_BASH in bash else "`apk add bash`"
        why = f"{bash}, and {short_image(image)} has none (busybox sh only)" + (
            f": {install} in the stage" if single else
            ": use a runtime that can install it (wolfi-base), or check that the script runs with sh")
        return RuntimeReport(image, argv, "single-stage" if single else "shell-kept", why, program=program,
                             need="bash")
    if bash and _SH_WAS_BASH in bash and _sh_not_bash(view):
        why = (f"{bash}, and {short_image(image)}'s /bin/sh is busybox sh: make it bash in the stage (`RUN ln -sf "
               "/bin/bash /bin/sh`), or start the script with bash")
        return RuntimeReport(image, argv, "single-stage" if single else "shell-kept", why, program=program,
                             need="bash")
    if single:
        if not needs_shell:
            why = f"`{program}` found ({where_found(located)})"
        if interactive_shell(rest):
            why = "a base image: its command is the image's shell, other images build on it"
        return RuntimeReport(image, argv, "single-stage", f"one stage on {short_image(image)}, shell and apk kept: "
                             + why, program=program)
    if needs_shell:
        return RuntimeReport(image, argv, "shell-kept", why, program=program)
    return RuntimeReport(image, argv, "ok", f"`{program}` found ({where_found(located)})", program=program)


_NODE_EXTENSIONS = ("", ".js", ".mjs", ".cjs", "/index.js")  # (`node dist/main` runs dist/main.js)


def _passed_program_missing(rest: tuple[str, ...], view: StageView, context: Context) -> tuple[str, str] | None:
    """(program, why) when the start script execs its arguments (`exec "$@"`) and the first of them, a program
    named without a path (`CMD ["pm2-runtime", ...]` under docker-entrypoint.sh), is nowhere in the runtime: the
    script starts, then the program it runs is not found. A file name (`server.js`, which node's script hands to
    node, or one in WORKDIR) or an option is left to the script, and so is a name the script itself reads."""
    script = start_script_text(view, context, rest)
    arguments = script_arguments(rest)
    if script is None or not arguments or not execs_its_arguments(script[1]):
        return None
    program = arguments[0]
    if not program or program.startswith("-") or "/" in program or "." in program or "$" in program:
        return None
    if re.search(rf"(?<![\w$-]){re.escape(program)}(?![\w-])", script[1]):
        return None  # (`case "$1" in web) exec gunicorn ...`: the script handles the name itself)
    context.maybe.clear()
    context.unread.clear()
    if locate(view, context, program) is not None or context.maybe or context.unread:
        return None
    beside = locate(view, context, f"./{program}")
    if beside is not None and located_origin(view, context, beside)[1] is not None:
        return None  # (a file of that name in WORKDIR: node's script hands it to node)
    return program, (f"`{script[0]}` ends with `exec \"$@\"`, so it runs the command it is given, `{program}`: "
                     + missing_reason(program, view, context.rules))


# the key of context.sources (stage names are lower case words) for the original final stage's image
FINAL_SOURCE = " final"


def _source_paths_run(rest: tuple[str, ...], view: StageView, context: Context) -> str | None:
    """Why the start script (or the script of the build context it execs with `exec "$@"`, `CMD ["./app"]`) cannot
    start: it runs a program by a path only the original image had (eclipse-temurin's `exec /__cacert_entrypoint.sh
    "$@"`, its JAVA_HOME's /opt/java/openjdk/bin/java; rules: dockerhub_paths of that image), which nothing puts in
    the stage. The script is the user's file, copied as it is: the message says what to change."""
    original = context.sources.get(FINAL_SOURCE)
    if original is None or view.model is None or not view.model.known:
        return None  # (which paths the original image had is not known: nothing is said)
    scripts = []
    if is_shell_c(rest):
        scripts.append((f"the start command `{rest[0]} -c`", rest[2], rest[4:]))
    elif (script := start_script_text(view, context, rest)) is not None:
        scripts.append((f"the start script `{script[0]}`", script[1], script_arguments(rest)))
        passed = script_arguments(rest)
        if passed and execs_its_arguments(script[1]) and (inner := start_script_text(view, context, passed)):
            scripts.append((f"the start script `{inner[0]}`", inner[1], passed[1:]))
    for who, text, params in scripts:
        for path, command in started_paths(text, shebang_errexit(text), params or None):
            why = _dockerhub_only(path, view, context.rules, original)
            if why is None:
                continue
            change = ("The script is copied as it is: change that line" if who.startswith("the start script") else
                      "Change the command")
            return (f"{who} runs {path} (`{command}`), and {why}: the container stops at start with `not found`. "
                    f"{change} ({_instead(path, context)})")
    return None


def _instead(path: str, context: Context) -> str:
    """What a start script runs instead of a source-image path: the Chainguard image's own file (`to`), or the
    program by its name, which the image's PATH finds (java: JAVA_HOME is /usr/lib/jvm/default-jvm)."""
    for pattern, moved in context.rules.dockerhub_moved.items():
        if glob_root(path, pattern) is not None:
            return f"use {moved}"
    name = posixpath.basename(path)
    if name.endswith(".sh") or "entrypoint" in name:
        return "the source image's entrypoint script ends by running its arguments: `exec \"$@\"` does that"
    name = re.sub(r"(?<=[a-z])[\d.]+$", "", name) or name  # (python3.12: the image serves another version)
    return f"start `{name}` by its name, found on the image's PATH, or use the path the message names"


def _script_missing(argv: tuple[str, ...], view: StageView, context: Context) -> str | None:
    """Why the interpreter the command starts finds no file of the app to run: `python /tmp/src/src/app.py` when
    nothing copies /tmp/src into the stage. The interpreter is there, the app is not ("can't open file")."""
    index = interpreter_script(argv)
    if index is None or view.model is None or not view.model.known:
        return None
    script = argv[index]
    path = posixpath.normpath(absolute(script, view.workdir, view.env))
    if "$" in path or path.startswith(_IMAGE_TREES) or path.rstrip("/") == view.workdir.rstrip("/"):
        return None
    if not _put_there_by_a_stage(path, context):
        return None  # (no stage makes it: a file given at run time, a bind mount of the sources, as the original)
    node = posixpath.basename(argv[0]) in ("node", "nodejs") and "." not in posixpath.basename(path)
    maybe, unread = len(context.maybe), len(context.unread)
    found = any(locate(view, context, path + end) is not None for end in (_NODE_EXTENSIONS if node else ("",)))
    unsure = len(context.maybe) > maybe or len(context.unread) > unread
    del context.maybe[maybe:], context.unread[unread:]
    if found or unsure:
        return None
    return (f"`{posixpath.basename(argv[0])}` is in {short_image(view.image)}, but the file it runs, {path}, is not: "
            "no COPY puts it in the stage, so the app cannot start (\"can't open file\"); copy the app's "
            "directory from the stage that has it (`COPY --from=<stage> DIR DIR`)")


def _put_there_by_a_stage(path: str, context: Context) -> bool:
    """Whether a stage of the file puts something at `path` or in a directory above it (a COPY's tree, a RUN that
    names the directory: `git clone URL /srv/tool`): the app's file is the build's, not one given at run time."""
    directories = {path}
    directory = posixpath.dirname(path)
    while directory not in ("/", ""):
        directories.add(directory)
        directory = posixpath.dirname(directory)
    for stage in context.staged.stages:
        view = context.view(stage)
        if any(p.path.rstrip("/") in directories or (p.tree and inside(path, p.path) and p.path != "/")
               for p in view.placed):
            return True
        # (a directory of the app's own: not one every image has, /usr/local or /var/lib, that a RUN may name)
        if any(mentions(view.runs, d) for d in directories
               if d == path or (d.count("/") > 1 and not d.startswith(_SHARED_TREES))):
            return True
    return False


_SHARED_TREES = ("/usr/", "/var/lib", "/var/cache", "/etc/")
# trees of the image's own files (an interpreter's libraries, its programs), not of the app
_IMAGE_TREES = ("/usr/lib/", "/usr/lib64/", "/usr/share/", "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/lib/",
                "/etc/", "/proc/", "/dev/")


def _read_program(view: StageView, context: Context, program: str, located: Located
                  ) -> tuple[str, str | None, str | None, bool, bool]:
    """(origin, source, kind, named, unknown) of the file a command starts: where it comes from (located_origin),
    what its first bytes say (file_kind), whether its name says it is a script, and whether it is a build-context
    file without an extension whose first bytes cannot be read (a binary or a script, unknown)."""
    origin, source = located_origin(view, context, located)
    kind = file_kind(context, origin, source)
    # (a download is a script by the name of its URL too: `curl URL/wait-for-it.sh > /usr/local/bin/wait-for-it`)
    named = looks_like_script(located.path, _source_name(located, origin, source)) and kind not in ("elf", "script")
    # a file from the build context started directly, without an extension: a binary or a script, unknown
    # unless the build context is on disk and its first bytes say
    unknown = (not named and not is_shell(program) and origin == "context" and context.source_shell != "none"
               and "." not in posixpath.basename(located.path) and not _APP_BINSTUBS.search(located.path)
               and kind is None)
    return origin, source, kind, named, unknown


def why_unrunnable(stage: Stage, staged: StagedFile, rules: RuleSet, files: BuildContext, source_shell: str | None,
                   program: str, image: ChainguardImage, bash_installable: bool) -> str | None:
    """Why `image` cannot run the program a command of the ORIGINAL `stage` starts directly (an exec-form
    HEALTHCHECK's), read as the start command's program is: a script that needs a shell (by its `#!` line, its
    name, or a build-context file without an extension that cannot be read) where the image has none, bash where it
    has busybox sh only (and `bash_installable` is False), /usr/bin/env where it has none; None when it can run it,
    or when that is not known (a program of the image, one a build makes)."""
    context = Context(staged, rules, "", source_shell, files)
    view = context.view(stage)
    located = locate(view, context, program)
    if located is None or located.how == "image" or is_shell(program):
        return None
    origin, source, kind, named, unknown = _read_program(view, context, program, located)
    if origin == "context" and kind == "elf" and source and (loader := musl_loader(context.files, source)):
        return musl_message(source, loader)
    if named or unknown or kind in ("sh", "bash"):
        if not image.shell:
            what = unknown_file(program) if unknown else f"`{program}` is a shell script"
            return f"{what}, and {image.name} has no shell"
        bash = _needs_bash(program, (named or unknown) and origin == "context", context, kind,
                           named and origin == "unread")
        if bash is not None and not image.has_program("bash") and not bash_installable:
            return f"{bash}, and {image.name} has no bash (busybox sh only)"
        return None
    runtime = replace(view, model=image, image=image.name)
    return _interpreter_missing(program, located, runtime, context, origin, source)


def _maybe_where(paths: list[str]) -> str:
    """Where the start check looked: `go install` with a package pattern (`./...`) writes each main package's
    binary into GOBIN, named after its directory."""
    directories = ", ".join(dict.fromkeys(posixpath.dirname(p) for p in paths))
    return (f"`go install` of a package pattern writes each main package's binary, named after its directory, to "
            f"{directories}")


def _bash_for_a_copied_directory(program: str, view: StageView, context: Context) -> str | None:
    """`ovpn_run`, started by name, most likely comes from a build-context directory copied into a PATH
    directory (`COPY ./bin /usr/local/sbin`); this tool cannot read it, and from an image with bash it is a
    script that may need bash."""
    if "/" in program or context.source_shell != "bash" or "bash" in view.packages or (
            view.model is not None and view.model.has_program("bash")):
        return None
    directories = [p.path for p in view.placed if p.tree and p.from_stage is None and not p.external
                   and p.path.rstrip("/") in view.path_dirs]
    if not directories:
        return None
    return (f"`{program}` is not in the image; it most likely comes from the build-context directory copied to "
            f"{directories[-1]}, which this tool cannot read, and the original image had bash (start scripts "
            "written there usually need it)")


_SH_WAS_BASH = "made /bin/sh bash"


def _sh_not_bash(view: StageView) -> bool:
    """Does /bin/sh stay the image's own (busybox sh) in the stage: no RUN links it to bash (Wolfi has no
    debconf: a link is the only way)?"""
    from migrator.plan.scripts import sh_made_bash

    return sh_made_bash(view.chain, links_only=True) is None


def _needs_bash(program: str, context_script: bool, context: Context, kind: str | None,
                unread_script: bool = False) -> str | None:
    """Why the command needs bash: it runs bash, a script that says so (`#!/bin/bash`), or a script from the
    build context, or one a RUN writes (`cat start.tpl > /start.sh`), this tool cannot read whose image had
    bash."""
    if posixpath.basename(program) == "bash":
        return f"`{program}` is bash"
    if kind == "bash":
        return f"`{program}` is a bash script (its first line says so)"
    if kind == "sh" and context.sh_is_bash:
        return f"`{program}` is a `#!/bin/sh` script, and the original {_SH_WAS_BASH}: {context.sh_is_bash}"
    if context_script and kind is None and context.source_shell == "bash":
        return (f"`{program}` is a script from the build context, which this tool cannot read, and the original "
                "image had bash (start scripts written there usually need it)")
    if unread_script and context.source_shell == "bash":
        return (f"`{program}` is a script a RUN writes from text this tool cannot read (a file of the build "
                "context, a command's output), and the original image had bash")
    return None


def _inner_needs_bash(view: StageView, context: Context, inner: str) -> str | None:
    """`sh -c "/start.sh"`: the script the shell starts may need bash too."""
    located = locate(view, context, inner)
    if located is None or located.how == "image":
        return None
    origin, source = located_origin(view, context, located)
    kind = file_kind(context, origin, source)
    named = looks_like_script(located.path, _source_name(located, origin, source))
    script = named or "." not in posixpath.basename(located.path)
    return _needs_bash(inner, origin == "context" and script, context, kind, origin == "unread" and named)


def _source_name(located: Located, origin: str, source: str | None) -> str | None:
    """The name the file at `located` had first: a download's URL, or the path a COPY took it from."""
    return source if origin == "unread" and source else located.source


_DOTNET_SDK_COMMANDS = frozenset({"run", "build", "watch", "test", "publish", "restore", "ef"})


_JAVA_OPTIONS_WITH_VALUE = frozenset({"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-opens",
                                      "--add-exports", "--add-modules", "--add-reads"})


_APP_BINSTUBS = lazy_re(r"/bin/(bundle|rails|rake|rackup|puma|sidekiq|thrust)$")


def _misused(program: str, argv: tuple[str, ...], located: Located, view: StageView, context: Context) -> str | None:
    """Commands that find their program and still cannot start: `java app.jar`, a binstub without env,
    `dotnet run` without the SDK."""
    if (posixpath.basename(program) == "dotnet" and argv[1:2] and argv[1] in _DOTNET_SDK_COMMANDS
            and view.model is not None and view.model.name != "dotnet-sdk"):
        return (f"`dotnet {argv[1]}` needs the .NET SDK, and {short_image(view.image)} has only the runtime: publish "
                "in the builder (`dotnet publish -o /app`) and start the dll (`dotnet App.dll`)")
    if posixpath.basename(program) == "java":
        skip = False
        for word in argv[1:]:
            if skip:
                skip = False
            elif word == "-jar" or word in ("-version", "--version"):
                return None
            elif word in _JAVA_OPTIONS_WITH_VALUE:
                skip = True
            elif not word.startswith("-"):
                if word.endswith((".jar", ".war")):
                    return f"`java {word}` reads {word} as a class name: a jar starts with `java -jar {word}`"
                return None
    if located.how == "copied" and located.path.startswith("/root/") and not _runs_as_root(view):
        return (f"`{program}` is copied to {located.path}, and the stage's user cannot reach it: Wolfi's base "
                "layout makes /root 0700 and the image runs as a nonroot user; copy it elsewhere (/usr/local/bin)")
    model = view.model
    venv = view.env.get("VIRTUAL_ENV") or ""
    in_venv = (venv and inside(located.path, venv)) or re.search(r"/\.?venv/bin/[^/]+$", located.path)
    if in_venv and located.how != "image" and model is not None and model.known and not model.has_program("python3") \
            and not installed_by_package("python3", view.packages, context.rules):  # (wolfi-base: apk add python-3)
        return (f"`{program}` is a console script of a Python virtualenv: it needs the interpreter the "
                f"virtualenv was made with, and {short_image(view.image)} has no python")
    versioned = re.fullmatch(r"python(3\.\d+)", posixpath.basename(located.path))
    if (in_venv and versioned and located.how != "image" and model is not None and model.known
            and model.has_program("python3") and not model.has_program(f"python{versioned.group(1)}")):
        # (a virtualenv's interpreter is a link to the python that made it)
        return (f"`{program}` is a virtualenv's link to python {versioned.group(1)}, which "
                f"{short_image(view.image)} does not have (it serves one python): a virtualenv made by the image's "
                "python has python, python3 and its own version's name only; start it as `python3`")
    gem_homes = [v for k, v in view.env.items() if k in ("GEM_HOME", "BUNDLE_PATH") and v and v.startswith("/")]
    if (located.how == "copied" and _APP_BINSTUBS.search(located.path)
            and not any(inside(located.path, home) for home in gem_homes) and model is not None
            and model.has_program("ruby") and not model.has_program("env")):
        return (f"`{program}` is a Ruby binstub (`#!/usr/bin/env ruby`) and {short_image(view.image)} has no "
                f"/usr/bin/env: start it as `ruby {program}`")
    return None


def _started_misused(argv: tuple[str, ...], view: StageView, context: Context) -> str | None:
    """The command the program starts in its turn, with execve, cannot start: `thrust ./bin/rails server` on an
    image without /usr/bin/env (the binstub's `#!` line), also under `bundle exec` and `ruby ./bin/thrust`. A
    file `bundle exec` loads into its Ruby process (a binstub) runs no `#!` line, so it is not judged."""
    from migrator.plan.startcommand import started_command

    started = started_command(argv)
    while started is not None and started.index < len(argv):
        inner = argv[started.index:]
        located = None if started.loaded else locate(view, context, inner[0])
        if located is not None:
            origin, source = located_origin(view, context, located)
            misuse = _misused(inner[0], inner, located, view, context) or _interpreter_missing(inner[0], located, view,
                                                                                      context, origin, source)
            if misuse:
                return f"`{' '.join(argv[:started.index])}` starts `{' '.join(inner)}` itself: {misuse}"
        argv, started = inner, started_command(inner)
    return None


def _interpreter_missing(program: str, located: Located, view: StageView, context: Context, origin: str,
                         source: str | None) -> str | None:
    """A script started directly whose `#!/usr/bin/env python` line names env, on an image without env (the
    distroless images have none): the kernel cannot start it ("no such file or directory"). A file of a
    build-context tree the stage copied is read there even where an installer ran in the stage (pip does not
    write ./manage.py)."""
    if view.model is None or not view.model.known:
        return None
    if origin == "built" and located.how == "copied":
        origin, source = "context", in_context_tree(view, context, located.path)
    if source is None or origin not in ("context", "written"):
        return None
    text = source if origin == "written" else context.files.text(source, 256)
    first = (text or "").split("\n", 1)[0]
    words = first[2:].split() if first.startswith("#!") else []
    if words and words[0].startswith("/") and posixpath.basename(words[0]) != "env" and not is_shell(words[0]):
        # (a shell's script is judged by the shell checks, which may keep the shell or add bash)
        return _shebang_path_missing(program, located, first.strip(), words[0], view, context)
    if len(words) < 2 or posixpath.basename(words[0]) != "env" or view.model.has_program("env"):
        return None
    interpreter = next((w for w in words[1:] if not w.startswith("-")), words[-1])
    return (f"`{program}` starts with `{first.strip()}`, and {short_image(view.image)} has no /usr/bin/env, so the "
            f"script cannot start: start it through its interpreter (`[\"{interpreter}\", \"{program}\", ...]`)")


def _shebang_path_missing(program: str, located: Located, first: str, interpreter: str, view: StageView,
                          context: Context) -> str | None:
    """A script whose `#!` line names its interpreter by a path the stage does not have (Docker Hub's
    `#!/usr/local/bin/python`, `/usr/local/bin/node`; Chainguard's images keep theirs in /usr/bin): the kernel
    cannot start it ("no such file or directory")."""
    maybe, unread = len(context.maybe), len(context.unread)
    found = locate(view, context, interpreter)
    unsure = len(context.maybe) > maybe or len(context.unread) > unread
    del context.maybe[maybe:], context.unread[unread:]  # (what the script needs is not the start's own doubt)
    if found is not None or unsure:
        return None
    name = re.sub(r"[\d.]+$", "", posixpath.basename(interpreter)) or posixpath.basename(interpreter)
    assert view.model is not None
    instead = (f"start it through the image's {name} (`[\"{name}\", \"{located.path}\", ...]`)"
               if view.model.has_program(name) else f"install {name} where the line says, or start it another way")
    return (f"`{program}` starts with `{first}`, and {short_image(view.image)} has no {interpreter}, so the script "
            f"cannot start: {instead}")


def _runs_as_root(view: StageView) -> bool:
    """The stage's last USER, else its image's user, is root."""
    users = [i.body.strip() for stage in view.chain for i in stage.instructions if i.keyword == "USER"]
    if users:
        return users[-1].split(":")[0] in ("root", "0")
    return view.model is None or view.model.uid == 0


def _command_line(view: StageView, report: RuntimeReport) -> int:
    """The ENTRYPOINT or CMD instruction that names the program the report is about."""
    assert view.model is not None
    effective = effective_command([s.instructions for s in view.chain], view.model.entrypoint, view.model.cmd)
    in_entrypoint = report.program is not None and report.program in effective.entrypoint
    for instruction in (effective.entrypoint_from, effective.cmd_from) if in_entrypoint else (
            effective.cmd_from, effective.entrypoint_from):
        if instruction is not None:
            return instruction.line
    return view.chain[-1].from_item.line


def _needed_stages(staged: StagedFile, final: Stage) -> list[Stage]:
    """The stages BuildKit builds for the final one: those it is built FROM, and those they copy from
    (`COPY --from`, `RUN --mount=from=`), and theirs in turn; a failure in any of them fails the build."""
    needed: dict[int, Stage] = {}
    waiting = [final]
    while waiting:
        stage = waiting.pop()
        if stage.index in needed:
            continue
        needed[stage.index] = stage
        if stage.parent is not None:
            waiting.append(stage.parent)
        for instruction in stage.instructions:
            references = [instruction.flags.get("from")] if instruction.keyword in ("COPY", "ADD") else []
            if instruction.keyword == "RUN":
                references += re.findall(r"--mount=\S*?\bfrom=([^,\s]+)", instruction.raw)
            for reference in references:
                source = staged.stage_by_reference(reference, before=stage.index) if reference else None
                if source is not None:
                    waiting.append(source)
    return list(needed.values())


def _copy_source_problems(context: Context) -> list[Problem]:
    problems: list[Problem] = []
    staged = context.staged
    for stage in staged.stages:
        for instruction in stage.instructions:
            reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            source = staged.stage_by_reference(reference, before=stage.index) if reference else None
            if source is None:
                continue
            view = context.view(source)
            if view.model is None:
                continue
            original = context.sources.get((view.chain[0].name or "").lower())
            for placed in placed_by(instruction, "/", {}, staged, stage):
                problem = _dockerhub_only(placed.source, view, context.rules, original)
                if problem:
                    problems.append(Problem("MIG543", instruction.line, f"COPY --from={reference} {placed.source}: "
                                            f"{problem}; the build fails here"))
    return problems


def _dockerhub_only(source: str, view: StageView, rules: RuleSet, original: tuple[str, str] | None) -> str | None:
    """Why `source` is a Docker Hub path the stage's image lacks; `original`: the (repository, family) of the
    image the original stage was built on, whose paths only are its own."""
    path = absolute(source.rstrip("/") or "/", view.workdir, view.env)
    for pattern, why in rules.dockerhub_paths.items():
        root = glob_root(path, pattern)
        if root is None or (original is not None and not rules.dockerhub_path_applies(pattern, *original)):
            continue
        if mentions(view.evidence, root) or any(
            inside(p.path, root) or (inside(root, p.path) and p.path != "/") for p in view.placed
        ):
            return None
        if any(inside(path, value) for value in view.env.values() if value and value.startswith("/")
               and value != "/"):
            return None
        return f"{root} is a path of the source image that {short_image(view.image)} does not have ({why})"
    return None
