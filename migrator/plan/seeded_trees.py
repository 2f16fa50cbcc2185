"""What a start script from the build context puts in place when the container starts.

Docker Hub's application images (matomo, wordpress, nextcloud) unpack the application into /usr/src/<app> at
build time and let their entrypoint script copy it into the docroot at the first start (the docroot is a
volume): `tar cf - -C /usr/src/app . | tar xf -`, `cp -a /usr/src/app/. /var/www/html/`, `rsync -a
/usr/src/app/ /var/www/html/`. A runtime that does not run the script (the php-fpm image starts php-fpm
itself) must get the files there some other way, and one that runs it must have the directory it copies from.
"""

from __future__ import annotations

import posixpath

from migrator.records import dataclass

TYPE_CHECKING = False  # not typing's (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.stages import Stage
    from migrator.rewrite.shell_syntax import Source


@dataclass(frozen=True)
class Seeding:
    source: str  # the directory (or archive) the script takes the files from, absolute
    destination: str  # the directory it puts them in, absolute
    command: str  # as written in the script
    plain: bool  # the whole directory's contents, nothing left out: `COPY --from=builder SOURCE DESTINATION` does it


@dataclass(frozen=True)
class StartScript:
    path: str  # in the image (/entrypoint.sh)
    line: int  # of the ENTRYPOINT or CMD that starts it
    seeds: tuple[Seeding, ...]
    chowns: bool  # the script gives files away (`chown -R www-data .`)


def start_script_seeds(stage: Stage, files: BuildContext, workdir: str) -> StartScript | None:
    """The seeding of the build-context script the stage's ENTRYPOINT (or CMD) starts, when it has any."""
    from migrator.plan.scripts import start_script

    if files.root is None or not any(i.keyword in ("ENTRYPOINT", "CMD") for s in stage.chain()
                                     for i in s.instructions):
        return None
    found = start_script(stage)
    if found is None:
        return None
    program, line, source = found
    text = files.text(source)
    if not text:
        return None
    seeds, chowns = seedings(text, workdir)
    if not seeds:
        return None
    return StartScript(posixpath.normpath(posixpath.join(workdir, program)), line, tuple(seeds), chowns)


def seedings(text: str, workdir: str) -> tuple[list[Seeding], bool]:
    """The directories (and archives) the script copies into another directory, and whether it chowns."""
    from migrator.rewrite.shell_syntax import command_words, literal, parsed, walk

    try:
        src = parsed(text, 1)
    except Exception:  # never raise on user input
        return [], False
    if src.root.has_error:
        return [], False
    found: list[Seeding] = []
    cwd = workdir
    chowns = False
    consumed: set[int] = set()
    for node in walk(src.root):
        if node.type == "pipeline":
            piped = _tar_pipe(src, node, cwd)
            if piped is not None:
                found.append(piped)
                consumed |= {c.start_byte for c in walk(node) if c.type == "command"}
            continue
        if node.type != "command" or node.start_byte in consumed:
            continue
        words = [literal(src, w) for w in command_words(node)[1]]
        if not words or words[0] is None:
            continue
        name = posixpath.basename(words[0])
        if name == "cd" and len(words) == 2 and words[1] is not None:
            cwd = posixpath.normpath(posixpath.join(cwd, words[1]))
        chowns = chowns or name == "chown"
        seeded = _copied(name, words, cwd, src.slice(node)) or _unpacked(name, words, cwd, src.slice(node))
        if seeded is not None:
            found.append(seeded)
    return found, chowns


def _tar_pipe(src: Source, node: Node, cwd: str) -> Seeding | None:
    """`tar cf - -C /usr/src/app . | tar xf -`: the tree copied into the directory the second tar extracts in."""
    from migrator.rewrite.shell_syntax import command_words, literal

    commands = [c for c in node.named_children if c.type == "command"]
    if len(commands) != 2:
        return None
    words = [[literal(src, w) for w in command_words(c)[1]] for c in commands]
    if any(not w or w[0] is None or posixpath.basename(w[0] or "") != "tar" for w in words):
        return None
    create, extract = words
    if not _tar_mode(create, "c") or not _tar_mode(extract, "x"):
        return None
    source = _tar_directory(create)
    if source is None or "$" in source:
        return None
    destination = _tar_directory(extract) or "."
    members = [w for w in create[1:] if w == "."]
    plain = bool(members) and not any((w or "").startswith("--exclude") for w in create + extract)
    return Seeding(posixpath.normpath(posixpath.join(cwd, source)),
                   posixpath.normpath(posixpath.join(cwd, destination)), src.slice(node), plain)


def _tar_mode(words: list[str | None], mode: str) -> bool:
    first = words[1] if len(words) > 1 else None
    if first is not None and not first.startswith("-") and mode in first:
        return True  # (`tar cf -`: the old bundled options)
    long = {"c": "--create", "x": "--extract"}[mode]
    return any(w is not None and (w == long or (w.startswith("-") and not w.startswith("--") and mode in w))
               for w in words[1:])


def _tar_directory(words: list[str | None]) -> str | None:
    for index, word in enumerate(words):
        if word in ("-C", "--directory") and index + 1 < len(words):
            return words[index + 1]
        if word is not None and word.startswith("--directory="):
            return word.split("=", 1)[1]
    return None


def _copied(name: str, words: list[str | None], cwd: str, written: str) -> Seeding | None:
    """`cp -a /usr/src/app/. /var/www/html/`, `rsync -a /usr/src/app/ .`: a directory's contents copied."""
    if name not in ("cp", "rsync") or any(w is None for w in words):
        return None
    plain_words = [w or "" for w in words]
    options = [w for w in plain_words[1:] if w.startswith("-")]
    arguments = [w for w in plain_words[1:] if not w.startswith("-")]
    recursive = any(o in ("--archive", "--recursive") or (not o.startswith("--") and set(o[1:]) & set("arR"))
                    for o in options)
    if not recursive or len(arguments) < 2 or not arguments[-2].startswith("/"):
        return None
    source, destination = arguments[-2], arguments[-1]
    contents = source.endswith(("/.", "/*")) or (name == "rsync" and source.endswith("/")) or "-T" in options
    directory = source[:-2] if source.endswith(("/.", "/*")) else source.rstrip("/") or "/"
    target = posixpath.normpath(posixpath.join(cwd, destination))
    if not contents:
        target = posixpath.join(target, posixpath.basename(directory))
    plain = (contents and len(arguments) == 2 and "$" not in source
             and not any(o.startswith(("--exclude", "--filter", "--include")) for o in options))
    return Seeding(posixpath.normpath(directory), target, written, plain)


def _unpacked(name: str, words: list[str | None], cwd: str, written: str) -> Seeding | None:
    """`tar xzf /usr/src/app.tar.gz -C /var/www/html`, `unzip /usr/src/app.zip -d .`: an archive unpacked."""
    plain_words = [w or "" for w in words]
    archive: str | None = None
    destination = "."
    if name == "tar" and _tar_mode(words, "x"):
        for index, word in enumerate(plain_words[1:], 1):
            if word.startswith("--file="):
                archive = word.split("=", 1)[1]
            elif (not word.startswith("--") and "f" in word and (index == 1 or word.startswith("-"))
                  and index + 1 < len(plain_words)):
                archive = plain_words[index + 1]
        destination = _tar_directory(words) or "."
    elif name == "unzip":
        arguments = [w for w in plain_words[1:] if not w.startswith("-")]
        archive = arguments[0] if arguments else None
        if "-d" in plain_words and plain_words.index("-d") + 1 < len(plain_words):
            destination = plain_words[plain_words.index("-d") + 1]
    if archive is None or not archive.startswith("/") or "$" in archive:
        return None
    return Seeding(posixpath.normpath(archive), posixpath.normpath(posixpath.join(cwd, destination)), written, False)


def serves(seeding: Seeding, docroots: tuple[str, ...]) -> bool:
    """Does the script put the files where the runtime serves them (the WORKDIR, a docroot under /var/www)?"""
    return any(seeding.destination == d or seeding.destination.startswith(d.rstrip("/") + "/")
               for d in (*docroots, "/var/www"))


def builder_has(path: str, stage: Stage) -> bool:
    """Does a line of the stage (or those it is built FROM) make `path`: name it, or unpack into its parent?"""
    import re

    from migrator.rewrite.source_paths import unpacked_into

    texts = [i.raw for s in stage.chain() for i in s.instructions if i.keyword in ("RUN", "COPY", "ADD", "WORKDIR")]
    named = re.compile(rf"(?<![\w/.-]){re.escape(path.rstrip('/'))}(?![\w.-])")
    return any(named.search(text) for text in texts) or unpacked_into(path, texts)
