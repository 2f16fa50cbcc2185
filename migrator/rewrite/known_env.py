"""The variables whose values are known when migrating, for package names that read them
(`postgresql-$PG_MAJOR-postgis-$POSTGIS_MAJOR` on postgres:16 with `ENV POSTGIS_MAJOR 3`)."""

from __future__ import annotations

import re

from migrator.parse.dockerfile import Instruction
from migrator.plan.facts import parse_env_words
from migrator.plan.planner import FilePlan, StagePlan
from migrator.rewrite.source_accounts import stage_variables


def known_env(plan: FilePlan, stage_plan: StagePlan) -> dict[str, str]:
    """StageKnowledge.source_env: the source image's ENV that no ARG or ENV of the stage's chain sets again,
    and the chain's own ENV that sets a name once to a literal value before any RUN of the stage reads it
    (an ENV cannot be overridden at build time, unlike an ARG)."""
    instructions = [i for s in stage_plan.stage.chain() for i in s.instructions]
    own = stage_variables(instructions)
    known: dict[str, str] = {}
    ref = plan.root_of(stage_plan).stage.ref
    if ref is not None:
        upstream = plan.rules.upstream_defaults(ref.short_name, ref.tag).env_for(ref.tag)
        known = {name: value for name, value in upstream.items() if name not in own}
    runs = [i for i in stage_plan.stage.instructions if i.keyword == "RUN"]
    return known | _literal_env(instructions, runs)


def _literal_env(instructions: list[Instruction], runs: list[Instruction]) -> dict[str, str]:
    setters: dict[str, list[tuple[int, str | None]]] = {}
    for item in instructions:
        if item.keyword not in ("ARG", "ENV") or not item.body.strip():
            continue
        for name, value in parse_env_words(item.body, item.escape, arg=item.keyword == "ARG").items():
            plain = value if item.keyword == "ENV" and value is not None and _plain(value) else None
            setters.setdefault(name, []).append((item.line, plain))
    known: dict[str, str] = {}
    for name, settings in setters.items():
        line, value = settings[0]
        if len(settings) != 1 or value is None:
            continue
        reading = re.compile(rf"\$\{{?{re.escape(name)}\b")
        if all(run.line > line for run in runs if reading.search(run.logical)):
            known[name] = value
    return known


def _plain(value: str) -> bool:
    """A value with no variable, quote or escape in it: what is written is what the variable holds."""
    return bool(re.fullmatch(r"[A-Za-z0-9._+:/@%-]*", value))
