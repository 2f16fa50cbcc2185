"""Adversary round 11, F3: a go or cargo build run through a file of the project (`make build`, `./build.sh`,
`just`, `task`) onto a static final stage. The file is read from the build context; when it cannot be read, the
stage's toolchain decides, on the safe side (golang:alpine had no C compiler: CGO_ENABLED=0 as it was; rust or
an unknown build: glibc-dynamic with W MIG227), never a silent static:latest for a program not shown static."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate

GO_MAKE = """\
FROM golang:1.22-alpine AS builder
RUN apk add --no-cache make git
WORKDIR /src
COPY . .
RUN {build}

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /src/bin/server /server
USER nonroot:nonroot
ENTRYPOINT ["/server"]
"""

RUST_MAKE = """\
FROM rust:1.78-alpine AS builder
RUN apk add --no-cache musl-dev make
WORKDIR /app
COPY . .
RUN {build}

FROM scratch
COPY --from=builder /app/target/release/myapp /myapp
ENTRYPOINT ["/myapp"]
"""


def _context(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("build", ["make build", "./build.sh", "just build", "task build", "sh scripts/build.sh"])
def test_go_alpine_build_through_an_unread_file_keeps_cgo_off(build: str) -> None:
    result = migrate(GO_MAKE.format(build=build))
    assert result.dockerfile == (
        "FROM cgr.dev/chainguard/go:latest-dev AS builder\n"
        "RUN apk add --no-cache make git\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "ENV CGO_ENABLED=0\n"
        f"RUN {build}\n"
        "\n"
        "FROM cgr.dev/chainguard/static:latest\n"
        "COPY --from=builder /src/bin/server /server\n"
        "USER nonroot:nonroot\n"
        "ENTRYPOINT [\"/server\"]\n")
    note = messages(result, "MIG228")
    assert len(note) == 1 and f"before `{' '.join(build.split()[:2])}`" in note[0]
    assert "MIG227" not in codes(result)


def test_go_alpine_makefile_read_from_the_context_with_a_plain_go_build(tmp_path: Path) -> None:
    context = _context(tmp_path, {"Makefile": "build:\n\tgo build -o bin/server ./cmd/server\n"})
    result = migrate(GO_MAKE.format(build="make build"), context=context)
    assert "ENV CGO_ENABLED=0\nRUN make build\n" in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")


def test_makefile_that_builds_static_itself_gets_nothing_written(tmp_path: Path) -> None:
    context = _context(tmp_path, {"Makefile": "export CGO_ENABLED=0\nbuild:\n\tgo build -o bin/server ./cmd/server\n"})
    result = migrate(GO_MAKE.format(build="make build"), context=context)
    assert "CGO_ENABLED" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not {"MIG227", "MIG228"} & set(codes(result))


def test_makefile_that_turns_cgo_on_gets_glibc_dynamic(tmp_path: Path) -> None:
    context = _context(tmp_path, {"Makefile": "build:\n\tCGO_ENABLED=1 $(GO) build -o bin/server .\n"})
    result = migrate(GO_MAKE.format(build="make build"), context=context)
    assert "CGO_ENABLED=0" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    warning = messages(result, "MIG227")
    assert "`make build` (line 5) runs `$(GO) build` (Makefile), which links glibc dynamically" in warning[0]


def test_makefile_that_builds_no_program_changes_nothing(tmp_path: Path) -> None:
    context = _context(tmp_path, {"Makefile": "generate:\n\tprotoc --go_out=. api.proto\n"})
    text = GO_MAKE.format(build="make generate && CGO_ENABLED=0 go build -o bin/server .")
    result = migrate(text, context=context)
    assert "ENV CGO_ENABLED" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")


def test_rust_alpine_build_through_make_gets_glibc_dynamic_without_context() -> None:
    result = migrate(RUST_MAKE.format(build="make release"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    warning = messages(result, "MIG227")
    assert len(warning) == 1 and "`make release` (line 5) runs a build that cannot be read here" in warning[0]
    assert "no build context" in warning[0] and "crt-static" in warning[0]


def test_rust_makefile_read_through_the_script_it_runs(tmp_path: Path) -> None:
    files = {"Makefile": "release:\n\t./scripts/build.sh\n", "scripts/build.sh": "#!/bin/sh\ncargo build --release\n"}
    result = migrate(RUST_MAKE.format(build="make release"), context=_context(tmp_path, files))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "runs `cargo build` (Makefile, scripts/build.sh)" in messages(result, "MIG227")[0]


def test_rust_script_with_a_musl_target_keeps_static(tmp_path: Path) -> None:
    files = {"Makefile": "release:\n\t./scripts/build.sh\n",
             "scripts/build.sh": "#!/bin/sh\ncargo build --release --target x86_64-unknown-linux-musl\n"}
    result = migrate(RUST_MAKE.format(build="make release"), context=_context(tmp_path, files))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert "MIG227" not in codes(result)


def test_debian_golang_make_without_context_gets_glibc_dynamic() -> None:
    result = migrate(GO_MAKE.replace("1.22-alpine", "1.22").replace("apk add --no-cache make git", "true")
                     .format(build="make build"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG227" in codes(result) and "CGO_ENABLED" not in result.dockerfile


def test_make_with_cgo_off_in_the_dockerfile_keeps_static() -> None:
    result = migrate(GO_MAKE.replace("1.22-alpine", "1.22").format(build="CGO_ENABLED=0 make build"))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not {"MIG227", "MIG228"} & set(codes(result))


def test_make_in_a_stage_that_builds_no_go_nor_rust_is_not_read() -> None:
    text = ("FROM alpine:3.20 AS assets\nRUN apk add --no-cache make\nWORKDIR /src\nCOPY . .\nRUN make certs\n\n"
            "FROM scratch\nCOPY --from=assets /src/certs /etc/ssl/certs\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")
    assert final_stage(migrate(text)).startswith("cgr.dev/chainguard/static:latest\n")


@pytest.mark.parametrize("image", ["golang:1.22-alpine", "golang:1.22"])
def test_unread_make_before_a_written_static_go_build_is_preparation(image: str) -> None:
    text = GO_MAKE.replace("golang:1.22-alpine", image).replace(
        "RUN {build}\n", "RUN make generate\nRUN CGO_ENABLED=0 go build -o bin/server ./cmd/server\n")
    result = migrate(text)
    assert "ENV CGO_ENABLED" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not {"MIG227", "MIG228"} & set(codes(result))


def test_unread_make_after_the_written_go_build_still_counts() -> None:
    text = GO_MAKE.replace("golang:1.22-alpine", "golang:1.22").replace(
        "RUN {build}\n", "RUN go build -ldflags '-extldflags -static' -o bin/tool ./cmd/tool\nRUN make build\n")
    result = migrate(text)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "`make build` (line 6)" in messages(result, "MIG227")[0]


def test_taskfile_env_that_turns_cgo_off_keeps_static_on_debian_golang(tmp_path: Path) -> None:
    files = {"Taskfile.yml": "version: '3'\nenv:\n  CGO_ENABLED: '0'\ntasks:\n  build:\n    cmds:\n"
                             "      - go build -o bin/server ./cmd/server\n"}
    text = GO_MAKE.replace("golang:1.22-alpine", "golang:1.22").format(build="task build")
    result = migrate(text, context=_context(tmp_path, files))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not {"MIG227", "MIG228"} & set(codes(result))


def test_alpine_final_stage_of_a_make_build_gets_a_libc() -> None:
    text = GO_MAKE.replace("gcr.io/distroless/static-debian12:nonroot", "alpine:3.20").replace(
        "RUN {build}\n", "RUN go build -ldflags '-extldflags -static' -o bin/tool ./cmd/tool && make build\n")
    assert final_stage(migrate(text)).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")


@pytest.mark.parametrize(("files", "static"), [
    ({"Makefile": "release:\n\tgoreleaser build --snapshot --single-target\n"}, False),
    ({"Makefile": "export CGO_ENABLED=0\nrelease:\n\tgoreleaser build --snapshot --single-target\n"}, True),
    ({"magefile.go": "func Build() error {\n\treturn sh.RunV(mg.GoCmd(), \"build\", \"-o\", \"bin/server\")\n}\n"},
     False),
    ({"Makefile": "generate:\n\tgo generate ./...\n"}, True),
])
def test_makefile_that_builds_with_other_go_tools_is_not_taken_for_static(tmp_path: Path, files: dict[str, str],
                                                                           static: bool) -> None:
    build = "mage build" if "magefile.go" in files else "make release"
    text = GO_MAKE.replace("golang:1.22-alpine", "golang:1.22").format(build=build)
    result = migrate(text, context=_context(tmp_path, files))
    runtime = "static" if static else "glibc-dynamic"
    assert final_stage(result).startswith(f"cgr.dev/chainguard/{runtime}:latest\n")
    assert ("MIG227" in codes(result)) is not static
