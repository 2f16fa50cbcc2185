"""Review 19 S19-1: the start check read the build context on disk (fix66, G5) and, when the directory given as the
context does not hold the entrypoint script (`migrate docker/Dockerfile`, whose default context is docker/), took
`COPY . /opt/app` as providing nothing: bash, which the unreadable script may need, was no longer installed on
wolfi-base. A context copy that is the only source of a path provides it; only an earlier COPY --from of that path
(an in-project .venv) stands when the context on disk lacks the file."""

from __future__ import annotations

from pathlib import Path

from migration_tools import migrate

DOCKERFILE = ("FROM python:3.11-slim\nWORKDIR /opt/app\nCOPY . /opt/app\n"
              "RUN pip install --no-cache-dir -r requirements.txt\n"
              'ENTRYPOINT ["/opt/app/docker-entrypoint.sh"]\n')


def test_a_script_the_context_on_disk_lacks_still_gets_bash(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)  # (the context holds the Dockerfile only)
    result = migrate(DOCKERFILE, context=tmp_path)
    assert "RUN apk add --no-cache python-3 py3-pip bash" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "single-stage"


def test_the_in_project_venv_copied_from_the_builder_still_stands(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("app = None\n")
    text = ("FROM python:3.12-slim AS builder\nWORKDIR /app\nRUN pip install uv\nCOPY pyproject.toml uv.lock ./\n"
            "RUN uv sync --frozen\n\nFROM python:3.12-slim\nWORKDIR /app\n"
            "COPY --from=builder /app/.venv .venv\nCOPY . .\nENV PATH=/app/.venv/bin:$PATH\n"
            'CMD ["uvicorn", "main:app"]\n')
    result = migrate(text, context=tmp_path)
    assert "MIG507" not in [f.code for f in result.findings]
    assert result.runtime is not None and result.runtime.status == "ok", result.runtime
