"""Adversary 11 F18: a Yarn 2+ project (package.json "packageManager": "yarn@4.1.1") started with `yarn start`
keeps node's -dev image as its runtime (MIG575), whose yarn is Wolfi's 1.22 and where corepack was never
enabled: yarn 1.22 refuses the project and the container exits. The start check says so (E MIG237, broken)."""

from __future__ import annotations

import json

from migration_tools import codes, migrate

DOCKERFILE = ("FROM node:20-alpine\nWORKDIR /app\nRUN corepack enable\nCOPY package.json yarn.lock .yarnrc.yml ./\n"
              "RUN yarn install --immutable\nCOPY . .\nEXPOSE 3000\nCMD [\"yarn\", \"start\"]\n")


def _project(tmp_path, manager: str, rc: str = "nodeLinker: pnp\n", start: str = "node index.js", **extra: str):
    package = {"name": "x", "scripts": {"start": start}, "dependencies": {"express": "4"}, **extra}
    if manager:
        package["packageManager"] = manager
    (tmp_path / "package.json").write_text(json.dumps(package))
    (tmp_path / "yarn.lock").write_text("")
    (tmp_path / ".yarnrc.yml").write_text(rc)
    return tmp_path


def _runtime(result) -> str:
    return result.dockerfile.rsplit("\nFROM ", 1)[-1]


def test_a_plug_n_play_node_script_starts_with_node_and_the_pnp_runtime(tmp_path):
    """fix62: `yarn start` whose script is `node index.js` runs on the node runtime as node with .pnp.cjs preloaded,
    and Yarn 4's install keeps its cache in the project, which the runtime copies with /app."""
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@4.1.1"))
    runtime = _runtime(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest\n")
    assert runtime.endswith('CMD ["node", "--require", "/app/.pnp.cjs", "index.js"]\n')
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
    builder = result.dockerfile.rsplit("\nFROM ", 1)[0]
    assert "COPY package.json yarn.lock .yarnrc.yml ./\nENV YARN_ENABLE_GLOBAL_CACHE=false\nRUN yarn install" in builder
    assert "MIG237" not in codes(result) and "MIG575" not in codes(result)
    ported = next(f for f in result.findings if f.code == "MIG545")
    assert "Plug'n'Play" in ported.message and ".pnp.cjs" in ported.message
    cache = next(f for f in result.findings if f.code == "MIG239")
    assert cache.line == 5 and "global cache" in cache.message
    assert result.runtime is not None and result.runtime.status == "ok"


def test_an_es_module_app_gets_the_pnp_esm_loader_too(tmp_path):
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@4.1.1", type="module"))
    assert _runtime(result).endswith('CMD ["node", "--require", "/app/.pnp.cjs", "--experimental-loader", '
                                     '"/app/.pnp.loader.mjs", "index.js"]\n')


def test_a_project_cache_or_yarn_3_needs_no_cache_setting(tmp_path):
    for folder in "ab":
        (tmp_path / folder).mkdir()
    local = _project(tmp_path / "a", "yarn@4.1.1", "nodeLinker: pnp\nenableGlobalCache: false\n")
    three = _project(tmp_path / "b", "yarn@3.6.4")
    for project in (local, three):
        result = migrate(DOCKERFILE, context=project)
        assert "YARN_ENABLE_GLOBAL_CACHE" not in result.dockerfile and "MIG239" not in codes(result)
        assert _runtime(result).endswith('CMD ["node", "--require", "/app/.pnp.cjs", "index.js"]\n')


def test_a_pnp_script_only_yarn_runs_keeps_the_dev_runtime_with_corepack_enabled(tmp_path):
    """A package binary (`next start`) under PnP: only yarn starts it; the -dev runtime enables corepack as root and
    gets the builder's corepack cache with the Yarn 4 release, instead of Wolfi's yarn 1.22 refusing the project."""
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@4.1.1", start="next start"))
    runtime = _runtime(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert ("USER root\nRUN corepack enable\nUSER 65532\nCOPY --from=builder --chown=65532:65532 "
            "/root/.cache/node/corepack /home/node/.cache/node/corepack\n") in runtime
    assert runtime.endswith('CMD ["yarn", "start"]\n')
    assert "MIG237" not in codes(result) and "MIG239" in codes(result)
    kept = next(f for f in result.findings if f.code == "MIG575")
    assert "Plug'n'Play" in kept.message and "needs package.json in the build context" not in kept.message
    assert result.runtime is not None and result.runtime.status == "ok"


def test_yarn_berry_start_on_a_fresh_dev_runtime_is_broken(tmp_path):
    """Without `corepack enable` in the original there is nothing to repeat: yarn 1.22 refuses the project."""
    dockerfile = DOCKERFILE.replace("RUN corepack enable\n", "")
    result = migrate(dockerfile, context=_project(tmp_path, "yarn@4.1.1", start="next start"))
    assert result.dockerfile.count("FROM cgr.dev/chainguard/node:latest-dev") == 2  # the runtime kept as it was
    [error] = [f for f in result.findings if f.code == "MIG237"]
    assert "yarn 1.22" in error.message and "yarn@4.1.1" in error.message and error.line == 7
    assert result.runtime is not None and result.runtime.status == "broken"


def test_classic_yarn_or_a_shipped_yarn_release_is_not_an_error(tmp_path):
    for folder in "ab":
        (tmp_path / folder).mkdir()
    assert "MIG237" not in codes(migrate(DOCKERFILE, context=_project(tmp_path / "a", "yarn@1.22.22")))
    shipped = _project(tmp_path / "b", "yarn@4.1.1", "nodeLinker: pnp\nyarnPath: .yarn/releases/yarn-4.1.1.cjs\n")
    assert "MIG237" not in codes(migrate(DOCKERFILE, context=shipped))


def test_classic_yarn_beside_a_yarnrc_installs_node_modules(tmp_path):
    """Yarn 1 reads no .yarnrc.yml: its project has node_modules, and `yarn start` is npm's to run."""
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@1.22.22"))
    assert _runtime(result).endswith('CMD ["npm", "start"]\n') and ".pnp.cjs" not in result.dockerfile


def test_a_read_package_json_is_not_blamed_as_missing(tmp_path):
    """fix62: MIG575 said `that needs package.json in the build context` even when package.json was read; a
    script that runs yarn itself is what only yarn runs (node_modules, no Plug'n'Play)."""
    result = migrate(DOCKERFILE, context=_project(tmp_path, "", "nodeLinker: node-modules\n",
                                                  start="yarn build && node index.js"))
    kept = next(f for f in result.findings if f.code == "MIG575")
    assert "/app/package.json was read" in kept.message and "needs package.json" not in kept.message
    assert "Plug'n'Play" not in kept.message


def test_yarn_node_starts_node_with_the_pnp_runtime(tmp_path):
    dockerfile = DOCKERFILE.replace('CMD ["yarn", "start"]', 'CMD ["yarn", "node", "server.mjs"]')
    result = migrate(dockerfile, context=_project(tmp_path, "yarn@4.1.1", start="next start"))
    assert _runtime(result).endswith('CMD ["node", "--require", "/app/.pnp.cjs", "--experimental-loader", '
                                     '"/app/.pnp.loader.mjs", "server.mjs"]\n')
    assert "`yarn node` runs node" in next(f for f in result.findings if f.code == "MIG545").message


def test_a_corepack_home_of_the_original_is_where_the_runtime_gets_the_cache(tmp_path):
    dockerfile = DOCKERFILE.replace("WORKDIR /app\n", "WORKDIR /app\nENV COREPACK_HOME=/opt/corepack\n")
    result = migrate(dockerfile, context=_project(tmp_path, "yarn@4.1.1", start="next start"))
    runtime = _runtime(result)
    assert "COPY --from=builder --chown=65532:65532 /opt/corepack /opt/corepack\n" in runtime
    assert "COREPACK_HOME=/opt/corepack" in runtime


def test_the_prune_advice_for_yarn_berry_is_a_command_it_has(tmp_path):
    """Yarn 2+ refuses `yarn install --production` (an unsupported option): its advice is workspaces focus."""
    result = migrate(DOCKERFILE, context=_project(tmp_path, "yarn@4.1.1"))
    [advice] = [f.message for f in result.findings if f.code == "MIG517"]
    assert "yarn workspaces focus --all --production" in advice and "`yarn install --production`" not in advice
