"""Adversary 11 F18: a Yarn 2+ project (package.json "packageManager": "yarn@4.1.1") started with `yarn start`
keeps node's -dev image as its runtime (MIG575), whose yarn is Wolfi's 1.22 and where corepack was never
enabled: yarn 1.22 refuses the project and the container exits. The start check says so (E MIG237, broken)."""

from __future__ import annotations

import json

from migration_tools import codes, migrate

DOCKERFILE = ("FROM node:20-alpine\nWORKDIR /app\nRUN corepack enable\nCOPY package.json yarn.lock .yarnrc.yml ./\n"
              "RUN yarn install --immutable\nCOPY . .\nEXPOSE 3000\nCMD [\"yarn\", \"start\"]\n")


def _project(tmp_path, manager: str, rc: str = "nodeLinker: pnp\n"):
    package = {"name": "x", "scripts": {"start": "node index.js"}, "dependencies": {"express": "4"}}
    if manager:
        package["packageManager"] = manager
    (tmp_path / "package.json").write_text(json.dumps(package))
    (tmp_path / "yarn.lock").write_text("")
    (tmp_path / ".yarnrc.yml").write_text(rc)
    return tmp_path


def test_yarn_berry_start_on_a_fresh_dev_runtime_is_broken(tmp_path):
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@4.1.1"))
    assert result.dockerfile.count("FROM cgr.dev/chainguard/node:latest-dev") == 2  # the runtime kept as it was
    [error] = [f for f in result.findings if f.code == "MIG237"]
    assert "yarn 1.22" in error.message and "yarn@4.1.1" in error.message and error.line == 8
    assert result.runtime is not None and result.runtime.status == "broken"


def test_classic_yarn_or_a_shipped_yarn_release_is_not_an_error(tmp_path):
    for folder in "ab":
        (tmp_path / folder).mkdir()
    assert "MIG237" not in codes(migrate(DOCKERFILE, context=_project(tmp_path / "a", "yarn@1.22.22")))
    shipped = _project(tmp_path / "b", "yarn@4.1.1", "nodeLinker: pnp\nyarnPath: .yarn/releases/yarn-4.1.1.cjs\n")
    assert "MIG237" not in codes(migrate(DOCKERFILE, context=shipped))
