"""fix56 item 2: a .NET app published for a musl runtime identifier (`-r linux-musl-x64`, the -alpine images'
habit; a variable the build reads; a project file's <RuntimeIdentifier>) has a musl apphost, which cannot start on
the glibc of Chainguard's images: the Dockerfile's identifiers become the glibc ones (W MIG232), a project file's
is an error (E MIG233). A project file's <SelfContained> is read as the command line's is (no roll-forward)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, final_stage, migrate

ALPINE_PUBLISH = """\
FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build
WORKDIR /src
COPY . .
RUN dotnet restore src/App/App.csproj{restore}
RUN dotnet publish src/App/App.csproj -c Release --no-restore{publish} -o /app

FROM mcr.microsoft.com/dotnet/{runtime}
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT {start}
"""


def _messages(result: object, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("written", "glibc"), [
    (" -r linux-musl-x64 --self-contained", " -r linux-x64 --self-contained"),
    (" --runtime linux-musl-arm64 --self-contained true", " --runtime linux-arm64 --self-contained true"),
    (" -p:RuntimeIdentifier=linux-musl-x64 -p:PublishSingleFile=true",
     " -p:RuntimeIdentifier=linux-x64 -p:PublishSingleFile=true"),
])
def test_a_musl_runtime_identifier_becomes_the_glibc_one(written: str, glibc: str) -> None:
    restore = written.split(" --self")[0].split(" -p:Publish")[0]
    result = migrate(ALPINE_PUBLISH.format(restore=restore, publish=written, runtime="runtime-deps:8.0-alpine",
                                           start='["./App"]'))
    builder = builder_stage(result)
    assert f"RUN dotnet publish src/App/App.csproj -c Release --no-restore{glibc} -o /app\n" in builder
    assert f"RUN dotnet restore src/App/App.csproj{restore.replace('musl-', '')}\n" in builder
    assert "musl" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert final_stage(result).endswith('ENTRYPOINT ["./App"]\n')
    assert len(_messages(result, "MIG232")) == 2


def test_identifiers_a_variable_holds_and_urls_that_name_one() -> None:
    text = ("FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nARG TARGETPLATFORM\n"
            "RUN if [ \"$TARGETPLATFORM\" = \"linux/amd64\" ]; then \\\n    RID=linux-musl-x64 ; \\\n"
            "    else RID=linux-musl-arm64 ; fi \\\n    && echo \"RID=$RID\" > /tmp/rid.txt\n"
            "RUN wget https://example.com/tool-linux-musl-x64.tar.gz\n"
            "COPY . .\nRUN . /tmp/rid.txt && dotnet publish -c release --self-contained -r $RID -o /out\n\n"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\nCOPY --from=build /out /app\n"
            "ENTRYPOINT [\"/app/App\"]\n")
    result = migrate(text)
    assert "    RID=linux-x64 ; \\\n    else RID=linux-arm64 ; fi \\\n" in result.dockerfile
    assert "RUN wget https://example.com/tool-linux-musl-x64.tar.gz\n" in result.dockerfile


def _project(tmp_path: Path, properties: str) -> Path:
    (tmp_path / "src" / "App").mkdir(parents=True)
    (tmp_path / "src" / "App" / "App.csproj").write_text(
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n"
        f"    {properties}\n  </PropertyGroup>\n</Project>\n")
    return tmp_path


def test_a_musl_identifier_in_the_project_file_is_an_error(tmp_path: Path) -> None:
    context = _project(tmp_path, "<RuntimeIdentifier>linux-musl-x64</RuntimeIdentifier>"
                                 "<SelfContained>true</SelfContained>")
    result = migrate(ALPINE_PUBLISH.format(restore="", publish="", runtime="runtime-deps:8.0-alpine",
                                           start='["./App"]'), context=context)
    found = [f for f in result.findings if f.code == "MIG233"]
    assert len(found) == 1 and found[0].line == 5
    assert "linux-musl-x64, the <RuntimeIdentifier> of src/App/App.csproj" in found[0].message
    assert "set it to linux-x64 in the project" in found[0].message
    # (a publish that names its own identifier is not the project's)
    result = migrate(ALPINE_PUBLISH.format(restore=" -r linux-x64", publish=" -r linux-x64",
                                           runtime="runtime-deps:8.0-alpine", start='["./App"]'), context=context)
    assert not _messages(result, "MIG233")


def test_without_a_project_file_nothing_new_is_said(tmp_path: Path) -> None:
    result = migrate(ALPINE_PUBLISH.format(restore="", publish="", runtime="runtime-deps:8.0-alpine",
                                           start='["./App"]'), context=tmp_path)
    assert not _messages(result, "MIG233") and not _messages(result, "MIG232")


def test_a_project_file_that_publishes_self_contained_needs_no_roll_forward(tmp_path: Path) -> None:
    text = ALPINE_PUBLISH.format(restore="", publish="", runtime="aspnet:8.0", start='["./App"]').replace(
        "sdk:8.0-alpine", "sdk:8.0")
    assert "DOTNET_ROLL_FORWARD=Major" in final_stage(migrate(text, context=tmp_path))
    context = _project(tmp_path, "<RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>true</SelfContained>")
    result = migrate(text, context=context)
    assert "DOTNET_ROLL_FORWARD" not in final_stage(result)
    assert not _messages(result, "MIG233")
