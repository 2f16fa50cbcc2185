"""fix64 item 5: MIG227 (a static final stage moved to glibc-dynamic because a build links glibc dynamically on
the Chainguard builder) names the build whose program the final stage copies, not the stage's first build."""

from __future__ import annotations

from migration_tools import final_stage, messages, migrate

TWO_BUILDS = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/migrate ./cmd/migrate
RUN go build -o /out/server ./cmd/server
WORKDIR /src/tools
RUN go build ./cmd/lint

FROM scratch
COPY --from=build {copied} /app
ENTRYPOINT ["/app"]
"""


def _named_line(copied: str) -> str:
    result = migrate(TWO_BUILDS.format(copied=copied))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    [warning] = messages(result, "MIG227")
    return warning.split("whose ", 1)[1].split(" links", 1)[0]


def test_the_build_whose_output_is_copied_is_named() -> None:
    assert _named_line("/out/server") == "`go build` (line 5)"
    assert _named_line("out/migrate") == "`go build` (line 4)"


def test_a_build_without_output_is_named_by_the_directory_it_ran_in() -> None:
    assert _named_line("/src/tools/lint") == "`go build` (line 7)"


def test_the_first_build_when_none_says() -> None:
    assert _named_line("/usr/local/bin/app") == "`go build` (line 4)"


STATIC_COPIED = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/migrate ./cmd/migrate
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM scratch
COPY --from=build {copied} /app
ENTRYPOINT ["/app"]
"""


def test_a_static_program_copied_beside_an_uncopied_dynamic_build_keeps_the_static_runtime() -> None:
    result = migrate(STATIC_COPIED.format(copied="/out/server"))
    assert final_stage(result).startswith("cgr.dev/chainguard/static:latest\n")
    assert not messages(result, "MIG227")


def test_a_copied_directory_with_a_dynamic_program_in_it_moves_to_glibc_dynamic() -> None:
    result = migrate(STATIC_COPIED.format(copied="/out/"))
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")
    [warning] = messages(result, "MIG227")
    assert "`go build` (line 4)" in warning
