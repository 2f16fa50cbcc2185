"""Issue 9: a RUN on a stage whose image has no shell, a false MIG540 for a program in a copied directory not on
disk, gosu kept in a service's one-stage form, and inserted RUNs after the stage's start command."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, final_stage, messages, migrate, status, verdict

from migrator.validate.static import check

_DOTNET = """FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS base
WORKDIR /app
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
COPY . .
RUN dotnet publish -o /app/publish
FROM base AS final
RUN mkdir -p /app/data
COPY --from=build /app/publish .
ENTRYPOINT ["dotnet", "WebApi.dll"]
"""


def _from_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("FROM ")]


def test_a_stage_that_a_kept_run_runs_on_moves_to_a_shell_and_the_runtime_stays_distroless() -> None:
    result = migrate(_DOTNET)
    assert _from_lines(result.dockerfile) == [
        "FROM cgr.dev/chainguard/dotnet-sdk:latest-dev AS base",
        "FROM cgr.dev/chainguard/dotnet-sdk:latest-dev AS build",
        "FROM base AS final-build",
        "FROM cgr.dev/chainguard/aspnet-runtime:latest AS final",
    ]
    builder = result.dockerfile.split("FROM base AS final-build\n")[1].split("\n\n")[0]
    assert builder.startswith("USER root\nRUN mkdir -p /app/data\n")  # (dotnet-sdk's -dev runs as nonroot)
    assert "RUN" not in final_stage(result)
    assert verdict(result)[0] == "ok"
    assert messages(result, "MIG590") == ["stage 'base' moves to dotnet-sdk:latest-dev: the RUN of stage 'final' "
                                          "(line 7) runs on it, and aspnet-runtime has no shell"]
    assert not [f for f in check(result.dockerfile) if f.code in ("MIG601", "MIG612")]


def test_the_template_without_a_run_keeps_its_base_distroless() -> None:
    text = _DOTNET.replace("RUN mkdir -p /app/data\n", "")
    result = migrate(text)
    assert _from_lines(result.dockerfile)[0] == "FROM cgr.dev/chainguard/aspnet-runtime:latest AS base"
    assert "MIG590" not in codes(result)
    assert status(result) == "ok"


def test_a_run_the_migration_adds_moves_the_base_too() -> None:
    text = _DOTNET.replace("RUN mkdir -p /app/data\n", "VOLUME /data\n")
    result = migrate(text)
    assert _from_lines(result.dockerfile)[0] == "FROM cgr.dev/chainguard/dotnet-sdk:latest-dev AS base"
    builder = result.dockerfile.split("FROM base AS final-build\n")[1].split("\n\n")[0]
    assert "USER root\nRUN mkdir -p /data\n" in builder
    assert "a RUN the migration adds to stage 'final'" in messages(result, "MIG590")[0]
    assert not [f for f in check(result.dockerfile) if f.code in ("MIG601", "MIG612")]


def test_validate_says_a_run_on_a_build_stage_without_a_shell_stops_the_build() -> None:
    text = """FROM cgr.dev/chainguard/aspnet-runtime:latest AS base
WORKDIR /app
FROM base AS final-build
RUN mkdir -p /app/data
FROM cgr.dev/chainguard/aspnet-runtime:latest
COPY --from=final-build /app /app
ENTRYPOINT ["dotnet", "WebApi.dll"]
"""
    found = [(f.code, f.severity.value, f.line) for f in check(text)]
    assert ("MIG612", "error", 4) in found
    assert not [f for f in check(text.replace("aspnet-runtime:latest AS base", "dotnet-sdk:latest-dev AS base"))
                if f.code == "MIG612"]


_BIN_DIR = 'FROM node:18-alpine\nCOPY bin/ /usr/local/bin/\nENTRYPOINT ["myapp"]\n'


def test_a_program_in_a_copied_directory_not_on_disk_is_unverified_not_an_error() -> None:
    result = migrate(_BIN_DIR)
    assert not errors(result, "MIG540")
    assert status(result) == "unverified"
    assert messages(result, "MIG589") == ["`myapp` may be in what the build context's `bin/` puts on its PATH, "
                                          "which is not on disk to read: check that it holds a program called "
                                          "myapp, or give --context so that the check reads it"]
    assert "MIG589" in codes(migrate(_BIN_DIR.replace("bin/ ", "bin/* ")), "warning")


def test_with_the_context_read_the_directory_decides(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "other").write_text("x")
    assert errors(migrate(_BIN_DIR, context=tmp_path), "MIG540")
    (tmp_path / "bin" / "myapp").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(60))
    result = migrate(_BIN_DIR, context=tmp_path)
    assert status(result) == "ok" and not codes(result, "error")


_POSTGRES = """FROM postgres:16
RUN localedef -i de_DE -c -f UTF-8 de_DE.UTF-8
ENV LANG de_DE.utf8
CMD ["gosu","postgres","postgres","-c","fsync=off"]
"""


def test_a_service_kept_as_one_stage_drops_gosu_which_its_dev_image_lacks() -> None:
    result = migrate(_POSTGRES)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/postgres:latest-dev\n"
                                 "RUN localedef -i de_DE -c -f UTF-8 de_DE.UTF-8\n"
                                 "ENV LANG de_DE.utf8\n"
                                 'CMD ["postgres", "-c", "fsync=off"]\n')
    assert "MIG583" in codes(result)
    assert messages(result, "MIG508") == ["`gosu postgres` removed: postgres:latest-dev does not have it (the "
                                          "command would fail with `not found`); the stage runs as the image's "
                                          "own user"]


def test_a_gosu_the_stage_installs_stays() -> None:
    text = _POSTGRES.replace("RUN localedef", "RUN apt-get update && apt-get install -y gosu && localedef")
    result = migrate(text)
    assert 'CMD ["gosu","postgres","postgres","-c","fsync=off"]' in result.dockerfile
    assert "MIG508" not in codes(result)


def test_the_prune_goes_before_the_builder_stages_start_lines(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"scripts":{"start":"node s.js"}}')
    (tmp_path / "s.js").write_text("")
    (tmp_path / "package-lock.json").write_text("{}")
    text = ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n\n# start it\nCMD [\"node\", \"s.js\"]\n"
            "HEALTHCHECK CMD [\"node\", \"-e\", \"1\"]\nEXPOSE 3000\n")
    result = migrate(text, context=tmp_path)
    builder = result.dockerfile.split("\n\n# Runtime stage")[0]
    assert builder.endswith("RUN npm ci\nRUN npm prune --omit=dev\n\n# start it\nCMD [\"node\", \"s.js\"]\n"
                            "HEALTHCHECK CMD [\"node\", \"-e\", \"1\"]\nEXPOSE 3000")
    assert status(result) == "ok"


def test_a_stage_that_closes_with_a_step_gets_the_prune_at_its_end(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"scripts":{"start":"node s.js"}}')
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"s.js\"]\nRUN npm ci\n"
    result = migrate(text, context=tmp_path)
    assert result.dockerfile.split("\n\n# Runtime stage")[0].endswith(
        "CMD [\"node\", \"s.js\"]\nRUN npm ci\nRUN npm prune --omit=dev")


def test_a_program_a_package_of_the_original_installs_still_finds_its_runtime() -> None:
    # a glob copied into the PATH directory does not stop the search for a runtime that has supervisord
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y supervisor\n"
                     'COPY bin/* /usr/local/bin/\nCMD ["supervisord"]\n')
    assert verdict(result) == ("single-stage", "one stage on wolfi-base:latest, shell and apk kept: `supervisord` "
                               "found (in the image at /usr/bin/supervisord)")
    assert "MIG589" not in codes(result)
