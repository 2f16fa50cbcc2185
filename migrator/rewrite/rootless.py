"""The original final stage ran as root; the Chainguard runtime runs as nonroot (uid 65532).

Docker Hub's images run as root, so an app there may write wherever it likes: its working directory,
its data directory, its volumes. On the runtime it runs as uid 65532, and a directory that is root's
there is read-only to it. The paths the app most likely writes are made its own, and a warning
(MIG555) says that the user changed:

- the WORKDIR: created by the WORKDIR instruction, which BuildKit and buildah do as the image's
  user (65532), and the files copied into it are given to that user;
- the data directories the command names (`--data ./data`, `--data-dir=/var/lib/app`) and the
  VOLUMEs: created in the builder and copied with --chown, so they exist owned by the runtime user
  (a directory COPY creates is owned by the --chown user; one that already exists keeps its owner).
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item
from migrator.parse.words import shell_word
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.facts import StageFacts, absolute
from migrator.plan.writable import (
    data_directories,
    inside,
    made_data_directories,
    split_words,
    writable_directories,
)


def prepare_split(facts: StageFacts, runtime_plan: RuntimePlan, uid: int) -> list[Finding]:
    """A split runtime: the WORKDIR copy and the data directories are given to the runtime user."""
    notes = _in_root_home(facts, uid)
    paths = writable_directories(facts)
    if not paths:
        return notes
    workdir = facts.workdir
    covered = {c.destination for c in runtime_plan.copies if c.chown}  # VOLUMEs, already made (MIG527)
    made = [p for p in data_directories(facts) if p != workdir and p not in covered]
    if made:
        runtime_plan.builder_appends.append("RUN mkdir -p " + " ".join(shell_word(p) for p in made))
    copied_whole = runtime_plan.copy_app_dirs and workdir != "/"
    if copied_whole:
        runtime_plan.owned.add(workdir)
    runtime_plan.copies += [Copy(p, p, chown=True) for p in made if not (copied_whole and inside(p, workdir))]
    # the directories the stage made itself are in the builder already: copied, as the app's own
    runtime_plan.copies += [Copy(p, p, chown=True) for p in made_data_directories(facts)
                            if p != workdir and p not in covered and p not in made
                            and not (copied_whole and inside(p, workdir))
                            and not any(c.destination == p for c in runtime_plan.copies)]
    return [_warning(facts, paths, uid), *notes]


def _in_root_home(facts: StageFacts, uid: int) -> list[Finding]:
    """MIG582: directories the stage made under /root (`mkdir -p $HOME/data` as root) are copied where they were
    made, but the runtime's user cannot reach them, and its own HOME is elsewhere."""
    from migrator.plan.leftovers import made_directories
    from migrator.plan.writable import ran_as_root

    if not ran_as_root(facts):
        return []
    made = [path for path in made_directories(facts) if inside(path, "/root") and path != "/root"]
    if not made:
        return []
    return [finding("MIG582", facts.stage.from_item.line, f"{', '.join(made)} made under root's home (HOME is /root "
                    f"for root): the runtime runs as uid {uid}, whose HOME is another directory and who cannot "
                    "enter /root (0700 on Wolfi); make the directory outside /root (with ENV for its path) if the "
                    "app uses it")]


def chown_copies(items: list[Item], facts: StageFacts, uid: int) -> tuple[list[Item], list[Finding]]:
    """A runtime stage kept as written: COPY/ADD into the WORKDIR give their files to the runtime user."""
    from migrator.parse.dockerfile import parse_instruction

    paths = writable_directories(facts)
    if not paths:
        return items, []
    result: list[Item] = []
    notes: list[Finding] = []
    workdir = "/"
    for item in items:
        if not isinstance(item, Instruction):
            result.append(item)
            continue
        if item.keyword == "WORKDIR" and item.body.strip():
            workdir = absolute(item.body.strip().strip("\"'"), workdir, facts.env)
        if item.keyword in ("COPY", "ADD") and "chown" not in item.flags and _into(item, workdir, facts.workdir):
            raw = re.sub(r"^(\s*\w+)", lambda m: f"{m.group(1)} --chown={uid}:{uid}", item.raw, count=1)
            item = parse_instruction(raw, item.line, item.escape)
            notes.append(finding("MIG513", item.line, f"--chown={uid}:{uid}: the files go into the WORKDIR of an "
                                 "app that ran as root, and the runtime runs it as nonroot"))
        result.append(item)
    return result, [_warning(facts, paths, uid), *notes]


def _into(item: Instruction, current_workdir: str, final_workdir: str) -> bool:
    words = item.json_args() or split_words(item.body)
    words = [w for w in words if not w.startswith("--")]
    if len(words) < 2 or final_workdir == "/" or words[-1] not in item.raw:
        return False  # (a COPY whose words are not its text, such as one a continuation swallowed, is left alone)
    destination = words[-1]
    target = destination if destination.startswith("/") else posixpath.join(current_workdir, destination)
    return inside(posixpath.normpath(target), final_workdir)


def _warning(facts: StageFacts, paths: list[str], uid: int) -> Finding:
    from migrator.plan.writable import original_user

    return finding("MIG555", facts.stage.from_item.line, f"the original ran as {original_user(facts)}; the runtime "
                   f"runs as nonroot (uid {uid}): {', '.join(paths)} made the app's own; any other path it writes "
                   "must be too (COPY --chown, or a directory created in the builder)")




def kept_stage_owned(facts: StageFacts, uid: int, image: str) -> tuple[str | None, Finding | None]:
    """A final stage kept as one stage on a -dev image whose user is nonroot (uid `uid`), switched to root for its
    steps and back to that user at its end, that the original ran as root: the RUN that makes the directories the
    app may write its own (before the USER line), and the warning (MIG555) that the user changed."""
    from migrator.plan.writable import original_user, ran_as_root

    if not ran_as_root(facts):
        return None, None
    paths = writable_directories(facts)
    said = (f"the original ran as {original_user(facts)}; the final stage runs as nonroot (uid {uid}), the user of "
            f"{image.rsplit('/', 1)[-1]}")
    if not paths:
        return None, finding("MIG555", facts.stage.from_item.line, f"{said}: any path the app writes must be its own "
                             "(COPY --chown, or a directory made and chowned under USER root)")
    workdir = facts.workdir if facts.workdir in paths else None
    trees = [p for p in paths if p != workdir]  # (made for data: given whole; the WORKDIR's copied files are not)
    steps = [f"mkdir -p {' '.join(map(shell_word, paths))}"]
    steps += [f"chown {uid}:{uid} {shell_word(workdir)}"] if workdir else []
    steps += [f"chown -R {uid}:{uid} {' '.join(map(shell_word, trees))}"] if trees else []
    kept = f"; the files copied into {workdir} stay root's, readable but not writable" if workdir else ""
    return "RUN " + " && ".join(steps), finding("MIG555", facts.stage.from_item.line, (
        f"{said}: {', '.join(paths)} made its own (`RUN chown` before `USER {uid}`){kept}; any other path it writes "
        "must be too (COPY --chown, or a chown under USER root)"))
