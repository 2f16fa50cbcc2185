"""fix53: a cold `migrate FILE` (the pre-commit hook's path) read the facts of the same stage 21 times for one small
file (samples/python-pip: the writer a dozen times, the start check, the Python pins, the interpreters), a third of
the run. A stage is now read once per migration (plan.facts_memo), every reader gets a copy of its own, a stage
the writer changed is read again, and nothing is kept from one file to the next."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from migrator.api import migrate_path, migrate_text
from migrator.parse.dockerfile import parse, parse_instruction
from migrator.plan import facts as facts_module
from migrator.plan.facts import StageFacts, chain_facts, read_facts
from migrator.plan.facts_memo import _CURRENT, FactsMemo
from migrator.plan.stages import Stage, split_stages
from migrator.records import field_names
from migrator.rewrite import writer

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TWO_STAGES = ("FROM python:3.12-slim AS build\nWORKDIR /src\nENV APP_HOME=/srv/app\nCOPY . .\n"
              "RUN pip install -r requirements.txt\nFROM build\nWORKDIR /srv\nRUN useradd -m app\n"
              'CMD ["python", "app.py"]\n')


def _stages(text: str = TWO_STAGES) -> list[Stage]:
    return split_stages(parse(text)).stages


def _snapshot(stages: list[Stage]) -> tuple[int, ...]:
    return tuple(id(item) for stage in stages for item in [stage, *stage.items])


@pytest.mark.parametrize("sample", ["python-pip", "python-poetry", "node-express", "go-static", "stage-chain-runtime"])
def test_a_migration_reads_each_stage_once(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (SAMPLES / sample / "Dockerfile").is_file():
        pytest.skip(f"no sample {sample}")
    own: Counter[tuple[object, ...]] = Counter()
    with_parents: Counter[tuple[object, ...]] = Counter()
    read_stage, read_with_parents = facts_module._read_facts, writer._facts_with_parents

    def counted_stage(stage: Stage, inherited: StageFacts | None, global_args: dict[str, str | None] | None
                      ) -> StageFacts:
        if inherited is None:
            own[(_snapshot([stage]), tuple((global_args or {}).items()))] += 1
        return read_stage(stage, inherited, global_args)

    def counted_with_parents(stage: Stage, *args: object) -> StageFacts:
        key = (_snapshot(stage.chain()), *(id(a) for a in args))
        with_parents[key] += 1
        return read_with_parents(stage, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(facts_module, "_read_facts", counted_stage)
    monkeypatch.setattr(writer, "_facts_with_parents", counted_with_parents)
    result = migrate_path(SAMPLES / sample / "Dockerfile")
    assert result.dockerfile == (SAMPLES / sample / "Dockerfile.migrated").read_text()
    assert own and max(own.values()) == 1, own.most_common(1)
    assert not with_parents or max(with_parents.values()) == 1, with_parents.most_common(1)


def test_every_reader_gets_facts_of_its_own() -> None:
    stages = _stages()
    with FactsMemo():
        first = read_facts(stages[0])
        first.env["APP_HOME"] = "/elsewhere"
        first.commands.clear()
        first.workdir = "/tmp"
        again = read_facts(stages[0])
    assert again.env["APP_HOME"] == "/srv/app" and again.workdir == "/src" and again.commands


def test_a_copy_owns_every_container_field() -> None:
    facts = chain_facts(_stages())
    assert facts is not None
    copy = facts.copy()
    assert copy == facts
    for name in field_names(StageFacts):
        value = getattr(facts, name)
        if isinstance(value, (list, dict, set)):
            assert getattr(copy, name) is not value, name


def test_a_stage_changed_after_it_was_read_is_read_again() -> None:
    """The writer inserts into a stage it moves to a virtualenv (rewrite.python_layout): readers after it see that."""
    stages = _stages()
    with FactsMemo():
        before = read_facts(stages[0])
        chained_before = chain_facts(stages)
        added = parse_instruction("ENV VIRTUAL_ENV=/opt/venv\n", 3)
        stages[0].items.insert(2, added)
        after = read_facts(stages[0])
        chained_after = chain_facts(stages)
    assert "VIRTUAL_ENV" not in before.env and after.env["VIRTUAL_ENV"] == "/opt/venv"
    assert chained_before is not None and chained_after is not None
    assert "VIRTUAL_ENV" not in chained_before.env and chained_after.env["VIRTUAL_ENV"] == "/opt/venv"


def test_the_memo_ends_with_its_block() -> None:
    """Outside a block (the library's readers, a test) every call reads; a block holds nothing afterwards."""
    stages = _stages()
    with FactsMemo() as memo:
        read_facts(stages[0])
    assert not memo._read
    outside = read_facts(stages[0])
    stages[0].items.clear()
    assert read_facts(stages[0]).env == {} and outside.env["APP_HOME"] == "/srv/app"


def test_files_migrated_one_after_another_share_nothing() -> None:
    """`scan` and the hook migrate many files in one process: a file's migration is the same whatever came before
    it, and no memo is left in force after one."""
    other = TWO_STAGES.replace("/srv/app", "/opt/other").replace("WORKDIR /srv\n", "WORKDIR /opt\n")
    first = migrate_text(other).dockerfile
    assert _CURRENT.get() is None
    outputs = [migrate_text(text).dockerfile for text in (TWO_STAGES, other, TWO_STAGES, other)]
    assert _CURRENT.get() is None
    assert outputs[1] == outputs[3] == first and outputs[0] == outputs[2] != first
    assert "/opt/other" in first and "/opt/other" not in outputs[0]
