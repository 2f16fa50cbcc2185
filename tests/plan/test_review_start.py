"""Defects an independent review found on the start/runtime side, one test per class, each with a
minimal reproduction of our own: what the user sees in the migrated file, its findings and its
runtime status.
"""

from __future__ import annotations

from migration_tools import codes, final_stage, messages, migrate, status

from migrator.api import migrate_text
from migrator.model import Options, Result, TagPolicy


def severity(result: Result, code: str) -> str:
    return next(f.severity.value for f in result.findings if f.code == code)


# --- class 13: image references -------------------------------------------------------------------

def test_registry_docker_com_is_docker_hub() -> None:
    # Rails' generated Dockerfiles name Docker Hub by this host
    result = migrate("ARG RUBY_VERSION=3.3.5\nFROM registry.docker.com/library/ruby:$RUBY_VERSION-slim\n"
                     "WORKDIR /rails\nCOPY . .\nRUN bundle install\nCMD [\"bundle\", \"exec\", \"puma\"]\n")
    assert "MIG202" not in codes(result)
    assert "FROM cgr.dev/chainguard/ruby:latest-dev AS builder" in result.dockerfile


def test_argument_default_naming_another_argument_expands() -> None:
    result = migrate("ARG RUST_VERSION=1.81\nARG BUILDER=rust:${RUST_VERSION}\nFROM ${BUILDER} AS build\n"
                     "WORKDIR /src\nCOPY . .\nRUN cargo build --release\nFROM debian:bookworm-slim\n"
                     "COPY --from=build /src/target/release/app /usr/local/bin/app\nENTRYPOINT [\"app\"]\n")
    assert "FROM cgr.dev/chainguard/rust:latest-dev AS build" in result.dockerfile
    assert any("resolved to rust:1.81" in m for m in messages(result, "MIG208"))
    assert "MIG202" not in codes(result) and status(result) == "ok"


# --- classes 13 and 14: a FROM that names a stage through platform arguments --------------------------

PLATFORM_CHILD = (
    "ARG RUNNER=debian:bookworm-slim\n"
    "FROM ${RUNNER} AS runner-linux-amd64\n"
    "RUN apt-get update && apt-get install -y ca-certificates\n"
    "FROM ${RUNNER} AS runner-linux-arm64\n"
    "RUN apt-get update && apt-get install -y ca-certificates\n"
    "FROM runner-${TARGETOS}-${TARGETARCH}\n"
    "RUN useradd -m -u 1000 app\n"
    "COPY server /usr/local/bin/server\n"
    "USER app\n"
    "ENTRYPOINT [\"/usr/local/bin/server\"]\n"
)


def test_platform_arguments_name_a_stage_and_the_child_is_migrated_with_its_parent() -> None:
    result = migrate(PLATFORM_CHILD)
    # the child runs on the migrated parent (wolfi-base): its useradd is translated, never left as it was
    assert "useradd" not in result.dockerfile and "adduser -D -u 1000 app" in result.dockerfile
    assert "MIG205" not in codes(result)
    (note,) = messages(result, "MIG212")
    assert "'runner-linux-amd64' on a linux/amd64 build" in note and "runner-linux-arm64" in note


def test_argument_without_default_that_names_stages_migrates_the_child_too() -> None:
    result = migrate("FROM debian:12 AS base-slim\nRUN apt-get update && apt-get install -y curl\n"
                     "FROM base-${VARIANT}\nRUN groupadd app\nCOPY app /app\nCMD [\"/app\"]\n")
    assert "groupadd" not in result.dockerfile and "addgroup" in result.dockerfile
    assert "VARIANT" in messages(result, "MIG212")[0]


def test_argument_alone_in_from_is_an_image_not_a_stage() -> None:
    result = migrate("FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\n"
                     "FROM ${IMAGE}\nCOPY --from=base /usr/bin/curl /curl\n")
    assert "MIG205" in codes(result) and "MIG212" not in codes(result)


# --- class 9: FROM scratch carries files unless it is the final stage ---------------------------------

def test_scratch_stage_that_carries_files_stays_scratch() -> None:
    result = migrate("FROM alpine:3.20 AS tools\nRUN mkdir /out && printf 'x' > /out/hello\n"
                     "FROM scratch AS bundle\nCOPY --from=tools /out/ /usr/local/bin/\n"
                     "FROM golang:1.22 AS build\nCOPY --from=bundle / /\nRUN CGO_ENABLED=0 go build -o /server .\n"
                     "FROM scratch\nCOPY --from=build /server /server\nENTRYPOINT [\"/server\"]\n")
    assert "FROM scratch AS bundle\n" in result.dockerfile
    assert result.dockerfile.rstrip().endswith('FROM cgr.dev/chainguard/static:latest\n'
                                               'COPY --from=build /server /server\nENTRYPOINT ["/server"]')


# --- class 1: start scripts that need bash ----------------------------------------------------------

def test_script_from_a_debian_image_gets_bash_on_wolfi_base() -> None:
    result = migrate("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n"
                     "COPY start.sh /usr/local/bin/start.sh\nENTRYPOINT [\"start.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache bash tzdata\n")
    assert severity(result, "MIG551") == "info" and "start.sh" in messages(result, "MIG551")[0]
    assert status(result) == "single-stage" and "MIG549" not in codes(result)


def test_script_from_an_alpine_image_keeps_busybox_sh() -> None:
    result = migrate("FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPY start.sh /start.sh\n"
                     "ENTRYPOINT [\"/start.sh\"]\n")
    assert "bash" not in result.dockerfile and "MIG551" not in codes(result)


def test_script_on_a_language_image_without_bash_moves_to_wolfi_base_with_bash() -> None:
    # node has busybox sh only; the Debian original had bash, which the unread script may need
    result = migrate("FROM node:20-bookworm\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "COPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"
                     "CMD [\"node\", \"server.js\"]\n")
    # and the full node image's curl, wget and git, which the unread script may use (review 3, R1)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache nodejs npm bash curl wget git\n")
    assert status(result) == "single-stage" and "MIG549" not in codes(result)
    assert "docker-entrypoint.sh" in messages(result, "MIG542")[0]


def test_shell_form_running_a_script_gets_bash_too() -> None:
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nCOPY start.sh /start.sh\n"
                     "ENTRYPOINT /start.sh\n")
    assert "RUN apk add --no-cache bash\n" in result.dockerfile and "MIG551" in codes(result)


def test_bash_installed_in_the_original_final_stage_means_the_script_needs_it() -> None:
    # alpine has no bash, but the stage installed it: the script needs it; jdk cannot install it, so the
    # stage stays on wolfi-base with its own bash, and Java from the stream the builder compiles for
    result = migrate("FROM maven:3-eclipse-temurin-21 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
                     "FROM eclipse-temurin:21-jre-alpine\nRUN apk add --no-cache bash curl\n"
                     "COPY --from=build /src/target/app.jar /app/app.jar\nCOPY run.sh /app/run.sh\n"
                     "ENTRYPOINT [\"/app/run.sh\"]\n")
    final = final_stage(result)
    assert final.startswith("cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache openjdk-26-default-jdk\n"
                            "RUN apk add --no-cache bash curl\n")
    assert status(result) == "single-stage" and "MIG549" not in codes(result)


# --- the build context on disk says what a script is ------------------------------------------------

def test_a_sh_script_in_the_build_context_needs_no_bash(tmp_path) -> None:
    (tmp_path / "start.sh").write_text("#!/bin/sh\nexec app\n")
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n"
    result = migrate_text(text, Options(context=tmp_path))
    assert "bash" not in result.dockerfile and "MIG551" not in codes(result)


def test_a_bash_script_in_the_build_context_needs_bash_whatever_the_image(tmp_path) -> None:
    (tmp_path / "start.sh").write_text("#!/usr/bin/env bash\nexec app\n")
    text = "FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n"
    result = migrate_text(text, Options(context=tmp_path))
    assert "RUN apk add --no-cache bash\n" in result.dockerfile
    assert "its first line says so" in messages(result, "MIG551")[0]


def test_the_dockerfile_directory_is_the_build_context(tmp_path) -> None:
    from migrator.api import migrate_path

    (tmp_path / "app").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64))
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nCOPY app /usr/local/bin/app\nENTRYPOINT [\"app\"]\n")
    result = migrate_path(tmp_path / "Dockerfile")
    assert result.stages[-1].image == "cgr.dev/chainguard/glibc-dynamic:latest" and status(result) == "ok"


# --- class 15: a file from the build context without an extension may be a script ---------------------

def test_extensionless_program_from_the_context_is_not_judged_a_binary() -> None:
    result = migrate("FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y supervisor\n"
                     "COPY start-container /usr/local/bin/start-container\n"
                     "RUN chmod +x /usr/local/bin/start-container\nENTRYPOINT [\"start-container\"]\n")
    assert status(result) != "ok"
    assert result.stages[-1].image == "cgr.dev/chainguard/wolfi-base:latest"
    assert "supervisor" in result.dockerfile and "bash" in result.dockerfile


def test_extensionless_program_built_in_a_builder_is_a_binary() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"
                     "FROM debian:12-slim\nCOPY --from=build /out/app /usr/local/bin/app\nENTRYPOINT [\"app\"]\n")
    assert status(result) == "ok" and result.stages[-1].image == "cgr.dev/chainguard/glibc-dynamic:latest"


def test_extensionless_program_on_scratch_was_a_binary() -> None:
    # scratch has no shell: whatever the file is, it ran without one
    result = migrate("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")
    assert status(result) == "ok" and result.stages[-1].image == "cgr.dev/chainguard/static:latest"


# --- class 8: what the original final stage installed reaches the runtime -------------------------

def test_wolfi_base_runtime_keeps_the_packages_in_one_stage() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi8/ubi-minimal\nRUN microdnf install tzdata -y\n"
                     "COPY run.sh app /opt/\nENTRYPOINT [\"/opt/run.sh\"]\n")
    assert len(result.stages) == 1 and "tzdata" in result.dockerfile
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")


def test_php_fpm_source_on_wolfi_base_installs_php_fpm() -> None:
    result = migrate("FROM php:8.2-fpm\nCOPY . /var/www/html\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n")
    assert "php-fpm" in result.dockerfile.split("\n", 2)[1]


# --- class 1: RUN steps that need bash in a wolfi-base builder ------------------------------------------

def test_builder_running_a_context_script_gets_bash() -> None:
    result = migrate("FROM ubuntu:22.04 AS fetch\nCOPY unpack.sh /unpack.sh\nRUN /unpack.sh\n"
                     "FROM gcr.io/distroless/base-debian12\nCOPY --from=fetch /out/server /server\n"
                     "ENTRYPOINT [\"/server\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS fetch\n"
                                        "RUN apk add --no-cache bash\n")
    assert "`/unpack.sh`" in messages(result, "MIG551")[0]


def test_shell_instruction_with_bash_gets_bash_before_it() -> None:
    result = migrate("FROM debian:12 AS build\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                     "RUN apt-get update && apt-get install -y curl && curl -fsSL https://x/y.tgz | tar xz\n"
                     "FROM scratch\nCOPY --from=build /y /y\nENTRYPOINT [\"/y\"]\n")
    head = result.dockerfile.split("\n")
    assert head[1] == "RUN apk add --no-cache bash" and head[2].startswith("SHELL")


def test_bash_the_translation_removed_is_not_installed() -> None:
    # NodeSource's `curl | bash` set-up is dropped (Wolfi has nodejs): nothing left needs bash
    result = migrate("FROM ubuntu:22.04 AS docs\nRUN apt-get update && apt-get install -y curl "
                     "&& curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs\n"
                     "WORKDIR /src\nCOPY . .\nRUN python3 -m venv .venv && .venv/bin/pip install -r req.txt\n"
                     "FROM nginx:1.27\nCOPY --from=docs /src/site /usr/share/nginx/html\n")
    assert "bash" not in result.dockerfile and "MIG551" not in codes(result)


def test_dev_builders_have_bash_already() -> None:
    result = migrate("FROM python:3.12 AS build\nCOPY build.sh /build.sh\nRUN /build.sh\n"
                     "FROM python:3.12-slim\nCOPY --from=build /out /out\nCMD [\"python\", \"/out/app.py\"]\n")
    assert "apk add --no-cache bash" not in result.dockerfile


def test_every_package_the_runtime_lacks_is_listed() -> None:
    result = migrate("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y tzdata fuse bash coreutils "
                     "curl jq gosu gcc\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"python\", \"app.py\"]\n")
    # (installed with a compiler: the build's tool set, named, not kept at run time; fix89 keeps them otherwise)
    (message,) = messages(result, "MIG514")
    for name in ("fuse", "bash", "coreutils", "curl", "jq"):
        assert name in message
    # python has tzdata; gosu is a wrapper the start command does not use; gcc is a compiler
    assert "tzdata" not in message and "gosu" not in message and "gcc" not in message


def test_a_library_package_the_jre_lacks_is_listed() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nRUN apt-get update && apt-get install -y fontconfig\n"
                     "COPY app.jar /app/app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]\n")
    assert "installed fontconfig, whose programs" in messages(result, "MIG238")[0]  # (fix89: kept on jre's -dev)


# --- class 3: HEALTHCHECK on a runtime without curl, wget or a shell -----------------------------------

def test_healthcheck_with_wget_on_node_uses_fetch() -> None:
    result = migrate("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                     "HEALTHCHECK --interval=30s CMD wget -q -O /dev/null http://localhost:3000/ || exit 1\n"
                     "CMD [\"node\", \"server.js\"]\n")
    runtime = final_stage(result)
    assert ('HEALTHCHECK --interval=30s CMD ["node", "-e", "fetch(\'http://127.0.0.1:3000/\').then('
            'r=>process.exit(r.status<400?0:1),()=>process.exit(1))"]') in runtime
    assert "MIG552" in codes(result) and "MIG510" not in codes(result)


def test_healthcheck_with_curl_on_python_uses_urllib() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "HEALTHCHECK CMD curl --fail http://localhost:8000/health\nCMD [\"python\", \"app.py\"]\n")
    assert ('HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('
            '\'http://localhost:8000/health\', timeout=10)"]') in final_stage(result)


def test_healthcheck_that_cannot_be_ported_is_removed_and_said_so() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n"
                     "FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPY --from=build /app /app\n"
                     "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\nENTRYPOINT [\"/app\"]\n")
    assert "HEALTHCHECK" not in final_stage(result)
    (message,) = messages(result, "MIG510")
    assert message.startswith("HEALTHCHECK removed from the runtime stage") and "`curl`" in message
    assert "a shell" in message and severity(result, "MIG510") == "warning"


def test_healthcheck_with_request_options_is_not_ported() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "HEALTHCHECK CMD curl -f -H 'X-Probe: 1' http://localhost:3000/ || exit 1\n"
                     "CMD [\"node\", \"server.js\"]\n")
    assert "MIG510" in codes(result) and "fetch(" not in result.dockerfile


def test_healthcheck_through_sh_c_in_exec_form_is_ported() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "HEALTHCHECK CMD [\"/bin/sh\", \"-c\", \"curl -fs http://localhost:3000/ping || exit 1\"]\n"
                     "CMD [\"node\", \"server.js\"]\n")
    assert "fetch('http://127.0.0.1:3000/ping')" in final_stage(result)


# --- class 6: major-version jumps that stop the start ------------------------------------------------

DOTNET6 = ("FROM mcr.microsoft.com/dotnet/sdk:6.0 AS build\nWORKDIR /src\nCOPY . .\n"
           "RUN dotnet publish -c Release -o /out{flags}\nFROM mcr.microsoft.com/dotnet/aspnet:6.0\nWORKDIR /app\n"
           "COPY --from=build /out .\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n")


def test_framework_dependent_dotnet6_rolls_forward_with_a_warning() -> None:
    result = migrate(DOTNET6.format(flags=""))
    assert "FROM cgr.dev/chainguard/aspnet-runtime:latest\nENV DOTNET_ROLL_FORWARD=Major\n" in result.dockerfile
    assert severity(result, "MIG554") == "warning" and ".NET 6" in messages(result, "MIG554")[0]


def test_self_contained_dotnet_needs_no_roll_forward() -> None:
    result = migrate(DOTNET6.format(flags=" --self-contained -r linux-x64"))
    assert "DOTNET_ROLL_FORWARD" not in result.dockerfile and "MIG554" not in codes(result)


def test_dotnet_roll_forward_in_a_split_runtime() -> None:
    result = migrate("FROM mcr.microsoft.com/dotnet/sdk:7.0\nWORKDIR /src\nCOPY . .\n"
                     "RUN dotnet publish -c Release -o /app\nENTRYPOINT [\"dotnet\", \"/app/Web.dll\"]\n")
    assert "ENV DOTNET_ROLL_FORWARD=Major" in final_stage(result)


def test_jvm_options_current_jvms_refuse_are_dropped() -> None:
    result = migrate("FROM maven:3-eclipse-temurin-8 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
                     "FROM eclipse-temurin:8-jre\nCOPY --from=build /src/target/app.jar /app.jar\n"
                     "CMD [\"java\", \"-XX:MaxPermSize=256m\", \"-XX:+UseCGroupMemoryLimitForHeap\", \"-Xmx512m\", "
                     "\"-jar\", \"/app.jar\"]\n")
    assert 'CMD ["java", "-Xmx512m", "-jar", "/app.jar"]' in final_stage(result)
    (message,) = messages(result, "MIG553")
    assert "-XX:MaxPermSize=256m" in message and "PermGen" in message and severity(result, "MIG553") == "warning"


# --- class 7: an app that ran as root runs as nonroot ---------------------------------------------------

def test_root_app_on_a_nonroot_runtime_is_warned_and_owns_its_workdir() -> None:
    result = migrate("FROM rust:1.80 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
                     "FROM debian:bookworm-slim\nWORKDIR /srv\nCOPY --from=build /src/target/release/db /srv/db\n"
                     "ENTRYPOINT [\"./db\", \"--data\", \"./data\"]\n")
    assert "COPY --chown=65532:65532 --from=build /src/target/release/db /srv/db" in final_stage(result)
    (message,) = messages(result, "MIG555")
    assert severity(result, "MIG555") == "warning" and "/srv" in message and "65532" in message


def test_data_directory_outside_the_workdir_is_made_in_a_builder() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM debian:12-slim\nCOPY --from=build /out/app /usr/local/bin/app\n"
                     "ENTRYPOINT [\"app\", \"--data-dir=/var/lib/app\"]\n")
    assert "RUN mkdir -p /var/lib/app" in result.dockerfile
    assert "COPY --from=builder --chown=65532:65532 /var/lib/app /var/lib/app" in final_stage(result)


def test_split_runtime_copies_the_workdir_owned_by_the_runtime_user() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"python\", \"app.py\", \"--upload-dir\", \"./uploads\"]\n")
    assert "COPY --from=builder --chown=65532:65532 /app /app" in final_stage(result)
    assert "RUN mkdir -p /app/uploads" in result.dockerfile and "MIG555" in codes(result)


def test_an_app_that_ran_as_nonroot_gets_no_root_warning() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "USER 1000\nCMD [\"python\", \"app.py\"]\n")
    assert "MIG555" not in codes(result)


# --- class 12: never copy a directory the stage removed or may not have made ----------------------------

def test_directory_made_and_removed_is_not_copied() -> None:
    result = migrate("FROM python:3.11-slim\nRUN mkdir -p /usr/src/tmpbuild && cd /usr/src/tmpbuild && echo x > f "
                     "&& cd / && rm -rf /usr/src/tmpbuild\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
                     "CMD [\"python\", \"/app/main.py\"]\n")
    assert "/usr/src/tmpbuild /usr/src/tmpbuild" not in result.dockerfile


def test_directory_made_only_in_a_condition_is_not_copied() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nRUN if [ -n \"$EXTRA\" ]; then mkdir -p /opt/extra; fi "
                     "&& mkdir -p /var/data\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"python\", \"app.py\"]\n")
    runtime = final_stage(result)
    # (made by a stage that ran as root: the app's own in the runtime, where it runs as uid 65532)
    assert "/opt/extra" not in runtime and "COPY --from=builder --chown=65532:65532 /var/data /var/data" in runtime


def test_copied_directory_the_stage_removes_is_not_copied() -> None:
    result = migrate("FROM python:3.12\nCOPY vendor /build\nRUN pip install /build && rm -rf /build\n"
                     "COPY app.py /app/app.py\nCMD [\"python\", \"/app/app.py\"]\n")
    assert "/build /build" not in final_stage(result)


# --- class 16: no command of its own on an image whose entrypoint is the interpreter ---------------------

def test_ruby_stage_without_a_command_resets_the_interpreter_entrypoint() -> None:
    result = migrate("FROM ruby:3.3-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
                     "FROM ruby:3.3-alpine\nCOPY --from=build /usr/local/bundle /usr/local/bundle\n"
                     "COPY --from=build /app /app\nWORKDIR /app\n")
    assert final_stage(result).endswith("WORKDIR /app\nENTRYPOINT []\n")
    assert severity(result, "MIG556") == "warning"
    # never `ruby --version` reported as the app: no command, like the original
    assert result.runtime is not None and result.runtime.argv == () and "no command of its own" in result.runtime.reason


def test_ruby_stage_without_a_command_runs_where_bundle_exec_can_start() -> None:
    # review 4, chatwoot: the command comes at `docker run` (`bundle exec rails s`); the distroless ruby image has
    # neither a shell nor bundler, so it could not start it and only a warning said so: ruby's -dev image has both
    for final in ("FROM ruby:3.3-alpine\n", "FROM ruby:3.3-alpine\nENTRYPOINT []\n"):
        result = migrate("FROM ruby:3.3-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN bundle install\n" + final
                         + "COPY --from=build /usr/local/bundle /usr/local/bundle\nCOPY --from=build /app /app\n")
        runtime = final_stage(result)
        assert runtime.startswith("cgr.dev/chainguard/ruby:latest-dev\n") and "ENTRYPOINT []" in runtime
        assert "GEM_HOME=/usr/local/bundle" in runtime  # bundle exec finds the gems the builder installed
        assert status(result) == "shell-kept"
        (kept,) = messages(result, "MIG541")
        assert "bundle exec" in kept and severity(result, "MIG541") == "warning"
        assert "MIG540" not in codes(result)
    # with --tag-policy keep, the -dev image of the version kept (ruby:3.3-dev), not latest-dev
    kept = migrate("FROM ruby:3.3-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN bundle install\nFROM ruby:3.3-alpine\n"
                   "COPY --from=build /usr/local/bundle /usr/local/bundle\n",
                   Options(tag_policy=TagPolicy.KEEP))
    assert final_stage(kept).startswith("cgr.dev/chainguard/ruby:3.3-dev\n") and status(kept) == "shell-kept"
    # a stage already on the distroless ruby, written by hand, is left as it is, with the warning
    by_hand = migrate("FROM cgr.dev/chainguard/ruby:latest-dev AS b\nRUN bundle install\n"
                      "FROM cgr.dev/chainguard/ruby:latest\nCOPY --from=b /usr/lib/ruby/gems /usr/lib/ruby/gems\n"
                      "ENTRYPOINT []\n")
    assert not by_hand.changed and status(by_hand) == "ok" and "MIG540" not in codes(by_hand)
    (note,) = messages(by_hand, "MIG556")
    assert "no shell and no bundle" in note and severity(by_hand, "MIG556") == "warning"
    # a command of its own that needs neither keeps the distroless image
    own = migrate("FROM ruby:3.3-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN bundle install\nFROM ruby:3.3-alpine\n"
                  "COPY --from=build /usr/local/bundle /usr/local/bundle\nCOPY --from=build /app /app\n"
                  "CMD [\"ruby\", \"/app/app.rb\"]\n")
    assert final_stage(own).startswith("cgr.dev/chainguard/ruby:latest\n") and status(own) == "ok"


def test_a_stage_with_its_own_command_keeps_it() -> None:
    result = migrate("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n")
    assert "MIG556" not in codes(result) and status(result) == "ok"


# --- class 17: texts that say what happens in this output ----------------------------------------------

def test_single_stage_output_does_not_claim_a_runtime_copies_the_venv() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "ENTRYPOINT [\"./entrypoint.sh\"]\n")
    assert len(result.stages) == 1
    (message,) = messages(result, "MIG515")
    assert "runtime" not in message and "/opt/venv" in message


def test_single_stage_program_no_package_is_known_to_install_is_not_credited_to_one() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y curl jq\nCOPY app.conf /etc/app.conf\n"
                     "ENTRYPOINT [\"supervisord\"]\n")
    (message,) = messages(result, "MIG542")
    assert "expected from what the stage installs" not in message and "check that one of them provides it" in message


# --- lesser: shipped targets before the last stage, nginx start-up, dotnet run --------------------------

def test_a_stage_that_is_an_image_of_its_own_is_said_to_be() -> None:
    result = migrate("FROM node:20 AS ui\nWORKDIR /ui\nCOPY ui .\nRUN npm ci && npm run build\n"
                     "FROM nginx:1.27 AS web\nCOPY --from=ui /ui/dist /usr/share/nginx/html\nEXPOSE 80\n"
                     "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n"
                     "FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    (message,) = messages(result, "MIG557")
    assert "'web'" in message and "--target web" in message and "nginx:latest-dev" in message
    assert severity(result, "MIG557") == "warning"


def test_nginx_templates_are_a_warning() -> None:
    result = migrate("FROM nginx:1.27-alpine\nCOPY default.conf.template /etc/nginx/templates/\n"
                     "ENV NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx/conf.d\n")
    assert severity(result, "MIG213") == "warning" and "envsubst templates" in messages(result, "MIG213")[0]


def test_dotnet_run_keeps_the_sdk_as_the_runtime_with_a_warning() -> None:
    result = migrate("FROM mcr.microsoft.com/dotnet/sdk:10.0\nWORKDIR /app\nCOPY . .\nRUN dotnet restore\n"
                     "CMD dotnet run --project src/Web/Web.csproj\n")
    assert result.stages[-1].image == "cgr.dev/chainguard/dotnet-sdk:latest"
    assert severity(result, "MIG558") == "warning" and status(result) == "ok"


def test_jvm_options_in_the_environment_are_dropped_too() -> None:
    result = migrate("FROM maven:3-eclipse-temurin-8 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
                     "FROM eclipse-temurin:8-jre\nENV JAVA_TOOL_OPTIONS=\"-Xmx512m -XX:MaxPermSize=256m\"\n"
                     "COPY --from=build /src/target/app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n")
    assert 'ENV JAVA_TOOL_OPTIONS="-Xmx512m"\n' in final_stage(result)
    assert "the JVM options ENV" in messages(result, "MIG553")[0]


# --- bash for an unreadable script from an image with bash, in every layout (review 2, class 6) --------

def test_chmod_on_a_copied_script_does_not_hide_that_it_needs_bash() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /opt/app\nCOPY . /opt/app\nRUN pip install -r requirements.txt\n"
                     "RUN chmod +x /opt/app/docker-entrypoint.sh\nENTRYPOINT [\"/opt/app/docker-entrypoint.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3 py3-pip bash tzdata\n")
    assert "MIG551" in codes(result)


def test_a_program_from_a_copied_directory_on_the_path_gets_bash() -> None:
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y openvpn\n"
                     "COPY ./bin /usr/local/sbin\nENTRYPOINT [\"ovpn_run\"]\n")
    assert "apk add --no-cache bash" in result.dockerfile and status(result) == "single-stage"
    assert "/usr/local/sbin" in messages(result, "MIG551")[0]


def test_a_package_named_like_the_script_does_not_provide_it() -> None:
    result = migrate("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y samba\n"
                     "COPY samba.sh /usr/bin/\nENTRYPOINT [\"samba.sh\"]\n")
    assert "apk add --no-cache bash" in result.dockerfile and "samba.sh" in messages(result, "MIG551")[0]


def test_a_program_from_a_copied_directory_on_an_alpine_image_needs_no_bash() -> None:
    result = migrate("FROM alpine:3.20\nRUN apk add --no-cache openvpn\nCOPY ./bin /usr/local/sbin\n"
                     "ENTRYPOINT [\"ovpn_run\"]\n")
    assert "bash" not in result.dockerfile and "MIG551" not in codes(result)


def test_a_binary_copied_into_a_path_directory_by_the_parent_stage_is_found() -> None:
    # lemmy: the final stage is FROM a stage that copies the server into /usr/local/bin (no trailing slash)
    result = migrate("FROM rust:1.81 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
                     "FROM debian:bookworm-slim AS runner\nRUN apt-get update && apt-get install -y libpq5\n"
                     "COPY --from=build /src/target/release/lemmy_server /usr/local/bin\n"
                     "FROM runner\nRUN useradd lemmy\nUSER lemmy\nCMD [\"lemmy_server\"]\n")
    assert result.runtime is not None and "lemmy_server` found" in result.runtime.reason
    assert not any("no COPY names it" in f.message for f in result.findings)


# --- a root filesystem is a base image, not an app (review 2, class 10) ---------------------------------

def test_a_root_filesystem_assembled_on_scratch_is_refused_with_the_stages_that_build_it() -> None:
    text = ("FROM alpine:3.20 AS rootfs\nRUN apk --root /out --initdb add alpine-baselayout busybox\n"
            "FROM scratch\nCOPY --from=rootfs /out/ /\nRUN apk add --no-cache bash && adduser -D abc\n"
            "ENTRYPOINT [\"/init\"]\n")
    result = migrate(text)
    assert result.dockerfile == text and not result.changed
    errors = [f for f in result.findings if f.code == "MIG203"]
    assert [f.line for f in errors] == [1, 3] and all(f.severity.value == "error" for f in errors)
    assert "root filesystem" in errors[1].message and "base image" in errors[1].message


def test_files_copied_to_the_root_of_scratch_without_run_still_migrate() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM scratch\nCOPY --from=build /out/ /\nENTRYPOINT [\"/app\"]\n")
    assert "MIG203" not in codes(result) and result.stages[-1].image.startswith("cgr.dev/chainguard/static")


def test_a_user_of_the_language_image_is_created_when_the_stage_moves_to_wolfi_base() -> None:
    # node's image has user node (uid 1000); wolfi-base does not: USER node would fail at the next RUN
    result = migrate("FROM node:20\nCOPY docker-entrypoint.sh /usr/local/bin/\nUSER node\nWORKDIR /home/node/app\n"
                     "COPY --chown=node:node . .\nRUN npm ci\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"
                     "CMD [\"node\", \"index.js\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache nodejs npm bash curl wget git\n"
                                        "RUN adduser -D -u 1000 node\n")  # curl...: node:20 had them (R1)
    assert "MIG562" in codes(result) and "MIG534" not in codes(result)
    again = migrate(result.dockerfile)
    assert again.dockerfile == result.dockerfile  # idempotent: the user is created once


# --- files of the original final stage in a split runtime (review 2, class 5) --------------------------

def test_files_the_app_owns_outside_its_directories_are_carried_into_the_runtime() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM alpine:3.20\nCOPY --from=build /out/app /app/app\n"
                     "COPY defaults.json /tmp/config/defaults.json\nRUN touch /.in-container\n"
                     "ENTRYPOINT [\"/app/app\"]\n")
    final = final_stage(result)
    assert "COPY --from=builder /tmp/config/defaults.json /tmp/config/defaults.json\n" in final
    assert "COPY --from=builder /.in-container /.in-container\n" in final
    assert "MIG561" not in codes(result)


def test_build_inputs_in_tmp_stay_behind_and_what_is_not_carried_is_named() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM alpine:3.20\nCOPY --from=build /out/app /app/app\nCOPY seed.sql /tmp/seed.sql\n"
                     "COPY app.conf /run/app/app.conf\nRUN cat /tmp/seed.sql > /dev/null\nENTRYPOINT [\"/app/app\"]\n")
    assert "/tmp/seed.sql" not in final_stage(result)  # read by the stage's own RUN: a build input
    [lost] = messages(result, "MIG561")
    assert "/run/app/app.conf" in lost and "/tmp/seed.sql" not in lost


# --- start texts (review 2, class 2) --------------------------------------------------------------------

def test_a_shell_running_a_script_on_a_shell_less_image_says_to_port_the_script() -> None:
    from migrator.parse import parse
    from migrator.plan.buildcontext import BuildContext
    from migrator.rules import load_rules
    from migrator.validate.startable import check_start

    output = parse("FROM cgr.dev/chainguard/aspnet-runtime:latest\nCOPY entrypoint.sh /entrypoint.sh\n"
                   "ENTRYPOINT [\"/bin/bash\", \"/entrypoint.sh\"]\n")
    report, _ = check_start(output, load_rules(), "cgr.dev/chainguard", True, "bash", BuildContext(None))
    assert report is not None and report.status == "broken"
    assert "`/entrypoint.sh` is a script: port what it does" in report.reason and "exec form" not in report.reason


def test_a_chain_whose_build_fails_anyway_still_gets_a_runtime_that_starts() -> None:
    # the COPY of a Docker Hub-only path fails the build whatever the runtime: the shell the script needs is
    # still chosen, and the error is the build's (MIG543), not a shell the runtime lacks
    # (a stage with a RUN of its own is migrated: one that is only FROM stays on nginx, MIG215)
    result = migrate("FROM nginx:1.27 AS nginx-image\nRUN rm /etc/nginx/conf.d/default.conf\n"
                     "FROM php:8.3-fpm AS base\nFROM base AS shared\n"
                     "COPY --from=nginx-image /docker-entrypoint.d /docker-entrypoint.d\n"
                     "COPY entrypoint.sh /docker/entrypoint.sh\nENTRYPOINT [\"/docker/entrypoint.sh\"]\n"
                     "FROM shared AS app\nCMD [\"php\", \"artisan\", \"serve\"]\n")
    assert result.runtime is not None and result.runtime.image.endswith("-dev")
    assert "MIG543" in codes(result) and not {"MIG505", "MIG507"} & set(codes(result))


def test_a_python_health_check_script_runs_with_python_instead_of_being_removed() -> None:
    # healthchecks: the script is in the image; only its `#!/usr/bin/env python` line cannot run on python
    result = migrate("FROM python:3.12-slim\nWORKDIR /opt/healthchecks\nCOPY . /opt/healthchecks/\n"
                     "RUN pip install -r requirements.txt\nHEALTHCHECK --interval=30s CMD /opt/healthchecks/fetchstatus.py\n"
                     "CMD [\"uwsgi\", \"uwsgi.ini\"]\n")
    assert 'HEALTHCHECK --interval=30s CMD ["python", "/opt/healthchecks/fetchstatus.py"]\n' in final_stage(result)
    assert "MIG510" not in codes(result) and "MIG552" in codes(result)
    tail = migrate("FROM python:3.12-slim\nCOPY . /app\nHEALTHCHECK CMD /app/check.py || exit 1\n"
                   "CMD [\"python\", \"/app/main.py\"]\n")
    assert 'HEALTHCHECK CMD ["python", "/app/check.py"]\n' in final_stage(tail)
    # shell syntax is not a script to port
    other = migrate("FROM python:3.12-slim\nCOPY . /app\nHEALTHCHECK CMD /app/check.py && touch /tmp/ok\n"
                    "CMD [\"python\", \"/app/main.py\"]\n")
    assert "MIG510" in codes(other)


def test_a_user_whose_uid_wolfi_uses_is_created_with_a_free_one() -> None:
    # php's www-data is uid 33, which is xfs on Wolfi: adduser -u 33 would fail the build
    result = migrate("FROM php:8.3-cli\nCOPY . /var/www\nUSER www-data\nENTRYPOINT [\"/var/www/start.sh\"]\n")
    assert "RUN adduser -D www-data\n" in result.dockerfile and "-u 33" not in result.dockerfile


RUBY_DEV_RUNTIME = """\
FROM ruby:3.3-alpine AS b
WORKDIR /app
COPY . .
RUN gem install rails
FROM ruby:3.3-alpine
RUN apk add --no-cache postgresql-client
WORKDIR /app
COPY --from=b /app /app
COPY --from=b /usr/local/bundle /usr/local/bundle
"""


def test_a_dev_runtime_installs_the_final_stages_packages_itself() -> None:
    """review 5, R5-3: the runtime on ruby:latest-dev (apk) lost postgresql-client, and MIG514 said the ruby
    runtime had no package manager."""
    result = migrate(RUBY_DEV_RUNTIME)
    runtime = result.dockerfile[result.dockerfile.index("# Runtime stage"):]
    assert runtime.startswith("# Runtime stage on ruby (its -dev image")
    assert "USER root\nRUN apk add --no-cache postgresql-client\nUSER 65532\n" in runtime
    assert "MIG514" not in codes(result) and "MIG569" in codes(result)


def test_gems_copied_into_usr_local_bundle_stay_on_the_gem_path_in_builder_and_runtime() -> None:
    """review 5, R5-3: the runtime copied /usr/local/bundle without the GEM_HOME Docker Hub's ruby set."""
    result = migrate_text(RUBY_DEV_RUNTIME)
    env = 'ENV GEM_HOME=/usr/local/bundle BUNDLE_APP_CONFIG=/usr/local/bundle PATH="/usr/local/bundle/bin:$PATH"\n'
    builder = result.dockerfile[result.dockerfile.index(" AS builder\n"):result.dockerfile.index("# Runtime stage")]
    runtime = result.dockerfile[result.dockerfile.index("# Runtime stage"):]
    assert env in builder and env in runtime


def test_a_runtime_that_starts_on_the_distroless_image_keeps_the_programs_too() -> None:
    """fix89 (review 21 S21-2): postgresql-client, which no RUN step runs, is the app's: the -dev runtime installs
    it even where the command would start on the distroless image (it said W MIG514 and dropped it)."""
    result = migrate_text(RUBY_DEV_RUNTIME + 'CMD ["ruby", "app.rb"]\n')
    runtime = result.dockerfile[result.dockerfile.index("# Runtime stage"):]
    assert "RUN apk add --no-cache postgresql-client\n" in runtime and "FROM cgr.dev/chainguard/ruby:latest-dev\n" in runtime
    assert "MIG238" in {f.code for f in result.findings} and "MIG514" not in {f.code for f in result.findings}
