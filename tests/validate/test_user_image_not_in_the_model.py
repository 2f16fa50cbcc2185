"""An image the user's own rules name (not in the image model) cannot be judged to lack python: a venv's
console script on it is not an error, and the migration is printed, not refused (found when printing began to
give the file as it was for a final stage that cannot start)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import migrate

from migrator.model import Options, Severity

SOURCE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n'


def test_a_venv_python_on_the_users_own_image_is_not_a_start_error(tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text('images:\n  - match: python\n    ecosystem: python\n    builder: "py-custom:{version}-dev"\n'
                     '    runtime: "py-custom:{version}"\n')
    result = migrate(SOURCE, Options(rules_files=(rules,)))
    assert "FROM cgr.dev/chainguard/py-custom:latest\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status != "broken", result.runtime
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
