"""Finding codes for the 'config' area: configuration, pragmas, the pre-commit hook and `migrate scan`."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code(
        "MIG701",
        Severity.WARNING,
        "Unreadable migrate pragma",
        "A comment starting with `# migrate:` is neither `# migrate: ignore=CODE[,CODE]` nor "
        "`# migrate: skip-file`, so it does nothing. Fix the spelling (codes are separated by commas, "
        "e.g. `# migrate: ignore=MIG301,MIG402`) or turn it into an ordinary comment.",
    ),
    Code(
        "MIG702",
        Severity.INFO,
        "File skipped by pragma",
        "The file contains `# migrate: skip-file`, so migrator leaves it exactly as it is and reports "
        "nothing else about it. Remove the comment to migrate the file.",
    ),
    Code(
        "MIG703",
        Severity.ERROR,
        "File cannot be read as a Dockerfile",
        "The file matched a Dockerfile name but could not be read as one: it is empty, binary, "
        "unreadable, or its text is not a Dockerfile. The message says which. `migrate scan` and the "
        "pre-commit hook report the other files too, name this one on stderr and exit 2; with `--write` "
        "or `hook fix` nothing is written; exclude the file (`.gitignore`, the hook's `exclude:`) or set "
        "`fail-on: never` for its path to have it reported without failing the run.",
    ),
    Code(
        "MIG704",
        Severity.WARNING,
        "Link out of the scanned tree: not followed",
        "`migrate scan` found a Dockerfile name that is a symbolic link (or inside a linked directory) whose "
        "file is outside the directory it scans. It is neither read nor rewritten by `--write`: a tree, "
        "such as a pull request's checkout, must not make the tool change files elsewhere. Migrate that "
        "file by its own path (`migrate --write PATH`) if that is what you want.",
    ),
    Code(
        "MIG705",
        Severity.WARNING,
        "Dockerfile name that leads to no file: skipped",
        "`migrate scan` found a Dockerfile name that is not a regular file: a symbolic link whose target does "
        "not exist (or a loop of links), a FIFO, a socket or a device. There is nothing to read or rewrite, so "
        "the name is skipped and the rest of the tree is scanned; remove the name or make it lead to the "
        "Dockerfile it stands for.",
    ),
)
