"""fix64 item 1: a stage already on Chainguard python (or node), whose ENTRYPOINT is the interpreter, with
`CMD ["python", "app.py"]` and no ENTRYPOINT of its own runs `/usr/bin/python python app.py`: python takes its own
name for the file to run. So does any program of the image the CMD starts (`CMD ["npm", "start"]` on node, nginx's
own name on nginx). The stage gets `ENTRYPOINT []` before its CMD (I MIG506), as a stage migrated from Docker
Hub's python does; where the CMD cannot be given one (it is inherited), the start check names the real problem."""

from __future__ import annotations

import pytest
from migration_tools import codes, messages, migrate

ON_CHAINGUARD = """\
FROM cgr.dev/chainguard/{image}
WORKDIR /app
COPY . .
# start the app
CMD ["{interpreter}", "{script}"]
"""


@pytest.mark.parametrize(("image", "interpreter", "script"), [
    ("python:latest", "python", "app.py"),
    ("python:latest-dev", "python3", "app.py"),
    ("node:latest", "node", "server.js"),
    ("node:latest-dev", "npm", "start"),
    ("nginx:latest", "/usr/sbin/nginx", "-v"),
])
def test_a_cmd_that_starts_a_program_of_the_image_gets_an_empty_entrypoint(image: str, interpreter: str,
                                                                             script: str) -> None:
    original = ON_CHAINGUARD.format(image=image, interpreter=interpreter, script=script)
    result = migrate(original)
    cmd = f'CMD ["{interpreter}", "{script}"]\n'
    assert result.dockerfile == original.replace(cmd, "ENTRYPOINT []\n" + cmd)
    assert codes(result, "error") == []
    note = messages(result, "MIG506")
    entrypoint = {"python3": "/usr/bin/python", "npm": "/usr/bin/node", "/usr/sbin/nginx": "/usr/sbin/nginx"}
    assert len(note) == 1 and f"`{entrypoint.get(interpreter, '/usr/bin/' + interpreter)} {interpreter} {script}`" \
        in note[0]
    assert result.runtime is not None and result.runtime.argv == (interpreter, script)


def test_a_stage_with_its_own_entrypoint_or_an_app_command_is_left_as_written() -> None:
    for original in (ON_CHAINGUARD.format(image="python:latest", interpreter="app.py", script="x").replace(
            'CMD ["app.py", "x"]', 'CMD ["app.py"]'),
            ON_CHAINGUARD.format(image="python:latest", interpreter="python", script="app.py").replace(
            "CMD", 'ENTRYPOINT []\nCMD')):
        result = migrate(original)
        assert result.dockerfile == original
        assert "MIG506" not in codes(result)


def test_an_inherited_cmd_is_an_error_that_names_the_program_given_as_an_argument() -> None:
    original = """\
FROM cgr.dev/chainguard/python:latest AS base
CMD ["python", "app.py"]

FROM base
WORKDIR /app
COPY app.py .
"""
    result = migrate(original)
    assert result.dockerfile == original
    [error] = messages(result, "MIG540")
    assert "the container runs `/usr/bin/python python app.py`" in error
    assert "takes `python` as its first argument (an interpreter, as the file to run)" in error
    assert "add `ENTRYPOINT []`" in error
