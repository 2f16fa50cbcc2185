"""`migrate hook check|fix FILE...`: the pre-commit hooks (see .pre-commit-hooks.yaml).

    check  writes nothing; exit 1 when a file would change (or a finding is at/above fail-on)
    fix    rewrites changed files in place, atomically and WITHOUT a backup (git already has the
           original, and a backup file in the work tree would itself show up as a new file); exit 1
           when it changed something, as pre-commit expects from a fixer

A file whose only errors are "cannot migrate" (a base image the rules do not know, MIG2xx) is
reported but does not block the commit unless `fail-on` (configuration or `--fail-on`) says so.
Files with `# migrate: skip-file` are left alone.

This runs on every commit: it uses argparse and imports nothing heavy (no Typer, Rich, httpx or
jinja2); keep it that way (`python -X importtime -c "from migrator.cli import hook_cmd"`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migrator.cli import checkcache
from migrator.config import (
    FAIL_ON,
    Config,
    apply_cli,
    clear_cache,
    is_cannot_migrate,
    load_config,
    should_fail,
)
from migrator.model import Finding, MigratorError, Options, Result, Severity, TagPolicy
from migrator.parse.pragmas import filter_findings, parse_pragmas

SHOWN_FINDINGS = 3  # per file, so the output fits a terminal

# statuses, as `migrate scan` prints them too
CHANGED, MIGRATED, UNCHANGED, CANNOT, ERROR, SKIPPED = (
    "would change",
    "migrated",
    "unchanged",
    "cannot migrate",
    "error",
    "skipped",
)


@dataclass
class FileReport:
    """What happened to one file; picklable, so `migrate scan --jobs N` can send it between processes."""

    path: str
    status: str
    result: Result
    fail_on: str | None = None
    blocking: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


def add_option_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by `migrate hook` and `migrate scan`; they override the configuration file."""
    parser.add_argument("--registry", metavar="HOST/PATH", help="replaces cgr.dev/chainguard")
    parser.add_argument("--org", metavar="ORG", help="means --registry cgr.dev/ORG")
    parser.add_argument("--rules", metavar="FILE", action="append", default=[], help="extra rules file")
    parser.add_argument("--tag-policy", choices=[p.value for p in TagPolicy], help="latest (default) or keep")
    parser.add_argument("--ignore", metavar="CODE", action="append", default=[], help="ignore a finding code")
    parser.add_argument("--pin", action="store_true", help="pin the images written by digest (asks the registry)")
    parser.add_argument("--verify-tags", action="store_true",
                        help="check the images written exist for linux/amd64 and linux/arm64 (asks the registry)")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="fail when a finding is at or above this severity (default: errors other than 'cannot migrate')",
    )


def configured(path: Path, args: argparse.Namespace, cache: dict[int, Config]) -> tuple[Options, str | None]:
    """Options and fail-on for one file: its configuration file, then the command line."""
    base = load_config(path)
    config = cache.get(id(base))
    if config is None:
        config = with_command_line(base, args)
        cache[id(base)] = config
    return config.options_for(path), config.fail_on_for(path)


def with_command_line(base: Config, args: argparse.Namespace) -> Config:
    """The configuration file's values, overridden by the options of add_option_arguments."""
    return apply_cli(
        base,
        registry=args.registry,
        org=args.org,
        tag_policy=args.tag_policy,
        rules=args.rules,
        ignore=[c for item in args.ignore for c in item.split(",") if c.strip()],
        fail_on=args.fail_on,
        pin=getattr(args, "pin", None),
        verify_tags=getattr(args, "verify_tags", None),
    )


def process_file(path: str, options: Options, fail_on: str | None) -> FileReport:
    """Read and migrate one file in memory; never raises for a bad file (status 'error' instead).

    Raises RegistryError (a MigratorError) when --pin / --verify-tags cannot ask the registry."""
    from migrator.api import decode_dockerfile, migrate_text

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _error(path, f"cannot read ({exc.strerror or exc})", fail_on)
    try:
        text = decode_dockerfile(data, path)
    except MigratorError as exc:
        return _error(path, str(exc), fail_on)
    pragmas = parse_pragmas(text)
    if pragmas.skip_file:
        result = Result(path, text, text, findings=[_skipped()])
        return FileReport(path, SKIPPED, result, fail_on)
    try:
        result = migrate_text(text, options, path)
    except MigratorError as exc:
        if options.pin or options.verify_tags:
            from migrator.registry.errors import RegistryError

            if isinstance(exc, RegistryError):
                raise  # a registry that cannot be asked stops the whole run: nothing is written
        return _error(path, str(exc), fail_on, original=text)
    findings = [f for f in result.findings if f.code not in options.ignore]
    result.findings = filter_findings(findings, pragmas)
    blocking = should_fail(result.findings, fail_on)
    if any(is_cannot_migrate(f) for f in result.findings) and not result.changed:
        status = CANNOT
    else:
        status = CHANGED if result.changed else UNCHANGED
    return FileReport(path, status, result, fail_on, blocking)


def _skipped() -> Finding:
    return Finding("MIG702", Severity.INFO, 0, "skipped: the file has '# migrate: skip-file'")


def _error(path: str, message: str, fail_on: str | None, original: str = "") -> FileReport:
    prefix = f"{path}: "
    message = message[len(prefix) :] if message.startswith(prefix) else message
    finding = Finding("MIG703", Severity.ERROR, 0, message)
    result = Result(path, original, original, findings=[finding])
    return FileReport(path, ERROR, result, fail_on, should_fail([finding], fail_on))


def _counts(findings: Sequence[Finding]) -> str:
    if not findings:
        return "no findings"
    parts = []
    for severity in Severity:
        n = sum(1 for f in findings if f.severity is severity)
        if n:
            parts.append(f"{n} {severity.value}{'s' if n > 1 and severity is not Severity.INFO else ''}")
    return ", ".join(parts)


def _first(findings: Sequence[Finding], minimum: Severity = Severity.INFO) -> list[str]:
    chosen = sorted(
        (f for f in findings if f.severity.rank >= minimum.rank), key=lambda f: (-f.severity.rank, f.line)
    )
    lines = [
        f"  {'line ' + str(f.line) if f.line else 'file'}: {f.severity.value} {f.code} {f.message}"
        for f in chosen[:SHOWN_FINDINGS]
    ]
    if len(chosen) > SHOWN_FINDINGS:
        lines.append(f"  ... and {len(chosen) - SHOWN_FINDINGS} more")
    return lines


def hook_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrate hook",
        description="pre-commit hooks: 'check' reports Dockerfiles not migrated yet, 'fix' migrates them.",
    )
    parser.add_argument("mode", choices=("check", "fix"))
    parser.add_argument("files", nargs="*", metavar="FILE")
    add_option_arguments(parser)
    # pre-commit runs `entry + args + files`: options sit between the mode and the files
    args = parser.parse_intermixed_args(argv)

    clear_cache()
    out: list[str] = []
    failed = False
    touched: list[str] = []
    cache: dict[int, Config] = {}
    stamp = checkcache.stamp() if args.mode == "check" and checkcache.enabled() else None
    for name in args.files:
        path = Path(name)
        try:
            options, fail_on = configured(path, args, cache)
        except MigratorError as exc:
            print(f"migrate: {exc}", file=sys.stderr)
            return 2
        entry = _cache_key(path, options, fail_on, stamp)
        hit = checkcache.lookup(entry) if entry else None
        if hit is not None:
            flags, _, lines = hit[1].partition("\n")
            file_failed, file_touched = flags[:1] == "1", flags[1:2] == "1"
            file_lines = lines.splitlines()
        else:
            try:
                report = process_file(name, options, fail_on)
            except MigratorError as exc:  # the registry could not be asked (--pin, --verify-tags)
                print(f"migrate: error: {exc}", file=sys.stderr)
                return 2
            file_failed, file_touched, file_lines = _describe(name, path, report, args.mode)
            if entry:
                flags = ("1" if file_failed else "0") + ("1" if file_touched else "0")
                checkcache.store(entry, file_failed, flags + "\n" + "".join(line + "\n" for line in file_lines))
        failed |= file_failed
        if file_touched:
            touched.append(name)
        out += file_lines
    if touched:
        if args.mode == "fix":
            out.append(f"migrated {_plural(len(touched))}; review and stage the changes")
        else:
            out.append(
                f"{_plural(len(touched))} would be migrated; fix with "
                "'pre-commit run migrate-fix --all-files' or 'migrate --write FILE'"
            )
    if out:
        print("\n".join(out))
    return 1 if failed else 0


def _cache_key(path: Path, options: Options, fail_on: str | None, stamp: str | None) -> str | None:
    """Check mode only: the same bytes, options and tool give the same report (see checkcache)."""
    if stamp is None:
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return checkcache.key(path, content, ["hook-check", repr(options), str(fail_on)], stamp)


def _describe(name: str, path: Path, report: FileReport, mode: str) -> tuple[bool, bool, list[str]]:
    """(blocks the commit, would be or was migrated, lines to print) for one file."""
    out: list[str] = []
    failed = bool(report.blocking)
    touched = False
    if report.status == CHANGED:
        failed = touched = True
        if mode == "fix":
            from migrator.render.output import write_atomically

            write_atomically(path, report.result.dockerfile, backup=False)
            out.append(f"{name}: migrated ({_counts(report.findings)})")
            out += _first(report.findings, Severity.WARNING)
        else:
            out.append(f"{name}: would be migrated ({_counts(report.findings)})")
            out += _first(report.findings)
    elif report.status == ERROR:
        blocking = " (not blocking: fail-on)" if not report.blocking else ""
        out.append(f"{name}: error: {report.findings[0].message}{blocking}")
    elif report.status == CANNOT:
        note = "" if report.blocking else " (not blocking)"
        out.append(f"{name}: cannot migrate{note}")
        out += _first([f for f in report.findings if is_cannot_migrate(f)])
    elif report.blocking:
        threshold = f"at or above fail-on ({report.fail_on})" if report.fail_on else "errors"
        out.append(f"{name}: {threshold}")
        out += _first(report.blocking)
    return failed, touched, out


def _plural(n: int) -> str:
    return f"{n} Dockerfile{'s' if n != 1 else ''}"
