"""Paths of the source image that a RUN command needs and the Chainguard image does not have.

`setcap ... /usr/local/bin/python3.12`, `sed -i ... /etc/locale.gen`, `chmod 777 /var/cache/nginx`:
each worked on the Docker Hub image because the image shipped the path, and fails on the Chainguard
image, which lays the same software out elsewhere (rules: chainguard-images.yaml `dockerhub_paths`).
A path the Dockerfile itself created or named before (a COPY destination, an ENV value, an earlier
command) is left alone: then the stage makes it. Only commands that need the path to exist are read,
so `mkdir -p`, `rm -f` and a copy's destination never count.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import area
from migrator.regex import glob_match, glob_root
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome, Token
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.findings import shell as codes
    from migrator.rewrite.shell_syntax import Source
else:
    codes = area("shell")  # (imported at the first shell code said)

# commands whose path arguments must exist (all of them, or all but the last: the destination)
_ALL_ARGUMENTS = {"chmod", "chown", "chgrp", "setcap", "getcap", "sed", "cat", "ls", "find", "cd", "stat", "source",
                  ".", "patch", "grep", "head", "tail", "readlink", "realpath", "strip", "ldd", "file"}
_ALL_BUT_LAST = {"cp", "mv", "install"}
_OWNER_FIRST = {"chown", "chgrp", "chmod", "setcap"}  # their first argument is an owner, mode or capability


def check(cmd: Cmd, ctx: Context, before: str, src: Source | None = None) -> Outcome | None:
    """An error for each path argument of `cmd` that only the source image had; `before` is the script up
    to the command (a path it creates or names first is the stage's own). With the script's parse (`src`), a
    word that names the path through a variable set to a literal, or to a listing of a pattern that only the
    source image's paths match (then the word is empty), is judged too (path_variables.py)."""
    stage = ctx.stage
    if stage.probing or ctx.family == "wolfi" or not ctx.rules.dockerhub_paths:
        return None
    missing: list[str] = []
    maybe: list[str] = []
    moved = _moved(cmd, ctx)
    if moved is not None:
        return moved
    for token in _required_paths(cmd, src is not None):
        if token.value is not None:
            found = _source_only(token.value, ctx, before, cmd.line)
        else:
            found = _through_variable(token, ctx, before, cmd.line, src) if src is not None else None
        if found is not None and found[0] not in missing + maybe:
            (missing if found[1] else maybe).append(found[0])
    if not missing and not maybe:
        return None
    image = f"The {stage.image_name} image" if stage.image_name else "The Chainguard image"
    shown = f"`{' '.join(w.text for w in cmd.words[:4])}{' ...' if len(cmd.words) > 4 else ''}` left as written"
    if not missing:
        message = (f"{shown}: {'; '.join(maybe)}. {image} does not have it; only the build-context directory "
                   f"copied there may hold it, which the tool could not read (give the build context: --context DIR): "
                   f"if it does not, {cmd.name or 'the command'} fails there")
        return Outcome(findings=[codes.SOURCE_PATH_MAYBE_COPIED.finding(cmd.line, message)])
    message = (f"{shown}: {'; '.join(missing)}. {image} does not have it, so {cmd.name or 'the command'} fails "
               "there: use the path named here, or create it earlier in the stage")
    return Outcome(fails=True, findings=[codes.SOURCE_PATH_MISSING.finding(cmd.line, message)])


def _through_variable(token: Token, ctx: Context, before: str, line: int, src: Source) -> tuple[str, bool] | None:
    """_source_only of the path a variable word names (`"$PYBIN"`), with what set the variable left out of
    what the stage names before the command (it names the path, it does not make it)."""
    from migrator.rewrite.path_variables import resolve

    resolved = resolve(token, src, len(before), ctx.stage.earlier)
    if resolved is None:
        return None
    start, end = resolved.hidden
    shown_before = before[:start] + before[end:] if end else before
    earlier = [text for text in ctx.stage.earlier if text != resolved.setter]
    found = _source_only(resolved.path, ctx, shown_before, line, earlier)
    if found is None:
        return None
    if resolved.empty:
        return (f"{token.text} is empty there: it is {resolved.how}, which prints nothing where no path matches "
                f"the pattern: {found[0]}", found[1])
    return f"{token.text} is {resolved.path} ({resolved.how}), and {found[0]}", found[1]


def _moved(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`sed -i ... /etc/php/php.ini-production`: the same file has another path on the Chainguard image."""
    replace: dict[int, str] = {}
    done: list[str] = []
    for token in _required_paths(cmd):
        path = posixpath.normpath(token.value or "")
        target = ctx.rules.dockerhub_moved.get(path)
        if target is not None and ctx.rules.dockerhub_path_applies(path, ctx.stage.source_repository, ctx.family):
            index = next(i for i, t in enumerate(cmd.tokens) if t is token)
            replace[index] = token.text.replace(token.value or "", target)
            done.append(f"{token.value} -> {target}")
    if not replace:
        return None
    message = f"{', '.join(done)}: where the Chainguard image has the same file"
    return Outcome(replace=replace, findings=[codes.LAYOUT_TRANSLATED.finding(cmd.line, message)])


def _required_paths(cmd: Cmd, variables: bool = False) -> list[Token]:
    """The words of `cmd` that name a path it needs: literal absolute paths, and with `variables` the words that
    expand something (a variable may hold such a path), in their places (`cp "$SRC" /dest`: not the last)."""
    name = cmd.name
    arguments = [w for w in cmd.words[1:] if not w.is_option and (w.value is not None or variables)]
    if name in _ALL_BUT_LAST:
        arguments = arguments[:-1]
    elif name == "sed":
        if not any((w.value or "").startswith(("-e", "-f", "--expression", "--file")) for w in cmd.words[1:]):
            arguments = arguments[1:]  # the script
    elif name in _OWNER_FIRST:
        arguments = arguments[1:]
    elif name not in _ALL_ARGUMENTS:
        arguments = []
    command = cmd.words[0]
    program = [command] if (command.value or "").startswith("/") or (variables and command.value is None) else []
    return [w for w in program + arguments if (w.value or "").startswith("/") or (variables and w.value is None)]


def _copied_before(root: str, line: int, ctx: Context) -> tuple[bool | None, int]:
    """A COPY/ADD before `line` put the path in place (a glob's file may be it), or a file inside it (it made
    the directory), or copied a directory whose contents may hold it: True; None when only a build-context
    directory nobody can read may hold it (no context on disk); False when none can."""
    trees = {(tree[0], tree[1]): tree for tree in ctx.stage.copied_trees}
    unknown = 0
    for copied_line, copied in ctx.stage.copied:
        if copied_line >= line:
            continue
        if (copied == root or copied.startswith(root.rstrip("/") + "/") or glob_match(root, copied)
                or glob_match(copied, root)):  # (a glob's: `COPY py /usr/local/bin/python3.12`)
            return True, copied_line
        if not root.startswith(copied.rstrip("/") + "/"):
            continue
        tree = trees.get((copied_line, copied))
        if tree is None or ctx.stage.tree_may_have is None:
            return True, copied_line
        answer = ctx.stage.tree_may_have(tree, root[len(copied.rstrip("/")) + 1:])
        if answer:
            return True, copied_line
        unknown = unknown or (copied_line if answer is None else 0)
    return (None, unknown) if unknown else (False, 0)


def _source_only(path: str, ctx: Context, before: str, line: int,
                 earlier: list[str] | None = None) -> tuple[str, bool] | None:
    """`path is ... (why)` when the path is one of the source image's that the stage did not make itself, and
    whether that is certain (not when a build-context directory copied earlier may hold it). A glob (`/usr/local/
    bin/python3.[0-9]*`) is one when every path it can match is: the stage made none when it names none that
    starts as the glob does."""
    path = posixpath.normpath(path)
    earlier = ctx.stage.earlier if earlier is None else earlier
    for head, pattern, why in _patterns(ctx.rules):
        if not path.startswith(head) or not ctx.rules.dockerhub_path_applies(pattern, ctx.stage.source_repository,
                                                                               ctx.family):
            continue
        root = glob_root(path, pattern)
        if root is None or not _only_matches(root, pattern):
            continue
        named = _literal_start(root)
        if named in before or any(named in text for text in earlier):
            continue
        copied, copy_line = _copied_before(root, line, ctx)
        if copied:  # (`COPY docker-entrypoint.sh /usr/local/bin/`)
            continue
        if unpacked_into(named, [before, *earlier]):
            continue
        if copied is None:
            return f"{path} is a path of the source image ({why}), unless the COPY of line {copy_line} put it", False
        return f"{path} is a path of the source image ({why})", True
    return None


def _literal_start(root: str) -> str:
    """A path as it stands, or a glob up to its first wildcard (what a path it matches starts with)."""
    return re.split(r"[*?\[]", root, maxsplit=1)[0]


def _only_matches(root: str, pattern: str) -> bool:
    """Does every path the glob `root` can match, match `pattern` (the root of a source-image path)? A literal
    root does when it matches; a glob when its literal start already holds all of the pattern but a final `*`
    (`/usr/local/bin/python3.[0-9]*` in `/usr/local/bin/python*`), or the whole literal pattern and a slash."""
    start = _literal_start(root)
    if start == root:
        return True
    head = _literal_start(pattern)
    if head == pattern:
        return start.startswith(pattern.rstrip("/") + "/")
    return pattern == head + "*" and start.startswith(head)


_PATTERNS: dict[int, tuple[RuleSet, list[tuple[str, str, str]]]] = {}


def _patterns(rules: RuleSet) -> list[tuple[str, str, str]]:
    """(literal head, glob, why) of the source-image paths, once per rule set: a path is matched against
    the globs whose head it starts with (every argument of every command is asked)."""
    cached = _PATTERNS.get(id(rules))
    if cached is None or cached[0] is not rules:
        paths = rules.dockerhub_paths.items()  # those with an env are recreated with it where needed (MIG547)
        found = [(re.split(r"[*?\[]", p, maxsplit=1)[0], p, why) for p, why in paths if p not in rules.dockerhub_env]
        cached = _PATTERNS[id(rules)] = (rules, found)
    return cached[1]


# a directory something unpacks or installs into: `tar -C /usr/local`, `--prefix=/usr/local`, `unzip -d /opt`
# (not a test's `-d`: `[ -d /usr/local/bin ]`, `test ! -d /opt` only ask)
_INTO = lazy_re(r"(?:\s-C|--directory|--prefix|--root|(?<![\[!])(?<!\btest)\s-d|DESTDIR|PREFIX)[=\s]+[\"']?"
                r"(/[^\s\"';&|]*)")


# `make install` and its kind install under /usr/local unless told otherwise
_BUILDS_INSTALL = lazy_re(r"\bmake\b[^;&|\n]*\b(?:alt)?install\b|\bcmake\s+--install\b"
                             r"|\bninja\b[^;&|\n]*\binstall\b")


def unpacked_into(root: str, texts: list[str]) -> bool:
    """`curl ... | tar -C /usr/local -xz` made /usr/local/go: a path under a directory the stage unpacked into
    (or under /usr/local, after a `make install`)."""
    for text in texts:
        if root.startswith("/usr/local/") and _BUILDS_INSTALL.search(text):
            return True
        for match in _INTO.finditer(text):
            target = match.group(1).rstrip("/")
            if root.startswith(target + "/"):
                return True
    return False
