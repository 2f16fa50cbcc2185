"""What a package manager makes beside the app when it runs in the app's directory after a `cd` (or with its
own directory option): `RUN cd /srv && npm install` makes /srv/node_modules, `composer install -d /srv` makes
/srv/vendor. The runtime copies the files the stage put there one by one, so it needs these too."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from migrator.plan.ecosystems.base import Copy, EcosystemContext
from migrator.plan.facts import Command


def install_directory(command: Command, context: EcosystemContext, options: Sequence[str]) -> str | None:
    """Where the command runs: the directory one of `options` names (`--prefix /srv`, `--prefix=/srv`), else its
    WORKDIR moved by each literal `cd` before it in the same RUN; None when a `cd` goes somewhere not known."""
    from migrator.plan.facts import run_scripts
    from migrator.rewrite.shell_syntax import simple_commands

    words = list(command.words)
    for option in options:
        if option in words[:-1]:
            return command.resolve(words[words.index(option) + 1], context.facts.env)
        given = next((w.split("=", 1)[1] for w in words if w.startswith(f"{option}=")), None)
        if given:
            return command.resolve(given, context.facts.env)
    if not command.workdir_known:
        return None  # (`sh -c "cd $APP && npm ci"`)
    directory = command.workdir
    for script, first_line in run_scripts(command.instruction):
        for earlier in simple_commands(script, first_line):
            if earlier.line > command.line or command.words in (earlier.words, earlier.braced):
                break
            if earlier.words[:1] == ("cd",) and len(earlier.words) == 2:
                target = earlier.words[1]
                if "$" in target or target.startswith("-"):
                    return None
                directory = posixpath.normpath(posixpath.join(directory, target))
    return directory


def resolve_where_run(command: Command, context: EcosystemContext, word: str) -> str | None:
    """The absolute path a word of the command names, read from the directory the command runs in after the
    `cd` steps before it in its RUN (`cd /srv && python -m venv .venv`: /srv/.venv); None when not known."""
    from migrator.plan.facts import joined

    expanded = command.expand(word, context.facts.env)
    directory = install_directory(command, context, ())
    return None if expanded is None else joined(expanded, directory or command.workdir)


def made_beside_the_app(context: EcosystemContext, made: Sequence[tuple[str | None, str]]) -> list[Copy]:
    """Copies of each (directory, name) the stage's installs made, for a directory the runtime does not copy whole
    (one outside the WORKDIR, or `/`: a file without WORKDIR) where the stage copied files of its own: the app lives
    there (in `/`: a file it copied right there, `COPY package.json .` -> /package.json)."""
    facts = context.facts
    copies: list[Copy] = []
    # (what a COPY put there: files it names, and a tree under names it does not show, `COPY . /srv/`, `COPY . .`)
    landed = [*facts.copy_destinations, *(target for _, target in facts.unplaced_copies)]
    for directory, name in made:
        if directory is None or (directory == facts.workdir and directory != "/") or "$" in directory:
            continue
        if any(_app_file_in(d, directory) for d in landed):
            path = f"{directory.rstrip('/')}/{name}"
            copies.append(Copy(path, path))
    return list(dict.fromkeys(copies))


def _app_file_in(destination: str, directory: str) -> bool:
    if directory == "/":
        return posixpath.dirname(destination.rstrip("/") or "/") == "/"
    return destination == directory or destination.startswith(directory.rstrip("/") + "/")
