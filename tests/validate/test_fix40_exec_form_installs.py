"""Adversary 9, E9: an exec-form RUN (`RUN ["pip", "install", ...]`, `RUN ["cargo", "install", ...]`) runs the same
install as its shell form; the start check read only the shell form and said E MIG540 for the installed program,
though its bin directory is copied and on PATH."""

from __future__ import annotations

import pytest
from migration_tools import errors, migrate, verdict

_PIP = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN {run}\nCOPY . .\n"
        'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n')
_CARGO = 'FROM rust:1.77\nWORKDIR /app\nCOPY . .\nRUN {run}\nCMD ["myapp"]\n'


@pytest.mark.parametrize("file, run, found", [
    (_PIP, '["pip", "install", "--no-cache-dir", "-r", "requirements.txt"]', "/opt/venv/bin/gunicorn"),
    (_PIP, "pip install --no-cache-dir -r requirements.txt", "/opt/venv/bin/gunicorn"),
    (_CARGO, '["cargo", "install", "--path", "."]', "/usr/local/cargo/bin/myapp"),
    (_CARGO, "cargo install --path .", "/usr/local/cargo/bin/myapp"),
])
def test_an_exec_form_install_starts_like_its_shell_form(file: str, run: str, found: str) -> None:
    result = migrate(file.format(run=run))
    status, reason = verdict(result)
    assert status == "ok" and found in reason
    assert not errors(result, "MIG540")
