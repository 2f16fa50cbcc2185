"""Review 21: Docker Hub publishes each official image once more per architecture (`amd64/node`, `arm64v8/python`).
They are the official images for one platform: migrated as those, with I MIG242 saying the Chainguard image
serves both architectures and the build's platform now chooses. Other namespaces stay what they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, messages, migrate

from migrator.model import Severity
from migrator.parse.imageref import parse_image

NODE = 'FROM amd64/node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'


def test_a_per_architecture_node_image_is_migrated_as_node(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n')
    result = migrate(NODE, context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/node:latest-dev AS builder\n")
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "MIG202" not in codes(result)
    [note] = [f for f in result.findings if f.code == "MIG242"]
    assert note.severity is Severity.INFO and note.line == 1
    assert note.message.startswith("amd64/node:20-alpine is Docker Hub's node for linux/amd64 only")
    assert messages(result, "MIG201") == ["FROM amd64/node:20-alpine -> cgr.dev/chainguard/node:latest-dev "
                                          "(builder; a distroless runtime stage follows)"]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_an_arm64_python_image_names_its_platform() -> None:
    result = migrate('FROM arm64v8/python:3.12-slim\nCOPY app.py /app/\nCMD ["python3", "/app/app.py"]\n')
    assert "FROM cgr.dev/chainguard/python:latest" in result.dockerfile
    assert "arm64v8/python:3.12-slim is Docker Hub's python for linux/arm64 only" in messages(result, "MIG242")[0]


@pytest.mark.parametrize(("text", "short"), [
    ("amd64/node:20", "node"),
    ("docker.io/arm32v7/nginx", "nginx"),
    ("bitnami/node:20", "bitnami/node"),  # an ordinary namespace
    ("amd64/team/node", "amd64/team/node"),  # three components: no official image
    ("quay.io/amd64/node", "quay.io/amd64/node"),  # not Docker Hub
])
def test_only_docker_hub_architecture_namespaces_are_read_as_official_images(text: str, short: str) -> None:
    assert parse_image(text).short_name == short
