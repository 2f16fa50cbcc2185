"""parse -> plan -> rewrite -> render -> validate (can the final stage start?), for one Dockerfile's text.

The start check runs on every migration. When the final stage cannot start its command on the
runtime its image rule chose, the command says what it needs (plan.runtime_choice) and the file is
planned again with that runtime; the first attempt that can start is kept, else the first one,
with an error finding that says why.
"""

from __future__ import annotations

from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding, MigratorError, Options, Result, RuntimeStatus
from migrator.parse import parse
from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.plan.buildcontext import BuildContext
from migrator.plan.planner import FilePlan, plan_file
from migrator.plan.runtime_choice import Need, RuntimeOverride, alternatives, base_image, merged
from migrator.plan.stages import Stage, split_stages
from migrator.records import dataclass, field, replace
from migrator.rewrite.writer import Written, write_file
from migrator.rules import load_rules
from migrator.rules.loader import RuleSet
from migrator.validate.startable import Problem, RuntimeReport

_MAX_ATTEMPTS = 4


def run(text: str, options: Options, path: str) -> Result:
    from migrator.parse.pragmas import filter_findings, parse_pragmas

    doc = parse(text, strict=True)
    pragmas = parse_pragmas(text)
    if pragmas.skip_file:
        return Result(path, text, text, findings=[finding("MIG101", 0)])
    rules = load_rules(options.rules_files)
    options = replace(options, context=_build_context(options, path))
    attempt = _best_attempt(text, doc, options, rules, BuildContext(options.context))
    written = attempt.written
    output = ("\ufeff" if doc.bom else "") + written.text
    spans = [(i.line, i.end_line) for i in doc.instructions]
    written_codes = {f.code for f in written.findings}
    started = [f for f in attempt.findings(doc) if f.code not in ("MIG505", "MIG507") or f.code not in written_codes]
    warnings = [finding("MIG103", line, message) for line, message in doc.warnings]
    findings = filter_findings(_unique(warnings + written.findings + started), pragmas, spans)
    findings = [f for f in findings if f.code not in options.ignore]
    runtime = attempt.report
    status = RuntimeStatus(runtime.image, runtime.argv, runtime.status, runtime.reason) if runtime else None
    return Result(path, text, output, written.stages, sorted(findings, key=lambda f: (f.line, f.code)), status)


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
        return self.report is None or self.report.status != "broken"

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


def _best_attempt(text: str, doc: Dockerfile, options: Options, rules: RuleSet, files: BuildContext) -> Attempt:
    chosen = _search(text, doc, options, rules, files)
    return _with_bash(text, chosen, options, rules, files) or chosen


def _search(text: str, doc: Dockerfile, options: Options, rules: RuleSet, files: BuildContext) -> Attempt:
    first = _attempt(doc, options, rules, None, files)
    if _is_base_image(first, rules):
        # no command of its own, and it installs packages: other images build on it
        kept = _attempt(parse(text), options, rules, RuntimeOverride(
            base_image(options), single_stage=True, reason="a base image (no command of its own) that installs "
            "packages: it stays one stage, the way other images build on it"), files)
        if kept.starts:
            return kept
    attempt = first
    tried: list[RuntimeOverride | None] = [None]
    for _ in range(_MAX_ATTEMPTS):
        if attempt.starts or attempt.report is None:
            break
        report = attempt.report
        need = Need(report.image, report.program, report.inner, report.need or "missing")
        final = attempt.plan.final
        root = attempt.plan.root_of(final)
        source_tag = root.stage.ref.tag if root.stage.ref else None
        options_tried = [merged(attempt.override, o) for o in alternatives(
            need, root.ecosystem, final.stage.parent is None, _installs_for_run_time(attempt), rules, options,
            _installed(attempt), source_tag)]
        fresh = [o for o in options_tried if o not in tried]
        if not fresh:
            break
        progressed = False
        for override in fresh:
            tried.append(override)
            candidate = _attempt(parse(text), options, rules, override, files)
            if candidate.starts or candidate.report is None:
                return candidate
            if not progressed and candidate.report.need != report.need:
                attempt, progressed = candidate, True  # a step closer (java found, now it needs a shell)
        if not progressed:
            break
    return attempt if attempt.starts else first


def _with_bash(text: str, attempt: Attempt, options: Options, rules: RuleSet, files: BuildContext
               ) -> Attempt | None:
    """The command needs bash and the runtime is wolfi-base: the stage stays one stage and installs it."""
    from migrator.plan.runtime_choice import base_image

    report = attempt.report
    if report is None or report.need != "bash" or not attempt.plan.final.migrated:
        return None
    if report.image.rsplit("/", 1)[-1].split(":")[0] not in ("wolfi-base", "chainguard-base"):
        return None
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
    try:
        output = parse(written.text)
    except MigratorError:
        return Attempt(plan, written, None, [], None, override)
    report, problems = check_start(output, rules, options.registry, _original_has_command(plan, rules),
                                   _source_shell(plan, written), files)
    return Attempt(plan, written, report, problems, output, override)


def _source_shell(plan: FilePlan, written: Written) -> str | None:
    """The shell the original final stage had: its image's, or bash when the stage installed bash itself."""
    from migrator.plan.images import source_shell

    root = plan.root_of(plan.final)
    if any("bash" in written.packages.get(stage.index, []) for stage in _chain(plan)):
        return "bash"
    if root.stage.ref is None or root.choice is None:
        return None
    return source_shell(root.stage.ref, root.choice.rule)


def _original_has_command(plan: FilePlan, rules: RuleSet) -> bool:
    """Did the original final stage start anything but an interactive shell (a base image's default)?"""
    from migrator.plan.startcommand import effective_command, interactive_shell

    final = plan.final
    chain = [final.stage]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)  # type: ignore[arg-type]
    root = chain[-1]
    if not any(i.keyword in ("CMD", "ENTRYPOINT") for stage in chain for i in stage.instructions):
        return False  # the image's default (a shell, irb, python3): the app's command comes at run time
    defaults = rules.upstream_defaults(root.ref.short_name, root.ref.tag) if root.ref else None
    entrypoint, cmd = (defaults.entrypoint, defaults.cmd) if defaults else ((), ())
    argv = effective_command([s.instructions for s in reversed(chain)], entrypoint, cmd).argv
    return bool(argv) and not interactive_shell(argv)


def _is_base_image(attempt: Attempt, rules: RuleSet) -> bool:
    from migrator.plan.runtime_choice import OS_ECOSYSTEMS

    final = attempt.plan.final
    root = attempt.plan.root_of(final)
    if not final.migrated or root.ecosystem not in OS_ECOSYSTEMS or _original_has_command(attempt.plan, rules):
        return False
    return any(i.keyword == "RUN" for s in _chain(attempt.plan) for i in s.instructions)


def _installed(attempt: Attempt) -> tuple[str, ...]:
    """The Wolfi packages the final stage and the stages it is built FROM install."""
    return tuple(p for stage in _chain(attempt.plan) for p in attempt.written.packages.get(stage.index, []))


def _installs_for_run_time(attempt: Attempt) -> bool:
    """Did the original final stage install packages beyond libraries, certificates and build tools?"""
    from migrator.rewrite.needs import run_time_packages

    return bool(run_time_packages(attempt.plan, attempt.written.packages, build_tools=True))


def _original_line(line: int, output: Dockerfile | None, original: Dockerfile, plan: FilePlan) -> int:
    """Unchanged instructions keep their text; generated ones belong to the original final stage."""
    final = plan.final.stage
    instruction = _at(output, line)
    if instruction is not None:
        for candidate in original.instructions:
            if candidate.raw.rstrip("\r\n") == instruction.raw.rstrip("\r\n"):
                return candidate.line
        same = [i for s in _chain(plan) for i in s.instructions if i.keyword == instruction.keyword]
        if same and instruction.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            return same[-1].line
    return final.from_item.line


def _at(doc: Dockerfile | None, line: int) -> Instruction | None:
    if doc is None:
        return None
    return next((i for i in doc.instructions if i.line <= line <= i.end_line), None)


def _chain(plan: FilePlan) -> list[Stage]:
    stage = plan.final.stage
    chain = [stage]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)  # type: ignore[arg-type]
    return list(reversed(chain))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    unique = []
    for item in findings:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique
