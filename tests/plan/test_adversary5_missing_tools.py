"""Adversary round 5 (S3, S6): a start script whose shell structure makes a missing tool a failed start. A loop
that waits for the tool to succeed never ends (the container hangs); a look-up that exits without the tool
exits at every start. Both are errors (MIG563), not a step the script goes on without (MIG564)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Severity

NODE_APP = """\
FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci
COPY entrypoint.sh /usr/local/bin/
ENTRYPOINT ["entrypoint.sh"]
CMD ["node", "server.js"]
"""


def start_findings(tmp_path: Path, body: str) -> list[tuple[str, Severity, str]]:
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "entrypoint.sh").write_text(f"#!/bin/sh\n{body}\nexec \"$@\"\n")
    result = migrate(NODE_APP, context=tmp_path)
    assert "FROM cgr.dev/chainguard/node:latest" in result.dockerfile  # busybox: no nc, curl, jq, pg_isready
    found = [(f.code, f.severity, f.message) for f in result.findings if f.code in ("MIG563", "MIG564")]
    # a start that hangs or exits is no migration to offer; a step the script goes on without is
    failed = [message for code, severity, message in found if code == "MIG563"]
    assert result.runtime is not None
    assert (result.runtime.status == "broken") is bool(failed) and (not failed or result.runtime.reason == failed[0])
    return found


@pytest.mark.parametrize("loop", [
    'until nc -z "$DB_HOST" 5432; do sleep 1; done',
    "while ! nc -z db 5432 >/dev/null 2>&1; do echo waiting; sleep 1; done",
    "while ! curl -sf http://db:8080/health; do sleep 2; done",
    "until pg_isready -h db; do sleep 1; done",
    "while true; do nc -z db 5432 && break; sleep 1; done",
    "while :; do if curl -sf http://db/health; then break; fi; sleep 1; done",
    # the tool's output decides: a missing tool prints nothing, every time
    'until [ "$(curl -s -o /dev/null -w "%{http_code}" http://db/health)" = 200 ]; do sleep 1; done',
    "until curl -s http://db/health | grep -q ok; do sleep 1; done",
    'while [ -z "$(nc -z db 5432 && echo up)" ]; do sleep 1; done',
    # a retry limit that exits is a failed start too
    "i=0; until nc -z db 5432; do i=$((i+1)); [ $i -gt 30 ] && exit 1; sleep 1; done",
])
def test_a_loop_that_waits_for_a_missing_tool_is_an_error_the_container_hangs(tmp_path: Path, loop: str) -> None:
    [(code, severity, message)] = start_findings(tmp_path, loop)
    assert (code, severity) == ("MIG563", Severity.ERROR)
    assert "a loop waits for it to succeed, which it never does there, so the container hangs at start" in message


@pytest.mark.parametrize("loop", [
    "while nc -z db 5432; do sleep 1; done",  # ends when nc fails: the script goes on
    "i=0; until nc -z db 5432; do i=$((i+1)); [ $i -gt 30 ] && break; sleep 1; done",  # a retry limit that breaks
    "until nc -z db 5432 || [ -n \"$SKIP_WAIT\" ]; do sleep 1; done",  # another command decides
    "while :; do if ! nc -z db 5432; then break; fi; sleep 1; done",
    "while curl -s http://db/state | grep -q busy; do sleep 1; done",
    'while [ "$(curl -s http://db/state)" = busy ]; do sleep 1; done',
])
def test_a_loop_the_missing_tool_lets_go_on_stays_a_warning(tmp_path: Path, loop: str) -> None:
    assert [(code, severity) for code, severity, _ in start_findings(tmp_path, loop)] == [
        ("MIG564", Severity.WARNING)]


@pytest.mark.parametrize("guard", [
    'command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }',
    "which curl >/dev/null || { echo no curl; exit 1; }",
    "if ! command -v curl >/dev/null; then echo need curl; exit 1; fi",
    "if command -v curl >/dev/null 2>&1; then echo ok; else exit 1; fi",
    "set -e\ncommand -v curl >/dev/null",
    'if [ -z "$(command -v curl)" ]; then echo need curl; exit 1; fi',
    '[ -n "$(which curl)" ] || { echo need curl >&2; exit 1; }',
])
def test_a_look_up_that_exits_without_a_missing_tool_is_an_error(tmp_path: Path, guard: str) -> None:
    [(code, severity, message)] = start_findings(tmp_path, guard)
    assert (code, severity) == ("MIG563", Severity.ERROR)
    assert message.startswith("the start script `entrypoint.sh` needs `curl`, which node:latest does not have")
    assert "the script looks it up and exits when it is missing, so the container exits at every start" in message


@pytest.mark.parametrize("guard", [
    "command -v curl >/dev/null && curl -s http://cfg > .env",
    "if command -v curl >/dev/null; then curl -s http://cfg > .env; fi",
    "command -v curl >/dev/null || echo 'no curl: skipping the config'",
    '[ -z "$(command -v curl)" ] && echo "no curl: skipping the config"',
])
def test_a_look_up_that_only_skips_a_step_is_no_error(tmp_path: Path, guard: str) -> None:
    assert all(code == "MIG564" for code, _, _ in start_findings(tmp_path, guard))


def test_a_waiting_loop_on_a_runtime_with_apk_gets_its_tool_installed(tmp_path: Path) -> None:
    # the stage stays on wolfi-base (it has apk): the tool the loop and the look-up need is installed
    (tmp_path / "start.sh").write_text("#!/bin/sh\ncommand -v jq >/dev/null || exit 1\n"
                                       "until nc -z db 5432; do sleep 1; done\nexec python app.py\n")
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "ENTRYPOINT [\"./start.sh\"]\n", context=tmp_path)
    [install] = [line for line in result.dockerfile.splitlines() if "apk add" in line]
    assert "jq" in install.split() and "netcat-openbsd" in install.split()
    assert not [f for f in result.findings if f.code in ("MIG563", "MIG564")]


def test_an_assignment_from_a_missing_tool_under_set_e_ends_the_start(tmp_path: Path) -> None:
    # `CFG=$(jq ...)` alone has jq's status: `set -e` stops there
    [(code, severity, message)] = start_findings(tmp_path, "set -e\nPORT=$(jq -r .port /app/config.json)")
    assert (code, severity) == ("MIG563", Severity.ERROR) and "fails at start with `not found`" in message
    assert [c for c, _, _ in start_findings(tmp_path, "PORT=$(jq -r .port /app/config.json)")] == ["MIG564"]
    assert [c for c, _, _ in start_findings(tmp_path, "set -e\nexport PORT=$(jq -r .port /app/config.json)")] == [
        "MIG564"]  # (export's status is its own)
