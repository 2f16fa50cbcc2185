"""Adversary round 10, D7/D8: a static final stage (scratch, distroless/static) runs a program built on a Chainguard
-dev builder, which links glibc dynamically unless the build asks for a static program (rules/static-builds.yaml)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

GO_ALPINE = """\
FROM golang:1.22-alpine AS builder
WORKDIR /app
COPY . .
RUN {build}

FROM {final}
COPY --from=builder /app/server /server
ENTRYPOINT ["/server"]
"""

RUST_ALPINE = """\
FROM rust:1.77-alpine AS builder
RUN apk add --no-cache musl-dev
WORKDIR /app
COPY . .
{env}RUN {build}

FROM scratch
COPY --from=builder /app/target/release/myapp /myapp
ENTRYPOINT ["/myapp"]
"""


def _codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


@pytest.mark.parametrize("final", ["scratch", "gcr.io/distroless/static-debian12"])
def test_go_alpine_build_keeps_cgo_off_for_the_static_runtime(final: str) -> None:
    result = migrate(GO_ALPINE.format(build="go build -ldflags=\"-s -w\" -o /app/server ./cmd/server", final=final))
    assert result.dockerfile == (
        "FROM cgr.dev/chainguard/go:latest-dev AS builder\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "ENV CGO_ENABLED=0\n"
        "RUN go build -ldflags=\"-s -w\" -o /app/server ./cmd/server\n"
        "\n"
        "FROM cgr.dev/chainguard/static:latest\n"
        "COPY --from=builder /app/server /server\n"
        "ENTRYPOINT [\"/server\"]\n")
    note = next(f for f in result.findings if f.code == "MIG228")
    assert note.line == 4 and "golang:1.22-alpine has no C compiler" in note.message
    assert "MIG227" not in _codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_go_alpine_stage_that_installs_gcc_had_cgo_on_and_gets_glibc_dynamic() -> None:
    text = GO_ALPINE.replace("WORKDIR /app\n", "RUN apk add --no-cache gcc musl-dev\nWORKDIR /app\n")
    result = migrate(text.format(build="go build -o /app/server .", final="scratch"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "CGO_ENABLED" not in result.dockerfile
    warning = next(f for f in result.findings if f.code == "MIG227")
    assert warning.severity.value == "warning" and "`go build` (line 5)" in warning.message


def test_two_go_alpine_stages_each_keep_cgo_off() -> None:
    text = ("FROM golang:1.22-alpine AS api\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api ./cmd/api\n\n"
            "FROM golang:1.22-alpine AS worker\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/worker ./cmd/worker\n\n"
            "FROM scratch\nCOPY --from=api /out/api /api\nCOPY --from=worker /out/worker /worker\n"
            "ENTRYPOINT [\"/api\"]\n")
    result = migrate(text)
    assert result.dockerfile.count("ENV CGO_ENABLED=0\nRUN go build") == 2
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")


@pytest.mark.parametrize("build", ["CGO_ENABLED=0 go build -o /app/server .",
                                   "export CGO_ENABLED=0 && go build -o /app/server .",
                                   "go build -ldflags '-extldflags -static' -o /app/server ."])
def test_go_build_that_asks_for_static_keeps_static(build: str) -> None:
    result = migrate(GO_ALPINE.format(build=build, final="scratch"))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert "MIG227" not in _codes(result)


def test_go_stage_env_cgo_off_in_parent_stage_keeps_static() -> None:
    text = GO_ALPINE.replace("FROM golang:1.22-alpine AS builder\n",
                             "FROM golang:1.22-alpine AS base\nENV CGO_ENABLED=0\nFROM base AS builder\n")
    result = migrate(text.format(build="go build -o /app/server .", final="scratch"))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")


def test_debian_golang_with_cgo_and_scratch_gets_a_libc_too() -> None:
    # (already broken upstream for a program that imports net: not made worse, made to start)
    result = migrate(GO_ALPINE.replace("1.22-alpine", "1.22").format(build="go build -o /app/server .",
                                                                     final="scratch"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG227" in _codes(result)


def test_rust_alpine_default_target_runs_on_glibc_dynamic() -> None:
    result = migrate(RUST_ALPINE.format(env="", build="cargo build --release"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    warning = next(f for f in result.findings if f.code == "MIG227")
    assert "`cargo build` (line 5)" in warning.message and "crt-static" in warning.message


@pytest.mark.parametrize(("env", "build"), [
    # (a musl target only where the stage installs rustup: Wolfi's rust has no musl std, fix56's MIG231)
    ("RUN apk add --no-cache rustup\n",
     "rustup target add x86_64-unknown-linux-musl && cargo build --release --target x86_64-unknown-linux-musl"),
    ("ENV RUSTFLAGS=\"-C target-feature=+crt-static\"\n", "cargo build --release"),
    ("", "RUSTFLAGS='-C target-feature=+crt-static' cargo build --release"),
])
def test_rust_build_that_asks_for_static_keeps_static(env: str, build: str) -> None:
    result = migrate(RUST_ALPINE.format(env=env, build=build))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert "MIG227" not in _codes(result)


def test_scratch_with_files_from_a_stage_that_builds_nothing_stays_static() -> None:
    text = ("FROM alpine:3.20 AS certs\nRUN apk add --no-cache ca-certificates\n\n"
            "FROM scratch\nCOPY --from=certs /etc/ssl/certs /etc/ssl/certs\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")
    assert final_stage(migrate(text)).startswith("cgr.dev/chainguard/static:latest\n")


def test_go_alpine_build_that_sets_cgo_on_itself_is_not_overridden() -> None:
    result = migrate(GO_ALPINE.format(build="CGO_ENABLED=1 go build -o /app/server .", final="scratch"))
    assert "CGO_ENABLED=0" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG227" in _codes(result)


def test_alpine_final_stage_reads_cgo_off_the_same_way() -> None:
    # (a distro final stage: static only when every go build asks for it, here with `export` in its RUN)
    text = GO_ALPINE.format(build="export CGO_ENABLED=0 && go build -o /app/server .", final="alpine:3.20")
    assert final_stage(migrate(text)).startswith("cgr.dev/chainguard/static:latest\n")
