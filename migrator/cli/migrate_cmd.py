"""`migrate PATH...`: the main command. This is the pre-commit hook's hot path: import lazily."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from migrator.cli.args import MigrateArgs
from migrator.cli.errors import UsageError
from migrator.model import Finding, MigratorError, Options, Result, Severity, TagPolicy
from migrator.shown import printable, shown_name

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.cli.files import Input

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}
_MODES = ("--write", "--diff", "--check", "--json")


def migrate_main(args: MigrateArgs) -> int:
    """Runs inside errors.guarded: MigratorError / UsageError become one line and exit 2."""
    if args.explain:
        return _explain(args.explain)
    if args.list_codes:
        return _list_codes()
    if not args.paths:
        raise UsageError("give at least one PATH (or '-' for stdin) (see 'migrate --help')")
    _check_option_values(args)
    inputs = _read_inputs(args.paths)
    cached = _cached_check(inputs, args)
    if cached is not None:
        return cached
    results = []
    for item in inputs:
        options = _options(args, item)
        results.append(_migrate_one(item, options, args.stdin_filename))
    return _report(results, inputs, args)


def _check_option_values(args: MigrateArgs) -> None:
    modes = [name for name, on in zip(_MODES, (args.write, args.diff, args.check, args.json), strict=True) if on]
    if len(modes) > 1:
        raise UsageError(f"{modes[0]} and {modes[1]} cannot be used together (see 'migrate --help')")
    if args.registry is not None and args.org is not None:
        raise UsageError("--registry and --org cannot be used together (see 'migrate --help')")
    if args.registry is not None or args.org is not None:  # (not imported on the hook's warm path)
        from migrator.parse.imageref import check_org, check_registry

        if args.registry is not None:
            args.registry = check_registry(args.registry, "--registry")
        if args.org is not None:
            args.org = check_org(args.org, "--org")
    if args.paths.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    if args.write and "-" in args.paths:
        raise UsageError("--write cannot rewrite standard input ('-') in place: without --write the migration "
                         "goes to standard output")
    if args.context is not None and not Path(args.context).is_dir():
        raise UsageError(f"--context {printable(args.context)}: not a directory")
    args.ignore = [code.strip().upper() for item in args.ignore for code in item.split(",") if code.strip()]
    wrong = [code for code in args.ignore if not re.fullmatch(r"[A-Z]+[0-9]+", code)]
    if wrong:
        raise UsageError(f"invalid --ignore {wrong[0]!r}: expected finding codes such as MIG301")


def _read_inputs(paths: list[str]) -> list[Input]:
    """Every input read once, before anything is migrated: a file that cannot be read stops it all."""
    from migrator.cli.files import read_input

    return [read_input(path) for path in paths]


def _options(args: MigrateArgs, item: Input) -> Options:
    registry = args.registry or (Options.registry_for_org(args.org) if args.org else None)
    config_options = _config_options(item, args.stdin_filename)
    return Options(
        registry=registry or config_options.registry,
        tag_policy=TagPolicy(args.tag_policy) if args.tag_policy else config_options.tag_policy,
        rules_files=tuple(config_options.rules_files) + tuple(args.rules),
        ignore=frozenset(args.ignore) | config_options.ignore,
        pin=bool(args.pin or config_options.pin),
        verify_tags=bool(args.verify_tags or config_options.verify_tags),
        context=Path(args.context) if args.context is not None else None,
    )


def _config_options(item: Input, stdin_name: str | None) -> Options:
    """Options from [tool.migrator] / .migrator.yaml near the file (near --stdin-filename for '-')."""
    from migrator.config import load_config

    name = (stdin_name or "Dockerfile") if item.name == "-" else item.name
    target = Path(name) if Path(name).is_absolute() else Path.cwd() / name
    return load_config(target).options_for(target)


def _migrate_one(item: Input, options: Options, stdin_name: str | None) -> Result:
    from migrator.api import decode_dockerfile, migrate_text

    name = (stdin_name or "-") if item.name == "-" else item.name
    text = decode_dockerfile(item.data, name)
    try:
        return migrate_text(text, options, name)
    except MigratorError as exc:
        if options.pin or options.verify_tags:
            from migrator.registry.errors import RegistryError

            if isinstance(exc, RegistryError):
                raise  # about the registry, not about this file
        message = str(exc)
        raise MigratorError(message if message.startswith(f"{name}:") else f"{name}: {message}") from None


# --- the --check cache (see checkcache) -----------------------------------------------------------


def _cache_options(args: MigrateArgs) -> list[str] | None:
    """What of the command line goes into a --check cache key; None when the run is not cacheable."""
    if not args.check or args.fmt or args.pin or args.verify_tags or "-" in args.paths:
        return None  # (a registry's answer can change at any time: never cached)
    from migrator.cli import checkcache

    if not checkcache.enabled():
        return None
    return [
        f"registry={args.registry}", f"org={args.org}", f"tag-policy={args.tag_policy}",
        *([f"context={Path(args.context).resolve()}"] if args.context is not None else []),
        *(f"rules={Path(r).resolve()}" for r in args.rules), *sorted(f"ignore={c}" for c in args.ignore),
    ]


def _cached_check(inputs: list[Input], args: MigrateArgs) -> int | None:
    """Answer `--check` from the cache when every file hits; None otherwise."""
    options = _cache_options(args)
    if options is None:
        return None
    from migrator.cli import checkcache

    stamp = checkcache.stamp()
    answers = []
    for item in inputs:
        hit = checkcache.lookup(checkcache.key(Path(item.name), item.data, options, stamp))
        if hit is None:
            return None
        answers.append(hit)
    changed = False
    for was_changed, messages in answers:
        changed |= was_changed
        findings, _, verdict = messages.partition(checkcache.SEPARATOR)
        sys.stderr.write(("" if args.quiet else findings) + verdict)
    return EXIT_CHANGED if changed else EXIT_OK


def _remember_check(results: list[Result], inputs: list[Input], args: MigrateArgs) -> None:
    options = _cache_options(args)
    if options is None:
        return
    from migrator.cli import checkcache

    stamp = checkcache.stamp()
    for result, item in zip(results, inputs, strict=True):
        verdict = f"would migrate {shown_name(result.path)}\n" if result.changed else ""
        messages = "".join(_finding_lines(result)) + checkcache.SEPARATOR + verdict
        used = _options(args, item)
        if used.pin or used.verify_tags:  # set in the configuration: the registry's answer is not cached
            continue
        entry = checkcache.key(Path(item.name), item.data, options, stamp)
        checkcache.store(entry, result.changed, messages, depends=used.rules_files)


def _report(results: list[Result], inputs: list[Input], args: MigrateArgs) -> int:
    from migrator.cli.files import emit

    if not args.quiet and not args.json and not args.fmt:
        _print_findings(results)
    if args.fmt:
        from migrator.report.formats import render_findings

        emit(render_findings(results, args.fmt))
        return EXIT_OK
    if args.json:
        payload = [r.to_dict() for r in results]
        import json

        emit(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2) + "\n")
        return EXIT_OK
    if args.check:
        changed = [r for r in results if r.changed]
        for result in changed:
            print(f"would migrate {shown_name(result.path)}", file=sys.stderr)
        _remember_check(results, inputs, args)
        return EXIT_CHANGED if changed else EXIT_OK
    if args.write:
        return _write(results, inputs, backup=not args.no_backup, broken=args.write_broken)
    texts, refused = _offered(results, broken=args.write_broken)
    if args.diff:
        from migrator.render.output import unified_diff

        emit("".join(unified_diff(r.original, text, r.path) for r, text in zip(results, texts, strict=True)))
    else:
        emit("".join(texts))
    for line in refused:
        print(f"migrate: error: {line}", file=sys.stderr)
    return EXIT_ERROR if refused else EXIT_OK


def _offered(results: list[Result], broken: bool) -> tuple[list[str], list[str]]:
    """What is printed for each file: its migration, or the file as it was when the migrated final stage
    cannot start (as `--write` does: such a migration is worse than none; `broken` prints it anyway), and a
    line per file left as it was."""
    from migrator.api import start_error

    texts, refused = [], []
    for result in results:
        error = None if broken else start_error(result)
        texts.append(result.dockerfile if error is None else result.original)
        if error is not None:
            refused.append(not_written(shown_name(result.path), error, "--write-broken", printed=True))
    return texts, refused


def _write(results: list[Result], inputs: list[Input], backup: bool, broken: bool = False) -> int:
    """All files or none (see cli.files); standard input is printed instead. A migration whose final stage
    cannot start is not written (unless `broken`): the others are, and the exit status is 2."""
    from migrator.api import start_error
    from migrator.cli.files import Replacement, describe, emit, replace_files

    replacements, seen, refused = [], set(), []
    for result, item in zip(results, inputs, strict=True):
        if item.target is None:
            texts, refusals = _offered([result], broken)
            emit(texts[0])
            refused += refusals
        elif result.changed and item.target not in seen:
            seen.add(item.target)
            error = None if broken else start_error(result)
            if error is not None:
                refused.append(not_written(shown_name(item.name), error, "--write-broken"))
                continue
            replacements.append(Replacement(item, result.dockerfile, backup))
    for name in replace_files(replacements):
        item = next(i for i in inputs if i.name == name)
        print(f"migrated {describe(name, item.target)}", file=sys.stderr)
    for line in refused:
        print(f"migrate: error: {line}", file=sys.stderr)
    return EXIT_ERROR if refused else EXIT_OK


def not_written(name: str, error: Finding, override: str, printed: bool = False) -> str:
    """One line: which file was left as it was, why (the error finding), and how to write it anyway."""
    where = f" (line {error.line})" if error.line else ""
    what, verb = ("not migrated, printed as it was", "prints") if printed else ("not written, left as it was", "writes")
    return printable(f"{name}: {what}: the migrated final stage cannot start: "
                     f"E {error.code}{where} {error.message} ({override} {verb} it anyway)")


def _print_findings(results: list[Result]) -> None:
    for result in results:
        sys.stderr.write("".join(_finding_lines(result, sys.stderr.isatty())))


def _finding_lines(result: Result, with_info: bool = False) -> list[str]:
    lines = []
    for item in result.findings:
        if item.severity == Severity.INFO and not with_info:
            continue
        mark = SEVERITY_MARK[item.severity.value]
        lines.append(f"{shown_name(result.path)}:{item.line}: {printable(f'{mark} {item.code} {item.message}')}\n")
    return lines


def _explain(code: str) -> int:
    from migrator.findings import lookup

    try:
        entry = lookup(code)
    except KeyError:
        raise UsageError(f"unknown finding code '{code}' (see --list-codes)") from None
    print(f"{entry.code} ({entry.severity.value}): {entry.title}\n\n{entry.doc}")
    return EXIT_OK


def _list_codes() -> int:
    from migrator.findings import catalog

    for entry in sorted(catalog().values(), key=lambda c: c.code):
        print(f"{entry.code}  {entry.severity.value:<7}  {entry.title}")
    return EXIT_OK
