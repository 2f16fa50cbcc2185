"""A RUN in exec form in a final stage is read as what it runs (adversary 9, E8).

`RUN ["/busybox/sh", "-c", "mkdir -p /data && chown 65532 /data"]` is the usual way to run a script on a
distroless :debug image. It installs nothing, so it is not "already in the image" (MIG526): it runs in the
builder, where busybox is /bin/sh, and what it makes is copied to the runtime, as for the shell form.
"""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, codes, final_stage, migrate, status

GO_BUILD = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /server .\n"


@pytest.mark.parametrize("shell", ['"/busybox/sh", "-c"', '"/bin/sh", "-c"', '"sh", "-c"'])
def test_exec_form_shell_script_in_a_debug_final_stage_is_carried(shell: str) -> None:
    result = migrate(GO_BUILD + "FROM gcr.io/distroless/static-debian12:debug AS final\n"
                     "COPY --from=build /server /server\n"
                     f'RUN [{shell}, "mkdir -p /data && chown 65532 /data"]\n'
                     'USER nonroot\nENTRYPOINT ["/server"]\n')
    assert "MIG526" not in codes(result)
    builder = builder_stage(result)
    assert "FROM cgr.dev/chainguard/wolfi-base:latest AS final-build" in builder
    written = '"/bin/sh"' if "busybox" in shell else shell.split(",")[0]
    assert f'RUN [{written}, "-c", "mkdir -p /data && chown 65532 /data"]' in builder
    assert "/busybox" not in result.dockerfile
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest AS final")
    assert "COPY --from=final-build --chown=65532:65532 /data /data" in runtime
    assert status(result) == "ok"


def test_exec_form_link_in_a_node_debug_final_stage_is_carried() -> None:
    result = migrate("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                     "FROM gcr.io/distroless/nodejs20-debian12:debug\nWORKDIR /app\nCOPY --from=build /app /app\n"
                     'RUN ["/busybox/sh", "-c", "ln -s /app/config.prod.json /app/config.json"]\n'
                     'CMD ["index.js"]\n')
    assert "MIG526" not in codes(result)
    assert 'RUN ["/bin/sh", "-c", "ln -s /app/config.prod.json /app/config.json"]' in builder_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /app /app" in final_stage(result)
    assert "MIG407" in codes(result)


def test_busybox_shell_of_a_debug_image_is_wolfis_in_the_builder() -> None:
    result = migrate(GO_BUILD + "FROM gcr.io/distroless/static-debian12:debug\nCOPY --from=build /server /server\n"
                     'SHELL ["/busybox/sh", "-c"]\nRUN mkdir -p /data && chown 65532 /data\nENTRYPOINT ["/server"]\n')
    builder = builder_stage(result)
    assert 'SHELL ["/bin/sh", "-c"]\nRUN mkdir -p /data && chown 65532 /data\n' in builder
    assert "COPY --from=builder --chown=65532:65532 /data /data" in final_stage(result)


def test_exec_form_program_in_a_final_stage_is_kept() -> None:
    result = migrate(GO_BUILD + "FROM gcr.io/distroless/static-debian12:debug\nCOPY --from=build /server /server\n"
                     'RUN ["/server", "--init-config"]\nENTRYPOINT ["/server"]\n')
    assert "MIG526" not in codes(result)
    assert 'RUN ["/server", "--init-config"]' in builder_stage(result)


@pytest.mark.parametrize("run", ['["sh", "-c", "apk add --no-cache ca-certificates tzdata"]',
                                 '["apk", "add", "--no-cache", "tzdata"]'])
def test_exec_form_install_of_what_the_runtime_has_is_still_dropped(run: str) -> None:
    result = migrate(GO_BUILD + f"FROM alpine:3.20\nCOPY --from=build /server /server\nRUN {run}\n"
                     'ENTRYPOINT ["/server"]\n')
    assert codes(result).count("MIG526") == 1
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest") and "RUN" not in runtime


def test_the_shell_of_an_exec_form_run_is_still_a_program_the_stage_needs() -> None:
    result = migrate('FROM debian:12 AS b\nRUN ["bash", "-c", "echo hi > /x"]\n'
                     'FROM debian:12\nCOPY --from=b /x /x\nCMD ["cat", "/x"]\n')
    assert 'RUN apk add --no-cache bash\nRUN ["bash", "-c", "echo hi > /x"]\n' in result.dockerfile


@pytest.mark.parametrize("run", ['["sh", "-c", "mkdir -p /data\\nchown 65532 /data"]',
                                 '["sh", "-ec", "mkdir -p /data"]',
                                 '["/busybox/sh", "-c", "echo \\\\"]'])
def test_an_exec_form_script_not_read_as_one_line_is_kept(run: str) -> None:
    result = migrate(GO_BUILD + "FROM gcr.io/distroless/static-debian12:debug\nCOPY --from=build /server /server\n"
                     f'RUN {run}\nENTRYPOINT ["/server"]\n')
    assert "MIG526" not in codes(result)
    assert "RUN [" in builder_stage(result).split("AS builder", 1)[1]
