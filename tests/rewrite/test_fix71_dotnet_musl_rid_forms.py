"""fix71 (adversary 12 G10): every way of naming a .NET musl runtime identifier is read as `-r linux-musl-x64` is
(fix56): `--os linux-musl` (SDK 6+: RID linux-musl-<arch>), the legacy Alpine identifiers (`alpine-x64`,
`alpine.3.18-arm64`), an architecture a variable holds (`linux-musl-$TARGETARCH`), `--runtime=`, `-r:`,
`/p:RuntimeIdentifiers=`, a global ARG the stage reads, and the publish directory named after it. In a builder on
the glibc dotnet-sdk each becomes the glibc form (W MIG232): a musl apphost cannot start on glibc-dynamic. A project
file's legacy `<RuntimeIdentifier>alpine-x64` is E MIG233 as its linux-musl form is."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, messages, migrate

from migrator.model import Severity

REPRO = """\
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build
ARG TARGETARCH
WORKDIR /source
COPY *.csproj .
RUN dotnet restore {form}
COPY . .
RUN dotnet publish --no-restore {form} --self-contained true -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
ENTRYPOINT ["./aspnetapp"]
"""


@pytest.mark.parametrize(("form", "glibc", "named"), [
    ("--os linux-musl -a $TARGETARCH", "--os linux -a $TARGETARCH", "--os linux-musl -> --os linux"),
    ("--os=linux-musl --arch $TARGETARCH", "--os=linux --arch $TARGETARCH", "--os=linux-musl -> --os=linux"),
    ("--runtime alpine-x64", "--runtime linux-x64", "alpine-x64 -> linux-x64"),
    ("-r alpine.3.18-arm64", "-r linux-arm64", "alpine.3.18-arm64 -> linux-arm64"),
    ("-r linux-musl-$TARGETARCH", "-r linux-$TARGETARCH", "linux-musl-$TARGETARCH -> linux-$TARGETARCH"),
    ("--runtime=linux-musl-${TARGETARCH}", "--runtime=linux-${TARGETARCH}",
     "linux-musl-${TARGETARCH} -> linux-${TARGETARCH}"),
    ("--os:alpine -a x64", "--os:linux -a x64", "--os:alpine -> --os:linux"),
    ('/p:RuntimeIdentifiers="linux-musl-x64;alpine-arm64"', '/p:RuntimeIdentifiers="linux-x64;linux-arm64"',
     "linux-musl-x64 -> linux-x64, alpine-arm64 -> linux-arm64"),
])
def test_every_form_of_a_musl_identifier_becomes_the_glibc_one(form: str, glibc: str, named: str) -> None:
    result = migrate(REPRO.format(form=form))
    builder = builder_stage(result)
    assert f"\nRUN dotnet restore {glibc}\n" in builder
    assert f"\nRUN dotnet publish --no-restore {glibc} --self-contained true -o /app\n" in builder
    assert "musl" not in result.dockerfile and "alpine" not in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    found = [f for f in result.findings if f.code == "MIG232"]
    assert [f.line for f in found] == [5, 7] and all(f.severity is Severity.WARNING for f in found)
    assert all(f.message.startswith(f"{named}: an app published for musl") for f in found)


def test_a_global_arg_the_builder_reads_and_the_publish_directory_copied_from_it() -> None:
    text = ("ARG RID=alpine-x64\nARG BASE=alpine-x64\n"
            "FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nARG RID\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish App.csproj -c Release -r $RID --self-contained\n"
            "RUN cp -r bin/Release/net8.0/linux-musl-x64/publish /out\n\n"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\n"
            "COPY --from=build /src/bin/Release/net8.0/alpine-x64/publish /app\nCOPY --from=build /out /out\n"
            "ENTRYPOINT [\"/app/App\"]\n")
    result = migrate(text)
    # (BASE is read by no stage on dotnet-sdk: not an identifier the tool can tell)
    assert result.dockerfile.startswith("ARG RID=linux-x64\nARG BASE=alpine-x64\n")
    assert "RUN dotnet publish App.csproj -c Release -r $RID --self-contained\n" in result.dockerfile
    assert "RUN cp -r bin/Release/net8.0/linux-x64/publish /out\n" in result.dockerfile
    assert "COPY --from=build /src/bin/Release/net8.0/linux-x64/publish /app\n" in final_stage(result)
    assert [f.line for f in result.findings if f.code == "MIG232"] == [1, 8, 11]
    [copied] = [m for m in messages(result, "MIG232") if "writes the app to this directory" in m]
    assert copied.startswith("net8.0/alpine-x64 -> net8.0/linux-x64: the publish for the glibc runtime identifier")


def test_names_that_are_not_identifiers_are_kept() -> None:
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\n"
            "RUN wget https://example.com/tool-alpine-x64.tar.gz && tar xf tool-alpine-x64.tar.gz "
            "&& cp /opt/alpine-x64/tool /usr/local/bin/ && echo --os-name linux-musl\n"
            "RUN cp -r alpine /usr/share/alpine && rm -r linux-musl\n"
            "RUN dotnet publish -c Release -o /app\n\n"
            "FROM alpine:3.19\nRUN echo alpine-x64\nCOPY --from=build /app /app\nENTRYPOINT [\"/app/App\"]\n")
    result = migrate(text)
    assert ("RUN wget https://example.com/tool-alpine-x64.tar.gz && tar xf tool-alpine-x64.tar.gz "
            "&& cp /opt/alpine-x64/tool /usr/local/bin/ && echo --os-name linux-musl\n"
            "RUN cp -r alpine /usr/share/alpine && rm -r linux-musl\n") in result.dockerfile
    assert "MIG232" not in codes(result)


def _csproj(root: Path, rid: str) -> None:
    (root / "App.csproj").write_text(
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net8.0</TargetFramework>"
        f"<RuntimeIdentifier>{rid}</RuntimeIdentifier><SelfContained>true</SelfContained></PropertyGroup>"
        "</Project>\n")


def test_a_legacy_alpine_identifier_in_the_project_file_is_an_error(tmp_path: Path) -> None:
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish App.csproj -c Release{options} -o /out\n\n"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\nCOPY --from=build /out /app\n"
            "ENTRYPOINT [\"/app/App\"]\n")
    _csproj(tmp_path, "alpine.3.18-x64")
    result = migrate(text.format(options=""), context=tmp_path)
    [error] = [f for f in result.findings if f.code == "MIG233"]
    assert error.severity is Severity.ERROR and error.line == 4
    assert error.message.startswith("`dotnet publish` builds for alpine.3.18-x64, the <RuntimeIdentifier> of App.csproj")
    assert "set it to linux-x64 in the project" in error.message
    # (`--os` and `-a` make the identifier from the SDK's own, glibc, half: the project's is not used)
    for options in (" --os linux-musl", " -a x64", " --arch=arm64"):
        result = migrate(text.format(options=options), context=tmp_path)
        assert "MIG233" not in codes(result)


def test_a_dotnet_the_builder_installs_is_glibc_too_other_commands_are_kept() -> None:
    text = ("FROM alpine:3.19 AS build\nRUN apk add --no-cache dotnet9-sdk\nCOPY . /src\n"
            "RUN echo linux-musl-x64 > /tmp/target\n"
            "RUN dotnet publish /src/App.csproj -r linux-musl-x64 --self-contained\n\n"
            "FROM alpine:3.19\nCOPY --from=build /src/bin/Release/net9.0/linux-musl-x64/publish /app\n"
            "ENTRYPOINT [\"/app/App\"]\n")
    result = migrate(text)
    assert "RUN echo linux-musl-x64 > /tmp/target\n" in result.dockerfile
    assert "RUN dotnet publish /src/App.csproj -r linux-x64 --self-contained\n" in result.dockerfile
    assert "COPY --from=build /src/bin/Release/net9.0/linux-x64/publish /app\n" in final_stage(result)
    assert [f.line for f in result.findings if f.code == "MIG232"] == [5, 8]
