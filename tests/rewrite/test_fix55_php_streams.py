"""PHP's extension packages are judged by the same stream lookup as Python's libraries (rules.streams), with PHP's
stream names as rules data (chainguard-images.yaml `languages: php: stream_names`), not a `php-8.X-` prefix in
code; and the PHP stream the image serves is read once per helper command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from migration_tools import migrate

from migrator.model import Options
from migrator.plan.versions import streams
from migrator.rules import load_rules
from migrator.rules.streams import in_stream, stream_builds

LARAVEL = ("FROM php:8.3-fpm-alpine\nRUN docker-php-ext-install opcache pdo_mysql\n"
           "WORKDIR /var/www/html\nCOPY . .\n")
PHP = ('  php: {programs: [php, "php[0-9]*"], packages: [php, "php-[0-9]*"], builder: "php:latest-dev", '
       'runtime: "php:latest", on_base: [php, composer]EXTRA}\n')


def test_one_lookup_finds_each_languages_own_build_of_a_virtual_name() -> None:
    rules = load_rules()
    php, python = rules.languages["php"], rules.languages["python"]
    assert stream_builds("php-opcache", "8.4", php) == ["php-8.4-opcache"]
    assert stream_builds("php-opcache", "8.5", php) == []
    assert in_stream("php-8.5", "8.5", php) and not in_stream("php-8.50-x", "8.5", php)
    assert stream_builds("py3-requests", "3.13", python) == ["py3.13-requests"]
    assert set(streams("php")) >= {"8.2", "8.3", "8.4", "8.5"}


def _rules(tmp_path: Path, extra: str) -> Options:
    path = tmp_path / f"rules-{len(extra)}.yaml"
    path.write_text("php_builtin:\n  opcache: []\nlanguages:\n" + PHP.replace("EXTRA", extra))
    return Options(rules_files=(path,))


def test_php_stream_names_are_rules_data(tmp_path: Path) -> None:
    # with the stream names, php-opcache (built for 8.2 .. 8.4 only) is an error on php:latest (8.5) ...
    named = migrate(LARAVEL, _rules(tmp_path, ', stream_names: ["php-{stream}", "php-{stream}-*"]'))
    assert "RUN docker-php-ext-install opcache pdo_mysql\n" in named.dockerfile
    assert "MIG411" in [f.code for f in named.findings]
    # ... and a rules file that names no streams for PHP judges none
    unnamed = migrate(LARAVEL, _rules(tmp_path, ""))
    assert "RUN apk add --no-cache php-opcache php-pdo_mysql\n" in unnamed.dockerfile
    assert "MIG411" not in [f.code for f in unnamed.findings]


def test_the_served_php_is_read_once_per_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.rewrite import php_helpers

    calls: list[str] = []
    served, install = php_helpers.served_php, php_helpers._install

    def counted_served(ctx: Any) -> str | None:
        calls.append("served")
        return served(ctx)

    def counted_install(cmd: Any, ctx: Any) -> Any:
        calls.append("command")
        return install(cmd, ctx)

    monkeypatch.setattr(php_helpers, "served_php", counted_served)
    monkeypatch.setattr(php_helpers, "_install", counted_install)
    result = migrate("FROM php:8.3-cli\nRUN docker-php-ext-install pdo_mysql intl zip bcmath opcache\n"
                     'CMD ["php", "-v"]\n', check_idempotence=False)
    assert "php-pdo_mysql" in result.dockerfile
    commands = calls.count("command")
    assert commands >= 1 and calls == ["command", "served"] * commands  # (was 6 reads a command: 1 + 1 a name)


SWOOLE = 'FROM php:8.2-cli\nRUN pecl install swoole && docker-php-ext-enable swoole\nCMD ["php", "-v"]\n'


def test_an_extension_built_per_stream_is_the_image_streams_build() -> None:
    # (Wolfi builds swoole as php-8.2-swoole .. php-8.4-swoole only: it installed the newest, PHP 8.4's module,
    # and PHP 8.4 beside the image's 8.2)
    result = migrate(SWOOLE, tag_policy="keep", registry="cgr.dev/example")
    assert "FROM cgr.dev/example/php:8.2-dev AS builder" in result.dockerfile
    assert "apk add --no-cache php-8.2-swoole" in result.dockerfile
    assert "php-8.4" not in result.dockerfile and "MIG411" not in [f.code for f in result.findings]


def test_an_extension_built_only_for_other_streams_than_the_images_is_an_error() -> None:
    result = migrate(SWOOLE)  # (php:latest serves 8.5)
    assert "RUN pecl install swoole && docker-php-ext-enable swoole\n" in result.dockerfile
    [first, *_] = [f for f in result.findings if f.code == "MIG411"]
    assert first.severity.value == "error"
    assert "swoole is built only as php-8.2-swoole, php-8.3-swoole, php-8.4-swoole, not for the PHP 8.5" in first.message
