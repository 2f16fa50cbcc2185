"""Fixtures of the bot tests: the fake forge served on 127.0.0.1 (see forge.py) and a stand-in pipeline."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from forge import Forge, handler

from migrator.model import Finding, Result, Severity, StageInfo


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(forge: Forge) -> Forge:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(forge))
        server.daemon_threads = True
        forge.base = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return forge

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- a stand-in for the core pipeline (the real one is tested end to end when it is available) -----

def fake_migrate_path(path: Path, options: Any = None) -> Result:
    text = path.read_text()
    registry = getattr(options, "registry", "cgr.dev/chainguard")
    out: list[str] = []
    stages: list[StageInfo] = []
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"FROM\s+(\S+?)(?::\S+)?(\s+AS\s+\S+)?\s*$", line, re.I)
        if m and not m.group(1).startswith("cgr.dev/"):
            name = m.group(1).rsplit("/", 1)[-1]
            out.append(f"FROM {registry}/{name}:latest-dev AS builder")
            out.append(f"FROM {registry}/{name}:latest")
            stages.append(StageInfo("builder", "builder", f"{registry}/{name}:latest-dev", line.split()[1]))
            stages.append(StageInfo("runtime", "runtime", f"{registry}/{name}:latest", line.split()[1]))
            findings.append(Finding("MIG201", Severity.WARNING, number, f"{line.split()[1]} replaced"))
        elif line.startswith("RUN apt-get"):
            out.append(line.replace("apt-get install -y", "apk add --no-cache"))
            findings.append(Finding("MIG301", Severity.INFO, number, "apt-get mapped to apk"))
        else:
            out.append(line)
    migrated = "\n".join(out) + "\n"
    return Result(str(path), text, migrated, stages, findings)


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.api

    monkeypatch.setattr(migrator.api, "migrate_path", fake_migrate_path)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH",
                 "GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "GITLAB_CI", "CI_API_V4_URL",
                 "CI_PROJECT_ID",
                 "CI_MERGE_REQUEST_IID", "GITLAB_TOKEN", "CI_PROJECT_DIR", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
