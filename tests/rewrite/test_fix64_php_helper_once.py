"""fix64 item 4: `pecl install swoole` then `docker-php-ext-enable swoole` (in one RUN or two) both translate to
the same Wolfi package, which installs and enables the extension: it is installed once, and the helper that only
enables it is removed (I MIG410 says why)."""

from __future__ import annotations

from migration_tools import builder_stage, messages, migrate

from migrator.model import Options, TagPolicy

KEEP = Options(tag_policy=TagPolicy.KEEP)

PHP = """\
FROM php:8.3-cli
{runs}
WORKDIR /app
COPY . .
CMD ["php", "server.php"]
"""


def test_pecl_install_and_enable_in_one_run_install_the_package_once() -> None:
    result = migrate(PHP.format(runs="RUN pecl install swoole && docker-php-ext-enable swoole"), KEEP)
    assert "USER root\nRUN apk add --no-cache php-8.3-swoole\nWORKDIR /app\n" in builder_stage(result)
    assert builder_stage(result).count("php-8.3-swoole") == 1
    assert any(m.startswith("`docker-php-ext-enable swoole` removed: `php-8.3-swoole` (from `pecl install swoole`) "
                            "is installed already") for m in messages(result, "MIG410"))


def test_an_enable_in_a_later_run_is_removed_and_only_new_extensions_are_added() -> None:
    runs = ("RUN pecl install swoole redis\n"
            "RUN docker-php-ext-enable swoole redis && docker-php-ext-install pdo_mysql\n"
            "RUN docker-php-ext-enable redis")
    result = migrate(PHP.format(runs=runs), KEEP)
    assert ("USER root\nRUN apk add --no-cache php-8.3-swoole php-8.3-redis\nRUN apk add --no-cache php-pdo_mysql\n"
            "WORKDIR /app\n") in builder_stage(result)
    assert "docker-php-ext-enable" not in result.dockerfile


def test_each_stage_installs_its_own() -> None:
    text = ("FROM php:8.3-cli AS base\nRUN pecl install swoole\n\n"
            "FROM php:8.3-cli\nRUN pecl install swoole && docker-php-ext-enable swoole\nCMD [\"php\", \"-v\"]\n")
    result = migrate(text, KEEP)
    assert result.dockerfile.count("RUN apk add --no-cache php-8.3-swoole\n") == 2
