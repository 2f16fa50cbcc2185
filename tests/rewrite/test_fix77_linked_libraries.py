"""Adversary 13 H1: a binary linked against OpenSSL lost libssl when gcr.io/distroless/cc or base became glibc-dynamic
(glibc, libgcc and libstdc++ only): the final stage got the binary alone, no finding, runtime "ok", and the container
stopped at exec with "error while loading shared libraries: libssl.so.3". The libraries the source runtime carried
(rules/dockerhub.yaml carried_libraries) and the stage the binary comes from linked (openssl-dev installed, -lssl,
Cargo's openssl-sys) are now staged in that stage under /runtime-libs and copied into the runtime (I MIG521); a stage
that is not migrated gets E MIG243. Where only a link line or a crate says so (rust:1.75 and gcc:13 shipped the
headers), the builder gets openssl-dev too (I MIG313)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import builder_stage, codes, final_stage, messages, migrate

from migrator.api import start_error
from migrator.model import Severity

COPIED = "COPY --from={stage} /runtime-libs/usr/lib/ /usr/lib/\n"
STAGED = "    for path in /usr/lib/libssl.so.3* /usr/lib/libcrypto.so.3*; do \\\n"

RUST_APT = """FROM rust:1.75-bookworm AS builder
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y libssl-dev pkg-config && cargo build --release --locked

FROM gcr.io/distroless/cc-debian12
COPY --from=builder /app/target/release/svc /
ENTRYPOINT ["/svc"]
"""

C_BASE = """FROM gcc:13 AS build
RUN apt-get update && apt-get install -y libssl-dev
WORKDIR /src
COPY main.c .
RUN mkdir -p /out && gcc -O2 -o /out/app main.c -lssl -lcrypto

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""

RUST_FULL = """FROM rust:1.75 AS builder
WORKDIR /app
COPY . .
RUN cargo build --release

FROM gcr.io/distroless/cc-debian12
COPY --from=builder /app/target/release/svc /usr/local/bin/svc
ENTRYPOINT ["svc"]
"""


def _cargo(tmp_path: Path, dependency: str = 'openssl = "0.10"') -> Path:
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\n'
                                         f'reqwest = {{ version = "0.11", features = ["json"] }}\n{dependency}\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text("fn main() {}\n")
    return tmp_path


def test_distroless_cc_gets_the_openssl_the_builder_installed(tmp_path: Path) -> None:
    result = migrate(RUST_APT, context=_cargo(tmp_path))
    runtime, builder = final_stage(result), builder_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert COPIED.format(stage="builder") + "COPY --from=builder /app/target/release/svc /\n" in runtime
    assert "RUN apk add --no-cache openssl-dev pkgconf && cargo build --release --locked\n" \
           "RUN set -e; for ld in /lib/ld-linux-*.so.*" in builder
    assert STAGED in builder and builder.endswith("done < /tmp/needed; rm -f /tmp/loaded /tmp/needed\n")
    [carried] = [f for f in result.findings if f.code == "MIG521"]
    assert carried.severity is Severity.INFO and carried.line == 6
    assert "libssl3, libcrypto3" in carried.message and "gcr.io/distroless/cc-debian12 carried them" in carried.message
    assert "openssl-dev installed" in carried.message
    assert not codes(result, "error")
    assert result.runtime is not None and result.runtime.status == "ok"


def test_without_the_context_the_installed_dev_package_is_enough() -> None:
    result = migrate(RUST_APT)
    assert COPIED.format(stage="builder") in final_stage(result)
    assert "MIG521" in codes(result)


def test_a_c_binary_linked_with_lssl_on_distroless_base(tmp_path: Path) -> None:
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    result = migrate(C_BASE, context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert COPIED.format(stage="build") + "COPY --from=build /out/app /app\n" in runtime
    assert STAGED in builder_stage(result)
    [carried] = messages(result, "MIG521")
    assert "'build' linked them (openssl-dev installed; `-lssl`; `-lcrypto`)" in carried
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_link_line_on_a_full_image_adds_the_headers_too(tmp_path: Path) -> None:
    """gcc:13 is built on buildpack-deps (libssl-dev, zlib1g-dev): with no apt-get line the Chainguard builder needs
    the -dev packages the link line names, added before the compile."""
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    dockerfile = C_BASE.replace("RUN apt-get update && apt-get install -y libssl-dev\n", "").replace(
        "-lssl -lcrypto", "-lssl -lcrypto -lz").replace("distroless/base-debian12", "distroless/cc-debian12")
    result = migrate(dockerfile, context=tmp_path)
    assert "RUN mkdir -p /out && apk add --no-cache openssl-dev zlib-dev && gcc -O2 -o /out/app main.c -lssl " \
           "-lcrypto -lz\n" in builder_stage(result)
    [added] = messages(result, "MIG313")
    assert added.startswith("openssl-dev added to apk add: gcc:13 shipped `libssl-dev` and gcc-glibc:latest-dev "
                            "does not; `gcc` (line 4) may need it: `-lssl`, which links libssl3, libcrypto3; zlib-dev ")
    # (distroless/cc carried OpenSSL, not zlib: only what the source runtime had is carried)
    assert "libssl3, libcrypto3;" in messages(result, "MIG521")[0] and "zlib" not in messages(result, "MIG521")[0]
    assert COPIED.format(stage="build") in final_stage(result)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_full_rust_image_with_openssl_in_cargo_toml(tmp_path: Path) -> None:
    """rust:1.75 (buildpack-deps) had libssl-dev; the context's Cargo.toml shows the dependency."""
    result = migrate(RUST_FULL, context=_cargo(tmp_path))
    builder, runtime = builder_stage(result), final_stage(result)
    assert "RUN apk add --no-cache openssl-dev && cargo build --release\n" in builder
    assert STAGED in builder
    assert COPIED.format(stage="builder") + "COPY --from=builder /app/target/release/svc /usr/local/bin/svc\n" in runtime
    added = next(f for f in result.findings if f.code == "MIG313")
    assert added.severity is Severity.INFO
    assert "openssl-dev added to apk add: rust:1.75 shipped `libssl-dev`" in added.message
    assert "Cargo.toml has openssl, which links libssl3, libcrypto3" in added.message
    assert "Cargo.toml has openssl" in messages(result, "MIG521")[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_cargo_lock_decides_and_vendored_openssl_needs_nothing(tmp_path: Path) -> None:
    _cargo(tmp_path, 'openssl = { version = "0.10", features = ["vendored"] }')
    plain = migrate(RUST_FULL, context=tmp_path)
    assert "/runtime-libs" not in plain.dockerfile and "MIG521" not in codes(plain)
    (tmp_path / "Cargo.lock").write_text('version = 3\n\n[[package]]\nname = "native-tls"\nversion = "0.2.11"\n\n'
                                         '[[package]]\nname = "openssl-sys"\nversion = "0.9.99"\n')
    locked = migrate(RUST_FULL, context=tmp_path)  # (the lock has openssl-sys and no openssl-src)
    assert COPIED.format(stage="builder") in final_stage(locked)
    assert "Cargo.lock has native-tls" in messages(locked, "MIG521")[0]
    (tmp_path / "Cargo.lock").write_text((tmp_path / "Cargo.lock").read_text()
                                         + '\n[[package]]\nname = "openssl-src"\nversion = "300.2.1"\n')
    vendored = migrate(RUST_FULL, context=tmp_path)
    assert "/runtime-libs" not in vendored.dockerfile and "openssl-dev" not in vendored.dockerfile


def test_without_evidence_nothing_is_guessed() -> None:
    """rust:1.75 with no context: nothing says the binary links OpenSSL (W MIG416 says what the builder lacks)."""
    result = migrate(RUST_FULL)
    assert "/runtime-libs" not in result.dockerfile and "MIG521" not in codes(result)
    assert "MIG416" in codes(result)


def test_runtimes_that_carry_nothing_or_keep_it() -> None:
    nossl = migrate(RUST_APT.replace("distroless/cc-debian12", "distroless/base-nossl-debian12"))
    assert "/runtime-libs" not in nossl.dockerfile
    static = migrate(RUST_APT.replace("distroless/cc-debian12", "distroless/static-debian12"))
    assert "/runtime-libs" not in static.dockerfile


def test_alpine_final_image_carried_openssl_too() -> None:
    dockerfile = ("FROM rust:1.75-alpine AS builder\nRUN apk add --no-cache musl-dev openssl-dev pkgconfig\n"
                  "WORKDIR /app\nCOPY . .\nRUN cargo build --release\n\n"
                  "FROM alpine:3.19\nCOPY --from=builder /app/target/release/svc /usr/local/bin/svc\n"
                  'ENTRYPOINT ["svc"]\n')
    result = migrate(dockerfile)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert COPIED.format(stage="builder") in final_stage(result)
    assert "alpine:3.19 carried them" in messages(result, "MIG521")[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_chainguard_builder_stages_them_as_well() -> None:
    dockerfile = ("FROM cgr.dev/chainguard/rust:latest-dev AS builder\nUSER root\nRUN apk add --no-cache openssl-dev\n"
                  "WORKDIR /app\nCOPY . .\nRUN cargo build --release\n\n"
                  "FROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=builder /app/target/release/svc /svc\n"
                  'ENTRYPOINT ["/svc"]\n')
    result = migrate(dockerfile)
    assert STAGED in builder_stage(result) and COPIED.format(stage="builder") in final_stage(result)
    assert not codes(result, "error")


def test_a_builder_that_is_not_migrated_is_an_error() -> None:
    dockerfile = ("FROM mycorp/cbuilder:1 AS build\nRUN gcc -o /out/app main.c -lssl\n\n"
                  "FROM gcr.io/distroless/base-debian12\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
    result = migrate(dockerfile)
    assert "/runtime-libs" not in result.dockerfile
    [missing] = [f for f in result.findings if f.code == "MIG243"]
    assert missing.severity is Severity.ERROR and missing.line == 4
    assert missing.message.startswith("libssl3, libcrypto3: gcr.io/distroless/base-debian12 carried them")
    assert "'build' is not migrated" in missing.message
    # the binary stops at exec: the migration is not offered (printing and --write give the file as it was)
    assert result.runtime is not None and (result.runtime.status, result.runtime.reason) == ("broken", missing.message)
    assert start_error(result) == missing


def test_a_nonroot_builder_stages_as_root_and_gives_the_user_back() -> None:
    dockerfile = RUST_APT.replace("--locked\n", "--locked\nRUN useradd -m app\nUSER app\n", 1)
    builder = builder_stage(migrate(dockerfile))
    assert "RUN adduser -D app\nUSER app\nUSER root\nRUN set -e; for ld in" in builder
    assert builder.endswith("rm -f /tmp/loaded /tmp/needed\nUSER app\n")


ALPINE_BUILDER = ("FROM rust:1.75-alpine AS builder\nRUN apk add --no-cache musl-dev openssl-dev\nWORKDIR /app\n"
                  "COPY . .\nRUN cargo build --release\n\n")


def test_a_split_final_stage_copies_them_from_the_stage_that_linked_them() -> None:
    dockerfile = ALPINE_BUILDER + ("FROM alpine:3.19\nRUN apk add --no-cache tini && mkdir -p /data\n"
                                   "COPY --from=builder /app/target/release/svc /usr/local/bin/svc\nWORKDIR /data\n"
                                   'ENTRYPOINT ["tini", "--", "svc"]\n')
    result = migrate(dockerfile)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n" + COPIED.format(stage="builder"))
    assert "COPY --from=builder-2 /usr/local/bin/svc /usr/local/bin/svc\n" in runtime
    assert "'builder' linked them (openssl-dev installed)" in messages(result, "MIG521")[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_final_stage_kept_on_wolfi_base_for_its_script_copies_them_too(tmp_path: Path) -> None:
    (tmp_path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec svc "$@"\n')
    dockerfile = ALPINE_BUILDER + ("FROM alpine:3.19\nCOPY --from=builder /app/target/release/svc /usr/local/bin/svc\n"
                                   'COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n')
    result = migrate(dockerfile, context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/wolfi-base:latest\n" + COPIED.format(stage="builder"))
    assert result.runtime is not None and result.runtime.status == "shell-kept"
