"""Issue 9: the start check's guesses of what a program name is. A download is a script by its URL's name too
(R12-2), `curl -o`/`wget -O` write the file they name (P12-3), and a console script a pip install of the stage
names is where that install puts it, not in any virtualenv the stage makes (adversary 7, D1)."""

from __future__ import annotations

import pytest
from migration_tools import codes, final_stage, migrate, verdict

PYTHON_APP = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
WAIT = 'CMD ["wait-for-it", "db:5432", "--", "python", "app.py"]\n'
URL = "https://raw.githubusercontent.com/vishnubob/wait-for-it/master/wait-for-it.sh"


@pytest.mark.parametrize("download", [
    f"curl -fsSL {URL} > /usr/local/bin/wait-for-it",
    f"curl -fsSL {URL} -o /usr/local/bin/wait-for-it",
    f"curl -fsSLo /usr/local/bin/wait-for-it {URL}",
    f"wget -qO /usr/local/bin/wait-for-it {URL}",
    f"wget -qO- {URL} > /usr/local/bin/wait-for-it",
])
def test_a_downloaded_shell_script_is_never_started_on_a_runtime_without_a_shell(download: str) -> None:
    result = migrate(PYTHON_APP + f"RUN pip install flask && {download} && chmod +x /usr/local/bin/wait-for-it\n"
                     + WAIT)
    assert not final_stage(result).startswith("cgr.dev/chainguard/python:latest\n")  # (distroless: no shell)
    assert "bash" in result.dockerfile  # the script came from an image with bash
    status, reason = verdict(result)
    assert status == "single-stage" and "`wait-for-it` is a shell script" in reason
    assert "/opt/venv/bin/wait-for-it" not in reason


def test_a_downloaded_program_named_as_no_script_is_still_copied_to_the_distroless_runtime() -> None:
    result = migrate(PYTHON_APP + "RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool-linux-amd64 "
                     '&& chmod +x /usr/local/bin/tool\nCMD ["tool"]\n')
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert "/usr/local/bin/tool /usr/local/bin/tool\n" in runtime
    assert verdict(result) == ("ok", "`tool` found (copied to /usr/local/bin/tool)")


@pytest.mark.parametrize(("installs", "command", "program"), [
    ("uv", '["uv", "run", "--env-file", ".env", "app.py"]', "uv"),
    ("uv", '["uv", "run", "--with", "requests", "app.py"]', "uv"),
    ("uv gunicorn", '["gunicorn", "app:app"]', "gunicorn"),
])
def test_a_program_pip_installs_outside_the_apps_own_virtualenv_is_not_found_in_it(
        installs: str, command: str, program: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nRUN pip install {installs}\nWORKDIR /app\nCOPY . .\n"
                     f"RUN uv sync --frozen\nCMD {command}\n")
    status, reason = verdict(result)
    assert status == "broken" and f"/app/.venv/bin/{program}" not in reason
    assert "MIG540" in codes(result, "error")


def test_a_program_the_virtualenvs_own_pip_installs_is_still_found_there() -> None:
    result = migrate("FROM python:3.12-slim\nRUN python -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\n"
                     "WORKDIR /app\nCOPY . .\nRUN /opt/venv/bin/pip install gunicorn\nCMD [\"gunicorn\", \"app:app\"]\n")
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /opt/venv/bin/gunicorn)")


@pytest.mark.parametrize("install", ["uv venv && uv pip install gunicorn", "uv sync && uv pip install gunicorn"])
def test_a_program_uv_installs_into_the_projects_virtualenv_is_still_found_there(install: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nRUN pip install uv\nWORKDIR /app\nCOPY . .\nRUN {install}\n"
                     'CMD ["gunicorn", "app:app"]\n')
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in final_stage(result)
    assert verdict(result) == ("ok", "`gunicorn` found (copied to /app/.venv/bin/gunicorn)")


def test_a_shell_script_added_from_a_url_is_never_started_on_a_runtime_without_a_shell() -> None:
    result = migrate(PYTHON_APP + f"ADD {URL} /usr/local/bin/wait-for-it\nRUN chmod +x /usr/local/bin/wait-for-it\n"
                     + WAIT)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")  # (a shell for it)
    assert "bash" in result.dockerfile
    assert verdict(result)[0] == "single-stage" and "`wait-for-it` is a shell script" in verdict(result)[1]
