"""Files the original final stage downloads (curl -o, wget -O, a URL's own name) are files the app reads at run
time, as a file written with `>` is: a split runtime copies them from the builder (adversary 6, N10: they were
lost with only W MIG514 about curl)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

APP = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
       "RUN apt-get update && apt-get install -y --no-install-recommends curl wget\n{run}\nCMD [\"python\",\"app.py\"]\n")


def runtime_of(run: str) -> str:
    """The final stage of APP migrated with `run` after its package installs."""
    return final_stage(migrate(APP.format(run=run)))


@pytest.mark.parametrize("run, path", [
    ("RUN curl -fsSLo /opt/data/geo.mmdb https://example.com/geo.mmdb", "/opt/data/geo.mmdb"),
    ("RUN curl -fsSL --output /opt/data/geo.mmdb https://example.com/geo.mmdb", "/opt/data/geo.mmdb"),
    ("RUN wget -qO /srv/model.bin https://example.com/m", "/srv/model.bin"),
    ("RUN wget -q --output-document=/srv/model.bin https://example.com/m", "/srv/model.bin"),
    ("RUN wget -q -P /srv/models https://example.com/dl/model.bin?v=3", "/srv/models/model.bin"),
    ("RUN mkdir -p /srv/models && cd /srv/models && curl -fsSLO https://example.com/dl/model.bin", None),
    # adversary 7, D11: through a wrapper or a shell's script, or followed by a mode change, the download all the same
    ("RUN nice -n 5 wget -qO /srv/model.bin https://example.com/m", "/srv/model.bin"),
    ("RUN bash -lc 'wget -qO /srv/model.bin https://example.com/m'", "/srv/model.bin"),
    ("RUN sh -c 'cd /srv && curl -fsSLO https://example.com/dl/model.bin'", "/srv/model.bin"),
    ("RUN curl -fsSLo /srv/model.bin https://example.com/m && chmod 640 /srv/model.bin", "/srv/model.bin"),
])
def test_a_file_the_final_stage_downloads_is_copied_to_the_runtime(run: str, path: str | None) -> None:
    runtime = runtime_of(run)
    if path is not None:
        assert f" {path} {path}\n" in runtime and "COPY --from=builder " in runtime
    else:  # (after a cd the name lands where this tool does not follow: its made directory is copied whole)
        assert " /srv/models /srv/models\n" in runtime


@pytest.mark.parametrize("run", [
    "RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt",  # to a pipe: no file
    "RUN wget -qO- https://example.com/install.sh | sh",
    "RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz",
    "RUN wget -q https://example.com/x.tgz && tar -xzf x.tgz && rm x.tgz",  # read and removed again
])
def test_a_download_the_stage_consumes_is_not_copied(run: str) -> None:
    runtime = runtime_of(run)
    assert "x.tgz" not in runtime and "install.sh" not in runtime and "/tmp" not in runtime
