"""Adversary round 10, D6: a self-contained .NET app on runtime-deps moves to glibc-dynamic, which has no ICU:
the -alpine tag's globalization-invariant mode is carried, a project that sets InvariantGlobalization keeps
glibc-dynamic, and any other app gets a runtime with ICU (W MIG229). No MIG220: runtime-deps serves no .NET."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, migrate

SELF_CONTAINED = """\
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /source
COPY aspnetapp/. .
RUN dotnet publish -o /app --self-contained true

FROM mcr.microsoft.com/dotnet/runtime-deps:{tag}
EXPOSE 8080
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT ["./aspnetapp"]
"""

PROJECT = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>{extra}
  </PropertyGroup>
</Project>
"""


def _context(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "aspnetapp").mkdir()
    (tmp_path / "aspnetapp" / "aspnetapp.csproj").write_text(PROJECT.format(extra=extra))
    return tmp_path


def _codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


def test_alpine_runtime_deps_carries_the_invariant_mode(tmp_path: Path) -> None:
    result = migrate(SELF_CONTAINED.format(tag="8.0-alpine"), context=_context(tmp_path))
    assert final_stage(result) == (
        "cgr.dev/chainguard/glibc-dynamic:latest\n"
        "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true\n"
        "ENV ASPNETCORE_HTTP_PORTS=8080\n"  # (fix65: runtime-deps's own, which glibc-dynamic does not set)
        "EXPOSE 8080\nWORKDIR /app\nCOPY --chown=65532:65532 --from=build /app .\nENTRYPOINT [\"./aspnetapp\"]\n")
    assert "MIG229" not in _codes(result)
    assert not [f for f in result.findings if f.code == "MIG220" and "runtime-deps" in f.message]


@pytest.mark.parametrize("context", [True, False])
def test_debian_runtime_deps_app_not_known_invariant_gets_icu(tmp_path: Path, context: bool) -> None:
    result = migrate(SELF_CONTAINED.format(tag="8.0"), context=_context(tmp_path) if context else None)
    assert final_stage(result).startswith("cgr.dev/chainguard/dotnet-runtime:latest\n")
    assert "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT" not in result.dockerfile
    warning = next(f for f in result.findings if f.code == "MIG229")
    assert warning.severity.value == "warning"
    expected = "aspnetapp/aspnetapp.csproj does not set" if context else "no project file in the build context"
    assert expected in warning.message
    assert result.runtime is not None and result.runtime.status == "ok"
    assert "DOTNET_ROLL_FORWARD" not in result.dockerfile  # (self-contained: its own runtime)


def test_project_that_sets_invariant_globalization_keeps_glibc_dynamic(tmp_path: Path) -> None:
    context = _context(tmp_path, "\n    <InvariantGlobalization>true</InvariantGlobalization>")
    result = migrate(SELF_CONTAINED.format(tag="8.0-jammy"), context=context)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG229" not in _codes(result)


def test_dockerfile_that_sets_invariant_keeps_glibc_dynamic() -> None:
    text = SELF_CONTAINED.format(tag="8.0").replace("EXPOSE 8080\n", "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1\n")
    result = migrate(text)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert result.dockerfile.count("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT") == 1


def test_aspnet_alpine_keeps_its_invariant_mode_on_aspnet_runtime() -> None:
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-alpine\nWORKDIR /app\n"
            "COPY --from=build /app .\nENTRYPOINT [\"dotnet\", \"Api.dll\"]\n")
    final = final_stage(migrate(text))
    assert final.startswith("cgr.dev/chainguard/aspnet-runtime:latest\n")
    assert "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true\n" in final


def test_the_started_programs_project_decides_among_several(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Web.csproj").write_text(PROJECT.format(
        extra="\n    <AssemblyName>aspnetapp</AssemblyName>\n    <InvariantGlobalization>true</InvariantGlobalization>"))
    (tmp_path / "src" / "Web.Tests.csproj").write_text(PROJECT.format(extra=""))
    result = migrate(SELF_CONTAINED.format(tag="8.0"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    (tmp_path / "src" / "Web.csproj").write_text(PROJECT.format(extra="\n    <AssemblyName>aspnetapp</AssemblyName>"))
    result = migrate(SELF_CONTAINED.format(tag="8.0"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/dotnet-runtime:latest\n")
    assert "src/Web.csproj does not set" in next(f.message for f in result.findings if f.code == "MIG229")
