"""`migrate hook check|fix FILE...`: the pre-commit hooks (see .pre-commit-hooks.yaml).

    check  writes nothing; exit 1 when a file would change (or a finding is at/above fail-on)
    fix    rewrites changed files in place, atomically and WITHOUT a backup (git already has the
           original, and a backup file in the work tree would itself show up as a new file); exit 1
           when it changed something, as pre-commit expects from a fixer
           (a migration whose final stage cannot start is not written: exit 1, and the file's
           report says why and how to write it anyway, as `migrate --write` refuses it)

A file that cannot be read as a Dockerfile (empty, binary, not a Dockerfile, a symlink loop) is an
error on stderr and exit 2 (unless fail-on is `never` for it); `fix` then writes nothing (all or
nothing, as `migrate --write A B`), `check` still reports the other files.

A file whose only errors are "cannot migrate" (a base image the rules do not know, MIG2xx) is
reported but does not block the commit unless `fail-on` (configuration or `--fail-on`) says so.
Files with `# migrate: skip-file` are left alone.

This runs on every commit: its command line is parsed by `cli.fastpath` and it imports nothing
heavy (no Typer, Rich, httpx or jinja2); keep it that way
(`python -X importtime -m migrator hook check Dockerfile`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from migrator.cli import checkcache
from migrator.cli.args import HookArgs, SharedOptions
from migrator.cli.files import Input, read_input
from migrator.config import (
    Config,
    apply_cli,
    clear_cache,
    is_cannot_migrate,
    load_config,
    should_fail,
)
from migrator.model import Finding, MigratorError, Options, Result, Severity
from migrator.parse.pragmas import filter_findings, parse_pragmas
from migrator.records import dataclass, field, replace
from migrator.shown import printable, shown_name

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
    source: Input | None = None  # what was read (and migrated): --write compares it before replacing

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


def configured(path: Path, args: SharedOptions, cache: dict[int, Config]) -> tuple[Options, str | None]:
    """Options and fail-on for one file: its configuration file, then the command line."""
    base = load_config(path)
    config = cache.get(id(base))
    if config is None:
        config = with_command_line(base, args)
        cache[id(base)] = config
    return config.options_for(path), config.fail_on_for(path)


def with_command_line(base: Config, args: SharedOptions) -> Config:
    """The configuration file's values, overridden by the command line's."""
    return apply_cli(
        base,
        registry=args.registry,
        org=args.org,
        tag_policy=args.tag_policy,
        rules=args.rules,
        ignore=[c for item in args.ignore for c in item.split(",") if c.strip()],
        fail_on=args.fail_on,
        pin=args.pin,
        verify_tags=args.verify_tags,
    )


def process_file(path: str, options: Options, fail_on: str | None, source: Input | None = None) -> FileReport:
    """Read (unless given) and migrate one file in memory; never raises for a bad file (status 'error').

    Raises RegistryError (a MigratorError) when --pin / --verify-tags cannot ask the registry."""
    from migrator.api import decode_dockerfile, migrate_text

    try:
        source = source or read_input(path)
        text = decode_dockerfile(source.data, path)
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
    return FileReport(path, status, result, fail_on, blocking, source)


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


def hook_main(args: HookArgs) -> int:
    import os

    from migrator.api import start_error
    from migrator.cli.errors import UsageError

    missing = next((name for name in args.files if not os.path.lexists(name)), None)
    if missing is not None:  # a name that is not there is a wrong command line (exit 2), as for `migrate FILE`
        raise UsageError(f"{missing}: no such file")
    if args.context is not None and not Path(args.context).is_dir():
        raise UsageError(f"--context {printable(args.context)}: not a directory")
    clear_cache()
    out: list[str] = []
    failed = False
    touched: list[str] = []
    cache: dict[int, Config] = {}
    stamp = checkcache.stamp() if args.mode == "check" and checkcache.enabled() else None
    to_write: list[tuple[str, FileReport]] = []
    errors: list[str] = []  # files that cannot be read as Dockerfiles: exit 2, and `fix` writes nothing
    seen: set[str] = set()
    for name in args.files:
        if os.path.realpath(name) in seen:
            continue  # `D` and a link to it (or D twice): one file, reported and written once
        seen.add(os.path.realpath(name))
        path = Path(name)
        options, fail_on = configured(path, args, cache)  # a bad configuration: exit 2 (errors.guarded)
        if args.context is not None:
            options = replace(options, context=Path(args.context))
        try:
            source: Input | None = read_input(name)
        except MigratorError as exc:
            source, report = None, _error(name, str(exc), fail_on)
        entry = _cache_key(path, source, options, fail_on, stamp)
        hit = checkcache.lookup(entry) if entry else None
        if hit is not None:
            flags, _, lines = hit[1].partition("\n")
            file_failed, file_touched, file_lines = flags[:1] == "1", flags[1:2] == "1", lines.splitlines()
        else:
            if source is not None:
                report = process_file(name, options, fail_on, source)
            if report.status == ERROR and report.blocking:
                errors.append(f"{shown_name(name)}: {printable(report.findings[0].message)}")
                continue
            refused = start_error(report.result) if report.status == CHANGED else None
            if args.mode == "fix" and report.status == CHANGED and refused is None:
                to_write.append((name, report))
            file_failed, file_touched, file_lines = _describe(name, report, args.mode, refused)
            if entry:
                flags = ("1" if file_failed else "0") + ("1" if file_touched else "0")
                lines = "".join(line + "\n" for line in file_lines)
                checkcache.store(entry, file_failed, flags + "\n" + lines, depends=options.rules_files)
        failed |= file_failed
        if file_touched:
            touched.append(name)
        out += [printable(line) for line in file_lines]
    if errors and args.mode == "fix":
        raise MigratorError(_in_error(errors) + "; nothing was written")
    if to_write:  # all files or none: a file that cannot be written stops the hook before any rename
        from migrator.cli.files import Replacement, replace_files

        replace_files([Replacement(r.source, r.result.dockerfile, backup=False) for _, r in to_write if r.source])
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
    if errors:
        import sys

        sys.stdout.flush()
        print("".join(f"migrate hook: error: {line}\n" for line in errors), end="", file=sys.stderr)
        return 2
    return 1 if failed else 0


def _in_error(errors: list[str]) -> str:
    """The first file in error, and how many more: one line."""
    more = len(errors) - 1
    return errors[0] + (f" (and {more} more file{'s' if more > 1 else ''} in error)" if more else "")


def _cache_key(path: Path, source: Input | None, options: Options, fail_on: str | None,
               stamp: str | None) -> str | None:
    """Check mode only: the same bytes, options and tool give the same report (see checkcache)."""
    if stamp is None or source is None or options.pin or options.verify_tags:
        return None  # (a registry's answer can change at any time: never cached)
    return checkcache.key(path, source.data, ["hook-check", repr(options), str(fail_on)], stamp)


def _describe(name: str, report: FileReport, mode: str, refused: Finding | None = None) -> tuple[bool, bool, list[str]]:
    """(blocks the commit, would be or was migrated, lines to print) for one file (written already in fix).
    `refused`: the error that says why the migration's final stage cannot start; `fix` does not write it."""
    out: list[str] = []
    shown = shown_name(name)
    failed = bool(report.blocking)
    touched = False
    if refused is not None:
        where = f"line {refused.line}" if refused.line else "file"
        what = "not migrated, left as it was" if mode == "fix" else "'fix' would not migrate it"
        out.append(f"{shown}: {what}: the migrated final stage cannot start ({_counts(report.findings)})")
        out.append(f"  {where}: error {refused.code} {refused.message}")
        out.append(f"  fix the cause, or write the migration anyway: 'migrate --write --write-broken {shown}'")
        return True, False, out
    if report.status == CHANGED:
        failed = touched = True
        if mode == "fix":
            out.append(f"{shown}: migrated ({_counts(report.findings)})")
            out += _first(report.findings, Severity.WARNING)
        else:
            out.append(f"{shown}: would be migrated ({_counts(report.findings)})")
            out += _first(report.findings)
    elif report.status == ERROR:  # (one fail-on makes harmless)
        out.append(f"{shown}: error: {report.findings[0].message} (not blocking: fail-on)")
    elif report.status == CANNOT:
        note = "" if report.blocking else " (not blocking)"
        out.append(f"{shown}: cannot migrate{note}")
        out += _first([f for f in report.findings if is_cannot_migrate(f)])
    elif report.blocking:
        threshold = f"at or above fail-on ({report.fail_on})" if report.fail_on else "errors"
        out.append(f"{shown}: {threshold}")
        out += _first(report.blocking)
    return failed, touched, out


def _plural(n: int) -> str:
    return f"{n} Dockerfile{'s' if n != 1 else ''}"
