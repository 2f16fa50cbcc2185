"""Adversary round 5 (M2, M5): a build-context set-up script is read however BuildKit's shell runs it, and an
unreadable script is an error (MIG417, which fails the pre-commit hook) only where its name says it installs
system packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Result, Severity


def script_findings(result: Result) -> list[tuple[str, Severity]]:
    return [(f.code, f.severity) for f in result.findings if f.code in ("MIG414", "MIG415", "MIG417")]


@pytest.mark.parametrize("run", [
    "RUN ./scripts/setup-env.sh",
    "RUN chmod +x scripts/setup-env.sh && ./scripts/setup-env.sh",
    'RUN ["bash", "scripts/setup-env.sh"]',
    'RUN ["./scripts/setup-env.sh"]',
    'RUN ["sh", "-c", "scripts/setup-env.sh"]',
    "RUN exec ./scripts/setup-env.sh",
    "RUN sudo -E ./scripts/setup-env.sh",
    "RUN timeout 600 ./scripts/setup-env.sh",
    "RUN cd scripts && ./setup-env.sh",
    "RUN ./scripts/setup-env.sh | tee /tmp/setup.log",
    "RUN cat scripts/setup-env.sh | bash",
    'RUN bash -c "cd scripts && ./setup-env.sh"',
    "RUN cd /app/scripts && sh setup-env.sh",
])
def test_a_context_script_that_runs_apt_get_is_read_in_every_run_form(tmp_path: Path, run: str) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "setup-env.sh").write_text("#!/bin/sh\napt-get update && apt-get install -y libpq5\n")
    result = migrate(f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{run}\nCMD [\"python\", \"app.py\"]\n", context=tmp_path)
    assert script_findings(result) == [("MIG415", Severity.ERROR)]
    [error] = [f for f in result.findings if f.code == "MIG415"]
    assert error.line == 4 and "runs apt-get" in error.message and "setup-env.sh" in error.message


@pytest.mark.parametrize("run", [
    "RUN --mount=type=bind,source=scripts,target=/tmp/scripts /tmp/scripts/setup-env.sh",
    "RUN --mount=type=bind,target=/ctx sh /ctx/scripts/setup-env.sh",
    "RUN bash < scripts/setup-env.sh",
])
def test_a_context_script_bind_mounted_or_fed_to_a_shell_is_read(tmp_path: Path, run: str) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "setup-env.sh").write_text("#!/bin/sh\napt-get update && apt-get install -y libpq5\n")
    copy = "" if "--mount" in run else "COPY . .\n"
    result = migrate(f"FROM python:3.12-slim\nWORKDIR /app\n{copy}{run}\nCMD [\"python\", \"app.py\"]\n", context=tmp_path)
    assert script_findings(result) == [("MIG415", Severity.ERROR)]


def test_a_set_up_script_made_executable_first_keeps_its_error_without_a_context() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     "RUN chmod +x scripts/install-deps.sh && ./scripts/install-deps.sh\nCMD [\"python\", \"app.py\"]\n")
    assert script_findings(result) == [("MIG417", Severity.ERROR)]


@pytest.mark.parametrize("name", ["build-packages.sh", "fetch-deps.sh", "download-dependencies.sh",
                                  "aptly-publish.sh", "build-deps.sh"])
def test_a_script_named_for_another_action_on_packages_is_a_warning(name: str) -> None:
    # building a monorepo's packages, downloading sources, publishing with aptly: nothing says apt-get
    result = migrate(f"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN ./scripts/{name}\n"
                     "CMD [\"node\", \"dist/index.js\"]\n")
    assert script_findings(result) == [("MIG414", Severity.WARNING)]


@pytest.mark.parametrize("name", ["install-system-packages.sh", "apt-packages.sh", "apt-get-install.sh",
                                  "deps.sh", "yum-install.sh", "install-base-deps.sh"])
def test_a_script_named_for_installing_system_packages_is_an_error(name: str) -> None:
    result = migrate(f"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ./scripts/{name}\nCMD [\"node\", \"index.js\"]\n")
    assert script_findings(result) == [("MIG417", Severity.ERROR)]
