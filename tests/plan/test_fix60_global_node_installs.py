"""A start program installed globally with yarn or pnpm (`yarn global add pm2`, `pnpm add -g pm2`) is read as
`npm install -g pm2` is: the final stage stays one stage on wolfi-base that installs it (MIG586), not a split whose
runtime lacks pm2-runtime (adversary round 11, F10)."""

from __future__ import annotations

import pytest
from migration_tools import codes, migrate

from migrator.plan.ecosystems.node import global_packages

SOURCE = ("FROM node:18-alpine\nWORKDIR /app\nCOPY package.json yarn.lock* ./\n"
          "RUN yarn install --production && {install}\nCOPY . .\nEXPOSE 3000\n"
          'CMD ["pm2-runtime", "start", "index.js", "-i", "max"]\n')


@pytest.mark.parametrize(("install", "tool"), [
    ("yarn global add pm2", "yarn"),
    ("yarn global add --silent pm2@5.3.0", "yarn"),
    ("pnpm add -g pm2", "pnpm"),
    ("pnpm install --global pm2@latest", "pnpm"),
    ("npm i --global pm2@5", "npm"),
])
def test_a_global_install_by_any_node_package_manager_keeps_its_program(install: str, tool: str) -> None:
    result = migrate(SOURCE.format(install=install))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache nodejs ")
    assert result.dockerfile.count("FROM ") == 1 and tool in result.dockerfile.split("\n")[1].split()
    assert f"RUN yarn install --production && {install}\n" in result.dockerfile
    [why] = [f for f in result.findings if f.code == "MIG586"]
    assert "pm2-runtime" in why.message and "globally" in why.message
    assert "MIG540" not in codes(result)


@pytest.mark.parametrize(("command", "packages"), [
    ("yarn global add pm2 @scope/tool@2", ["pm2", "@scope/tool"]),
    ("yarn --cwd /srv global add pm2", ["pm2"]),
    ("pnpm -g add pm2", ["pm2"]),
    ("/usr/local/bin/npm install -g pm2", ["pm2"]),
    # not global: the package goes to node_modules, not onto the PATH
    ("yarn add pm2", []), ("pnpm add pm2", []), ("npm install pm2", []),
    ("yarn global remove pm2", []), ("yarn global bin", []),
])
def test_what_a_command_installs_globally(command: str, packages: list[str]) -> None:
    assert global_packages(tuple(command.split())) == packages
