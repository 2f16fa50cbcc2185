"""Issue 9: a RUN that names a user the source image shipped (www-data, node) builds on the Chainguard image.

Docker Hub's php, Debian and Alpine images ship www-data; Chainguard images have Wolfi's base accounts and
their own user only. A stage with a shell that names such a user (USER, COPY --chown, chown, chgrp,
install -o/-g, su) creates it first (MIG562), as root, keeping the user in force afterwards.
"""

from __future__ import annotations

from migration_tools import builder_stage, codes, final_stage, migrate

from migrator.model import Severity


def test_php_apache_chown_www_data_creates_the_user_as_root_before_the_chown():
    text = "FROM php:8.2-apache\nWORKDIR /var/www/html\nCOPY . .\nRUN chown -R www-data:www-data /var/www/html\n"
    result = migrate(text)
    builder = builder_stage(result)
    assert builder.startswith("FROM cgr.dev/chainguard/php:latest-fpm-dev AS builder\nUSER root\nRUN adduser -D www-data\n")
    assert builder.index("RUN adduser -D www-data") < builder.index("RUN chown -R www-data:www-data /var/www/html")
    assert "MIG413" not in codes(result) and "MIG405" not in codes(result)
    [created] = [f.message for f in result.findings if f.code == "MIG562"]
    assert "www-data" in created and "a free uid: 33" in created and "chown -R www-data" in created  # 33: xfs
    runtime = final_stage(result)
    assert "adduser" not in runtime and "www-data" not in runtime  # the distroless runtime keeps its own user


def test_alpine_www_data_keeps_alpines_uid():
    result = migrate("FROM alpine:3.19\nRUN chown -R www-data:www-data /var/www\nCMD [\"sh\"]\n")
    assert "\nRUN adduser -D -u 82 www-data\nRUN chown -R www-data:www-data /var/www\n" in result.dockerfile
    assert "MIG413" not in codes(result)
    php = migrate("FROM php:8.2-fpm-alpine\nRUN chgrp -R www-data /var/www/html\n")  # Alpine's www-data, not php's 33
    assert builder_stage(php).count("adduser") == 1 and "RUN adduser -D -u 82 www-data\nRUN chgrp" in php.dockerfile


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
    assert builder_stage(result).count("adduser") == 1 and "MIG562" not in codes(result)
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
    builder = builder_stage(result)
    assert builder.index("RUN adduser -D www-data\n") < builder.index("addgroup www-data staff")
    assert "MIG562" in codes(result)


# --- usermod/groupmod of a user migrator creates (MIG420) -------------------------------------------------

def test_usermod_and_groupmod_of_the_source_user_become_its_creation_with_that_uid():
    result = migrate("FROM php:8.2-apache\nRUN usermod -u 1000 www-data && groupmod -g 1000 www-data "
                     "&& chown -R www-data /var/www\nCOPY . /var/www/html\n")
    assert "USER root\nRUN adduser -D -u 1000 www-data\nRUN chown -R www-data /var/www\n" in result.dockerfile
    assert "usermod" not in result.dockerfile and "groupmod" not in result.dockerfile
    assert "MIG402" not in codes(result) and codes(result).count("MIG420") == 2
    [created] = [f.message for f in result.findings if f.code == "MIG562"]
    assert "uid 1000" in created


def test_a_gid_other_than_the_uid_home_and_shell_are_given_to_adduser():
    result = migrate("FROM php:8.2-fpm\nRUN groupmod -o -g 1001 www-data && usermod -o -u 1000 -d /home/www "
                     "-s /bin/bash www-data\n")
    assert "RUN addgroup -g 1001 www-data && adduser -D -u 1000 -G www-data -h /home/www -s /bin/bash www-data\n" \
           in result.dockerfile
    assert "MIG402" not in codes(result)


def test_usermod_of_a_user_the_stage_created_goes_into_its_useradd():
    result = migrate("FROM ubuntu:22.04\nRUN useradd -m app && usermod -u 2000 -d /srv/app -s /bin/bash app "
                     "&& groupmod -g 3000 app\nUSER app\nCMD [\"bash\"]\n")
    assert "RUN addgroup -g 3000 app && adduser -D -u 2000 -G app -h /srv/app -s /bin/bash app\n" in result.dockerfile
    assert "usermod" not in result.dockerfile and "MIG402" not in codes(result)


def test_a_variable_uid_set_by_the_stage_goes_into_the_useradd():
    result = migrate("FROM debian:12\nARG PUID=1000\nRUN useradd -r app && usermod -o -u \"$PUID\" app\nCMD [\"sh\"]\n")
    assert "ARG PUID=1000\nRUN addgroup -S app && adduser -D -S -u \"$PUID\" -G app -H app\n" in result.dockerfile
    assert "MIG402" not in codes(result)
    unset = migrate("FROM debian:12\nRUN useradd -r app && usermod -u $PUID app\nCMD [\"sh\"]\n")
    assert "usermod -u $PUID app" in unset.dockerfile and "MIG402" in codes(unset)  # not the stage's variable


def test_a_variable_uid_of_the_source_user_creates_it_after_the_arg_that_sets_it():
    result = migrate("FROM php:8.2-fpm\nARG PUID=1000\nARG PGID=1000\nRUN usermod -u $PUID www-data && groupmod -g "
                     "${PGID} www-data\nCOPY --chown=www-data . /var/www/html\n")
    assert "ARG PGID=1000\nRUN addgroup -g ${PGID} www-data && adduser -D -u $PUID -G www-data www-data\n" \
           "COPY --chown=www-data . /var/www/html\n" in result.dockerfile
    assert "usermod" not in result.dockerfile and "MIG402" not in codes(result)
    named_first = migrate("FROM php:8.2-fpm\nUSER www-data\nARG PUID=1000\nRUN usermod -u $PUID www-data\n")
    # USER www-data needs the user before the ARG sets PUID: created as before, the usermod stays an error
    assert "RUN adduser -D www-data\nUSER www-data\n" in named_first.dockerfile and "MIG402" in codes(named_first)


def test_a_primary_group_from_usermod_g_is_the_group_that_has_it():
    known = migrate("FROM debian:12\nRUN groupadd -g 1000 devs && useradd -m app && usermod -g 1000 app\nCMD [\"sh\"]\n")
    assert "RUN addgroup -g 1000 devs && adduser -D -G devs app\n" in known.dockerfile  # not a second gid 1000
    missing = migrate("FROM debian:12\nRUN useradd -m app && usermod -g users app\nCMD [\"sh\"]\n")
    assert "{ grep -q '^users:' /etc/group || addgroup users; } && adduser -D -G users app\n" in missing.dockerfile
    source = migrate("FROM php:8.2-fpm\nRUN usermod -g staff www-data\n")  # (created atop the stage: too early)
    assert "RUN usermod -g staff www-data\n" in source.dockerfile and "MIG402" in codes(source)


def test_usermod_with_groups_keeps_the_group_joins():
    result = migrate("FROM php:8.2-fpm\nRUN usermod -aG staff -u 1000 www-data\n")
    builder = builder_stage(result)
    assert "RUN adduser -D -u 1000 www-data\n" in builder and "addgroup www-data staff" in builder
    assert "usermod" not in builder


def test_usermod_of_a_user_nobody_creates_stays_an_error():
    result = migrate("FROM debian:12\nRUN usermod -u 1000 bob\nCMD [\"sh\"]\n")
    assert "RUN usermod -u 1000 bob\n" in result.dockerfile and "MIG402" in codes(result)
    renamed = migrate("FROM php:8.2-fpm\nRUN usermod -l web www-data\n")  # renaming: no busybox form
    assert "usermod -l web www-data" in renamed.dockerfile and "MIG402" in codes(renamed)
    alpine = migrate("FROM php:8.2-fpm-alpine\nRUN apk add --no-cache shadow && usermod -u 1000 www-data\n")
    # shadow's usermod runs, on a www-data that must exist first (Alpine's, uid 82)
    assert "RUN adduser -D -u 82 www-data\nRUN apk add --no-cache shadow && usermod -u 1000 www-data\n" \
           in alpine.dockerfile
    shadow = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y passwd && useradd app "
                     "&& usermod -u 1000 app\nCMD [\"sh\"]\n")
    assert "usermod -u 1000 app" in shadow.dockerfile  # shadow installed: usermod exists


# --- numeric ids of the source image's user (MIG421) ------------------------------------------------------

def test_the_source_users_uid_becomes_the_image_users():
    node = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && chown -R 1000:1000 /app\nUSER 1000\n"
                   "CMD [\"node\", \"index.js\"]\n")
    builder = builder_stage(node)
    assert "RUN npm ci && chown -R 65532:65532 /app\nUSER 65532\n" in builder
    assert codes(node).count("MIG421") == 2 and "MIG406" not in codes(node)
    nginx = migrate("FROM nginx:1.25\nCOPY --chown=101:101 site /usr/share/nginx/html\n")
    assert "COPY --chown=65532:65532 site /usr/share/nginx/html\n" in nginx.dockerfile
    php = migrate("FROM php:8.2-fpm\nCOPY . /var/www/html\nRUN chown -R 33:33 /var/www/html\n")
    assert "RUN chown -R 65532:65532 /var/www/html\n" in php.dockerfile


def test_a_distroless_runtime_stage_gives_copied_files_to_the_image_user():
    result = migrate("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:20-slim\n"
                     "COPY --from=build --chown=1000:1000 /app /app\nUSER 1000\nCMD [\"node\", \"/app/a.js\"]\n")
    assert "FROM cgr.dev/chainguard/node:latest\nCOPY --from=build --chown=65532:65532 /app /app\nUSER node\n" \
           in result.dockerfile
    assert "MIG421" in codes(result)


def test_a_created_source_user_keeps_its_own_uid_and_a_stage_user_with_the_id_keeps_it():
    php = migrate("FROM php:8.2-fpm\nRUN chown -R 33:33 /var/www/html && chown www-data /tmp\n")
    # www-data is created (33 is Wolfi's xfs): the ids that meant it become its name
    assert "RUN chown -R www-data:www-data /var/www/html && chown www-data /tmp\n" in php.dockerfile
    alpine = migrate("FROM alpine:3.19\nRUN chown -R 82:82 /var/www && chown www-data /srv\nCMD [\"sh\"]\n")
    assert "RUN chown -R 82:82 /var/www" in alpine.dockerfile  # created with uid 82: the id is right
    made = migrate("FROM php:8.2-fpm\nRUN adduser --system www-data && chown 33 /x\n")
    assert "RUN adduser -D -S www-data && chown www-data /x\n" in made.dockerfile  # the stage's own www-data
    own = migrate("FROM node:20\nRUN useradd -u 1000 app && chown 1000 /srv\nUSER 1000\nCMD [\"node\", \"a.js\"]\n")
    assert "chown 1000 /srv" in own.dockerfile and "\nUSER 1000\n" in own.dockerfile and "MIG421" not in codes(own)


def test_ids_on_wolfi_base_are_not_rewritten():
    base = migrate("FROM ubuntu:24.04\nRUN chown 1000 /srv\nUSER 1000\nCMD [\"sh\"]\n")
    assert "chown 1000 /srv" in base.dockerfile and "MIG421" not in codes(base)  # wolfi-base has no user 65532


def test_migrating_rewritten_users_again_changes_nothing():
    for text in ("FROM php:8.2-apache\nRUN usermod -u 1000 www-data && groupmod -g 1000 www-data "
                 "&& chown -R www-data /var/www\nCOPY . /var/www/html\n",
                 "FROM ubuntu:22.04\nRUN useradd -m app && usermod -u 2000 -s /bin/bash app\nUSER app\nCMD [\"bash\"]\n",
                 "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && chown -R 1000:1000 /app\nUSER 1000\n"
                 "CMD [\"node\", \"index.js\"]\n",
                 "FROM nginx:1.25\nCOPY --chown=101:101 site /usr/share/nginx/html\n",
                 "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build --chown=1000 /a /a\n"
                 "CMD [\"node\", \"/a/b.js\"]\n",
                 "FROM php:8.2-fpm\nRUN chown -R 33:33 /var/www/html && chown www-data /tmp\n",
                 "FROM php:8.2-fpm\nARG PUID=1000\nRUN usermod -u $PUID www-data\nCOPY --chown=www-data . /srv\n"):
        first = migrate(text).dockerfile
        assert migrate(first).dockerfile == first, text
