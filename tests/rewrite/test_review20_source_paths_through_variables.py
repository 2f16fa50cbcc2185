"""Review 20 S20-3: a source-image path reached through a variable or a listing is judged as the literal one.

`PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] 2>/dev/null | head -n1)" && cp "$PYBIN" ...` was kept on wolfi-base
with no finding: Wolfi's python is /usr/bin/python3.X, so PYBIN is empty and `cp ""` stops the build. The literal
`cp /usr/local/bin/python3.12 ...` was E MIG412; the same path behind a variable (set by the RUN, an ENV or an ARG
default) or a pattern that only the source image's paths match is now too. What is not certain (a branch, a
variable set twice or touched otherwise, a pattern Wolfi's paths may match, a listing through awk) is not said."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, migrate

PYBIN = ('FROM python:3.12-alpine\nRUN apk add --no-cache bash libcap\nCOPY app.py /app/app.py\n'
         'COPY entrypoint.sh /entrypoint.sh\n'
         'RUN PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] 2>/dev/null | head -n1)" && \\\n'
         '    cp "$PYBIN" /usr/local/bin/python3-cap && \\\n'
         '    setcap CAP_NET_BIND_SERVICE=+eip /usr/local/bin/python3-cap\n'
         'ENTRYPOINT ["/entrypoint.sh"]\n')


def test_a_listing_that_only_source_paths_match_leaves_the_variable_empty_and_the_copy_fails() -> None:
    result = migrate(PYBIN)
    [message] = errors(result, "MIG412")
    assert message.startswith('`cp "$PYBIN" /usr/local/bin/python3-cap` left as written: "$PYBIN" is empty there')
    assert "`ls /usr/local/bin/python3.[0-9][0-9]`" in message and "/usr/bin/python3.X" in message
    assert 'RUN PYBIN="$(ls /usr/local/bin/python3.[0-9][0-9] 2>/dev/null | head -n1)" && \\\n' in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "single-stage"


STAGE = 'FROM python:3.12-slim\n{lines}\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n'


@pytest.mark.parametrize(("lines", "said"), [
    ('RUN PYBIN=/usr/local/bin/python3.12 && cp "$PYBIN" /opt/py', '"$PYBIN" is /usr/local/bin/python3.12 (set to '
                                                                   'it by the RUN (line 2))'),
    ('ENV PYBIN=/usr/local/bin/python3.12\nRUN cp "$PYBIN" /opt/py', "set to it by the stage's ENV"),
    ('ARG PYBIN=/usr/local/bin/python3.12\nRUN setcap cap_net_bind_service=+ep ${PYBIN}', "the stage's ARG default"),
    ('RUN P=/usr/local/lib/python3.12 && cp -r "$P/site-packages" /opt/sp', "is /usr/local/lib/python3.12/site-"),
    ('RUN P=/usr/local/bin/python3.12 && "$P" -m pip install flask', "so the command fails there"),
    ('RUN P=$(find /usr/local/lib/python3.12 -name "*.so" | head -1) && cp "$P" /opt/', '"$P" is empty there'),
    ('RUN P=$(ls /usr/local/bin/python3.1* | sort -V | tail -n 1) && cp "$P" /opt/py', '"$P" is empty there'),
    ("RUN cp /usr/local/bin/python3.[0-9]* /opt/py", "/usr/local/bin/python3.[0-9]* is a path of the source image"),
    ('RUN cp /usr/local/bin/python3.12 "$DEST"', "/usr/local/bin/python3.12 is a path of the source image"),
])
def test_a_path_behind_a_variable_or_a_glob_is_an_error(lines: str, said: str) -> None:
    result = migrate(STAGE.format(lines=lines))
    [message] = errors(result, "MIG412")
    assert said in message
    assert lines.split("\n")[-1].removeprefix("RUN ") in result.dockerfile  # (left as written)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_the_shell_that_hides_the_failure_is_said() -> None:
    result = migrate(STAGE.format(lines='RUN P=$(ls /usr/local/bin/python3.[0-9]* | head -1); cp "$P" /opt/ || true'))
    [message] = errors(result, "MIG412")
    assert "The shell hides this failure (`||`" in message


@pytest.mark.parametrize("lines", [
    'RUN P=$(ls /usr/local/bin/python3.* /usr/bin/python3.* | head -n1) && cp "$P" /opt/py',  # (Wolfi's may match)
    "RUN cp /usr/local/bin/py* /opt/py",  # (/usr/local/bin/pydoc... a stage's own program may match)
    'RUN if [ -x /x ]; then P=/usr/local/bin/python3.12; fi && cp "$P" /opt/py',
    'RUN P=/usr/local/bin/python3.12 && P=/usr/bin/python3 && cp "$P" /opt/py',
    'RUN ln -s /usr/bin/python3 /usr/local/bin/python3.12 && P=$(ls /usr/local/bin/python3.1*) && cp "$P" /opt/py',
    'RUN P=$(ls /usr/local/bin/python3.1* | awk "{print}") && cp "$P" /opt/py',
    'RUN for f in /usr/local/bin/python3.*; do cp "$f" /opt/; done',
    'RUN P=/usr/local/bin/python3.12 cp "$P" /opt/py',  # (the command's environment: its words do not see it)
    'ENV PYBIN=/usr/local/bin/python3.12\nRUN ln -s /usr/bin/python3 $PYBIN\nRUN cp "$PYBIN" /opt/py',
    'ENV PYBIN=/usr/bin/python3\nRUN cp "$PYBIN" /opt/py',
])
def test_what_is_not_certain_is_not_said(lines: str) -> None:
    result = migrate(STAGE.format(lines=lines))
    assert "MIG412" not in codes(result) and "MIG424" not in codes(result)


def test_a_versioned_glob_is_not_renamed_as_an_interpreter() -> None:
    """`ls /usr/local/bin/python3.1*` is no `python3.1`: MIG423 made it `ls python3*`, a listing of the working
    directory, which hid the failure of the command after it."""
    result = migrate(STAGE.format(lines='RUN P=$(ls /usr/local/bin/python3.1* | head -1) && cp "$P" /opt/py'))
    assert "MIG423" not in codes(result)
    assert "ls /usr/local/bin/python3.1* | head -1" in result.dockerfile
