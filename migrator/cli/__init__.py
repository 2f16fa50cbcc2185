"""Console entry point `migrate`.

`migrate PATH...` (the hot path, used by the pre-commit hook) is parsed with argparse and imports
only what it needs. Sub-commands live in their own modules and are imported on demand, so
`migrate --check Dockerfile` never pays for Typer, Rich, httpx or jinja2. Every command runs inside
`errors.guarded`: one-line errors and the same exit codes everywhere.
"""

from __future__ import annotations

import importlib
import sys

# sub-command -> "module:function"; each function takes argv (after the sub-command) and returns an exit code
SUBCOMMANDS: dict[str, str] = {
    "validate": "migrator.cli.validate_cmd:validate_main",
    "doctor": "migrator.cli.validate_cmd:doctor_main",
    "scan": "migrator.cli.scan_cmd:scan_main",
    "hook": "migrator.cli.hook_cmd:hook_main",
    "config": "migrator.cli.scan_cmd:config_main",
    "comment": "migrator.cli.comment_cmd:comment_main",
}


def main(argv: list[str] | None = None) -> int:
    from migrator.cli.errors import guarded

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        prog = f"migrate {args[0]}"

        def command() -> int:
            module_name, func_name = SUBCOMMANDS[args[0]].split(":")
            return int(getattr(importlib.import_module(module_name), func_name)(args[1:]))
    else:
        prog = "migrate"

        def command() -> int:
            from migrator.cli.migrate_cmd import migrate_main

            return migrate_main(args)

    code = guarded(prog, command)
    if argv is None:
        sys.exit(code)
    return code
