"""Adversary 12, G7: a python:*-slim file kept as one stage on wolfi-base (its start command is a shell script) got
`apk add python-3 py3-pip` only. Docker Hub's python carries the interpreter's headers (Python.h, python3-config);
Wolfi packages them apart (python-3.X-dev, virtual python-3-dev). A stage that installs a compiler builds C
extensions from source (uWSGI has no wheels, psycopg2): "Python.h: No such file or directory" without them. The
headers are added with the language when the stage compiles, as Ruby's ruby-4.0-dev is."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tools import messages, migrate

SLIM = """FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends {compiler}libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["./start.sh"]
"""


def _context(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("flask\nuwsgi\npsycopg2\n")
    script = tmp_path / "start.sh"
    script.write_text("#!/bin/sh\nset -e\nexec uwsgi --ini /app/uwsgi.ini\n")
    script.chmod(0o755)
    return tmp_path


def test_a_stage_that_compiles_gets_the_python_headers(tmp_path: Path) -> None:
    result = migrate(SLIM.format(compiler="build-essential "), context=_context(tmp_path))
    lines = result.dockerfile.splitlines()
    assert lines[0] == "FROM cgr.dev/chainguard/wolfi-base:latest"
    # (tzdata: python:3.11-slim carried it too, adversary 12 G4)
    assert lines[1] == "RUN apk add --no-cache python-3 py3-pip python-3-dev tzdata"
    assert "RUN apk add --no-cache build-base postgresql-dev" in lines
    said = [m for m in messages(result, "MIG313") if m.startswith("python-3-dev added")]
    assert len(said) == 1 and "build-base" in said[0] and "python:3.11-slim" in said[0]


def test_gcc_alone_is_a_compiler_too(tmp_path: Path) -> None:
    result = migrate(SLIM.format(compiler="gcc "), context=_context(tmp_path))
    assert "RUN apk add --no-cache python-3 py3-pip python-3-dev tzdata\n" in result.dockerfile


def test_a_stage_that_compiles_nothing_gets_no_headers(tmp_path: Path) -> None:
    result = migrate(SLIM.format(compiler=""), context=_context(tmp_path))
    assert "RUN apk add --no-cache python-3 py3-pip tzdata\n" in result.dockerfile
    assert "python-3-dev" not in result.dockerfile


def test_headers_the_stage_installs_itself_are_not_added_twice(tmp_path: Path) -> None:
    result = migrate(SLIM.format(compiler="build-essential python3-dev "), context=_context(tmp_path))
    assert "RUN apk add --no-cache python-3 py3-pip tzdata\n" in result.dockerfile
    assert result.dockerfile.count("python-3-dev") == 1
    assert not [m for m in messages(result, "MIG313") if m.startswith("python-3-dev added")]


def test_libraries_pinned_to_a_stream_pin_its_headers_too(tmp_path: Path) -> None:
    # python3-yaml keeps the stage on wolfi-base with the stream Wolfi builds the library for (MIG587): the
    # headers are that stream's, not the virtual name's newest
    result = migrate(SLIM.format(compiler="build-essential python3-yaml "), context=_context(tmp_path))
    first = result.dockerfile.splitlines()[1]
    assert first.startswith("RUN apk add --no-cache python-3.")
    stream = first.split()[4].removeprefix("python-")
    assert f"python-{stream}-dev" in first.split() and "python-3-dev" not in first.split()


def test_a_full_python_image_that_builds_keeps_its_compiler_and_the_headers(tmp_path: Path) -> None:
    # python:3.11 (not slim) is built on buildpack-deps, with gcc: its pip compiled sdists without installing one
    text = SLIM.replace("python:3.11-slim", "python:3.11").replace(
        "RUN apt-get update && apt-get install -y --no-install-recommends {compiler}libpq-dev && rm -rf /var/lib/apt/lists/*\n",
        "")
    result = migrate(text, context=_context(tmp_path))
    assert result.dockerfile.splitlines()[1] == "RUN apk add --no-cache python-3 py3-pip build-base python-3-dev tzdata"
    said = [m for m in messages(result, "MIG313") if m.startswith("build-base, python-3-dev added")]
    assert len(said) == 1 and "`pip` builds on it, and it had gcc" in said[0]
    plain = migrate(text.replace("RUN pip install --no-cache-dir -r requirements.txt\n", ""), context=tmp_path)
    assert "build-base" not in plain.dockerfile and "python-3-dev" not in plain.dockerfile  # nothing built
