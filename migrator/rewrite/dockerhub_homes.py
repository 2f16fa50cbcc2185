"""Docker Hub paths a later stage copies out of a builder: recreated with the environment that made them.

`COPY --from=builder /usr/local/cargo/bin/app ...` worked because Docker Hub's rust image sets
CARGO_HOME=/usr/local/cargo and `cargo install` wrote there. Chainguard's rust keeps it in
$HOME/.cargo, so the builder gets Docker Hub's ENV back (rules: chainguard-images.yaml,
dockerhub_paths) and the copied path exists again.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage
from migrator.regex import glob_match


def dockerhub_homes(plan: FilePlan, stage_plan: StagePlan, newline: str) -> tuple[str, list[Finding]]:
    """`ENV CARGO_HOME=/usr/local/cargo PATH=...` for a builder whose Docker Hub home a later stage copies."""
    stage = stage_plan.stage
    if stage.parent is not None or stage_plan.image is None:
        return "", []
    set_here = {name for i in stage.instructions if i.keyword == "ENV" for name in _env_names(i)}
    wanted: dict[str, str] = {}
    homes: list[str] = []
    for source in _copied_from(plan, stage) + _copied_into(stage):
        for pattern, env in plan.rules.dockerhub_env.items():
            root = "/".join(source.split("/")[: pattern.count("/") + 1])
            if glob_match(root, pattern) and not set_here & {k for k, _ in env if k != "PATH"}:
                homes.append(root)
                wanted.update(env)
    if not wanted:
        return "", []
    line = "ENV " + " ".join(f'{k}="{v}"' if "$" in v else f"{k}={v}" for k, v in wanted.items())
    message = (f"{line}: {', '.join(dict.fromkeys(homes))} is copied between stages, and Docker Hub's image set it "
               f"up with this environment; {stage_plan.image.rsplit('/', 1)[-1]} does not")
    return line + newline, [finding("MIG547", stage.from_item.line, message)]


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
