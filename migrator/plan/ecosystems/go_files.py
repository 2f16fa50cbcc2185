"""Files a Go program reads beside itself. A single-stage Go image held the whole source tree it was built
in: a program started in that tree may read `templates/*.html` or serve `static/` relative to its working
directory, and a runtime that copies the binary alone loses them. With the build context on disk the Go
sources are read for relative paths that name a directory of the context (what `//go:embed` names is in the
binary already); without it a warning says what may be missing (MIG567)."""

from __future__ import annotations

import posixpath
import re

from migrator.plan.buildcontext import BuildContext
from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan

_STRING = re.compile(r'"((?:\./)?[A-Za-z0-9_][\w.-]*)(?:/[^"\s]*)?"')
_MAX_FILES, _MAX_BYTES = 2000, 1 << 20
_SOURCE_DIRECTORIES = {"cmd", "internal", "pkg", "vendor", "api", "test", "tests", "testdata", "docs", "scripts",
                       "build", "hack", "tools", ".git", ".github"}
_SKIPPED = frozenset({"vendor", ".git", "testdata"})


def copy_files_beside(context: EcosystemContext, plan: RuntimePlan, line: int) -> None:
    """The context's directories the program reads relative to its working directory, copied beside it."""
    tree = _context_tree(context)
    if tree is None:
        return
    workdir = context.facts.workdir
    files = context.files
    if files.root is None:
        plan.note("MIG567", line, f"the original image held the source tree ({tree}) the program was built and "
                  f"started in; the runtime has the binary only: files the program reads relative to {workdir} "
                  "(templates, static files, configuration) are not copied. Give the build context (--context) to "
                  "have them found, or copy them with COPY --from")
        return
    for name in sorted(_read_directories(files)):
        path = posixpath.join(tree, name)
        plan.copies.append(Copy(path, path))
        plan.note("MIG518", line, f"{path} copied beside the binary: the Go sources read `{name}/` relative to "
                  f"the working directory {workdir}, and the original image had it there")


def _context_tree(context: EcosystemContext) -> str | None:
    """Where `COPY . DEST` put the build context, when the program starts in it (its WORKDIR is there)."""
    workdir = context.facts.workdir
    for _, destination, source, stage in context.facts.copied_trees:
        if stage is None and source.rstrip("/") in (".", "") and (
                workdir == destination or workdir.startswith(destination.rstrip("/") + "/")):
            return destination
    return None


def _read_directories(files: BuildContext) -> set[str]:
    """The context's top directories (not the Go sources' own) that its *.go files name in a string literal."""
    directories = {posixpath.basename(d) for d in files.directories_in(".") or []} - _SOURCE_DIRECTORIES
    found: set[str] = set()
    for source in files.files_matching(".", ".go", _MAX_FILES, _SKIPPED) or []:
        if not directories - found:
            break
        text = files.text(source, _MAX_BYTES)
        for line in (text or "").splitlines():
            if line.lstrip().startswith(("//", "import")):
                continue  # (//go:embed: in the binary; an import path is a package)
            found.update(m.group(1).removeprefix("./") for m in _STRING.finditer(line))
    return directories & found
