"""Adversary 14, H1 and H4: a final stage that sets only a CMD, composed with the ENTRYPOINT it inherits.

H1: Docker Hub node's docker-entrypoint.sh and php's docker-php-entrypoint put `node`/`php` in front of a CMD that is
a file or an option (`CMD ["server.js"]`, `CMD ["-S", ...]`); the migration gave E MIG540 ("`server.js` is not on
the PATH"). The stage now says `ENTRYPOINT ["node"]` before its CMD (MIG244), as a stage that restates the script does
(MIG538). H4: Chainguard's redis and memcached have the server itself as their ENTRYPOINT, so a kept `CMD
["redis-server", "/usr/local/etc/redis/redis.conf"]` ran `redis-server redis-server ...`; it gets `ENTRYPOINT []`
(MIG506), and a service image whose ENTRYPOINT the model does not know gets a warning (MIG245).
"""

from __future__ import annotations

from pathlib import Path

from migrator.model import Result, Severity
from tests.migration_tools import codes, final_stage, keywords, messages, migrate, status


def _not_info(result: Result) -> list[str]:
    return sorted(set(codes(result, Severity.WARNING) + codes(result, Severity.ERROR)))


def _start(result: Result) -> list[tuple[str, str]]:
    """The ENTRYPOINT and CMD lines of the migrated final stage."""
    return [(k, b) for k, b in keywords("FROM " + final_stage(result)) if k in ("ENTRYPOINT", "CMD")]


NODE_CMD_ONLY = """FROM node:20-slim
WORKDIR /home/node/app
COPY package*.json ./
RUN npm ci --omit=dev
COPY --chown=node:node . .
USER node
EXPOSE 8080
CMD ["server.js"]
"""


def _node_context(tmp_path: Path) -> Path:
    (tmp_path / "package.json").write_text('{"name":"x","version":"1.0.0","dependencies":{"express":"^4"}}')
    (tmp_path / "package-lock.json").write_text("{}")
    (tmp_path / "server.js").write_text('require("express")().listen(8080)\n')
    return tmp_path


def test_a_node_cmd_that_is_a_file_runs_under_node(tmp_path: Path) -> None:
    result = migrate(NODE_CMD_ONLY, context=_node_context(tmp_path))
    assert _start(result) == [("ENTRYPOINT", '["node"]'), ("CMD", '["server.js"]')]
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "MIG540" not in codes(result)
    assert _not_info(result) == ["MIG220"]
    assert codes(result, Severity.INFO).count("MIG244") == 1
    assert "ran `node server.js`" in messages(result, "MIG244")[0]
    assert status(result) == "ok"


def test_a_node_cmd_that_starts_with_an_option_runs_under_node(tmp_path: Path) -> None:
    text = """FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
CMD ["--enable-source-maps", "dist/main.js"]
"""
    (tmp_path / "package.json").write_text('{"name":"x","version":"1.0.0","scripts":{"build":"tsc"}}')
    (tmp_path / "package-lock.json").write_text("{}")
    result = migrate(text, context=tmp_path)
    assert _start(result) == [("ENTRYPOINT", '["node"]'), ("CMD", '["--enable-source-maps", "dist/main.js"]')]
    assert "MIG540" not in codes(result) and "MIG244" in codes(result, Severity.INFO)
    assert status(result) == "ok"


def test_a_php_cmd_that_is_an_option_runs_under_php(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.php").write_text("<?php echo 1;\n")
    text = """FROM php:8.3-cli
WORKDIR /var/www/html
COPY . .
EXPOSE 8000
CMD ["-S", "0.0.0.0:8000", "-t", "public"]
"""
    result = migrate(text, context=tmp_path)
    assert _start(result) == [("ENTRYPOINT", '["php"]'), ("CMD", '["-S", "0.0.0.0:8000", "-t", "public"]')]
    assert "MIG540" not in codes(result) and "MIG244" in codes(result, Severity.INFO)
    assert status(result) == "ok"


def test_a_cmd_that_names_the_program_still_gets_an_empty_entrypoint(tmp_path: Path) -> None:
    result = migrate(NODE_CMD_ONLY.replace('CMD ["server.js"]', 'CMD ["node", "server.js"]'),
                     context=_node_context(tmp_path))
    assert _start(result) == [("ENTRYPOINT", "[]"), ("CMD", '["node", "server.js"]')]
    assert "MIG244" not in codes(result) and "MIG506" in codes(result, Severity.INFO)
    assert status(result) == "ok"


def test_python_has_no_entrypoint_script_so_a_file_as_cmd_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print(1)\n")
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD [\"app.py\"]\n", context=tmp_path,
                     check_idempotence=False)
    assert "MIG244" not in codes(result)
    assert "MIG540" in codes(result, Severity.ERROR)


REDIS = """FROM redis:7.2-alpine
COPY redis.conf /usr/local/etc/redis/redis.conf
EXPOSE 6379
CMD ["redis-server", "/usr/local/etc/redis/redis.conf"]
"""


def _redis_context(tmp_path: Path) -> Path:
    (tmp_path / "redis.conf").write_text("bind 0.0.0.0\nappendonly yes\ndir /data\n")
    return tmp_path


def test_redis_cmd_that_names_the_server_gets_an_empty_entrypoint(tmp_path: Path) -> None:
    result = migrate(REDIS, context=_redis_context(tmp_path))
    assert final_stage(result).startswith("cgr.dev/chainguard/redis:latest\n")
    assert _start(result) == [("ENTRYPOINT", "[]"),
                              ("CMD", '["redis-server", "/usr/local/etc/redis/redis.conf"]')]
    assert "which the CMD names again" in messages(result, "MIG506")[0]
    assert _not_info(result) == []
    assert status(result) == "unverified"  # (redis's programs are not in the image model)


def test_redis_cmd_that_is_a_config_file_runs_under_the_server(tmp_path: Path) -> None:
    result = migrate(REDIS.replace('"redis-server", ', ""), context=_redis_context(tmp_path))
    assert _start(result) == [("ENTRYPOINT", '["redis-server"]'), ("CMD", '["/usr/local/etc/redis/redis.conf"]')]
    assert "MIG244" in codes(result, Severity.INFO) and _not_info(result) == []
    assert status(result) == "unverified"


def test_memcached_cmd_that_names_the_server_gets_an_empty_entrypoint() -> None:
    result = migrate('FROM memcached:1.6-alpine\nCMD ["memcached", "-m", "256"]\n')
    assert _start(result) == [("ENTRYPOINT", "[]"), ("CMD", '["memcached", "-m", "256"]')]
    assert "MIG506" in codes(result, Severity.INFO) and _not_info(result) == []
    assert status(result) == "unverified"


def test_postgres_entrypoint_runs_the_command_so_the_cmd_is_kept_without_a_warning() -> None:
    result = migrate('FROM postgres:16-alpine\nCMD ["postgres", "-c", "max_connections=200"]\n')
    assert _start(result) == [("CMD", '["postgres", "-c", "max_connections=200"]')]
    assert "MIG245" not in codes(result) and "MIG506" not in codes(result)


def test_a_service_image_with_an_unknown_entrypoint_gets_a_warning() -> None:
    result = migrate('FROM mongo:7\nCMD ["mongod", "--bind_ip_all"]\n')
    assert _start(result) == [("CMD", '["mongod", "--bind_ip_all"]')]
    assert "MIG245" in codes(result, Severity.WARNING)
    assert "`mongod mongod --bind_ip_all`" in messages(result, "MIG245")[0]
    assert status(result) == "unverified"


def test_redis_kept_on_its_dev_image_gets_an_empty_entrypoint_too(tmp_path: Path) -> None:
    # one stage on redis:latest-dev (MIG583): the -dev image keeps redis-server as its ENTRYPOINT
    text = REDIS.replace("EXPOSE 6379\n", "RUN mkdir -p /data/extra\n")
    result = migrate(text, context=_redis_context(tmp_path))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/redis:latest-dev\n")
    assert "\nFROM " not in result.dockerfile
    assert result.dockerfile.endswith('ENTRYPOINT []\nCMD ["redis-server", "/usr/local/etc/redis/redis.conf"]\n'
                                      "USER 65532\n")
    assert "MIG506" in codes(result, Severity.INFO) and _not_info(result) == ["MIG555", "MIG583"]  # (MIG555: root -> 65532, fix87)
    assert status(result) == "unverified"
