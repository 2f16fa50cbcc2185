"""A `COPY --from=stage` with an unclosed quote, found by the property test (tests/property): the runtime's
COPY relocation split its words without the guard its other readers have, an internal error."""

from __future__ import annotations

from migration_tools import migrate


def test_copy_from_a_stage_with_an_unclosed_quote_is_no_internal_error() -> None:
    # (found by the property test: `_adjust_copy` split the COPY's words without the ValueError guard)
    text = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n"
            "FROM debian:bookworm-slim\nCOPY --from=0 \"/out/app /usr/local/bin/app\nCMD [\"app\"]\n")
    assert "COPY --from=0 \"/out/app /usr/local/bin/app\n" in migrate(text).dockerfile
