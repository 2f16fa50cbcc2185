"""A HEALTHCHECK whose shell command runs a tool the runtime lacks was kept silently on runtimes that keep a shell
(node, wolfi-base), while the same check of the start command exists (MIG563): its programs are now checked the
same way. Where the stage keeps apk (one stage on wolfi-base) the tool is installed (MIG313); elsewhere E MIG593
when the check fails at every run, W MIG592 when it goes on without the step."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, messages, migrate

NODE_APP = """\
FROM node:20-alpine
WORKDIR /app
COPY . .
HEALTHCHECK --interval=30s {check}
CMD ["node", "server.js"]
"""


@pytest.mark.parametrize("check", ["CMD pg_isready -h db || exit 1", "CMD-SHELL pg_isready -h db",
                                   'CMD ["sh", "-c", "pg_isready -h db && echo ok"]',
                                   'CMD ["pg_isready", "-h", "db"]'])
def test_a_check_that_cannot_find_its_tool_is_an_error(check: str) -> None:
    result = migrate(NODE_APP.format(check=check))
    assert "HEALTHCHECK" in final_stage(result)  # (kept: the user decides how to provide it)
    found = messages(result, "MIG593")
    assert len(found) == 1 and "`pg_isready`" in found[0] and "postgresql-client" in found[0]
    assert [f.line for f in result.findings if f.code == "MIG593"] == [4]


def test_a_step_the_check_goes_on_without_is_a_warning() -> None:
    result = migrate(NODE_APP.format(check="CMD jq --version; node -e 'process.exit(0)'"))
    assert not messages(result, "MIG593")
    assert any("`jq`" in m and "goes on without it" in m for m in messages(result, "MIG592"))


def test_tools_the_runtime_has_are_not_reported() -> None:
    result = migrate(NODE_APP.format(check="CMD node -e 'process.exit(0)' || exit 1"))
    assert not messages(result, "MIG593") and not messages(result, "MIG592")


@pytest.mark.parametrize(("check", "package"), [
    ("CMD jq --version && curl -f http://localhost:8080/health", "jq"),
    ("CMD wget -qO- http://localhost:8080/health || exit 1", "wget"),  # (Wolfi's busybox has no wget)
])
def test_a_single_wolfi_base_stage_installs_the_tool_its_check_runs(check: str, package: str) -> None:
    result = migrate(f"FROM alpine:3.19\nRUN apk add --no-cache curl\nCOPY run.sh /run.sh\nHEALTHCHECK {check}\n"
                     'CMD ["/run.sh"]\n')
    assert f"RUN apk add --no-cache curl {package}\n" in result.dockerfile
    assert any(f"{package} added to apk add" in m for m in messages(result, "MIG313"))
    assert not messages(result, "MIG593") and not messages(result, "MIG592")


def test_an_exec_form_check_on_a_runtime_without_a_shell_is_checked_too() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nHEALTHCHECK CMD ["jq", "--version"]\n'
                     'CMD ["python", "app.py"]\n')
    assert any("`jq`" in m and "python:latest" in m for m in messages(result, "MIG593"))
