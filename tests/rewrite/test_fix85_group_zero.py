"""Adversary round 14, H5: a final stage prepared for OpenShift's arbitrary uid (files given to group 0 and made
group-writable, `chown -R 1001:0 /app && chmod -R g=u /app`, `USER 1001`) was copied with `--chown=65532:65532`:
under OpenShift's random uid (group 0) the tree was "other" r-x and the app could not write its uploads. The
runtime keeps group 0 (`--chown=65532:0`; COPY --from keeps the modes the builder's chmod set), said by MIG580."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate, status

from migrator.model import Severity

_UVICORN = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p /app/uploads /app/tmp && {prepare}
USER 1001
EXPOSE 8080
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]
"""


def _context(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("fastapi\nuvicorn\n")
    (tmp_path / "main.py").write_text("app = None\n")
    return tmp_path


@pytest.mark.parametrize("prepare", ["chown -R 1001:0 /app && chmod -R g=u /app",
                                     "chgrp -R 0 /app && chmod -R g+rwX /app",
                                     "chown -R 1001:root /app && chmod -R 775 /app"])
def test_group_zero_and_its_write_bits_are_kept(tmp_path: Path, prepare: str) -> None:
    result = migrate(_UVICORN.format(prepare=prepare), context=_context(tmp_path))
    runtime = final_stage(result)
    assert "COPY --from=builder --chown=65532:0 /app /app\n" in runtime
    assert "65532:65532" not in runtime
    assert f"RUN mkdir -p /app/uploads /app/tmp && {prepare}\n" in result.dockerfile  # (the builder sets the modes)
    assert "USER nonroot\n" in runtime
    found = messages(result, "MIG580")
    assert len(found) == 1 and "--chown=65532:0" in found[0] and "OpenShift" in found[0]
    assert "MIG580" in codes(result, Severity.INFO) and not codes(result, Severity.ERROR)
    assert status(result) == "ok"


@pytest.mark.parametrize("prepare", ["chown -R 1001:1001 /app && chmod -R g=u /app",
                                     "chown -R 1001:0 /app && chmod -R 755 /app",
                                     "chown -R 1001:0 /app && chmod -R g-w /app"])
def test_without_group_zero_or_group_write_the_runtime_user_owns_as_before(tmp_path: Path, prepare: str) -> None:
    result = migrate(_UVICORN.format(prepare=prepare), context=_context(tmp_path))
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in final_stage(result)
    assert "MIG580" not in codes(result)
    assert status(result) == "ok"


def test_a_distroless_runtime_after_a_go_build_keeps_group_zero(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/app\n")
    text = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n"
            "FROM alpine:3.19\nRUN mkdir -p /data && chgrp -R 0 /data && chmod -R g+rwX /data\n"
            "COPY --from=build --chown=1001:0 /out/app /usr/local/bin/app\nUSER 1001\nCMD [\"/usr/local/bin/app\"]\n")
    result = migrate(text, context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest\n")
    assert "COPY --from=builder --chown=65532:0 /data /data\n" in runtime
    assert "65532:65532" not in runtime
    assert len(messages(result, "MIG580")) == 1
    assert status(result) == "ok"


def test_s2i_fix_permissions_keeps_group_zero_as_its_port_says(tmp_path: Path) -> None:
    text = ("FROM registry.access.redhat.com/ubi9/python-311\nWORKDIR /opt/app-root/src\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\nCOPY . .\nUSER 0\nRUN fix-permissions /opt/app-root/src\nUSER 1001\n"
            "CMD [\"python\", \"main.py\"]\n")
    result = migrate(text, context=_context(tmp_path))
    assert "RUN chgrp -R 0 /opt/app-root/src && chmod -R g+rwX /opt/app-root/src\n" in result.dockerfile  # MIG425
    assert "COPY --from=builder --chown=65532:0 /opt/app-root/src /opt/app-root/src\n" in final_stage(result)
    assert "MIG425" in codes(result) and len(messages(result, "MIG580")) == 1
    assert status(result) == "ok"
