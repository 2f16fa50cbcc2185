"""A start script whose own shell is sh but which runs bash itself (`bash /app/migrate.sh`, `exec bash -c ...`)
needs bash at every start: the runtime must have it (adversary 6, N15: node:latest, busybox only, with W MIG541)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Result

APP = ('FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCOPY ep.sh /ep.sh\nENTRYPOINT ["/ep.sh"]\n'
       'CMD ["node","server.js"]\n')


def migrate_with_entrypoint(tmp_path: Path, body: str) -> Result:
    """Migrate APP with a context in `tmp_path` whose ep.sh runs `body` before the command."""
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "ep.sh").write_text(f'#!/bin/sh\nset -e\n{body}\nexec "$@"\n')
    return migrate(APP, context=tmp_path)


@pytest.mark.parametrize("body", ["bash /app/migrate.sh", 'exec bash -c "source /app/.env && exec node server.js"',
                                  "/bin/bash ./scripts/setup.sh"])
def test_a_sh_script_that_runs_bash_gets_a_runtime_with_bash(tmp_path: Path, body: str) -> None:
    result = migrate_with_entrypoint(tmp_path, body)
    assert result.runtime is not None
    assert "bash" in result.dockerfile.rsplit("\nFROM ", 1)[-1].split("ENTRYPOINT")[0]  # installed where it runs
    assert "FROM cgr.dev/chainguard/node:latest\n" not in result.dockerfile
    assert result.runtime.status == "single-stage" and "bash is installed" in result.runtime.reason


def test_bash_only_in_a_branch_for_other_arguments_needs_none(tmp_path: Path) -> None:
    result = migrate_with_entrypoint(tmp_path, 'if [ "$1" = "debug" ]; then exec bash; fi')
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
