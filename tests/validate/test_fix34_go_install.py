"""Adversary 8, E11: `go install` with GOBIN writes each main package's binary, named after its directory, into
GOBIN; a final stage that copies that directory into its PATH has the program. It was E MIG540 "not on the PATH"."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, migrate, status

from migrator.model import Severity


def _file(run: str, start: str = "worker", before: str = "") -> str:
    return (f"FROM golang:1.22 AS build\nWORKDIR /src\n{before}COPY . .\nRUN {run}\n\n"
            f"FROM gcr.io/distroless/static\nCOPY --from=build /out /usr/local/bin\nENTRYPOINT [\"{start}\"]\n")


@pytest.mark.parametrize("run, before", [
    ("GOBIN=/out go install ./cmd/worker", ""),
    ("CGO_ENABLED=0 GOBIN=/out/ go install -tags netgo -ldflags '-s -w' ./cmd/api ./cmd/worker", ""),
    ("CGO_ENABLED=0 go install ./cmd/worker", "ENV GOBIN=/out\n"),
    ("go env -w GOBIN=/out && CGO_ENABLED=0 go install ./cmd/worker", ""),
    ("CGO_ENABLED=0 GOBIN=/out go install example.com/tools/worker/v2@latest", ""),
])
def test_a_named_package_installed_into_a_copied_gobin_starts(run: str, before: str) -> None:
    result = migrate(_file(run, before=before))
    assert status(result) == "ok"
    assert not errors(result, "MIG540")


@pytest.mark.parametrize("pattern", ["./cmd/...", "./..."])
def test_a_package_pattern_is_unverified_not_an_error(pattern: str) -> None:
    result = migrate(_file(f"CGO_ENABLED=0 GOBIN=/out go install {pattern}"))
    assert status(result) == "unverified"
    assert not errors(result, "MIG540")
    warned = [f for f in result.findings if f.code == "MIG589"]
    assert warned and warned[0].severity is Severity.WARNING and "/out" in warned[0].message


def test_another_name_is_still_missing() -> None:
    result = migrate(_file("CGO_ENABLED=0 GOBIN=/out go install ./cmd/server"))
    assert status(result) == "broken"
    assert errors(result, "MIG540")
    assert "MIG589" not in codes(result)


def test_go_env_w_gobin_is_what_a_split_go_stage_copies() -> None:
    text = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN go env -w GOBIN=/out && CGO_ENABLED=0 go install ./cmd/worker\nENTRYPOINT [\"worker\"]\n")
    result = migrate(text)
    runtime = result.dockerfile.rsplit("\nFROM ", 1)[1]
    assert "COPY --from=builder /out /out\n" in runtime and 'ENV PATH="/out:$PATH"\n' in runtime
    assert status(result) == "ok"
