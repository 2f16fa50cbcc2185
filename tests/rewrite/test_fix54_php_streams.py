"""Versioned PHP package names (Alpine's php83-<ext>, Debian's php8.3-<ext>) on a php image that serves another
stream (php:latest-dev runs 8.5) are spelled for the image's stream: a php-8.3-<ext> module would come with PHP 8.3
beside the image's 8.5, which would not load it. Compiled-in extensions are dropped; one Wolfi does not build for
the image's stream is an error (MIG594)."""

from __future__ import annotations

from migration_tools import builder_stage, errors, messages, migrate


def test_alpine_names_follow_the_images_php_stream() -> None:
    result = migrate("FROM php:8.3-fpm-alpine\n"
                     "RUN apk add --no-cache php83-opcache php83-pdo_mysql php83-pecl-redis php83-intl php83-session\n"
                     "COPY . /var/www/html\n")
    builder = builder_stage(result)
    assert "RUN apk add --no-cache php-8.5-pdo_mysql php-8.5-redis php-8.5-intl\n" in builder
    assert "php-8.3" not in result.dockerfile
    assert any("php83-intl -> php-8.5-intl" in m and "serves PHP 8.5" in m for m in messages(result, "MIG301"))
    assert any("`php83-opcache` is not needed" in m and "compiled into PHP 8.5" in m
               for m in messages(result, "MIG303"))
    assert not messages(result, "MIG594")


def test_debian_names_follow_the_images_php_stream() -> None:
    result = migrate("FROM php:8.3-apache\nRUN apt-get update && apt-get install -y php8.3-intl php8.3-mysql\n"
                     "COPY . /var/www/html\n")
    assert "RUN apk add --no-cache php-8.5-intl php-8.5-mysqli php-8.5-pdo_mysql\n" in builder_stage(result)


def test_an_extension_the_images_stream_lacks_is_an_error() -> None:
    result = migrate("FROM php:8.3-cli-alpine\nRUN apk add --no-cache php83-pecl-swoole\nCOPY . /app\n"
                     'CMD ["php", "/app/server.php"]\n')
    found = errors(result, "MIG594")
    assert len(found) == 1 and "swoole" in found[0] and "PHP 8.5" in found[0]
    assert "RUN apk add --no-cache php83-pecl-swoole\n" in builder_stage(result)  # (kept: the user decides)


def test_a_stage_without_a_php_image_keeps_the_written_stream() -> None:
    result = migrate("FROM alpine:3.20\nRUN apk add --no-cache php83 php83-fpm php83-intl\nCOPY . /var/www/html\n"
                     'CMD ["php-fpm83", "-F"]\n')
    assert "RUN apk add --no-cache php-8.3 php-8.3-fpm php-8.3-intl\n" in result.dockerfile
