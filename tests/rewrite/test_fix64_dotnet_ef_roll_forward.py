"""fix64 item 3: EF Core's tool (`dotnet ef`, `dotnet-ef`, `dotnet tool run dotnet-ef`) builds the project and loads
it on the .NET it targets, as `dotnet test` runs its test host (fix56): in a builder moved from the .NET 8 SDK to
dotnet-sdk:latest-dev (.NET 10 only) it fails ("You must install or update .NET") unless
DOTNET_ROLL_FORWARD=Major goes before it (W MIG554). A manifest's tool run (`dotnet tool run X`) counts as a pinned
tool (its manifest pins it), as `dotnet tool restore` does."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, messages, migrate

BUILT = """\
FROM mcr.microsoft.com/dotnet/sdk:{sdk} AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Api/Api.csproj -c Release -o /app
RUN {step}

FROM mcr.microsoft.com/dotnet/aspnet:{sdk}
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT ["dotnet", "Api.dll"]
"""


@pytest.mark.parametrize(("step", "named"), [
    ("dotnet ef migrations bundle -p src/Api -o /app/efbundle", "`dotnet ef` loads the project's own build"),
    ("dotnet-ef database update --project src/Api", "`dotnet-ef` loads the project's own build"),
    ("dotnet tool run dotnet-ef migrations script -o /app/migrate.sql", "`dotnet tool run dotnet-ef` loads"),
    ("dotnet tool run swagger tofile --output /app/swagger.json /app/Api.dll swagger",
     "the tool version it pins runs on .NET 8"),
])
def test_ef_and_manifest_tools_roll_forward_before_they_run(step: str, named: str) -> None:
    result = migrate(BUILT.format(sdk="8.0", step=step))
    assert f"-o /app\nENV DOTNET_ROLL_FORWARD=Major\nRUN {step}\n" in builder_stage(result)
    [warning] = [m for m in messages(result, "MIG554") if m.startswith("ENV DOTNET_ROLL_FORWARD=Major before")]
    assert named in warning


@pytest.mark.parametrize("step", ["dotnet ef --version", "dotnet-ef --help"])
def test_ef_that_loads_no_project_needs_nothing(step: str) -> None:
    result = migrate(BUILT.format(sdk="8.0", step=step))
    assert "DOTNET_ROLL_FORWARD" not in builder_stage(result)


def test_the_sdk_the_image_serves_needs_nothing() -> None:
    result = migrate(BUILT.format(sdk="10.0", step="dotnet ef migrations bundle -o /app/efbundle"))
    assert "DOTNET_ROLL_FORWARD" not in result.dockerfile
