"""Adversary round 8, E15: `RUN npm prune --omit=dev` was added although node loads a devDependency before the app
(`node -r ts-node/register`, `--require dotenv/config`, `--import tsx`, NODE_OPTIONS) or starts TypeScript source:
the runtime got node_modules without it and the app died with "Cannot find module 'ts-node/register'". Such a start
keeps its devDependencies, with a finding that says why; a prune that is added says so, and how to keep them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import builder_stage, messages, migrate, status

from migrator.model import Result, Severity

APP = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN {install}\nCOPY . .\n{start}\n'
DEV = {"ts-node": "10", "typescript": "5", "tsx": "4", "dotenv": "16", "nodemon": "3", "@swc-node/register": "1"}


def context(tmp_path: Path, scripts: dict[str, str] | None = None, dependencies: dict[str, str] | None = None) -> Path:
    package = {"name": "x", "scripts": scripts or {}, "dependencies": {"express": "4", **(dependencies or {})},
               "devDependencies": DEV}
    (tmp_path / "package.json").write_text(json.dumps(package))
    return tmp_path


def app(start: str, install: str = "npm install") -> str:
    return APP.format(install=install, start=start)


def kept(result: Result, why: str, verdict: str = "ok") -> None:
    """No prune in the builder, the runtime gets the whole node_modules, and MIG517 says why."""
    assert "prune" not in result.dockerfile
    assert "COPY --from=builder --chown=65532:65532 /app /app" in result.dockerfile
    [note] = [m for m in messages(result, "MIG517") if "not pruned" in m]
    assert why in note, note
    assert status(result) == verdict


@pytest.mark.parametrize(("start", "why"), [
    ("node -r ts-node/register src/index.ts", "`ts-node/register` (node -r)"),
    ("node --require dotenv/config index.js", "`dotenv/config` (node --require)"),
    ("node --require=dotenv/config index.js", "`dotenv/config` (node --require)"),
    ("node --loader ts-node/esm src/index.js", "lists `ts-node` in devDependencies"),
    ("node --experimental-loader=ts-node/esm src/index.js", "lists `ts-node` in devDependencies"),
    ("node --import @swc-node/register/esm-register src/index.js", "lists `@swc-node/register` in devDependencies"),
    ("NODE_OPTIONS='--require dotenv/config' node index.js", "`dotenv/config` (NODE_OPTIONS --require)"),
    ("export NODE_OPTIONS=\"-r ts-node/register\" && node src/index.js", "`ts-node/register` (NODE_OPTIONS -r)"),
    ("NODE_ENV=production node --max-old-space-size=512 -r dotenv/config index.js", "`dotenv/config`"),
    ("node src/server.mts", "TypeScript source (`src/server.mts`)"),
    ("cross-env NODE_OPTIONS=--import=tsx node src/index.js", "`tsx` (NODE_OPTIONS --import)"),
])
def test_a_start_script_that_loads_a_dev_dependency_keeps_them(tmp_path: Path, start: str, why: str) -> None:
    result = migrate(app('CMD ["npm", "start"]'), context=context(tmp_path, {"start": start}))
    kept(result, why)


@pytest.mark.parametrize("scripts", [
    {"start": "npm run serve", "serve": "node -r ts-node/register src/index.ts"},
    {"start": "npm run migrate && npm run serve", "migrate": "node m.js", "serve": "yarn run boot",
     "boot": "node -r ts-node/register src/index.ts"},
    {"prestart": "node --require ts-node/register seed.ts", "start": "node index.js"},
])
def test_through_npm_run_chains(tmp_path: Path, scripts: dict[str, str]) -> None:
    kept(migrate(app('CMD ["npm", "start"]'), context=context(tmp_path, scripts)), "`ts-node/register`")


@pytest.mark.parametrize(("start", "why"), [
    ('CMD ["node", "--import", "tsx", "src/index.ts"]', "`tsx` (node --import)"),
    ('CMD ["node", "-r", "ts-node/register", "src/index.js"]', "`ts-node/register` (node -r)"),
    ('CMD ["dumb-init", "node", "-r", "dotenv/config", "index.js"]', "`dotenv/config` (node -r)"),
    ('CMD ["tini", "--", "env", "NODE_OPTIONS=-r dotenv/config", "node", "index.js"]', "(NODE_OPTIONS -r)"),
    ('CMD NODE_OPTIONS="-r ts-node/register" node src/index.js', "`ts-node/register` (NODE_OPTIONS -r)"),
    ('ENV NODE_OPTIONS="--require dotenv/config"\nCMD ["node", "index.js"]', "(ENV NODE_OPTIONS --require)"),
    ('ENTRYPOINT ["node"]\nCMD ["src/index.ts"]', "TypeScript source (`src/index.ts`)"),
    ('CMD ["node", "node_modules/nodemon/bin/nodemon.js", "index.js"]', "a file of `nodemon`"),
])
def test_the_dockerfiles_own_start_command(tmp_path: Path, start: str, why: str) -> None:
    # (a shell-form CMD keeps its shell: the runtime is node's -dev image)
    kept(migrate(app(start), context=context(tmp_path)), why, "shell-kept" if "CMD [" not in start else "ok")


def test_pnpm_is_not_pruned_either(tmp_path: Path) -> None:
    text = app('CMD ["pnpm", "start"]', "corepack enable && pnpm install --frozen-lockfile")
    kept(migrate(text, context=context(tmp_path, {"start": "node --import tsx src/index.ts"})), "`tsx`")


def test_yarn_is_not_told_to_drop_them(tmp_path: Path) -> None:
    result = migrate(app('CMD ["yarn", "start"]', "yarn install"),
                     context=context(tmp_path, {"start": "node -r ts-node/register src/index.ts"}))
    assert "--production" not in " ".join(messages(result, "MIG517"))
    assert any("`ts-node/register`" in m for m in messages(result, "MIG517"))


def test_without_package_json_a_preloaded_package_may_be_a_dev_dependency() -> None:
    result = migrate(app('CMD ["node", "-r", "dotenv/config", "index.js"]'))
    kept(result, "package.json was not read, so whether `dotenv` is a devDependency is not known")


@pytest.mark.parametrize(("start", "dependencies"), [
    ("node -r dotenv/config index.js", {"dotenv": "16"}),  # (a production dependency too)
    ("node -r ./tracing.js --import node:process index.js", {}),
    ("node --max-old-space-size=512 dist/index.js", {}),
    ("node --env-file .env dist/index.js", {}),
    ("node dist/types.d.ts.js", {}),
])
def test_a_start_that_needs_no_dev_dependency_is_pruned_and_says_how_to_keep_them(
        tmp_path: Path, start: str, dependencies: dict[str, str]) -> None:
    result = migrate(app('CMD ["npm", "start"]'), context=context(tmp_path, {"start": start}, dependencies))
    assert builder_stage(result).endswith(  # (the prune before the stage's start line: issue 9)
        'RUN npm prune --omit=dev\nCMD ["npm", "start"]\n\n# Runtime stage on node (no package manager)')
    [note] = [f for f in result.findings if f.code == "MIG517"]
    assert note.severity is Severity.INFO and "are pruned" in note.message
    assert "must be in package.json's dependencies" in note.message
    assert "delete the `RUN npm prune --omit=dev` line" in note.message
    assert "package.json was not read" not in note.message
    assert status(result) == "ok"


def test_a_prune_without_package_json_says_the_scripts_were_not_checked() -> None:
    result = migrate(app('CMD ["npm", "start"]'))
    assert "RUN npm prune --omit=dev\n" in result.dockerfile
    [note] = messages(result, "MIG517")
    assert "package.json was not read: the start was not checked" in note and "delete the `RUN npm prune" in note


LOCK = {"lockfileVersion": 3, "packages": {
    "": {"name": "x"},
    "node_modules/typescript": {"version": "5.4.5", "dev": True, "bin": {"tsc": "bin/tsc", "tsserver": "bin/tsserver"}},
    "node_modules/express": {"version": "4.19.2"}}}


@pytest.mark.parametrize("scripts", [{"prestart": "tsc", "start": "node dist/index.js"},
                                     {"start": "npm run build && node dist/index.js", "build": "tsc -p ."}])
def test_a_program_whose_package_has_another_name_is_found_in_package_lock(tmp_path: Path,
                                                                           scripts: dict[str, str]) -> None:
    # `tsc` is typescript's: the start compiles, and a prune would leave it `tsc: not found`
    (context(tmp_path, scripts) / "package-lock.json").write_text(json.dumps(LOCK))
    result = migrate(app('CMD ["npm", "start"]', "npm ci"), context=tmp_path)
    kept(result, "runs `tsc`, a program of `typescript`, which package.json lists in devDependencies only")
