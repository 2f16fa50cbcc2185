"""Shell form to exec form keeps the command's meaning (issue 12, defect 12).

The conversion reads the command with the shell parser: a trailing `# comment` belongs to the
shell, `VAR=value cmd` sets a variable (exec form cannot: a finding says so), quotes and escapes
are the shell's.
"""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

from migrator.api import migrate_text


def final_cmd(text: str) -> tuple[str, list[str]]:
    result = migrate(text)
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
    zones = "COPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n"  # (MIG317)
    assert result.dockerfile.endswith(f"FROM base\n{zones}ENTRYPOINT []\nCMD {command}\n")
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
    result = migrate(text)
    cmd = [line for line in result.dockerfile.splitlines() if line.startswith("CMD ")][-1]
    assert cmd == expected
    [fixed] = [f for f in result.findings if f.code == "MIG559"]
    assert fixed.severity.value == "warning" and said in fixed.message and "docker run -e" in fixed.message


def test_a_build_argument_is_not_the_container_s_variable() -> None:
    """D1: `ARG PORT=8000` is not in the container's environment; its value was baked in too. Built FROM another
    stage it stays on that stage's -dev image, whose shell reads $PORT as the original's did (unset); alone it
    keeps one (wolfi-base). Without any shell, MIG505 says PORT is a build argument."""
    cmd, findings = final_cmd("FROM python:3.12-slim AS base\nFROM base\nARG PORT=8000\nCMD python app.py --port=$PORT\n")
    assert cmd == "CMD python app.py --port=$PORT" and any(f.startswith("MIG541") for f in findings), findings
    from migrator.parse import parse
    from migrator.rewrite.commands import convert_command

    instruction = parse("FROM x\nCMD python app.py --port=$PORT\n").instructions[-1]
    outcome = convert_command(instruction, {"PORT": "8000"}, set(), False, frozenset({"PORT"}))
    assert any(f.code == "MIG505" and "PORT is a build argument (ARG)" in f.message for f in outcome.findings)
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
    runtime = final_stage(result)
    assert 'ENTRYPOINT ["python", "app.py"]' in runtime and "CMD" not in runtime
    [dropped] = [f for f in result.findings if f.code == "MIG560"]
    assert dropped.severity.value == "warning" and dropped.line == 4 and 'CMD ["--debug"] (line 5) dropped' in dropped.message


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
    assert result.dockerfile.endswith('ENTRYPOINT ["/bin/sh", "-c", "\\"/entrypoint.sh\\""]\n')  # still the shell's
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    as_cmd = migrate_text(text.replace('ENTRYPOINT "/entrypoint.sh"', 'CMD /entrypoint.sh'))
    assert as_cmd.dockerfile.endswith('CMD ["/bin/sh", "/entrypoint.sh"]\n')


def test_shell_form_script_from_a_bash_image_keeps_the_shell_form_where_bash_is() -> None:
    # the Debian original may have run a `#!/bin/bash` script: busybox sh is not enough, so the stage stays on
    # wolfi-base with bash, and the shell form the original had
    text = ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCOPY entrypoint.sh /entrypoint.sh\n"
            "ENTRYPOINT \"/entrypoint.sh\"\n")
    result = migrate_text(text)
    # (curl, wget, git: what node:20 ships that the script, unread without a build context, may run; as for
    # `ENTRYPOINT ["/entrypoint.sh"]`, the same command in exec form)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache nodejs npm bash curl wget git\n")
    assert result.dockerfile.endswith('ENTRYPOINT "/entrypoint.sh"\n')
    warning = next(f for f in result.findings if f.code == "MIG542")
    assert "port what the script does" in warning.message and "exec form" not in warning.message


def test_a_known_program_in_shell_form_still_becomes_exec_form() -> None:
    cmd, _ = final_cmd("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD node server.js\n")
    assert cmd == 'CMD ["node", "server.js"]'


@pytest.mark.parametrize("runtime_has_shell", [True, False])
def test_exec_stays_where_a_shell_still_runs_the_command(runtime_has_shell: bool) -> None:
    # `exec node migrate.js; node server.js` never reaches server.js: without its `exec` the shell would
    # start the server after the migration (tools5 report)
    from migrator.parse import parse
    from migrator.rewrite.commands import convert_command

    instruction = parse("FROM x\nCMD exec node migrate.js; node server.js\n").instructions[-1]
    outcome = convert_command(instruction, {}, set(), runtime_has_shell=runtime_has_shell)
    assert outcome.argv == ["/bin/sh", "-c", "exec node migrate.js; node server.js"]


def test_an_exec_form_sh_c_package_install_is_translated_in_shell_form() -> None:
    """Review 11 (P11-1): `RUN ["sh", "-c", "apt-get ..."]` was left as written with no finding; apt-get fails on
    Wolfi. It is the shell form's own command, so it is written and translated so."""
    result = migrate('FROM node:20-slim\nWORKDIR /app\nCOPY . .\n'
                     'RUN ["sh", "-c", "apt-get update && apt-get install -y curl"]\nCMD ["node", "server.js"]\n')
    assert "RUN apk add --no-cache curl\n" in result.dockerfile
    assert "apt-get" not in result.dockerfile


def test_an_exec_form_bash_c_package_install_is_an_error() -> None:
    result = migrate('FROM node:20-slim\nRUN ["bash", "-c", "apt-get update && apt-get install -y curl"]\n'
                     'CMD ["node", "server.js"]\n')
    assert any(f.code == "MIG310" and f.severity.value == "error" for f in result.findings)


@pytest.mark.parametrize("argv", ['["nice", "apt-get", "install", "-y", "curl"]',
                                  '["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "curl"]',
                                  '["timeout", "600", "apt-get", "install", "-y", "curl"]'])
def test_an_exec_form_package_install_behind_a_wrapper_is_an_error(argv: str) -> None:
    """Adversary 7 (D3): left as written with no finding; apt-get does not exist on Wolfi."""
    result = migrate(f'FROM node:20-slim\nRUN {argv}\nCMD ["node", "server.js"]\n')
    assert any(f.code == "MIG310" and f.severity.value == "error" and "apt-get" in f.message for f in result.findings)


def test_an_exec_form_sh_with_options_keeps_them_and_is_an_error() -> None:
    """Review 12: `["sh", "-ec", "apt-get ..."]` in shell form would lose its -e: left as written, E MIG310."""
    result = migrate('FROM node:20-slim\nRUN ["sh", "-ec", "apt-get update && apt-get install -y curl"]\n'
                     'CMD ["node", "server.js"]\n')
    assert 'RUN ["sh", "-ec", "apt-get update && apt-get install -y curl"]' in result.dockerfile
    assert any(f.code == "MIG310" and f.severity.value == "error" for f in result.findings)
