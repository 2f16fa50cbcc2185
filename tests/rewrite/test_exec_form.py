"""Shell form to exec form keeps the command's meaning (issue 12, defect 12).

The conversion reads the command with the shell parser: a trailing `# comment` belongs to the
shell, `VAR=value cmd` sets a variable (exec form cannot: a finding says so), quotes and escapes
are the shell's.
"""

from __future__ import annotations

import pytest

from migrator.api import migrate_text


def final_cmd(text: str) -> tuple[str, list[str]]:
    result = migrate_text(text)
    cmd = [line for line in result.dockerfile.splitlines() if line.startswith("CMD ")][-1]
    return cmd, [f"{f.code} {f.message}" for f in result.findings]


@pytest.mark.parametrize(("command", "expected"), [
    ("python app.py # start", 'CMD ["python", "app.py"]'),
    ("python app.py#not-a-comment", 'CMD ["python", "app.py#not-a-comment"]'),
    ('python -c "print(\\"hi\\")"', 'CMD ["python", "-c", "print(\\"hi\\")"]'),
    ("python 'a b.py' c\\ d", 'CMD ["python", "a b.py", "c d"]'),
    ("exec python app.py", 'CMD ["python", "app.py"]'),
])
def test_plain_command_lines_become_the_same_argv(command: str, expected: str) -> None:
    cmd, findings = final_cmd(f"FROM python:3.12-slim\nCMD {command}\n")
    assert cmd == expected
    assert any(f.startswith("MIG504") for f in findings)


@pytest.mark.parametrize(("command", "why"), [
    ("FOO=bar python app.py", "`FOO=bar` sets a variable for the command: set it with ENV instead"),
    ("python app.py > /tmp/log", "shell syntax"),
    ("python *.py", "globbing"),
    ('python "$UNSET_VAR"', "variables without a known value (UNSET_VAR)"),
    ('python "app.py', "an unclosed quote"),
])
def test_what_needs_a_shell_stays_in_a_shell_with_an_error(command: str, why: str) -> None:
    # built FROM another stage, the final stage stays on python (no shell); a single python stage would
    # move to wolfi-base, which has a shell (tests/plan/test_runtime_choice.py)
    cmd, findings = final_cmd(f"FROM python:3.12-slim AS base\nFROM base\nCMD {command}\n")
    assert cmd.startswith('CMD ["/bin/sh", "-c", ')
    assert any(f.startswith("MIG505") and why in f for f in findings), findings


def test_known_variables_are_substituted_and_split_like_the_shell_does() -> None:
    text = ('FROM python:3.12-slim\nENV PORT=8000 OPTS="-w 2"\n'
            'CMD gunicorn -b 0.0.0.0:$PORT $OPTS "app:$PORT" # serve\n')
    cmd, findings = final_cmd(text)
    assert cmd == 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "app:8000"]'
    assert any(f.startswith("MIG559") and "$PORT (ENV PORT=8000), $OPTS (ENV OPTS=-w 2) fixed" in f
               for f in findings), findings


# --- second adversarial round, D1 and D2: what the container's shell did when it started ----------


@pytest.mark.parametrize(("text", "expected", "said"), [
    ("FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nCMD gunicorn -b 0.0.0.0:${PORT:-8000} app:app\n",
     'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]', "$PORT (its default: no ENV sets it) fixed"),
    ("FROM python:3.12-slim\nENV PORT=8000\nCOPY . /app\nWORKDIR /app\nCMD python app.py --port=$PORT\n",
     'CMD ["python", "app.py", "--port=8000"]', "$PORT (ENV PORT=8000) fixed at build time"),
])
def test_a_variable_read_when_the_container_starts_is_said_to_be_fixed(text: str, expected: str, said: str) -> None:
    """D1: `docker run -e PORT=9000` changed the original's command; the exec form ignores it. The only
    finding was MIG504, an info."""
    result = migrate_text(text)
    cmd = [line for line in result.dockerfile.splitlines() if line.startswith("CMD ")][-1]
    assert cmd == expected
    [fixed] = [f for f in result.findings if f.code == "MIG559"]
    assert fixed.severity.value == "warning" and said in fixed.message and "docker run -e" in fixed.message


def test_a_build_argument_is_not_the_container_s_variable() -> None:
    """D1: `ARG PORT=8000` is not in the container's environment; its value was baked in too. Built FROM another
    stage (the runtime stays python, no shell) it needs a shell; alone it keeps one (wolfi-base)."""
    cmd, findings = final_cmd("FROM python:3.12-slim AS base\nFROM base\nARG PORT=8000\nCMD python app.py --port=$PORT\n")
    assert cmd.startswith('CMD ["/bin/sh", "-c", ')
    assert any(f.startswith("MIG505") and "PORT is a build argument (ARG)" in f for f in findings), findings
    result = migrate_text("FROM python:3.12-slim\nARG PORT=8000\nCOPY . /app\nCMD python /app/app.py --port=$PORT\n")
    assert "CMD python /app/app.py --port=$PORT\n" in result.dockerfile
    assert "FROM cgr.dev/chainguard/wolfi-base" in result.dockerfile


def test_variables_stay_in_the_shell_where_the_runtime_has_one() -> None:
    """Chainguard node has busybox sh: the container's shell still reads $PORT when it starts."""
    result = migrate_text("FROM node:20\nENV PORT=3000\nCOPY . /app\nRUN npm ci\nCMD node server.js --port $PORT\n")
    assert result.dockerfile.endswith('CMD ["/bin/sh", "-c", "node server.js --port $PORT"]\n')
    assert not any(f.code == "MIG559" for f in result.findings)
    entrypoint = migrate_text("FROM node:20\nCOPY . /app\nRUN npm ci\nENTRYPOINT node server.js\nCMD [\"--inspect\"]\n")
    assert 'ENTRYPOINT ["/bin/sh", "-c", "node server.js"]\nCMD ["--inspect"]\n' in entrypoint.dockerfile


def test_a_shell_form_entrypoint_keeps_ignoring_cmd() -> None:
    """D2: `/bin/sh -c 'python app.py' --debug` ignores --debug; ["python", "app.py"] + CMD ["--debug"] ran the
    app in debug mode."""
    result = migrate_text('FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nENTRYPOINT python app.py\nCMD ["--debug"]\n')
    runtime = result.dockerfile.split("# Runtime stage", 1)[1]
    assert 'ENTRYPOINT ["python", "app.py"]' in runtime and "CMD" not in runtime
    [dropped] = [f for f in result.findings if f.code == "MIG560"]
    assert dropped.severity.value == "warning" and dropped.line == 4 and 'CMD ["--debug"] (line 5) dropped' in dropped.message


def test_a_variable_split_inside_a_word_needs_a_shell() -> None:
    cmd, findings = final_cmd('FROM python:3.12-slim AS base\nFROM base\nENV OPTS="-w 2"\nCMD gunicorn --opts=$OPTS app\n')
    assert cmd.startswith('CMD ["/bin/sh", "-c", ') and any("word splitting" in f for f in findings)
