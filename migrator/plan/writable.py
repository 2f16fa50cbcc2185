"""Where an app that ran as root writes: its WORKDIR, the data directories its command names, its VOLUMEs.

Read from the original final stage; rewrite.rootless makes them the runtime user's when the
Chainguard runtime runs as nonroot.
"""

from __future__ import annotations

import posixpath
import re

from migrator.parse.words import split_words as shell_words
from migrator.plan.facts import StageFacts
from migrator.plan.stages import Stage
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.plan.placed_programs import Placement

_ROOT_USERS = {"root", "0", "root:root", "0:0"}
# made by the container runtime at start (devices, /dev/shm, proc and sys file systems), or there already,
# writable by everyone (/tmp, /var/tmp): never a data directory to create or give to the app's user
_PROVIDED_TREES = ("/dev", "/proc", "/sys")
_PROVIDED_DIRECTORIES = frozenset({"/tmp", "/var/tmp", "/run", "/var/run"})
# option names that name a directory the program writes
_DATA_OPTION = lazy_re(r"^--?[\w-]*(data|dir|storage|state|db|database|upload|cache|log|home|store|volume|"
                          r"workspace|spool)[\w-]*$", re.IGNORECASE)

# option names that name something the program reads, even with a data word in them (`--log-config`)
_READ_OPTION = lazy_re(r"conf|cfg|cert|key|tls|ssl|secret|cred|template", re.IGNORECASE)


def ran_as_root(facts: StageFacts) -> bool:
    """Did the original final stage run its command as root (no USER, or USER root, on a root image)?"""
    if facts.user is not None and facts.user.strip() not in _ROOT_USERS:
        return False
    root = facts.stage.root_stage()
    resolved = (root.resolved or "").lower()
    return "nonroot" not in resolved and not resolved.startswith(("bitnami/", "docker.io/bitnami/"))


def original_user(facts: StageFacts) -> str:
    """Who ran the original final stage's command, said plainly: `root`, or the non-root uid its image runs as
    when no USER line changed it (Red Hat's s2i images: 1001, the owner of their /opt/app-root, so what the app
    wrote there is given to the runtime user as it would be for root)."""
    root = facts.stage.root_stage()
    image = _image_user(root.ref.short_name, root.ref.tag) if facts.user is None and root.ref is not None else None
    return f"uid {image} (the user of {root.ref.short_name})" if image is not None and root.ref is not None else "root"


def _image_user(repository: str, tag: str | None) -> str | None:
    """The non-root USER the source image runs as (rules/chainguard-images.yaml upstream `user`), or None."""
    from migrator.regex import glob_match
    from migrator.rules.data import builtin_data

    for entry in builtin_data("chainguard-images.yaml").get("upstream") or []:
        tags = entry.get("tags") or []
        if glob_match(repository, entry["match"]) and (not tags or (tag is not None and any(
                glob_match(tag, t) for t in tags))):
            user = entry.get("user")
            return str(user) if user is not None and str(user) not in _ROOT_USERS else None
    return None


def data_directories(facts: StageFacts) -> list[str]:
    """Absolute paths of the directories the start command names as where it writes (`--data ./data`)."""
    words: list[str] = []
    for instruction in (facts.entrypoint, facts.cmd):
        if instruction is not None:
            words += instruction.json_args() or split_words(instruction.body)
    found: list[str] = []
    for index, word in enumerate(words):
        name, equals, value = word.partition("=")
        if not equals:
            value = words[index + 1] if index + 1 < len(words) else ""
        directory = _data_directory(name, value)
        if directory is None:
            continue
        path = facts.resolve(directory)
        if path not in found and not provided(path):
            found.append(path)
    return found


def provided(path: str) -> bool:
    """A path the container runtime provides (/dev/shm, /proc...) or every image has writable (/tmp)."""
    path = posixpath.normpath(path)
    return path in _PROVIDED_DIRECTORIES or any(inside(path, tree) for tree in _PROVIDED_TREES)


def volumes(stage: Stage) -> list[str]:
    paths: list[str] = []
    current: Stage | None = stage
    while current is not None:
        for instruction in current.instructions:
            if instruction.keyword == "VOLUME":
                paths += [w for w in instruction.json_args() or split_words(instruction.body)
                          if w.startswith("/") and "$" not in w and not provided(w)]
        current = current.parent
    return paths


def writable_directories(facts: StageFacts) -> list[str]:
    """The WORKDIR, the data directories the command names, the VOLUMEs and the directories the stage made
    for the app (made_data_directories): what the app may write."""
    found = [facts.workdir] if facts.workdir not in ("/", facts.server_dir) else []
    for path in data_directories(facts) + volumes(facts.stage) + made_data_directories(facts):
        if path not in found:
            found.append(path)
    return found


# trees of the system's own files: a directory made there (`mkdir -p /etc/nginx/conf.d`) holds configuration
_SYSTEM_TREES = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/root")


def made_data_directories(facts: StageFacts) -> list[str]:
    """Directories an original final stage that ran as root made outside the system's trees (`mkdir /datastore`,
    `mkdir -p /var/lib/app`): the app could write there as root, and as uid 65532 only if they are its own."""
    from migrator.plan.leftovers import made_directories

    if not ran_as_root(facts):
        return []
    # a directory the stage then fills (`mkdir -p /opt/tool/bin && cp tool /opt/tool/bin/`) holds programs, not
    # data, unless it is where data lives (`cp seed.db /var/lib/app/`: the app writes next to the seeded file)
    filled = list(facts.copy_destinations) + [p.path for p in _placements(facts)]
    return [path for path in made_directories(facts) if path != "/"
            and not any(inside(path, tree) for tree in (*_SYSTEM_TREES, *_PROVIDED_TREES, *_PROVIDED_DIRECTORIES))
            and (_holds_data(path) or not any(inside(file, path) and file != path for file in filled))]


# where data lives by convention (FHS /var/lib, /var/cache...), and directory names that say data
_DATA_TREES = ("/var/lib", "/var/cache", "/var/log", "/var/spool", "/var/db", "/data", "/home")
_DATA_NAME = lazy_re(r"^(?:data|db|database|storage|state|uploads?|cache|logs?|media|sessions|spool|backups?)$")


def _holds_data(path: str) -> bool:
    return any(inside(path, tree) for tree in _DATA_TREES) or any(
        _DATA_NAME.match(part) for part in path.split("/"))


def _placements(facts: StageFacts) -> list[Placement]:
    from migrator.plan.placed_programs import placed_files

    return placed_files(facts.commands, facts.env, facts.directories)


def needs_a_builder(facts: StageFacts) -> bool:
    """Directories outside the WORKDIR that must exist owned by the runtime user: only a builder can make
    them (a stage without RUN lines has no shell to run mkdir)."""
    return ran_as_root(facts) and any(not inside(path, facts.workdir) or facts.workdir == "/"
                                      for path in data_directories(facts) + volumes(facts.stage))


def _data_directory(option: str, value: str) -> str | None:
    """Where the option's program writes: the directory it names (`--data-dir /data`), or the directory of the
    file it names (`--db /data/app.db`, `--log-file /var/log/app.log`: the app makes the file there at run
    time, so the directory must be there and its own). A file an option reads (`--log-config x.yml`) is not."""
    if not _DATA_OPTION.match(option):
        return None
    if _is_directory(value):
        return value
    if _READ_OPTION.search(option) or not _is_path(value):
        return None
    directory = posixpath.dirname(value.rstrip("/"))
    return directory if directory not in ("", "/", ".") else None


def _is_path(value: str) -> bool:
    if not value or value.startswith("-") or "$" in value or "://" in value or ":" in value:
        return False
    return value.startswith(("/", "./", "../")) or "/" in value


def _is_directory(value: str) -> bool:
    if not value or value.startswith("-") or "$" in value or "://" in value or ":" in value:
        return False
    name = posixpath.basename(value.rstrip("/"))
    looks_like_path = value.startswith(("/", "./", "../")) or "/" in value
    return looks_like_path and "." not in name.lstrip(".")


def inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def split_words(text: str) -> list[str]:
    try:
        return shell_words(text)
    except ValueError:
        return text.split()
