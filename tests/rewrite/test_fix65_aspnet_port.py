"""fix65 (review 18 N18-1): mcr.microsoft.com/dotnet/aspnet up to 7.0 set ASPNETCORE_URLS=http://+:80, and its app
listened on 80; on Chainguard's aspnet-runtime (ASPNETCORE_HTTP_PORTS=8080) it moved to 8080 with no finding, and
`-p 5106:80` reached nothing. The source image's setting is carried (rules: upstream `runtime_env`), and W MIG511 names
both ports and what port 80 under uid 65532 needs. runtime-deps's setting is carried to glibc-dynamic, which has none
(Kestrel would listen on localhost:5000 only)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.model import Result

APP = """\
FROM mcr.microsoft.com/dotnet/sdk:{sdk} AS build
WORKDIR /src
COPY . .
RUN dotnet publish Web.csproj -c Release -o /out
FROM mcr.microsoft.com/dotnet/{runtime}
{env}COPY --from=build /out /app
ENTRYPOINT {start}
"""


def _migrate(runtime: str, env: str = "", sdk: str = "6.0", start: str = '["dotnet", "/app/Web.dll"]') -> Result:
    return migrate(APP.format(sdk=sdk, runtime=runtime, env=env, start=start))


@pytest.mark.parametrize("tag", ["aspnet:6.0", "aspnet:5.0-bullseye-slim", "aspnet:7.0-alpine"])
def test_an_aspnet_app_keeps_port_80_and_is_told_what_it_needs(tag: str) -> None:
    result = _migrate(tag)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/aspnet-runtime:latest\n")
    assert "ASPNETCORE_URLS=http://+:80\n" in runtime
    assert ("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true" in runtime) == tag.endswith("alpine")
    [port] = [m for m in messages(result, "MIG511") if m.startswith("ENV ASPNETCORE_URLS=http://+:80")]
    assert f"mcr.microsoft.com/dotnet/{tag} set it, and the app listened on port 80" in port
    assert "aspnet-runtime sets ASPNETCORE_HTTP_PORTS=8080, so without it the app would listen on 8080" in port
    assert "Kubernetes" in port and "ASPNETCORE_HTTP_PORTS=8080 in the final stage in place of this one" in port


@pytest.mark.parametrize("env", ["ENV ASPNETCORE_URLS=http://+:5000\n", "ENV ASPNETCORE_HTTP_PORTS=5000\n"])
def test_a_stage_that_chooses_its_port_gets_nothing_carried(env: str) -> None:
    result = _migrate("aspnet:6.0", env)
    assert "http://+:80" not in result.dockerfile
    assert env in final_stage(result)
    assert not [m for m in messages(result, "MIG511") if "ASPNETCORE" in m]


def test_an_image_that_already_listens_on_8080_adds_nothing() -> None:
    result = _migrate("aspnet:8.0", sdk="8.0")
    assert "ASPNETCORE" not in result.dockerfile
    assert not messages(result, "MIG511")


def test_runtime_deps_settings_reach_glibc_dynamic() -> None:
    old = _migrate("runtime-deps:6.0", start='["/app/Web"]')
    runtime = final_stage(old)
    assert "ASPNETCORE_URLS=http://+:80" in runtime
    [port] = messages(old, "MIG511")
    assert "sets no port, so without it Kestrel would listen on localhost:5000 only" in port
    new = _migrate("runtime-deps:8.0", sdk="8.0", start='["/app/Web"]')
    assert "ASPNETCORE_HTTP_PORTS=8080" in final_stage(new)
    assert not messages(new, "MIG511")
