"""Second review, build side: what a RUN step does on the real Wolfi image (own minimal reproductions).

G1: files the app only reads stay root-owned; class 1: source-image paths and users as RUN arguments;
class 4: packages Wolfi splits or compiles in; class 7: build steps that depend on the source
distribution; class 2: finding texts that say what the output does.
"""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, errors, final_stage, messages, migrate

from migrator.model import Severity, TagPolicy


def severities(result, code: str) -> set[Severity]:
    return {f.severity for f in result.findings if f.code == code}


# --- G1: libraries, PHP modules and ini files, and root-installed dependencies stay root-owned -------

PYTHON_APP_USER = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y libpq5
RUN useradd -r app
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
USER app
CMD ["python", "app.py"]
"""


def test_staged_libraries_and_a_root_installed_venv_are_not_chowned():
    runtime = final_stage(migrate(PYTHON_APP_USER).dockerfile)
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/\n" in runtime
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime  # pip ran as root in the original
    assert "COPY --from=builder --chown=65532:65532 /app /app" in runtime  # the app's own directory


def test_php_modules_and_ini_files_are_not_chowned():
    text = """\
FROM php:8.3-cli
RUN apt-get update && apt-get install -y php8.3-redis libpq5
WORKDIR /app
COPY . .
USER www-data
CMD ["php", "server.php"]
"""
    runtime = final_stage(migrate(text).dockerfile)
    assert "COPY --from=builder /runtime-libs/etc/php/conf.d/ /etc/php/conf.d/\n" in runtime
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/\n" in runtime
    assert "--chown" not in "".join(line for line in runtime.splitlines() if "/runtime-libs" in line)


def test_a_venv_the_app_user_installed_stays_the_app_users():
    text = """\
FROM python:3.12-slim
RUN useradd -m app
USER app
WORKDIR /home/app
COPY requirements.txt .
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
"""
    assert "COPY --from=builder --chown=65532:65532 /opt/venv /opt/venv" in final_stage(migrate(text).dockerfile)


# --- class 4: packages Wolfi splits differently, or compiles into PHP ---------------------------------


def apk_line(dockerfile: str) -> list[str]:
    line = next(li for li in dockerfile.splitlines() if "apk add" in li and "bash" not in li.split())
    return line.split("apk add --no-cache ", 1)[1].split()


def test_debian_packages_that_wolfi_splits_install_the_program():
    result = migrate("""\
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y samba libldap-common apache2-bin php8.3-sqlite3 php8.3-mongodb php8.3-readline
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
""")
    names = apk_line(result.dockerfile)
    assert names == ["samba", "samba-server", "apache2", "php-8.3-pdo_sqlite", "php-8.3-pecl-mongodb"]
    assert not messages(result, "MIG302")  # every name is one apk accepts
    dropped = " ".join(messages(result, "MIG303"))
    assert "libldap-common" in dropped and "php8.3-readline" in dropped and "compiled into Wolfi's PHP" in dropped


def test_alpine_libcap_brings_setcap_and_builtin_php_extensions_are_dropped():
    result = migrate("""\
FROM alpine:3.20
RUN apk add --no-cache libcap libldap php83 php83-session php83-tokenizer php7-zlib ruby-dev
CMD ["/app"]
""")
    names = apk_line(result.dockerfile)
    assert names[:3] == ["libcap", "libcap-utils", "libldap"]  # setcap is in libcap-utils; no LDAP server
    assert "ruby-4.0-dev" in names  # the headers of the Ruby that ruby:latest serves
    assert not [n for n in names if "session" in n or "tokenizer" in n or "zlib" in n]
    assert not messages(result, "MIG302")


def test_debian_php_common_brings_its_extensions():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y php8.2-cli php8.2-xml
CMD ["php", "-v"]
""")
    names = apk_line(result.dockerfile)
    for extension in ("ctype", "iconv", "pdo", "phar", "posix", "dom", "simplexml", "xmlwriter"):
        assert f"php-8.5-{extension}" in names, extension  # (the stream php:latest-dev serves, MIG301)


def test_ruby_headers_match_the_ruby_that_latest_serves():
    from migrator.rules.data import builtin_data
    from migrator.rules.loader import load_rules

    latest = builtin_data("wolfi/versions.yaml")["languages"]["ruby"]["latest"]
    rules = load_rules()
    for family, name in (("debian", "ruby-dev"), ("alpine", "ruby-dev"), ("fedora", "ruby-devel")):
        mapping = rules.package(family, name)
        assert mapping is not None and mapping.names == (f"ruby-{latest}-dev",), (family, mapping)


# --- class 1: paths and users of the source image as RUN arguments ------------------------------------


def test_setcap_on_docker_hub_pythons_interpreter_is_an_error_and_locale_gen_edits_go():
    result = migrate("""\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y libcap2-bin locales \\
 && setcap cap_net_bind_service=+ep /usr/local/bin/python3.12 \\
 && sed -i 's/# en_US.UTF-8/en_US.UTF-8/' /etc/locale.gen \\
 && chown deploy:deploy /srv
COPY app.py /srv/app.py
CMD ["python", "/srv/app.py"]
""")
    [setcap] = errors(result, "MIG412")
    assert "/usr/local/bin/python3.12" in setcap and "/usr/bin/python3.X" in setcap
    assert "/etc/locale.gen" not in result.dockerfile  # removed with locale-gen's work (MIG404)
    [owner] = errors(result, "MIG413")  # deploy exists nowhere (python's www-data is created): chown fails under &&
    assert "deploy" in owner


def test_docker_hub_nginx_cache_directory_becomes_wolfis():
    result = migrate("""\
FROM nginx:1.27-alpine
COPY dist/ /usr/share/nginx/html/
RUN chmod 777 /usr/share/nginx/html /var/cache/nginx
""")
    assert "RUN chmod 777 /usr/share/nginx/html /var/lib/nginx/tmp\n" in result.dockerfile
    assert not errors(result, "MIG412")


def test_debian_php_config_dir_edited_in_place_is_an_error():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y php8.2-fpm \\
 && sed -i 's/;daemonize = yes/daemonize = no/' /etc/php/8.2/fpm/php-fpm.conf
CMD ["php-fpm8.2"]
""")
    [message] = errors(result, "MIG412")
    assert "/etc/php/8.2" in message and "/etc/php/php.ini" in message


def test_a_path_the_dockerfile_creates_is_not_reported():
    result = migrate("""\
FROM python:3.12-slim
COPY tools/ /usr/local/lib/python3.12/site-packages/tools/
RUN chmod -R a+r /usr/local/lib/python3.12/site-packages/tools \\
 && mkdir -p /etc/apache2/sites-enabled && ls /etc/apache2/sites-enabled
CMD ["python", "-m", "tools"]
""")
    assert not errors(result, "MIG412")


def test_chown_to_an_unknown_user_names_that_user_only():
    result = migrate("FROM alpine:3.20\nRUN chown -R caddy:caddy /srv\nCMD [\"/srv/app\"]\n")
    [owner] = errors(result, "MIG413")
    assert "caddy" in owner and "www-data" not in owner


# --- class 2: build finding texts say what the output does --------------------------------------------


def test_nodesource_set_up_is_removed_even_when_something_else_is_missing():
    result = migrate("""\
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y mupdf
RUN curl -sL https://deb.nodesource.com/setup_20.x | bash -
CMD ["/app"]
""")
    assert "nodesource" not in result.dockerfile
    [removed] = messages(result, "MIG312")
    assert "nodejs" in removed and "mupdf" not in removed
    assert not messages(result, "MIG307")


def test_an_unknown_repository_piped_to_a_shell_says_the_pipe_hides_it():
    result = migrate("""\
FROM ubuntu:22.04
RUN curl -fsSL https://packagecloud.io/install/repositories/acme/tool/script.deb.sh | bash \\
 && apt-get install -y acme-tool
CMD ["acme-tool"]
""")
    [kept] = messages(result, "MIG307")
    assert "acme-tool" in kept and "pipe" in kept and "passes" in kept


def test_chown_to_a_daemon_user_its_package_may_create_is_a_warning():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y clamav-daemon && chown -R clamav:root /var/lib/clamav
CMD ["clamd"]
""")
    [owner] = [f for f in result.findings if f.code == "MIG405"]
    assert owner.severity is Severity.WARNING and "clamav-daemon" in owner.message
    assert not messages(result, "MIG413")


# --- class 7: build steps that depend on the source distribution ----------------------------------------

DISTRO_SCRIPT = """\
FROM ruby:3.3-bookworm
WORKDIR /app
COPY setup/ ./setup/
RUN ./setup/preinstall.sh
COPY . .
CMD ["./bin/start"]
"""


def test_an_unreadable_set_up_script_on_a_debian_image_is_an_error():
    # review 4, openproject: preinstall.sh runs apt-get under set -e; it was a warning only (MIG414)
    result = migrate(DISTRO_SCRIPT)
    [error] = [f for f in result.findings if f.code == "MIG417"]
    assert error.severity is Severity.ERROR and error.line == 4 and "./setup/preinstall.sh" in error.message
    assert "Debian" in error.message and "apt-get" in error.message and "--context DIR" in error.message
    # the final image is built on that stage: the start command may rely on what the script installs
    assert "start command (`./bin/start`) may rely on what the script installs" in error.message
    assert not messages(result, "MIG414")


def test_an_unreadable_build_script_or_an_alpine_one_stays_a_warning():
    # a script named for building the app is not a set-up script; Wolfi has apk, as Alpine does
    built = migrate(DISTRO_SCRIPT.replace("./setup/preinstall.sh", "./scripts/build.sh").replace("setup/", "scripts/"))
    [warning] = [f for f in built.findings if f.code == "MIG414"]
    assert warning.severity is Severity.WARNING and "apt-get" in warning.message and not messages(built, "MIG417")
    alpine = migrate(DISTRO_SCRIPT.replace("ruby:3.3-bookworm", "ruby:3.3-alpine"))
    assert messages(alpine, "MIG414") and not messages(alpine, "MIG417")


@pytest.mark.parametrize("script", ["./install/build.sh", "./setup/compile-assets.sh", "./docker/setup/postinstall.sh",
                                    "./install.sh", "./scripts/setup.sh", "./bootstrap.sh", "./install-npm-deps.sh"])
def test_a_script_whose_own_name_does_not_say_it_installs_packages_is_a_warning(script):
    # review 5, R5-2: the directory (install/, setup/) made these an error that failed pre-commit hooks
    result = migrate(f"FROM ruby:3.3-bookworm\nWORKDIR /app\nCOPY . .\nRUN {script}\nCMD [\"ruby\",\"app.rb\"]\n")
    [warning] = [f for f in result.findings if f.code == "MIG414"]
    assert warning.severity is Severity.WARNING and script in warning.message
    assert not messages(result, "MIG417")


@pytest.mark.parametrize("script", ["./preinstall.sh", "scripts/install-deps.sh", "./packages.sh",
                                    "./install_packages.sh", "./system-deps.sh", "./apt-install.sh",
                                    "./install-dependencies.sh", "./pre-install.sh",
                                    "/build/install-deps.sh"])  # (fix9: a context copied into /build is still the context)
def test_a_script_whose_own_name_says_it_installs_packages_is_an_error(script):
    result = migrate(f"FROM ruby:3.3-bookworm\nCOPY . /build/\nWORKDIR /build\nRUN bash {script}\n"
                     "CMD [\"ruby\",\"app.rb\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG417"]
    assert error.severity is Severity.ERROR and "its name says so" in error.message


def test_a_script_run_with_the_apt_cache_mounted_is_an_error_whatever_its_name():
    # pixelfed: /docker/install/base.sh runs under --mount=type=cache,target=/var/lib/apt
    result = migrate("FROM php:8.3-apache-bookworm\nCOPY docker/install/base.sh /docker/install/base.sh\n"
                     "RUN --mount=type=cache,id=apt,sharing=locked,target=/var/lib/apt \\\n"
                     "    /docker/install/base.sh\nCMD [\"apache2-foreground\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG417"]
    assert "mounts the package manager's cache" in error.message and error.line == 4


def test_an_unreadable_set_up_script_of_a_builder_only_names_the_build():
    result = migrate("FROM registry.access.redhat.com/ubi9/ubi AS build\nCOPY . /src\nRUN /src/install-deps.sh "
                     "&& make -C /src\nFROM registry.access.redhat.com/ubi9/ubi-minimal\n"
                     "COPY --from=build /src/app /app\nCMD [\"/app\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG417"]
    assert "yum or dnf" in error.message and "start command" not in error.message


def test_a_build_context_script_that_runs_apt_get_is_an_error(tmp_path):
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "preinstall.sh").write_text("#!/bin/bash\nset -e\napt-get update\napt-get install -y libpq-dev\n")
    result = migrate(DISTRO_SCRIPT, context=tmp_path)
    [error] = errors(result, "MIG415")
    assert "apt-get" in error and "setup/preinstall.sh" in error
    assert not messages(result, "MIG414")
    (tmp_path / "setup" / "preinstall.sh").write_text("#!/bin/sh\necho ready > /tmp/ready\n")
    quiet = migrate(DISTRO_SCRIPT, context=tmp_path)
    assert not messages(quiet, "MIG414") and not messages(quiet, "MIG415")


def test_xx_apt_get_is_an_error_naming_xx_apk():
    result = migrate("""\
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
COPY --from=tonistiigi/xx / /
ARG TARGETPLATFORM
RUN xx-apt-get install -y gcc libc6-dev
COPY . .
RUN xx-go build -o /out/app .
FROM gcr.io/distroless/static
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
""")
    # (fix89, review 21 S21-4: translated to apk add with Wolfi's names; the cross build is the error)
    assert "RUN apk add --no-cache gcc glibc-dev\n" in result.dockerfile
    [error] = errors(result, "MIG326")
    assert "`xx-apt-get install -y gcc libc6-dev`" in error and "--platform=$BUILDPLATFORM" in error


def test_a_full_python_builder_that_compiles_is_told_the_headers_are_gone():
    text = "FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD [\"python\", \"/app/a.py\"]\n"
    [warning] = [f for f in migrate(text).findings if f.code == "MIG416"]
    assert "buildpack-deps" in warning.message and "pip" in warning.message
    assert not [f for f in migrate(text.replace("3.11", "3.11-slim")).findings if f.code == "MIG416"]


def test_chown_after_a_build_context_script_is_a_warning_not_an_error():
    result = migrate("""\
FROM debian:12
COPY scripts/ /scripts/
RUN /scripts/packages.sh && chown -R clamav:root /var/run/clamav
CMD ["/usr/sbin/clamd"]
""")
    assert [f.severity for f in result.findings if f.code == "MIG405"] == [Severity.WARNING]
    assert not messages(result, "MIG413")


def test_a_package_query_in_a_substitution_is_a_warning_that_says_the_run_goes_on():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y samba $(apt-get -s install krb5-user | grep -q Inst && echo krb5-user)
CMD ["smbd", "-F"]
""")
    assert not errors(result, "MIG310")
    [query] = [f for f in result.findings if f.code == "MIG315"]
    assert query.severity is Severity.WARNING and "apt-get -s" in query.message and "goes on" in query.message


def test_paths_named_after_the_language_version_follow_the_version_served():
    ruby = migrate("""\
FROM ruby:3.3-alpine AS build
ENV BUNDLE_PATH=/gems
COPY Gemfile Gemfile.lock ./
RUN bundle install && find /gems/ruby/3.3.0/gems/ -name "*.o" -delete
FROM ruby:3.3-alpine
COPY --from=build /gems /gems
CMD ["ruby", "app.rb"]
""")
    assert "find /gems/ruby/4.0.0/gems/ -name" in ruby.dockerfile  # ruby:latest is Ruby 4.0
    python = migrate("""\
FROM python:3.12-slim
ENV PYTHONPATH=/opt/venv/lib/python3.12/site-packages
RUN python -m venv /opt/venv && /opt/venv/bin/pip install flask \\
 && chmod -R a+r /opt/venv/lib/python3.12/site-packages
CMD ["/opt/venv/bin/python", "-m", "flask"]
""")
    assert "python3.12" not in python.dockerfile and "/opt/venv/lib/python3.14/site-packages" in python.dockerfile
    kept = migrate("FROM python:3.12-slim\nRUN chmod -R a+r /opt/venv/lib/python3.12\nCMD [\"python\"]\n",
                   tag_policy=TagPolicy.KEEP)
    assert "/opt/venv/lib/python3.12" in kept.dockerfile  # an organisation registry serves 3.12 itself


# --- lesser observations (build side) ----------------------------------------------------------------


def test_an_unknown_image_that_only_feeds_later_stages_is_a_warning_not_an_error():
    result = migrate("""\
FROM tonistiigi/xx AS xx
FROM lukemathwalker/cargo-chef:latest-rust-1 AS chef
WORKDIR /src
COPY . .
RUN cargo build --release
FROM golang:1.22 AS build
COPY --from=xx / /
COPY . .
RUN go build -o /app .
FROM alpine:3.20
COPY --from=build /app /app
COPY --from=chef /src/target/release/tool /tool
ENTRYPOINT ["/app"]
""")
    assert not messages(result, "MIG202")
    kept = messages(result, "MIG214")
    assert len(kept) == 2 and "tonistiigi/xx" in kept[0] and "cargo-chef" in kept[1]
    assert "FROM tonistiigi/xx AS xx\n" in result.dockerfile  # left as it is: it builds as before
    final = migrate("FROM mycompany/base:1\nCOPY . /app\nCMD [\"/app/run\"]\n")
    assert errors(final, "MIG202")  # the final image itself cannot be migrated: still an error


def test_the_deprecated_java_repository_is_migrated():
    result = migrate("""\
FROM java:8-jdk AS build
COPY . /src
RUN cd /src && ./gradlew build
FROM java:8-jre
COPY --from=build /src/build/libs/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
""")
    assert "FROM cgr.dev/chainguard/jdk:latest-dev AS build" in result.dockerfile
    assert "FROM cgr.dev/chainguard/jre:latest" in result.dockerfile
    assert not messages(result, "MIG202") and messages(result, "MIG220")  # Java 8 -> the latest JDK, said


def test_uv_pip_install_system_installs_into_the_venv_the_runtime_copies():
    result = migrate("""\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install uv && uv pip install --system --no-cache -r requirements.txt
COPY . .
CMD ["python", "app.py"]
""")
    assert "RUN pip install uv && uv pip install --no-cache -r requirements.txt\n" in result.dockerfile
    assert "COPY --from=builder /opt/venv /opt/venv" in result.dockerfile
    assert migrate(result.dockerfile).dockerfile == result.dockerfile  # idempotent


def test_bundler_is_installed_once_when_the_dockerfile_installs_it():
    result = migrate("""\
FROM ruby:3.3-slim
WORKDIR /loomio
RUN apt-get update && apt-get install -y build-essential libpq-dev && gem install bundler
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["bundle", "exec", "puma"]
""")
    assert result.dockerfile.count("gem install bundler") == 1
    builder = builder_stage(result)
    assert builder.index("ENV GEM_HOME=/usr/local/bundle") < builder.index("gem install bundler")  # into GEM_HOME


def test_su_and_install_to_a_user_nothing_creates_are_errors():
    result = migrate("""\
FROM php:8.3-cli
WORKDIR /var/www
COPY . .
RUN su deploy -s /bin/sh -c "composer install" && install -d -o deploy -g deploy /var/www/storage
CMD ["php", "artisan", "serve"]
""")
    owners = errors(result, "MIG413")
    assert len(owners) == 2 and owners[0].startswith("`su deploy") and owners[1].startswith("`install -d")
    created = migrate("FROM debian:12\nRUN useradd -r app && su app -s /bin/sh -c true\nCMD [\"sh\"]\n")
    assert not messages(created, "MIG413")


def test_editing_a_config_file_wolfis_package_does_not_ship_is_an_error():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y samba \\
 && sed -i "s/workgroup = WORKGROUP/workgroup = HOME/" /etc/samba/smb.conf
CMD ["smbd", "-F"]
""")
    assert "samba samba-server" in result.dockerfile
    [edit] = errors(result, "MIG412")
    assert "/etc/samba/smb.conf" in edit and "installs none" in edit


def test_unversioned_pecl_extensions_take_the_stream_of_wolfis_php():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y php-cli php-redis php-imagick php-mongodb
CMD ["php", "-v"]
""")
    from migrator.rules.data import builtin_data

    newest = builtin_data("wolfi/versions.yaml")["languages"]["php"]["latest"]  # what `php` installs
    names = apk_line(result.dockerfile)
    assert {"php", f"php-{newest}-redis", f"php-{newest}-imagick", f"php-{newest}-pecl-mongodb"} <= set(names)
    assert not messages(result, "MIG302")


def test_debian_imagemagick_6_packages_become_wolfis_imagemagick():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y imagemagick-6.q16 libmagickwand-6.q16-6 imagemagick-6-common
CMD ["convert", "-version"]
""")
    assert apk_line(result.dockerfile) == ["imagemagick", "tzdata"]  # (debian:12 carried tzdata)
    assert not messages(result, "MIG302") and "ImageMagick 7" in " ".join(messages(result, "MIG301"))


def test_temurins_java_home_in_a_run_line_becomes_chainguards():
    result = migrate("""\
FROM eclipse-temurin:21-jre
COPY certs/ca.pem /tmp/ca.pem
RUN /opt/java/openjdk/bin/keytool -noprompt -import -alias corp -file /tmp/ca.pem -cacerts -storepass changeit
COPY app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
""")
    assert "RUN /usr/lib/jvm/default-jvm/bin/keytool -noprompt -import" in result.dockerfile
    assert not errors(result, "MIG412")


def test_editing_docker_hub_phps_production_template_edits_wolfis_php_ini():
    result = migrate("""\
FROM php:8.3-fpm
RUN sed -i "s/memory_limit = 128M/memory_limit = 512M/" "$PHP_INI_DIR/php.ini-production" \\
 && mv "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"
COPY . /var/www/html
CMD ["php-fpm"]
""")
    assert 'RUN sed -i "s/memory_limit = 128M/memory_limit = 512M/" "/etc/php/php.ini"\n' in result.dockerfile
    assert not errors(result, "MIG412")
    development = migrate("FROM php:8.3-cli\nRUN sed -i s/a/b/ /usr/local/etc/php/php.ini-development\nCMD [\"php\"]\n")
    assert "/etc/php/php.ini-development" in " ".join(errors(development, "MIG412"))


def test_a_source_image_path_the_stage_unpacks_itself_is_not_reported():
    result = migrate("""\
FROM debian:12
RUN apt-get update && apt-get install -y curl \\
 && curl -L https://go.dev/dl/go1.22.0.linux-amd64.tar.gz | tar -C /usr/local -xz && /usr/local/go/bin/go version
CMD ["sh"]
""")
    assert not messages(result, "MIG412")
    built = migrate("""\
FROM debian:12
COPY Python-3.12.1/ /src/
RUN cd /src && ./configure && make && make altinstall && chmod 755 /usr/local/bin/python3.12
CMD ["sh"]
""")
    assert not messages(built, "MIG412")


def test_adding_a_user_to_a_group_wolfi_lacks_is_an_error():
    result = migrate("FROM debian:12\nRUN adduser --system app && adduser app users\nCMD [\"sh\"]\n")
    [group] = errors(result, "MIG413")
    assert group.startswith("`adduser app users`") and "users is not" in group
    made = migrate("FROM debian:12\nRUN groupadd users2 && adduser --system app && adduser app users2\nCMD [\"sh\"]\n")
    assert not messages(made, "MIG413")


def test_the_distributions_python_path_takes_wolfis_python_version():
    from migrator.rules.data import builtin_data

    newest = builtin_data("wolfi/versions.yaml")["languages"]["python"]["latest"]
    result = migrate("""\
FROM alpine:3.20
RUN apk add --no-cache python3 libcap && setcap CAP_NET_BIND_SERVICE=+eip /usr/bin/python3.12
COPY app.py /app.py
CMD ["python3", "/app.py"]
""")
    assert f"setcap CAP_NET_BIND_SERVICE=+eip /usr/bin/python{newest}\n" in result.dockerfile
    own = migrate("FROM alpine:3.20\nRUN ls /usr/bin/python3.12\nCMD [\"sh\"]\n")  # no python3 installed here
    assert "/usr/bin/python3.12" in own.dockerfile


def test_nginx_default_server_config_is_chainguards_file_name():
    result = migrate("""\
FROM nginx:1.27-alpine
COPY nginx.conf /etc/nginx/conf.d/default.conf
COPY dist/ /usr/share/nginx/html/
RUN chmod 644 /etc/nginx/conf.d/default.conf
""")
    assert "conf.d/default.conf" not in result.dockerfile  # would add a second server on 8080
    assert "COPY nginx.conf /etc/nginx/conf.d/nginx.default.conf\n" in result.dockerfile


def test_an_alpine_script_that_runs_apk_add_is_a_warning(tmp_path):
    (tmp_path / "install.sh").write_text("#!/bin/sh\nset -e\napk add --no-cache libstdc++ gcompat\n")
    result = migrate("FROM alpine:3.20\nCOPY install.sh /install.sh\nRUN /install.sh\nCMD [\"/app\"]\n", context=tmp_path)
    assert not messages(result, "MIG415")
    [warning] = [f for f in result.findings if f.code == "MIG414"]
    assert warning.severity is Severity.WARNING and "apk add" in warning.message


@pytest.mark.parametrize("directory", ["build", "dist", "scripts"])
def test_a_script_copied_by_its_own_name_is_the_context_s_whatever_its_directory(directory):
    # review 6, R6-1: `COPY build/fetch.sh /tmp/fetch.sh` was taken for build output (build/ is a tool
    # directory), so the builder lost the bash the Debian image had for it
    result = migrate(f"FROM debian:stable-slim AS fetcher\nCOPY {directory}/fetch.sh /tmp/fetch.sh\n"
                     "RUN /tmp/fetch.sh\nFROM debian:stable-slim\nCOPY --from=fetcher /tmp/tool /usr/local/bin/tool\n"
                     "CMD [\"tool\"]\n")
    fetcher = result.dockerfile.split("\nFROM ")[0]
    assert "apk add --no-cache bash" in fetcher
    assert "MIG414" in {f.code for f in result.findings}
