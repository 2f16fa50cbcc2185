"""Real builds and smoke runs of a (migrated) Dockerfile, per platform, on the detected builder.

    report = validate(Path("Dockerfile"), ValidateOptions(platforms=["linux/amd64", "linux/arm64"]))
    report.to_dict()   # {"builder", "static", "platforms", "comparison"}
    report.exit_code   # 0 ok, 1 build or smoke failed, 3 no builder / emulation / permission

Per platform: build (time, image size, layer count; on failure the failing instruction's line and
the tail of its log), then a smoke run of the image's default command (or ``--smoke`` arguments)
with ``--network=none`` and a timeout: a program still running at the timeout (a server) counts as
started and passes. ``--original`` builds the original Dockerfile too and compares size, layers,
shell, package manager, user and (with syft) the package count. Images and containers are removed
afterwards unless ``keep``.

Every command is an argument list: nothing is ever assembled into a shell command line.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.plan.stages import split_stages
from migrator.validate import static
from migrator.validate.build_failure import locate_failure
from migrator.validate.build_report import (
    BuildError,
    PlatformResult,
    Report,
    Smoke,
    ValidateOptions,
    build_arg_map,
    emit,
)
from migrator.validate.builders import detect
from migrator.validate.compare import compare
from migrator.validate.engine import Engine, image_tag
from migrator.validate.process import Proc, run, tail
from migrator.validate.source import one_line, read


def validate(path: Path, opts: ValidateOptions, progress=None, before_build=None) -> Report:
    """Static checks, builder detection, builds and smoke runs; see the module docstring.

    `progress` (optional) is called with short human messages as the work goes on.
    `before_build(report)` (optional) runs once a builder is found; returning False stops there
    (it has filled in the report: the registry check of migrator.validate.registry_check).
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    df, _problem = read(text)  # the static checks report a file the reader refuses
    bargs = build_arg_map(opts.build_args)
    context = opts.context or path.parent
    findings = static.check(text, target=opts.target, build_args=bargs, registries=opts.registries, context=context)

    detection = detect(
        opts.platforms,
        path=opts.path,
        binfmt_dir=opts.binfmt_dir,
        builder_name=opts.builder_name,
        network=opts.network,
        engine=opts.engine,
    )
    report = Report(str(path), detection, findings, [])
    b = detection.builder
    if b is None:
        report.platforms = [PlatformResult(p, "skipped", reason="no-builder") for p in opts.platforms]
        report.messages.append(detection.message or "no usable builder")
        return report
    if before_build is not None and not before_build(report):
        return report

    engine = Engine(b, opts)
    findings.extend(_buildkit_checks(engine, path, context, opts))
    builds = _Builds(engine, path, context, opts, report, progress)
    try:
        return _build_all(builds, report, df, bargs, progress)
    finally:
        builds.close()


class _Builds:
    """engine.build of the Dockerfile, or of a copy without its `# syntax=` directive once BuildKit has
    failed to fetch that frontend image (MIG625): every later build uses the copy too."""

    def __init__(self, engine: Engine, path: Path, context: Path, opts: ValidateOptions, report: Report,
                 progress) -> None:  # fmt: skip
        from migrator.validate.frontend import syntax_directive

        self.engine, self.path, self.context, self.opts = engine, path, context, opts
        self.findings, self.messages, self.progress = report.static, report.messages, progress
        self.dockerfile = path
        self._copy: tempfile.TemporaryDirectory[str] | None = None
        buildkit = engine.b.name in ("buildkit", "buildx")
        self.syntax = syntax_directive(path.read_text(encoding="utf-8", errors="replace")) if buildkit else None

    def build(self, platforms: list[str], tag: str | None) -> Proc:
        from migrator.validate.frontend import builtin_copy, frontend_unavailable, unavailable_finding

        p = self._build_past_runtime_glitch(platforms, tag)
        if p.rc == 0 or self.syntax is None or self._copy is not None or not frontend_unavailable(p.out, self.syntax):
            return p
        self.dockerfile, self._copy = builtin_copy(self.path, self.syntax)
        self.findings.append(unavailable_finding(self.syntax))
        emit(self.progress, f"the frontend image {self.syntax.image} could not be pulled: building with the "
                             "builder's built-in frontend")  # fmt: skip
        return self._build_past_runtime_glitch(platforms, tag)

    def _build_past_runtime_glitch(self, platforms: list[str], tag: str | None) -> Proc:
        """One build, and one more when the first failed in the container runtime (validate.transient)."""
        from migrator.validate.transient import runtime_glitch

        p = self.engine.build(self.dockerfile, self.context, platforms, tag, self.opts.target)
        glitch = runtime_glitch(p.text) if p.rc != 0 and not p.timed_out else None
        if glitch is None:
            return p
        note = f"{', '.join(platforms)}: the first build failed in the container runtime ({glitch}), not in the " \
               "Dockerfile: built again"  # fmt: skip
        emit(self.progress, note)
        self.messages.append(note)
        return self.engine.build(self.dockerfile, self.context, platforms, tag, self.opts.target)

    def close(self) -> None:
        if self._copy is not None:
            self._copy.cleanup()


def _build_all(builds: _Builds, report: Report, df: Dockerfile, bargs: dict[str, str], progress) -> Report:
    engine, opts, path = builds.engine, builds.opts, builds.path
    b = engine.b
    run_id = secrets.token_hex(4)
    buildable = []
    for plat in opts.platforms:
        support = b.platforms[plat]
        if not support.emulation:
            report.platforms.append(PlatformResult(plat, "skipped", reason="no-emulation"))
            report.messages.append(support.problem or f"no emulation for {plat}")
        else:
            buildable.append(plat)

    # buildx builders that can do it: one multi-platform build first (it fills the cache that the
    # per-platform loads below reuse)
    multi_seconds: float | None = None
    multi_failed = False
    if b.name == "buildx" and b.multi_platform and len(buildable) > 1:
        emit(progress, f"building {', '.join(buildable)} in one multi-platform build")
        p = builds.build(buildable, None)
        multi_seconds = p.seconds
        multi_failed = p.rc != 0

    results: dict[str, PlatformResult] = {}
    for plat in buildable:
        tag = image_tag(run_id, plat)
        emit(progress, f"building {plat}")
        p = builds.build([plat], tag)
        res = PlatformResult(
            plat, "ok", seconds=multi_seconds if (multi_seconds and not multi_failed) else p.seconds, tag=tag
        )
        if p.rc != 0:
            res.status = "failed"
            res.tag = None
            if p.timed_out:
                res.error = BuildError(
                    None, None, tail(p.out), f"the build did not finish within {opts.build_timeout:.0f} s"
                )
            else:
                res.error = locate_failure(p.out, df, bargs, path.name)
            results[plat] = res
            continue
        info = engine.inspect(tag)
        res.size_bytes = info.get("size_bytes")  # type: ignore[assignment]
        res.layers = info.get("layers")  # type: ignore[assignment]
        res.user = str(info.get("user") or "")
        if opts.smoke:
            emit(progress, f"smoke run {plat}")
            started_at = time.monotonic()
            res.smoke = _smoke_past_runtime_glitch(engine, tag, plat, report.messages)
            res.smoke.seconds = time.monotonic() - started_at
            if not res.smoke.passed:
                res.status = "failed"
                ins = _entrypoint_instruction(df, opts.target)
                res.error = BuildError(
                    ins.line if ins else None,
                    one_line(ins) if ins else None,
                    res.smoke.output,
                    "the smoke run could not start the image's command"
                    if not res.smoke.started
                    else f"the smoke run exited with code {res.smoke.exit_code}",
                )
        results[plat] = res
    order = {p: i for i, p in enumerate(opts.platforms)}
    report.platforms = sorted([*report.platforms, *results.values()], key=lambda r: order[r.platform])

    try:
        if opts.original is not None:
            report.comparison = compare(engine, opts, report, run_id, progress)
    finally:
        if not opts.keep:
            for res in results.values():
                if res.tag:
                    engine.remove_image(res.tag)
    return report


def _smoke_past_runtime_glitch(engine: Engine, tag: str, plat: str, messages: list[str]) -> Smoke:
    """A smoke run, and one more when the first could not start for the container runtime's own reasons."""
    from migrator.validate.transient import runtime_glitch

    opts = engine.opts
    smoke = engine.smoke(tag, plat, opts.smoke_args, opts.timeout)
    glitch = None if smoke.passed else runtime_glitch(smoke.output or "")
    if glitch is None:
        return smoke
    messages.append(f"{plat}: the first smoke run failed in the container runtime ({glitch}): ran again")
    return engine.smoke(tag, plat, opts.smoke_args, opts.timeout)


def _entrypoint_instruction(df: Dockerfile, target: str | None) -> Instruction | None:
    staged = split_stages(df)
    stage = staged.stage_by_reference(target) if target else (staged.stages[-1] if staged.stages else None)
    if stage is None:
        return None
    for ins in reversed(stage.instructions):
        if ins.keyword in ("ENTRYPOINT", "CMD"):
            return ins
    return None


def _buildkit_checks(engine: Engine, path: Path, context: Path, opts: ValidateOptions) -> list[Finding]:
    """BuildKit's own build checks (buildx with --call=check), as MIG609 findings."""
    b = engine.b
    if not (b.name == "buildx" and b.supports_check):
        return []
    argv = [b.client, "buildx", "build", "--call=check,format=json", "-f", str(path)]
    if opts.builder_name:
        argv += ["--builder", opts.builder_name]
    for kv in opts.build_args:
        argv += ["--build-arg", kv]
    argv.append(str(context))
    p = run(argv, env=engine.env, timeout=300)
    return parse_check_output(p.out)


def parse_check_output(out: str) -> list[Finding]:
    start = out.find("{")
    if start < 0:
        return []
    try:
        data = json.loads(out[start:])
    except ValueError:
        return []
    found = []
    for w in data.get("warnings") or []:
        line = 0
        for loc in (w.get("location") or {}).get("ranges") or []:
            line = int((loc.get("start") or {}).get("line") or 0)
            break
        rule = w.get("ruleName") or "check"
        detail = w.get("detail") or w.get("description") or ""
        found.append(finding("MIG609", line, f"{rule}: {detail}".strip()))
    return found
