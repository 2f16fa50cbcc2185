"""What `cp`, `mv`, `install` and `ln` put where: their sources and destination, read from their options
(-t/--target-directory, -T/--no-target-directory, `install -d` that makes directories, each command's
options with a value, `--`). The one reader of these commands: plan.placed_programs (programs the start
command runs) and rewrite.uncarried (files a final stage writes) both use it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from migrator.parse.options import scan
from migrator.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from migrator.plan.facts import StageFacts

COPY_COMMANDS = frozenset({"cp", "mv", "install", "ln"})
# per command: (short options that take a value, long options that must have one: `--mode 755` or `--mode=755`)
_VALUED: dict[str, tuple[str, frozenset[str]]] = {
    "cp": ("St", frozenset({"--suffix", "--sparse", "--no-preserve", "--target-directory"})),
    "mv": ("St", frozenset({"--suffix", "--target-directory"})),
    "install": ("mogSt", frozenset({"--mode", "--owner", "--group", "--suffix", "--strip-program",
                                    "--target-directory"})),
    "ln": ("St", frozenset({"--suffix", "--target-directory"})),
}


@dataclass(frozen=True)
class CopyOperands:
    sources: tuple[str, ...]
    destination: str
    into_directory: bool | None  # True: -t DIR, a trailing slash or several sources; False: -T; None: not told

    def targets(self) -> list[tuple[str, str]]:
        """(source, what it becomes) when the destination is known to be a directory or the file itself;
        when it is not told, the destination as written."""
        if self.into_directory:
            return [(source, posixpath.join(self.destination, posixpath.basename(source.rstrip("/"))))
                    for source in self.sources]
        return [(source, self.destination) for source in self.sources]


def copy_operands(words: Sequence[str]) -> CopyOperands | None:
    """Sources and destination of `cp|mv|install|ln [options] SOURCE... DEST` or `... -t DIR SOURCE...`
    (`words` with the program first); None for another command, `install -d` (it makes directories) and
    a command without both."""
    name = posixpath.basename(words[0]) if words else ""
    if name not in _VALUED:
        return None
    scanned = scan(words[1:], *_VALUED[name])
    if name == "install" and scanned.has("-d", "--directory"):
        return None
    positional = scanned.operands
    if scanned.has("-t", "--target-directory"):
        target = scanned.value("-t", "--target-directory")
        return CopyOperands(positional, target, True) if positional and target else None
    if len(positional) < 2:
        return None
    *sources, destination = positional
    if scanned.has("-T", "--no-target-directory"):
        return CopyOperands(tuple(sources[-1:]), destination, False)
    several = len(sources) > 1 or destination.endswith("/")
    return CopyOperands(tuple(sources), destination, True if several else None)


def made_directories(words: Sequence[str]) -> tuple[str, ...]:
    """The directories `install -d DIR...` makes (none for any other command)."""
    if not words or posixpath.basename(words[0]) != "install":
        return ()
    scanned = scan(words[1:], *_VALUED["install"])
    return scanned.operands if scanned.has("-d", "--directory") else ()


def moved_into(facts: StageFacts, path: str) -> tuple[str, int] | None:
    """(the tree, the RUN's line) whose contents a RUN of the stage copied or moved into `path` (`cp -r /install/.
    /usr/local/`, `cp -a /install/* /usr/local`, `mv /install/* /usr/local/`), the last such; None when none did."""
    target = path.rstrip("/") or "/"
    for command in reversed(facts.commands_named("cp", "mv")):
        operands = copy_operands(command.words)
        if operands is None or len(operands.sources) != 1 or operands.into_directory is False:
            continue
        source, destination = operands.sources[0], command.resolve(operands.destination, facts.env)
        contents = _CONTENTS.search(source)
        if contents is None or destination != target:
            continue
        tree = command.resolve(source[: contents.start()] or "/", facts.env)
        if tree is not None and tree != target:
            return tree, command.line
    return None


_CONTENTS = re.compile(r"/+[.*]$")  # `/install/.`, `/install/*`: the directory's contents, not itself
