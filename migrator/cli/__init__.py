"""Console entry point `migrate`.

`migrate PATH...`, `migrate --check PATH...` and `migrate hook check|fix FILE...` (the pre-commit
hook's and CI's hot path) are parsed by hand in `fastpath` and import only what the files need.
Every other command line, and help, completion and usage errors, go to the Typer application in
`app`. Either way the parsed arguments (`args`) run the same command, inside `errors.guarded`:
one-line errors and the same exit codes everywhere.
"""

from __future__ import annotations

import os
import sys

from migrator.cli.args import SUBCOMMANDS, ConfigArgs, HookArgs, MigrateArgs, ScanArgs

__all__ = ["SUBCOMMANDS", "execute", "main"]


def main(argv: list[str] | None = None) -> int:
    from migrator.cli.errors import guarded

    args = list(sys.argv[1:] if argv is None else argv)
    prog = f"migrate {args[0]}" if args and args[0] in SUBCOMMANDS else "migrate"
    fast = False

    def command() -> int:
        nonlocal fast
        if not os.environ.get("_MIGRATE_COMPLETE"):
            from migrator.cli.fastpath import parse

            parsed = parse(args)
            if parsed is not None:
                fast = True
                if argv is None:  # a process of its own (in a test run, the collector stays on)
                    _no_cycle_collector()
                    _kept_patterns()
                return execute(parsed)
        from migrator.cli.app import run

        return run(args)

    code = guarded(prog, command)
    if argv is None:
        if fast:
            _exit_now(code)
        sys.exit(code)
    return code


def _no_cycle_collector() -> None:
    """A migration's garbage has no reference cycles (reference counting frees it: the peak memory of a
    20,000-instruction file is the same without the collector), but the collector's passes grow with
    the live objects: 3-5 ms of a one-file run, a third of the time of a 1 MiB RUN line of words."""
    import gc

    gc.disable()


def _kept_patterns() -> None:
    """Regular expressions from the compiled-pattern cache (4-5 ms of a one-file run are compiling
    them otherwise); written back in `_exit_now` if the run compiled new ones."""
    from migrator import patterncache
    from migrator.rules.cache import cache_dir

    directory = cache_dir()
    if directory is not None:  # (no home, no cache)
        patterncache.install(str(directory))


def _exit_now(code: int) -> None:
    """End the process without the interpreter's teardown, which frees every object one by one
    (about 8 ms, a fifth of a one-file run). Safe for the fast-path commands only: by now their
    files are written and closed, and they start no thread or process and register no atexit."""
    from migrator import patterncache

    patterncache.save()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 141
    except (OSError, ValueError):
        pass
    try:  # noqa: SIM105 (contextlib is not imported on the hot path)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def execute(args: MigrateArgs | HookArgs | ScanArgs | ConfigArgs) -> int:
    """Run the command a parsed command line asks for."""
    if isinstance(args, MigrateArgs):
        from migrator.cli.migrate_cmd import migrate_main

        return migrate_main(args)
    if isinstance(args, HookArgs):
        from migrator.cli.hook_cmd import hook_main

        return hook_main(args)
    from migrator.cli.scan_cmd import config_main, scan_main

    return scan_main(args) if isinstance(args, ScanArgs) else config_main(args)
