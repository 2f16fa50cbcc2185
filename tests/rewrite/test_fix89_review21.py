"""Review 21: S21-2 (packages the original final stage installed for programs were dropped to a distroless runtime
with only W MIG514), S21-4 (package installs through tonistiigi/xx's wrappers were neither translated nor checked)
and S21-3 (busybox `adduser -Sg NAME ... USER` and `useradd ${UID:+--uid "$UID" --non-unique} ... NAME` were not
seen as creating the user: a false E MIG413)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import builder_stage, codes, final_stage, messages, migrate, status

from migrator.model import Severity

GITWRAP = """FROM golang:1.25 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -o /out/gitwrap .

FROM alpine:3.20
RUN apk add --no-cache git
COPY --from=build /out/gitwrap /usr/bin/gitwrap
ENTRYPOINT ["gitwrap"]
"""


def test_s21_2_git_the_go_binary_runs_stays_in_one_stage_on_wolfi_base() -> None:
    result = migrate(GITWRAP)
    assert final_stage(result) == ("cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache git\n"
                                   "COPY --from=build /out/gitwrap /usr/bin/gitwrap\nENTRYPOINT [\"gitwrap\"]\n")
    assert "chainguard/static" not in result.dockerfile
    [why] = [f for f in result.findings if f.code == "MIG238"]
    assert why.severity is Severity.WARNING and why.line == 6
    assert "installed git, whose programs no RUN step of the stage runs" in why.message
    assert "one stage on wolfi-base" in why.message
    assert "MIG514" not in codes(result) and not codes(result, Severity.ERROR)
    assert status(result) == "single-stage"


def test_s21_2_on_a_language_runtime_the_dev_image_installs_the_package() -> None:
    dockerfile = ("FROM node:22-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n\n"
                  "FROM node:22-alpine\nRUN apk add --no-cache openssh-client\nWORKDIR /app\n"
                  "COPY --from=build /app /app\nCMD [\"node\", \"server.js\"]\n")
    result = migrate(dockerfile)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert "USER root\nRUN apk add --no-cache openssh-client\nUSER 65532\n" in runtime
    assert "installed openssh-client, whose programs no RUN step" in messages(result, "MIG238")[0]
    assert "MIG569" in codes(result) and "MIG514" not in codes(result)
    assert status(result) == "ok"


def test_s21_2_a_package_a_run_step_of_the_stage_runs_may_be_for_the_build_only() -> None:
    dockerfile = GITWRAP.replace("RUN apk add --no-cache git\n",
                                 "RUN apk add --no-cache git && git clone https://example.com/cfg.git /cfg\n")
    result = migrate(dockerfile)
    assert "FROM cgr.dev/chainguard/static:latest\n" in result.dockerfile
    assert "the stage's RUN steps use git" in messages(result, "MIG514")[0]
    assert "MIG238" not in codes(result)
    assert status(result) == "ok"


def test_s21_2_curl_for_the_health_check_only_is_not_kept() -> None:
    dockerfile = ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\nWORKDIR /app\nCOPY . .\n"
                  "RUN pip install flask\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n"
                  "CMD [\"python\", \"app.py\"]\n")
    result = migrate(dockerfile)
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest\n")
    assert "MIG552" in codes(result) and "installed curl;" in messages(result, "MIG514")[0]
    assert status(result) == "ok"


def test_s21_2_a_tool_installed_with_a_compiler_is_the_build_s_and_not_kept() -> None:
    # (poetry images: `apt-get install build-essential curl` is the build's tool set; the app is `python -m`)
    dockerfile = ("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
                  "build-essential curl && rm -rf /var/lib/apt/lists/*\nWORKDIR /srv\nCOPY requirements.txt .\n"
                  "RUN pip install -r requirements.txt\nCOPY src/ ./src/\nCMD [\"python\", \"-m\", \"src.main\"]\n")
    result = migrate(dockerfile)
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest\n")
    assert "MIG238" not in codes(result) and "apk add" not in final_stage(result)
    [lost] = messages(result, "MIG514")
    assert lost.startswith("the original final stage installed curl;")
    assert status(result) == "ok"


XX = """FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx

FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build
COPY --from=xx / /
RUN apk add --no-cache clang lld
ARG TARGETPLATFORM
RUN xx-apk add musl-dev gcc g++
ENV CGO_ENABLED=1
WORKDIR /src
COPY go.mod main.go ./
RUN xx-go build -o /out/app . && xx-verify /out/app

FROM alpine:3.20
COPY --from=build /out/app /usr/bin/app
ENTRYPOINT ["/usr/bin/app"]
"""


def test_s21_4_xx_apk_is_translated_and_a_cross_build_is_an_error() -> None:
    result = migrate(XX)
    build = builder_stage(result)
    assert "RUN apk add --no-cache glibc-dev gcc\n" in build and "xx-apk" not in result.dockerfile
    [error] = [f for f in result.findings if f.code == "MIG326"]
    assert error.severity is Severity.ERROR and error.line == 7
    assert "remove --platform=$BUILDPLATFORM" in error.message
    assert "MIG325" not in codes(result)
    assert status(result) == "ok"


def test_s21_4_xx_apk_in_a_stage_built_per_platform_is_apk_itself() -> None:
    result = migrate(XX.replace("FROM --platform=$BUILDPLATFORM golang", "FROM golang"))
    assert "RUN apk add --no-cache glibc-dev gcc\n" in result.dockerfile and "xx-apk" not in result.dockerfile
    [note] = [f for f in result.findings if f.code == "MIG325"]
    assert note.severity is Severity.INFO and note.line == 7
    assert "MIG326" not in codes(result) and not codes(result, Severity.ERROR)
    assert status(result) == "ok"


def test_s21_4_xx_apt_get_install_on_debian() -> None:
    dockerfile = ("FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.5.0 AS xx\n"
                  "FROM --platform=$BUILDPLATFORM golang:1.25-bookworm AS build\nCOPY --from=xx / /\n"
                  "ARG TARGETPLATFORM\nRUN xx-apt-get install -y libc6-dev libsqlite3-dev\nWORKDIR /src\nCOPY . .\n"
                  "RUN CGO_ENABLED=1 xx-go build -o /out/app .\n\n"
                  "FROM debian:bookworm-slim\nCOPY --from=build /out/app /usr/bin/app\nENTRYPOINT [\"/usr/bin/app\"]\n")
    result = migrate(dockerfile)
    assert "RUN apk add --no-cache glibc-dev sqlite-dev\n" in result.dockerfile and "xx-apt-get" not in result.dockerfile
    assert "MIG326" in codes(result, Severity.ERROR)


ADDUSER = """FROM alpine:3.20
RUN apk add --no-cache curl
RUN mkdir -p /var/app && \\
    addgroup -Sg 1000 app && \\
    adduser -Sg app -u 1000 -h /var/app app && \\
    chown -R app: /var/app
USER app
COPY run.sh /run.sh
ENTRYPOINT ["/run.sh"]
"""


def test_s21_3_busybox_adduser_with_combined_short_options_creates_the_user(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/sh\nexec curl --version\n")
    result = migrate(ADDUSER, context=tmp_path)
    assert result.dockerfile == "FROM cgr.dev/chainguard/wolfi-base:latest\n" + ADDUSER.split("\n", 1)[1]
    assert "MIG413" not in codes(result) and not codes(result, Severity.ERROR)
    assert status(result) == "single-stage"


USERADD = """FROM node:22-bookworm
ARG APP_UID=5001
RUN apt-get update && apt-get install -y --no-install-recommends passwd && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && \\
    useradd --system ${APP_UID:+--uid "${APP_UID}" --non-unique} --gid app --create-home app
RUN mkdir -p /opt/app && chown app:app /opt/app
USER app
WORKDIR /opt/app
COPY --chown=app:app server.js .
CMD ["node", "server.js"]
"""


def test_s21_3_useradd_with_options_from_a_parameter_expansion_creates_the_user() -> None:
    result = migrate(USERADD)
    build = builder_stage(result)
    assert "RUN apk add --no-cache shadow\n" in build
    assert ('    useradd --system ${APP_UID:+--uid "${APP_UID}" --non-unique} --gid app --create-home app\n'
            in build)
    assert "MIG413" not in codes(result) and "MIG534" not in codes(result)
    assert not codes(result, Severity.ERROR)
    assert status(result) == "ok"


def test_s21_3_without_shadow_the_expansion_is_not_translated_away() -> None:
    result = migrate(USERADD.replace(" passwd", " curl"))
    assert "--non-unique" in result.dockerfile
    assert "MIG402" in codes(result, Severity.ERROR)
