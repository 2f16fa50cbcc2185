"""Review 17, S17-1: `${VAR}` in an exec-form ENTRYPOINT reaches the program as text. The original's root
user created that relative directory in `/` when the program started; the migrated runtime (uid 65532)
cannot, and the program stopped at start with only a generic warning. Where ENV gives the variable an
absolute path, the path is written (W MIG570); programs that read `${...}` themselves keep the text."""

from __future__ import annotations

import pytest

from tests.migration_tools import final_stage, messages, migrate

GO_BUILD = """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .
FROM debian:bookworm-slim
COPY --from=build /out/server /srv/server
ENV STATE_DIR=/state
RUN mkdir -p /state && chmod 777 /state
"""


@pytest.mark.parametrize(
    ("start", "written"),
    [
        ('ENTRYPOINT ["/srv/server", "--state", "${STATE_DIR}"]', '["/srv/server", "--state", "/state"]'),
        ('ENTRYPOINT ["/srv/server", "--state=$STATE_DIR"]', '["/srv/server", "--state=/state"]'),
        ('CMD ["/srv/server", "-d", "${STATE_DIR}"]', '["/srv/server", "-d", "/state"]'),
    ],
)
def test_a_path_variable_passed_as_text_is_written_as_its_env_path(start: str, written: str) -> None:
    result = migrate(GO_BUILD + start + "\n")
    runtime = final_stage(result)
    assert start.split(" ", 1)[0] + " " + written in runtime and "$" not in runtime.split("ENV STATE_DIR=/state")[-1]
    assert "/state" in runtime.split("COPY")[1]  # the directory the runtime now names is copied, owned by the app
    (message,) = messages(result, "MIG570")
    assert "/state" in message and "65532" in message


@pytest.mark.parametrize(
    "start",
    [
        'ENTRYPOINT ["/srv/server", "--state", "${UNSET_DIR}"]',  # no ENV: nothing to write
        'ENTRYPOINT ["/srv/server", "--state", "${STATE_DIR}/db"]',  # not only the variable
        'ENTRYPOINT ["java", "-jar", "/srv/app.jar", "--server.port=${PORT}"]',  # Spring reads ${...} itself
        'ENTRYPOINT ["/srv/server", "--name", "${HOSTNAME_TEXT}"]',  # ENV value is not a path
    ],
)
def test_other_exec_form_variables_are_kept_as_written(start: str) -> None:
    result = migrate(GO_BUILD + "ENV HOSTNAME_TEXT=web PORT=8080\n" + start + "\n")
    assert start in final_stage(result)
    assert not messages(result, "MIG570")
