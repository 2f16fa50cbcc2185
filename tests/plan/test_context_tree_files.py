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


def start_of(tmp_path: Path, name: str, head: str) -> Result:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / name).write_text(head + "print('hi')\n")
    text = f'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["./{name}"]\n'
    return migrate(text, context=tmp_path)


@pytest.mark.parametrize("name, head", [("run.py", "#!/usr/bin/env python3\n"), ("run", "#!/usr/bin/env python3\n"),
                                        ("run.py", "#!/usr/local/bin/python3.12\n"), ("run.py", "")])
def test_a_python_file_started_by_its_path_starts_through_python(tmp_path: Path, name: str, head: str) -> None:
    result = start_of(tmp_path, name, head)
    assert f'CMD ["python","./{name}"]' in result.dockerfile.replace(", ", ",")
    assert result.runtime is not None and result.runtime.status == "ok"


@pytest.mark.parametrize("head", ["#!/usr/bin/env bash\n", "#!/usr/bin/env python2\n"])
def test_a_py_file_whose_first_line_names_another_program_is_not_started_through_python(tmp_path: Path,
                                                                                          head: str) -> None:
    # review 10, R10-3: `./run.py` written for bash (or python2) was started as `python ./run.py`, silently
    result = start_of(tmp_path, "run.py", head)
    assert '"python","./run.py"' not in result.dockerfile.replace(", ", ",")
    assert result.runtime is not None
    assert result.runtime.status != "ok" or "FROM cgr.dev/chainguard/python:latest\n" not in result.dockerfile
    if result.runtime.status == "broken":
        assert any(f.severity.value == "error" for f in result.findings)
