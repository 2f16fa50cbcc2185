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
def test_what_needs_a_shell_keeps_one_and_says_why(command: str, why: str) -> None:
    # built FROM another stage, the final stage stays on that stage's -dev image, which has a shell; its
    # entrypoint (the interpreter) is reset, or `python /bin/sh -c ...` would start
    result = migrate_text(f"FROM python:3.12-slim AS base\nFROM base\nCMD {command}\n")
    assert result.dockerfile.endswith(f"FROM base\nENTRYPOINT []\nCMD {command}\n")
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    assert result.runtime.argv[:2] == ("/bin/sh", "-c")
    warning = next(f for f in result.findings if f.code == "MIG541")
    assert warning.severity.value == "warning" and why in warning.message and "python:latest-dev" in warning.message


def test_without_any_shell_a_command_that_needs_one_is_an_error() -> None:
    from migrator.parse import parse
    from migrator.rewrite.commands import convert_command

    instruction = parse("FROM x\nCMD python app.py > /tmp/log\n").instructions[-1]
    outcome = convert_command(instruction, {}, set(), runtime_has_shell=False)
    assert outcome.argv == ["/bin/sh", "-c", "python app.py > /tmp/log"]
    assert [(f.code, f.severity.value) for f in outcome.findings] == [("MIG505", "error")]
    assert "shell syntax" in outcome.findings[0].message


def test_known_variables_are_substituted_and_split_like_the_shell_does() -> None:
    text = ('FROM python:3.12-slim\nENV PORT=8000 OPTS="-w 2"\n'
            'CMD gunicorn -b 0.0.0.0:$PORT $OPTS "app:$PORT" # serve\n')
    cmd, findings = final_cmd(text)
    assert cmd == 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "app:8000"]'
    assert any("variables were replaced" in f for f in findings)


def test_a_variable_split_inside_a_word_needs_a_shell() -> None:
    cmd, findings = final_cmd('FROM python:3.12-slim AS base\nFROM base\nENV OPTS="-w 2"\nCMD gunicorn --opts=$OPTS app\n')
    assert cmd == "CMD gunicorn --opts=$OPTS app"  # kept for the shell of the -dev image
    assert any(f.startswith("MIG541") and "word splitting" in f for f in findings)


# --- a shell-form script the tool cannot read (review 2, class 9) --------------------------------------

def test_shell_form_script_is_run_by_the_shell_not_exec_ed() -> None:
    # `/bin/sh -c /entrypoint.sh` ran a script without a shebang as an sh script; exec form would fail with
    # "exec format error". node has busybox sh, which runs it as before
    text = ("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCOPY entrypoint.sh /entrypoint.sh\n"
            "ENTRYPOINT \"/entrypoint.sh\"\n")
    result = migrate_text(text)
    assert result.dockerfile.endswith('ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]\n')
    assert result.runtime is not None and result.runtime.status == "shell-kept"


def test_shell_form_script_from_a_bash_image_keeps_the_shell_form_where_bash_is() -> None:
    # the Debian original may have run a `#!/bin/bash` script: busybox sh is not enough, so the stage stays on
    # wolfi-base with bash, and the shell form the original had
    text = ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCOPY entrypoint.sh /entrypoint.sh\n"
            "ENTRYPOINT \"/entrypoint.sh\"\n")
    result = migrate_text(text)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache nodejs npm bash\n")
    assert result.dockerfile.endswith('ENTRYPOINT "/entrypoint.sh"\n')
    warning = next(f for f in result.findings if f.code == "MIG542")
    assert "port what the script does" in warning.message and "exec form" not in warning.message


def test_a_known_program_in_shell_form_still_becomes_exec_form() -> None:
    cmd, _ = final_cmd("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD node server.js\n")
    assert cmd == 'CMD ["node", "server.js"]'
