"""Review round 20, S20-9 and the OS-python move: a library pinned (==) at a release older than the first that
supports the image's Python (Django 3.2 imports distutils, gone in Python 3.12) was only W MIG220; the app dies at
import. Now E MIG433 names the package, the pin and the release needed (rules/python-libraries.yaml). A Python
from the distribution's packages (ubuntu:18.04 `apt-get install python3`: 3.6) moving to Wolfi's python-3 gets
MIG220 too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migration_tools import codes, errors, messages, migrate, status

from migrator.model import Severity

_DJANGO = ("FROM python:3.7-alpine\nWORKDIR /app\nCOPY requirements.txt /app\n"
           "RUN pip3 install -r requirements.txt --no-cache-dir\nCOPY . /app\nENTRYPOINT [\"python3\"]\n"
           "CMD [\"manage.py\", \"runserver\", \"0.0.0.0:8000\"]\n")


def _context(tmp_path: Path, requirements: str) -> Path:
    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "manage.py").write_text("import django\n")
    return tmp_path


def test_a_django_release_older_than_the_images_python_supports_is_an_error(tmp_path: Path) -> None:
    result = migrate(_DJANGO, context=_context(tmp_path, "Django==3.2.13\n"))
    found = errors(result, "MIG433")
    assert len(found) == 1
    assert "django==3.2.13 (requirements.txt) needs 4.0 or later" in found[0]
    assert "python 3.14 (python:latest-dev)" in found[0]
    assert "--tag-policy keep" in found[0]
    assert status(result) == "broken"
    assert "FROM cgr.dev/chainguard/python:latest-dev AS builder\n" in result.dockerfile
    assert "RUN pip3 install -r requirements.txt --no-cache-dir\n" in result.dockerfile  # (kept as written)
    assert "MIG220" in codes(result, Severity.WARNING)


@pytest.mark.parametrize("requirements", ["Django==4.2.16\n", "Django==5.2.8\n", "Django>=3.2\n", "Django~=5.2\n", "django\n",
                                          "Django==3.2.13 ; python_version < '3.8'\n", "requests==2.0.0\n"])
def test_supporting_or_ranged_or_unknown_pins_leave_only_the_warning(tmp_path: Path, requirements: str) -> None:
    result = migrate(_DJANGO, context=_context(tmp_path, requirements))
    assert "MIG433" not in codes(result)
    assert "MIG220" in codes(result, Severity.WARNING)
    assert status(result) == "ok"


def test_lock_files_of_poetry_and_pipenv(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "numpy"\nversion = "1.21.6"\n\n'
                                          '[[package]]\nname = "Pillow"\nversion = "11.3.0"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = ">=3.7"\n')
    poetry = ("FROM python:3.9\nWORKDIR /app\nRUN pip install poetry\nCOPY pyproject.toml poetry.lock ./\n"
              "RUN poetry install --no-root\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    result = migrate(poetry, context=tmp_path)
    found = errors(result, "MIG433")
    assert len(found) == 1 and "numpy==1.21.6 (poetry.lock) needs 1.26.0 or later" in found[0]
    assert "pillow" not in found[0]
    (tmp_path / "Pipfile.lock").write_text(json.dumps({"default": {"pandas": {"version": "==1.3.5"}}}))
    pipenv = ("FROM python:3.8\nWORKDIR /app\nRUN pip install pipenv\nCOPY Pipfile Pipfile.lock ./\n"
              "RUN pipenv install --system --deploy\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    (tmp_path / "Pipfile").write_text("[packages]\npandas = \"*\"\n")
    result = migrate(pipenv, context=tmp_path)
    assert any("pandas==1.3.5 (Pipfile.lock) needs 2.1.1 or later" in m for m in errors(result, "MIG433"))
    assert status(result) == "broken"


def test_a_uv_lock_with_one_release_per_python_range_is_judged_by_the_newest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1"\nrequires-python = ">=3.8"\n')
    lock = ('version = 1\n\n[[package]]\nname = "numpy"\nversion = "{old}"\n'
            'resolution-markers = ["python_full_version < \'3.9\'"]\n\n'
            '[[package]]\nname = "numpy"\nversion = "{new}"\n')
    text = ("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder\nWORKDIR /app\nCOPY . /app\n"
            "RUN uv sync --frozen --no-dev\n\nFROM python:3.12-slim-bookworm\nCOPY --from=builder /app /app\n"
            'ENV PATH="/app/.venv/bin:$PATH"\nCMD ["python", "-m", "app"]\n')
    (tmp_path / "uv.lock").write_text(lock.format(old="1.24.4", new="2.3.5"))
    assert "MIG433" not in codes(migrate(text, context=tmp_path))
    (tmp_path / "uv.lock").write_text(lock.format(old="1.21.6", new="1.25.2"))
    found = errors(migrate(text, context=tmp_path), "MIG433")
    assert len(found) == 1 and "numpy==1.25.2 (uv.lock) needs 1.26.0 or later" in found[0]


def test_an_os_python_moved_to_wolfis_python_is_said_and_its_pins_judged(tmp_path: Path) -> None:
    text = ("FROM ubuntu:18.04\nRUN apt-get update && apt-get install -y python3 python3-pip\nWORKDIR /app\n"
            "COPY requirements.txt .\nRUN pip3 install -r requirements.txt\nCOPY . .\n"
            "CMD [\"python3\", \"manage.py\", \"runserver\"]\n")
    result = migrate(text, context=_context(tmp_path, "Django==3.2.13\n"))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3 py3-pip\n")
    assert any("ubuntu:18.04: the source installs python3 from its distribution's packages, Python 3.6 there" in m
               and "is 3.14" in m for m in messages(result, "MIG220"))
    found = errors(result, "MIG433")
    assert len(found) == 1 and "django==3.2.13" in found[0] and "--tag-policy" not in found[0]
    assert status(result) == "broken"
    _context(tmp_path, "Django==5.2.8\n")
    result = migrate(text, context=tmp_path)
    assert "MIG433" not in codes(result)
    assert "MIG220" in codes(result, Severity.WARNING)
    assert status(result) == "ok"


@pytest.mark.parametrize(("image", "version"), [("debian:bookworm-slim", "3.11"), ("debian:10", "3.7"),
                                                ("ubuntu:22.04", "3.10"), ("alpine:3.18", "3.11")])
def test_distro_python_versions(image: str, version: str) -> None:
    manager = "apk add --no-cache" if image.startswith("alpine") else "apt-get update && apt-get install -y"
    result = migrate(f"FROM {image}\nRUN {manager} python3\nCOPY app.py /app.py\nCMD [\"python3\", \"/app.py\"]\n")
    assert any(f"Python {version} there" in m for m in messages(result, "MIG220"))


def test_a_distro_without_python_or_with_the_same_version_gets_no_version_move() -> None:
    result = migrate("FROM ubuntu:18.04\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\", \"-h\"]\n")
    assert "MIG220" not in codes(result)
