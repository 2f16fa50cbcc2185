"""Issue 9: a RUN that names a user the source image shipped (www-data, node) builds on the Chainguard image.

Docker Hub's php, Debian and Alpine images ship www-data; Chainguard images have Wolfi's base accounts and
their own user only. A stage with a shell that names such a user (USER, COPY --chown, chown, chgrp,
install -o/-g, su) creates it first (MIG562), as root, keeping the user in force afterwards.
"""

from __future__ import annotations

from migrator.api import migrate_text
from migrator.model import Options, Severity


def migrate(text: str):
    return migrate_text(text, Options())


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def builder_of(result) -> str:
    return result.dockerfile.split("# Runtime stage", 1)[0]


def test_php_apache_chown_www_data_creates_the_user_as_root_before_the_chown():
    text = "FROM php:8.2-apache\nWORKDIR /var/www/html\nCOPY . .\nRUN chown -R www-data:www-data /var/www/html\n"
    result = migrate(text)
    builder = builder_of(result)
    assert builder.startswith("FROM cgr.dev/chainguard/php:latest-fpm-dev AS builder\nUSER root\nRUN adduser -D www-data\n")
    assert builder.index("RUN adduser -D www-data") < builder.index("RUN chown -R www-data:www-data /var/www/html")
    assert "MIG413" not in codes(result) and "MIG405" not in codes(result)
    [created] = [f.message for f in result.findings if f.code == "MIG562"]
    assert "www-data" in created and "a free uid: 33" in created and "chown -R www-data" in created  # 33: xfs
    runtime = result.dockerfile.split("# Runtime stage", 1)[1]
    assert "adduser" not in runtime and "www-data" not in runtime  # the distroless runtime keeps its own user


def test_alpine_www_data_keeps_alpines_uid():
    result = migrate("FROM alpine:3.19\nRUN chown -R www-data:www-data /var/www\nCMD [\"sh\"]\n")
    assert "\nRUN adduser -D -u 82 www-data\nRUN chown -R www-data:www-data /var/www\n" in result.dockerfile
    assert "MIG413" not in codes(result)
    php = migrate("FROM php:8.2-fpm-alpine\nRUN chgrp -R www-data /var/www/html\n")  # Alpine's www-data, not php's 33
    assert builder_of(php).count("adduser") == 1 and "RUN adduser -D -u 82 www-data\nRUN chgrp" in php.dockerfile


def test_nginx_user_is_the_chainguard_images_own():
    result = migrate("FROM nginx:1.25\nRUN chown -R nginx:nginx /usr/share/nginx/html\nUSER nginx\n")
    assert "cgr.dev/chainguard/nginx:latest-dev" in result.dockerfile
    assert "adduser" not in result.dockerfile  # nginx:latest-dev has nginx (uid 65532): nothing to create
    assert "MIG413" not in codes(result) and "MIG562" not in codes(result)


def test_su_install_and_user_before_a_run_create_the_user_and_keep_the_user_in_force():
    result = migrate("FROM php:8.3-cli\nCOPY . /app\nRUN su www-data -s /bin/sh -c true "
                     "&& install -d -o www-data -g www-data /srv\nCMD [\"php\", \"/app/a.php\"]\n")
    assert "USER root\nRUN adduser -D www-data\nCOPY . /app\n" in result.dockerfile
    assert "MIG413" not in codes(result)
    switched = migrate("FROM php:8.2-apache\nUSER www-data\nRUN echo hi > /tmp/x\n")
    # the stage starts as the -dev image's php user: root only for adduser, then the stage's own USER
    assert "FROM cgr.dev/chainguard/php:latest-fpm-dev AS builder\nUSER root\nRUN adduser -D www-data\n" \
           "USER www-data\nRUN echo hi > /tmp/x\n" in switched.dockerfile
    later = migrate("FROM php:8.2-apache\nCOPY --chown=www-data . /app\nUSER www-data\nRUN echo hi > /tmp/x\n")
    # the stage's first step runs as the image's user: back to it after adduser
    assert "FROM cgr.dev/chainguard/php:latest-fpm-dev AS builder\nUSER root\nRUN adduser -D www-data\nUSER php\n" \
           "COPY --chown=www-data . /app\nUSER www-data\n" in later.dockerfile


def test_a_stage_that_creates_the_user_itself_gets_no_second_one():
    result = migrate("FROM php:8.2-apache\nRUN adduser --system www-data && chown www-data /srv\n")
    assert builder_of(result).count("adduser") == 1 and "MIG562" not in codes(result)
    chained = migrate("FROM php:8.2-apache AS base\nRUN chown -R www-data /srv\nFROM base\nRUN chown www-data /x\n")
    assert chained.dockerfile.count("adduser") == 1  # the stage built FROM base has it already
    assert "MIG413" not in codes(chained)


def test_a_name_no_source_image_shipped_is_still_an_error():
    result = migrate("FROM php:8.2-apache\nRUN chown -R bob:bob /srv && chown www-data /srv\n")
    [error] = [f for f in result.findings if f.code == "MIG413"]
    assert error.severity is Severity.ERROR and "bob" in error.message and "www-data" not in error.message
    assert "adduser -D bob" not in result.dockerfile and "RUN adduser -D www-data\n" in result.dockerfile


def test_migrating_the_output_again_changes_nothing():
    for text in ("FROM php:8.2-apache\nWORKDIR /var/www/html\nCOPY . .\nRUN chown -R www-data:www-data /var/www/html\n",
                 "FROM alpine:3.19\nRUN chown -R www-data:www-data /var/www\nCMD [\"sh\"]\n",
                 "FROM php:8.2-apache\nUSER www-data\nRUN echo hi > /tmp/x\n"):
        first = migrate(text).dockerfile
        assert migrate(first).dockerfile == first


def test_usermod_adding_the_source_user_to_a_group_creates_it_first():
    result = migrate("FROM php:8.2-fpm\nRUN usermod -aG staff www-data\n")
    builder = builder_of(result)
    assert builder.index("RUN adduser -D www-data\n") < builder.index("addgroup www-data staff")
    assert "MIG562" in codes(result)
