"""Adversary round 8 (issue 9), what the runtime must contain: dependencies installed beside the app after a `cd`
(E6), a python builder's packages copied as the whole /usr/local prefix (E12), and pip's --prefix / --user trees
copied through a final stage that became an intermediate builder (E13)."""

from __future__ import annotations

import pytest
from migration_tools import codes, final_stage, migrate, status


@pytest.mark.parametrize("install", [
    "RUN cd /srv && npm install --production",
    "RUN npm ci --omit=dev --prefix /srv",
    "RUN npm ci --omit=dev --prefix=/srv",
    "RUN yarn --cwd /srv install --production",
    "RUN pnpm -C /srv install --prod",
])
def test_node_modules_made_beside_the_app_outside_the_workdir_reaches_the_runtime(install: str) -> None:
    # E6: the runtime copied /srv/package.json and /srv/server.js, not /srv/node_modules ("Cannot find module")
    result = migrate(f"FROM node:20-alpine\nCOPY package.json server.js /srv/\n{install}\n"
                     'CMD ["node", "/srv/server.js"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /srv/node_modules /srv/node_modules" in runtime
    assert "COPY --from=builder /srv/server.js /srv/server.js" in runtime
    assert status(result) == "ok"


def test_node_modules_beside_the_app_with_another_workdir() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY package.json server.js /srv/\n"
                     'RUN cd /srv && npm install\nCMD ["node", "/srv/server.js"]\n')
    assert "COPY --from=builder /srv/node_modules /srv/node_modules" in final_stage(result)


def test_an_install_in_the_workdir_is_carried_with_the_workdir_alone() -> None:
    runtime = final_stage(migrate("FROM node:20\nWORKDIR /srv\nCOPY package.json server.js ./\nRUN npm ci\n"
                                  'CMD ["node", "server.js"]\n'))
    assert "COPY --from=builder --chown=65532:65532 /srv /srv" in runtime
    assert "node_modules" not in runtime


def test_an_install_in_a_scratch_directory_the_app_does_not_live_in_is_not_carried() -> None:
    # (the build runs in /tmp/ui and copies its output to the app: its node_modules is the build's, not the app's)
    runtime = final_stage(migrate("FROM node:20\nWORKDIR /app\nCOPY . .\n"
                                  "RUN mkdir /build && cd /build && npm install left-pad\n"
                                  'CMD ["node", "server.js"]\n'))
    assert "/build/node_modules" not in runtime


def test_composer_vendor_made_beside_the_app_after_a_cd_reaches_the_runtime() -> None:
    result = migrate("FROM php:8.2-fpm\nCOPY composer.json index.php /srv/\n"
                     'RUN cd /srv && composer install --no-dev\nCMD ["php-fpm"]\n')
    assert "COPY --from=builder /srv/vendor /srv/vendor" in final_stage(result)
    assert "MIG561" not in codes(result)
