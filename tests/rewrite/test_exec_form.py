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
    assert any("variables were replaced" in f for f in findings)


def test_a_variable_split_inside_a_word_needs_a_shell() -> None:
    cmd, findings = final_cmd('FROM python:3.12-slim AS base\nFROM base\nENV OPTS="-w 2"\nCMD gunicorn --opts=$OPTS app\n')
    assert cmd.startswith('CMD ["/bin/sh", "-c", ') and any("word splitting" in f for f in findings)
