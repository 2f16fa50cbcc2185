"""What a started program's own configuration file runs: uWSGI's `hook-pre-app = exec:./manage.py migrate` and
`attach-daemon = ...` run through /bin/sh -c, so the runtime needs a shell as a start script does (rules/tools.yaml
`config_commands`). Read from the build context on disk; a file that is not there says nothing."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from migrator.records import dataclass
from migrator.validate.stage_files import Context, in_context_tree, locate, located_origin
from migrator.validate.stage_view import StageView


@dataclass(frozen=True)
class ConfigCommand:
    program: str  # uwsgi
    config: str  # the file's path in the stage
    option: str  # the line as written: `hook-pre-app = exec:./manage.py migrate`
    stops: bool  # its failure stops the program at start (else it runs beside it: a daemon, a cron job)


@dataclass(frozen=True)
class _Rule:
    options: tuple[str, ...]
    suffixes: tuple[str, ...]
    section: str | None
    stops: tuple[str, ...]
    runs: tuple[str, ...]


@lru_cache(maxsize=1)
def _rules() -> dict[str, _Rule]:
    from migrator.rules.data import builtin_data

    found = {}
    for program, value in (builtin_data("tools.yaml").get("config_commands") or {}).items():
        config = value.get("config") or {}
        found[str(program)] = _Rule(tuple(config.get("options") or ()), tuple(config.get("suffixes") or ()),
                                    value.get("section"), tuple(value.get("stops") or ()),
                                    tuple(value.get("runs") or ()))
    return found


def config_command(argv: tuple[str, ...], view: StageView, context: Context) -> ConfigCommand | None:
    """The first command the configuration file of the started program (`uwsgi /app/uwsgi.ini`, `uwsgi --ini
    app.ini`) runs through a shell, one whose failure stops the program first; None when the program reads no such
    file, or the file is not in the build context on disk."""
    program = posixpath.basename(argv[0]) if argv else ""
    rule = _rules().get(program)
    if rule is None:
        return None
    found: list[ConfigCommand] = []
    for config in _configs(argv[1:], rule):
        text = _text(config, view, context)
        if text is not None:
            found += [ConfigCommand(program, config, line, stops) for line, stops in _commands(text, rule)]
    return next((c for c in found if c.stops), found[0] if found else None)


def _configs(arguments: tuple[str, ...], rule: _Rule) -> list[str]:
    """The configuration files the arguments name: after an option (`--ini FILE`, `--ini=FILE`), or alone with
    the file's suffix (`uwsgi app.ini`); a section suffix (`app.ini:prod`) is not followed."""
    found = []
    for index, word in enumerate(arguments):
        option, equals, value = word.partition("=")
        if equals and option in rule.options:
            found.append(value)
        elif word in rule.options and index + 1 < len(arguments):
            found.append(arguments[index + 1])
        elif not word.startswith("-") and word.endswith(rule.suffixes) and (
                index == 0 or arguments[index - 1] not in rule.options):
            found.append(word)
    return [f for f in found if f and "$" not in f and ":" not in f]


def _text(config: str, view: StageView, context: Context) -> str | None:
    """The file the stage has at `config` (under WORKDIR when relative), read where the build context has it."""
    maybe, unread = len(context.maybe), len(context.unread)
    located = locate(view, context, config if "/" in config else f"./{config}")
    del context.maybe[maybe:], context.unread[unread:]  # (the file's doubts are not the start command's)
    if located is None or located.how == "image":
        return None
    origin, source = located_origin(view, context, located)
    if origin == "built" and located.how == "copied":
        origin, source = "context", in_context_tree(view, context, located.path)
    if source is None or origin not in ("context", "written"):
        return None
    return source if origin == "written" else context.files.text(source)


def _commands(text: str, rule: _Rule) -> list[tuple[str, bool]]:
    """(line, stops) of each option of the program's section that runs a command through a shell."""
    from migrator.regex import glob_match

    section: str | None = None
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        key, equals, value = line.partition("=")
        if not equals or (rule.section is not None and section != rule.section):
            continue
        key, value = key.strip().replace("_", "-"), value.strip()
        if not value:
            continue
        for patterns, stops in ((rule.stops, True), (rule.runs, False)):
            if any(glob_match(key, name) and glob_match(value, wanted or "*")
                   for name, _, wanted in (p.partition("=") for p in patterns)):
                found.append((line, stops))
                break
    return found
