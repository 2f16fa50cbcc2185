"""Adversary round 6 (N2): `yarn <name>` runs the package.json script <name> when there is one, else the package
binary <name> (node_modules/.bin); npm runs scripts only. On the node runtime (npm, no yarn) a start command is
ported from what the build context's package.json says, never by guessing `npm run <name>`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import codes, migrate

from migrator.model import Result, Severity

APP = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\nCMD {}\n'


def context(tmp_path: Path, package: dict[str, object], **files: str) -> Path:
    (tmp_path / "package.json").write_text(json.dumps(package))
    (tmp_path / "yarn.lock").write_text("")
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/").replace("_json", ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def runtime_cmd(result: Result) -> str:
    return result.dockerfile.rsplit("\nFROM ", 1)[-1].rstrip("\n").rsplit("\n", 1)[-1]


PACKAGE = {"name": "x", "scripts": {"start": "node server.js", "serve": "node serve.js"},
           "dependencies": {"next": "14", "prisma": "5"}}


@pytest.mark.parametrize(("cmd", "expected"), [
    ('["yarn","next","start"]', 'CMD ["/app/node_modules/.bin/next", "start"]'),
    ('["yarn","prisma","migrate","deploy"]', 'CMD ["/app/node_modules/.bin/prisma", "migrate", "deploy"]'),
    ('["yarn","run","next","start"]', 'CMD ["/app/node_modules/.bin/next", "start"]'),
    ('["pnpm","next","start"]', 'CMD ["/app/node_modules/.bin/next", "start"]'),
    ('["yarn","exec","prisma","migrate","deploy"]', 'CMD ["/app/node_modules/.bin/prisma", "migrate", "deploy"]'),
])
def test_a_package_binary_starts_from_node_modules_bin(tmp_path: Path, cmd: str, expected: str) -> None:
    result = migrate(APP.format(cmd), context=context(tmp_path, PACKAGE))
    assert runtime_cmd(result) == expected
    assert "npm" not in runtime_cmd(result)
    assert result.runtime is not None and result.runtime.status == "ok" and not codes(result, Severity.ERROR)
    ported = next(f for f in result.findings if f.code == "MIG545")
    assert "node_modules/.bin" in ported.message and "no script" in ported.message


@pytest.mark.parametrize(("cmd", "expected"), [
    ('["yarn","start"]', 'CMD ["npm", "start"]'),
    ('["yarn","serve"]', 'CMD ["npm", "run", "serve"]'),
    ('["yarn","run","serve","--port","80"]', 'CMD ["npm", "run", "serve", "--", "--port", "80"]'),
    ('["pnpm","run","serve"]', 'CMD ["npm", "run", "serve"]'),
])
def test_a_package_json_script_runs_with_npm(tmp_path: Path, cmd: str, expected: str) -> None:
    result = migrate(APP.format(cmd), context=context(tmp_path, PACKAGE))
    assert runtime_cmd(result) == expected
    assert result.runtime is not None and result.runtime.status == "ok" and not codes(result, Severity.ERROR)


def test_package_json_copied_into_a_builder_is_followed(tmp_path: Path) -> None:
    text = ("FROM node:20 AS build\nWORKDIR /src\nCOPY app/package.json app/yarn.lock ./\nRUN yarn install\n"
            "COPY app/ ./\nFROM node:20-slim\nWORKDIR /srv\nCOPY --from=build /src /srv\nCMD [\"yarn\", \"vite\"]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "package.json").write_text(json.dumps({"scripts": {"build": "vite build"}}))
    result = migrate(text, context=tmp_path)
    assert runtime_cmd(result) == 'CMD ["/srv/node_modules/.bin/vite"]'


def test_a_workspace_script_runs_with_npm_in_that_workspace(tmp_path: Path) -> None:
    package = {"name": "root", "private": True, "workspaces": ["packages/*"]}
    ctx = context(tmp_path, package, packages__api__package_json=json.dumps({"name": "api", "scripts": {"start": "x"}}))
    result = migrate(APP.format('["yarn","workspace","api","start"]'), context=ctx)
    assert runtime_cmd(result) == 'CMD ["npm", "run", "start", "--workspace=api"]'
    assert result.runtime is not None and result.runtime.status == "ok" and not codes(result, Severity.ERROR)


def dev_kept(result: Result, cmd: str) -> None:
    """What cannot be ported keeps yarn: the runtime is node's -dev image (it has yarn), with a warning."""
    assert "FROM cgr.dev/chainguard/node:latest-dev\n" in result.dockerfile.rsplit("\n# Runtime stage", 1)[-1]
    assert runtime_cmd(result) == f"CMD {cmd}" and "npm run" not in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "ok" and not codes(result, Severity.ERROR)
    warning = next(f for f in result.findings if f.code == "MIG575")
    assert warning.severity == Severity.WARNING and "-dev" in warning.message


def test_a_workspace_command_that_is_no_script_is_not_guessed(tmp_path: Path) -> None:
    cmd = '["yarn","workspace","api","start"]'
    dev_kept(migrate(APP.format(cmd), context=context(tmp_path, PACKAGE)), cmd)


@pytest.mark.parametrize("cmd", ['["yarn","next","start"]', '["yarn","run","serve"]', '["pnpm","vite"]',
                                 '["yarn","dlx","serve"]'])
def test_without_package_json_no_npm_run_is_guessed(cmd: str) -> None:
    dev_kept(migrate(APP.format(cmd)), cmd)


def test_without_package_json_yarn_start_is_still_the_start_script() -> None:
    result = migrate(APP.format('["yarn","start"]'))
    assert runtime_cmd(result) == 'CMD ["npm", "start"]'
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile


def test_yarn_plug_n_play_has_no_node_modules(tmp_path: Path) -> None:
    package = {**PACKAGE, "packageManager": "yarn@4.1.0"}
    result = migrate(APP.format('["yarn","next","start"]'), context=context(tmp_path, package, **{".yarnrc.yml": "x: 1\n"}))
    assert "FROM cgr.dev/chainguard/node:latest-dev\n" in result.dockerfile.rsplit("\n# Runtime stage", 1)[-1]
    # (the -dev image's yarn is 1.22 without corepack: it refuses a yarn@4 project, adversary 11 F18)
    assert result.runtime is not None and result.runtime.status == "broken" and "MIG237" in codes(result)
    linked = migrate(APP.format('["yarn","next","start"]'),
                     context=context(tmp_path, package, **{".yarnrc.yml": "nodeLinker: node-modules\n"}))
    assert runtime_cmd(linked) == 'CMD ["/app/node_modules/.bin/next", "start"]'


DEV_TOOLS = {"name": "x", "scripts": {"start": "NODE_ENV=production nodemon server.js", "serve": "node serve.js"},
             "dependencies": {"next": "14"}, "devDependencies": {"prisma": "5", "nodemon": "3"}}


@pytest.mark.parametrize(("install", "cmd", "tool"), [
    ("corepack enable && pnpm install --frozen-lockfile", '["pnpm","prisma","migrate","deploy"]', "prisma"),
    ("npm ci", '["npx","prisma","migrate","deploy"]', "prisma"),
    ("npm ci", '["npm","start"]', "nodemon"),
])
def test_a_dev_dependency_the_start_command_runs_is_not_pruned(tmp_path: Path, install: str, cmd: str,
                                                                 tool: str) -> None:
    text = APP.replace("yarn install --frozen-lockfile", install).format(cmd)
    result = migrate(text, context=context(tmp_path, DEV_TOOLS))
    assert "prune" not in result.dockerfile
    note = next(f for f in result.findings if f.code == "MIG517")
    assert f"`{tool}`" in note.message and "not pruned" in note.message


def test_a_production_dependency_binary_is_still_pruned_around(tmp_path: Path) -> None:
    text = APP.replace("yarn install --frozen-lockfile", "npm ci").format('["npx","next","start"]')
    result = migrate(text, context=context(tmp_path, DEV_TOOLS))
    assert "RUN npm prune --omit=dev\n" in result.dockerfile


@pytest.mark.parametrize("scripts", [{"start": "yarn migrate && node s.js", "migrate": "node m.js"},
                                     {"prestart": "pnpm run migrate", "start": "node s.js", "migrate": "node m.js"}])
def test_a_script_that_runs_yarn_itself_keeps_a_runtime_with_yarn(tmp_path: Path, scripts: dict[str, str]) -> None:
    # adversary 7, D4: `npm start` runs the script through sh on node:latest, which has no yarn or pnpm
    cmd = '["yarn","start"]'
    dev_kept(migrate(APP.format(cmd), context=context(tmp_path, {"scripts": scripts})), cmd)
