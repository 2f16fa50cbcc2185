"""Adversary round 9 E7: a HEALTHCHECK that starts a script by its name or path is read as the start command's
program is (its `#!` line, the shell it needs), and removed with W MIG510 where the runtime cannot run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate

_GO_APP = ("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
           "FROM alpine:3.19\nCOPY --from=build /out/app /app\n")


def _context(tmp_path: Path, name: str = "healthcheck", shebang: str = "#!/bin/sh") -> Path:
    (tmp_path / name).write_text(f"{shebang}\nwget -qO- localhost:8080/health || exit 1\n")
    return tmp_path


@pytest.mark.parametrize("copy, check", [
    ("COPY healthcheck /usr/local/bin/", 'HEALTHCHECK CMD ["healthcheck"]'),
    ("COPY healthcheck /usr/local/bin/", 'HEALTHCHECK --interval=30s CMD ["/usr/local/bin/healthcheck"]'),
    ("COPY healthcheck /hc", 'HEALTHCHECK CMD ["/hc", "--quiet"]'),
])
def test_an_exec_form_check_of_a_shell_script_is_removed_on_static(tmp_path: Path, copy: str, check: str) -> None:
    # the check ran `#!/bin/sh` on static:latest (no shell): unhealthy forever, and no finding said so
    result = migrate(f'{_GO_APP}{copy}\nENTRYPOINT ["/app"]\n{check}\n', context=_context(tmp_path))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest\n") and "HEALTHCHECK" not in runtime
    removed = [f for f in result.findings if f.code == "MIG510"]
    assert removed and removed[0].line == 9 and removed[0].severity.value == "warning"
    assert "is a shell script, and static has no shell" in removed[0].message
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_check_script_not_on_disk_is_removed_as_maybe_a_script() -> None:
    result = migrate(f'{_GO_APP}COPY healthcheck /usr/local/bin/\nENTRYPOINT ["/app"]\n'
                     'HEALTHCHECK CMD ["healthcheck"]\n')
    assert "HEALTHCHECK" not in final_stage(result)
    assert any(f.code == "MIG510" and "may be a script" in f.message for f in result.findings)


def test_a_binary_check_is_kept(tmp_path: Path) -> None:
    (tmp_path / "healthcheck").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64))
    result = migrate(f'{_GO_APP}COPY healthcheck /usr/local/bin/\nENTRYPOINT ["/app"]\n'
                     'HEALTHCHECK CMD ["healthcheck"]\n', context=tmp_path)
    assert 'HEALTHCHECK CMD ["healthcheck"]\n' in final_stage(result) and "MIG510" not in codes(result)


def test_a_built_check_program_is_kept() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
                     "RUN CGO_ENABLED=0 go build -o /out/app . && go build -o /out/hc ./cmd/hc\n"
                     'FROM alpine:3.19\nCOPY --from=build /out/app /app\nCOPY --from=build /out/hc /hc\n'
                     'ENTRYPOINT ["/app"]\nHEALTHCHECK CMD ["/hc"]\n')
    assert 'HEALTHCHECK CMD ["/hc"]\n' in final_stage(result) and "MIG510" not in codes(result)


def test_a_sh_check_script_stays_where_the_start_script_keeps_a_shell(tmp_path: Path) -> None:
    # the start script keeps node:latest (busybox sh): the sh check runs there too
    _context(tmp_path, "hc.sh")
    (tmp_path / "start.sh").write_text("#!/bin/sh\nexec node server.js\n")
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    result = migrate('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n'
                     'HEALTHCHECK CMD ["/app/hc.sh"]\nCMD ["/app/start.sh"]\n', context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest\n") and 'HEALTHCHECK CMD ["/app/hc.sh"]\n' in runtime
    assert "MIG510" not in codes(result)


def test_a_bash_check_script_is_removed_where_the_shell_is_busybox(tmp_path: Path) -> None:
    _context(tmp_path, "hc.sh", "#!/bin/bash")
    (tmp_path / "start.sh").write_text("#!/bin/sh\nexec node server.js\n")
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    result = migrate('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n'
                     'HEALTHCHECK CMD /app/hc.sh || exit 1\nCMD ["/app/start.sh"]\n', context=tmp_path)
    assert "HEALTHCHECK" not in final_stage(result)
    assert any(f.code == "MIG510" and "has no bash" in f.message for f in result.findings)


def test_an_env_script_check_runs_through_the_interpreter_the_runtime_has(tmp_path: Path) -> None:
    # `#!/usr/bin/env python3` on python:latest (no /usr/bin/env): the check starts the interpreter itself
    (tmp_path / "hc.py").write_text("#!/usr/bin/env python3\nimport urllib.request\n")
    (tmp_path / "requirements.txt").write_text("flask\n")
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'HEALTHCHECK CMD ["/app/hc.py"]\nCMD ["python", "app.py"]\n', context=tmp_path)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert 'HEALTHCHECK CMD ["python", "/app/hc.py"]\n' in runtime and "MIG552" in codes(result)
