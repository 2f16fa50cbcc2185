"""parse -> plan -> rewrite -> render -> validate (can the final stage start?), for one Dockerfile's text.

The start check runs on every migration. When the final stage cannot start its command on the
runtime its image rule chose, the command says what it needs (plan.runtime_choice) and the file is
planned again with that runtime; the first attempt that can start is kept, else the first one,
with an error finding that says why.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding, MigratorError, Options, Result, RuntimeStatus, Severity
from migrator.parse import parse
from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.plan.buildcontext import BuildContext
from migrator.plan.images import BASE_IMAGES, OS_ECOSYSTEMS
from migrator.plan.planner import FilePlan, plan_file
from migrator.plan.stages import Stage, split_stages
from migrator.records import dataclass, field, replace
from migrator.rewrite.writer import Written, write_file
from migrator.rules import load_rules
from migrator.rules.loader import RuleSet
from migrator.validate.startable import Problem, RuntimeReport

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.plan.browsers import BrowserUse
    from migrator.plan.runtime_choice import RuntimeOverride

_MAX_ATTEMPTS = 4


def run(text: str, options: Options, path: str) -> Result:
    from migrator.parse.variables import ExpansionBudget
    from migrator.plan.facts_memo import FactsMemo

    # one file: its variables' expansions are bounded in all, not only one by one; its stages are read once
    with ExpansionBudget(), FactsMemo():
        return _run(text, options, path)


def _run(text: str, options: Options, path: str) -> Result:
    from migrator.parse.pragmas import filter_findings, parse_pragmas
    from migrator.rewrite.program_names import with_wolfi_program_names

    doc = parse(text, strict=True)
    pragmas = parse_pragmas(text)
    if pragmas.skip_file:
        return Result(path, text, text, findings=[finding("MIG101", 0)])
    rules = load_rules(options.rules_files)
    options = replace(options, context=_build_context(options, path))
    ended, ending = _last_line_ended(text, doc)
    original = doc
    as_written, (ended, renamed) = ended, with_wolfi_program_names(ended, doc, rules)
    if ending or renamed:
        doc = parse(ended, strict=True)
    files = BuildContext(options.context, _own_ignore_file(path))
    attempt = _best_attempt(ended, doc, options, rules, files)
    if renamed and not attempt.plan.final.migrated:  # (the final stage stays on its image: its names are its own)
        ended, renamed = as_written, []
        doc = parse(ended, strict=True) if ending else original
        attempt = _best_attempt(ended, doc, options, rules, files)
    written = attempt.written
    output = ("\ufeff" if doc.bom else "") + written.text
    if ending and output.endswith(ending):  # the output ends as the input did: without a line end
        output = output[: -len(ending)]
    spans = [(i.line, i.end_line) for i in doc.instructions]
    written_codes = {f.code for f in written.findings}
    started = [f for f in attempt.findings(doc) if f.code not in ("MIG505", "MIG507") or f.code not in written_codes]
    warnings = [finding("MIG103", line, message) for line, message in doc.warnings]
    findings = filter_findings(_unique(warnings + renamed + written.findings + started), pragmas, spans)
    findings = [f for f in findings if f.code not in options.ignore]
    runtime = attempt.report
    status = RuntimeStatus(runtime.image, runtime.argv, runtime.status, runtime.reason) if runtime else None
    failing = [f for f in findings if f.code in START_FAILURES and f.severity is Severity.ERROR]
    if status is not None and status.status != "broken" and failing:
        status = RuntimeStatus(status.image, status.argv, "broken", failing[0].message)
    return Result(path, text, output, written.stages, sorted(findings, key=lambda f: (f.line, f.code)), status)


# errors that say the final stage exits, hangs or runs nothing at start although its command is there: MIG596
# (an option the Wolfi program refuses), MIG563 (a start step runs a tool the runtime lacks), MIG243 (a shared
# library the binary loads is missing), MIG324 (the app a dropped start script put in place is missing), MIG579 (a
# copied config names a path the image lacks). Not MIG248 (setup a dropped start script did): php-fpm starts, and
# the setup is often optional (secrets read from *_FILE variables); the error says what is lost
START_FAILURES = ("MIG596", "MIG563", "MIG243", "MIG324", "MIG579")


def _last_line_ended(text: str, doc: Dockerfile) -> tuple[str, str]:
    """The text with its last line ended by the file's own newline, and the line end added ("" when
    the file had one). The stages are written from this text: whatever the tool appends after the
    user's last line (a runtime stage, `RUN npm prune`) must start a line of its own, or BuildKit reads
    it as words of the user's last instruction."""
    if not text or text.endswith("\n"):
        return text, ""
    ending = "\n" if text.endswith("\r") else doc.newline
    return text + ending, ending


@dataclass
class Attempt:
    plan: FilePlan
    written: Written
    report: RuntimeReport | None
    problems: list[Problem]
    output: Dockerfile | None
    override: RuntimeOverride | None = None
    notes: list[Finding] = field(default_factory=list)  # findings about how this attempt was chosen

    @property
    def starts(self) -> bool:
        """The final stage can start its command (a command that needs bash may still lack it)."""
        return self.report is None or self.report.status != "broken"

    @property
    def rank(self) -> int:
        """2: it starts; 1: it starts a script that needs bash on an image without bash, or a program that may be
        in a build-context directory not on disk to read (another runtime may have it), or a package manager the
        project names in another version than the image's (MIG237: the program is there), or a start script that runs
        a path of the original image (no runtime has it: the closest one is kept); 0: it cannot start."""
        if self.report is None:
            return 2
        if self.report.status == "broken":
            # (MIG237: the program is there; source-path: it starts, up to a path of the original image in the
            # start script, which no runtime has)
            return 1 if self.report.need in ("package-manager", "source-path") else 0
        return 1 if self.report.need in ("bash", "unread") else 2

    def findings(self, original: Dockerfile) -> list[Finding]:
        """The start check's problems, on the lines of the original file they come from, and why the
        runtime differs from the one the image rule chose."""
        found = [finding(p.code, _original_line(p.line, self.output, original, self.plan), p.message)
                 for p in self.problems]
        if self.override is not None and self.report is not None:
            line = self.plan.final.stage.from_item.line
            found.append(finding(self.override.code, line, f"runtime {self.report.image.rsplit('/', 1)[-1]}: "
                                 f"{self.override.reason}"))
        return found + self.notes


def _build_context(options: Options, path: str) -> Path | None:
    """The build context on disk: the one given, else the Dockerfile's directory (none for stdin)."""
    if options.context is not None:
        return options.context
    dockerfile = Path(path)
    return dockerfile.parent if path not in ("", "-") and dockerfile.is_file() else None


def _own_ignore_file(path: str) -> Path | None:
    """The Dockerfile's own `NAME.dockerignore` beside it, which BuildKit reads before the context's."""
    if path in ("", "-") or not Path(path).is_file():
        return None
    return Path(path).with_name(Path(path).name + ".dockerignore")


def _best_attempt(text: str, doc: Dockerfile, options: Options, rules: RuleSet, files: BuildContext) -> Attempt:
    attempt = _search(text, doc, options, rules, files)
    attempt.notes += _kept_chain_user(attempt, rules)
    _written_by_hand(attempt)
    return attempt


def _written_by_hand(attempt: Attempt) -> None:
    """A final stage this tool did not write (already on a Chainguard image) with no command of its own on ruby:
    the command its users give is theirs to choose (`ruby bin/rails s` runs there), so the missing bundler and
    shell is said as a warning (MIG556), as for any such stage; a stage the tool writes goes to ruby's -dev image."""
    report = attempt.report
    if report is None or report.need != "run-through" or attempt.plan.final.migrated:
        return
    attempt.report = replace(report, status="ok")
    attempt.problems = [replace(p, code="MIG556") if p.code == "MIG540" and p.message == report.reason else p
                        for p in attempt.problems]


def _kept_chain_user(attempt: Attempt, rules: RuleSet) -> list[Finding]:
    """A final stage kept on the -dev image of the stage it is built FROM runs as that image's user (nonroot)
    unless a stage of its chain says USER: the original ran as root, so what the app writes must be its own."""
    from migrator.plan.facts import read_facts
    from migrator.plan.writable import original_user, ran_as_root

    final = attempt.plan.final
    if attempt.override is None or not final.single_stage or final.stage.parent is None or attempt.output is None:
        return []
    output = split_stages(attempt.output)
    if not output.stages:
        return []
    stage: Stage | None = output.stages[-1]
    while stage is not None:
        if any(i.keyword == "USER" for i in stage.instructions):
            return []
        stage = stage.parent
    reference = attempt.plan.inherited_image(final)
    image = rules.image_model(reference)
    facts = read_facts(final.stage)
    if image.uid == 0 or not ran_as_root(facts):
        return []
    name = reference.rsplit("/", 1)[-1]
    return [finding("MIG555", final.stage.from_item.line, f"the original ran as {original_user(facts)}; the final "
                    f"stage runs as {image.user or 'nonroot'} (uid {image.uid}), the user of {name}: any path the app "
                    "writes must be its own (COPY --chown, or a directory made and chowned under USER root)")]


def _search(text: str, doc: Dockerfile, options: Options, rules: RuleSet, files: BuildContext) -> Attempt:
    """The first attempt that starts; else the one that comes closest (it starts, but lacks the bash its script
    needs: an error says so), else the first one, whose error says why it cannot start."""
    first = _attempt(doc, options, rules, None, files)
    if _is_base_image(first, rules):
        from migrator.plan.runtime_choice import RuntimeOverride, base_image, library_pins

        # no command of its own, and it installs packages: other images build on it
        kept = _attempt(parse(text), options, rules, RuntimeOverride(
            base_image(options), single_stage=True, reason="a base image (no command of its own) that installs "
            "packages: it stays one stage, the way other images build on it",
            pins=library_pins(_installed(first), rules), installed=_installed(first)), files)
        if kept.starts:
            return _with_bash(text, kept, options, rules, files) or kept
    if (service := _service_kept(text, first, options, rules, files)) is not None:
        return service
    if (programs := _library_programs_kept(text, first, options, rules, files)) is not None:
        return programs
    attempt = best = _with_bash(text, first, options, rules, files) or first
    tried: list[RuntimeOverride | None] = [None]
    for _ in range(_MAX_ATTEMPTS):
        if attempt.rank == 2 or attempt.report is None:
            break
        from migrator.plan.runtime_choice import Need, alternatives, merged  # (the command cannot start)

        report = attempt.report
        need = Need(report.image, report.program, report.inner,
                    "missing" if report.need in (None, "unread") else report.need)
        final = attempt.plan.final
        root = attempt.plan.root_of(final)
        source_tag = root.stage.ref.tag if root.stage.ref else None
        chain_image = attempt.plan.inherited_image(final) if final.stage.parent is not None else None
        options_tried = [merged(attempt.override, o) for o in alternatives(
            need, root.ecosystem, final.stage.parent is None, _installs_for_run_time(attempt), rules, options,
            _installed(attempt), source_tag, chain_image, _pinning_repository(attempt.plan),
            _global_npm_packages(attempt))]
        options_tried = [_launcher_reason(o, attempt) for o in options_tried]
        fresh = [o for o in options_tried if _tried_as(o) not in tried]
        if not fresh:
            break
        progressed = False
        for override in fresh:
            tried.append(_tried_as(override))
            candidate = _attempt(parse(text), options, rules, override, files)
            candidate = _with_bash(text, candidate, options, rules, files) or candidate
            if candidate.rank == 2 or _fails_only_as_before(candidate, first):
                return candidate
            if candidate.rank > best.rank:
                best = candidate
            if not progressed and candidate.report is not None and candidate.report.need != report.need:
                attempt, progressed = candidate, True  # a step closer (java found, now it needs a shell)
        if not progressed:
            break
    return best


def _tried_as(override: RuntimeOverride) -> RuntimeOverride:
    """An override as tried: the same whatever the attempt it was found from installs."""
    return replace(override, installed=())


def _library_programs_kept(text: str, first: Attempt, options: Options, rules: RuleSet, files: BuildContext
                           ) -> Attempt | None:
    """The original final stage installed packages for programs no RUN step of it runs (git: the app runs them;
    rewrite.runtime_packages.run_time_programs), the app's declared libraries run programs that the original final
    stage installed for them (pydub: ffmpeg; plan.library_programs), or drive a browser they downloaded that loads
    libraries (Puppeteer's Chrome; plan.browsers), and the distroless runtime lacks them: the runtime is the
    language's -dev image, which installs the packages with apk (MIG569), or one stage on wolfi-base where the
    language has no -dev image (static), when the first attempt started otherwise (MIG238)."""
    from migrator.plan.library_programs import library_programs
    from migrator.rewrite.runtime_packages import run_time_programs

    final, report = first.plan.final, first.report
    if not final.migrated or not final.split or report is None or first.rank != 2:
        return None
    name = report.image.rsplit("/", 1)[-1].split(":")[0]
    runtime = rules.image_facts(name)
    if rules.image_model(report.image).has_program("apk"):
        return None
    ecosystem = first.plan.root_of(final).ecosystem or ""
    needs = [n for n in library_programs(ecosystem, _installed(first), files) if n.package not in runtime.packages]
    browser = _downloaded_browser(first) if ecosystem == "node" and runtime.dev else None
    needed = {n.package for n in needs}
    # (a language runtime with no -dev image, aspnet-runtime: wolfi-base would lack the language; MIG514 says it)
    keeps = runtime.dev or not runtime.programs
    app_packages = [p for p in run_time_programs(first.plan, name, first.written.packages)
                    if p not in needed] if keeps else []
    if not needs and browser is None and not app_packages:
        return None
    said: list[str] = []
    if needs:
        runs: dict[str, dict[str, list[str]]] = {}
        for need in needs:
            runs.setdefault(need.library, {}).setdefault(need.package, []).append(f"`{need.program}`")
        said.append("the app's libraries need packages the original final stage installed: " + "; ".join(
            f"{library} {_runs_or_loads(by_package)} " + ", ".join(f"{', '.join(programs)} ({package})"
                                                                   for package, programs in by_package.items())
            for library, by_package in runs.items()))
    if app_packages:
        said.append(f"the original final stage installed {', '.join(app_packages)}, whose programs no RUN step of the "
                    "stage runs: they are there for the app at run time")
    extra: tuple[str, ...] = ()
    if browser is not None:
        extra = tuple(p for p in browser.packages if p not in runtime.packages)
        said.append(f"{browser.library} starts {browser.browser}, which {browser.how} downloads in the builder and "
                    f"the runtime gets from it; the browser loads shared libraries and needs a font: "
                    f"{', '.join(extra)}" + (f" ({browser.note})" if browser.note else ""))
    names = list(dict.fromkeys([n.package for n in needs] + app_packages + list(extra)))
    packages = (f"no {names[0]}" if len(names) == 1 else f"neither {names[0]} nor {names[1]}" if len(names) == 2
                else "none of them" if browser is not None else f"none of {', '.join(names)}")
    from migrator.plan.runtime_choice import RuntimeOverride, base_image, dev_tag, library_pins

    lost = (f"{'; '.join(said)}; the distroless {name} has {packages} and cannot install them, and a program "
            "copied without every library and data file it loads fails")
    if runtime.dev:
        override = RuntimeOverride(f"{name}:{dev_tag(report.image)}", reason=f"{lost}: the runtime is {name}'s -dev "
                                   "image (busybox sh, apk), which installs them with apk", code="MIG238",
                                   runtime_packages=extra)
    else:  # (static, glibc-dynamic: no -dev image; the final stage stays on wolfi-base, busybox and apk, with them)
        override = RuntimeOverride(base_image(options), single_stage=True, reason=f"{lost}: the final stage stays one "
                                   "stage on wolfi-base (busybox sh, apk, glibc), which installs them with apk",
                                   code="MIG238", pins=library_pins(_installed(first), rules),
                                   installed=_installed(first))
    kept = _attempt(parse(text), options, rules, override, files)
    return kept if kept.rank == 2 else None


def _downloaded_browser(attempt: Attempt) -> BrowserUse | None:
    """The browser the app's npm library downloads in the final stage (plan.browsers), if it drives one."""
    from migrator.plan.browsers import DOWNLOADED
    from migrator.rewrite.browsers import browser_of

    use = browser_of(attempt.plan, _installed(attempt))
    return use if use is not None and use.source == DOWNLOADED else None


def _runs_or_loads(by_package: dict[str, list[str]]) -> str:
    """`loads` for shared libraries (`libGL.so.1`), `runs` for programs."""
    return "loads" if all(".so" in p for programs in by_package.values() for p in programs) else "runs"


def _launcher_reason(override: RuntimeOverride, attempt: Attempt) -> RuntimeOverride:
    """MIG575 says why yarn or pnpm could not be ported as precisely as package.json tells: when it was read, its
    absence is not the reason; under Yarn Plug'n'Play what stops npm is that there is no node_modules."""
    if override.code != "MIG575" or not attempt.plan.final.migrated:
        return override
    from migrator.rewrite.writer import final_package

    package = final_package(attempt.plan)
    if package is None:
        return override
    tool = override.reason.split("`", 2)[1] if override.reason.count("`") >= 2 else "yarn"
    current = override.runtime.split(":")[0] if override.runtime else "node"
    if not package.pnp:
        return replace(override, reason=(
            f"`{tool}`, which the start command runs, is on {current}'s -dev image only, and the command could not "
            f"be ported: {package.directory}/package.json was read, and what the command runs only {tool} runs (a "
            f"script that runs yarn or pnpm itself, a command of {tool}'s own, or neither a script nor a package "
            f"binary of that name): the runtime keeps the -dev image (busybox sh, apk, build tools); start the app "
            f"with node or npm to run on {current}"))
    manager = f", packageManager {package.package_manager}" if package.package_manager else ""
    return replace(override, reason=(
        f"`{tool}`, which the start command runs, is on {current}'s -dev image only, and the command could not be "
        f"ported: {package.directory}/package.json was read, and the project uses Yarn Plug'n'Play (Yarn 2+"
        f"{manager}: no node_modules, the packages load through .pnp.cjs), so npm cannot run its scripts and no "
        f"package binary is in node_modules/.bin; only a script that is one plain `node ...` command starts with "
        f"node and the PnP runtime, and this one is not (a package binary or a shell line, which only yarn runs): "
        f"the runtime keeps the -dev image (busybox sh, apk, build tools); start the app with `node` in the "
        f"script (or the command) to run on {current}"))


def _service_kept(text: str, first: Attempt, options: Options, rules: RuleSet, files: BuildContext
                  ) -> Attempt | None:
    """A service image's final stage (postgres, rabbitmq) whose RUN steps change the image (`localedef`, `rabbitmq-
    plugins enable --offline`) and that keeps the image's own command: one stage on the service's -dev image, which
    runs the same server with those changes; a distroless runtime would get none of them (MIG583)."""
    final = first.plan.final
    root = first.plan.root_of(final)
    if not final.migrated or root.ecosystem != "service" or root.choice is None or not root.choice.builder:
        return None
    if not _runs_own_server(first.plan, rules):
        return None
    runs = [i for s in _chain(first.plan) for i in s.instructions if i.keyword == "RUN"]
    if not runs:
        return None
    image = root.choice.builder.rsplit("/", 1)[-1]
    why = (f"one stage on {image}: the RUN steps (line {runs[0].line}) change {root.stage.resolved}'s image, and the "
           f"distroless {image.replace('-dev', '')} would not have what they make; {image} runs the same server")
    from migrator.plan.runtime_choice import RuntimeOverride

    kept = _attempt(parse(text), options, rules, RuntimeOverride(image, single_stage=True, reason=why,
                                                                 code="MIG583"), files)
    return kept if kept.starts else None


def _runs_own_server(plan: FilePlan, rules: RuleSet) -> bool:
    """The final stage starts its service image's own server: the image's command, or a command that restates it
    (`CMD ["postgres", "-c", "config_file=..."]`, through the image's docker-entrypoint.sh or not)."""
    from migrator.plan.startcommand import effective_command, inner_program, is_shell_c, unwrap

    chain = _chain(plan)
    if not any(i.keyword in ("CMD", "ENTRYPOINT") for stage in chain for i in stage.instructions):
        return True
    ref = chain[0].ref
    defaults = rules.upstream_defaults(ref.short_name, ref.tag) if ref else None
    if defaults is None or not defaults.cmd:
        return False
    argv = effective_command([s.instructions for s in chain], defaults.entrypoint, defaults.cmd).argv
    words = list(argv)
    entrypoints = {posixpath.basename(w) for w in defaults.entrypoint}
    while words and (posixpath.basename(words[0]) in entrypoints or unwrap(words).program_index):
        words = words[max(1, unwrap(words).program_index):]  # (docker-entrypoint.sh, tini --, gosu USER)
    if is_shell_c(words):
        program = inner_program(words[2])
        words = [program] if program else []
    return bool(words) and posixpath.basename(words[0]) in {posixpath.basename(defaults.cmd[0]), *defaults.servers}


def _fails_only_as_before(candidate: Attempt, first: Attempt) -> bool:
    """The candidate starts, but the final stage now holds a COPY --from that fails the build, as it failed in
    the first attempt (in a builder there): the runtime choice neither caused nor can fix it, and MIG543 says
    so in both. So too a library pin older than the image's Python supports (MIG433), which no runtime fixes."""
    failing = {p.message for p in first.problems if p.code in ("MIG543", "MIG433")}
    report = candidate.report
    return report is not None and report.need == "build" and report.reason in failing


def _with_bash(text: str, attempt: Attempt, options: Options, rules: RuleSet, files: BuildContext
               ) -> Attempt | None:
    """The command needs bash and the runtime is wolfi-base: the stage stays one stage and installs it."""
    report = attempt.report
    if report is None or report.need != "bash" or not attempt.plan.final.migrated:
        return None
    if report.image.rsplit("/", 1)[-1].split(":")[0] not in BASE_IMAGES:
        return None
    from migrator.plan.runtime_choice import RuntimeOverride, base_image

    current = attempt.override or RuntimeOverride(base_image(options), reason="its command needs a shell")
    packages = (*current.packages, "bash")
    override = replace(current, single_stage=True, packages=packages, builder=None if not current.single_stage
                       else current.builder)
    candidate = _attempt(parse(text), options, rules, override, files)
    if candidate.report is None or candidate.report.need == "bash" or not candidate.starts:
        return None
    line = candidate.plan.final.stage.from_item.line
    candidate.notes.append(finding("MIG551", line, f"bash installed with apk: {report.reason.rsplit(', and ', 1)[0]}"))
    return candidate


def _attempt(doc: Dockerfile, options: Options, rules: RuleSet, override: RuntimeOverride | None,
             files: BuildContext | None = None) -> Attempt:
    from migrator.validate.startable import check_start

    plan = plan_file(split_stages(doc), options, rules, override, files)
    written = write_file(plan, doc.newline)
    if _adds_run_without_shell(plan, written, rules):
        plan = plan_file(split_stages(doc), options, rules, override, files, final_runs=True)
        written = write_file(plan, doc.newline)
    try:
        output = parse(written.text)
    except MigratorError:
        return Attempt(plan, written, None, [], None, override)
    report, problems = check_start(output, rules, options.registry, _original_has_command(plan, rules),
                                   _source_shell(plan, written), files, _source_images(plan), _sh_is_bash(plan),
                                   tuple(p.stage.name.lower() for p in plan.stages if p.own_image and p.stage.name))
    return Attempt(plan, written, report, problems, output, override)


def _adds_run_without_shell(plan: FilePlan, written: Written, rules: RuleSet) -> bool:
    """The builder of a split final stage built FROM a stage on an image without a shell got a RUN from the
    migration (`RUN mkdir -p` for a VOLUME, a prune): that stage must move to a shell (planner.final_runs)."""
    final = plan.final
    root = plan.root_of(final)
    if not final.split or root is final or root.image is None or rules.image_model(root.image).shell:
        return False
    try:
        stages = split_stages(parse(written.text)).stages
    except MigratorError:
        return False
    return len(stages) > 1 and any(i.keyword == "RUN" for i in stages[-2].instructions)


def _source_images(plan: FilePlan) -> dict[str, tuple[str, str]]:
    """Stage name (lower case) -> (source repository, package family) of the image the original stage was built
    on: which Docker Hub paths its stage had (rules: dockerhub_paths `images`, `families`); FINAL_SOURCE: the
    original final stage's."""
    from migrator.validate.startable import FINAL_SOURCE

    found = {}
    for stage_plan in plan.stages:
        root = plan.root_of(stage_plan)
        if stage_plan.stage.name and root.stage.ref is not None:
            found[stage_plan.stage.name.lower()] = (root.stage.ref.short_name, root.family)
    root = plan.root_of(plan.final)
    if root.stage.ref is not None:
        found[FINAL_SOURCE] = (root.stage.ref.short_name, root.family)
    return found


def _source_shell(plan: FilePlan, written: Written) -> str | None:
    """The shell the original final stage had: its image's, or bash when the stage installed bash itself."""
    from migrator.plan.images import source_shell

    root = plan.root_of(plan.final)
    if any("bash" in written.packages.get(stage.index, []) for stage in _chain(plan)):
        return "bash"
    if root.stage.ref is None or root.choice is None:
        return None
    return source_shell(root.stage.ref, root.choice.rule)


def _sh_is_bash(plan: FilePlan) -> str | None:
    """The RUN of the original final stage (or a stage it is built FROM) that made /bin/sh bash, or None."""
    from migrator.plan.scripts import sh_made_bash

    return sh_made_bash(plan.final.stage.chain())


def _original_has_command(plan: FilePlan, rules: RuleSet) -> bool:
    """Did the original final stage start anything but an interactive shell (a base image's default)?"""
    from migrator.plan.startcommand import effective_command, interactive_shell

    final = plan.final
    chain = final.stage.chain()
    root = chain[0]
    defaults = rules.upstream_defaults(root.ref.short_name, root.ref.tag) if root.ref else None
    if not any(i.keyword in ("CMD", "ENTRYPOINT") for stage in chain for i in stage.instructions):
        # the image's default: a service image's is its server (postgres, redis), as is an image's that starts the
        # app copied in (tiangolo's /start.sh); a distro's or a language's (a shell, irb, python3) is no app: the
        # app's command comes at run time
        return bool(defaults and defaults.starts_app) or plan.root_of(final).ecosystem == "service"
    entrypoint, cmd = (defaults.entrypoint, defaults.cmd) if defaults else ((), ())
    argv = effective_command([s.instructions for s in chain], entrypoint, cmd).argv
    return bool(argv) and not interactive_shell(argv)


def _is_base_image(attempt: Attempt, rules: RuleSet) -> bool:
    final = attempt.plan.final
    root = attempt.plan.root_of(final)
    if not final.migrated or root.ecosystem not in OS_ECOSYSTEMS or _original_has_command(attempt.plan, rules):
        return False
    return any(i.keyword == "RUN" for s in _chain(attempt.plan) for i in s.instructions)


def _pinning_repository(plan: FilePlan) -> str | None:
    """The source repository whose pinned language version a final stage moved to wolfi-base may keep
    (openjdk:17 -> openjdk-17-default-jdk); None when another stage builds that language on the image's
    latest tag: its output (Java bytecode, a venv) is made for the newest version, so the runtime has it too."""
    from migrator.plan.versions import pinned_version

    root = plan.root_of(plan.final)
    ref = root.stage.ref
    pinned = pinned_version(ref.short_name, ref.tag) if ref else None
    if ref is None or pinned is None:
        return None
    for other in plan.stages:
        other_ref = other.stage.ref
        if other is root or other_ref is None or not other.migrated or other.stage.root_stage() is root.stage:
            continue
        theirs = pinned_version(other_ref.short_name, other_ref.tag)
        if (theirs is not None and theirs.language == pinned.language) or other.ecosystem == root.ecosystem:
            return None
    return ref.short_name


def _installed(attempt: Attempt) -> tuple[str, ...]:
    """The Wolfi packages the final stage and the stages it is built FROM install."""
    return tuple(p for stage in _chain(attempt.plan) for p in attempt.written.packages.get(stage.index, []))


def _global_npm_packages(attempt: Attempt) -> tuple[str, ...]:
    """The packages the final stage (and the stages it is built FROM) install globally (`npm install -g`, `yarn
    global add`, `pnpm add -g`)."""
    from migrator.plan.ecosystems.node import global_packages
    from migrator.plan.facts import read_facts

    names: list[str] = []
    for stage in _chain(attempt.plan):
        for command in read_facts(stage).run_commands():
            names += global_packages(tuple(command.words))
    return tuple(names)


def _installs_for_run_time(attempt: Attempt) -> bool:
    """Did the original final stage install packages beyond libraries, certificates and build tools?"""
    from migrator.rewrite.needs import run_time_packages

    return bool(run_time_packages(attempt.plan, attempt.written.packages, build_tools=True))


def _original_line(line: int, output: Dockerfile | None, original: Dockerfile, plan: FilePlan) -> int:
    """Unchanged instructions keep their text, rewritten ones are found where they were (rewrite.origins);
    generated ones belong to the original final stage."""
    from migrator.rewrite.origins import rewritten_from

    final = plan.final.stage
    instruction = _at(output, line)
    if instruction is not None and output is not None:
        for candidate in original.instructions:
            if candidate.raw.rstrip("\r\n") == instruction.raw.rstrip("\r\n"):
                return candidate.line
        same = [i for s in _chain(plan) for i in s.instructions if i.keyword == instruction.keyword]
        if same and instruction.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            return same[-1].line
        if (source := rewritten_from(instruction, output, original)) is not None:
            return source.line
    return final.from_item.line


def _at(doc: Dockerfile | None, line: int) -> Instruction | None:
    if doc is None:
        return None
    return next((i for i in doc.instructions if i.line <= line <= i.end_line), None)


def _chain(plan: FilePlan) -> list[Stage]:
    return plan.final.stage.chain()


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    unique = []
    for item in findings:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique
