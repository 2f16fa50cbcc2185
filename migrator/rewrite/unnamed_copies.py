"""MIG523: what a runtime stage loses when it repeats a COPY into / or a system directory.

The runtime cannot copy / or /usr/local/bin whole from the builder (it would bring the builder's own
files), so a COPY that put files there is repeated from the same source, and what a later RUN changed
in them is not carried. When the COPY names each file it copies (`COPY --from=build /out/server
/usr/local/bin/`, `COPY server /`), the names are shown and only a later RUN that names such a file
loses something; a directory's contents, a glob, `.` or a build-context directory on disk land under
names nobody can read, and are said as such.
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.buildcontext import BuildContext


def unnamed_copy_findings(copies: list[Instruction], instructions: list[Instruction], files: BuildContext,
                          line: int) -> list[Finding]:
    """The MIG523 warnings (at `line`, the final stage's FROM) for the repeated COPY lines `copies`; `instructions`:
    the file's, read for a path inside a copied source (then it is a directory) and for a later RUN that names a
    copied file."""
    unnamed: list[int] = []
    changed: list[str] = []
    runs = [i for i in instructions if i.keyword == "RUN"]
    for copy in copies:
        others = "\n".join(i.raw for i in instructions if i is not copy)
        names = _named_files(copy, files, others)
        if names is None:
            unnamed.append(copy.line)
            continue
        later = next((run for run in runs if run.line > copy.line and any(_names(run.body, n) for n in names)), None)
        if later is not None:
            changed.append(f"line {copy.line} copies {', '.join(names)}, which the RUN of line {later.line} names")
    found = []
    if unnamed:
        found.append(finding("MIG523", line, "files copied without names the Dockerfile shows (line "
                             + ", ".join(str(n) for n in unnamed) + "): the runtime repeats those COPY lines, so what "
                             "a RUN changed in them afterwards is not carried; copy into a named directory (a "
                             "WORKDIR such as /app)"))
    if changed:
        found.append(finding("MIG523", line, "; ".join(changed) + ": the runtime repeats that COPY (it cannot copy "
                             "the whole directory from the builder), so what the RUN changed in it is not carried; "
                             "copy into a named directory (a WORKDIR such as /app), or make the change before the "
                             "COPY"))
    return found


def _named_files(copy: Instruction, files: BuildContext, others: str) -> list[str] | None:
    """The names of the files the COPY puts in place, when it names each one (no glob, no directory's contents,
    no variable, no build-context directory on disk, no path the rest of the file names inside it: `make
    OUTPUT=/target/app/server` makes `/target` a directory); None otherwise."""
    words = [w for w in copy.words() if not w.startswith("--")]
    if copy.heredocs or len(words) < 2:
        return None
    names = []
    for source in words[:-1]:
        name = posixpath.basename(source.rstrip("/"))
        if (source.endswith("/") or name in ("", ".", "..") or any(c in source for c in "*?[$")
                or (copy.flags.get("from") is None and files.is_directory(source))
                or re.search(rf"(?<![\w./-]){re.escape(source.rstrip('/'))}/[\w.-]", others)):
            return None
        names.append(name)
    return names


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", text) is not None
