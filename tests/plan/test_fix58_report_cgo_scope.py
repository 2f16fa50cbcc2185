"""Found by fix58 (fix48's check): `CGO_ENABLED=0` written in front of one `go build` was taken for every later build
of the stage, so a `/server` built with cgo on landed on static:latest (no libc) with no finding. A prefix assignment
is its command's own; `export` lasts to the end of its RUN; `go env -w` and ENV last for the stage."""

from __future__ import annotations

import pytest

from tests.migration_tools import final_stage, migrate

TAIL = 'FROM scratch\nCOPY --from=b /server /server\nENTRYPOINT ["/server"]\n'
HEAD = "FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\n"


@pytest.mark.parametrize(
    "runs",
    [
        "RUN CGO_ENABLED=0 go build -o /tool ./cmd/tool\nRUN go build -o /server .\n",
        "RUN CGO_ENABLED=0 go build -o /tool ./cmd/tool && go build -o /server .\n",
        "RUN export CGO_ENABLED=0 && go build -o /tool ./cmd/tool\nRUN go build -o /server .\n",
    ],
)
def test_a_build_with_cgo_on_gets_a_libc(runs: str) -> None:
    assert final_stage(migrate(HEAD + runs + TAIL)).startswith("cgr.dev/chainguard/glibc-dynamic")


@pytest.mark.parametrize(
    "runs",
    [
        "RUN export CGO_ENABLED=0 && go build -o /server .\n",
        "RUN go env -w CGO_ENABLED=0\nRUN go build -o /server .\n",
        "ENV CGO_ENABLED=0\nRUN go build -o /server .\n",
        "RUN CGO_ENABLED=0 go build -o /server .\n",
    ],
)
def test_a_static_build_stays_static(runs: str) -> None:
    assert final_stage(migrate(HEAD + runs + TAIL)).startswith("cgr.dev/chainguard/static")
