"""Review 20 (independent, held-out files): defects reproduced synthetically.

S20-4: `pip install --prefix=/install` copied to /usr/local in a final stage that stays on python's -dev image (its
start script needs a shell). Chainguard's python reads site-packages under /usr/lib/python3.X, not /usr/local, so
the app's console script failed to import its own module; the split runtime already moved the tree to /usr, the
kept stage did not."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, migrate

SOURCE = """FROM python:3.12-alpine AS base

FROM base AS builder
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt

FROM base
COPY --from=builder /install /usr/local
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
"""


def test_the_prefix_tree_goes_to_usr_on_the_kept_dev_stage(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pypiserver\n")
    (tmp_path / "entrypoint.sh").write_text("#!/bin/sh\nset -e\nexec pypi-server run -p 8080 /data/packages\n")
    result = migrate(SOURCE, context=tmp_path)
    assert "COPY --from=builder /install /usr\n" in result.dockerfile
    assert "/usr/local" not in result.dockerfile
    assert "MIG516" in codes(result)
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    assert result.runtime.image.endswith("python:latest-dev")


def test_pecls_download_directory_is_not_removed_once_pecl_is_apk() -> None:
    """Review 20 S20-6: `pecl install` becomes `apk add php-X.Y-redis`, so nothing makes /tmp/pear: the
    `rm -r /tmp/pear` after it (no -f, under `set -e`) failed the build. It goes, as package caches do."""
    source = ("FROM php:8.3-fpm-alpine\nRUN set -ex; \\\n\tpecl install redis-6.0.2; \\\n"
              "\tdocker-php-ext-enable redis; \\\n\trm -r /tmp/pear\nCOPY index.php /var/www/html/index.php\n")
    result = migrate(source)
    assert "RUN set -ex; \\\n\tapk add --no-cache php-8.5-redis\n" in result.dockerfile
    assert "/tmp/pear" not in result.dockerfile
    assert "MIG306" in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_workdir_nothing_in_the_builder_makes_is_not_copied_to_the_runtime() -> None:
    """Review 20 S20-8: php:apache's /var/www/html is the stages' working directory only on Docker Hub; the php
    -dev builder starts in /app and nothing there made /var/www/html, so the runtime's `COPY --from=dev-build
    /var/www/html /var/www/html` failed the build ("not found")."""
    source = ('FROM php:8.2-apache AS base\nCMD ["apache2-foreground"]\n\nFROM base AS dev\n'
              'RUN apt-get update && apt-get install -y --no-install-recommends git\nCMD ["apache2-foreground"]\n')
    result = migrate(source)
    assert "/var/www/html" not in result.dockerfile
    # (git, which no RUN step runs, is kept for the app: the -dev runtime installs it; fix89, review 21 S21-2)
    assert "FROM cgr.dev/chainguard/php:latest-fpm-dev AS dev\nUSER root\nRUN apk add --no-cache git\n" \
        in result.dockerfile


def test_a_child_stage_that_relies_on_the_default_workdir_gets_it_written_in_the_root() -> None:
    """The same rule, the other way: the child copies into the working directory by a relative path, so the root
    stage gets `WORKDIR /var/www/html` (MIG544), and the runtime copies a directory the builder has."""
    source = 'FROM php:8.2-apache AS base\nENV APP_ENV=prod\n\nFROM base AS app\nCOPY . .\nRUN chown -R www-data:www-data .\n'
    result = migrate(source)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/php:latest-fpm-dev AS base\nWORKDIR /var/www/html\n")
    assert "MIG544" in codes(result)
    assert "COPY --from=app-build --chown=65532:65532 /var/www/html /var/www/html\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "ok"
