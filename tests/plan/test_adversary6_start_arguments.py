"""Adversary round 6 (N5): a tool an entrypoint script runs only in a branch for another first argument
(`if [ "$1" = debug ]; then exec curl ...; fi`, `case "$1" in psql) exec psql ...;; esac`) never runs with the
image's own command (CMD ["node", "server.js"]: `$1` is `node`), so the container starts: a warning that the
step is skipped (MIG564), not an error that fails the user's pre-commit hook. What cannot be read for certain
(no CMD, a test of something else, `shift` in a loop) stays as before: a branch that may run."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import migrate

from migrator.model import Severity

ENTRYPOINT_APP = """\
FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci
COPY ep.sh /ep.sh
ENTRYPOINT ["/ep.sh"]
"""
NODE_CMD = 'CMD ["node", "server.js"]\n'


def start_findings(tmp_path: Path, body: str, cmd: str = NODE_CMD) -> list[tuple[str, Severity, str]]:
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "ep.sh").write_text(f"#!/bin/sh\nset -e\n{body}\nexec \"$@\"\n")
    result = migrate(ENTRYPOINT_APP + cmd, context=tmp_path)
    assert "FROM cgr.dev/chainguard/node:latest" in result.dockerfile  # busybox: no curl, psql
    found = [(f.code, f.severity, f.message) for f in result.findings if f.code in ("MIG563", "MIG564")]
    # the script's shell is there; a step that fails the start (E MIG563) makes the migration one not to offer
    failed = [message for code, _, message in found if code == "MIG563"]
    assert result.runtime is not None
    assert result.runtime.status == ("broken" if failed else "shell-kept")
    assert not failed or result.runtime.reason == failed[0]
    return found


@pytest.mark.parametrize("branch", [
    'if [ "$1" = "debug" ]; then\n  exec curl -v http://localhost:3000/health\nfi',
    'if [ "${1}" = debug ]; then exec curl -v http://localhost:3000/health; fi',
    'if [ "${1:-}" = debug ]; then exec curl -v http://localhost:3000/health; fi',
    'if [ "$1" != "node" ]; then exec curl -v http://localhost:3000/health; fi',
    'if ! [ "$1" = node ]; then exec curl -v http://localhost:3000/health; fi',
    'if [ "$1" = node ]; then echo starting; else exec curl -v http://localhost:3000/health; fi',
    'if [ "$1" = debug ]; then echo debug; elif [ "$1" = probe ]; then exec curl http://localhost:3000; fi',
    'if [[ $1 == de* ]]; then exec curl -v http://localhost:3000/health; fi',
    'test "$1" = debug && exec curl -v http://localhost:3000/health',
    '[ "$1" = node ] || curl -v http://localhost:3000/health',
    'if [ "$1" = debug -a -n "$VERBOSE" ]; then exec curl -v http://localhost:3000/health; fi',
    'case "$1" in\n  debug) exec curl -v http://localhost:3000/health ;;\nesac',
    'case "$1" in\n  "debug"|probe) exec curl -v http://localhost:3000/health ;;\nesac',
    'case "$1" in\n  node) echo starting ;;\n  *) exec curl -v http://localhost:3000/health ;;\nesac',
    'case "$1" in\n  [dp]*) exec curl -v http://localhost:3000/health ;;\nesac',
    'if [ $# -eq 0 ]; then exec curl -v http://localhost:3000/health; fi',
    'case "${1%.js}" in\n  server) exec curl -v http://localhost:3000/health ;;\nesac',
])
def test_a_tool_in_a_branch_for_another_first_argument_is_a_warning_the_container_starts(
        tmp_path: Path, branch: str) -> None:
    [(code, severity, message)] = start_findings(tmp_path, branch)
    assert (code, severity) == ("MIG564", Severity.WARNING)
    assert "runs `curl`" in message
    assert "it runs only when the script gets other arguments than `node server.js`, the image's command" in message


def test_a_case_arm_for_another_argument_needing_psql_is_a_warning(tmp_path: Path) -> None:
    [(code, severity, message)] = start_findings(tmp_path, 'case "$1" in\n  psql) exec psql "$DATABASE_URL" ;;\nesac')
    assert (code, severity) == ("MIG564", Severity.WARNING)
    assert "runs `psql`" in message and "postgresql-client" in message


def test_the_official_option_test_that_does_not_fire_keeps_the_arguments_known(tmp_path: Path) -> None:
    body = ('if [ "${1#-}" != "$1" ]; then\n  set -- node "$@"\nfi\n'
            'case "$1" in\n  psql) exec psql "$DATABASE_URL" ;;\nesac')
    assert [(c, s) for c, s, _ in start_findings(tmp_path, body)] == [("MIG564", Severity.WARNING)]


@pytest.mark.parametrize("branch", [
    'if [ "$1" = "node" ]; then exec curl -v http://localhost:3000/health; fi',  # the branch the command takes
    'if [ "$1" != "debug" ]; then exec curl -v http://localhost:3000/health; fi',
    'if [[ $1 == no* ]]; then exec curl -v http://localhost:3000/health; fi',
    'case "$1" in\n  node|n*) exec curl -v http://localhost:3000/health ;;\nesac',
    'case "$1" in\n  debug) echo debug ;;\n  *) exec curl -v http://localhost:3000/health ;;\nesac',
    'if [ "$1" = debug -o "$1" = node ]; then exec curl -v http://localhost:3000/health; fi',
    'if [ "$#" -ge 2 ]; then exec curl -v http://localhost:3000/health; fi',
    'case "${2%.js}" in\n  server) exec curl -v http://localhost:3000/health ;;\nesac',
])
def test_a_tool_in_the_branch_the_images_command_takes_stays_an_error(tmp_path: Path, branch: str) -> None:
    [(code, severity, message)] = start_findings(tmp_path, branch)
    assert (code, severity) == ("MIG563", Severity.ERROR)
    assert "the container fails at start with `not found`" in message


@pytest.mark.parametrize("branch", [
    'if [ -n "$DEBUG" ]; then exec curl -v http://localhost:3000/health; fi',  # a test of something else
    'case "$MODE" in\n  debug) exec curl -v http://localhost:3000/health ;;\nesac',
    # the arguments may have changed before the test
    'set -- debug\nif [ "$1" = debug ]; then exec curl -v http://localhost:3000/health; fi',
    'if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ]; then set -- debug "$@"; fi\n'
    'case "$1" in\n  debug) exec curl -v http://localhost:3000/health ;;\nesac',
    'while [ $# -gt 0 ]; do\n  case "$1" in debug) exec curl http://localhost:3000 ;; esac\n  shift\ndone',
    # a function's `$1` is its own argument
    'probe() { if [ "$1" = debug ]; then exec curl http://localhost:3000; fi; }\nprobe debug',
])
def test_a_branch_the_arguments_do_not_decide_keeps_todays_finding(tmp_path: Path, branch: str) -> None:
    assert [(c, s) for c, s, _ in start_findings(tmp_path, branch)] == [("MIG563", Severity.ERROR)]


def test_without_a_cmd_the_first_argument_is_not_known(tmp_path: Path) -> None:
    body = 'if [ "$1" = "debug" ]; then exec curl -v http://localhost:3000/health; fi'
    assert [(c, s) for c, s, _ in start_findings(tmp_path, body, cmd="")] == [("MIG563", Severity.ERROR)]


def test_a_tool_also_run_outside_the_branch_stays_an_error(tmp_path: Path) -> None:
    body = ('case "$1" in\n  debug) exec curl -v http://localhost:3000/health ;;\nesac\n'
            'curl -sf http://config/env -o .env')
    [(code, severity, _)] = start_findings(tmp_path, body)
    assert (code, severity) == ("MIG563", Severity.ERROR)


def test_a_script_run_through_sh_gets_the_words_after_it_as_its_arguments(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "ep.sh").write_text('#!/bin/sh\ncase "$1" in\n  debug) exec curl http://localhost:3000 ;;\nesac\n'
                                    'exec "$@"\n')
    text = ENTRYPOINT_APP.replace('ENTRYPOINT ["/ep.sh"]', 'ENTRYPOINT ["sh", "/ep.sh"]') + NODE_CMD
    result = migrate(text, context=tmp_path)
    assert [(f.code, f.severity) for f in result.findings if f.code in ("MIG563", "MIG564")] == [
        ("MIG564", Severity.WARNING)]


def test_a_wait_or_look_up_in_a_branch_for_another_argument_is_a_warning_too(tmp_path: Path) -> None:
    body = ('case "$1" in\n  migrate)\n    until nc -z db 5432; do sleep 1; done\n'
            '    command -v psql >/dev/null || exit 1\n    exec psql "$DATABASE_URL" ;;\nesac')
    found = start_findings(tmp_path, body)
    assert sorted((c, s, m.split("`")[3]) for c, s, m in found) == [
        ("MIG564", Severity.WARNING, "nc"), ("MIG564", Severity.WARNING, "psql")]
