"""W MIG523 ("files copied without names the Dockerfile shows") only where the names are not shown: a COPY into
/ or /usr/local/bin that names each file it copies is repeated by the runtime without that false warning, unless
a later RUN names such a file (its change is not carried, and that is said)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.model import Options

PYTHON_APP = """\
FROM golang:1.22 AS build
RUN go build -o /out/server .
FROM python:3.12
RUN pip install flask
{copy}
COPY app.py /app/
CMD ["python", "/app/app.py"]
"""


@pytest.mark.parametrize("copy", ["COPY --from=build /out/server /usr/local/bin/", "COPY server /usr/local/bin/",
                                  "COPY server /", "COPY [\"server\", \"/usr/local/bin/\"]",
                                  "COPY --from=build /out/server /", "COPY a.sh b.sh /usr/local/bin/"])
def test_a_copy_that_names_its_files_is_repeated_without_mig523(copy: str) -> None:
    result = migrate(PYTHON_APP.format(copy=copy))
    assert ("b.sh" if "b.sh" in copy else "server") in final_stage(result)  # the runtime carries it
    assert not messages(result, "MIG523")


@pytest.mark.parametrize("copy", ["COPY rootfs/ /", "COPY bin/ /usr/local/bin/", "COPY *.sh /usr/local/bin/",
                                  "COPY . /"])
def test_a_copy_whose_names_are_not_shown_still_says_so(copy: str) -> None:
    [message] = messages(migrate(PYTHON_APP.format(copy=copy)), "MIG523")
    assert message.startswith("files copied without names the Dockerfile shows (line 5)")


def test_a_named_file_a_later_run_changes_is_said_with_its_name() -> None:
    text = PYTHON_APP.format(copy="COPY server /usr/local/bin/\nRUN chmod +x /usr/local/bin/server")
    [message] = messages(migrate(text), "MIG523")
    assert message.startswith("line 5 copies server, which the RUN of line 6 names: the runtime repeats that COPY")


def test_a_build_context_directory_on_disk_has_no_names_to_show(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    text = PYTHON_APP.format(copy="COPY server /usr/local/bin/")
    [message] = messages(migrate(text, Options(context=tmp_path)), "MIG523")
    assert "without names the Dockerfile shows (line 5)" in message


def test_a_named_source_the_builder_fills_as_a_directory_has_no_names_to_show() -> None:
    # (gotify's Dockerfile: `make OUTPUT=/target/app/gotify-app`, then `COPY --from=builder /target /`)
    text = PYTHON_APP.replace("-o /out/server", "-o /target/app/server").format(copy="COPY --from=build /target /")
    [message] = messages(migrate(text), "MIG523")
    assert "without names the Dockerfile shows (line 5)" in message
