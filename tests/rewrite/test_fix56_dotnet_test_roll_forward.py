"""fix56 item 4: `dotnet test` (and `dotnet run`) in a builder moved from the .NET 8 SDK to dotnet-sdk:latest-dev
runs the project's code (the test host) on the .NET it targets, which the image lacks: DOTNET_ROLL_FORWARD=Major
goes before it (MIG554), or the build fails with "You must install or update .NET"."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, migrate

TESTED = """\
FROM mcr.microsoft.com/dotnet/sdk:{sdk} AS build
WORKDIR /src
COPY . .
RUN dotnet restore
RUN {step}
RUN dotnet publish src/App/App.csproj -c Release -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:{sdk}
WORKDIR /app
COPY --from=build /app/publish .
ENTRYPOINT ["dotnet", "App.dll"]
"""


@pytest.mark.parametrize("step", ["dotnet test --no-restore tests/App.Tests/App.Tests.csproj",
                                  "dotnet run --project tools/Seed -- --check"])
def test_a_step_that_runs_the_project_rolls_forward_before_it(step: str) -> None:
    result = migrate(TESTED.format(sdk="8.0", step=step))
    assert f"RUN dotnet restore\nENV DOTNET_ROLL_FORWARD=Major\nRUN {step}\n" in builder_stage(result)
    warning = next(f for f in result.findings if f.code == "MIG554" and f.line == 5)
    assert "targets net8.0" in warning.message and "dotnet-sdk:latest-dev has only .NET 10" in warning.message


def test_the_sdk_the_image_serves_needs_nothing() -> None:
    result = migrate(TESTED.format(sdk="10.0", step="dotnet test"))
    assert "DOTNET_ROLL_FORWARD" not in result.dockerfile


def test_dotnet_build_alone_needs_no_roll_forward_in_the_builder() -> None:
    result = migrate(TESTED.format(sdk="8.0", step="dotnet build -c Release"))
    assert "DOTNET_ROLL_FORWARD" not in builder_stage(result)

