"""`migrate PATH...`: the main command. argparse only: this is the pre-commit hook's hot path."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from migrator import __version__
from migrator.model import MigratorError, Options, Result, Severity, TagPolicy

EXIT_OK, EXIT_CHANGED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="migrate",
        description="Migrate Dockerfiles to multi-stage builds on Chainguard Images. Prints the migrated "
        "file(s) to stdout unless --write, --diff, --check or --json is given.",
        epilog="Sub-commands: validate, doctor, scan, hook, config, comment (see `migrate SUBCOMMAND --help`).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="Dockerfile(s) to migrate; '-' reads stdin")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("-i", "--write", action="store_true", help="rewrite files in place (atomic, keeps PATH.bak)")
    mode.add_argument("--diff", action="store_true", help="print a unified diff")
    mode.add_argument("--check", action="store_true", help="exit 1 when any file would change, write nothing")
    mode.add_argument("--json", action="store_true", help="print a JSON object per file (a list for several)")
    parser.add_argument("--no-backup", action="store_true", help="with --write: keep no .bak file")
    parser.add_argument("--registry", metavar="HOST/PATH", help="image registry (default cgr.dev/chainguard)")
    parser.add_argument("--org", metavar="ORG", help="Chainguard organisation: means --registry cgr.dev/ORG")
    parser.add_argument("--tag-policy", choices=[p.value for p in TagPolicy], help="latest (default) or keep "
                        "the source's major(.minor) version")
    parser.add_argument("--pin", action="store_true", default=None, help="pin the images written by digest: "
                        "NAME:TAG@sha256:... as the registry serves it now (asks the registry)")
    parser.add_argument("--verify-tags", action="store_true", default=None, help="check that the images written "
                        "exist with their tags for linux/amd64 and linux/arm64 (asks the registry)")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE", type=Path,
                        help="extra rules file (repeatable); same format as rules/*.yaml")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE", help="hide findings with CODE")
    parser.add_argument("--stdin-filename", metavar="NAME", help="the name to report for '-'")
    parser.add_argument("--format", dest="fmt", choices=["text", "json", "sarif", "github", "gitlab"],
                        help="report findings on stdout in this format instead of printing the migrated file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no findings on stderr")
    parser.add_argument("--explain", metavar="CODE", help="print the documentation of a finding code")
    parser.add_argument("--list-codes", action="store_true", help="list every finding code")
    parser.add_argument("--version", action="version", version=f"migrate {__version__}")
    return parser


def migrate_main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.explain:
            return _explain(args.explain)
        if args.list_codes:
            return _list_codes()
        if not args.paths:
            raise UsageError("give at least one PATH (or '-' for stdin)")
        options = _options(args)
        results = [_migrate_one(p, options, args.stdin_filename) for p in args.paths]
    except UsageError as exc:
        print(f"migrate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MigratorError as exc:
        print(f"migrate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug: one line, a distinct code, and how to report it
        print(f"migrate: internal error: {type(exc).__name__}: {exc} (please report it with the Dockerfile)",
              file=sys.stderr)
        return EXIT_INTERNAL
    return _report(results, args)


def _options(args: argparse.Namespace) -> Options:
    if args.registry and args.org:
        raise UsageError("--registry and --org cannot be used together")
    registry = args.registry or (Options.registry_for_org(args.org) if args.org else None)
    if registry is not None and (not registry.strip("/") or " " in registry):
        raise UsageError(f"invalid --registry '{registry}'")
    config_options = _config_options(args)
    return Options(
        registry=(registry or config_options.registry).rstrip("/"),
        tag_policy=TagPolicy(args.tag_policy) if args.tag_policy else config_options.tag_policy,
        rules_files=tuple(config_options.rules_files) + tuple(args.rules),
        ignore=frozenset(c.upper() for c in args.ignore) | config_options.ignore,
        pin=bool(args.pin or config_options.pin),
        verify_tags=bool(args.verify_tags or config_options.verify_tags),
    )


def _config_options(args: argparse.Namespace) -> Options:
    """Options from [tool.migrator] / .migrator.yaml near the first file, when that module is present."""
    try:
        from migrator.config import load_config
    except ImportError:
        return Options()
    first = next((Path(p) for p in args.paths if p != "-"), Path.cwd() / "Dockerfile")
    target = first if first.is_absolute() else Path.cwd() / first
    return load_config(target.parent).options_for(target)


def _migrate_one(path: str, options: Options, stdin_name: str | None) -> Result:
    from migrator.api import decode_dockerfile, migrate_text, read_dockerfile

    if path == "-":
        name = stdin_name or "-"
        text = decode_dockerfile(sys.stdin.buffer.read(), name)
    else:
        name = path
        text = read_dockerfile(Path(path))
    try:
        return migrate_text(text, options, name)
    except MigratorError as exc:
        if options.pin or options.verify_tags:
            from migrator.registry.errors import RegistryError

            if isinstance(exc, RegistryError):
                raise  # about the registry, not about this file
        raise MigratorError(f"{name}: {exc}") from None


def _report(results: list[Result], args: argparse.Namespace) -> int:
    if not args.quiet and not args.json and not args.fmt:
        _print_findings(results)
    if args.fmt:
        from migrator.report.formats import render_findings

        sys.stdout.write(render_findings(results, args.fmt))
        return EXIT_OK
    if args.json:
        payload = [r.to_dict() for r in results]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return EXIT_OK
    if args.check:
        changed = [r for r in results if r.changed]
        for result in changed:
            print(f"would migrate {result.path}", file=sys.stderr)
        _remember_check(results, args)
        return EXIT_CHANGED if changed else EXIT_OK
    if args.diff:
        from migrator.render.output import unified_diff

        for result in results:
            sys.stdout.write(unified_diff(result.original, result.dockerfile, result.path))
        return EXIT_OK
    if args.write:
        return _write(results, backup=not args.no_backup)
    for result in results:
        sys.stdout.write(result.dockerfile)
    return EXIT_OK


def _remember_check(results: list[Result], args: argparse.Namespace) -> None:
    """Cache plain `--check` answers (see checkcache): the next run of the same files is instant."""
    from migrator.cli import checkcache

    argv = ["--check", *(["-q"] if args.quiet else []), *args.paths]
    if checkcache.plain_check_paths(argv) is None or not checkcache.enabled() or "-" in args.paths:
        return
    stamp = checkcache.stamp()
    for result in results:
        verdict = f"would migrate {result.path}\n" if result.changed else ""
        messages = "".join(_finding_lines(result)) + checkcache.SEPARATOR + verdict
        content = result.original.encode("utf-8")
        checkcache.store(checkcache.key(Path(result.path), content, [], stamp), result.changed, messages)


def _write(results: list[Result], backup: bool) -> int:
    from migrator.render.output import write_atomically

    for result in results:
        if result.path == "-":
            sys.stdout.write(result.dockerfile)
        elif result.changed:
            write_atomically(Path(result.path), result.dockerfile, backup=backup)
            print(f"migrated {result.path}", file=sys.stderr)
    return EXIT_OK


def _print_findings(results: list[Result]) -> None:
    for result in results:
        sys.stderr.write("".join(_finding_lines(result, sys.stderr.isatty())))


def _finding_lines(result: Result, with_info: bool = False) -> list[str]:
    lines = []
    for item in result.findings:
        if item.severity == Severity.INFO and not with_info:
            continue
        mark = SEVERITY_MARK[item.severity.value]
        lines.append(f"{result.path}:{item.line}: {mark} {item.code} {item.message}\n")
    return lines


def _explain(code: str) -> int:
    from migrator.findings import lookup

    try:
        entry = lookup(code)
    except KeyError:
        print(f"migrate: error: unknown finding code '{code}' (see --list-codes)", file=sys.stderr)
        return EXIT_USAGE
    print(f"{entry.code} ({entry.severity.value}): {entry.title}\n\n{entry.doc}")
    return EXIT_OK


def _list_codes() -> int:
    from migrator.findings import catalog

    for entry in sorted(catalog().values(), key=lambda c: c.code):
        print(f"{entry.code}  {entry.severity.value:<7}  {entry.title}")
    return EXIT_OK
