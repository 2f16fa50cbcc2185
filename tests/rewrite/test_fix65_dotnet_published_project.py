"""fix65 (review 18 S18-1, S18-3): a musl <RuntimeIdentifier> is judged in the project the `dotnet publish` really
builds (its argument, else the project or solution in the directory it runs in, mapped back through the COPY lines
to the build context, with the nearest Directory.Build.props above it), and is an error (E MIG233) only when the app
cannot start: self-contained, or started by its musl apphost. A framework-dependent net8+ app started as `dotnet
App.dll` runs on the glibc dotnet: a warning about its packages' musl native libraries (W MIG595)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, final_stage, messages, migrate

from migrator.model import Severity

DLL_START = """\
FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build
WORKDIR /src
COPY . .
RUN dotnet publish App.csproj -c Release -o /out
FROM mcr.microsoft.com/dotnet/aspnet:8.0-alpine
COPY --from=build /out /app
ENTRYPOINT {start}
"""


def _write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)


def _csproj(properties: str, framework: str = "net8.0") -> str:
    return (f"<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>{framework}</TargetFramework>"
            f"{properties}</PropertyGroup></Project>\n")


MUSL = "<RuntimeIdentifier>linux-musl-x64</RuntimeIdentifier>"


def test_a_framework_dependent_app_started_by_dotnet_is_a_warning_not_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "App.csproj", _csproj(MUSL))
    result = migrate(DLL_START.format(start='["dotnet", "/app/App.dll"]'), context=tmp_path)
    assert "MIG233" not in codes(result)
    assert "MIG233" not in codes(result, Severity.ERROR) and not codes(result, Severity.ERROR)
    [warning] = messages(result, "MIG595")
    assert warning.startswith("`dotnet publish` builds for linux-musl-x64, the <RuntimeIdentifier> of App.csproj: "
                              "the app is framework-dependent and starts as `dotnet App.dll`")
    assert "set it to linux-x64 in the project" in warning
    assert final_stage(result).endswith('ENTRYPOINT ["dotnet", "/app/App.dll"]\n')


def test_the_same_app_started_by_its_apphost_or_self_contained_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "App.csproj", _csproj(MUSL))
    started = migrate(DLL_START.format(start='["/app/App"]'), context=tmp_path)
    [error] = messages(started, "MIG233")
    assert "a musl app started by `/app/App`, not by `dotnet App.dll`: its musl apphost" in error
    assert "MIG595" not in codes(started)
    for properties, framework in ((MUSL + "<SelfContained>true</SelfContained>", "net8.0"), (MUSL, "net6.0")):
        _write(tmp_path, "App.csproj", _csproj(properties, framework))
        result = migrate(DLL_START.format(start='["dotnet", "/app/App.dll"]'), context=tmp_path)
        [error] = messages(result, "MIG233")
        assert "a self-contained musl app, which cannot start" in error, framework


def test_only_the_project_the_publish_names_is_read(tmp_path: Path) -> None:
    """S18-3: a musl tool project elsewhere in the context is not the app's (nor its SelfContained: the app is
    framework-dependent, so it still needs the roll-forward to the Chainguard image's .NET)."""
    _write(tmp_path, "src/Api/Api.csproj", _csproj(""))
    _write(tmp_path, "tools/Probe/Probe.csproj", _csproj(MUSL + "<SelfContained>true</SelfContained>"))
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY src/Api/ ./\n"
            "RUN dotnet publish Api.csproj -c Release -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
            "COPY --from=build /out /app\nENTRYPOINT [\"dotnet\", \"/app/Api.dll\"]\n")
    result = migrate(text, context=tmp_path)
    assert "MIG233" not in codes(result) and "MIG595" not in codes(result)
    assert "ENV DOTNET_ROLL_FORWARD=Major\n" in final_stage(result)


def test_a_publish_without_argument_reads_the_project_of_its_directory(tmp_path: Path) -> None:
    _write(tmp_path, "src/Api/Api.csproj", _csproj(MUSL + "<SelfContained>true</SelfContained>"))
    _write(tmp_path, "src/Other/Other.csproj", _csproj(""))
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nWORKDIR /src\nCOPY . .\n{step}"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\nCOPY --from=build /out /app\n"
            "ENTRYPOINT [\"/app/Api\"]\n")
    for step in ("WORKDIR /src/src/Api\nRUN dotnet publish -c Release -o /out\n",
                 "RUN cd src/Api && dotnet publish -c Release -o /out\n"):
        [error] = messages(migrate(text.format(step=step), context=tmp_path), "MIG233")
        assert "the <RuntimeIdentifier> of src/Api/Api.csproj" in error
    other = "WORKDIR /src/src/Other\nRUN dotnet publish -c Release -o /out\n"
    assert "MIG233" not in codes(migrate(text.format(step=other), context=tmp_path))


def test_directory_build_props_counts_when_the_build_copies_it(tmp_path: Path) -> None:
    _write(tmp_path, "Directory.Build.props", f"<Project><PropertyGroup>{MUSL}<SelfContained>true</SelfContained>"
                                              "</PropertyGroup></Project>\n")
    _write(tmp_path, "src/Api/Api.csproj", _csproj(""))
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nWORKDIR /src\n{copy}\n"
            "RUN dotnet publish src/Api/Api.csproj -c Release -o /out\n"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\nCOPY --from=build /out /app\n"
            "ENTRYPOINT [\"/app/Api\"]\n")
    [error] = messages(migrate(text.format(copy="COPY . ."), context=tmp_path), "MIG233")
    assert "the <RuntimeIdentifier> of src/Api/Api.csproj" in error
    # (the project's own identifier wins over the props file's)
    _write(tmp_path, "src/Api/Api.csproj", _csproj("<RuntimeIdentifier>linux-x64</RuntimeIdentifier>"))
    assert "MIG233" not in codes(migrate(text.format(copy="COPY . ."), context=tmp_path))
    # (a props file the build never copies is not read)
    _write(tmp_path, "src/Api/Api.csproj", _csproj(""))
    assert "MIG233" not in codes(migrate(text.format(copy="COPY src/Api/ src/Api/"), context=tmp_path))


def test_a_solution_publishes_the_projects_it_lists(tmp_path: Path) -> None:
    _write(tmp_path, "App.sln", 'Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Api", "src\\Api\\Api.csproj", '
                                '"{11111111-1111-1111-1111-111111111111}"\nEndProject\n')
    _write(tmp_path, "src/Api/Api.csproj", _csproj(MUSL + "<SelfContained>true</SelfContained>"))
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish -c Release -o /out\nFROM mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine\n"
            "COPY --from=build /out /app\nENTRYPOINT [\"/app/Api\"]\n")
    [error] = messages(migrate(text, context=tmp_path), "MIG233")
    assert "the <RuntimeIdentifier> of src/Api/Api.csproj" in error


def test_globalization_invariance_is_read_from_the_published_project_too(tmp_path: Path) -> None:
    """The same rule for ICU (MIG229): a Directory.Build.props of another tree that sets InvariantGlobalization does
    not make the app invariant (on glibc-dynamic, without ICU, it would abort at start); the one above the project
    the publish builds, copied with it, does."""
    _write(tmp_path, "src/Api/Api.csproj", _csproj(""))
    _write(tmp_path, "tools/Directory.Build.props",
           "<Project><PropertyGroup><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup></Project>\n")
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY {source} ./\n"
            "RUN dotnet publish {project} -c Release --self-contained -r linux-x64 -o /out\n"
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0\nCOPY --from=build /out /app\nENTRYPOINT [\"/app/Api\"]\n")
    result = migrate(text.format(source="src/Api/", project="Api.csproj"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/dotnet-runtime:latest\n")
    [icu] = messages(result, "MIG229")
    assert "src/Api/Api.csproj does not set <InvariantGlobalization>" in icu
    _write(tmp_path, "src/Directory.Build.props",
           "<Project><PropertyGroup><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup></Project>\n")
    result = migrate(text.format(source=".", project="src/Api/Api.csproj"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert "MIG229" not in codes(result)
