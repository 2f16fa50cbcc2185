"""Programs from the build context linked against musl, which no Chainguard image can start.

A binary built on Alpine (a CI runner, `go build` with cgo on golang:alpine) names musl's loader,
/lib/ld-musl-<arch>.so.1, as its ELF interpreter (PT_INTERP). Chainguard's images are glibc-based and have no
such loader: the kernel cannot run the program (`exec ...: no such file or directory`). A static program
(no interpreter) runs anywhere. Read only when the build context is on disk.
"""

from __future__ import annotations

import posixpath

from migrator.plan.buildcontext import BuildContext
from migrator.validate.stage_files import Context

_DIRECTORY_FILES = 200  # files of a copied directory looked at, at most


def musl_loader(files: BuildContext, source: str) -> str | None:
    """The musl loader the context file `source` names as its interpreter; None for any other file."""
    interpreter = files.elf_interpreter(source)
    return interpreter if interpreter and posixpath.basename(interpreter).startswith("ld-musl-") else None


def musl_message(source: str, loader: str) -> str:
    return (f"`{source}` from the build context is linked against musl (its ELF interpreter is {loader}), and "
            "Chainguard's images are glibc-based, with no musl loader: the program cannot start there "
            "(`exec ...: no such file or directory`); build it in a builder stage of this file (Go: "
            "CGO_ENABLED=0 makes a static program), or against glibc")


def musl_copies(context: Context) -> list[tuple[int, str]]:
    """(line, message) for each COPY/ADD of a stage on a Chainguard image that puts a musl-linked program of the
    build context into it."""
    if context.files.root is None:
        return []
    found: list[tuple[int, str]] = []
    for stage in context.staged.stages:
        copies = [i for i in stage.instructions if i.keyword in ("COPY", "ADD") and not i.flags.get("from")
                  and not i.heredocs]
        view = context.view(stage) if copies else None
        if view is None or view.model is None or not view.model.known:
            continue
        for instruction in copies:
            for source in instruction.words()[:-1]:
                for path in _programs(context.files, source):
                    if (loader := musl_loader(context.files, path)) is not None:
                        found.append((instruction.line, musl_message(path, loader)))
    return found


def _programs(files: BuildContext, source: str) -> list[str]:
    """The context file `source`, or the files of the directory that may be programs (BuildContext.programs_under)."""
    if "://" in source or "$" in source:
        return []
    inside = files.programs_under(source, _DIRECTORY_FILES)
    return [source] if inside is None else inside
