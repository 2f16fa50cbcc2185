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
from collections import ChainMap
from collections.abc import Mapping

from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.parse.variables import process_word
from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import absolute, env_values, joined, workdir_after
from migrator.plan.stages import Stage, StagedFile, parse_arg, split_stages
from migrator.plan.startcommand import (
    effective_command,
    inner_program,
    interactive_shell,
    is_shell,
    is_shell_c,
    looks_like_script,
    unwrap,
)
from migrator.records import dataclass, field
from migrator.regex import glob_match, glob_root
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage, Language, RuleSet

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin"
_IMAGE_BIN_DIRS = frozenset({"/usr/bin", "/bin", "/usr/sbin", "/sbin"})
# directories an image has: a COPY to one of them, even without a trailing slash, copies into it (the
# /usr/local ones are first on every Chainguard image's PATH, chainguard-facts.md; not checked on the images)
_EXISTING_DIRECTORIES = _IMAGE_BIN_DIRS | {"/usr/local/bin", "/usr/local/sbin", "/usr/lib", "/etc", "/tmp", "/var",
                                           "/usr", "/"}
_INSTALLERS = lazy_re(r"\b(pip3?|uv|poetry|pipenv|pdm|npm|yarn|pnpm|gem|bundle|cargo|go|composer)\s+"
                         r"(install|sync|add|ci|i|build)\b")
BASE_IMAGES = frozenset({"wolfi-base", "chainguard-base"})


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


@dataclass(frozen=True)
class Placed:
    """What one COPY/ADD source put into a stage."""

    path: str  # absolute destination of this source
    tree: bool  # a directory or unknown contents (globs, directories' contents)
    source: str  # the source path as written
    from_stage: Stage | None  # the stage copied from; None for the build context or an image
    external: bool  # copied from an image (`COPY --from=alpine ...`)
    text: str | None = None  # the file's text, when the Dockerfile writes it (`COPY <<EOF /start.sh`)


@dataclass
class StageView:
    """A stage as the engine builds it, parents included."""

    chain: list[Stage]
    image: str  # the root stage's image reference
    model: ChainguardImage | None  # None: not on the registry
    env: dict[str, str | None] = field(default_factory=dict)
    workdir: str = "/"
    placed: list[Placed] = field(default_factory=list)
    evidence: str = ""  # RUN text, ENV values and paths of the chain: what the Dockerfile creates
    runs: str = ""  # the RUN text alone: what the stage's commands make
    packages: list[str] = field(default_factory=list)  # apk add names

    def has_language(self, language: Language) -> bool:
        return self.model is not None and any(self.model.has_program(p) for p in language.programs if "*" not in p)

    @property
    def path_dirs(self) -> list[str]:
        value = self.env.get("PATH") or DEFAULT_PATH
        return [d.rstrip("/") or "/" for d in value.split(":") if d.startswith("/")]


@dataclass
class Context:
    staged: StagedFile
    rules: RuleSet
    registry: str
    source_shell: str | None = None
    files: BuildContext = field(default_factory=lambda: BuildContext(None))
    views: dict[int, StageView] = field(default_factory=dict)
    written: dict[int, dict[str, str]] = field(default_factory=dict)
    copied: dict[int, dict[str, str]] = field(default_factory=dict)

    def run_copies(self, view: StageView) -> dict[str, str]:
        """{path: the path it was copied from} of each file a RUN `cp`, `mv` or `install` of the view's stage
        chain put in place (the last that placed it), read once."""
        key = view.chain[-1].index
        if key not in self.copied:
            self.copied[key] = _run_copies(view)
        return self.copied[key]

    def written_by_runs(self, view: StageView) -> dict[str, str]:
        """plan.scripts.run_written_scripts of the view's stage chain, read once."""
        from migrator.plan.scripts import run_written_scripts

        key = view.chain[-1].index
        if key not in self.written:
            self.written[key] = run_written_scripts(view.chain) if (">" in view.runs or "tee" in view.runs) else {}
        return self.written[key]

    def view(self, stage: Stage) -> StageView:
        if stage.index not in self.views:
            self.views[stage.index] = stage_view(stage, self.staged, self.rules, self.registry)
        return self.views[stage.index]


def check_start(doc: Dockerfile, rules: RuleSet, registry: str, original_has_command: bool = True,
                source_shell: str | None = None, files: BuildContext | None = None
                ) -> tuple[RuntimeReport | None, list[Problem]]:
    """`source_shell`: the shell the ORIGINAL final stage's image shipped (bash | sh | none; None: unknown).
    A start script this tool cannot read needs bash when its image had bash. `files`: the build context on
    disk, whose files say what they are (a binary, a bash or sh script)."""
    staged = split_stages(doc)
    if not staged.stages:
        return None, []
    context = Context(staged, rules, registry, source_shell, files or BuildContext(None))
    problems = _copy_source_problems(context)
    final = staged.stages[-1]
    view = context.view(final)
    if view.model is None:
        return None, problems
    report = _judge(view, context, original_has_command)
    chain_lines = {i.line for stage in view.chain for i in stage.instructions}
    build_fails = [p for p in problems if p.code == "MIG543" and p.line in chain_lines]
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
    problems += _missing_tools_at_start(view, context, report, line)
    if report.status == "broken":
        problems.append(Problem(_broken_code(report), line, report.reason))
    elif report.need == "bash":
        problems.append(Problem("MIG549", line, report.reason))
    elif report.status == "shell-kept":
        problems.append(Problem("MIG541", line, report.reason))
    elif report.status == "single-stage":
        problems.append(Problem("MIG542", final.from_item.line, report.reason))
    elif report.status == "unverified":
        problems.append(Problem("MIG548", line, report.reason))
    return report, problems


GUARDED = "it runs only when"  # the start of failures.lookup_guard's reason
_VARIABLE_SET = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _missing_tools_at_start(view: StageView, context: Context, report: RuntimeReport, line: int) -> list[Problem]:
    """A `sh -c` start command that runs a tool (rules/tools.yaml) the runtime lacks: `wget ... && java -jar`
    on jdk (Wolfi's busybox has no wget) fails with `not found` at every start (MIG563). Where the shell goes on
    to start the program all the same (`curl ... > .env; node server.js`, `curl ... || true`), only that step
    is lost (MIG564)."""
    from migrator.rewrite.tools import package_for

    rest = report.argv[unwrap(report.argv).program_index:]
    if report.status == "broken" or view.model is None or not view.model.known:
        return []
    if is_shell_c(rest):
        steps, runs = start_steps(rest[2]), "the start command runs"
    elif (script := _start_script_text(view, context, rest)) is not None:
        steps, runs = start_steps(script[1], _shebang_errexit(script[1])), f"the start script `{script[0]}` runs"
    else:
        return []
    problems = []
    for name, skipped, how in steps:
        package = package_for(name)
        if (package is None or view.model.has_program(name) or name == "bash"
                or _installed_by_package(name, view.packages, context.rules) or package in view.packages
                or _locate(view, context, name) is not None):
            continue
        verb = f"{runs[:-len('runs')]}needs" if how == LOOKED_UP else runs
        lacks = f"{verb} `{name}`, which {_short(view.image)} does not have (Wolfi package {package})"
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


def _start_script_text(view: StageView, context: Context, argv: tuple[str, ...]) -> tuple[str, str] | None:
    """(program, text) of the script the start command runs (`./start.sh`, `sh start.sh`) when it is a file of
    the build context on disk."""
    words = [w for w in argv[1:] if not w.startswith("-")] if argv and is_shell(argv[0]) else list(argv[:1])
    if not words:
        return None
    located = _locate(view, context, words[0])
    if located is None or located.how == "image":
        return None
    origin, source = _located_origin(view, context, located)
    kind = _kind(context, origin, source)
    shell_run = is_shell(argv[0]) or words[0].endswith(".sh")  # (a script without a `#!` line is read as data)
    if source is None or not (kind in ("sh", "bash") or (kind == "data" and shell_run)):
        return None  # a binary, another interpreter's script, or a file that cannot be read
    text = source if origin == "written" else context.files.text(source)
    return None if text is None else (words[0], text)


def _shebang_errexit(text: str) -> bool:
    """`#!/bin/sh -e` (or `-ex`, `-o errexit`) on the script's first line."""
    from migrator.rewrite.failures import shell_flags

    first = text.split("\n", 1)[0]
    return first.startswith("#!") and shell_flags(first[2:].split()[1:])[0]


def start_steps(script: str, errexit: bool = False) -> list[tuple[str, str | None, str]]:
    """(program, why its failure does not end the command or None when it does, how it ends the command) of each
    program a `sh -c` command line runs, once per program (it ends the command if any of its uses does). How:
    "" (fails with `not found`), WAITS (a loop waits for it forever) or LOOKED_UP (a look-up exits without it)."""
    from migrator.rewrite.failures import hidden_reason, lookup_guard, set_commands
    from migrator.rewrite.missing_tool import exits_without, guards, looked_up, waits_forever
    from migrator.rewrite.shell import _command_words as command_words
    from migrator.rewrite.shell import _walk as walk
    from migrator.rewrite.shell import literal, parsed
    from migrator.rewrite.tools import program_name

    try:
        src = parsed(script, 1)
    except Exception:  # never raise on user input
        src = None
    if src is None or src.root.has_error:  # read as words: every step counts as ending the command
        segments = re.split(r"&&|\|\||;|\||\n", script)
        names = [program_name([w for w in s.split() if not _VARIABLE_SET.match(w) and w not in ("then", "do", "!")])
                 for s in segments]
        return [(name, None, "") for name in dict.fromkeys(n for n in names if n)]
    found: dict[str, tuple[str | None, str]] = {}

    def note(name: str, skipped: str | None, how: str) -> None:
        if name not in found or (found[name][0] is not None and skipped is None):
            found[name] = (skipped, how)  # (a use that ends the command wins)

    sets = set_commands(src.root)
    for node in walk(src.root):
        if node.type != "command":
            continue
        words = [literal(src, w) for w in command_words(node)[1]]
        tools = looked_up([w or "" for w in words])
        for tool in tools:
            if exits_without(node) or (hidden_reason(node, errexit, False, sets) is None and not guards(node)):
                note(tool, None, LOOKED_UP)
        name = program_name(words)
        if not name or tools:
            continue
        if waits_forever(node):
            note(name, None, WAITS)
            continue
        # (`exec` replaces the shell: nothing after it runs, whatever follows)
        note(name, lookup_guard(node, name) or (None if words[0] == "exec" else hidden_reason(node, errexit,
                                                                                              False, sets)), "")
    return [(name, skipped, how) for name, (skipped, how) in found.items()]


WAITS = "waits"
LOOKED_UP = "looked up"
def _run_through(image: str, argv: tuple[str, ...], model: ChainguardImage, tool: str) -> RuntimeReport:
    """No command of its own on an interpreter image: the command given when the container starts runs through
    the language's tool as a rule (`bundle exec puma`), or through a shell (`sh -c ...`); an image with neither
    cannot start it."""
    given = f"the app's command is given when the container starts (`{tool} exec ...`, `sh -c ...`)"
    if model.shell and model.has_program(tool):
        return RuntimeReport(image, argv, "shell-kept", f"no command of its own, like the original: {given}, and "
                             f"{_short(image)} has the shell and the {tool} it needs; give the stage a CMD that "
                             "starts the program itself (the interpreter with the binstub's path) to run on the "
                             "image without them")
    lacks = " and ".join(([] if model.shell else ["no shell"]) + ([] if model.has_program(tool) else [f"no {tool}"]))
    return RuntimeReport(image, argv, "broken", f"no command of its own: {given}, and {_short(image)} has {lacks} "
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


# --- reading a stage ---------------------------------------------------------------------------



def on_registry(reference: str, registry: str) -> bool:
    return reference.startswith(registry.rstrip("/") + "/")


def stage_view(stage: Stage, staged: StagedFile, rules: RuleSet, registry: str) -> StageView:
    chain = stage.chain()
    image = chain[0].resolved
    model = rules.image_model(image) if on_registry(image, registry) else None
    view = StageView(chain, image, model)
    if model is not None:
        view.env = {"PATH": DEFAULT_PATH, **dict(model.env)}
        view.workdir = model.workdir or "/"
    args: dict[str, str | None] = dict(staged.global_args)
    texts: list[str] = []
    for current in chain:
        for instruction in current.instructions:
            _read(instruction, view, args, staged, current, texts)
    view.evidence = "\n".join(texts)
    view.runs = "\n".join(i.raw for stage in chain for i in stage.instructions if i.keyword == "RUN")
    return view


def _read(instruction: Instruction, view: StageView, args: dict[str, str | None], staged: StagedFile,
          stage: Stage, texts: list[str]) -> None:
    keyword = instruction.keyword
    values: Mapping[str, str | None] = ChainMap(view.env, args)  # (a merged copy per line was quadratic)
    if keyword == "ARG":
        for name, value in parse_arg(instruction.body).items():
            args.setdefault(name, value)
    elif keyword == "ENV":  # one ENV line sees the values from before it, not its own
        view.env.update(env_values(instruction.body, values, instruction.escape))
        texts.append(instruction.body)
    elif keyword == "WORKDIR":
        view.workdir = workdir_after(instruction.body, view.workdir, values, instruction.escape)
        texts.append(view.workdir)
    elif keyword == "RUN":
        texts.append(instruction.raw)
        view.packages += _apk_added(instruction.raw)
    elif keyword in ("COPY", "ADD"):
        placed = _placed(instruction, view.workdir, values, staged, stage)
        view.placed += placed
        texts += [p.path for p in placed]


def _expand(value: str, values: Mapping[str, str | None]) -> str:
    from migrator.parse.variables import expand_args

    return expand_args(value, values)[0]


def _apk_added(raw: str) -> list[str]:
    names: list[str] = []
    joined = re.sub(r"\\\r?\n", " ", raw)  # continuation lines are one command line
    for match in re.finditer(r"\bapk\s+add\b([^;&|\n]*)", joined):
        for word in match.group(1).split():
            if not word.startswith("-") and "$" not in word:
                names.append(re.split(r"[=<>~]", word)[0])
    return names


def _placed(instruction: Instruction, workdir: str, values: Mapping[str, str | None], staged: StagedFile,
            stage: Stage) -> list[Placed]:
    if instruction.heredocs:
        return _heredocs_placed(instruction, workdir, values)
    words = instruction.words()
    words = [w for w in words if not w.startswith("--")]
    if len(words) < 2:
        return []
    reference = instruction.flags.get("from")
    source_stage = staged.stage_by_reference(reference, before=stage.index) if reference else None
    external = bool(reference) and source_stage is None
    destination = words[-1]
    if instruction.json_args() is not None:  # the strings as written: BuildKit still reads quotes and escapes
        target = joined(process_word(destination, values, instruction.escape)[0], workdir)
        sources = [process_word(s, values, instruction.escape)[0] for s in words[:-1]]
    else:
        target = absolute(_expand(destination, values), workdir, values)
        sources = [_expand(s, values) for s in words[:-1]]
    into_directory = (destination.endswith("/") or destination in (".", "./") or len(sources) > 1
                      or target in _EXISTING_DIRECTORIES)  # `COPY app /usr/local/bin`: into the directory
    placed = []
    for source in sources:
        name = posixpath.basename(source.rstrip("/"))
        contents = source.endswith("/") or source in (".", "./") or any(c in name for c in "*?[") or not name
        if "://" in source:
            path = posixpath.join(target, name) if into_directory else target
            placed.append(Placed(path, False, source, None, False))
        elif contents or not into_directory:
            placed.append(Placed(target, True, source, source_stage, external))
        else:
            placed.append(Placed(posixpath.join(target, name), "." not in name, source, source_stage, external))
            if "." not in name:  # a directory's contents land in the destination itself
                placed.append(Placed(target, True, source.rstrip("/") + "/", source_stage, external))
    return placed


def _heredocs_placed(instruction: Instruction, workdir: str, values: Mapping[str, str | None]) -> list[Placed]:
    """The files a `COPY <<EOF /start.sh` writes, with their text: one per heredoc, named by its delimiter
    inside a directory destination (or when there are several)."""
    targets = [w for w in instruction.body.split() if not w.startswith(("-", "<<"))]
    if not targets:
        return []
    destination = absolute(_expand(targets[-1], values), workdir, values)
    placed = []
    for index, heredoc in enumerate(instruction.heredocs):
        path = destination
        if targets[-1].endswith("/") or len(instruction.heredocs) > 1:
            path = posixpath.join(destination, heredoc.delimiter)
        placed.append(Placed(path, False, f"<<{instruction.line}:{index}", None, False, heredoc.body))
    return placed


# --- judging the start command --------------------------------------------------------------------

@dataclass(frozen=True)
class Located:
    path: str
    how: str  # "image" | "copied" | "created"
    source: str | None = None  # the name it was copied from


def _judge(view: StageView, context: Context, original_has_command: bool) -> RuntimeReport:
    rules = context.rules
    model = view.model
    assert model is not None
    image = view.image
    instructions = [stage.instructions for stage in view.chain]
    argv = effective_command(instructions, model.entrypoint, model.cmd).argv
    single = posixpath.basename(image.split(":")[0].split("@")[0]) in BASE_IMAGES and any(
        i.keyword == "RUN" for stage in view.chain for i in stage.instructions
    )
    if not argv and not model.known:
        return RuntimeReport(image, argv, "unverified", f"{_short(image)} is not in the image model: its own "
                             "start command could not be checked")
    if not argv:
        if original_has_command:
            return RuntimeReport(image, argv, "broken", f"{_short(image)} has no ENTRYPOINT or CMD and the stage "
                                 "sets none: the container has nothing to start", need="no-command")
        language = rules.language_of(posixpath.basename(model.entrypoint[0])) if model.entrypoint else None
        if language is not None and language.run_through is not None:
            return _run_through(image, argv, model, language.run_through)
        if language is not None:
            return RuntimeReport(image, argv, "ok", "no command of its own, like the original: the app's command is "
                                 f"given when the container starts, and runs in exec form on {_short(image)}")
        return RuntimeReport(image, argv, "ok", "no command, like the original (an image of files)")
    unwrapped = unwrap(argv)
    for wrapper in argv[: unwrapped.program_index]:
        if wrapper in unwrapped.wrappers and not single and _locate(view, context, wrapper) is None:
            return RuntimeReport(image, argv, "broken", f"`{wrapper}` (which starts the program) is not in "
                                 f"{_short(image)} and no COPY puts it there", program=wrapper, need="missing")
    if unwrapped.program_index >= len(argv):
        return RuntimeReport(image, argv, "broken", "the command is only a wrapper, with no program to start",
                             need="no-command")
    program = argv[unwrapped.program_index]
    rest = argv[unwrapped.program_index:]
    inner = inner_program(rest[2]) if is_shell_c(rest) else None
    located = _locate(view, context, program)
    if located is None and posixpath.basename(program) == "bash" and model.shell:
        return RuntimeReport(image, argv, "broken", f"`{program}` is bash and {_short(image)} has none (busybox sh "
                             "only)" + (": `apk add bash` in the stage" if single else ""), program=program,
                             need="bash", inner=inner)
    if located is None and is_shell(program):
        return RuntimeReport(image, argv, "broken", f"`{' '.join(rest[:3])}` runs a shell and {_short(image)} has "
                             f"none: {_without_a_shell(rest, view)}", program=program, need="shell", inner=inner)
    if located is None and single and (bash := _bash_for_a_copied_directory(program, view, context)):
        return RuntimeReport(image, argv, "single-stage", f"{bash}, and {_short(image)} has none (busybox sh only): "
                             "`apk add bash` in the stage", program=program, need="bash")
    if located is None and single:
        sources = [f"the packages the stage installs ({', '.join(dict.fromkeys(view.packages))})"] if view.packages \
            else []
        sources += ["what its RUN steps install (npm, pip, gem...)"] if _INSTALLERS.search(view.runs) else []
        sources += ["a directory copied whole"]
        return RuntimeReport(image, argv, "single-stage", f"one stage on {_short(image)}, shell and apk kept: "
                             f"`{program}` is not in {_short(image)} and no COPY names it, so it must come from "
                             f"{', or '.join(sources)}: check that one of them provides it", program=program)
    if located is None:
        if not model.known:
            return RuntimeReport(image, argv, "unverified", f"{_short(image)} is not in the image model: "
                                 f"`{program}` could not be checked", program=program)
        return RuntimeReport(image, argv, "broken", _missing_reason(program, view, rules), program=program,
                             need="missing")
    origin, source = _located_origin(view, context, located)
    kind = _kind(context, origin, source)
    named = looks_like_script(located.path, located.source) and kind not in ("elf", "script")
    # a file from the build context started directly, without an extension: a binary or a script, unknown
    # unless the build context is on disk and its first bytes say
    unknown = (not named and not is_shell(program) and origin == "context" and context.source_shell != "none"
               and "." not in posixpath.basename(located.path) and not _APP_BINSTUBS.search(located.path)
               and kind is None)
    needs_shell = is_shell(program) or named or unknown or kind in ("sh", "bash")
    if needs_shell and not model.shell:
        what = f"`{program}` is a shell script" if not is_shell(program) else f"`{' '.join(rest[:3])}` runs a shell"
        if unknown:
            what = _unknown_file(program)
        return RuntimeReport(image, argv, "broken", f"{what} and {_short(image)} has no shell: port what it does "
                             "(ENV for settings, build-time steps in the builder) and start the program directly",
                             program=program, need="shell", inner=inner)
    misuse = _misused(program, rest, located, view) or _interpreter_missing(program, located, view, context, origin,
                                                                             source)
    if misuse:
        need = "sdk" if misuse.startswith("`dotnet ") else "arguments"
        return RuntimeReport(image, argv, "broken", misuse, program=program, need=need)
    bash = _needs_bash(program, (named or unknown) and origin == "context", context, kind)
    if bash is None and inner and is_shell_c(rest):
        bash = _inner_needs_bash(view, context, inner)
    has_bash = model.has_program("bash") or "bash" in view.packages
    why = _shell_kept_reason(program, rest, view, unknown, bash is not None and has_bash)
    if bash and not has_bash:
        why = f"{bash}, and {_short(image)} has none (busybox sh only)" + (
            ": `apk add bash` in the stage" if single else
            ": use a runtime that can install it (wolfi-base), or check that the script runs with sh")
        return RuntimeReport(image, argv, "single-stage" if single else "shell-kept", why, program=program,
                             need="bash")
    if single:
        if not needs_shell:
            why = f"`{program}` found ({_where(located)})"
        if interactive_shell(rest):
            why = "a base image: its command is the image's shell, other images build on it"
        return RuntimeReport(image, argv, "single-stage", f"one stage on {_short(image)}, shell and apk kept: "
                             + why, program=program)
    if needs_shell:
        return RuntimeReport(image, argv, "shell-kept", why, program=program)
    return RuntimeReport(image, argv, "ok", f"`{program}` found ({_where(located)})", program=program)


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


def _unknown_file(program: str) -> str:
    return (f"`{program}` comes from the build context without an extension: it may be a script (this tool cannot "
            "read it)")


def _needs_bash(program: str, context_script: bool, context: Context, kind: str | None) -> str | None:
    """Why the command needs bash: it runs bash, a script that says so (`#!/bin/bash`), or a script from the
    build context this tool cannot read whose image had bash."""
    if posixpath.basename(program) == "bash":
        return f"`{program}` is bash"
    if kind == "bash":
        return f"`{program}` is a bash script (its first line says so)"
    if context_script and kind is None and context.source_shell == "bash":
        return (f"`{program}` is a script from the build context, which this tool cannot read, and the original "
                "image had bash (start scripts written there usually need it)")
    return None


def _inner_needs_bash(view: StageView, context: Context, inner: str) -> str | None:
    """`sh -c "/start.sh"`: the script the shell starts may need bash too."""
    located = _locate(view, context, inner)
    if located is None or located.how == "image":
        return None
    origin, source = _located_origin(view, context, located)
    kind = _kind(context, origin, source)
    script = looks_like_script(located.path, located.source) or "." not in posixpath.basename(located.path)
    return _needs_bash(inner, origin == "context" and script, context, kind)


def _origin(view: StageView, context: Context, path: str, depth: int,
            run_copied: bool = False) -> tuple[str, str | None]:
    """Where the file at `path` comes from: ("context", its path in the build context) through any stage,
    ("written", its text) when the Dockerfile writes it (a COPY heredoc, `RUN printf ... > path`),
    ("built", None) when a RUN made it, ("image", None) when copied from an image, or ("unknown", None). A
    file copied by its own name is followed first, then a RUN that names it, then a directory copied whole.
    `run_copied`: `path` is the source of a RUN cp/mv/install, which names it as a COPY of it would."""
    for placed in reversed(view.placed):
        if placed.path == path:
            return _placed_origin(placed, placed.source, context, depth)
    copied_from = _run_copy_source(view, context, path) if depth < 4 else None
    if copied_from is not None:  # `RUN cp /app/run.sh /tmp/ && cp /tmp/run.sh /sbin/`: followed to the COPY
        return _origin(view, context, copied_from, depth + 1, run_copied=True)
    if (text := context.written_by_runs(view).get(path)) is not None:
        return "written", text  # `RUN printf '#!/bin/sh\n...' > /start.sh`: its text is in the Dockerfile
    made = _MODE_CHANGES.sub(" ", _RUN_COPY_COMMANDS.sub(" ", view.runs))
    if _mentions(made, path) or _in_output_directory(view, path, False):
        return "built", None  # (`chmod +x` or `chown` on a copied file makes nothing)
    for placed in reversed(view.placed):
        if placed.tree and _inside(path, placed.path):
            relative = path[len(placed.path):].lstrip("/")
            source = posixpath.join(placed.source.rstrip("/") or "/", relative)
            if (not looks_like_script(path) and _built_in_tree(view, path, placed.path, run_copied)
                    and not _context_file_kept(view, context, placed, source, path)):
                return "built", None  # the stage builds or installs in what it copied (`go build -o app`)
            return _placed_origin(placed, source, context, depth)
    return "unknown", None


def _context_file_kept(view: StageView, context: Context, placed: Placed, source: str, path: str) -> bool:
    """Whether a file of a build-context tree the stage copied is still the context's own: the context on disk
    has it, and no step builds it, writes it (a chmod or cp makes nothing) or installs where it lies.
    `pip install -r requirements.txt` next to `COPY . .` does not make `./run`: the context's file is what runs,
    and its first bytes say what it is."""
    if placed.from_stage is not None or placed.external or context.files.kind(source) is None:
        return False
    if _BUILDS.search(view.runs) or any(part in _INSTALLED_DIRECTORIES for part in path.split("/")):
        return False
    made = _MODE_CHANGES.sub(" ", _RUN_COPY_COMMANDS.sub(" ", view.runs))  # (`chmod +x run` makes nothing)
    return not _mentions_name(made, posixpath.basename(path))


def _built_in_tree(view: StageView, path: str, tree: str, run_copied: bool) -> bool:
    """Whether a RUN may have made `path` inside a directory the stage copied. A file a RUN cp copies out of it by
    its path (`cp bin/run /usr/local/bin/`) is the build context's, as its COPY form is, unless a build ran, the
    file lies where an installer writes (node_modules, vendor) or another command names it (`curl -o run`):
    pip or npm installing elsewhere in the stage does not make it."""
    name = posixpath.basename(path)
    if _BUILDS.search(view.runs):
        return True
    if not run_copied:
        return bool(_INSTALLERS.search(view.runs) or _mentions_name(view.runs, name))
    if any(part in _INSTALLED_DIRECTORIES for part in path.split("/")):
        return True
    others = _COPY_COMMANDS.sub(" ", _MODE_CHANGES.sub(" ", view.runs))
    return _mentions_name(others, name) or _mentions_name(others, path[len(tree):].lstrip("/"))


_INSTALLED_DIRECTORIES = frozenset({"node_modules", "vendor", ".venv", "venv", "site-packages", ".bundle"})
# cp, mv, install or ln up to the end of the command (the copy that names the file makes nothing)
_COPY_COMMANDS = lazy_re(r"\b(?:cp|mv|install|ln)\s[^;&|\n]*")


def _located_origin(view: StageView, context: Context, located: Located) -> tuple[str, str | None]:
    """_origin of a file the start command runs: a COPY's, or the source's of a RUN that copied it in place."""
    if located.how == "copied":
        return _origin(view, context, located.path, 0)
    copied_from = _run_copy_source(view, context, located.path) if located.how == "created" else None
    if copied_from:
        return _origin(view, context, copied_from, 1, run_copied=True)
    if located.how == "created" and (text := context.written_by_runs(view).get(located.path)) is not None:
        return "written", text
    return located.how, None


def _kind(context: Context, origin: str, source: str | None) -> str | None:
    """What the file is (plan.buildcontext.BuildContext.kind): read from the build context on disk, or from
    its text when the Dockerfile writes it (`origin` "written": `source` is that text)."""
    from migrator.plan.scripts import written_kind

    if source is None:
        return None
    if origin == "written":
        return written_kind(source)
    return context.files.kind(source) if origin == "context" else None


def _run_copy_source(view: StageView, context: Context, path: str) -> str | None:
    """The path a RUN `cp`, `mv` or `install` copied the file at `path` from (the last that placed it there):
    `RUN cp docker/entrypoint.sh /sbin/` puts the build context's file in place as a COPY would."""
    return context.run_copies(view).get(path)


def _run_copies(view: StageView) -> dict[str, str]:
    from migrator.plan.facts import read_facts
    from migrator.plan.placed_programs import placed_files

    if not _RUN_COPIES.search(view.runs):
        return {}
    facts = None
    for stage in view.chain:
        inherited = facts
        facts = read_facts(stage, inherited)
        if inherited is not None:
            facts.commands = inherited.commands + facts.commands
    found: dict[str, str] = {}
    for placement in placed_files(facts.commands, facts.env, facts.directories) if facts else []:
        if placement.command.words[0].rsplit("/", 1)[-1] in ("cp", "mv", "install"):
            if placement.source != placement.path:
                found[placement.path] = placement.source
            else:
                found.pop(placement.path, None)
    return found


_RUN_COPIES = lazy_re(r"\b(?:cp|mv|install)\b")
_RUN_COPY_COMMANDS = lazy_re(r"\b(?:cp|mv|install)\b[^;&|\n]*")  # (a file a RUN copies, it does not make)
# commands that change a file's mode or owner, or its line ends, up to the end of the command
_MODE_CHANGES = lazy_re(r"\b(?:chmod|chown|chgrp|dos2unix)\b[^;&|\n]*")


def _placed_origin(placed: Placed, source: str, context: Context, depth: int) -> tuple[str, str | None]:
    if placed.text is not None:
        return "written", placed.text
    if placed.external:
        return "image", None
    if placed.from_stage is None:
        return ("context", source) if "://" not in placed.source else ("unknown", None)
    if depth > 3:
        return "unknown", None
    view = context.view(placed.from_stage)
    return _origin(view, context, absolute(posixpath.normpath(source), view.workdir, view.env), depth + 1)


# commands that write programs into the directory they run in
_BUILDS = lazy_re(r"(?<![\w/.-])(make|cmake|ninja|gcc|g\+\+|cc|clang|go\s+build|cargo\s+build|"
                     r"dotnet\s+(publish|build)|mvn|mvnw|gradle|gradlew|zig\s+build|swift\s+build)(?![\w.-])")


def _mentions_name(text: str, name: str) -> bool:
    return bool(text) and re.search(rf"(?<![\w/.-]){re.escape(name)}(?![\w.-])", text) is not None


_DOTNET_SDK_COMMANDS = frozenset({"run", "build", "watch", "test", "publish", "restore", "ef"})
_JAVA_OPTIONS_WITH_VALUE = frozenset({"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-opens",
                                      "--add-exports", "--add-modules", "--add-reads"})
_APP_BINSTUBS = lazy_re(r"/bin/(bundle|rails|rake|rackup|puma|sidekiq|thrust)$")


def _misused(program: str, argv: tuple[str, ...], located: Located, view: StageView) -> str | None:
    """Commands that find their program and still cannot start: `java app.jar`, a binstub without env,
    `dotnet run` without the SDK."""
    if (posixpath.basename(program) == "dotnet" and argv[1:2] and argv[1] in _DOTNET_SDK_COMMANDS
            and view.model is not None and view.model.name != "dotnet-sdk"):
        return (f"`dotnet {argv[1]}` needs the .NET SDK, and {_short(view.image)} has only the runtime: publish "
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
    in_venv = (venv and _inside(located.path, venv)) or re.search(r"/\.?venv/bin/[^/]+$", located.path)
    if in_venv and located.how != "image" and model is not None and not model.has_program("python3"):
        return (f"`{program}` is a console script of a Python virtualenv: it needs the interpreter the "
                f"virtualenv was made with, and {_short(view.image)} has no python")
    gem_homes = [v for k, v in view.env.items() if k in ("GEM_HOME", "BUNDLE_PATH") and v and v.startswith("/")]
    if (located.how == "copied" and _APP_BINSTUBS.search(located.path)
            and not any(_inside(located.path, home) for home in gem_homes) and model is not None
            and model.has_program("ruby") and not model.has_program("env")):
        return (f"`{program}` is a Ruby binstub (`#!/usr/bin/env ruby`) and {_short(view.image)} has no "
                f"/usr/bin/env: start it as `ruby {program}`")
    return None


def _interpreter_missing(program: str, located: Located, view: StageView, context: Context, origin: str,
                         source: str | None) -> str | None:
    """A script started directly whose `#!/usr/bin/env python` line names env, on an image without env (the
    distroless images have none): the kernel cannot start it ("no such file or directory"). A file of a
    build-context tree the stage copied is read there even where an installer ran in the stage (pip does not
    write ./manage.py)."""
    if view.model is None or view.model.has_program("env"):
        return None
    if origin == "built" and located.how == "copied":
        origin, source = "context", _in_context_tree(view, context, located.path)
    if source is None or origin not in ("context", "written"):
        return None
    text = source if origin == "written" else context.files.text(source, 256)
    first = (text or "").split("\n", 1)[0]
    words = first[2:].split() if first.startswith("#!") else []
    if len(words) < 2 or posixpath.basename(words[0]) != "env":
        return None
    interpreter = next((w for w in words[1:] if not w.startswith("-")), words[-1])
    return (f"`{program}` starts with `{first.strip()}`, and {_short(view.image)} has no /usr/bin/env, so the "
            f"script cannot start: start it through its interpreter (`[\"{interpreter}\", \"{program}\", ...]`)")


def _in_context_tree(view: StageView, context: Context, path: str, depth: int = 0) -> str | None:
    """The build-context path of `path` inside a directory copied from the context (`COPY . .`), through the
    stages it was copied from (`COPY --from=builder /app /app`)."""
    for placed in reversed(view.placed):
        if placed.external or not _inside(path, placed.path) or not (placed.tree or placed.path == path):
            continue
        relative = path[len(placed.path):].lstrip("/")
        source = posixpath.join(placed.source.rstrip("/") or ".", relative) if relative else placed.source
        if placed.from_stage is None:
            return source if placed.tree else None
        if depth > 3:
            return None
        parent = context.view(placed.from_stage)
        return _in_context_tree(parent, context, absolute(posixpath.normpath(source), parent.workdir, parent.env),
                                depth + 1)
    return None


def _runs_as_root(view: StageView) -> bool:
    """The stage's last USER, else its image's user, is root."""
    users = [i.body.strip() for stage in view.chain for i in stage.instructions if i.keyword == "USER"]
    if users:
        return users[-1].split(":")[0] in ("root", "0")
    return view.model is None or view.model.uid == 0


def _short(image: str) -> str:
    return image.rsplit("/", 1)[-1]


def _where(located: Located) -> str:
    return {"image": f"in the image at {located.path}", "copied": f"copied to {located.path}",
            "created": f"created at {located.path} by the stage"}[located.how]


def _missing_reason(program: str, view: StageView, rules: RuleSet) -> str:
    image = _short(view.image)
    language = rules.language_of(posixpath.basename(program))
    hint = f"; the {language.runtime_name} image has it" if language and not view.has_language(language) else ""
    if "/" in program:
        return f"`{program}` is not in {image} and no COPY puts it there{hint}"
    return f"`{program}` is not on the PATH of {image} and no COPY puts it there{hint}"


def _shell_kept_reason(program: str, argv: tuple[str, ...], view: StageView, unknown: bool = False,
                       bash: bool = False) -> str:
    image = _short(view.image)
    model = view.model
    dev = model is not None and model.is_dev
    if dev:
        shell = "busybox sh and bash, and also apk and build tools"
        where = f"the final stage stays on {image}, which has a shell ({shell})"
        distroless = f"to run on {image.split(':')[0]}:latest"
    else:
        shell = ("busybox sh, and bash is installed for the script" if bash else
                 "busybox sh: a script that needs bash fails")
        where = f"the runtime is {image}, which has a shell ({shell})"
        distroless = "to use a distroless image"
    kept = f"the final stage stays on {image}, which has one" if dev else f"{image} keeps one"
    if is_shell_c(argv):
        why = _why_shell(argv[2], view)
        if why is not None:
            return (f"the command needs a shell ({why}), so {kept}; put that in a script of the app's "
                    f"own or in ENV, and start the program in exec form {distroless}")
        inner = _inner_text(argv[2], view)
        if inner and looks_like_script(inner):
            return (f"the command runs the script `{inner}` through `{argv[0]} -c`, so {kept}; port what the "
                    f"script does and start the program directly {distroless}")
        start = f"start `{inner}` directly" if inner else "start the program directly"
        return (f"the command runs through `{argv[0]} -c`, so {kept}; write it in exec form "
                f"({start}) {distroless}")
    if is_shell(program):
        script = next((word for word in argv[1:] if not word.startswith("-")), None)
        what = f"port what `{script}` does and start the program directly" if script else \
            "start the program directly"
        kept += " (bash is installed for it)" if bash and not dev else ""
        return f"the command starts a shell (`{' '.join(argv[:2])}`), so {kept}: {what} {distroless}"
    what = f"{_unknown_file(program)}, so" if unknown else f"`{program}` is a shell script, so"
    return f"{what} {where}; port what the script does and start the program directly {distroless}"


def _without_a_shell(argv: tuple[str, ...], view: StageView) -> str:
    """What to do about a command that starts a shell, on an image without one."""
    if is_shell_c(argv):
        why = _why_shell(argv[2], view)
        inner = _inner_text(argv[2], view)
        if why is not None:
            return f"it needs a shell ({why}): put that in the app or in ENV, and start the program in exec form"
        if inner and not looks_like_script(inner):
            return f"start `{inner}` directly, in exec form"
    script = next((w for w in argv[1:] if not w.startswith("-")), None) if not is_shell_c(argv) else (
        _inner_text(argv[2], view))
    if script:
        return f"`{script}` is a script: port what it does (ENV for settings, build-time steps in the builder) and " \
               "start the program directly"
    return "start the program directly, in exec form"


def _why_shell(body: str, view: StageView) -> str | None:
    """Why a `sh -c` body cannot be written in exec form (shell syntax, an unknown variable...), or None."""
    from migrator.rewrite.commands import shell_argv, without_env, without_exec

    command, _, why = without_exec(body.strip())
    if why is not None:
        return why
    argv, why, _ = shell_argv(command, view.env)
    if argv is not None and posixpath.basename(argv[0]) == "env":  # (distroless images have no env)
        argv, why = without_env(argv)
    return why if argv is None else None


def _inner_text(body: str, view: StageView) -> str | None:
    """The program a `sh -c` body starts, its variables expanded from the stage's ENV (None: not known)."""
    from migrator.parse.variables import expand_args

    expanded, missing = expand_args(body, view.env) if "$" in body else (body, [])
    program = None if missing else inner_program(expanded)
    return program if program and "$" not in program else None


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


def _locate(view: StageView, context: Context, program: str) -> Located | None:
    if "/" in program:
        return _find(view, context, absolute(program, view.workdir, view.env), depth=0, by_name=False)
    # what is certainly there (the image's programs, files copied by name) before what may be there
    # (a name in a directory of unknown contents): the check must not credit a guess over a fact
    for certain in (True, False):
        for directory in view.path_dirs:
            found = _find(view, context, posixpath.join(directory, program), depth=0, by_name=True,
                          certain=certain)
            if found is not None:
                return found
    return None


def _find(view: StageView, context: Context, path: str, depth: int, by_name: bool,
          certain: bool = False) -> Located | None:
    """Is there a file at `path` in this stage: from the image, a COPY/ADD, or a RUN that creates it?

    `by_name`: the path is a PATH lookup, so a directory of unknown contents (a glob copied from the
    build context) is no evidence that this particular name is in it."""
    directory, name = posixpath.split(path)
    copied = next((placed for placed in reversed(view.placed) if placed.path == path), None)
    if copied is not None:  # a file copied by its own name is a fact; a package's programs are a guess
        return Located(path, "copied", copied.source)
    if view.model is not None and directory in _IMAGE_BIN_DIRS and (
        view.model.has_program(name) or _installed_by_package(name, view.packages, context.rules)
    ):
        return Located(path, "image")
    for placed in reversed(view.placed):
        if placed.path == path:
            return Located(path, "copied", placed.source)
        if not certain and _inside(path, placed.path) and _tree_has(placed, path, context, depth, by_name):
            return Located(path, "copied", placed.source if placed.path == path else None)
    if (_mentions(view.evidence, path) or _in_output_directory(view, path, by_name)
            or path in context.run_copies(view)):  # (`cd docker && cp entrypoint.sh /usr/local/bin/`)
        return Located(path, "created")
    return None


def _tree_has(placed: Placed, path: str, context: Context, depth: int, by_name: bool) -> bool:
    if placed.from_stage is None or depth > 3:
        # the build context or another image: its files are not ours to see
        return placed.path == path or not by_name
    relative = path[len(placed.path):].lstrip("/")
    source_path = posixpath.join(placed.source.rstrip("/") or "/", relative) if relative else placed.source
    view = context.view(placed.from_stage)
    source_path = absolute(posixpath.normpath(source_path), view.workdir, view.env)
    if _find(view, context, source_path, depth + 1, by_name) is not None:
        return True
    source_root = absolute(placed.source.rstrip("/") or "/", view.workdir, view.env)
    if not by_name and source_root != "/" and _mentions(view.evidence, source_root):
        return True  # a directory the source stage fills (mv, tar -C, mkdir): its files are not listed
    if posixpath.basename(posixpath.dirname(source_path)) != "bin" or not _INSTALLERS.search(view.evidence):
        return False
    # a guess: the copied bin/ of an install tree (/opt/venv/bin, /usr/local/bundle/bin) holds what its installer
    # wrote, but not a program an OS package of the stage installs (apt nodejs's node is in /usr/bin)
    return not _os_package_program(view, context, posixpath.basename(source_path))


# what a virtualenv's bin/ holds besides console scripts, even when an OS package installs the same names
_VENV_TOOLCHAIN = lazy_re(r"(?:python|pip)[\d.]*$")


def _os_package_program(view: StageView, context: Context, name: str) -> bool:
    """Whether `name` is the program of an OS package a stage of the file installs (rules/tools.yaml, Wolfi's
    `cmd:` names), and no pip install of the source stage's chain names the package of a console script of that
    name (an install from a file this tool cannot read is no such evidence). The interpreter of the image's own
    language, and a virtualenv's python and pip, are not: an install tree may hold them."""
    from migrator.plan.ecosystems.python_scripts import pip_scripts
    from migrator.plan.facts import read_facts
    from migrator.rules.wolfi import providers

    language = context.rules.language_of(name)
    if _VENV_TOOLCHAIN.match(name) or (language is not None and view.has_language(language)):
        return False
    # the stages the file is copied through install with apk what the original's did (a builder's nodejs)
    packages = [p for stage in context.staged.stages for p in context.view(stage).packages]
    packaged = _installed_by_package(name, packages, context.rules) or any(
        p in packages for p in providers(f"cmd:{name}"))
    return packaged and not any(pip_scripts(read_facts(stage)).named(name) for stage in view.chain)


_OUTPUT_OPTION = lazy_re(r"(?:^|\s)(?:-o|--output|--out|--prefix|--root|--target-dir|--install-dir|-d|-C)"
                            r"(?:=|\s+)[\"']?(/[^\s\"';&|]+)")


def _in_output_directory(view: StageView, path: str, by_name: bool) -> bool:
    """A build writes its output into a directory named by an option (`dotnet publish -o /app`)."""
    directory = posixpath.dirname(path)
    return any(match.rstrip("/") == directory for match in _OUTPUT_OPTION.findall(view.evidence))


def _installed_by_package(program: str, packages: list[str], rules: RuleSet) -> bool:
    from migrator.rewrite.tools import packages_for

    language = rules.language_of(program)
    providers = packages_for(program)  # rules/tools.yaml: maven installs mvn
    for package in packages:
        if package in providers:
            return True
        if language is not None and any(glob_match(package, g) for g in language.packages):
            return True
        if package == program or (len(package) >= 4 and not looks_like_script(program) and (
                program.startswith(package) or package.startswith(program))):
            return True
    return False


def _inside(path: str, directory: str) -> bool:
    return directory == "/" or path == directory or path.startswith(directory.rstrip("/") + "/")


def _mentions(text: str, path: str) -> bool:
    return bool(text) and re.search(rf"(?<![\w/.-]){re.escape(path)}(?![\w.-])", text) is not None


# --- COPY --from sources --------------------------------------------------------------------------

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
            for placed in _placed(instruction, "/", {}, staged, stage):
                problem = _dockerhub_only(placed.source, view, context.rules)
                if problem:
                    problems.append(Problem("MIG543", instruction.line, f"COPY --from={reference} {placed.source}: "
                                            f"{problem}; the build fails here"))
    return problems


def _dockerhub_only(source: str, view: StageView, rules: RuleSet) -> str | None:
    path = absolute(source.rstrip("/") or "/", view.workdir, view.env)
    for pattern, why in rules.dockerhub_paths.items():
        root = glob_root(path, pattern)
        if root is None:
            continue
        if _mentions(view.evidence, root) or any(
            _inside(p.path, root) or (_inside(root, p.path) and p.path != "/") for p in view.placed
        ):
            return None
        if any(_inside(path, value) for value in view.env.values() if value and value.startswith("/")
               and value != "/"):
            return None
        return f"{root} is a path of Docker Hub's images that {_short(view.image)} does not have ({why})"
    return None
