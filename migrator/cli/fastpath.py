"""The command lines a pre-commit hook and a CI step run, parsed by hand, without Typer.

Importing Typer (with Rich and its own Click) takes 35-50 ms, more than a whole migration of a
typical file and about twice hadolint's whole run. So `migrate [OPTIONS] PATH...` and
`migrate hook check|fix [OPTIONS] FILE...` with the options they use every day are parsed here,
and everything else goes to the Typer application (`cli.app`): help, --version, completion,
other sub-commands, and any argument this parser is not certain about, valid or not (an unknown
option, a value that is not one of the choices, `--opt=` on a flag, `--`, a value that starts
with `-`, bundled short flags). Typer then gives the answer, or the one-line error, that it would
give anyway: this is an accelerator, never a second dialect. tests/cli/test_fastpath.py checks
that both parsers read every command line this one accepts the same way.
"""

from __future__ import annotations

from pathlib import Path

from migrator.cli.args import FAIL_ON, FORMATS, SUBCOMMANDS, TAG_POLICIES, HookArgs, MigrateArgs

# option -> attribute, for each kind of option
_MIGRATE_FLAGS = {
    "-i": "write", "--write": "write", "--diff": "diff", "--check": "check", "--json": "json",
    "--no-backup": "no_backup", "--write-broken": "write_broken",
    "--pin": "pin", "--verify-tags": "verify_tags", "-q": "quiet", "--quiet": "quiet",
}
_MIGRATE_VALUES = {
    "--registry": "registry", "--org": "org", "--tag-policy": "tag_policy", "--stdin-filename": "stdin_filename",
    "--context": "context", "--format": "fmt",
}
_MIGRATE_LISTS = {"--rules": "rules", "--ignore": "ignore"}

_HOOK_FLAGS = {"--pin": "pin", "--verify-tags": "verify_tags"}
_HOOK_VALUES = {"--registry": "registry", "--org": "org", "--tag-policy": "tag_policy", "--fail-on": "fail_on",
                "--context": "context"}
_HOOK_LISTS = {"--rules": "rules", "--ignore": "ignore"}

_CHOICES: dict[str, tuple[str, ...]] = {"tag_policy": TAG_POLICIES, "fmt": FORMATS, "fail_on": FAIL_ON}
HOOK_MODES = ("check", "fix")


class _NotMine(Exception):
    """This command line is for Typer."""


def parse(argv: list[str]) -> MigrateArgs | HookArgs | None:
    """The parsed command line, or None when Typer must read it."""
    try:
        if argv[:1] == ["hook"]:
            if len(argv) < 2 or argv[1] not in HOOK_MODES:
                return None
            hook = HookArgs(mode=argv[1])
            hook.files = _read(argv[2:], hook, _HOOK_FLAGS, _HOOK_VALUES, _HOOK_LISTS)
            return hook
        if argv[:1] and argv[0] in SUBCOMMANDS:
            return None
        args = MigrateArgs()
        args.paths = _read(argv, args, _MIGRATE_FLAGS, _MIGRATE_VALUES, _MIGRATE_LISTS)
        args.rules = [Path(p) for p in args.rules]
        return args
    except _NotMine:
        return None


def _read(argv: list[str], into: object, flags: dict[str, str], values: dict[str, str],
          lists: dict[str, str]) -> list[str]:
    """Set the options on `into`; return the positional arguments."""
    positional: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "-" or not word.startswith("-"):
            positional.append(word)
            continue
        name, equals, value = word.partition("=")
        if name in flags and not equals:
            setattr(into, flags[name], True)
            continue
        if not name.startswith("--") or (name not in values and name not in lists):
            raise _NotMine
        if not equals:
            following = next(words, None)
            if following is None or following.startswith("-"):
                raise _NotMine  # missing, or is it an option? Typer decides
            value = following
        attribute = values.get(name) or lists[name]
        if value not in _CHOICES.get(attribute, (value,)):
            raise _NotMine
        if name in lists:
            getattr(into, attribute).append(value)
        else:
            setattr(into, attribute, value)
    return positional
