"""Files a Go program reads beside itself. A single-stage Go image held the whole source tree it was built
in: a program started in that tree may read `templates/*.html` or serve `static/` relative to its working
directory, and a runtime that copies the binary alone loses them. With the build context on disk the Go
sources are read for relative paths that name a directory of the context (what `//go:embed` names is in the
binary already); without it a warning says what may be missing (MIG567).

A path is read from any string literal whose first part names a top directory of the context (`"static"`,
`"./templates/*.html"`), or a top file (`"settings.json"`), and from a `file://` URL (golang-migrate's
`"file://db/migrations"`). A literal given to a call that reads a file or a directory (os.ReadFile, os.Open,
template.ParseFiles, http.Dir...) that names nothing in the context is said (MIG567): the runtime lacks it."""

from __future__ import annotations

import posixpath
import re

from migrator.plan.buildcontext import BuildContext
from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan

_STRING = re.compile(r'"(?:file://)?((?:\./)?[A-Za-z0-9_][\w.-]*)(?:/[^"\s]*)?"')
# calls that read the file or directory a literal argument names, relative to the working directory
_READ_CALL = re.compile(r'(?:\.ParseFiles|\.ParseGlob|\b(?:os|ioutil)\.ReadFile|\bos\.Open(?:File)?|\bos\.ReadDir'
                        r'|\bhttp\.Dir|\bhttp\.ServeFile|\bmigrate\.New(?:WithDatabaseInstance)?)\(([^()]*)')
_LITERAL = re.compile(r'"([^"\\\n]*)"')
_SOURCE_FILES = {"go.mod", "go.sum", "go.work", "go.work.sum", "Dockerfile", "Makefile", ".dockerignore"}
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
    missing: dict[str, str] = {}
    for name in sorted(_read_directories(files, missing)):
        path = posixpath.join(tree, name)
        shown = f"{name}/" if files.is_directory(name) else name
        plan.copies.append(Copy(path, path))
        plan.note("MIG518", line, f"{path} copied beside the binary: the Go sources read `{shown}` relative to "
                  f"the working directory {workdir}, and the original image had it there")
    for path, where in sorted(missing.items()):
        plan.note("MIG567", line, f"`{path}` ({where}) is read relative to the working directory {workdir}, and "
                  "the build context has no such file or directory: if the build makes it, the runtime does not "
                  "have it (it has the binary and the files copied beside it only); copy it with COPY --from")


def _context_tree(context: EcosystemContext) -> str | None:
    """Where `COPY . DEST` put the build context, when the program starts in it (its WORKDIR is there)."""
    workdir = context.facts.workdir
    for _, destination, source, stage in context.facts.copied_trees:
        if stage is None and source.rstrip("/") in (".", "") and (
                workdir == destination or workdir.startswith(destination.rstrip("/") + "/")):
            return destination
    return None


def _read_directories(files: BuildContext, missing: dict[str, str]) -> set[str]:
    """The context's top directories and files (not the Go sources' own) that its *.go files name; `missing`
    gets the paths read calls name that the context has not (path -> the call and its file)."""
    tops = {posixpath.basename(d) for d in files.directories_in(".") or []}
    top_files = set(files.files_in(".", 10_000))
    directories = (tops | {f for f in top_files if f not in _SOURCE_FILES and not f.endswith(".go")}) \
        - _SOURCE_DIRECTORIES
    everything = tops | top_files
    found: set[str] = set()
    for source in files.files_matching(".", ".go", _MAX_FILES, _SKIPPED) or []:
        if not directories - found:
            break
        text = files.text(source, _MAX_BYTES)
        for line in (text or "").splitlines():
            if line.lstrip().startswith(("//", "import")):
                continue  # (//go:embed: in the binary; an import path is a package)
            found.update(m.group(1).removeprefix("./") for m in _STRING.finditer(line))
            if not source.endswith("_test.go"):
                for path, call in _read_paths(line):
                    if path.split("/", 1)[0] not in everything:
                        missing.setdefault(path, f"{call} in {source}")
    return directories & found


def _read_paths(line: str) -> list[tuple[str, str]]:
    """The relative paths a line's read calls name in literals (`os.ReadFile("settings.json")`, a `file://` URL),
    each with its call; globs, absolute paths and format strings left out."""
    paths: list[tuple[str, str]] = []
    for call in _READ_CALL.finditer(line):
        name = call.group(0).split("(", 1)[0].lstrip(".")
        for literal in _LITERAL.findall(call.group(1)):
            path = literal.removeprefix("file://").removeprefix("./").rstrip("/")
            if literal.startswith(("http://", "https://", "postgres://", "mysql://")) or "://" in path:
                continue
            if path and not path.startswith("/") and not re.search(r"[%*?\[{$]", path.split("/", 1)[0]):
                paths.append((path, name))
    return paths

