"""Adversary round 10, D18: DOTNET_ROLL_FORWARD=Major for a .NET 8 app started as one command of a shell line
beside a self-contained migrations bundle, and before a .NET tool pinned for the .NET 8 SDK in the builder."""

from __future__ import annotations

from migration_tools import builder_stage, final_stage, migrate

EF_BUNDLE = """\
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY . .
{tool}ENV PATH="$PATH:/root/.dotnet/tools"
RUN dotnet publish -c Release -o /app
RUN dotnet ef migrations bundle -o /app/efbundle --self-contained -r linux-x64

FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT {start}
"""

CHAINED = '["sh", "-c", "./efbundle --connection \\"$DB\\" && dotnet Api.dll"]'


def _roll_forward(result: object) -> list[str]:
    return [f.message for f in result.findings if f.code == "MIG554"]  # type: ignore[attr-defined]


def test_dotnet_app_second_in_a_shell_line_beside_a_self_contained_bundle_rolls_forward() -> None:
    result = migrate(EF_BUNDLE.format(tool="", start=CHAINED))
    assert "\nENV DOTNET_ROLL_FORWARD=Major\nWORKDIR /app\n" in final_stage(result)
    # (fix64: `dotnet ef` loads the net8.0 project in the builder, on the SDK image's .NET 10)
    assert "\nENV DOTNET_ROLL_FORWARD=Major\nRUN dotnet ef migrations bundle" in builder_stage(result)
    assert len(_roll_forward(result)) == 2


def test_self_contained_app_started_directly_is_left_alone() -> None:
    text = EF_BUNDLE.format(tool="", start='["./Api"]').replace(
        "dotnet publish -c Release -o /app", "dotnet publish -c Release -o /app --self-contained -r linux-x64")
    result = migrate(text)
    assert "DOTNET_ROLL_FORWARD" not in final_stage(result)
    assert [m for m in _roll_forward(result) if "dotnet ef" not in m] == []  # (the builder's: fix64)


def test_pinned_dotnet_tool_in_the_builder_rolls_forward_before_it_runs() -> None:
    tool = "RUN dotnet tool install --global dotnet-ef --version 8.0.0\n"
    result = migrate(EF_BUNDLE.format(tool=tool, start=CHAINED))
    assert ("COPY . .\nENV DOTNET_ROLL_FORWARD=Major\nRUN dotnet tool install --global dotnet-ef --version 8.0.0\n"
            in builder_stage(result))
    tool_warning = next(m for m in _roll_forward(result) if "dotnet tool install" in m)
    assert "dotnet-ef --version 8.0.0" in tool_warning and ".NET 8" in tool_warning


def test_dotnet_tool_restore_of_a_manifest_rolls_forward_too() -> None:
    result = migrate(EF_BUNDLE.format(tool="RUN dotnet tool restore\n", start='["dotnet", "Api.dll"]'))
    assert "COPY . .\nENV DOTNET_ROLL_FORWARD=Major\nRUN dotnet tool restore\n" in builder_stage(result)


def test_unpinned_tool_is_left_alone_until_it_loads_the_project() -> None:
    result = migrate(EF_BUNDLE.format(tool="RUN dotnet tool install --global dotnet-ef\n", start='["dotnet", "Api.dll"]'))
    assert "ENV DOTNET_ROLL_FORWARD=Major\nRUN dotnet tool install" not in builder_stage(result)
    assert "\nENV DOTNET_ROLL_FORWARD=Major\nRUN dotnet ef migrations bundle" in builder_stage(result)
