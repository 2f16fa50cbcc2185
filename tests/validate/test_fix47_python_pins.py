"""Adversary round 10 D15: a Python project pinned to an older Python (requires-python, .python-version, Poetry's
`python`, UV_PYTHON) installed on python:latest-dev (3.14). uv downloads a managed CPython the runtime never gets
(the app cannot start), poetry refuses 3.14 (the build fails); the tool said only W MIG220 and `ok`."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import errors, messages, migrate, status

from migrator.plan.python_pins import Pin, _excludes

_UV = ("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder\nENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy\n"
       "WORKDIR /app\n{before}RUN --mount=type=cache,target=/root/.cache/uv \\\n"
       "    --mount=type=bind,source=uv.lock,target=uv.lock \\\n"
       "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n"
       "    uv sync --frozen --no-install-project --no-dev\nCOPY . /app\n"
       "RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev\n\n"
       "FROM python:3.12-slim-bookworm\nCOPY --from=builder /app /app\nENV PATH=\"/app/.venv/bin:$PATH\"\n"
       'CMD ["fastapi", "run", "--host", "0.0.0.0", "/app/src/app"]\n')


def _project(tmp_path: Path, requires: str, python_version: str | None = None) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = "0.1"\nrequires-python = "{requires}"\n'
                                             'dependencies = ["fastapi[standard]"]\n')
    (tmp_path / "uv.lock").write_text("version = 1\n")
    if python_version is not None:
        (tmp_path / ".python-version").write_text(f"{python_version}\n")
    return tmp_path


def test_a_uv_project_pinned_below_the_images_python_is_an_error_and_not_ok(tmp_path: Path) -> None:
    result = migrate(_UV.format(before=""), context=_project(tmp_path, ">=3.12,<3.13", "3.12"))
    found = errors(result, "MIG221")
    assert len(found) == 1
    assert "requires-python `>=3.12,<3.13` in pyproject.toml" in found[0]
    assert "python:latest-dev (python 3.14) does not meet" in found[0]
    assert "downloads a managed CPython 3.12" in found[0]
    assert "--tag-policy keep for an organisation registry that serves python 3.12" in found[0]
    assert status(result) == "broken"


def test_a_python_version_file_alone_gives_way_to_the_images_python(tmp_path: Path) -> None:
    # (requires-python allows 3.14; uv would ask for the .python-version copied before the second sync)
    result = migrate(_UV.format(before=""), context=_project(tmp_path, ">=3.10", "3.12.4"))
    assert "uv sync --frozen --no-install-project --no-dev\n" in result.dockerfile  # (no .python-version there yet)
    assert "RUN --mount=type=cache,target=/root/.cache/uv uv sync --python python3 --frozen --no-dev\n" in \
        result.dockerfile
    assert any(".python-version `3.12.4` asks for python 3.12" in m and "requires-python allows 3.14" in m
               for m in messages(result, "MIG224"))
    assert not errors(result, "MIG221")
    assert status(result) == "ok"


@pytest.mark.parametrize("before", ["ENV UV_PYTHON=3.11\n", "RUN uv python pin 3.11\n"])
def test_a_python_asked_of_uv_in_the_dockerfile(tmp_path: Path, before: str) -> None:
    result = migrate(_UV.format(before=before), context=_project(tmp_path, ">=3.10"))
    assert errors(result, "MIG221")
    assert status(result) == "broken"


def test_a_pin_the_images_python_meets_is_ok(tmp_path: Path) -> None:
    result = migrate(_UV.format(before=""), context=_project(tmp_path, ">=3.12", "3.14"))
    assert not errors(result, "MIG221")
    assert status(result) == "ok"


def test_the_versioned_image_kept_by_tag_policy_meets_the_pin(tmp_path: Path) -> None:
    text = _UV.format(before="").replace("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "python:3.12-slim")
    result = migrate(text, context=_project(tmp_path, ">=3.12,<3.13", "3.12"), tag_policy="keep")
    assert "python:3.12-dev AS builder" in result.dockerfile
    assert not errors(result, "MIG221")


def test_poetry_refusing_the_images_python_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.poetry]\nname = "x"\nversion = "0.1.0"\n'
                                             '[tool.poetry.dependencies]\npython = ">=3.11,<3.13"\nuvicorn = "*"\n')
    (tmp_path / "poetry.lock").write_text("")
    result = migrate("FROM python:3.11-slim\nENV POETRY_VIRTUALENVS_CREATE=false\nRUN pip install poetry==1.8.3\n"
                     "WORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main --no-root\n"
                     'COPY . .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n', context=tmp_path)
    found = errors(result, "MIG221")
    assert found and "the `python` dependency `>=3.11,<3.13`" in found[0] and "the build fails" in found[0]
    assert status(result) == "broken"


@pytest.mark.parametrize(("requirement", "excluded"), [
    (">=3.12,<3.13", True), (">=3.9", False), ("^3.11", False), ("~3.12", True), ("~=3.12", False),
    ("~=3.12.1", True), ("==3.12.*", True), ("==3.14.*", False), ("<3.14", True), ("<3.14.1", False),
    ("<=3.13", True), (">3.14", False), ("!=3.14.*", True), (">=3.8,<3.12 || >=3.14", False), ("*", False),
])
def test_requirements_judged_by_the_served_minor_version(requirement: str, excluded: bool) -> None:
    assert _excludes(Pin("r", requirement=requirement), "3.14") is excluded


# --- fix56: uv's python image tags and the Pipfile's [requires] ------------------------------------------------

def test_uv_python_tag_is_kept_as_the_python_version(tmp_path: Path) -> None:
    result = migrate(_UV.format(before=""), context=_project(tmp_path, ">=3.12,<3.13", "3.12"), tag_policy="keep")
    assert "FROM cgr.dev/chainguard/python:3.12-dev AS builder\n" in result.dockerfile
    assert "FROM cgr.dev/chainguard/python:3.12\n" in result.dockerfile
    assert not errors(result, "MIG221")
    assert status(result) == "ok"


def test_uv_python_tag_moved_to_latest_says_so() -> None:
    result = migrate("FROM ghcr.io/astral-sh/uv:0.5.11-python3.11-alpine\nCOPY . /app\nRUN uv pip install --system "
                     "-r /app/requirements.txt\nCMD [\"python\", \"/app/main.py\"]\n")
    assert any(m.startswith("ghcr.io/astral-sh/uv:0.5.11-python3.11-alpine: the source pins python 3.11;")
               for m in messages(result, "MIG220"))
    assert "python:latest-dev" in result.dockerfile


_PIPENV = ("FROM python:3.11-slim\nWORKDIR /app\nRUN pip install pipenv\nCOPY Pipfile Pipfile.lock ./\n"
           "RUN pipenv install {flags}\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")


def _pipfile(tmp_path: Path, requires: str, lock: str = "{}") -> Path:
    (tmp_path / "Pipfile").write_text('[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n'
                                      f'[packages]\nflask = "*"\n\n[requires]\n{requires}\n')
    (tmp_path / "Pipfile.lock").write_text(lock + "\n")
    return tmp_path


@pytest.mark.parametrize(("flags", "effect"), [("--deploy", "`--deploy` aborts on python 3.14"),
                                               ("--system --deploy", "`--deploy` aborts on python 3.14"),
                                               ("", "pipenv finds no python 3.11")])
def test_a_pipfile_python_version_pipenv_refuses_is_an_error(tmp_path: Path, flags: str, effect: str) -> None:
    for requires in ('python_version = "3.11"', 'python_full_version = "3.11.9"'):
        result = migrate(_PIPENV.format(flags=flags), context=_pipfile(tmp_path, requires))
        found = errors(result, "MIG221")
        assert len(found) == 1 and f"{requires} in Pipfile" in found[0] and effect in found[0], found
        assert status(result) == "broken"


def test_a_pipfile_pin_that_pipenv_does_not_enforce_or_the_image_meets(tmp_path: Path) -> None:
    result = migrate(_PIPENV.format(flags="--system"), context=_pipfile(tmp_path, 'python_version = "3.11"'))
    assert not errors(result, "MIG221")
    result = migrate(_PIPENV.format(flags="--deploy"), context=_pipfile(tmp_path, 'python_version = "3.11"'),
                     tag_policy="keep")
    assert "python:3.11-dev" in result.dockerfile and not errors(result, "MIG221")
    result = migrate(_PIPENV.format(flags="--deploy"), context=_pipfile(tmp_path, 'python_version = "3.14"'))
    assert not errors(result, "MIG221")


def test_a_pipfile_lock_python_version_is_read_when_the_pipfile_has_none(tmp_path: Path) -> None:
    context = _pipfile(tmp_path, "", '{"_meta": {"requires": {"python_version": "3.10"}}, "default": {}}')
    found = errors(migrate(_PIPENV.format(flags="--deploy"), context=context), "MIG221")
    assert len(found) == 1 and '"python_version": "3.10" in Pipfile.lock' in found[0]
