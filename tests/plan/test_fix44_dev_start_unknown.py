"""Without package.json, a start through a package's program (`npx ts-node src/index.ts`, `npx tsx`, `pnpm exec
tsx`, node_modules/.bin/tsx) may need a devDependency: the tool cannot know, so node_modules keeps them (no prune),
and MIG517 says why. `yarn start` without package.json may be a script: it stays as before (pruned, with a note that
the start was not checked)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, messages, migrate, status

APP = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD {start}\n'


@pytest.mark.parametrize(("start", "program", "verdict"), [
    ('["npx", "ts-node", "src/index.ts"]', "ts-node", "ok"),
    ('["npx", "tsx", "src/index.ts"]', "tsx", "ok"),
    ('npx --yes tsx watch src/index.ts', "tsx", "ok"),
    ('["pnpm", "exec", "tsx", "src/index.ts"]', "tsx", "ok"),
    ('["node_modules/.bin/ts-node", "src/index.ts"]', "ts-node", "ok"),
    ('["sh", "-c", "npx ts-node src/migrate.ts && node dist/index.js"]', "ts-node", "shell-kept"),
])
def test_a_package_program_started_without_package_json_keeps_dev_dependencies(start: str, program: str,
                                                                                verdict: str) -> None:
    result = migrate(APP.format(start=start))
    assert "prune" not in result.dockerfile
    assert "COPY --from=builder --chown=65532:65532 /app /app" in final_stage(result)
    [note] = [m for m in messages(result, "MIG517") if "not pruned" in m]
    assert f"runs `{program}`, a package's program, and package.json was not read" in note
    assert "is not known" in note
    assert status(result) == verdict


def test_a_script_by_name_without_package_json_is_still_pruned() -> None:
    result = migrate(APP.format(start='["yarn", "start"]'))
    assert "not pruned" not in " ".join(messages(result, "MIG517"))
