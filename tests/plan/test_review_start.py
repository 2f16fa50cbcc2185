"""Defects an independent review found on the start/runtime side, one test per class, each with a
minimal reproduction of our own: what the user sees in the migrated file, its findings and its
runtime status.
"""

from __future__ import annotations

from migrator.api import migrate_text
from migrator.model import Options, Result


def migrate(text: str, options: Options | None = None) -> Result:
    result = migrate_text(text, options)
    again = migrate_text(result.dockerfile, options)
    assert again.dockerfile == result.dockerfile, "not idempotent"
    return result


def codes(result: Result) -> set[str]:
    return {f.code for f in result.findings}


def messages(result: Result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def severity(result: Result, code: str) -> str:
    return next(f.severity.value for f in result.findings if f.code == code)


def final_stage(result: Result) -> str:
    return result.dockerfile.rsplit("\nFROM ", 1)[-1]


def status(result: Result) -> str:
    assert result.runtime is not None
    return result.runtime.status


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
