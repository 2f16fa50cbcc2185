"""OPcache is compiled into PHP 8.5, and Wolfi builds php-<stream>-opcache only for 8.2 .. 8.4: on an image
serving 8.5, `docker-php-ext-install opcache` installs nothing (adversary round 10, D9); an extension whose
Wolfi packages are all for other PHP streams is an error, not another PHP beside the image's."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, migrate

from migrator.model import Options, Severity, TagPolicy

LARAVEL = ("FROM php:8.3-fpm-alpine\n"
           "RUN {install}\n"
           "COPY opcache.ini /usr/local/etc/php/conf.d/opcache.ini\n"
           "WORKDIR /var/www/html\n"
           "COPY . .\n")


@pytest.mark.parametrize("install", ["docker-php-ext-install opcache pdo_mysql",
                                     "install-php-extensions opcache pdo_mysql",
                                     "docker-php-ext-install -j4 pdo_mysql opcache",
                                     "docker-php-ext-install pdo_mysql && docker-php-ext-enable opcache"])
def test_opcache_is_not_installed_on_php_8_5(install: str) -> None:
    result = migrate(LARAVEL.format(install=install))
    assert "FROM cgr.dev/chainguard/php:latest-fpm-dev" in result.dockerfile
    assert "RUN apk add --no-cache php-pdo_mysql\n" in result.dockerfile
    assert "opcache" not in result.dockerfile.split("COPY opcache.ini")[0]
    notes = [f.message for f in result.findings if f.code == "MIG410"]
    assert any("opcache compiled into Wolfi's php 8.5" in n for n in notes)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_opcache_alone_removes_the_command() -> None:
    result = migrate("FROM php:8.4-cli\nRUN docker-php-ext-install opcache\nCMD [\"php\", \"-v\"]\n")
    assert "opcache" not in result.dockerfile and "docker-php-ext" not in result.dockerfile
    assert "MIG410" in codes(result)


def test_opcache_on_a_kept_8_3_stream_is_that_streams_package() -> None:
    result = migrate(LARAVEL.format(install="docker-php-ext-install opcache pdo_mysql"),
                     Options(tag_policy=TagPolicy.KEEP))
    assert "FROM cgr.dev/chainguard/php:8.3-fpm-dev" in result.dockerfile
    assert "RUN apk add --no-cache php-opcache php-pdo_mysql\n" in result.dockerfile
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_an_extension_built_only_for_other_streams_is_an_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("php_builtin:\n  opcache: []\n")
    result = migrate(LARAVEL.format(install="docker-php-ext-install opcache pdo_mysql"),
                     Options(rules_files=(rules,)))
    assert "RUN docker-php-ext-install opcache pdo_mysql\n" in result.dockerfile
    [error] = [f for f in result.findings if f.code == "MIG411"]
    assert error.severity is Severity.ERROR
    assert "php-opcache is built only as php-8.2-opcache, php-8.3-opcache, php-8.4-opcache" in error.message
    assert "not for the PHP 8.5" in error.message
