"""`uv run`, `poetry run`, `pipenv run`, `pdm run` in a start command: the runtime has no runner, so the command it
runs starts from the virtualenv on the PATH (MIG545), read as the runner reads its own options (adversary 6, N16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Options, Result

UV_APP = ("FROM python:3.12-slim\nRUN pip install uv\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n"
          "CMD {command}\n")


def runtime_cmd(result: Result) -> str:
    return result.dockerfile.rsplit("\nCMD ", 1)[-1].strip().replace(", ", ",")


@pytest.mark.parametrize("command, started", [
    ('["uv","run","-m","app"]', '["python","-m","app"]'),
    ('["uv","run","--module","app","--port","80"]', '["python","-m","app","--port","80"]'),
    ('["uv","run","--frozen","--no-dev","gunicorn","app:app"]', '["gunicorn","app:app"]'),
    ('["uv","run","--python","3.12","app.py"]', '["python","app.py"]'),
    ('["uv","run","--index-url","https://pypi.example/simple","app.py"]', '["python","app.py"]'),
])
def test_a_uv_run_command_starts_what_uv_would_run(command: str, started: str) -> None:
    result = migrate(UV_APP.format(command=command))
    assert runtime_cmd(result) == started  # was: `uv run -m app` -> ["app"]
    assert "MIG545" in {f.code for f in result.findings}


@pytest.mark.parametrize("command", ['["uv","run","--with-requirements","req.txt","app.py"]',
                                    '["uv","run","--env-file",".env","app.py"]',
                                    '["uv","run","--with","rich","app.py"]'])
def test_a_runner_option_that_makes_the_environment_at_start_is_not_dropped(command: str) -> None:
    # was: ["req.txt","app.py"], or python app.py without the .env it read
    result = migrate(UV_APP.format(command=command))
    assert runtime_cmd(result) == command


def test_a_pipenv_script_starts_the_command_the_pipfile_gives_it(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text('[scripts]\nstart = "gunicorn app:app -b 0.0.0.0:8000"\n')
    result = migrate("FROM python:3.12-slim\nRUN pip install pipenv\nWORKDIR /app\nCOPY . .\n"
                     "RUN pipenv install --system --deploy\nCMD [\"pipenv\",\"run\",\"start\"]\n", Options(context=tmp_path))
    assert runtime_cmd(result) == '["gunicorn","app:app","-b","0.0.0.0:8000"]'  # was: ["start"], no such program


def test_a_pdm_script_table_gives_its_cmd(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pdm.scripts]\nserve = {cmd = "uvicorn app:app"}\n')
    result = migrate("FROM python:3.12-slim\nRUN pip install pdm\nWORKDIR /app\nCOPY . .\nRUN pdm install --prod\n"
                     "CMD [\"pdm\",\"run\",\"serve\"]\n", Options(context=tmp_path))
    assert runtime_cmd(result) == '["uvicorn","app:app"]'
