"""Adversary 12, G4: the time zone database the SOURCE image carried was dropped. python:3.x-slim installs tzdata in
its own Dockerfile and gcr.io/distroless/base ships it; Chainguard's python and glibc-dynamic have none. A Django
app (TIME_ZONE, USE_TZ) or `ENV TZ=Europe/Berlin` raised ZoneInfoNotFoundError, a Go service's time.LoadLocation
failed, with no finding. The zone files are copied from static (which has them), or installed where the stage stays
one stage on wolfi-base (I MIG317); F21 carries a tzdata the file installs itself."""

from __future__ import annotations

from tests.migration_tools import final_stage, messages, migrate

ZONES = "COPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n"

DJANGO = """FROM python:3.11-slim
ENV TZ=Europe/Berlin PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["gunicorn", "mysite.wsgi:application", "--bind", "0.0.0.0:8000"]
"""

GO_ON_DISTROLESS = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM {final}
ENV TZ=Asia/Tokyo
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


def test_a_python_slim_app_keeps_the_zone_files_on_the_python_runtime() -> None:
    result = migrate(DJANGO)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert ZONES in runtime
    assert "zoneinfo" not in result.dockerfile.split("\nFROM cgr.dev/chainguard/python:latest\n")[0]
    (said,) = messages(result, "MIG317")
    assert "/usr/share/zoneinfo copied from static:latest" in said and "python:3.11-slim" in said


def test_a_go_service_on_distroless_base_keeps_them_on_glibc_dynamic() -> None:
    result = migrate(GO_ON_DISTROLESS.format(final="gcr.io/distroless/base-debian12"))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    assert runtime.count(ZONES) == 1
    assert messages(result, "MIG317")


def test_a_runtime_with_its_own_zone_files_gets_none() -> None:
    # static has tzdata (CGO_ENABLED=0 build); alpine never carried it
    static = migrate(GO_ON_DISTROLESS.format(final="gcr.io/distroless/static-debian12").replace(
        "RUN go build", "RUN CGO_ENABLED=0 go build"))
    assert final_stage(static).startswith("cgr.dev/chainguard/static") and "zoneinfo" not in static.dockerfile
    alpine = migrate(GO_ON_DISTROLESS.format(final="alpine:3.19"))
    assert "zoneinfo" not in alpine.dockerfile and not messages(alpine, "MIG317")


def test_a_source_image_without_zone_files_adds_none() -> None:
    # ubuntu's image has no tzdata, nor Debian's since trixie
    for image in ("ubuntu:24.04", "debian:trixie-slim"):
        result = migrate(GO_ON_DISTROLESS.format(final=image))
        assert "zoneinfo" not in result.dockerfile and not messages(result, "MIG317"), image
    assert ZONES in migrate(GO_ON_DISTROLESS.format(final="debian:bookworm-slim")).dockerfile


def test_a_file_that_installs_tzdata_itself_is_carried_once() -> None:
    result = migrate("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y tzdata\n"
                     'WORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n')
    runtime = final_stage(result)
    assert "/runtime-libs/usr/share/ /usr/share/" in runtime and "static:latest" not in runtime
    assert not messages(result, "MIG317")


def test_one_stage_on_wolfi_base_installs_tzdata_with_the_language() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["./start.sh"]\n')
    first, apk = result.dockerfile.splitlines()[:2]
    assert first == "FROM cgr.dev/chainguard/wolfi-base:latest"
    assert apk.startswith("RUN apk add --no-cache python-3 py3-pip ") and apk.endswith(" tzdata")
    assert "static:latest" not in result.dockerfile
    (said,) = messages(result, "MIG317")
    assert said.startswith("tzdata added to apk add")


def test_an_organisation_registry_copies_from_its_own_static() -> None:
    from migrator.model import Options

    result = migrate(DJANGO, Options(registry="cgr.dev/example.com"))
    assert "COPY --from=cgr.dev/example.com/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n" in \
        final_stage(result)


def test_the_migrated_file_migrated_again_says_nothing_of_the_copy() -> None:
    once = migrate(DJANGO)
    again = migrate(once.dockerfile)
    assert again.dockerfile == once.dockerfile
    assert not messages(again, "MIG210") and not messages(again, "MIG317")
