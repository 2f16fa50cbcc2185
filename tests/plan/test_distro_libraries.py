"""Python libraries installed as OS packages (adversary round 9, E3): `apk add py3-requests`, `apt-get install
python3-yaml`, `dnf install python3-psycopg2` in a final stage that runs Python. The distroless python runtime has
none of them and cannot install them, so the stage stays one stage on wolfi-base (W MIG587), installing Python and
the libraries of one Wolfi stream by their own names: py3-requests is built for Python 3.10 .. 3.13 only, not for
the 3.14 python:latest serves."""

from __future__ import annotations

import pytest
from migration_tools import codes, messages, migrate, verdict

from migrator.plan.distro_libraries import library_packages, stream_pins
from migrator.plan.versions import streams
from migrator.rules import load_rules

ALPINE = ("FROM alpine:3.19\nRUN apk add --no-cache python3 py3-requests\nCOPY app.py /app.py\n"
          "CMD [\"python3\", \"/app.py\"]\n")
DEBIAN = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 "
          "python3-psycopg2 python3-yaml && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY app.py .\n"
          "USER nobody\nCMD [\"python3\", \"app.py\"]\n")
UBI = ("FROM registry.access.redhat.com/ubi9/ubi:latest\nRUN dnf install -y python3 python3-requests && dnf clean all\n"
       "COPY app.py /opt/app.py\nUSER 1001\nCMD [\"python3\", \"/opt/app.py\"]\n")


def test_alpine_py3_library_keeps_one_stage_on_wolfi_base_with_the_library_for_one_python() -> None:
    result = migrate(ALPINE)  # (idempotence asserted by migrate)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 "RUN apk add --no-cache python-3.13 py3.13-requests\nCOPY app.py /app.py\n"
                                 "CMD [\"python3\", \"/app.py\"]\n")
    status, reason = verdict(result)
    assert status == "single-stage" and "`python3` found" in reason  # was: ok on distroless python, no requests
    assert "MIG514" not in codes(result)
    (why,) = messages(result, "MIG587")
    assert "(py3.13-requests)" in why and "them with Python 3.13, the newest" in why and "virtualenv" in why
    assert "MIG587" in codes(result, "warning")


def test_debian_python3_libraries_keep_the_stage_and_its_user() -> None:
    result = migrate(DEBIAN)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3.13 py3.13-psycopg2 py3.13-pyyaml"
                                        " tzdata\n")  # (debian:bookworm carried it)
    assert result.dockerfile.endswith("WORKDIR /app\nCOPY app.py .\nUSER nobody\nCMD [\"python3\", \"app.py\"]\n")
    assert result.dockerfile.count("FROM ") == 1
    assert verdict(result)[0] == "single-stage"
    assert "(py3.13-psycopg2, py3.13-pyyaml)" in messages(result, "MIG587")[0]


def test_ubi_dnf_python3_library_keeps_one_stage() -> None:
    result = migrate(UBI)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3.13 py3.13-requests\n")
    assert "USER 1001\n" in result.dockerfile and verdict(result)[0] == "single-stage"
    assert messages(result, "MIG587")


@pytest.mark.parametrize("command", ['CMD ["sh", "-c", "cd / && python3 /app.py"]', "CMD python3 /app.py",
                                     'CMD ["gunicorn", "app:app"]'])
def test_every_start_that_needs_the_libraries_gets_them_for_one_python(command: str) -> None:
    text = f"FROM alpine:3.19\nRUN apk add --no-cache python3 py3-requests py3-gunicorn\nCOPY app.py /app.py\n{command}\n"
    result = migrate(text)
    assert "RUN apk add --no-cache python-3.13 py3.13-requests py3.13-gunicorn-bin\n" in result.dockerfile
    assert result.dockerfile.count("FROM ") == 1 and verdict(result)[0] == "single-stage"
    assert messages(result, "MIG587")


def test_a_final_stage_built_from_a_stage_that_installs_the_libraries() -> None:
    text = ("FROM alpine:3.19 AS base\nRUN apk add --no-cache python3 py3-requests\nFROM base\nCOPY app.py /app.py\n"
            "CMD [\"python3\", \"/app.py\"]\n")
    result = migrate(text)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest AS base\n"
                                 "RUN apk add --no-cache python-3.13 py3.13-requests\nFROM base\nCOPY app.py /app.py\n"
                                 "CMD [\"python3\", \"/app.py\"]\n")
    assert verdict(result)[0] == "single-stage" and messages(result, "MIG587")


def test_a_base_image_with_python_libraries_installs_them_for_one_python() -> None:
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache python3 py3-requests py3-yaml\n")
    assert result.dockerfile == ("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                 "RUN apk add --no-cache python-3.13 py3.13-requests py3.13-pyyaml\n")
    assert any("python3 -> python-3.13" in m for m in messages(result, "MIG301"))


@pytest.mark.parametrize("text", [
    # build and install tools are not libraries the app imports: pip's install goes to the copied virtualenv
    "FROM alpine:3.19\nRUN apk add --no-cache python3 py3-pip py3-setuptools py3-wheel\nCOPY requirements.txt app.py /app/\n"
    "RUN pip install --break-system-packages -r /app/requirements.txt\nCMD [\"python3\", \"/app/app.py\"]\n",
    "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3 python3-pip python3-venv python3-dev\n"
    "COPY app.py /app.py\nCMD [\"python3\", \"/app.py\"]\n",
])
def test_python_build_tools_do_not_keep_the_stage(text: str) -> None:
    result = migrate(text)
    assert "MIG587" not in codes(result)
    assert "cgr.dev/chainguard/python:latest\n" in result.dockerfile and "py3.1" not in result.dockerfile
    assert verdict(result)[0] == "ok"


def test_the_stream_is_the_newest_every_library_is_built_for() -> None:
    python = load_rules().languages["python"]
    available = streams("python")
    assert stream_pins(["python3", "py3-requests"], python, available) == (
        "3.13", (("python3", "python-3.13"), ("py3-requests", "py3.13-requests")))
    # a version the stage names itself decides; a virtual name of a virtual name (py3-yaml: py3-pyyaml) resolves
    assert stream_pins(["python-3.11", "py3-yaml"], python, available) == ("3.11", (("py3-yaml", "py3.11-pyyaml"),))
    # two builds for one stream (numpy 1.26 and 2.2): the newer
    assert dict(stream_pins(["py3-numpy"], python, available)[1])["py3-numpy"] == "py3.13-numpy-2.2"
    # a library Wolfi builds for one Python only: apk chooses its interpreter, nothing is pinned
    assert stream_pins(["python3", "py3-no-such-library"], python, available) == (None, ())
    assert library_packages(["python3", "py3-pip", "py3.12-pip", "py3-setuptools", "py3-wheel", "py3-requests",
                             "python-3-dev"], python) == ["py3-requests"]


def test_a_build_stage_on_wolfi_base_installs_its_python_libraries_for_one_python() -> None:
    # `python3 gen.py` in the builder imports yaml and jinja2: python-3 alone would be 3.14, which has neither
    text = ("FROM debian:bookworm-slim AS gen\nRUN apt-get update && apt-get install -y python3 python3-yaml "
            "python3-jinja2\nCOPY gen.py site.yaml /src/\nRUN python3 /src/gen.py /src/site.yaml /out\n\n"
            "FROM nginx:1.27\nCOPY --from=gen /out /usr/share/nginx/html\n")
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest AS gen\n"
                                        "RUN apk add --no-cache python-3.13 py3.13-pyyaml py3.13-jinja2\n")
    assert "MIG587" not in codes(result) and verdict(result)[0] == "ok"


def test_the_language_a_stage_kept_on_wolfi_base_installs_is_the_stream_of_its_libraries() -> None:
    # a start script (unread: bash too) needs a shell and python: python-3 and py3-pip are added, on the libraries' stream
    text = ("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y python3-yaml\n"
            "COPY entrypoint.sh app.py /app/\nENTRYPOINT [\"/app/entrypoint.sh\"]\nCMD [\"python\", \"/app/app.py\"]\n")
    result = migrate(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3.13 py3.13-pip bash tzdata\n"
                                        "RUN apk add --no-cache py3.13-pyyaml\n")
    assert verdict(result)[0] == "single-stage"


def test_a_library_package_not_built_for_the_python_image_s_python_is_a_warning() -> None:
    # python:latest-dev runs 3.14; py3-requests is built for 3.10 .. 3.13: apk add brings another python
    text = ("FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y python3-requests\n"
            "COPY . /src\nRUN python /src/gen.py\n\nFROM nginx:1.27\nCOPY --from=build /src/out /usr/share/nginx/html\n")
    result = migrate(text)
    assert "RUN apk add --no-cache py3-requests\n" in result.dockerfile  # the line itself is left to the user
    (warning,) = messages(result, "MIG566")
    assert warning.startswith("py3-requests (built for Python 3.10 .. 3.13): not built for the 3.14 python:latest-dev")
    assert "MIG566" in codes(result, "warning")
    # py3-pip is built for 3.14: nothing to say
    assert "MIG566" not in codes(migrate(text.replace("python3-requests", "python3-pip")))
    # a versioned tag runs its own Python, for which Wolfi builds the library
    assert "MIG566" not in codes(migrate(text, tag_policy="keep", registry="cgr.dev/example"))


def test_off_stream_names_libraries_and_tools_not_the_interpreter() -> None:
    from migrator.plan.distro_libraries import off_stream

    python = load_rules().languages["python"]
    found = off_stream(["python-3.11", "python3", "py3-pip", "py3-wheel", "py3-requests"], python, "3.14",
                       streams("python"))
    assert found == [("py3-wheel", ["3.10", "3.11", "3.12", "3.13"]), ("py3-requests", ["3.10", "3.11", "3.12", "3.13"])]
