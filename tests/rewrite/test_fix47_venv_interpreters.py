"""Adversary round 10 D1: a start command (or a RUN) naming a virtualenv's versioned interpreter, `/venv/bin/python3.11`:
the builder now makes the virtualenv with Chainguard's python (3.14), whose bin/ has python, python3, python3.14 and
no python3.11, so the container could not start while the start check said the file was found."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, errors, final_stage, messages, migrate, status

_TWO_STAGES = ("FROM python:3.11-slim AS builder\nRUN {make} /venv\nCOPY requirements.txt .\n"
               "RUN /venv/bin/pip3.11 install -r requirements.txt\n\nFROM python:3.11-slim\n"
               "COPY --from=builder /venv /venv\nWORKDIR /app\nCOPY . .\n"
               'CMD ["/venv/bin/python3.11", "-m", "flask", "run", "--host=0.0.0.0"]\n')


@pytest.mark.parametrize("make", ["python -m venv", "python3.11 -m venv", "virtualenv", "uv venv"])
def test_the_start_names_the_interpreter_the_virtualenv_has(make: str) -> None:
    result = migrate(_TWO_STAGES.format(make=make))
    assert 'CMD ["/venv/bin/python3", "-m", "flask", "run", "--host=0.0.0.0"]' in final_stage(result)
    assert "RUN /venv/bin/pip3 install -r requirements.txt" in builder_stage(result)
    assert any("`/venv/bin/python3.11` -> `/venv/bin/python3`" in m for m in messages(result, "MIG423"))
    assert status(result) == "ok"


def test_a_relative_virtualenv_in_the_workdir() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN python -m venv .venv && .venv/bin/pip install .\n"
                     'HEALTHCHECK CMD ["/app/.venv/bin/python3.12", "health.py"]\n'
                     'CMD [".venv/bin/python3.12", "app.py"]\n')
    runtime = final_stage(result)
    assert 'CMD [".venv/bin/python3", "app.py"]' in runtime
    assert 'HEALTHCHECK CMD ["/app/.venv/bin/python3", "health.py"]' in runtime


def test_a_virtualenv_of_a_stage_kept_on_its_image_keeps_its_names() -> None:
    # (a stage on an image this tool does not know is left as it is: its python made the virtualenv)
    result = migrate("FROM myorg/pybase:3.11 AS builder\nRUN python -m venv /venv\n\nFROM python:3.11-slim\n"
                     'COPY --from=builder /venv /venv\nCMD ["/venv/bin/python3.11", "app.py"]\n')
    assert 'CMD ["/venv/bin/python3.11", "app.py"]' in final_stage(result)
    assert not messages(result, "MIG423")


def test_a_versioned_interpreter_of_a_virtualenv_copied_elsewhere_is_an_error() -> None:
    # (the virtualenv is copied to another path than the one it was made at: not renamed, and not `ok`)
    result = migrate("FROM python:3.11-slim AS builder\nRUN python -m venv /build/venv\n\nFROM python:3.11-slim\n"
                     "COPY --from=builder /build/venv /opt/venv\n"
                     'CMD ["/opt/venv/bin/python3.11", "app.py"]\n')
    assert 'CMD ["/opt/venv/bin/python3.11", "app.py"]' in final_stage(result)
    assert any("is a virtualenv's link to python 3.11, which python:latest does not have" in m
               for m in errors(result, "MIG540"))
    assert status(result) == "broken"


def test_a_virtualenv_made_at_a_variables_path() -> None:
    result = migrate("FROM python:3.11-slim\nENV VENV=/opt/app-venv\n"
                     "RUN python3.11 -m venv $VENV && $VENV/bin/pip3.11 install flask\n"
                     'CMD ["/opt/app-venv/bin/python3.11", "-m", "flask", "run"]\n')
    assert "RUN python3 -m venv $VENV && $VENV/bin/pip3 install flask" in builder_stage(result)
    assert 'CMD ["/opt/app-venv/bin/python3", "-m", "flask", "run"]' in final_stage(result)
    assert status(result) == "ok"
