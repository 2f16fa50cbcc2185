"""Issue 14 / issue 9 item 4: migrated files that look right but would fail on the real images.

Each test is a minimal reproduction of one class, migrated end to end (migrator.api.migrate_text).
"""

from __future__ import annotations

from migration_tools import codes, migrate

from migrator.model import Severity, TagPolicy


def stage_text(dockerfile: str, name: str) -> str:
    """The lines of the stage called `name`, FROM line included."""
    lines = dockerfile.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("FROM") and line.endswith(f" AS {name}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("FROM")), len(lines))
    return "\n".join(lines[start:end])


# --- users: the effective user through stage chains ---------------------------------------------

CHAIN = """\
FROM node:20 AS base
WORKDIR /app
COPY package.json .

FROM base AS runner
RUN addgroup --system --gid 1001 nodejs && adduser --system --uid 1001 nextjs
USER nextjs
CMD ["node", "server.js"]
"""


def test_a_stage_built_from_a_dev_stage_gets_user_root_for_its_user_commands():
    # node:latest-dev runs as node; `base` has no RUN, so nothing made it root: `runner` must
    result = migrate(CHAIN)
    runner = stage_text(result.dockerfile, "runner-build")
    assert runner.splitlines()[1] == "USER root"
    assert "inherits user node" in next(f.message for f in result.findings if f.code == "MIG502" and f.line == 5)


def test_a_parent_that_became_root_or_chose_a_user_is_not_overridden():
    text = CHAIN.replace("COPY package.json .", "COPY package.json .\nRUN npm ci")
    result = migrate(text)
    assert stage_text(result.dockerfile, "base").splitlines()[1] == "USER root"
    assert stage_text(result.dockerfile, "runner-build").splitlines()[1] != "USER root"
    chosen = CHAIN.replace("COPY package.json .", "COPY package.json .\nUSER node")
    # the original ran runner's RUN as node too
    assert stage_text(migrate(chosen).dockerfile, "runner-build").splitlines()[1] != "USER root"


# --- users: busybox adduser takes a group name ------------------------------------------------------

def test_a_gid_reference_becomes_a_group_name():
    result = migrate("FROM python:3.12-slim\nRUN useradd -u 1000 -g 1000 app\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "RUN addgroup -g 1000 app && adduser -D -u 1000 -G app -H app" in result.dockerfile


def test_chown_to_a_debian_user_is_reported():
    result = migrate("FROM php:8.3-cli\nRUN chown -R deploy:deploy /var/www\nCOPY . /app\nCMD [\"php\", \"/app/a.php\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG413"]  # nothing installed could create it
    assert error.severity is Severity.ERROR and "deploy" in error.message  # the RUN fails there
    created = "RUN adduser --system --group www-data && chown -R www-data:www-data /var/www"
    made = codes(migrate(f"FROM php:8.3-cli\n{created}\nCOPY . /app\nCMD [\"php\", \"/app/a.php\"]\n"))
    assert "MIG405" not in made and "MIG413" not in made


def test_uids_of_the_docker_hub_users_are_reported():
    text = (
        "FROM node:20\nWORKDIR /app\nENV PUID=1000\n"
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\nCOPY --chown=1000:1000 . .\n"
        "CMD [\"node\", \"server.js\"]\n"
    )
    result = migrate(text)
    shifted = [f for f in result.findings if f.code == "MIG406"]
    assert sorted(f.line for f in shifted) == [3, 4]  # (the --chown on line 5 is rewritten: MIG421)
    assert all("uid 1000" in f.message and "65532" in f.message for f in shifted)
    assert "COPY --chown=65532:65532 . .\n" in result.dockerfile and "MIG421" in codes(result)
    created = text.replace("npm ci", "useradd -u 1000 app && npm ci")
    assert "MIG406" not in codes(migrate(created))


# --- package names apk refuses ----------------------------------------------------------------------

def test_alpine_busybox_long_options_are_busybox_not_debian():
    result = migrate("FROM node:14-alpine\nRUN addgroup -S docker && adduser -S --shell /bin/bash --ingroup docker vscode\n"
                     "COPY . /app\nCMD [\"node\", \"/app/a.js\"]\n")
    assert "adduser -S --shell /bin/bash --ingroup docker vscode" in result.dockerfile
    assert "MIG402" not in codes(result)


def test_a_name_wolfi_lacks_is_an_error_and_a_wolfi_name_is_not_reported():
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y mailcap pwgen mssql-tools18\n"
                     "CMD [\"sqlcmd\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG302"]
    assert error.severity is Severity.ERROR and "mssql-tools18" in error.message
    assert "mailcap" not in error.message and "pwgen" not in error.message


def test_a_package_list_in_an_arg_default_is_translated():
    text = ('FROM python:3.12-slim\nARG BUILD_DEPS="g++ libpq-dev"\n'
            "RUN apt-get update && apt-get install -y $BUILD_DEPS && pip install psycopg2 && apt-get purge -y $BUILD_DEPS\n"
            'COPY . /app\nCMD ["python", "/app/a.py"]\n')
    result = migrate(text)
    assert 'ARG BUILD_DEPS="gcc postgresql-dev"\n' in result.dockerfile
    assert "apk add --no-cache $BUILD_DEPS" in result.dockerfile
    assert "MIG305" not in codes(result)


# --- repository set-up (issue 9, item 4) ----------------------------------------------------------

def test_repository_set_up_in_an_earlier_run_follows_what_the_stage_installs():
    text = ("FROM ubuntu:22.04\nRUN add-apt-repository -y ppa:deadsnakes/ppa\n"
            "RUN apt-get update && apt-get install -y python3.11\nCOPY . /app\nCMD [\"python3\", \"/app/a.py\"]\n")
    result = migrate(text)
    assert "add-apt-repository" not in result.dockerfile and "MIG312" in codes(result)
    kept = migrate(text.replace("python3.11", "python3.11 mssql-tools18"))
    assert "add-apt-repository" in kept.dockerfile
    assert "MIG307" in codes(kept, Severity.ERROR)


# --- failures hidden by the shell -----------------------------------------------------------------

def test_a_failing_command_in_a_heredoc_without_set_e_says_it_is_hidden():
    text = ("# syntax=docker/dockerfile:1\nFROM debian:12\nRUN <<EOF\ndpkg -i /tmp/tool.deb\necho installed\nEOF\n"
            "CMD [\"tool\"]\n")
    [error] = [f for f in migrate(text).findings if f.code == "MIG307"]
    assert error.severity is Severity.ERROR and "hides this failure" in error.message
    strict = text.replace("RUN <<EOF", "RUN bash -e <<EOF")
    [error] = [f for f in migrate(strict).findings if f.code == "MIG307"]
    assert "hides" not in error.message


def test_a_shell_with_errexit_does_not_hide_failures():
    text = ("FROM debian:12\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n"
            "RUN dpkg -i /tmp/tool.deb; echo done\nCMD [\"tool\"]\n")
    [error] = [f for f in migrate(text).findings if f.code == "MIG307"]
    assert "hides" not in error.message


def test_exec_form_run_is_not_unparsable():
    text = "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN [\"dotnet\", \"publish\", \"-o\", \"/out\"]\n"
    result = migrate(text)
    assert "MIG403" not in codes(result)
    assert 'RUN ["dotnet", "publish", "-o", "/out"]' in result.dockerfile


# --- Docker Hub layout in commands ------------------------------------------------------------------

def test_docker_hub_paths_in_commands():
    text = (
        "FROM python:3.12\nENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n"
        "RUN apt-get update && apt-get install -y libjemalloc2 && ln -s /usr/local/bin/python /usr/bin/python\n"
        "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build\n"
        "COPY . /app\nCMD [\"python\", \"/app/a.py\"]\n"
    )
    result = migrate(text)
    assert "ENV LD_PRELOAD=/usr/lib/libjemalloc.so.2" in result.dockerfile
    assert "x86_64-linux-gnu" not in result.dockerfile and "ln -s" not in result.dockerfile
    assert "RUN apk add --no-cache libjemalloc2 rust\n" in result.dockerfile  # cargo: MIG313
    [cache] = [f for f in result.findings if f.code == "MIG408"]
    assert "/usr/local/cargo" in cache.message


def test_copies_from_a_debian_image_keep_its_multiarch_path():
    text = ("FROM python:3.12\nCOPY --from=debian:12 /usr/lib/x86_64-linux-gnu/libz.so.1 /opt/\n"
            "COPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "--from=debian:12 /usr/lib/x86_64-linux-gnu/libz.so.1" in migrate(text).dockerfile


# --- version drift from :latest ------------------------------------------------------------------------

def test_a_pinned_major_version_latest_does_not_serve_is_a_warning():
    text = "FROM mcr.microsoft.com/dotnet/aspnet:6.0\nWORKDIR /app\nCOPY out/ .\nENTRYPOINT [\"dotnet\", \"App.dll\"]\n"
    [drift] = [f for f in migrate(text).findings if f.code == "MIG220"]
    assert drift.severity is Severity.WARNING
    assert "dotnet 6" in drift.message and "dotnet 10" in drift.message and "--tag-policy keep" in drift.message
    assert "MIG220" not in codes(migrate(text.replace(":6.0", ":10.0")))
    kept = migrate(text.replace(":6.0", ":9.0"), tag_policy=TagPolicy.KEEP)
    assert "MIG220" not in codes(kept)


def test_python_minor_versions_count_as_a_move():
    # python 3.8 -> 3.14: native wheels, removed modules (distutils, imp): as for node, a warning
    [drift] = [f for f in migrate("FROM python:3.8-slim\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n").findings
               if f.code == "MIG220"]
    assert drift.severity is Severity.WARNING and "python 3.8" in drift.message and "3.14" in drift.message
    assert "upgrade the app" in drift.message  # Wolfi ships no 3.8: --tag-policy keep cannot help
    assert "MIG220" not in codes(migrate("FROM python:3.14-slim\nCMD [\"python\", \"-V\"]\n"))
    assert "MIG220" not in codes(migrate("FROM python:3\nCMD [\"python\", \"-V\"]\n"))


def test_a_copied_ruby_version_file_makes_the_ruby_move_an_error(tmp_path):
    text = ("FROM ruby:3.3-slim\nWORKDIR /app\nCOPY .ruby-version Gemfile Gemfile.lock ./\nRUN bundle install\n"
            "COPY . .\nCMD [\"ruby\", \"app.rb\"]\n")
    [error] = [f for f in migrate(text).findings if f.code == "MIG221"]
    assert error.severity is Severity.ERROR and error.line == 3
    assert "ruby 3.3" in error.message and "4.0" in error.message and "--tag-policy keep" in error.message
    assert "MIG220" not in codes(migrate(text))  # the error says it all
    assert {"MIG220", "MIG221"}.isdisjoint(codes(migrate(text, tag_policy=TagPolicy.KEEP)))
    # without the file, and a Gemfile on disk that pins no ruby, bundler has nothing to refuse: a warning
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'sinatra'\n")
    assert "MIG220" in codes(migrate(text.replace(".ruby-version ", ""), context=tmp_path))


def test_a_ruby_version_file_in_a_copied_context_is_seen_on_disk(tmp_path):
    from migrator.api import migrate_path

    (tmp_path / ".ruby-version").write_text("3.3.0\n")
    (tmp_path / "Dockerfile").write_text("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
                                         "CMD [\"ruby\", \"app.rb\"]\n")
    assert "MIG221" in codes(migrate_path(tmp_path / "Dockerfile"), Severity.ERROR)


def test_rustup_on_the_rust_image_is_an_error():
    text = "FROM rust:1.80 AS build\nRUN rustup target add wasm32-wasip1 && cargo build\nFROM debian:12\nCOPY --from=build /x /x\n"
    [error] = [f for f in migrate(text).findings if "rustup" in f.message and f.code == "MIG310"]
    assert error.severity is Severity.ERROR
    fetched = text.replace("RUN rustup", "RUN curl https://sh.rustup.rs -sSf | sh -s -- -y && rustup")
    assert not [f for f in migrate(fetched).findings if "rustup" in f.message and f.code == "MIG310"]


# --- programs that must run as root -------------------------------------------------------------------

SOCKET = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /watch .
FROM scratch
COPY --from=build /watch /watch
VOLUME /var/run/docker.sock
ENTRYPOINT ["/watch"]
"""


def test_a_scratch_image_that_talks_to_the_docker_socket_keeps_root():
    result = migrate(SOCKET)
    final = result.dockerfile.split("FROM cgr.dev/chainguard/static:latest", 1)[1]
    assert "\nUSER root\n" in final
    [kept] = [f for f in result.findings if f.code == "MIG550"]
    assert "docker.sock" in kept.message and kept.severity is Severity.WARNING


def test_a_split_runtime_with_the_docker_socket_keeps_root():
    text = ("FROM python:3.12\nENV DOCKER_HOST=unix:///var/run/docker.sock\nRUN pip install docker\n"
            "COPY . /app\nCMD [\"python\", \"/app/agent.py\"]\n")
    result = migrate(text)
    runtime = result.dockerfile.split("FROM cgr.dev/chainguard/python:latest\n", 1)[1]
    assert "USER root" in runtime and "MIG550" in codes(result)


def test_a_program_the_original_ran_as_nonroot_stays_nonroot():
    result = migrate(SOCKET.replace('ENTRYPOINT ["/watch"]', 'USER 65532\nENTRYPOINT ["/watch"]'))
    assert "MIG550" not in codes(result)
    assert "USER root" not in result.dockerfile.split("static:latest", 1)[1]


def test_users_created_in_a_parent_stage_exist_in_its_children():
    text = ("FROM python:3.12 AS base\nRUN useradd -r app\n"
            "FROM base AS final\nRUN chown -R app:app /srv\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert not {"MIG405", "MIG413"} & set(codes(migrate(text)))


# --- finding texts say what happens in this output (review class 17) --------------------------------


def test_a_failure_in_the_else_branch_is_not_called_the_condition():
    text = ("FROM alpine:3.20\n"
            "RUN if [ -f /x ]; then echo hi; else apk add --no-cache nosuchpkg; fi; echo done\n"
            "RUN if [ -f /x ]; then echo hi; elif [ -f /y ]; then echo y; else apk add nosuchpkg2; fi\n"
            "RUN if apk add nosuchpkg3; then echo; fi\n"
            'CMD ["sh"]\n')
    messages = {f.line: f.message for f in migrate(text).findings if f.severity is Severity.ERROR}
    assert "condition" not in messages[2] and "more commands follow it" in messages[2]
    assert "hides" not in messages[3]  # the else body's status is the RUN's status
    assert "it is the condition of an `if`" in messages[4]


def test_apk_on_wolfi_is_not_said_to_be_missing():
    text = "FROM alpine:3.20\nRUN apk info -v && apk add --root /sysroot --initdb musl\nCMD [\"sh\"]\n"
    result = migrate(text)
    [refused] = [f for f in result.findings if f.code == "MIG310"]
    assert "--root" in refused.message and "does not exist" not in refused.message
    assert "apk info -v" in result.dockerfile  # Wolfi's apk answers queries too: untouched


def test_chown_advice_names_a_user_the_image_has():
    on_base = migrate("FROM debian:bookworm\nRUN chown deploy /var/www\nCMD [\"sh\", \"-c\", \"sleep 1\"]\n")
    [owner] = [f.message for f in on_base.findings if f.code == "MIG413"]
    assert "uid 65532" not in owner and "(root" not in owner and "numeric ids" in owner
    on_php = migrate("FROM php:8.2-cli AS b\nRUN chown deploy /var/www && echo > /x\nFROM b\nCMD [\"php\", \"-v\"]\n")
    [owner] = [f.message for f in on_php.findings if f.code == "MIG413"]
    assert "(php, uid 65532)" in owner


# --- users: what the source's commands meant (review class 11) --------------------------------------


def test_useradd_without_m_makes_no_home_and_debian_adduser_takes_u():
    text = ('FROM python:3.12-slim\nRUN useradd -u 911 -d /app abc && mkdir /app\n'
            'RUN adduser --disabled-login -u 1001 --gecos "" web\nCOPY . /app\nCMD ["python", "/app/main.py"]\n')
    result = migrate(text)
    assert "RUN adduser -D -u 911 -h /app -H abc && mkdir /app" in result.dockerfile
    assert 'RUN adduser -D -u 1001 -g "" web' in result.dockerfile
    assert "MIG402" not in codes(result)


def test_useradd_on_a_fedora_image_keeps_its_home():
    # RHEL's login.defs has CREATE_HOME yes: useradd makes the home there, as busybox does
    result = migrate("FROM fedora:40\nRUN useradd -u 1000 app\nUSER app\nCMD [\"sleep\", \"1\"]\n")
    assert "adduser -D -u 1000 app" in result.dockerfile


def test_deleting_a_user_only_the_source_image_had_is_dropped():
    result = migrate("FROM ubuntu:24.04\nRUN userdel -r ubuntu && useradd -m -u 1000 app\nUSER app\nCMD [\"sleep\", \"1\"]\n")
    assert "RUN adduser -D -u 1000 app\n" in result.dockerfile
    [dropped] = [f for f in result.findings if f.code == "MIG409"]
    assert dropped.severity is Severity.INFO and "ubuntu" in dropped.message
    # a user the stage created itself is still deleted
    kept = migrate("FROM ubuntu:24.04\nRUN useradd -m old && userdel -r old\nCMD [\"sleep\", \"1\"]\n")
    assert "deluser --remove-home old" in kept.dockerfile


# --- tools the source image had and the Wolfi image lacks (review class 5) --------------------------

FETCH = """\
FROM alpine:3.20 AS fetch
RUN wget -q -O /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /tmp
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y nodejs libcap2-bin && npm install -g pm2 \\
 && setcap cap_net_bind_service=+ep /usr/bin/node
COPY --from=fetch /tmp/tool /usr/local/bin/tool
CMD ["pm2-runtime", "app.js"]
"""


def test_a_tool_busybox_on_wolfi_lacks_is_installed_where_it_is_first_needed():
    result = migrate(FETCH)
    # Alpine's busybox had wget, Wolfi's has not: installed before its first use
    assert "RUN apk add --no-cache wget && wget -q -O /tmp/tool.tgz" in result.dockerfile
    # Wolfi's nodejs has no npm: added to the stage's apk add (setcap comes with libcap-utils already)
    assert "RUN apk add --no-cache nodejs libcap-utils npm && npm install -g pm2" in result.dockerfile
    added = [f for f in result.findings if f.code == "MIG313"]
    assert [f.line for f in added] == [2, 4] and all(f.severity is Severity.INFO for f in added)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_what_the_image_or_the_stage_provides_is_not_added():
    # python:latest-dev has git and wget; yarn is installed by npm, setcap's package is installed
    text = ("FROM python:3.12\nRUN git clone https://x/y /src && wget -q https://x/z\n"
            "RUN apt-get update && apt-get install -y nodejs libcap2-bin && npm install -g yarn && yarn install\n"
            "RUN setcap cap_net_bind_service=+ep /usr/bin/python3\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    result = migrate(text)
    assert "RUN git clone" in result.dockerfile and "apk add --no-cache wget" not in result.dockerfile
    assert "RUN apk add --no-cache nodejs libcap-utils npm && npm install -g yarn" in result.dockerfile
    [added] = [f.message for f in result.findings if f.code == "MIG313"]
    assert added.startswith("npm added")


def test_tools_needed_after_a_user_switch_or_by_a_shell_are_installed_before_it():
    text = ('FROM debian:bookworm\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN useradd -m app\nUSER app\n'
            'RUN curl -fsS https://example.com/x | tar -x\nCMD ["sleep", "1"]\n')
    lines = migrate(text).dockerfile.splitlines()
    # bash must exist before SHELL makes RUN use it; curl after USER app could not be installed
    assert lines[1:3] == ["RUN apk add --no-cache bash curl tzdata", 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]']
    assert "RUN curl -fsS https://example.com/x | tar -x" in lines


def test_a_command_no_wolfi_package_provides_is_an_error():
    text = "FROM registry.access.redhat.com/ubi8/ubi\nRUN scl enable rh-python38 'pip install x'\nCMD [\"sleep\", \"1\"]\n"
    [error] = [f for f in migrate(text).findings if f.code == "MIG314"]
    assert error.severity is Severity.ERROR and error.line == 2 and "`scl`" in error.message


def test_add_of_a_variable_stays_add():
    # the variable may hold a URL (ADD downloads it), COPY would fail
    text = ("FROM debian:bookworm\nARG DIST=https://example.com/x.tar.gz\nADD $DIST /tmp/x/\nADD app.conf /etc/app.conf\n"
            "CMD [\"sleep\", \"1\"]\n")
    result = migrate(text).dockerfile
    assert "ADD $DIST /tmp/x/" in result and "COPY app.conf /etc/app.conf" in result


# --- Docker Hub-only helpers and paths in builder commands (review class 4) -------------------------


def test_docker_php_helpers_become_wolfi_packages():
    text = ("FROM php:8.2-fpm\n"
            "RUN set -ex; apt-get update; apt-get install -y libzip-dev; \\\n"
            "    docker-php-ext-configure gd --with-jpeg; docker-php-ext-install -j4 zip gd json; \\\n"
            "    pecl install redis-6.0.2 && docker-php-ext-enable redis; \\\n"
            "    echo 'memory_limit=512M' > $PHP_INI_DIR/conf.d/app.ini; \\\n"
            '    cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"\n'
            "COPY . /var/www/html\n")
    result = migrate(text)
    assert ("RUN set -ex; apk add --no-cache libzip-dev; \\\n"
            "    apk add --no-cache php-zip php-gd; \\\n"
            "    apk add --no-cache php-8.5-redis; \\\n"  # (docker-php-ext-enable: the same package, once: fix64)
            "    echo 'memory_limit=512M' > /etc/php/conf.d/app.ini\n") in result.dockerfile
    helpers = [f.message for f in result.findings if f.code == "MIG410"]
    assert any("--with-jpeg" in m for m in helpers) and any("json compiled into Wolfi's php" in m for m in helpers)
    assert any("production configuration already" in m for m in helpers)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    assert "MIG522" not in codes(result)


def test_a_php_extension_wolfi_lacks_is_an_error():
    result = migrate("FROM php:8.2-cli\nRUN set -e; docker-php-ext-install nosuchext; echo ok\nCMD [\"php\", \"-v\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG411"]
    assert error.severity is Severity.ERROR and "nosuchext" in error.message
    assert "docker-php-ext-install nosuchext" in result.dockerfile


def test_php_ini_dir_the_dockerfile_sets_itself_is_left_alone():
    text = "FROM php:8.2-cli\nENV PHP_INI_DIR=/opt/php\nRUN echo x > $PHP_INI_DIR/conf.d/a.ini\nCMD [\"php\", \"-v\"]\n"
    assert "echo x > $PHP_INI_DIR/conf.d/a.ini" in migrate(text).dockerfile


def test_copies_from_a_postgres_stage_use_wolfis_paths_and_imagemagick_is_7():
    text = ("FROM postgres:16-alpine AS pg\nFROM python:3-alpine\n"
            "COPY --from=pg /usr/local/bin/pg_dump /usr/local/pgsql/\n"
            "RUN apk add imagemagick && cp /app/policy.xml /etc/ImageMagick-6/policy.xml\n"
            "COPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n")
    result = migrate(text)
    assert "COPY --from=pg /usr/bin/pg_dump /usr/local/pgsql/" in result.dockerfile
    assert "/etc/ImageMagick-7/policy.xml" in result.dockerfile
    assert [f.line for f in result.findings if f.code == "MIG407"] == [3, 4]


# --- npm prune only where npm created the tree (review, lesser) --------------------------------------


def test_npm_prune_runs_where_the_install_ran():
    text = ("FROM node:20\nWORKDIR /opt/node_app\nCOPY package*.json ./\nRUN npm i npm@latest -g && npm ci\n"
            "WORKDIR /opt/node_app/app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n")
    assert "RUN cd /opt/node_app && npm prune --omit=dev\n" in migrate(text).dockerfile


def test_npm_prune_is_not_added_over_packages_outside_package_json():
    # a workspace package linked by hand, or installed by name: prune would remove it as extraneous
    linked = ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm install --no-save ./src\n"
              "CMD [\"node\", \"server.js\"]\n")
    scripted = ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN bin/installDeps.sh && npm install -g pnpm\n"
                "CMD [\"node\", \"server.js\"]\n")
    for text in (linked, scripted):
        result = migrate(text)
        assert "npm prune" not in result.dockerfile
    [note] = [f.message for f in migrate(linked).findings if f.code == "MIG517"]
    assert "not pruned" in note


def test_docker_hubs_interpreter_path_in_a_command_becomes_the_name_on_path():
    text = ("FROM python:3.12\nRUN /usr/local/bin/python -m pip install -r req.txt && /usr/local/bin/mytool x\n"
            "COPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    result = migrate(text)
    assert "RUN python -m pip install -r req.txt && /usr/local/bin/mytool x" in result.dockerfile
    assert [f.line for f in result.findings if f.code == "MIG407"] == [2]


def test_a_copy_from_whose_words_are_not_its_text_is_left_alone():
    # found by the mutation test: shlex's last word ("app.dll"]) is not in the raw text
    text = ('FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nCOPY . .\nRUN dotnet publish -c Release -o /app/publish\n\n'
            'FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS final\nWORKDIR /app\nCOPY --from=build /app/publish . \\\n'
            'ENTRYPOINT ["dotnet", "app.dll"]')
    assert "COPY --from=build /app/publish ." in migrate(text).dockerfile


# --- paths the container runtime provides are not data directories (review 2, G2) ---------------------

def test_dev_shm_and_tmp_are_never_data_directories_to_make():
    text = ("FROM python:3.12-alpine\nRUN pip install gunicorn flask\nCOPY app.py /app.py\nVOLUME /tmp\n"
            "CMD [\"gunicorn\", \"--worker-tmp-dir\", \"/dev/shm\", \"--log-dir\", \"/var/log/app\", \"app:app\"]\n")
    result = migrate(text)
    assert "/dev/shm" not in result.dockerfile.split("RUN mkdir -p", 1)[-1].split("\n", 1)[0]
    assert "mkdir -p /var/log/app\n" in result.dockerfile  # a directory of the app's own still is made
    assert "--chown=65532:65532 /var/log/app /var/log/app" in result.dockerfile
    assert "/tmp /tmp" not in result.dockerfile and "MIG527" not in codes(result)


def test_a_package_list_in_a_run_variable_keeps_its_layout_when_translated() -> None:
    # the list of one name per continued line stays so (it became one long line when its names were translated)
    result = migrate('FROM python:3.12-slim\nRUN build_deps=" \\\n        build-essential \\\n        libpq-dev \\\n'
                     '        zlib1g-dev \\\n    " \\\n    && apt-get update && apt-get install -y $build_deps\n'
                     'CMD ["python", "app.py"]\n')
    assert ('RUN build_deps=" \\\n        build-base \\\n        postgresql-dev \\\n        zlib-dev \\\n    " \\\n'
            in result.dockerfile)
