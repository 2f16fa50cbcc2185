"""Adversary 8, E7: a stage's USER naming a user its Chainguard image lacks and nothing creates.

BuildKit makes a stage's WORKDIR (and runs its RUN lines) as the stage's USER, which must be in the image's
/etc/passwd. Visual Studio's ASP.NET Core template switches its `base` stage to Microsoft's `app` (uid 1654)
before `WORKDIR /app`; Chainguard's aspnet-runtime has only nonroot (65532), so the build stopped at that WORKDIR.
"""

from __future__ import annotations

from migration_tools import messages, migrate, status

from migrator.parse.dockerfile import parse

VS_TEMPLATE = """\
FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS base
USER app
WORKDIR /app
EXPOSE 8080

FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY ["WebApi/WebApi.csproj", "WebApi/"]
RUN dotnet restore "./WebApi/WebApi.csproj"
COPY . .
RUN dotnet publish "./WebApi.csproj" -c Release -o /app/publish /p:UseAppHost=false

FROM base AS final
WORKDIR /app
COPY --from=build /app/publish .
ENTRYPOINT ["dotnet", "WebApi.dll"]
"""


def _users(dockerfile: str) -> set[str]:
    return {i.body.strip() for i in parse(dockerfile).instructions if i.keyword == "USER"}


def test_vs_template_base_stage_gets_the_image_user() -> None:
    result = migrate(VS_TEMPLATE)
    base = result.dockerfile.split("\n\n")[0]
    assert base.splitlines()[:3] == [
        "FROM cgr.dev/chainguard/aspnet-runtime:latest AS base", "USER nonroot", "WORKDIR /app"]
    assert _users(result.dockerfile) == {"nonroot", "root"}  # (root: the sdk stage's RUN lines)
    said = messages(result, "MIG512")
    assert len(said) == 1 and said[0].startswith("USER app -> USER nonroot: aspnet-runtime has no user app")
    assert status(result) == "ok"


def test_a_missing_group_goes_as_well_in_any_stage() -> None:
    text = VS_TEMPLATE.replace("USER app\n", "USER nonroot:app\n")
    result = migrate(text)
    assert _users(result.dockerfile) == {"nonroot", "root"}  # (root: the sdk stage's RUN lines)
    assert "has no group app" in messages(result, "MIG512")[0]


def test_static_base_stage_user_is_the_image_user() -> None:
    text = ("FROM gcr.io/distroless/static AS base\nUSER app\nWORKDIR /app\n\n"
            "FROM golang:1.22 AS build\nRUN go build -o /out/app .\n\n"
            "FROM base\nCOPY --from=build /out/app /app/app\nENTRYPOINT [\"/app/app\"]\n")
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/static:latest AS base\nUSER nonroot\nWORKDIR /app\n")


def test_known_and_created_users_are_kept() -> None:
    # the image's user, a Wolfi user, a numeric id and a variable the image sets need no change
    for user in ("nonroot", "nobody", "65532", "$APP_UID"):
        result = migrate(VS_TEMPLATE.replace("USER app\n", f"USER {user}\n"))
        assert f"AS base\nUSER {user}\nWORKDIR /app\n" in result.dockerfile
    # a stage with a shell that names the original image's user creates it (MIG562): kept
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nUSER app\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\n"
            "ENTRYPOINT [\"dotnet\", \"/app/W.dll\"]\n")
    result = migrate(text)
    assert "RUN adduser -D -u 1654 app\nUSER app\n" in result.dockerfile
    assert messages(result, "MIG562")


def test_runtime_user_with_a_group_the_image_lacks() -> None:
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -o /out\n\n"
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\nUSER nonroot:app\n"
            "ENTRYPOINT [\"dotnet\", \"/app/W.dll\"]\n")
    result = migrate(text)
    assert "\nUSER nonroot\n" in result.dockerfile and "nonroot:app" not in result.dockerfile
    assert messages(result, "MIG512")[0].endswith("; it has no group app")


def test_a_stage_given_the_builder_s_passwd_keeps_its_user() -> None:
    text = ("FROM golang:1.22 AS build\nRUN useradd -u 10001 appuser\nRUN CGO_ENABLED=0 go build -o /app .\n\n"
            "FROM gcr.io/distroless/static AS base\nCOPY --from=build /etc/passwd /etc/passwd\nUSER appuser\n"
            "WORKDIR /home/appuser\n\nFROM base\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    result = migrate(text)
    assert "/etc/passwd /etc/passwd\nUSER appuser\nWORKDIR /home/appuser\n" in result.dockerfile
