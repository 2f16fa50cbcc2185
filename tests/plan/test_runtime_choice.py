"""The runtime is chosen from what the final stage's command needs; the output is checked to start.

One test per rule (and per defect found on real Dockerfiles), from the user's side: the migrated
file, its runtime status and the finding that explains it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate, status

from migrator.api import migrate_text
from migrator.model import Options

# --- the language image, whatever the base was ------------------------------------------------------

def test_node_from_alpine_packages_runs_on_the_node_image() -> None:
    result = migrate("FROM node:20-alpine AS builder\nWORKDIR /usr/src/app\nCOPY package*.json ./\n"
                     "RUN npm install --only=production\nFROM alpine:3.20\nRUN apk add --no-cache nodejs\n"
                     "WORKDIR /usr/src/app\nCOPY --from=builder /usr/src/app/node_modules ./node_modules\n"
                     "COPY . .\nENTRYPOINT [ \"node\", \"server.js\" ]\n")
    assert result.stages[-1].image == "cgr.dev/chainguard/node:latest"
    assert "FROM cgr.dev/chainguard/node:latest-dev AS builder-2" in result.dockerfile
    assert status(result) == "ok" and "MIG546" in codes(result)


def test_python_from_debian_packages_builds_on_python_dev_and_runs_on_python() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y python3 python3-pip python3-venv\n"
                     "WORKDIR /app\nCOPY . .\nRUN pip3 install -r requirements.txt\nCMD [\"python3\", \"app.py\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/python:latest-dev AS builder\n")
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime and 'CMD ["python3", "app.py"]' in runtime
    assert status(result) == "ok"


def test_java_inside_sh_c_on_a_distro_runs_on_a_java_image_with_a_shell() -> None:
    result = migrate("FROM alpine:3.20\nRUN apk add --no-cache openjdk17-jre\nWORKDIR /app\nCOPY app.jar .\n"
                     "CMD [\"/bin/sh\", \"-c\", \"exec java $JAVA_OPTS -jar app.jar | tee log\"]\n")
    assert result.stages[-1].image == "cgr.dev/chainguard/jdk:latest"
    assert status(result) == "shell-kept" and "MIG541" in codes(result)


# --- a shell, where the command truly needs one ------------------------------------------------------

def test_binary_started_by_a_script_gets_wolfi_base_and_a_warning() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM alpine:3.20\nCOPY --from=build /out/app /usr/local/bin/app\nCOPY entrypoint.sh /\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"app\"]\n")
    assert result.stages[-1].image == "cgr.dev/chainguard/wolfi-base:latest"
    assert status(result) == "shell-kept"
    warning = next(f for f in result.findings if f.code == "MIG541")
    assert warning.severity.value == "warning" and "/entrypoint.sh" in warning.message and warning.line == 8
    assert "COPY entrypoint.sh /\n" in final_stage(result)  # no RUN: the stage keeps its own COPY lines


def test_script_with_run_time_packages_stays_one_stage() -> None:
    result = migrate("FROM alpine:3.20\nRUN apk add --no-cache bash curl jq su-exec\nCOPY start.sh /start.sh\n"
                     "ENTRYPOINT [\"/start.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert "\nFROM " not in result.dockerfile and status(result) == "single-stage"
    assert "RUN apk add --no-cache bash curl jq su-exec" in result.dockerfile


def test_jre_with_a_start_script_moves_to_java_and_bash_on_wolfi_base() -> None:
    result = migrate("FROM eclipse-temurin:21-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ./gradlew installDist\n"
                     "FROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY --from=build /app .\n"
                     "ENTRYPOINT [\"/app/build/install/svc/bin/svc\"]\n")
    # the script is made in the builder (unread) for an Ubuntu image with bash: wolfi-base with Java and bash,
    # Java the stream the builder (jdk:latest-dev) compiles for, not the 21 both sources pinned
    assert result.stages[-1].image == "cgr.dev/chainguard/wolfi-base:latest" and status(result) == "single-stage"
    assert "RUN apk add --no-cache openjdk-26-default-jdk bash\n" in result.dockerfile


def test_nonroot_user_stays_nonroot_on_a_root_image() -> None:
    result = migrate("FROM alpine:3.20\nCOPY --from=app:1 /app /app\nCOPY run.sh /run.sh\nUSER 1000\n"
                     "ENTRYPOINT [\"/run.sh\"]\n")
    assert result.stages[-1].image.endswith("/wolfi-base:latest")
    assert "\nUSER 65532\n" in final_stage(result)


# --- one stage on wolfi-base ------------------------------------------------------------------------------

def test_base_image_without_a_command_stays_one_stage() -> None:
    text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl jq\n"
    result = migrate(text)
    assert result.dockerfile == "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache curl jq\n"
    assert status(result) == "single-stage"
    assert next(f for f in result.findings if f.code == "MIG542").severity.value == "warning"
    org = migrate(text, Options(registry="cgr.dev/acme"))
    assert org.dockerfile.startswith("FROM cgr.dev/acme/chainguard-base:latest\n")


def test_program_from_os_packages_stays_one_stage() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y supervisor\n"
                     "COPY supervisord.conf /etc/supervisor/\nCMD [\"supervisord\", \"-n\"]\n")
    assert status(result) == "single-stage" and len(result.stages) == 1


def test_python_script_with_no_shell_image_stays_one_stage_with_python_from_apk() -> None:
    # python:3.12 is Debian: it had bash, which the script (unread) may need (MIG551)
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "ENTRYPOINT [\"./entrypoint.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3 py3-pip bash build-base python-3-dev curl wget git tzdata\n")  # python:3.12 had them
    assert status(result) == "single-stage" and "MIG551" in {f.code for f in result.findings}


def test_python_script_in_a_stage_chain_stays_on_the_dev_image_of_its_parent() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCOPY entrypoint.sh /\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\n")
    assert status(result) == "shell-kept" and result.runtime is not None
    assert result.runtime.image == "cgr.dev/chainguard/python:latest-dev"
    assert ("\nFROM base\nCOPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n"
            "COPY entrypoint.sh /\n") in result.dockerfile  # no split: the script needs the shell
    warning = next(f for f in result.findings if f.code == "MIG541")
    assert warning.severity.value == "warning" and warning.line == 5 and "python:latest" in warning.message


# --- mechanical ports ------------------------------------------------------------------------------

def test_yarn_script_runs_with_npm(tmp_path: Path) -> None:
    # (package.json in the build context says `serve` is a script; without it, see test_fix19_yarn_binaries)
    (tmp_path / "package.json").write_text('{"scripts": {"serve": "vue-cli-service serve"}}')
    result = migrate("FROM node:14-alpine\nWORKDIR /project\nCOPY . .\nRUN yarn install\nCMD [\"yarn\", \"run\", \"serve\"]\n",
                     Options(context=tmp_path))
    assert 'CMD ["npm", "run", "serve"]' in final_stage(result) and status(result) == "ok"
    assert "MIG545" in codes(result)


def test_uv_run_starts_the_program_from_the_virtualenv() -> None:
    result = migrate("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\nWORKDIR /app\nCOPY . /app\n"
                     "RUN uv sync --locked\nENV PATH=\"/app/.venv/bin:$PATH\"\n"
                     "CMD [\"uv\", \"run\", \"fastapi\", \"run\", \"app\"]\n")
    assert result.stages[-1].image == "cgr.dev/chainguard/python:latest"
    assert 'CMD ["fastapi", "run", "app"]' in final_stage(result) and status(result) == "ok"


def test_uv_sync_virtualenv_outside_the_workdir_is_copied() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app/\nENV PATH=\"/app/.venv/bin:$PATH\"\nRUN uv sync --frozen\n"
                     "COPY ./backend /app/backend\nWORKDIR /app/backend/\nCMD [\"fastapi\", \"run\"]\n")
    assert "COPY --from=builder /app/.venv /app/.venv" in final_stage(result) and status(result) == "ok"


def test_bundle_exec_gets_bundler_into_the_runtime() -> None:
    result = migrate("FROM ruby:3.3-alpine AS base\nWORKDIR /app\nFROM base AS build\nCOPY . .\n"
                     "RUN bundle config set --local path vendor && bundle install\n"
                     "FROM base\nCOPY --from=build /app /app\nRUN mkdir -p tmp/pids\nENTRYPOINT [\"bundle\", \"exec\"]\n"
                     "CMD [\"rails\", \"server\"]\n")
    assert "RUN gem install bundler --no-document" in result.dockerfile
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle" in runtime and status(result) == "ok"


def test_rails_binstub_starts_through_ruby() -> None:
    result = migrate("FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
                     "CMD [\"/app/bin/rails\", \"server\"]\n")
    assert 'CMD ["ruby", "/app/bin/rails", "server"]' in final_stage(result) and status(result) == "ok"


@pytest.mark.parametrize("script", ["./manage.py", "/app/tools/run.py"])
def test_a_python_script_started_by_its_path_starts_through_python(script: str) -> None:
    # a `#!/usr/bin/env python` line cannot run on the python image, which has no /usr/bin/env
    result = migrate(f"FROM python:3.12-slim\nWORKDIR /app\nRUN pip install django\nCOPY . .\n"
                     f"CMD [\"{script}\", \"runserver\"]\n")
    assert f'CMD ["python", "{script}", "runserver"]' in final_stage(result) and status(result) == "ok"


def test_a_script_started_by_its_bare_name_is_left_to_the_path() -> None:
    result = migrate("FROM python:3.12-slim\nRUN pip install django\nCOPY app.py /usr/local/bin/app.py\n"
                     "CMD [\"app.py\"]\n")
    assert 'CMD ["app.py"]' in final_stage(result)  # (found on PATH, not in the WORKDIR: python app.py would not)


def test_distroless_java_entrypoint_keeps_dash_jar() -> None:
    result = migrate("FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN jar cf main.jar x\n"
                     "FROM gcr.io/distroless/java17-debian12\nCOPY --from=build /app /app\nWORKDIR /app\n"
                     "CMD [\"main.jar\"]\n")
    assert 'ENTRYPOINT ["/usr/bin/java", "-jar"]\nCMD ["main.jar"]' in final_stage(result)
    assert status(result) == "ok"


def test_php_apache_default_start_moves_to_php_fpm() -> None:
    result = migrate("FROM php:8.2-apache\nRUN docker-php-ext-install pdo_mysql\nCOPY . /var/www/html/\nEXPOSE 80\n")
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/php:latest-fpm\n") and "EXPOSE 9000" in runtime
    assert "CMD" not in runtime and status(result) == "ok"
    # the service changes from HTTP on 80 to FastCGI on 9000: a warning, as the user must put nginx in front
    assert any(f.code == "MIG565" and f.severity.value == "warning" and "nginx" in f.message for f in result.findings)


# --- refused plainly ------------------------------------------------------------------------------

def test_configured_apache_mod_php_is_refused() -> None:
    text = "FROM php:8.2-apache\nRUN a2enmod rewrite\nCOPY . /var/www/html/\n"
    result = migrate(text)
    assert not result.changed and result.runtime is None
    assert any(f.code == "MIG203" and "php:8.2-apache" in f.message and f.severity.value == "error"
               for f in result.findings)


def test_webassembly_and_systemd_images_are_refused() -> None:
    for text, word in (("FROM scratch\nCOPY app.wasm /app.wasm\nENTRYPOINT [\"/app.wasm\"]\n", "WebAssembly"),
                       ("FROM --platform=wasi/wasm scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", "WebAssembly"),
                       ("FROM ubuntu:22.04\nRUN apt-get install -y systemd\nCMD [\"/sbin/init\"]\n", "systemd")):
        result = migrate(text)
        assert not result.changed, text
        assert any(f.code == "MIG203" and word in f.message for f in result.findings), text


# --- what the runtime stage keeps ---------------------------------------------------------------------

def test_environment_of_parent_stages_reaches_the_runtime() -> None:
    result = migrate("FROM ruby:3.3 AS base\nENV RAILS_ENV=production BUNDLE_WITHOUT=development\n"
                     "ENV LD_PRELOAD=libjemalloc.so.2\nFROM base\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
                     "CMD [\"ruby\", \"app.rb\"]\n")
    runtime = final_stage(result)
    assert "ENV RAILS_ENV=production BUNDLE_WITHOUT=development" in runtime
    assert "ENV LD_PRELOAD=libjemalloc.so.2" in runtime


def test_entrypoint_of_a_parent_stage_reaches_the_runtime() -> None:
    result = migrate("FROM node:20 AS base\nWORKDIR /app\nENTRYPOINT [\"/usr/bin/dumb-init\", \"--\"]\n"
                     "FROM base\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n")
    assert 'ENTRYPOINT ["/usr/bin/dumb-init", "--"]\nCMD ["node", "server.js"]' in final_stage(result)


def test_every_file_the_final_stage_received_is_copied() -> None:
    result = migrate("FROM rust:1.80 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n"
                     "FROM debian:12-slim\nRUN apt-get update && apt-get install -y ca-certificates libpq5\n"
                     "COPY docker/healthcheck.sh docker/start.sh /\nCOPY --from=build /app/target/release/srv .\n"
                     "COPY config/ /etc/srv/\nHEALTHCHECK CMD [\"/healthcheck.sh\"]\nCMD [\"/srv\"]\n")
    runtime = final_stage(result)
    for path in ("/healthcheck.sh", "/start.sh", "/etc/srv"):
        assert f" {path} {path}\n" in runtime, path
    assert "COPY --from=build /app/target/release/srv /\n" in runtime  # into / unnamed: repeated
    assert status(result) == "ok"


def test_compiled_runtime_gets_configuration_but_not_sources() -> None:
    result = migrate("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app/server .\n"
                     "COPY config.yaml /etc/app/config.yaml\nCMD [\"/app/server\"]\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /etc/app/config.yaml /etc/app/config.yaml" in runtime
    assert "COPY --from=builder /src" not in runtime


# --- the working directory the original relied on ---------------------------------------------------------

def test_jre_stage_relying_on_root_workdir_keeps_it() -> None:
    result = migrate("FROM eclipse-temurin:17-jre\nCOPY target/dependency app/lib\nCOPY target/classes app\n"
                     "ENTRYPOINT [\"java\", \"-cp\", \"app:app/lib/*\", \"hello.Application\"]\n")
    assert "\nWORKDIR /\n" in result.dockerfile and "MIG544" in codes(result)


@pytest.mark.parametrize("command", ['ENTRYPOINT ["java","-cp","app:app/lib/*","hello.Application"]',
                                     'CMD ["java","-jar","opt/app.jar"]',
                                     'CMD java -Dlogging.config=conf/logback.xml -jar /opt/app.jar'])
def test_final_stage_with_only_absolute_copies_keeps_root_for_its_relative_start_arguments(command: str) -> None:
    # adversary round 8 E5: only the first two words were read, so the class path (a third word, with `:`) or
    # `-jar opt/app.jar` resolved against jre's WORKDIR /app
    source = ("FROM eclipse-temurin:21-jdk-alpine AS builder\nWORKDIR /workspace/app\nCOPY . .\n"
              "RUN ./gradlew bootJar --no-daemon\n\nFROM eclipse-temurin:21-jre-alpine\nVOLUME /tmp\n"
              "COPY --from=builder /workspace/app/build/dependency/BOOT-INF/lib /app/lib\n"
              "COPY --from=builder /workspace/app/build/libs/app.jar /opt/app.jar\n" + command + "\n")
    result = migrate(source)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/jre:latest\nWORKDIR /\n")
    assert any(f.code == "MIG544" and "jre starts in /app" in f.message for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_any_image_whose_workdir_differs_keeps_root_for_relative_start_arguments() -> None:
    # ruby's Chainguard WORKDIR is /work: the rule reads the image model, not a list of images
    result = migrate("FROM ruby:3.3-slim\nCOPY . /srv/app\n"
                     "CMD [\"ruby\", \"-I\", \"srv/app/lib\", \"srv/app/bin/server.rb\"]\n")
    assert final_stage(result).startswith("cgr.dev/chainguard/ruby:latest\nWORKDIR /\n")
    assert any(f.code == "MIG544" and "ruby starts in /work" in f.message for f in result.findings)


def test_final_stage_with_absolute_start_arguments_gets_no_workdir() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nCOPY app.jar /opt/app.jar\n"
                     "CMD [\"java\", \"-Dserver.port=8080\", \"-jar\", \"/opt/app.jar\"]\n")
    assert "WORKDIR" not in result.dockerfile and "MIG544" not in codes(result)


def test_cargo_build_without_workdir_keeps_root_and_its_target() -> None:
    result = migrate("FROM rust:1.80 AS build\nCOPY . .\nRUN cargo build --release\n"
                     "FROM gcr.io/distroless/cc\nCOPY --from=build /target/release/app /app\nCMD [\"/app\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/rust:latest-dev AS build\nWORKDIR /\n")
    assert "MIG543" not in codes(result)


def test_golang_stage_relying_on_go_workdir() -> None:
    result = migrate("FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o app .\n"
                     "FROM gcr.io/distroless/static\nCOPY --from=build /go/app /app\nCMD [\"/app\"]\n")
    assert "AS build\nWORKDIR /go\n" in result.dockerfile
    assert "MIG543" not in codes(result) and status(result) == "ok"


def test_docker_hub_cargo_home_is_kept_for_a_later_copy() -> None:
    result = migrate("FROM rust:1.80 AS builder\nWORKDIR /src\nCOPY . .\nRUN cargo install --path .\n"
                     "FROM gcr.io/distroless/cc\nCOPY --from=builder /usr/local/cargo/bin/app /app\nCMD [\"/app\"]\n")
    assert 'ENV CARGO_HOME=/usr/local/cargo PATH="/usr/local/cargo/bin:$PATH"' in result.dockerfile
    assert "MIG547" in codes(result) and "MIG543" not in codes(result)


def test_json_output_says_whether_the_runtime_starts() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"python\", \"app.py\"]\n")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["runtime"] == {"image": "cgr.dev/chainguard/python:latest", "argv": ["python", "app.py"],
                                  "status": "ok", "reason": payload["runtime"]["reason"]}
    assert "python" in payload["runtime"]["reason"]


def test_docker_hub_site_packages_copied_from_a_builder_become_a_virtualenv() -> None:
    result = migrate("FROM python:3.11-slim AS builder\nWORKDIR /app\nCOPY requirements.txt .\n"
                     "RUN pip install --no-cache-dir -r requirements.txt\n\nFROM python:3.11-slim\nWORKDIR /app\n"
                     "COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n"
                     "COPY --from=builder /usr/local/bin /usr/local/bin\nCOPY . .\n"
                     "CMD [\"gunicorn\", \"app:app\"]\n")
    assert "RUN python -m venv /opt/venv\nENV VIRTUAL_ENV=/opt/venv" in result.dockerfile
    runtime = final_stage(result)
    assert 'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"\nCOPY --from=builder /opt/venv /opt/venv\n' in runtime
    assert "/usr/local" not in runtime and "MIG543" not in codes(result) and status(result) == "ok"


def test_gems_copied_from_docker_hubs_gem_home_keep_it_in_both_stages() -> None:
    result = migrate("FROM ruby:3.3 AS builder\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
                     "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY --from=builder /usr/local/bundle/ /usr/local/bundle/\n"
                     "COPY --from=builder /app /app\nCMD [\"ruby\", \"app.rb\"]\n")
    home = 'ENV GEM_HOME=/usr/local/bundle BUNDLE_APP_CONFIG=/usr/local/bundle PATH="/usr/local/bundle/bin:$PATH"'
    assert result.dockerfile.count(home) == 2 and "MIG543" not in codes(result) and status(result) == "ok"


def test_a_copy_the_build_cannot_do_means_the_image_cannot_start() -> None:
    result = migrate("FROM python:3.12 AS b\nRUN true\nFROM python:3.12\n"
                     "COPY --from=b /usr/local/lib/python3.12 /usr/local/lib/python3.12\nCMD [\"python\", \"-V\"]\n")
    assert "MIG543" in codes(result) and status(result) == "broken"


def test_pip_user_scripts_follow_the_moved_home_on_path() -> None:
    result = migrate("FROM python:3.11 AS builder\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\n"
                     "FROM python:3.11-slim\nWORKDIR /code\nCOPY --from=builder /root/.local /root/.local\n"
                     "ENV PATH=/root/.local/bin:$PATH\nCMD [\"gunicorn\", \"main:app\"]\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /root/.local /home/nonroot/.local" in runtime
    assert "ENV PATH=/home/nonroot/.local/bin:$PATH" in runtime and status(result) == "ok"


# --- a command that needs a shell moves to a runtime that has one (review 2, class 3) -----------------

def test_bash_start_script_on_python_moves_to_wolfi_base_with_python_and_bash() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"bash\", \"start.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3 py3-pip bash tzdata\n")  # slim: no curl, wget, git
    assert status(result) == "single-stage" and "MIG505" not in {f.code for f in result.findings}
    warning = next(f for f in result.findings if f.code == "MIG542")
    assert warning.severity.value == "warning" and "start.sh" in warning.message


def test_bin_bash_entrypoint_on_ubuntu_installs_bash_on_wolfi_base() -> None:
    result = migrate("FROM ubuntu:22.04\nCOPY app /app\nCOPY entrypoint.sh /entrypoint.sh\n"
                     "ENTRYPOINT [\"/bin/bash\"]\nCMD [\"/entrypoint.sh\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache bash\n")
    assert status(result) == "single-stage" and len(result.stages) == 1


def test_java_start_script_keeps_the_pinned_jdk_on_wolfi_base() -> None:
    # one stage: nothing else compiles for a newer Java, so the stream openjdk:17 pinned stays, with no drift
    result = migrate("FROM openjdk:17-jdk\nCOPY . /gh\nWORKDIR /gh\nRUN ./run.sh build\nENTRYPOINT [\"./run.sh\", \"web\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache openjdk-17-default-jdk bash\n")
    assert status(result) == "single-stage" and "MIG220" not in {f.code for f in result.findings}


def test_a_chain_kept_on_its_dev_image_says_it_no_longer_runs_as_root() -> None:
    result = migrate("FROM python:3.12-slim AS base\nENV VENV=/opt/venv\nFROM base AS build\n"
                     "RUN python -m venv /opt/venv && /opt/venv/bin/pip install flask\nFROM base\n"
                     "COPY --from=build /opt/venv /opt/venv\nCOPY run.sh /app/run.sh\nENTRYPOINT [\"/app/run.sh\"]\n")
    assert status(result) == "shell-kept"
    [warning] = [f for f in result.findings if f.code == "MIG555"]
    assert "uid 65532" in warning.message and "python:latest-dev" in warning.message


def test_a_shell_partner_keeps_the_version_tag_policy_keep_kept(tmp_path) -> None:
    # jre:17 -> jdk:17 for a start script under --tag-policy keep (it was jdk:latest: Java 26 for a Java 17 app)
    from migrator.model import TagPolicy

    (tmp_path / "run.sh").write_text("#!/bin/sh\nexec java -jar /app.jar\n")
    text = ("FROM eclipse-temurin:17-jdk AS b\nRUN ./mvnw package\nFROM eclipse-temurin:17-jre\n"
            "COPY --from=b /app.jar /app.jar\nCOPY run.sh /run.sh\nENTRYPOINT [\"/run.sh\"]\n")
    kept = migrate_text(text, Options(tag_policy=TagPolicy.KEEP, context=tmp_path))
    assert final_stage(kept).startswith("cgr.dev/chainguard/jdk:17\n")
    latest = migrate_text(text, Options(context=tmp_path))
    assert final_stage(latest).startswith("cgr.dev/chainguard/jdk:latest\n")


@pytest.mark.parametrize("source, image", [("postgres:16", "postgres"), ("redis:7", "redis"),
                                           ("mariadb:11", "mariadb"), ("tomcat:9-jdk17", "tomcat")])
def test_a_service_image_changed_by_a_run_stays_on_the_service_s_dev_image(source: str, image: str) -> None:
    # adversary 6, N7: no CMD of its own was read as a base image, and the stage went to wolfi-base, whose command
    # is a login shell: the database was gone. Adversary 7, D6: split onto the distroless service image, what the
    # RUN made (a compiled locale, enabled plugins) stayed in the builder. The service's -dev image runs the same
    # server and keeps it.
    result = migrate(f"FROM {source}\nRUN localedef -i de_DE -c -f UTF-8 de_DE.UTF-8\nENV LANG de_DE.utf8\n")
    assert result.dockerfile.startswith(f"FROM cgr.dev/chainguard/{image}:latest-dev\n")
    assert "\nFROM " not in result.dockerfile and "wolfi-base" not in result.dockerfile
    assert "MIG542" not in codes(result)
    assert any(f.code == "MIG583" and f.severity.value == "warning" for f in result.findings)
    assert result.runtime is not None and result.runtime.argv != ["/bin/sh", "-l"]


def test_a_service_image_running_another_program_is_split_as_before() -> None:
    result = migrate('FROM redis:7\nRUN mkdir -p /data/conf\nCMD ["redis-cli", "-h", "db", "ping"]\n')
    assert "FROM cgr.dev/chainguard/redis:latest\n" in result.dockerfile and "MIG583" not in codes(result)


LOCALE = "RUN localedef -i de_DE -c -f UTF-8 -A /usr/share/locale/locale.alias de_DE.UTF-8\nENV LANG de_DE.utf8\n"


@pytest.mark.parametrize("text", [
    # review 13, P13-3: Docker Hub's documented pattern restates the server with its configuration
    'FROM postgres:16\n' + LOCALE + 'CMD ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"]\n',
    'FROM postgres:16\n' + LOCALE + 'CMD postgres -c max_connections=200\n',
    'FROM postgres:16\n' + LOCALE + 'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres", "-c", "fsync=off"]\n',
    'FROM postgres:16\n' + LOCALE + 'CMD ["/usr/local/bin/docker-entrypoint.sh", "postgres"]\n',
    'FROM redis:7\nRUN mkdir -p /data/conf\nCOPY redis.conf /data/conf/\nCMD ["redis-server", "/data/conf/redis.conf"]\n',
    'FROM rabbitmq:3-management\nRUN rabbitmq-plugins enable --offline rabbitmq_mqtt\nCMD ["rabbitmq-server"]\n',
    'FROM mariadb:11\nRUN mkdir -p /etc/mysql/extra\nCMD ["mariadbd", "--character-set-server=utf8mb4"]\n',
    'FROM mariadb:10.6\nRUN mkdir -p /etc/mysql/extra\nCMD ["mysqld", "--character-set-server=utf8mb4"]\n',
])
def test_a_service_that_restates_its_own_server_stays_on_the_service_s_dev_image(text: str) -> None:
    # split, the runtime kept ENV LANG de_DE.utf8 without the locale compiled in the builder: initdb refused it
    result = migrate(text)
    assert "\nFROM " not in result.dockerfile and ":latest-dev\n" in result.dockerfile.split("\n", 1)[0] + "\n"
    assert any(f.code == "MIG583" and f.severity.value == "warning" for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile
    if "rabbitmq" in text:
        assert result.dockerfile.endswith("\nUSER 65532\n")


def test_a_service_kept_on_its_dev_image_runs_as_the_image_s_user_again() -> None:
    # review 13, N13-1: the stage switched to root for its RUN steps and the server ran as root
    result = migrate("FROM rabbitmq:3-management\nRUN rabbitmq-plugins enable --offline rabbitmq_mqtt\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/rabbitmq:latest-dev\nUSER root\n")
    assert result.dockerfile.endswith("\nUSER 65532\n")
    assert migrate("FROM postgres:16\nRUN localedef -i de_DE -c -f UTF-8 de_DE.UTF-8\n").dockerfile.count("USER") == 0


# --- a start program the final stage installs (adversary round 8, E9) --------------------------------------

@pytest.mark.parametrize(("source", "program", "install"), [
    ("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y supervisor && rm -rf /var/lib/apt/lists/*\n"
     "WORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
     "COPY supervisord.conf /etc/supervisor/conf.d/supervisord.conf\n"
     'CMD ["supervisord", "-c", "/etc/supervisor/conf.d/supervisord.conf"]\n', "supervisord",
     "RUN apk add --no-cache supervisor\n"),
    ("FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nRUN npm install -g pm2\n"
     'COPY . .\nCMD ["pm2-runtime", "ecosystem.config.js"]\n', "pm2-runtime", "RUN npm install -g pm2\n"),
])
def test_start_program_the_language_stage_installs_keeps_a_runtime_that_has_it(
        source: str, program: str, install: str) -> None:
    result = migrate(source)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert install in result.dockerfile and result.dockerfile.count("FROM ") == 1
    assert any(f.code == "MIG586" and program in f.message for f in result.findings)
    assert "MIG540" not in codes(result) and status(result) == "single-stage"


def test_a_console_script_of_the_language_stays_on_the_distroless_runtime() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt gunicorn\n"
                     'CMD ["gunicorn", "app:app"]\n')
    assert result.stages[-1].image == "cgr.dev/chainguard/python:latest" and "MIG586" not in codes(result)


def test_go_run_keeps_the_go_toolchain_in_one_stage() -> None:
    result = migrate("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go mod download\nEXPOSE 8080\n"
                     'CMD ["go", "run", "main.go"]\n')
    assert result.dockerfile.startswith(  # (golang:1.22 carried tzdata)
        "FROM cgr.dev/chainguard/wolfi-base:latest\n"
        "COPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\nWORKDIR /app\n")
    assert "RUN apk add --no-cache go && go mod download\n" in result.dockerfile
    assert any(f.code == "MIG536" and "go build" in f.message for f in result.findings)
    assert "MIG540" not in codes(result) and status(result) == "single-stage"
