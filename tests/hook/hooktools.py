"""Helpers for the hook and scan tests (the fixtures are in conftest.py).

A module of its own name, imported by the tests (`from hooktools import ...`): tests/bot,
tests/hook and tests/validate each have a conftest.py, and `from conftest import ...` gets whichever
of them pytest imported first.

Until the core pipeline lands (or when a test wants exact, known findings) `fake_pipeline` stands
in for `migrator.api.migrate_text`: it rewrites public `FROM` lines to the target registry, reports
a private base image as "cannot migrate" (MIG2xx error) and is idempotent, like the real one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from migrator.model import Finding, MigratorError, Options, Result, Severity, StageInfo

NEEDS_MIGRATION = "FROM python:3.11-slim\nRUN apt-get install -y curl\nCMD python app.py\n"
PRIVATE_BASE = "FROM registry.acme.internal/base/python:3.11\nCMD python app.py\n"


def fake_migrate_text(text: str, options: Options | None = None, path: str = "Dockerfile") -> Result:
    options = options or Options()
    if not re.search(r"^\s*FROM\s", text, re.MULTILINE | re.IGNORECASE):
        raise MigratorError(f"{path}: not a Dockerfile: no FROM instruction")
    out, findings, stages = [], [], []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        match = re.match(r"FROM\s+(\S+)(.*)", line, re.DOTALL)
        if match:
            image, rest = match.groups()
            first = image.split("/")[0]
            if image.startswith(options.registry + "/"):
                stages.append(StageInfo("", "runtime", image, image))
            elif "/" in image and ("." in first or ":" in first):
                findings.append(Finding("MIG202", Severity.ERROR, number, f"unknown base image {image}"))
                stages.append(StageInfo("", "unsupported", image, image))
            else:
                new = f"{options.registry}/{image.split('/')[-1].split(':')[0]}:latest-dev"
                findings.append(Finding("MIG201", Severity.INFO, number, f"{image} -> {new}"))
                stages.append(StageInfo("", "builder", new, image))
                line = f"FROM {new}{rest}"
        elif "apt-get install -y" in line:
            findings.append(Finding("MIG301", Severity.WARNING, number, "apt-get translated to apk"))
            line = line.replace("apt-get install -y", "apk add --no-cache")
        out.append(line)
    findings = [f for f in findings if f.code not in options.ignore]
    return Result(path, text, "".join(out), stages, findings)


def real_pipeline_available() -> bool:
    try:
        import migrator.pipeline  # noqa: F401
    except ImportError:
        return False
    return True


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for key, value in (
        ("user.email", "test@example.com"),
        ("user.name", "test"),
        ("commit.gpgsign", "false"),
    ):
        subprocess.run(["git", "-C", str(path), "config", key, value], check=True)
