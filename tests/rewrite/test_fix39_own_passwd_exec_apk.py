"""Adversary 9, E1 and E10.

E1: a final stage that copies an /etc/passwd of its own (the "user for scratch" pattern) replaces the runtime
image's, which then has no `nonroot` entry: `USER nonroot` cannot be resolved and the container does not start.
The USER stays as written, for a name the copied file defines and for a numeric uid alike.

E10: `RUN ["apk", "add", ...]` from an Alpine image runs on Wolfi as written when Wolfi has the names: no
E MIG310, and the packages it installs are not installed a second time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate

from migrator.model import Options

OWN_PASSWD = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /server ./cmd/server
RUN echo "app:x:10001:10001::/:/sbin/nologin" > /etc_passwd
FROM scratch
COPY --from=build {source} {destination}
COPY --from=build /server /server
USER {user}
ENTRYPOINT ["/server"]
"""


@pytest.mark.parametrize(("source", "destination", "user"), [
    ("/etc_passwd", "/etc/passwd", "app"),
    ("/etc_passwd", "/etc/passwd", "10001"),
    ("/etc/passwd", "/etc/passwd", "app:app"),
    ("/etc", "/etc/", "app"),
    ("/etc/passwd", "/etc/", "app"),
])
def test_final_stage_with_its_own_passwd_keeps_its_user(source: str, destination: str, user: str) -> None:
    result = migrate(OWN_PASSWD.format(source=source, destination=destination, user=user))
    final = final_stage(result)
    assert f"COPY --from=build {source} {destination}\n" in final
    assert f"\nUSER {user}\n" in final
    assert "USER nonroot" not in result.dockerfile
    assert "MIG512" not in codes(result)


@pytest.mark.parametrize(("source", "destination"), [("/server", "/usr/local/bin/server"), ("/src/config/", "/etc/")])
def test_final_stage_without_a_copied_passwd_still_gets_the_image_user(source: str, destination: str) -> None:
    text = OWN_PASSWD.format(source=source, destination=destination, user="app")
    assert "\nUSER nonroot\n" in final_stage(migrate(text))


def _exec_apk(tmp_path: Path, install: str) -> str:
    (tmp_path / "run.sh").write_text("#!/bin/bash\ncurl -s http://x\n")
    return f'FROM alpine:3.19\n{install}\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'


def test_exec_form_apk_add_of_wolfi_names_is_kept_without_error_or_duplicate(tmp_path: Path) -> None:
    install = 'RUN ["apk", "add", "--no-cache", "curl", "bash"]'
    result = migrate(_exec_apk(tmp_path, install), Options(context=tmp_path))
    assert result.dockerfile == (f'FROM cgr.dev/chainguard/wolfi-base:latest\n{install}\n'
                                 'COPY run.sh /run.sh\nCMD ["/run.sh"]\n')
    assert "MIG310" not in codes(result)


def test_exec_form_apk_add_still_gets_what_the_script_needs_beyond_it(tmp_path: Path) -> None:
    result = migrate(_exec_apk(tmp_path, 'RUN ["apk", "add", "curl"]'), Options(context=tmp_path))
    assert 'RUN apk add --no-cache bash\nRUN ["apk", "add", "curl"]\n' in result.dockerfile
    assert "MIG310" not in codes(result)


def test_exec_form_apk_add_of_a_name_wolfi_renames_is_still_an_error() -> None:
    result = migrate('FROM alpine:3.19\nRUN ["apk", "add", "openjdk17-jre"]\nCMD ["java"]\n')
    assert "MIG310" in codes(result, "error")


def test_exec_form_apt_get_is_still_an_error() -> None:
    result = migrate('FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\nCMD ["curl"]\n')
    assert "MIG310" in codes(result, "error")


def test_exec_form_shell_script_whose_apk_add_works_on_wolfi_is_kept_without_error() -> None:
    """fix44 regression: `RUN ["/bin/sh", "-c", "apk add ... && mkdir ..."]` in an Alpine final stage is now
    carried to a builder; its script needs no change on Wolfi, so it runs as written (no false E MIG310)."""
    run = 'RUN ["/bin/sh","-c","apk add --no-cache ca-certificates && mkdir -p /data"]'
    result = migrate(f'FROM alpine:3.20\n{run}\nCOPY app /app\nCMD ["/app"]\n')
    assert f"{run}\n" in result.dockerfile
    assert "MIG310" not in codes(result)


def test_exec_form_shell_script_with_a_name_wolfi_renames_is_translated_not_kept() -> None:
    result = migrate('FROM alpine:3.20\nRUN ["/bin/sh","-c","apk add --no-cache openjdk17-jre"]\nCMD ["java"]\n')
    assert '"apk add --no-cache openjdk17-jre"' not in result.dockerfile
    assert "MIG310" not in codes(result, "error")
