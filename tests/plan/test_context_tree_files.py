"""A file the start command runs that the stage copied as part of a build-context tree (`COPY . .`): when the
context on disk has it and no step builds or writes it, it is the context's file, and its first bytes say what it
is. An install elsewhere in the stage (pip into the virtualenv, npm into node_modules) does not make it."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Result

PYTHON_APP = """\
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt{extra}
CMD ["./run", "--port", "8080"]
"""


def migrate_with_run(tmp_path: Path, extra: str = "", head: bytes = b"#!/bin/sh\nexec gunicorn app:app\n") -> Result:
    """Migrate PYTHON_APP with a context in `tmp_path` whose ./run starts with `head`."""
    (tmp_path / "requirements.txt").write_text("gunicorn\n")
    (tmp_path / "run").write_bytes(head)
    return migrate(PYTHON_APP.format(extra=extra), context=tmp_path)


@pytest.mark.parametrize("extra", ["", " && chmod +x run", " && cp run /usr/local/bin/run"])
def test_a_shell_script_from_the_copied_context_gets_a_runtime_with_a_shell(tmp_path: Path, extra: str) -> None:
    result = migrate_with_run(tmp_path, extra)
    assert result.runtime is not None
    # was: python (distroless) judged ok, `./run` taken for something pip install made; no sh to run it there
    assert "cgr.dev/chainguard/python:latest\n" not in result.dockerfile
    assert result.runtime.status in ("shell-kept", "single-stage")
    assert "`./run` is a shell script" in result.runtime.reason


def test_a_binary_from_the_copied_context_starts_on_the_distroless_runtime(tmp_path: Path) -> None:
    result = migrate_with_run(tmp_path, head=b"\x7fELF\x02\x01\x01" + bytes(64))
    assert result.runtime is not None
    assert "FROM cgr.dev/chainguard/python:latest\n" in result.dockerfile
    assert result.runtime.status == "ok"


def test_a_file_a_build_step_writes_is_not_the_context_copy(tmp_path: Path) -> None:
    result = migrate_with_run(tmp_path, " && make run")  # the Makefile builds ./run over the context's script
    assert result.runtime is not None
    assert result.runtime.status == "ok"
