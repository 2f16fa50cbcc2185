"""fix64 item 2: a project whose `.cargo/config.toml` sets `[build] target = "<arch>-unknown-linux-musl"` builds a
musl program into target/<target>/release with a plain `cargo build`. Chainguard's rust has no musl standard
library and no rustup, so the build is made for the builder's own glibc target into that same directory, with the
config's target line deleted first (cargo cannot unset it on its command line): W MIG231, glibc-dynamic runtime,
the copied path right on both platforms. The config is read in the build context (BuildContext)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, final_stage, messages, migrate

BUILT = """\
FROM rust:1.82 AS build
WORKDIR /src
COPY . .
RUN {build}

FROM scratch
COPY --from=build /src/target/{target}/release/app /app
ENTRYPOINT ["/app"]
"""


def _project(root: Path, config: str, name: str = "config.toml") -> None:
    (root / ".cargo").mkdir()
    (root / ".cargo" / name).write_text(config)
    (root / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n')


@pytest.mark.parametrize("target", ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"])
def test_a_configured_musl_target_is_built_for_glibc_into_its_directory(tmp_path: Path, target: str) -> None:
    _project(tmp_path, f'[build]\ntarget = "{target}"\n\n[target.{target}]\nrustflags = ["-C", "opt-level=3"]\n')
    result = migrate(BUILT.format(build="cargo build --release", target=target), context=tmp_path)
    assert ("RUN sed -i -E '/^[[:space:]]*(build[.])?target[[:space:]]*=/d' /src/.cargo/config.toml && "
            f"cargo build --release --target-dir target/{target}\n") in builder_stage(result)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert f"COPY --from=build /src/target/{target}/release/app /app\n" in final_stage(result)
    [warning] = messages(result, "MIG231")
    assert f"builds for {target}, which /src/.cargo/config.toml (the project's cargo config) sets" in warning


def test_a_legacy_config_a_subdirectory_build_and_an_own_target_dir(tmp_path: Path) -> None:
    _project(tmp_path, 'build.target = "x86_64-unknown-linux-musl"\n', name="config")
    (tmp_path / "server").mkdir()
    build = "cd server && cargo build --release --target-dir /out"
    result = migrate(BUILT.format(build=build, target="x86_64-unknown-linux-musl"), context=tmp_path)
    assert ("RUN cd server && sed -i -E '/^[[:space:]]*(build[.])?target[[:space:]]*=/d' /src/.cargo/config && "
            "cargo build --release --target-dir /out/x86_64-unknown-linux-musl\n") in builder_stage(result)


@pytest.mark.parametrize("build", ["cargo build --release --target x86_64-unknown-linux-gnu",
                                   "cargo build --release"])
def test_a_target_of_the_command_or_a_glibc_config_is_left_alone(tmp_path: Path, build: str) -> None:
    config = "x86_64-unknown-linux-gnu" if "--target" not in build else "x86_64-unknown-linux-musl"
    _project(tmp_path, f'[build]\ntarget = "{config}"\n')
    result = migrate(BUILT.format(build=build, target="x86_64-unknown-linux-gnu"), context=tmp_path)
    assert f"RUN {build}\n" in builder_stage(result)
    assert "sed -i" not in result.dockerfile and not messages(result, "MIG231")


def test_a_config_the_stage_does_not_copy_is_not_read(tmp_path: Path) -> None:
    _project(tmp_path, '[build]\ntarget = "x86_64-unknown-linux-musl"\n')
    text = BUILT.format(build="cargo build --release", target="release").replace(
        "COPY . .", "COPY Cargo.toml Cargo.lock ./\nCOPY src ./src")
    result = migrate(text, context=tmp_path)
    assert "RUN cargo build --release\n" in builder_stage(result) and not messages(result, "MIG231")
