"""Helpers shared by the migration tests (tests/plan, tests/rewrite): migrate a text, read the stages and findings.

A module of its own name, imported by the tests (`from migration_tools import migrate, codes`), and no
conftest.py: two modules named `conftest` collide depending on the order pytest loads them (see
tests/cli/clitools.py). It is importable from every test directory because pyproject.toml puts tests/ on
pytest's `pythonpath`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from migrator.api import migrate_text
from migrator.model import Finding, Options, Result, Severity
from migrator.parse.dockerfile import parse


class HasFindings(Protocol):
    """A migration Result or a ShellRewrite: anything that lists findings."""

    @property
    def findings(self) -> Sequence[Finding]: ...


def migrate(text: str, options: Options | None = None, *, check_idempotence: bool = True, **fields: Any) -> Result:
    """Migrate `text` with `options`, or with Options(**fields) (migrate(text, context=tmp_path)).

    Unless `check_idempotence` is False, also assert that migrating the output again with the same options
    changes nothing, as the house rules promise."""
    if fields:
        assert options is None, "give either Options or its fields, not both"
        options = Options(**fields)
    result = migrate_text(text, options)
    if check_idempotence:
        again = migrate_text(result.dockerfile, options)
        assert again.dockerfile == result.dockerfile, "not idempotent"
    return result


def final_stage(migrated: Result | str) -> str:
    """The text after the last `FROM ` of a migrated file: the final stage, from its image reference on."""
    dockerfile = migrated if isinstance(migrated, str) else migrated.dockerfile
    return dockerfile.rsplit("\nFROM ", 1)[-1]


def builder_stage(migrated: Result | str) -> str:
    """The text before the last `FROM ` of a migrated file: every stage but the final one."""
    dockerfile = migrated if isinstance(migrated, str) else migrated.dockerfile
    return dockerfile.rsplit("\nFROM ", 1)[0]


def final_stage_instructions(text: str) -> list[tuple[str, str]]:
    """The final stage of `text` migrated (idempotently) as BuildKit reads it: (keyword, arguments), continuations
    joined, ENV and ARG left out."""
    output = migrate(text).dockerfile
    stage = output[output.rindex("\nFROM "):]
    return [(i.keyword, i.args) for i in parse(stage).instructions if i.keyword not in ("ENV", "ARG")]


def keywords(text: str) -> list[tuple[str, str]]:
    """Every instruction of a Dockerfile text as (keyword, body)."""
    return [(i.keyword, i.body) for i in parse(text).instructions]


def codes(result: HasFindings, severity: Severity | str | None = None) -> list[str]:
    """The codes of the findings, in their order; only those of `severity` when it is given."""
    wanted = None if severity is None else Severity(severity)
    return [f.code for f in result.findings if wanted is None or f.severity is wanted]


def messages(result: HasFindings, code: str) -> list[str]:
    """The messages of the findings with `code`, in their order."""
    return [f.message for f in result.findings if f.code == code]


def errors(result: HasFindings, code: str) -> list[str]:
    """The messages of the error findings with `code`."""
    return [f.message for f in result.findings if f.code == code and f.severity is Severity.ERROR]


def lost(result: Result) -> str:
    """What MIG561 says the final stage lacks (paths the build wrote that the runtime does not get), as one text."""
    return " ".join(messages(result, "MIG561"))


def verdict(result: Result) -> tuple[str, str]:
    """Whether the final stage can start its command: (status, reason) of the runtime check."""
    assert result.runtime is not None, "the final stage was not migrated"
    return result.runtime.status, result.runtime.reason


def status(result: Result) -> str:
    """The status alone of the runtime check (ok, shell-kept, single-stage, unverified, broken)."""
    return verdict(result)[0]
