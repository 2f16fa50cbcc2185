"""fix56 item 1: a cargo build for a musl target on Chainguard's rust, which has no rustup and no musl standard
library (Wolfi's rust is one toolchain for the build machine's own glibc target): made for the builder's own
target into the directory the musl build wrote, and run on glibc-dynamic (MIG231, rules/static-builds.yaml)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate, status

RUST_MUSL = """\
FROM rust:1.79 AS build
RUN rustup target add {target}
WORKDIR /app
COPY . .
RUN cargo build --release --target {target}

FROM {final}
COPY --from=build /app/target/{target}/release/myapp /myapp
ENTRYPOINT ["/myapp"]
"""


def _messages(result: object, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]  # type: ignore[attr-defined]


@pytest.mark.parametrize("target", ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"])
def test_musl_target_is_built_for_the_builder_target_into_the_same_directory(target: str) -> None:
    result = migrate(RUST_MUSL.format(target=target, final="scratch"))
    assert result.dockerfile == (
        "FROM cgr.dev/chainguard/rust:latest-dev AS build\n"
        "USER root\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        f"RUN cargo build --release --target-dir target/{target}\n"
        "\n"
        "FROM cgr.dev/chainguard/glibc-dynamic:latest\n"
        f"COPY --from=build /app/target/{target}/release/myapp /myapp\n"
        "ENTRYPOINT [\"/myapp\"]\n")
    notes = _messages(result, "MIG231")
    assert len(notes) == 2 and "`rustup target add" in notes[0] and "removed" in notes[0]
    assert f"--target-dir target/{target}" in notes[1]
    assert any("glibc-dynamic:latest, not static:latest" in m for m in _messages(result, "MIG227"))
    assert "MIG310" not in [f.code for f in result.findings]
    assert status(result) == "ok"


def test_machine_named_targets_variables_and_cargo_install() -> None:
    text = """\
FROM rust:1.80-alpine AS builder
ARG TARGET=aarch64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN rustup target add "$(uname -m)-unknown-linux-musl" && \\
    cargo build --release --target="$(uname -m)-unknown-linux-musl" && \\
    cp target/$(uname -m)-unknown-linux-musl/release/app /app
RUN cargo build --release --target "$TARGET" && cargo install --target $TARGET --root /out ripgrep

FROM alpine:3.20
COPY --from=builder /app /app
CMD ["/app"]
"""
    result = migrate(text)
    assert "rustup" not in result.dockerfile
    assert "RUN cargo build --release --target-dir=\"target/$(uname -m)-unknown-linux-musl\" && \\\n" \
        "    cp target/$(uname -m)-unknown-linux-musl/release/app /app\n" in result.dockerfile
    assert "RUN cargo build --release --target-dir \"target/$TARGET\" && cargo install --root /out ripgrep\n" \
        in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")


def test_cargo_target_dir_is_where_the_musl_directory_goes() -> None:
    text = RUST_MUSL.format(target="x86_64-unknown-linux-musl", final="scratch").replace(
        "--target x86_64-unknown-linux-musl", "--target-dir /out --target x86_64-unknown-linux-musl").replace(
        "/app/target/x86_64", "/out/x86_64")
    result = migrate(text)
    assert "RUN cargo build --release --target-dir /out/x86_64-unknown-linux-musl\n" in result.dockerfile
    assert "COPY --from=build /out/x86_64-unknown-linux-musl/release/myapp /myapp\n" in result.dockerfile


def test_stage_that_installs_rustup_keeps_the_musl_target_and_static_runtime() -> None:
    text = RUST_MUSL.format(target="x86_64-unknown-linux-musl", final="scratch").replace(
        "RUN rustup target add", "RUN apt-get update && apt-get install -y rustup && rustup target add")
    result = migrate(text)
    assert "RUN cargo build --release --target x86_64-unknown-linux-musl\n" in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not _messages(result, "MIG231")


def test_other_rustup_targets_stay_an_error() -> None:
    text = RUST_MUSL.format(target="x86_64-unknown-linux-musl", final="scratch").replace(
        "RUN rustup target add x86_64-unknown-linux-musl", "RUN rustup target add wasm32-unknown-unknown")
    result = migrate(text)
    assert "RUN rustup target add wasm32-unknown-unknown\n" in result.dockerfile
    assert any(f.code == "MIG310" for f in result.findings)


@pytest.mark.parametrize(("setting", "build", "made"), [
    ("ENV CARGO_BUILD_TARGET=x86_64-unknown-linux-musl\n", "cargo build --release",
     "ENV CARGO_BUILD_TARGET_DIR=target/x86_64-unknown-linux-musl\n"),
    ("ENV CARGO_BUILD_TARGET x86_64-unknown-linux-musl\n", "cargo build --release",
     "ENV CARGO_BUILD_TARGET_DIR target/x86_64-unknown-linux-musl\n"),
    ("", "CARGO_BUILD_TARGET=\"x86_64-unknown-linux-musl\" cargo build --release",
     "RUN CARGO_BUILD_TARGET_DIR=\"target/x86_64-unknown-linux-musl\" cargo build --release\n"),
])
def test_a_target_named_by_cargo_build_target_builds_into_the_same_directory(setting: str, build: str,
                                                                               made: str) -> None:
    text = RUST_MUSL.format(target="x86_64-unknown-linux-musl", final="scratch").replace(
        "RUN rustup", setting + "RUN rustup").replace("cargo build --release --target x86_64-unknown-linux-musl", build)
    result = migrate(text)
    assert made in result.dockerfile
    assert "rustup" not in result.dockerfile and "CARGO_BUILD_TARGET=" not in result.dockerfile
    assert "COPY --from=build /app/target/x86_64-unknown-linux-musl/release/myapp /myapp\n" in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG310" not in [f.code for f in result.findings]


def test_cargo_chef_recipe_cooked_for_a_musl_target() -> None:
    text = """\
FROM rust:1.79 AS chef
RUN cargo install cargo-chef --locked
WORKDIR /app

FROM chef AS builder
RUN rustup target add x86_64-unknown-linux-musl
COPY recipe.json recipe.json
RUN cargo chef cook --release --target x86_64-unknown-linux-musl --recipe-path recipe.json
COPY . .
RUN cargo build --release --target x86_64-unknown-linux-musl --bin app

FROM scratch
COPY --from=builder /app/target/x86_64-unknown-linux-musl/release/app /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/app"]
"""
    result = migrate(text)
    assert "RUN cargo chef cook --release --target-dir target/x86_64-unknown-linux-musl --recipe-path recipe.json\n" \
        in result.dockerfile
    assert "RUN cargo build --release --target-dir target/x86_64-unknown-linux-musl --bin app\n" in result.dockerfile
    assert "rustup" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")


def test_rustup_target_add_in_the_stage_the_build_is_built_from() -> None:
    text = """\
FROM rust:1.79 AS chef
RUN rustup target add x86_64-unknown-linux-musl && cargo install cargo-chef --locked
WORKDIR /app

FROM chef AS builder
COPY . .
RUN cargo build --release --target x86_64-unknown-linux-musl --bin app

FROM scratch
COPY --from=builder /app/target/x86_64-unknown-linux-musl/release/app /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/app"]
"""
    result = migrate(text)
    assert "USER root\nRUN cargo install cargo-chef --locked\nWORKDIR /app\n" in result.dockerfile
    assert "MIG310" not in [f.code for f in result.findings]


def test_debian_musl_toolchain_packages_are_not_asked_of_apk() -> None:
    text = RUST_MUSL.format(target="x86_64-unknown-linux-musl", final="scratch").replace(
        "RUN rustup", "RUN apt-get update && apt-get install -y musl-tools musl-dev pkg-config\nRUN rustup")
    result = migrate(text)
    assert "RUN apk add --no-cache pkgconf\n" in result.dockerfile
    assert not [f for f in result.findings if f.code == "MIG302"]


def test_single_stage_musl_build_runs_on_glibc_dynamic() -> None:
    text = ("FROM rust:1.79-alpine\nRUN apk add --no-cache musl-dev\nWORKDIR /app\nCOPY . .\n"
            "RUN cargo build --release --target x86_64-unknown-linux-musl\n"
            "CMD [\"/app/target/x86_64-unknown-linux-musl/release/myapp\"]\n")
    result = migrate(text)
    assert "RUN cargo build --release --target-dir target/x86_64-unknown-linux-musl\n" in result.dockerfile
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "COPY --from=builder /app/target/x86_64-unknown-linux-musl/release " in runtime
