"""Adversary round 10, node runtime.

D10: a node file without WORKDIR (or `WORKDIR /`): `npm install` made /node_modules, and the runtime copied only the
files named (/package.json, /index.js): `Cannot find module 'express'`. What the install made beside the app's files
in `/` is copied too.
D11: `ENTRYPOINT ["docker-entrypoint.sh"]` (Docker Hub node's own script, which only runs its arguments) was kept on
node:latest, which has none: E MIG540. It is dropped with MIG538 (the program in front where the script put it).
D12: `npm install --prefix /opt/deps express` with NODE_PATH=/opt/deps/node_modules: the prefix was not copied, and
`require("express")` failed. An install into a directory NODE_PATH names is copied."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, final_stage, messages, migrate, status


@pytest.mark.parametrize(("workdir", "install", "files"), [
    ("", "COPY package.json .\nRUN npm install --production\nCOPY index.js .\n", ["/package.json", "/index.js"]),
    ("WORKDIR /\n", "COPY package.json yarn.lock ./\nRUN yarn install --production --frozen-lockfile\n"
     "COPY src ./src\n", ["/package.json", "/yarn.lock", "/src"]),
    ("", "COPY index.js .\nRUN npm install express@4\n", ["/index.js"]),
])
def test_an_app_in_the_root_gets_its_node_modules(workdir: str, install: str, files: list[str]) -> None:
    result = migrate(f"FROM node:20-alpine\n{workdir}{install}CMD [\"node\", \"index.js\"]\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /node_modules /node_modules\n" in runtime
    for path in files:
        assert f"COPY --from=builder {path} {path}\n" in runtime
    assert status(result) == "ok"


def test_the_whole_context_copied_into_the_root_gets_node_modules_too() -> None:
    """`COPY . .` without WORKDIR: the runtime repeats the COPY (MIG523), and takes the builder's /node_modules."""
    result = migrate('FROM node:20-alpine\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "index.js"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /node_modules /node_modules\n" in runtime
    assert "COPY . /\n" in runtime
    assert "MIG523" in codes(result)


def test_an_install_elsewhere_in_the_root_is_not_copied() -> None:
    """/node_modules is copied for the app's files in `/`, not for an install in a directory of its own."""
    result = migrate('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n')
    assert "/node_modules" not in final_stage(result)


@pytest.mark.parametrize("run", [
    "npm install --prefix /opt/deps express@4",
    "npm --prefix /opt/deps install express@4",
    "npm install --prefix=/opt/deps express@4",
    "cd /opt/deps && npm install express@4",
])
def test_an_install_where_node_path_looks_is_copied(run: str) -> None:
    text = ('FROM node:20-alpine\nWORKDIR /srv\nCOPY . .\nRUN mkdir -p /opt/deps\nRUN ' + run +
            '\nENV NODE_PATH=/opt/deps/node_modules\nCMD ["node", "server.js"]\n')
    runtime = final_stage(migrate(text))
    assert "ENV NODE_PATH=/opt/deps/node_modules\n" in runtime
    assert ("COPY --from=builder /opt/deps/node_modules /opt/deps/node_modules\n" in runtime
            or "COPY --from=builder --chown=65532:65532 /opt/deps /opt/deps\n" in runtime), runtime


def test_an_install_above_the_workdir_is_copied() -> None:
    """node looks for node_modules from the app's directory up to `/`: an install above the WORKDIR is the app's."""
    text = ('FROM node:20-alpine\nRUN npm install --prefix /usr/src express@4\nWORKDIR /usr/src/app\nCOPY . .\n'
            'CMD ["node", "server.js"]\n')
    assert "COPY --from=builder /usr/src/node_modules /usr/src/node_modules\n" in final_stage(migrate(text))


def test_an_install_node_path_does_not_name_is_not_copied() -> None:
    text = ('FROM node:20-alpine\nWORKDIR /srv\nCOPY . .\nRUN npm install --prefix /opt/tools eslint\n'
            'CMD ["node", "server.js"]\n')
    assert "/opt/tools" not in final_stage(migrate(text))


@pytest.mark.parametrize(("entrypoint", "cmd", "written"), [
    ('["docker-entrypoint.sh"]', '["node", "server.js"]', 'ENTRYPOINT []\nCMD ["node", "server.js"]\n'),
    ('["docker-entrypoint.sh"]', '["server.js"]', 'ENTRYPOINT ["node"]\nCMD ["server.js"]\n'),
    ('["/usr/local/bin/docker-entrypoint.sh"]', '["npm", "start"]', 'ENTRYPOINT []\nCMD ["npm", "start"]\n'),
    ('["docker-entrypoint.sh", "node"]', '["server.js"]', 'ENTRYPOINT ["node"]\nCMD ["server.js"]\n'),
    ('["docker-entrypoint.sh"]', '["--max-old-space-size=512", "server.js"]',
     'ENTRYPOINT ["node"]\nCMD ["--max-old-space-size=512", "server.js"]\n'),
])
def test_node_images_entrypoint_script_is_dropped(entrypoint: str, cmd: str, written: str) -> None:
    text = (f"FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nENTRYPOINT {entrypoint}\n"
            f"CMD {cmd}\n")
    result = migrate(text)
    assert final_stage(result).endswith(written)
    assert "docker-entrypoint.sh" in messages(result, "MIG538")[0]
    assert "MIG540" not in codes(result)
    assert status(result) == "ok"


@pytest.mark.parametrize(("cmd", "written"), [
    ('["php", "app.php"]', 'ENTRYPOINT []\nCMD ["php", "app.php"]\n'),
    ('["-S", "0.0.0.0:8080"]', 'ENTRYPOINT ["php"]\nCMD ["-S", "0.0.0.0:8080"]\n'),
])
def test_php_images_entrypoint_script_is_dropped(cmd: str, written: str) -> None:
    result = migrate(f'FROM php:8.3-cli\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["docker-php-entrypoint"]\nCMD {cmd}\n')
    assert final_stage(result).endswith(written)
    assert "docker-php-entrypoint" in messages(result, "MIG538")[0]
    assert "MIG540" not in codes(result)


def test_a_docker_entrypoint_sh_of_the_files_own_is_kept() -> None:
    text = ("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
            "COPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"
            "CMD [\"node\", \"server.js\"]\n")
    result = migrate(text)
    assert 'ENTRYPOINT ["docker-entrypoint.sh"]\n' in final_stage(result)
    assert "MIG538" not in codes(result)
    assert not errors(result, "MIG540")
