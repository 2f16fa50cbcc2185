"""Adversary 8, E8 and E10, and the s2i user (issue 9).

E8: `COPY --from=build /bin/server /bin/` (docker init's Go template) gave the runtime the whole /bin of the
intermediate stage, owned by the app user. The runtime copies the landed file, root-owned as the original's COPY
left it; a source that may be a directory is repeated as written, never the directory the image fills itself.

E10: a build-context script copied into a PATH directory (`COPY bin/start /usr/local/bin/`, `COPY bin/
/usr/local/bin/`) in a python stage was taken for a console script of the virtualenv ("found (copied to
/opt/venv/bin/start)") on distroless python, where a `#!/bin/sh` script cannot start. The Dockerfile's own file
wins over that guess: read on disk with the context, an unread context file without it (shell kept).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

GO_INIT = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/server .

FROM alpine:latest AS final
RUN apk --update add ca-certificates tzdata && update-ca-certificates
ARG UID=10001
RUN adduser --disabled-password --gecos "" --no-create-home --uid "${{UID}}" appuser
USER appuser
{copy}
EXPOSE 8080
ENTRYPOINT [ "/bin/server" ]
"""


@pytest.mark.parametrize("copy", ["COPY --from=build /bin/server /bin/", "COPY --from=build /bin/server /bin/server",
                                  "COPY --from=build /bin/server /bin"])
def test_a_program_copied_into_bin_is_copied_alone_and_root_owned(copy: str) -> None:
    result = migrate(GO_INIT.format(copy=copy))
    runtime = final_stage(result)
    assert "COPY --from=final-build /bin/server /bin/server\n" in runtime
    assert " /bin /bin" not in runtime and "--chown" not in runtime
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_program_copied_with_chown_keeps_its_owner() -> None:
    runtime = final_stage(migrate(GO_INIT.format(copy="COPY --chown=appuser --from=build /bin/server /bin/")))
    assert "--chown=65532:65532 /bin/server /bin/server\n" in runtime


def test_a_source_that_may_be_a_directory_is_repeated_not_the_whole_directory() -> None:
    text = GO_INIT.format(copy="COPY --from=build /out/server /bin/").replace("-o /bin/server", "-o /out/server")
    result = migrate(text)
    runtime = final_stage(result)
    assert "COPY --from=build /out/server /bin/\n" in runtime
    assert " /bin /bin" not in runtime and "--chown" not in runtime
    assert not messages(result, "MIG523")  # the COPY names the file it copies, no RUN changes it (fix46)


PYTHON = """\
FROM python:3.11-slim
WORKDIR /app
{copy}
COPY . .
RUN pip install -r requirements.txt
CMD ["{name}"]
"""


def _context(tmp_path: Path, where: str) -> Path:
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / where).write_text("#!/bin/sh\nexec gunicorn app:app\n")
    (tmp_path / "requirements.txt").write_text("gunicorn\n")
    return tmp_path


@pytest.mark.parametrize(("copy", "where"), [
    ("COPY bin/start /usr/local/bin/", "bin/start"),
    ("COPY bin/ /usr/local/bin/", "bin/start"),
    ("COPY scripts /usr/local/bin/", "scripts/start"),
    ("COPY start /usr/local/bin/", "start"),
    ("COPY bin/start /usr/local/bin/start", "bin/start"),
])
def test_a_context_script_copied_into_path_is_read_not_a_console_script(tmp_path: Path, copy: str,
                                                                        where: str) -> None:
    result = migrate(PYTHON.format(copy=copy, name="start"), context=_context(tmp_path, where))
    assert result.runtime is not None
    assert "wolfi-base" in result.runtime.image and "/opt/venv" not in result.runtime.reason
    assert "`start` is a shell script" in result.runtime.reason


@pytest.mark.parametrize("copy", ["COPY bin/start /usr/local/bin/", "COPY bin/ /usr/local/bin/", "COPY start /usr/local/bin/"])
def test_without_the_context_a_copied_file_is_not_a_console_script(copy: str) -> None:
    result = migrate(PYTHON.format(copy=copy, name="start"))
    assert result.runtime is not None
    assert "/opt/venv" not in result.runtime.reason
    assert "wolfi-base" in result.runtime.image  # (an unread file from the context may be a script: shell kept)


def test_a_console_script_is_still_found_next_to_a_copied_directory(tmp_path: Path) -> None:
    for context in (None, _context(tmp_path, "bin/start")):
        result = migrate(PYTHON.format(copy="COPY bin/ /usr/local/bin/", name="gunicorn"), context=context)
        assert result.runtime is not None and result.runtime.status == "ok"
        assert "python:latest" in result.runtime.image and "/opt/venv/bin/gunicorn" in result.runtime.reason


def test_s2i_image_user_is_not_called_root() -> None:
    result = migrate("FROM registry.access.redhat.com/ubi9/python-311\nCOPY x.txt sub/\n")
    found = messages(result, "MIG555")
    assert found and all("ran as root" not in m for m in found)
    assert "the original ran as uid 1001" in found[0]
    assert "ran as root" in messages(migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY x.txt sub/\n"), "MIG555")[0]
