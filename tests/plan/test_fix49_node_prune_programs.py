"""Adversary round 10, D3: the inserted `RUN npm prune --omit=dev` removed the program the start script runs:
`cross-env` (a devDependency, seen through as a wrapper of `node dist/main.js`) and `nest start` without a
package-lock.json (`nest` is @nestjs/cli's program: not a package name, so unknown, and the unknown was read as
"not a devDependency"). `npm start` then failed with `sh: cross-env: not found`. The rule now: prune only when every
program the start script runs is known to stay: a shell builtin, a program of the runtime image, or one a runtime
dependency installs (its own name, the program package-lock.json or rules/npm-programs.yaml gives its package);
anything else keeps the devDependencies, with MIG517 saying which program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import builder_stage, messages, migrate, status

APP = ('FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nRUN npm run build\n'
       'EXPOSE 3000\nCMD ["npm", "start"]\n')


def context(tmp_path: Path, start: str, dependencies: dict[str, str], dev: dict[str, str],
            lock_bins: dict[str, dict[str, str]] | None = None) -> Path:
    package = {"name": "x", "scripts": {"build": "tsc", "start": start}, "dependencies": dependencies,
               "devDependencies": dev}
    (tmp_path / "package.json").write_text(json.dumps(package))
    if lock_bins is not None:
        packages = {f"node_modules/{name}": {"version": "1.0.0", "bin": bins} for name, bins in lock_bins.items()}
        (tmp_path / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": packages}))
    return tmp_path


@pytest.mark.parametrize(("start", "dependencies", "dev", "lock", "why"), [
    ("cross-env NODE_ENV=production node dist/main.js", {"express": "4"}, {"cross-env": "7", "typescript": "5"},
     None, "runs `cross-env`, which package.json lists in devDependencies only"),
    ("cross-env NODE_ENV=production node dist/main.js", {"express": "4"}, {"cross-env": "7", "typescript": "5"},
     {"cross-env": {"cross-env": "src/bin/cross-env.js"}}, "runs `cross-env`"),
    ("nest start", {"@nestjs/core": "10"}, {"@nestjs/cli": "10", "typescript": "5"}, None,
     "runs `nest`, a program of `@nestjs/cli`, which package.json lists in devDependencies only"),
    ("nest start", {"@nestjs/core": "10"}, {"typescript": "5"}, None,
     "runs `nest`, which no package package.json names is known to install"),
    ("my-server --port 3000", {"express": "4"}, {"typescript": "5"}, None,
     "runs `my-server`, which no package package.json names is known to install"),
    ("nest start", {"@nestjs/core": "10"}, {"@nestjs/cli": "10", "typescript": "5"},
     {"@nestjs/cli": {"nest": "bin/nest.js"}}, "runs `nest`, a program of `@nestjs/cli`, which package.json lists "
     "in devDependencies only"),
    ("sequelize db:migrate && node index.js", {"sequelize": "6"}, {"sequelize-cli": "6"}, None,
     "runs `sequelize`, a program of `sequelize-cli`"),
])
def test_a_start_whose_program_may_be_a_dev_dependency_keeps_them(tmp_path: Path, start: str,
                                                                   dependencies: dict[str, str], dev: dict[str, str],
                                                                   lock: dict[str, dict[str, str]] | None,
                                                                   why: str) -> None:
    result = migrate(APP, context=context(tmp_path, start, dependencies, dev, lock))
    assert "prune" not in result.dockerfile
    assert "COPY --from=builder --chown=65532:65532 /app /app" in result.dockerfile
    [note] = [m for m in messages(result, "MIG517") if "not pruned" in m]
    assert why in note, note
    assert status(result) == "ok"


@pytest.mark.parametrize(("start", "dependencies", "lock"), [
    ("node dist/main.js", {"express": "4"}, None),
    ("cross-env NODE_ENV=production node dist/main.js", {"express": "4", "cross-env": "7"}, None),
    ("echo starting && cd dist && exec node main.js", {"express": "4"}, None),
    ("pm2-runtime start ecosystem.config.js", {"pm2": "5"}, {"pm2": {"pm2": "bin/pm2", "pm2-runtime": "bin/rt"}}),
    ("pm2-runtime start ecosystem.config.js", {"pm2": "5"}, None),  # (rules/npm-programs.yaml: pm2's)
])
def test_a_start_whose_programs_all_stay_is_pruned(tmp_path: Path, start: str, dependencies: dict[str, str],
                                                   lock: dict[str, dict[str, str]] | None) -> None:
    result = migrate(APP, context=context(tmp_path, start, dependencies, {"typescript": "5"}, lock))
    assert "RUN npm run build\nRUN npm prune --omit=dev\nEXPOSE 3000\n" in builder_stage(result)
    assert any("dev dependencies are pruned" in m for m in messages(result, "MIG517"))
