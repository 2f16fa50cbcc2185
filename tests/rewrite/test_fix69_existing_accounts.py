"""Adversary 12, G13 and G16: accounts that exist already are not created again, since busybox `addgroup` and
`adduser` stop the build on a name in use.

G13: Debian's `addgroup --system app && adduser --system --group app` (the testdriven.io Django files) became
`addgroup -S app && addgroup -S app && ...`. G16: `groupadd --system --gid 999 nonroot && useradd ... nonroot` (uv's
Docker example) was kept on python:latest-dev, which has nonroot (65532), with only a warning."""

from __future__ import annotations

import re

import pytest

from tests.migration_tools import builder_stage, codes, errors, messages, migrate


def _runs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("RUN ")]


def test_adduser_system_group_joins_the_group_the_run_made() -> None:
    result = migrate("FROM debian:bookworm-slim\nRUN addgroup --system app && adduser --system --group app\n"
                     "COPY x /x\nUSER app\nCMD [\"/x\"]\n")
    assert "RUN addgroup -S app && adduser -D -S -G app app" in _runs(result.dockerfile)
    assert "MIG402" not in codes(result)


def test_a_group_an_earlier_run_made_is_not_created_again() -> None:
    result = migrate("FROM debian:bookworm-slim\nRUN addgroup --system --gid 1001 app\n"
                     "RUN adduser --system --group app && mkdir /data && chown app:app /data\n"
                     "RUN addgroup --system app\nCOPY x /x\nUSER app\nCMD [\"/x\"]\n")
    runs = [run for run in _runs(builder_stage(result)) if " app" in run]
    assert runs[:2] == ["RUN addgroup -S -g 1001 app",
                        "RUN adduser -D -S -G app app && mkdir /data && chown app:app /data"]
    assert not any(re.search(r"addgroup (-S )?app$", run) for run in runs[2:])  # the third RUN goes
    assert [m for m in messages(result, "MIG401") if "created group app before" in m]


def test_adduser_group_without_an_earlier_group_still_creates_it() -> None:
    result = migrate("FROM debian:bookworm-slim\nRUN adduser --system --group app\nCOPY x /x\nCMD [\"/x\"]\n")
    assert "RUN addgroup -S app && adduser -D -S -G app app" in _runs(result.dockerfile)


UV_EXAMPLE = """FROM python:3.12-slim
RUN groupadd --system --gid 999 nonroot \\
 && useradd --system --gid 999 --uid 999 --create-home nonroot
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
USER nonroot
CMD ["python", "app.py"]
"""


def test_recreating_the_image_s_nonroot_is_removed_with_its_ids_named() -> None:
    result = migrate(UV_EXAMPLE)
    assert "addgroup" not in result.dockerfile and "adduser" not in result.dockerfile
    assert "groupadd" not in result.dockerfile and "useradd" not in result.dockerfile
    assert result.dockerfile.rstrip().endswith('USER nonroot\nENTRYPOINT []\nCMD ["python", "app.py"]')
    found = messages(result, "MIG318")
    assert len(found) == 2
    assert "gid 65532" in found[0] and "gid 999" in found[0]
    assert "uid 65532" in found[1] and "uid 999" in found[1] and "--chown" in found[1]
    assert not {"MIG530", "MIG402"} & set(codes(result))


def test_the_rest_of_the_run_is_kept_byte_for_byte() -> None:
    result = migrate("FROM python:3.12-slim\nRUN groupadd -r nonroot && useradd -r -g nonroot nonroot && "
                     "mkdir /data && chown nonroot /data\nUSER nonroot\nCMD [\"python\", \"-V\"]\n")
    assert "RUN mkdir /data && chown nonroot /data" in _runs(result.dockerfile)
    message = messages(result, "MIG318")[1]
    assert "uid 65532" in message and "must be given" not in message  # (no other uid was asked for)


def test_busybox_creation_from_alpine_is_removed_too() -> None:
    result = migrate("FROM python:3.12-alpine\nRUN addgroup -S nonroot && adduser -S -G nonroot nonroot "
                     "&& pip install flask\nUSER nonroot\nCMD [\"python\", \"-V\"]\n")
    assert "addgroup" not in result.dockerfile and "adduser" not in result.dockerfile
    assert codes(result).count("MIG318") == 2


def test_the_image_user_still_joins_the_groups_useradd_named() -> None:
    result = migrate("FROM python:3.12-slim\nRUN useradd -m -G audio nonroot\nUSER nonroot\n"
                     "CMD [\"python\", \"-V\"]\n")
    assert "RUN addgroup nonroot audio" in _runs(result.dockerfile)
    assert "MIG318" in codes(result)


@pytest.mark.parametrize("image", ["debian:bookworm-slim", "ubuntu:24.04"])
def test_nonroot_on_wolfi_base_which_runs_as_root_is_created(image: str) -> None:
    """wolfi-base's image user is root: a stage on it creates its own nonroot as written."""
    result = migrate(f"FROM {image}\nRUN useradd -r nonroot\nCOPY x /x\nUSER nonroot\nCMD [\"/x\"]\n")
    assert "MIG318" not in codes(result)


def test_a_group_the_stage_built_from_made_is_not_created_again() -> None:
    result = migrate("FROM debian:bookworm-slim AS base\nRUN addgroup --system app\nFROM base\n"
                     "RUN adduser --system --group app\nCOPY x /x\nUSER app\nCMD [\"/x\"]\n")
    runs = [run for run in _runs(result.dockerfile) if " app" in run]
    assert runs == ["RUN addgroup -S app", "RUN adduser -D -S -G app app"]


def test_a_creation_that_stays_in_the_file_is_an_error() -> None:
    """shadow installed and an option busybox has no form for: useradd is kept as written, and fails on nonroot."""
    result = migrate("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y shadow && "
                     "useradd -p secret -e 2030-01-01 nonroot\nUSER nonroot\nCMD [\"python\", \"-V\"]\n")
    assert "useradd -p secret -e 2030-01-01 nonroot" in result.dockerfile
    assert [m for m in errors(result, "MIG530") if "stops the build" in m]
