"""fix75 item 3: a builder whose only root step before its first USER line was removed (an account the
Chainguard image already has, MIG318; an install left with no packages, MIG309) gets no `USER root` directly
followed by a USER line: the tool drops the USER root it would add (and the image's user it would give back),
never a USER line of the Dockerfile's own."""

from __future__ import annotations

from migration_tools import builder_stage, codes, final_stage, migrate, status

UV_ACCOUNT = """\
FROM python:3.12
RUN groupadd --system --gid 999 nonroot && useradd --system --gid 999 --uid 999 --create-home nonroot
USER nonroot
WORKDIR /app
COPY . .
RUN pip install --user -r requirements.txt
CMD ["python", "app.py"]
"""

NODE_EMPTIED_INSTALL = """\
FROM node:20
RUN apt-get update && apt-get install -y --no-install-recommends apt-transport-https && rm -rf /var/lib/apt/lists/*
USER node
WORKDIR /home/node/app
COPY --chown=node:node . .
RUN npm ci
CMD ["node", "server.js"]
"""


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_removed_account_creation_leaves_no_root_window() -> None:
    result = migrate(UV_ACCOUNT)
    builder = builder_stage(result)
    assert _lines(builder)[:3] == ["FROM cgr.dev/chainguard/python:latest-dev AS builder", "USER nonroot",
                                   "WORKDIR /app"]
    assert builder.count("USER root\n") == 1  # (the venv made as root, and the user given back)
    assert "USER root\nRUN python -m venv /opt/venv && chown -R nonroot /opt/venv\nUSER nonroot\n" in builder
    assert "MIG318" in codes(result) and "MIG502" not in codes(result)
    assert status(result) == "ok"


def test_emptied_install_leaves_no_root_window() -> None:
    result = migrate(NODE_EMPTIED_INSTALL)
    builder = builder_stage(result)
    assert _lines(builder)[:3] == ["FROM cgr.dev/chainguard/node:latest-dev AS builder", "USER node",
                                   "WORKDIR /home/node/app"]
    assert "MIG309" in codes(result) and "MIG502" not in codes(result)
    assert status(result) == "ok"


def test_only_variables_between_is_still_an_empty_window() -> None:
    text = ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y apt-transport-https\nENV A=1\n"
            "USER nonroot\nRUN python -V\nCMD [\"python\", \"-V\"]\n")
    result = migrate(text)
    assert _lines(builder_stage(result))[:3] == ["FROM cgr.dev/chainguard/python:latest-dev AS builder", "ENV A=1",
                                                 "USER nonroot"]
    assert "MIG502" not in codes(result)
    assert status(result) == "ok"


def test_single_stage_service_gets_neither_added_user_line() -> None:
    text = ("FROM redis:7\nRUN apt-get update && apt-get install -y --no-install-recommends apt-transport-https\n"
            "COPY redis.conf /etc/redis/redis.conf\n")
    result = migrate(text)
    assert result.dockerfile == ("FROM cgr.dev/chainguard/redis:latest-dev\n"
                                 "COPY redis.conf /etc/redis/redis.conf\n")
    assert "MIG502" not in codes(result) and "MIG583" in codes(result)
    assert status(result) == "unverified"  # (as before: redis:latest-dev is not in the image model)


def test_a_remaining_root_step_keeps_user_root() -> None:
    result = migrate(NODE_EMPTIED_INSTALL.replace("apt-transport-https", "ca-certificates curl"))
    builder = builder_stage(result)
    assert _lines(builder)[1:4] == ["USER root", "RUN apk add --no-cache ca-certificates curl", "USER node"]
    assert codes(result).count("MIG502") == 1
    assert status(result) == "ok"


def test_the_dockerfiles_own_user_root_stays() -> None:
    text = ("FROM python:3.12\nRUN apt-get update && apt-get install -y apt-transport-https\nUSER root\n"
            "RUN apt-get update && apt-get install -y curl\nCOPY app.py /app/app.py\nCMD [\"python\", \"/app/app.py\"]\n")
    result = migrate(text)
    builder = builder_stage(result)
    assert _lines(builder)[:3] == ["FROM cgr.dev/chainguard/python:latest-dev AS builder", "USER root",
                                   "RUN apk add --no-cache curl"]
    assert builder.count("USER root\n") == 1
    assert "MIG502" not in codes(result)
    assert "USER root" not in final_stage(result)


def test_a_workdir_before_the_user_line_is_still_made_as_root() -> None:
    text = ("FROM python:3.12\nRUN apt-get update && apt-get install -y apt-transport-https\nWORKDIR /app\n"
            "USER nonroot\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n")
    result = migrate(text)
    assert _lines(builder_stage(result))[1:4] == ["USER root", "WORKDIR /app", "USER nonroot"]
    assert codes(result).count("MIG502") == 1
    assert status(result) == "ok"
