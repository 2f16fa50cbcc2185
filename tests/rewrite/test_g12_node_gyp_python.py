"""Docker Hub's full node tags (FROM buildpack-deps) ship python3, which node-gyp needs when an addon has no
prebuilt binary for the builder's node; node:latest-dev has none. A stage that runs an install gets python-3
in its builder (I MIG313) when the context's lockfile has a package with an install script, nothing when it has
none, and W MIG234 when no lockfile can be read (adversary round 12, G12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, migrate

APP = ("FROM {image}\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN {install}\nCOPY . .\n"
       'CMD ["node", "index.js"]\n')


@pytest.mark.parametrize("image", ["node:20", "node:20-bookworm", "node"])
@pytest.mark.parametrize("install", ["npm ci --omit=dev", "npm install", "yarn install --frozen-lockfile"])
def test_an_install_of_an_addon_on_full_node_gets_python_in_the_builder(tmp_path: Path, image: str,
                                                                       install: str) -> None:
    _lockfile(tmp_path, install_script=True)
    result = migrate(APP.format(image=image, install=install), context=tmp_path)
    assert f"RUN apk add --no-cache python-3 && {install}\n" in builder_stage(result)
    assert "python" not in final_stage(result)
    [added] = [f.message for f in result.findings if f.code == "MIG313"]
    assert "python-3 added to apk add" in added and "node-gyp" in added
    assert "MIG514" not in codes(result)  # (the original final stage did not install it: the tool did)


def test_without_a_lockfile_a_warning_says_what_to_add() -> None:
    result = migrate(APP.format(image="node:20", install="npm ci"))
    assert "python" not in result.dockerfile
    [warned] = [f for f in result.findings if f.code == "MIG234"]
    assert warned.line == 4 and warned.severity.value == "warning"
    assert "`npm ci` on node:20" in warned.message and "add python-3 to the builder" in warned.message


@pytest.mark.parametrize("text", [
    APP.format(image="node:20-slim", install="npm ci"),  # slim has no python either
    APP.format(image="node:20-alpine", install="npm ci"),
    APP.format(image="node:20", install="apt-get update && apt-get install -y python3 && npm ci"),
    APP.format(image="node:20", install="npm run build"),  # no install
])
def test_no_python_where_the_source_had_none_or_the_stage_installs_it(text: str) -> None:
    result = migrate(text)
    assert not [f for f in result.findings if f.code in ("MIG313", "MIG234") and "node-gyp" in f.message]
    assert builder_stage(result).count("python-3") <= 1


def _lockfile(tmp_path: Path, install_script: bool) -> None:
    packages = {"": {"name": "x"}, "node_modules/express": {"version": "4.19.2"}}
    if install_script:
        packages["node_modules/better-sqlite3"] = {"version": "9.4.3", "hasInstallScript": True}
    (tmp_path / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": packages},
                                                          separators=(",", ":")))  # (however it is spaced)
    (tmp_path / "package.json").write_text('{"name": "x"}')


@pytest.mark.parametrize("install_script", [True, False])
def test_a_lockfile_on_disk_decides(tmp_path: Path, install_script: bool) -> None:
    _lockfile(tmp_path, install_script)
    result = migrate(APP.format(image="node:20", install="npm ci"), context=tmp_path)
    assert ("apk add --no-cache python-3" in result.dockerfile) is install_script
    assert "MIG234" not in codes(result)
