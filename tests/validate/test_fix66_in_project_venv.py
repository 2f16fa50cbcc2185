"""Adversary 12 G5: an in-project virtualenv (poetry's POETRY_VIRTUALENVS_IN_PROJECT, pipenv's PIPENV_VENV_IN_PROJECT,
`uv sync`) copied from the builder, then the app's sources with `COPY . .`. The program the start command runs,
/app/.venv/bin/uvicorn, is the venv's: a context COPY provides a path only when the context can have it (the context
on disk has the file and its .dockerignore sends it), and without a context on disk it does not override the COPY
--from that names the path. The start check said E MIG507 "comes from the build context", failing the hook."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, migrate

from migrator.model import Result
from migrator.plan.dockerignore import DockerIgnore

POETRY = """\
FROM python:3.12-slim AS builder
ENV POETRY_VIRTUALENVS_IN_PROJECT=1 POETRY_NO_INTERACTION=1
RUN pip install poetry==1.8.3
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN poetry install --only main --no-root

FROM python:3.12-slim
WORKDIR /app
ENV PATH="/app/.venv/bin:$PATH"
COPY --from=builder /app/.venv .venv
COPY . .
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

UV = """\
FROM python:3.12-slim AS builder
COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

FROM python:3.12-slim
WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY . /app
ENV PATH="/app/.venv/bin:$PATH"
CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]
"""


def project(root: Path, ignore: str | None = ".venv\n__pycache__\n") -> Path:
    (root / "pyproject.toml").write_text('[project]\nname="app"\nversion="0.1.0"\n')
    (root / "poetry.lock").write_text("")
    (root / "uv.lock").write_text("")
    (root / "app").mkdir()
    (root / "app" / "main.py").write_text("app = None\n")
    if ignore is not None:
        (root / ".dockerignore").write_text(ignore)
    return root


def assert_venv_program_starts(result: Result, program: str) -> None:
    assert "MIG507" not in codes(result)
    assert result.runtime is not None
    assert result.runtime.status == "ok", result.runtime.reason
    assert f"copied to /app/.venv/bin/{program}" in result.runtime.reason


@pytest.mark.parametrize("text, program", [(POETRY, "uvicorn"), (UV, "gunicorn")])
def test_the_venvs_program_is_not_taken_for_a_context_file(tmp_path: Path, text: str, program: str) -> None:
    result = migrate(text, context=project(tmp_path))
    assert_venv_program_starts(result, program)
    assert "--from=builder /app/.venv" in result.dockerfile


@pytest.mark.parametrize("text, program", [(POETRY, "uvicorn"), (UV, "gunicorn")])
def test_without_a_context_on_disk_the_copy_from_stands(text: str, program: str) -> None:
    assert_venv_program_starts(migrate(text), program)


def test_a_local_venv_the_dockerignore_leaves_out_is_not_what_runs(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "uvicorn").write_text("#!/home/me/app/.venv/bin/python\nimport uvicorn\n")
    assert_venv_program_starts(migrate(POETRY, context=root), "uvicorn")


def test_a_context_script_of_that_path_that_is_sent_still_counts(tmp_path: Path) -> None:
    """A context that does send its own .venv/bin/uvicorn (no .dockerignore), a shell script: it is what runs."""
    root = project(tmp_path, ignore=None)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "uvicorn").write_text("#!/bin/sh\nexec python -m uvicorn \"$@\"\n")
    result = migrate(POETRY, context=root)
    assert result.runtime is not None
    assert result.runtime.status != "ok"
    assert "shell script" in result.runtime.reason


@pytest.mark.parametrize("pattern, path, excluded", [
    (".venv", ".venv/bin/uvicorn", True),
    ("/.venv/", ".venv", True),
    ("**/__pycache__", "app/__pycache__/x.pyc", True),
    ("*.md\n!README.md", "README.md", False),
    ("*.md\n!README.md", "docs.md", True),
    ("app/*.py", "app/main.py", True),
    ("app/*.py", "app/sub/main.py", False),
    ("# .venv\n", ".venv/bin/x", False),
    ("*", "app/main.py", True),
    ("bin/?un", "bin/run", True),
    ("bin/[rs]un", "bin/sun", True),
])
def test_dockerignore_patterns_as_the_engine_reads_them(pattern: str, path: str, excluded: bool) -> None:
    assert DockerIgnore(pattern.splitlines()).excludes(path) is excluded


def test_a_whole_app_directory_copied_from_the_builder_keeps_its_venv() -> None:
    text = POETRY.replace("COPY --from=builder /app/.venv .venv", "COPY --from=builder /app /app").replace(
        'CMD ["uvicorn"', 'CMD ["/app/.venv/bin/uvicorn"')
    assert_venv_program_starts(migrate(text), "uvicorn")


NODE = """\
FROM node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
CMD ["node_modules/.bin/next", "start"]
"""


def test_node_modules_from_the_builder_then_the_sources_start_on_the_node_image() -> None:
    """Was: the context COPY taken for the provider of node_modules/.bin/next, a file of unknown kind, so the
    runtime fell back to wolfi-base with a shell."""
    result = migrate(NODE)
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "ok"


def test_the_dockerfiles_own_dockerignore_is_the_one_read(tmp_path: Path) -> None:
    """BuildKit reads `NAME.dockerignore` beside the Dockerfile instead of the context's .dockerignore."""
    from migrator.api import migrate_path

    root = project(tmp_path, ignore="")  # (the context's own ignores nothing)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "uvicorn").write_text("#!/bin/sh\nexec python -m uvicorn \"$@\"\n")
    (root / "api.Dockerfile").write_text(POETRY)
    (root / "api.Dockerfile.dockerignore").write_text(".venv\n")
    assert_venv_program_starts(migrate_path(root / "api.Dockerfile"), "uvicorn")
    (root / "api.Dockerfile.dockerignore").unlink()  # (now the context sends its own script, which is what runs)
    result = migrate_path(root / "api.Dockerfile")
    assert result.runtime is not None and "shell script" in result.runtime.reason


def test_the_build_context_does_not_show_what_dockerignore_leaves_out(tmp_path: Path) -> None:
    from migrator.plan.buildcontext import BuildContext

    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "run").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "debug").write_text("#!/bin/bash\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / ".dockerignore").write_text("node_modules\nbin/*\n!bin/run\n")
    files = BuildContext(tmp_path)
    assert files.files_under("bin") == ["run"]
    assert files.kind("bin/run") == "sh" and files.kind("bin/debug") is None
    assert files.lacks("bin/debug") and files.lacks("bin/missing") and not files.lacks("bin/run")
    assert files.directories_in(".") == ["bin"]
    assert not BuildContext(None).lacks("bin/debug")  # (no context on disk: not known)
