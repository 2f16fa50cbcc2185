"""Done means: `migrate comment` run twice (a real process, the real pipeline) against a server
with faults leaves exactly one comment naming the Dockerfile with its migrated FROM lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from forge import TOKEN, Fault, Forge

ROOT = Path(__file__).resolve().parents[2]


def _pipeline_available() -> bool:
    try:
        from migrator.api import migrate_text

        migrate_text("FROM python:3.11\nCMD python app.py\n")
    except ImportError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _pipeline_available(), reason="the core pipeline is not there yet")


def test_two_real_runs_with_faults(tmp_path: Path, serve: Any) -> None:
    forge = serve(Forge("github"))
    for i in range(150):
        forge.add_comment(f"comment {i}")
    ws = tmp_path / "ws"
    (ws / "app").mkdir(parents=True)
    dockerfile = ws / "app/Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\n"
                          "COPY . /app\nCMD python /app/app.py\n")
    forge.files = [{"filename": "app/Dockerfile", "status": "modified", "patch": "@@ -1 +1 @@\n-x\n+y\n"}]
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 5, "head": {"sha": "feedface" * 5}}}))
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB", "CI_"))}
    env.update(GITHUB_TOKEN=TOKEN, GITHUB_API_URL=forge.base, GITHUB_REPOSITORY="acme/app",
               GITHUB_EVENT_PATH=str(event), GITHUB_WORKSPACE=str(ws), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_ACTIONS="true", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "migrator", "comment", "--max-wait", "3", "--backoff", "0.1"]

    forge.faults += [Fault("GET", r"/issues/5/comments", 429, headers={"Retry-After": "1"}),
                     Fault("POST", r"/issues/5/comments$", 502, act_first=True)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    [comment] = forge.bot_comments()
    body = comment["body"]
    assert "app/Dockerfile" in body
    assert "FROM cgr.dev/chainguard/python:latest-dev AS builder" in body
    assert "FROM cgr.dev/chainguard/python:latest\n" in body
    assert forge.count("POST") == 1

    dockerfile.write_text(dockerfile.read_text().replace("python:3.11-slim", "node:20"))
    forge.faults.append(Fault("PATCH", r"/issues/comments/\d+", 502))  # retried: PATCH is idempotent
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    [again] = forge.bot_comments()
    assert again["id"] == comment["id"] and again["edits"] == 1
    assert "FROM cgr.dev/chainguard/node" in again["body"]
    assert forge.count("POST") == 1
    for text in (first.stdout, first.stderr, second.stdout, second.stderr, again["body"]):
        assert TOKEN not in text
    assert not summary.exists()
