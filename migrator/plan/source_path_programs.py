"""Programs the runtime gets in a directory that only the source image had on its PATH.

Docker Hub's golang puts /go/bin on PATH (rust /usr/local/cargo/bin, ruby /usr/local/bundle/bin: rules,
chainguard-images.yaml `dockerhub_paths` `env`), so `go build -o /go/bin/app` + `CMD ["app"]` started the app
by name. The Chainguard runtime's PATH lacks the directory: the copy goes to /usr/local/bin, on every image's
PATH, as the binary of a `go install` into go's default directory does, and a start command that named the old
path names the new one (plan.moved).
"""

from __future__ import annotations

import posixpath

from migrator.plan.ecosystems.base import Copy, EcosystemContext, RuntimePlan
from migrator.plan.stages import Stage
from migrator.rules.loader import RuleSet

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_ON_EVERY_PATH = "/usr/local/bin"


def relocate_source_path_programs(context: EcosystemContext, plan: RuntimePlan) -> None:
    """Copies into a directory of the source image's PATH that the runtime's PATH lacks go to /usr/local/bin; where
    another copy fills /usr/local/bin whole (`go install`'s /root/go/bin/), which would hide them, they stay and the
    runtime gets the directory on its PATH."""
    if context.single_stage:
        return
    directories = _lost_path_directories(context, plan)
    if not directories:
        return
    filled = any(_inside(_ON_EVERY_PATH, c.destination.rstrip("/") or "/") and _relocated(c, directories) is None
                 for c in plan.copies + plan.last_copies)
    carried: list[str] = []
    for copies in (plan.copies, plan.last_copies):
        for index, copy in enumerate(copies):
            relocated = _relocated(copy, directories)
            if relocated is None:
                continue
            directory = copy.destination.rstrip("/") if copy.destination.rstrip("/") in directories \
                else posixpath.dirname(copy.destination)
            if filled:
                carried += [directory] if directory not in carried else []
                continue
            copies[index] = relocated
            why = (f"{directory} was on the PATH of the source image, not on the runtime's: the runtime has "
                   f"what was there in {_ON_EVERY_PATH}, on every image's PATH")
            plan.moved.setdefault(directory, (_ON_EVERY_PATH, why))
            plan.note("MIG518", context.facts.stage.from_item.line,
                      f"{copy.destination} -> {relocated.destination}: {why}")
    if carried:
        plan.env.append(f'PATH="{":".join(carried)}:$PATH"')
        plan.note("MIG518", context.facts.stage.from_item.line,
                  f"{', '.join(carried)} was on the PATH of the source image, not on the runtime's, and another copy "
                  f"fills {_ON_EVERY_PATH}: the runtime's PATH has it in front, as the source image's had")


def _inside(path: str, directory: str) -> bool:
    return directory == "/" or path == directory or path.startswith(directory + "/")


def _relocated(copy: Copy, directories: set[str]) -> Copy | None:
    destination = copy.destination.rstrip("/")
    if destination in directories:  # (the whole directory: what is in it)
        return Copy(copy.source.rstrip("/") + "/", _ON_EVERY_PATH + "/", copy.chown, copy.root_owned)
    if posixpath.dirname(destination) in directories and not copy.destination.endswith("/"):
        return Copy(copy.source, posixpath.join(_ON_EVERY_PATH, posixpath.basename(destination)), copy.chown,
                    copy.root_owned)
    return None


def source_path_directories(rules: RuleSet, stage: Stage) -> list[str]:
    """The directories the stage's source image put on PATH in front of the usual ones (rules: dockerhub_paths
    `env` PATH of the entries whose `images` name it: golang's /go/bin), in their order."""
    root = stage.chain()[0]
    if root.ref is None:
        return []
    found: list[str] = []
    for pattern, env in rules.dockerhub_env.items():
        images = rules.dockerhub_images.get(pattern, ((), ()))[0]
        if not images or not rules.dockerhub_path_applies(pattern, root.ref.short_name, None):
            continue  # (a PATH only the named images had)
        found += [d.rstrip("/") for name, value in env if name == "PATH"
                  for d in value.split(":") if d.startswith("/") and "$" not in d]
    return list(dict.fromkeys(found))


def _lost_path_directories(context: EcosystemContext, plan: RuntimePlan) -> set[str]:
    """The source image's PATH directories that neither the runtime's PATH nor an ENV PATH the stage or the plan
    writes has."""
    found = set(source_path_directories(context.rules, context.facts.stage))
    if not found:
        return set()
    kept = set(DEFAULT_PATH.split(":"))
    for value in [context.facts.env.get("PATH") or "", *(e.split("=", 1)[1] for e in plan.env
                                                         if e.startswith("PATH="))]:
        kept |= {d.rstrip("/") for d in value.replace('"', "").split(":")}
    return found - kept
