"""Review 14, R14-1: a directory copied into a parent of a source-image path (`COPY --from=tools /usr/local/pgsql
/usr/local/`, `COPY --from=build /app/out /`) silenced E MIG412 although nothing there can hold the path. A
directory from a stage holds what the tool knows that stage makes there; one from the build context is read on
disk when the context is given, else W MIG424 says the path may come from it (never silence, never an error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, errors, messages, migrate

from migrator.model import Severity

SETCAP = "RUN setcap CAP_NET_BIND_SERVICE=+eip /usr/local/bin/python3.[0-9][0-9]"
PGADMIN = ("FROM alpine AS tools\nRUN mkdir -p /usr/local/pgsql/pgsql-16 && touch /usr/local/pgsql/pgsql-16/psql\n"
           "FROM python:3.12-alpine\nRUN apk add --no-cache libcap\nCOPY --from=tools /usr/local/pgsql /usr/local/\n"
           f'{SETCAP}\nCMD ["python3", "-m", "http.server", "80"]\n')
TO_ROOT = ("FROM node:20 AS build\nWORKDIR /app\nRUN mkdir -p out && echo hi > out/index.html\n"
           "FROM python:3.12-slim\nCOPY --from=build /app/out /\n"
           'RUN setcap CAP_NET_BIND_SERVICE=+eip /usr/local/bin/python3.12\nCMD ["python3","-m","http.server","80"]\n')


@pytest.mark.parametrize("text", [PGADMIN, TO_ROOT], ids=["pgadmin-into-usr-local", "into-root"])
def test_a_stage_directory_that_cannot_hold_the_path_keeps_the_error(text: str) -> None:
    result = migrate(text)
    assert errors(result, "MIG412")
    assert "MIG424" not in codes(result)


def _pgadmin_with(tools: str) -> str:
    return PGADMIN.replace("RUN mkdir -p /usr/local/pgsql/pgsql-16 && touch /usr/local/pgsql/pgsql-16/psql", tools)


@pytest.mark.parametrize("tools", [
    "RUN mkdir -p /usr/local/pgsql/bin && cp /usr/bin/python3.12 /usr/local/pgsql/bin/",  # named on the way
    "COPY . /usr/local/pgsql",  # the whole context: anything
    "COPY pg/ /usr/local/pgsql/",
    "RUN cp -r /build/out/* /usr/local/pgsql/",  # filled with files it does not name
    "RUN curl -sL https://example.org/py.tgz | tar -xz -C /usr/local/pgsql",
    "RUN ./configure --prefix=/usr/local/pgsql && make && make install",
])
def test_a_stage_that_may_put_the_path_there_counts_as_providing_it(tools: str) -> None:
    result = migrate(_pgadmin_with(tools))
    assert not errors(result, "MIG412"), tools


def test_a_stage_on_an_image_with_the_path_provides_it() -> None:
    text = PGADMIN.replace("FROM alpine AS tools", "FROM python:3.12-alpine AS tools").replace(
        "COPY --from=tools /usr/local/pgsql /usr/local/", "COPY --from=tools /usr/local/ /usr/local/")
    assert not errors(migrate(text), "MIG412")


ROOTFS = ("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCOPY rootfs/ /\n"
          "RUN chmod +x /usr/local/bin/docker-entrypoint.sh\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"
          "CMD [\"node\",\"server.js\"]\n")


def test_a_context_directory_without_the_context_is_a_warning_not_silence() -> None:
    result = migrate(ROOTFS)
    assert not errors(result, "MIG412")
    warned = messages(result, "MIG424")
    assert warned and "/usr/local/bin/docker-entrypoint.sh" in warned[0] and "line 5" in warned[0]
    assert "MIG424" in codes(result, Severity.WARNING)
    assert "\nRUN chmod +x /usr/local/bin/docker-entrypoint.sh\n" in result.dockerfile


def _context(root: Path, with_entrypoint: bool) -> Path:
    (root / "rootfs/usr/local/bin").mkdir(parents=True)
    (root / "rootfs/etc").mkdir()
    if with_entrypoint:
        (root / "rootfs/usr/local/bin/docker-entrypoint.sh").write_text("#!/bin/sh\nexec \"$@\"\n")
    (root / "server.js").write_text("")
    (root / "package.json").write_text('{"name": "x"}')
    return root


def test_a_context_directory_that_holds_the_path_says_nothing(tmp_path: Path) -> None:
    result = migrate(ROOTFS, context=_context(tmp_path, True))
    assert not errors(result, "MIG412") and "MIG424" not in codes(result)


def test_a_context_directory_without_the_path_is_the_error(tmp_path: Path) -> None:
    result = migrate(ROOTFS, context=_context(tmp_path, False))
    assert errors(result, "MIG412") and "MIG424" not in codes(result)


def test_a_context_directory_into_usr_local_warns() -> None:
    text = PGADMIN.replace("COPY --from=tools /usr/local/pgsql /usr/local/", "COPY vendor /usr/local/")
    result = migrate(text)
    assert not errors(result, "MIG412") and messages(result, "MIG424")


def test_a_directory_copied_elsewhere_keeps_the_error() -> None:
    text = PGADMIN.replace("COPY --from=tools /usr/local/pgsql /usr/local/", "COPY vendor /opt/")
    result = migrate(text)
    assert errors(result, "MIG412") and "MIG424" not in codes(result)


def test_a_context_without_the_copied_directory_is_not_the_build_context(tmp_path: Path) -> None:
    # (`docker build -f docker/Dockerfile .`: the Dockerfile's own directory has no rootfs/ to read)
    (tmp_path / "server.js").write_text("")
    result = migrate(ROOTFS, context=tmp_path)
    assert not errors(result, "MIG412") and messages(result, "MIG424")


def test_the_repro_files_from_the_review_keep_their_error() -> None:
    for text in (PGADMIN, TO_ROOT):
        result = migrate(text)
        assert "setcap CAP_NET_BIND_SERVICE=+eip /usr/local/bin/python3." in result.dockerfile
        assert [m for m in errors(result, "MIG412") if "is a path of the source image" in m]
