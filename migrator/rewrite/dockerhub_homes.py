"""Docker Hub paths a later stage copies out of a builder: recreated with the environment that made them.

`COPY --from=builder /usr/local/cargo/bin/app ...` worked because Docker Hub's rust image sets
CARGO_HOME=/usr/local/cargo and `cargo install` wrote there. Chainguard's rust keeps it in
$HOME/.cargo, so the builder gets Docker Hub's ENV back (rules: chainguard-images.yaml,
dockerhub_paths) and the copied path exists again.
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.regex import glob_match
from migrator.rules.loader import RuleSet


def dockerhub_homes(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, list[Finding]]:
    """`ENV CARGO_HOME=/usr/local/cargo PATH=...` for a builder whose Docker Hub home a later stage copies."""
    wanted, notes = home_env(plan, stage_plan)
    if not wanted:
        return "", []
    return env_line(wanted) + newline, notes


def env_line(wanted: dict[str, str]) -> str:
    return "ENV " + " ".join(f'{k}="{v}"' if "$" in v else f"{k}={v}" for k, v in wanted.items())


def home_env(plan: FilePlan, stage_plan: StagePlan) -> tuple[dict[str, str], list[Finding]]:
    """The ENV Docker Hub's image set for the homes the stage copies in or out, and for the variables of it the
    stage reads; with the finding (MIG547) that says so."""
    stage = stage_plan.stage
    if stage.parent is not None or stage_plan.image is None:
        return {}, []
    set_here = {name for i in stage.instructions if i.keyword == "ENV" for name in _env_names(i)}
    wanted: dict[str, str] = {}
    homes: list[str] = []
    for source in _copied_from(plan, stage) + _copied_into(stage):
        for pattern, env in plan.rules.dockerhub_env.items():
            root = "/".join(source.split("/")[: pattern.count("/") + 1])
            if glob_match(root, pattern) and not set_here & {k for k, _ in env if k != "PATH"}:
                homes.append(root)
                wanted.update(env)
    read = source_env_read(plan.rules, stage, stage_plan.image)
    for name, value in read.items():  # (with the PATH that goes with it: `cargo install` into $CARGO_HOME/bin)
        wanted[name] = value
        for env in plan.rules.dockerhub_env.values():
            if (name, value) in env and "PATH" not in set_here:
                wanted.update((k, v) for k, v in env if k == "PATH" and "PATH" not in wanted)
    if not wanted:
        return {}, []
    line = env_line(wanted)
    image = stage_plan.image.rsplit('/', 1)[-1]
    reasons = [f"{', '.join(dict.fromkeys(homes))} is copied between stages, and Docker Hub's image set it up with "
               f"this environment; {image} does not"] if homes else []
    if read:
        names = ", ".join(f"${name}" for name in read)
        reasons.append(f"the stage reads {names}, which {stage.ref.short_name if stage.ref else 'the source image'} "
                       f"set; {image} does not, and BuildKit would read it as empty")
    return wanted, [finding("MIG547", stage.from_item.line, f"{line}: {'; and '.join(reasons)}")]


def source_env_read(rules: RuleSet, stage: Stage, image: str | None) -> dict[str, str]:
    """The variables Docker Hub's source image set (rules: upstream `env`) that the stage reads
    (`WORKDIR ${GOPATH}/src/app` on golang) and that neither the stage's own ENV nor the Chainguard image sets:
    the migrated stage writes them, so the stage reads the values it read before."""
    ref = stage.ref
    if stage.parent is not None or ref is None or image is None:
        return {}
    upstream = rules.upstream_defaults(ref.short_name, ref.tag).env
    if not upstream:
        return {}
    set_here = {name for i in stage.instructions if i.keyword == "ENV" for name in _env_names(i)}
    provided = set(rules.image_model(image).env)
    read: dict[str, str] = {}
    for name, value in upstream:
        if name in set_here or name in provided:
            continue
        uses = re.compile(rf"\$(?:\{{)?{name}(?![A-Za-z0-9_])")
        if any(i.keyword != "ENV" and uses.search(i.logical) for i in stage.instructions):
            read[name] = value
    return read


def _env_names(instruction: Instruction) -> set[str]:
    from migrator.plan.facts import parse_env_words

    return set(parse_env_words(instruction.body, instruction.escape))


def _copied_into(stage: Stage) -> list[str]:
    """Destinations of this stage's own `COPY --from=<stage>`: gems copied into /usr/local/bundle need
    GEM_HOME here too, as Docker Hub's image had it."""
    found: list[str] = []
    for instruction in stage.instructions:
        if instruction.keyword == "COPY" and instruction.flags.get("from"):
            words = instruction.json_args() or instruction.body.split()
            if len(words) >= 2 and words[-1].startswith("/"):
                found.append(words[-1])
    return found


def _copied_from(plan: FilePlan, stage: Stage) -> list[str]:
    return _copies_from_stages(plan).get(stage.index, [])


def _copies_from_stages(plan: FilePlan) -> dict[int, list[str]]:
    """Stage index -> the absolute paths later stages `COPY --from` it: one pass over the file for all
    stages (per stage, a file with a thousand stages was read a thousand times)."""
    found = plan.memo.get("copies from stages")
    if found is None:
        found = {}
        for other in plan.staged.stages:
            for instruction in other.instructions:
                reference = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
                source = plan.staged.stage_by_reference(reference, before=other.index) if reference else None
                if source is None:
                    continue
                words = instruction.words()
                found.setdefault(source.index, []).extend(w for w in words[:-1] if w.startswith("/"))
        plan.memo["copies from stages"] = found
    return found
