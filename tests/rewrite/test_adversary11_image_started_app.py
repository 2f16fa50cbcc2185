"""Adversary 11, F9: `FROM tiangolo/uvicorn-gunicorn-fastapi` + `COPY ./app /app` is a whole Dockerfile: the image's
own CMD (/start.sh) starts the app. The migration on python:latest had no command and the verdict was "ok - no
command of its own, like the original". The original had one: the migration says it cannot start (E MIG540)."""

from __future__ import annotations

import pytest

from tests.migration_tools import errors, migrate


@pytest.mark.parametrize("image", ["tiangolo/uvicorn-gunicorn-fastapi:python3.11", "tiangolo/uwsgi-nginx-flask:python3.11"])
def test_an_app_the_source_image_started_is_an_error_without_a_command(image: str) -> None:
    result = migrate(f"FROM {image}\nCOPY ./app /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n")
    assert result.runtime is not None and result.runtime.status == "broken"
    assert errors(result, "MIG540")


def test_a_language_image_without_a_command_is_still_an_image_of_files() -> None:
    result = migrate("FROM python:3.11\nCOPY ./app /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n")
    assert result.runtime is not None and result.runtime.status != "broken"
    assert not errors(result, "MIG540")


def test_the_file_s_own_command_is_checked_as_before() -> None:
    result = migrate('FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11\nCOPY ./app /app\n'
                     'RUN pip install --no-cache-dir fastapi uvicorn\nCMD ["uvicorn", "main:app"]\n')
    assert not errors(result, "MIG540")
