"""A finding about a RUN the tool rewrote is reported at that RUN's line of the original file: the start check's
findings on an instruction whose text changed (`pip install --user` lost `--user`) went to the final stage's FROM
line, as if the tool had generated it."""

from __future__ import annotations

from pathlib import Path

from migration_tools import migrate

from migrator.model import Severity
from migrator.parse import parse
from migrator.rewrite.origins import rewritten_from

POETRY = ("FROM python:3.11-slim\nENV POETRY_VIRTUALENVS_CREATE=false\nRUN pip install poetry==1.8.3\nWORKDIR /app\n"
          "COPY pyproject.toml poetry.lock ./\n# the app's dependencies\n"
          "RUN poetry install --only main --no-root && pip install --user gunicorn\n"
          'COPY . .\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n')


def _pinned_project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.poetry]\nname = "x"\nversion = "0.1.0"\n'
                                             '[tool.poetry.dependencies]\npython = ">=3.11,<3.13"\nuvicorn = "*"\n')
    (tmp_path / "poetry.lock").write_text("")
    return tmp_path


def test_a_finding_about_a_rewritten_run_is_at_its_own_line(tmp_path: Path) -> None:
    result = migrate(POETRY, context=_pinned_project(tmp_path))
    assert "pip install gunicorn" in result.dockerfile  # (the RUN was rewritten: --user dropped)
    [pin] = [f for f in result.findings if f.code == "MIG221"]
    assert pin.severity is Severity.ERROR
    assert pin.line == 7  # (was 1, the FROM)


def test_a_finding_about_an_unchanged_run_stays_at_its_line(tmp_path: Path) -> None:
    result = migrate(POETRY.replace("pip install --user gunicorn", "pip install gunicorn"),
                     context=_pinned_project(tmp_path))
    assert [f.line for f in result.findings if f.code == "MIG221"] == [7]


def test_an_inserted_run_beside_a_rewritten_one_comes_from_no_original_line() -> None:
    original = parse("FROM python:3.12\nRUN pip install --user -r requirements.txt\n")
    output = parse("FROM cgr.dev/chainguard/python:latest-dev\nUSER root\nRUN python -m venv /opt/venv\n"
                   "RUN pip install -r requirements.txt\n")
    inserted, rewritten = output.instructions[2], output.instructions[3]
    assert rewritten_from(rewritten, output, original) is original.instructions[1]
    assert rewritten_from(inserted, output, original) is None
    assert rewritten_from(output.instructions[1], output, original) is None  # (USER root: generated)
