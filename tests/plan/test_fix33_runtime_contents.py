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


_SYSTEM_PIP = ("FROM python:3.12-slim AS build\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
               "COPY . .\n\nFROM python:3.12-slim\n{copy}\nCOPY --from=build /app /app\nWORKDIR /app\n"
               'CMD ["gunicorn", "app:app"]\n')


@pytest.mark.parametrize("prefix", ["/usr/local", "/usr/local/", "/usr/local/lib"])
def test_a_whole_prefix_copy_of_a_system_wide_pip_install_takes_the_venv(prefix: str) -> None:
    # E12: on Wolfi the packages went to /usr/lib/python3.X/site-packages, and the runtime copied an empty /usr/local
    result = migrate(_SYSTEM_PIP.format(copy=f"COPY --from=build {prefix} {prefix}"))
    build, runtime = result.dockerfile.split("\nFROM cgr.dev/chainguard/python:latest\n")
    assert "RUN python -m venv /opt/venv\n" in build
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert 'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"' in runtime
    assert "/usr/local" not in runtime
    assert "MIG515" in codes(result)
    assert status(result) == "ok"


def test_a_whole_prefix_copy_stays_beside_the_venv_when_the_builder_puts_more_there() -> None:
    text = _SYSTEM_PIP.format(copy="COPY --from=build /usr/local /usr/local").replace(
        "WORKDIR /app\n", "WORKDIR /app\nRUN curl -fsSL -o /usr/local/bin/tool https://example.com/tool\n", 1)
    runtime = final_stage(migrate(text))
    assert "COPY --from=build /opt/venv /opt/venv\nCOPY --from=build /usr/local /usr/local\n" in runtime


def test_a_copy_of_another_prefix_is_not_taken_for_site_packages() -> None:
    runtime = final_stage(migrate(_SYSTEM_PIP.format(copy="COPY --from=build /usr/local/share /usr/local/share")))
    assert "COPY --from=build /usr/local/share /usr/local/share" in runtime


_PREFIX_INSTALL = ("FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends "
                   "gcc libpq-dev\nCOPY requirements.txt .\nRUN pip install --prefix=/install --no-cache-dir -r "
                   "requirements.txt\n\nFROM python:3.11-slim\n{run}COPY --from=builder /install /usr/local\n"
                   'WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n')
_LIBPQ = "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n"


def test_a_prefix_install_reaches_usr_when_the_final_stage_becomes_an_intermediate_builder() -> None:
    # E13: the final stage's RUN made it builder-2, which kept /usr/local, and the runtime copied /usr/local
    result = migrate(_PREFIX_INSTALL.format(run=_LIBPQ))
    runtime = final_stage(result)
    assert "COPY --from=builder-2 /usr/local /usr\n" in runtime
    assert "/usr/local /usr/local" not in runtime
    assert any("pip install --prefix" in m for m in [f.message for f in result.findings if f.code == "MIG516"])
    assert status(result) == "ok"


def test_a_prefix_install_alone_still_reaches_usr() -> None:
    assert "COPY --from=builder /install /usr\n" in final_stage(migrate(_PREFIX_INSTALL.format(run="")))


def test_a_prefix_install_copied_on_through_an_intermediate_stage_reaches_usr() -> None:
    text = _PREFIX_INSTALL.format(run="").replace(
        "\nFROM python:3.11-slim\n", "\nFROM python:3.11-slim AS deps\nCOPY --from=builder /install /usr/local\n\n"
        "FROM python:3.11-slim\n", 1).replace("COPY --from=builder /install /usr/local\nWORKDIR",
                                             "COPY --from=deps /usr/local /usr/local\nWORKDIR")
    assert "COPY --from=deps /usr/local /usr\n" in final_stage(migrate(text))


def test_a_user_install_reaches_the_nonroot_home_when_the_final_stage_becomes_an_intermediate_builder() -> None:
    result = migrate("FROM python:3.11 AS builder\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt"
                     f"\n\nFROM python:3.11-slim\n{_LIBPQ}WORKDIR /app\nCOPY --from=builder /root/.local /root/.local\n"
                     'COPY . .\nENV PATH=/root/.local/bin:$PATH\nCMD ["python", "app.py"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder-2 /root/.local /home/nonroot/.local\n" in runtime
    assert "ENV PATH=/home/nonroot/.local/bin:$PATH\n" in runtime
    assert "/root/.local" not in runtime.replace("builder-2 /root/.local ", "")
    assert status(result) == "ok"


def test_a_venv_made_after_a_cd_is_the_one_the_runtime_copies() -> None:
    # (it copied /.venv, which the builder does not have: the build failed)
    result = migrate("FROM python:3.12-slim\nCOPY requirements.txt app.py /srv/\n"
                     "RUN cd /srv && python -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
                     'CMD ["/srv/.venv/bin/python", "/srv/app.py"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /srv/.venv /srv/.venv" in runtime
    assert "/.venv /.venv" not in runtime.replace("/srv/.venv /srv/.venv", "")
    assert status(result) == "ok"


def test_a_pip_target_beside_the_app_after_a_cd_reaches_the_runtime() -> None:
    runtime = final_stage(migrate("FROM python:3.12-slim\nCOPY requirements.txt app.py /srv/\n"
                                  "RUN cd /srv && pip install -t deps -r requirements.txt\nENV PYTHONPATH=/srv/deps\n"
                                  'CMD ["python", "/srv/app.py"]\n'))
    assert "COPY --from=builder /srv/deps /srv/deps" in runtime


def test_an_unclosed_quote_in_a_carried_instruction_is_no_internal_error_for_the_relocation_reader() -> None:
    result = migrate(f"FROM python:3.11 AS builder\nRUN pip install --user flask\n\nFROM python:3.11-slim\n{_LIBPQ}"
                     "COPY --from=builder /root/.local /root/.local\n"
                     'HEALTHCHECK CMD curl -f "http://localhost:3000/health || exit 1\nCMD ["python", "app.py"]\n')
    assert "COPY --from=builder-2 /root/.local /home/nonroot/.local" in final_stage(result)
