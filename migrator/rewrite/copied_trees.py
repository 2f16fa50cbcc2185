"""Whether a directory copied into a stage (`COPY --from=tools /usr/local/pgsql /usr/local/`, `COPY rootfs/ /`)
may hold a given path: its files land under names the Dockerfile does not show.

From a stage of the file, the answer is as good as the tool's knowledge of that stage: what its COPYs put
under the copied directory, the paths its RUN lines name or unpack into there, and what its image can have
(the Docker Hub paths of the rules, system directories). From the build context, the directory on disk says
it when there is one; without it nobody can know (None).
"""

from __future__ import annotations

import posixpath
import re

from migrator.regex import glob_match

TYPE_CHECKING = False  # (not typing's: it costs the hot path an import, docs/performance.md)
if TYPE_CHECKING:
    from migrator.plan.planner import FilePlan
    from migrator.plan.stages import Stage

# a copy tree: (line, absolute destination, source as written, --from value or None for the build context)
CopiedTree = tuple[int, str, str, "str | None"]

# directories an image fills itself, whose contents the tool does not model one by one
_IMAGE_DIRECTORIES = ("/bin", "/sbin", "/lib", "/lib64", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64",
                      "/usr/share", "/usr/include", "/usr/libexec", "/etc", "/var", "/root", "/opt", "/home", "/tmp",
                      "/run")
# commands whose last argument receives files the Dockerfile does not name
_FILLS_LAST = {"cp", "mv", "rsync", "ln", "install", "clone", "unzip", "tar", "curl", "wget"}
_WORD = re.compile(r"[^\s;&|()<>\"'`]+")


def tree_may_have(plan: FilePlan, stage: Stage, tree: CopiedTree, relative: str, depth: int = 0) -> bool | None:
    """True when the tree copied at `tree` may hold `relative` (a path under its destination, possibly a glob),
    False when it cannot, None when nobody can know (a build-context directory, no context on disk)."""
    _, _, source, origin = tree
    if origin is None:
        return _context_has(plan, source, relative)
    path = posixpath.normpath(posixpath.join("/", source, relative))
    found = plan.staged.stage_by_reference(origin, stage.index)
    if found is None:
        return _image_may_have(plan, path)
    return _stage_may_have(plan, found, path, posixpath.normpath(posixpath.join("/", source)), depth + 1)


def _context_has(plan: FilePlan, source: str, relative: str) -> bool | None:
    files = plan.files
    if files.root is None:
        return None
    directory = posixpath.normpath(source.lstrip("/") or ".")
    pattern = posixpath.normpath(posixpath.join(directory, relative))
    if pattern.startswith(".."):
        return None
    # (no such directory on disk: not the context this Dockerfile is built with)
    if directory != "." and not files.glob(directory, limit=1):
        return None
    return bool(files.glob(pattern, limit=1))


def _stage_may_have(plan: FilePlan, stage: Stage, path: str, source: str, depth: int) -> bool:
    """The stage (or those it is built FROM) copies, names or unpacks something on the way to `path`, or its
    image may have it."""
    from migrator.plan.facts import read_facts
    from migrator.rewrite.source_paths import unpacked_into

    if depth > 8:
        return True
    try:
        facts = read_facts(stage)
    except Exception:  # (an unreadable stage: the tool cannot know)
        return True
    if any(_related(path, copied) for _, copied in facts.copied):
        return True
    for tree in facts.copied_trees:  # (a directory copied into that stage: what it may hold, in turn)
        destination = tree[1].rstrip("/")
        if _related(path, destination) and (path.count("/") <= destination.count("/") or tree_may_have(
                plan, stage, tree, path[len(destination) + 1:], depth + 1) is not False):
            return True
    texts = [i.body for i in stage.instructions if i.keyword == "RUN"]
    if unpacked_into(path, texts) or any(_made_in_run(text, path, source, facts.workdir) for text in texts):
        return True
    if stage.parent is not None:
        return _stage_may_have(plan, stage.parent, path, source, depth + 1)
    return _image_may_have(plan, path)


def _made_in_run(text: str, path: str, source: str, workdir: str) -> bool:
    """A RUN names a path inside the copied directory on the way to `path` (`mkdir -p /out/usr/local/bin`), or
    fills the directory (or one on the way) with files it does not name (`cp -r build/* /out/`)."""
    segments = re.split(r"&&|\|\||[;|\n]", text)
    for segment in segments:
        words = [posixpath.normpath(posixpath.join(workdir, w)) for w in _WORD.findall(segment)
                 if not w.startswith("-") and "$" not in w]
        if any(_deeper(word, path, source) for word in words):
            return True
        names = [posixpath.basename(w) for w in _WORD.findall(segment)[:3]]
        if words and _FILLS_LAST & set(names) and _on_the_way(words[-1], path, source):
            return True
    return "$" in text and source in text


def _deeper(word: str, path: str, source: str) -> bool:
    """`word` goes below the copied directory and agrees with `path` all the way (a prefix of it, or under it)."""
    return len(word.split("/")) > len(source.rstrip("/").split("/")) and _related(path, word)


def _on_the_way(word: str, path: str, source: str) -> bool:
    return len(word.split("/")) >= len(source.rstrip("/").split("/")) and _related(path, word)


def _related(path: str, other: str) -> bool:
    """One of the two paths (either may be a glob) is the other or lies under it."""
    mine, theirs = path.rstrip("/").split("/"), other.rstrip("/").split("/")
    if other.rstrip("/") == "":
        return True
    return all(glob_match(a, b) or glob_match(b, a) for a, b in zip(mine, theirs, strict=False))


def _image_may_have(plan: FilePlan, path: str) -> bool:
    """An image's own files: those of the system directories, and the Docker Hub images' known paths."""
    if any(path == d or path.startswith(d + "/") for d in _IMAGE_DIRECTORIES):
        return True
    patterns = plan.rules.dockerhub_paths
    return any(_related(path, pattern) and path.count("/") >= pattern.count("/") for pattern in patterns)
