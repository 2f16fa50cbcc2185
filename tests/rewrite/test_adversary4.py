"""The fourth adversarial report (/work/adversary4/REPORT.md): A1, A2 (the runtime's WORKDIR and COPY name the
directory the builder made, as BuildKit reads them), A3 (build-context file names quoted on the builder's
sed line), B1 (a `sh -c` string read as a command line), B2 (ONBUILD exec-form triggers the runtime cannot run)."""

from __future__ import annotations

import pytest

from migrator.api import migrate_text
from migrator.parse.dockerfile import parse


def runtime(dockerfile: str) -> list[tuple[str, str]]:
    """The runtime stage of the migrated file as BuildKit reads it: (keyword, arguments), continuations joined."""
    output = migrate_text(dockerfile).dockerfile
    assert migrate_text(output).dockerfile == output  # idempotent
    text = output[output.index("\nFROM cgr.dev/chainguard/python:latest\n"):]
    return [(i.keyword, i.args) for i in parse(text).instructions if i.keyword not in ("ENV", "ARG")]


def app(lines: str) -> str:
    return f'FROM python:3.12-slim\n{lines}\nCOPY . .\nCMD ["python","app.py"]\n'


@pytest.mark.parametrize("lines, directory", [
    # an ENV that extends the build argument of its own name: in the runtime ${NAME} is the ENV's value
    ("ARG APP_HOME=/srv\nENV APP_HOME=${APP_HOME}/app\nWORKDIR $APP_HOME", "/srv/app"),
    ("ARG BASE=/opt\nENV BASE=$BASE/app\nWORKDIR $BASE/src", "/opt/app/src"),
    # a directory written with the argument before an ENV of that name replaced it
    ("ARG D=/srv\nWORKDIR $D\nENV D=/other", "/srv"),
    ("ARG D=/srv\nENV E=$D/app\nENV D=/other\nWORKDIR $E", "/srv/app"),
])
def test_an_env_replacing_a_build_argument_leaves_no_stale_reference(lines: str, directory: str) -> None:
    stage = runtime(app(lines))
    assert ("WORKDIR", directory) in stage
    assert ("COPY", f"--from=builder --chown=65532:65532 {directory} {directory}") in stage


def test_a_build_argument_no_env_replaces_is_still_written_as_the_argument() -> None:
    stage = runtime(app("ARG APP_HOME=/srv\nENV APP=${APP_HOME}/app\nWORKDIR $APP"))
    assert ("WORKDIR", "${APP_HOME}/app") in stage
