"""Adversary 11, F21: the image model said glibc-dynamic and python have tzdata; their apko configs have none. A Go
service whose final `FROM alpine` did `apk add tzdata` + `ENV TZ=Asia/Tokyo` lost the zone files silently
(time.LoadLocation failed at start). The zone files are carried to a runtime that lacks them; static has them."""

from __future__ import annotations

from tests.migration_tools import final_stage, migrate

GO = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN {cgo}go build -o /out/app .
FROM alpine:3.19
RUN apk add --no-cache ca-certificates tzdata
ENV TZ=Asia/Tokyo
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
"""


def test_zone_files_reach_a_glibc_dynamic_runtime() -> None:
    result = migrate(GO.format(cgo=""))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic")
    assert "/runtime-libs/usr/share/ /usr/share/" in runtime
    assert "/usr/share/zoneinfo" in result.dockerfile.split("\nFROM cgr.dev/chainguard/glibc-dynamic")[0]


def test_a_static_runtime_has_its_own_zone_files() -> None:
    runtime = final_stage(migrate(GO.format(cgo="CGO_ENABLED=0 ")))
    assert runtime.startswith("cgr.dev/chainguard/static") and "zoneinfo" not in runtime
    assert "/usr/share/" not in runtime


def test_a_python_app_that_installed_tzdata_keeps_the_zone_files() -> None:
    runtime = final_stage(migrate("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y tzdata\n"
                                  'WORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n'))
    assert "/runtime-libs/usr/share/ /usr/share/" in runtime
