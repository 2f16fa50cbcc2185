"""Start scripts the fifth adversarial round found unread (issue 9, runnable by construction): a script the
Dockerfile writes itself, a context script placed by `RUN cp`/`mv`, a script started after `cd DIR &&` in
`sh -c`, and `sh -c "exec ..."` commands turned into exec form. What the user sees: the runtime image, bash
installed where the script needs it, the start command, the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import errors, final_stage, migrate, status

from migrator.model import Options

PYTHON_APP = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


# --- S2: a start script whose text is in the Dockerfile ------------------------------------------------

WRITERS = {
    "printf, by name": ('RUN printf "#!/bin/sh\\nexec gunicorn app:app\\n" > /usr/local/bin/start '
                        '&& chmod +x /usr/local/bin/start\nCMD ["start"]\n'),
    "printf, by path": ('RUN printf "#!/bin/sh\\nexec gunicorn app:app\\n" > /usr/local/bin/start '
                        '&& chmod +x /usr/local/bin/start\nCMD ["/usr/local/bin/start"]\n'),
    "echo, relative to WORKDIR": ("RUN echo '#!/bin/sh' > start && echo 'exec gunicorn app:app' >> start "
                                  '&& chmod +x start\nCMD ["./start"]\n'),
    "RUN cat heredoc": ("RUN cat <<EOF > /start && chmod +x /start\n#!/bin/sh\nexec gunicorn app:app\nEOF\n"
                        'ENTRYPOINT ["/start"]\n'),
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_a_start_script_a_run_writes_never_lands_on_an_image_without_a_shell(writer: str) -> None:
    result = migrate(PYTHON_APP + writer)
    assert "FROM cgr.dev/chainguard/python:latest\n" not in result.dockerfile  # distroless: no shell
    assert status(result) in ("single-stage", "shell-kept")
    assert "bash" not in result.dockerfile  # `#!/bin/sh`: busybox sh runs it


BASH_HEREDOCS = {
    "COPY heredoc on PATH": ("COPY --chmod=755 <<'SH' /usr/local/bin/start\n#!/bin/bash\nset -euo pipefail\n"
                             'exec gunicorn app:app\nSH\nCMD ["start"]\n'),
    "COPY heredoc at /": ("COPY --chmod=755 <<'SH' /entrypoint.sh\n#!/bin/bash\nexec gunicorn app:app\nSH\n"
                          'ENTRYPOINT ["/entrypoint.sh"]\n'),
    "RUN printf": ("RUN printf '#!/bin/bash\\nexec gunicorn app:app\\n' > /entrypoint.sh && chmod +x /entrypoint.sh\n"
                   'ENTRYPOINT ["/entrypoint.sh"]\n'),
    "echo | tee, by name": ("RUN echo '#!/bin/bash' | tee /usr/local/bin/start && echo 'exec gunicorn app:app' "
                            '| tee -a /usr/local/bin/start && chmod +x /usr/local/bin/start\nCMD ["start"]\n'),
    "cat heredoc in a RUN heredoc": ("RUN <<EOF\nset -e\ncat > /entrypoint.sh <<'EOT'\n#!/bin/bash\n"
                                     "exec gunicorn app:app\nEOT\nchmod +x /entrypoint.sh\nEOF\n"
                                     'ENTRYPOINT ["/entrypoint.sh"]\n'),
}


@pytest.mark.parametrize("writer", BASH_HEREDOCS.values(), ids=BASH_HEREDOCS.keys())
def test_a_written_bash_start_script_gets_a_runtime_with_bash_installed(writer: str) -> None:
    result = migrate(PYTHON_APP + writer)
    assert "FROM cgr.dev/chainguard/wolfi-base:latest\n" in result.dockerfile
    assert "RUN apk add --no-cache python-3 py3-pip bash tzdata\n" in result.dockerfile
    assert status(result) == "single-stage"
    assert "bash is installed for the script" in result.runtime.reason  # type: ignore[union-attr]


def test_a_written_file_a_later_command_overwrites_is_not_read_as_the_text_written_first() -> None:
    from migrator.parse.dockerfile import parse
    from migrator.plan.scripts import run_written_scripts
    from migrator.plan.stages import split_stages

    doc = parse("FROM debian:12\nWORKDIR /app\n"
                "RUN printf '#!/bin/sh\\n' > /a && date > /a && echo '#!/bin/bash' > b && echo 'exec x' >> b\n")
    written = run_written_scripts(split_stages(doc).stages[-1].chain())
    assert written == {"/app/b": "#!/bin/bash\nexec x\n"}


# --- S5: a build-context bash script put in place by RUN cp / mv ----------------------------------------

PLACEMENTS = {
    "cp from an absolute copy of the context": ('COPY . /src\nRUN cp /src/docker/entrypoint.sh /entrypoint.sh\n'
                                                'ENTRYPOINT ["/entrypoint.sh"]\n'),
    "cd, then cp into a directory": 'RUN cd docker && cp entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\n',
    "COPY of the directory, then mv": ("COPY docker /docker\nRUN mv /docker/entrypoint.sh /usr/local/bin/ep "
                                       '&& chmod +x /usr/local/bin/ep\nENTRYPOINT ["ep"]\n'),
}


@pytest.mark.parametrize("placement", PLACEMENTS.values(), ids=PLACEMENTS.keys())
def test_a_context_bash_script_placed_by_run_cp_or_mv_gets_bash(tmp_path: Path, placement: str) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / "docker" / "entrypoint.sh").write_text('#!/bin/bash\nif [[ "$1" == web ]]; then exec gunicorn '
                                                       'app:app; fi\nexec "$@"\n')
    result = migrate(PYTHON_APP + placement + 'CMD ["web"]\n', Options(context=tmp_path))
    assert "FROM cgr.dev/chainguard/wolfi-base:latest\n" in result.dockerfile
    assert "RUN apk add --no-cache python-3 py3-pip bash tzdata\n" in result.dockerfile
    assert status(result) == "single-stage"


# --- S7: `sh -c "cd DIR && ./start.sh"` runs the script as `sh -c ./start.sh` does -----------------------

@pytest.mark.parametrize("command", ['["sh","-c","./start.sh"]', '["/bin/sh","-c","cd /app && ./start.sh"]',
                                     '["sh","-c","cd /app; exec ./start.sh"]'])
def test_a_bash_script_started_after_cd_in_sh_c_gets_bash(tmp_path: Path, command: str) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "start.sh").write_text("#!/bin/bash\nexec node server.js\n")
    result = migrate(f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD {command}\n",
                     Options(context=tmp_path))
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile
    assert f"CMD {command}\n" in result.dockerfile


def test_the_program_after_cd_is_the_one_the_command_starts() -> None:
    from migrator.plan.startcommand import inner_program

    assert inner_program("cd /app && ./start.sh") == "/app/start.sh"
    assert inner_program("cd app; exec bin/server --port 80") == "app/bin/server"
    assert inner_program("cd /srv && exec node index.js") == "node"


# --- M1: `sh -c "exec ..."` in exec form -----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["CMD", "ENTRYPOINT"])
def test_an_onbuild_sh_c_exec_trigger_starts_the_program_not_exec(kind: str) -> None:
    result = migrate(f'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nONBUILD {kind} ["sh","-c","exec python app.py"]\n')
    assert f'ONBUILD {kind} ["python", "app.py"]\n' in result.dockerfile
    assert '"exec"' not in result.dockerfile


def test_exec_a_name_is_dropped_with_a_note_not_taken_for_the_program() -> None:
    result = migrate(PYTHON_APP + 'CMD ["sh","-c","exec -a myname python app.py"]\n')
    assert 'CMD ["python", "app.py"]\n' in final_stage(result)
    assert status(result) == "ok"
    assert any("`exec -a myname` dropped" in f.message for f in result.findings if f.code == "MIG504")


def test_exec_env_with_settings_keeps_the_shell_where_a_distroless_image_has_no_env() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     'CMD ["sh","-c","exec env FOO=1 python app.py"]\n')
    assert '"env", "FOO=1"' not in result.dockerfile
    assert 'CMD ["sh","-c","exec env FOO=1 python app.py"]\n' in result.dockerfile
    assert status(result) != "ok"
    assert "set it with ENV instead" in result.runtime.reason  # type: ignore[union-attr]


def test_exec_env_without_settings_starts_the_program_directly() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD exec env python app.py\n")
    assert 'CMD ["python", "app.py"]\n' in final_stage(result)
    assert status(result) == "ok"


def test_an_onbuild_trigger_drops_exec_a_with_a_note_and_env_where_the_runtime_has_none() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nONBUILD CMD ["sh","-c","exec -a web python app.py"]\n'
                     'ONBUILD ENTRYPOINT ["sh","-c","exec env python app.py"]\n')
    assert 'ONBUILD CMD ["python", "app.py"]\n' in result.dockerfile
    assert 'ONBUILD ENTRYPOINT ["python", "app.py"]\n' in result.dockerfile
    assert any("`exec -a web` dropped" in f.message for f in result.findings if f.code == "MIG525")


@pytest.mark.parametrize("command", ['["sh","-c","./start.sh"]', '["/bin/sh","-c","cd /app && ./start.sh"]'])
def test_the_tools_of_a_script_started_through_sh_c_are_installed_as_for_the_plain_form(tmp_path: Path,
                                                                                       command: str) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "start.sh").write_text("#!/bin/bash\njq . config.json > /tmp/config\nexec node server.js\n")
    result = migrate(f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD {command}\n",
                     Options(context=tmp_path))
    assert "RUN apk add --no-cache nodejs npm bash jq\n" in result.dockerfile


def test_printf_with_a_format_and_lines_writes_a_bash_script_read_as_one() -> None:
    result = migrate(PYTHON_APP + "RUN printf '%s\\n' '#!/bin/bash' 'exec gunicorn app:app' > /entrypoint.sh "
                     '&& chmod +x /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n')
    assert "RUN apk add --no-cache python-3 py3-pip bash tzdata\n" in result.dockerfile


# --- the same scripts run by a build step on wolfi-base (busybox sh only) ---------------------------------

SH_START = "COPY --chmod=755 <<EOF /e.sh\n#!/bin/sh\nexec python app.py\nEOF\nENTRYPOINT [\"/e.sh\"]\n"
BUILD_SCRIPTS = {
    "RUN printf": "RUN printf '#!/bin/bash\\n[[ -f x ]] || echo hi\\n' > /setup.sh && chmod +x /setup.sh && /setup.sh\n",
    "COPY heredoc": "COPY --chmod=755 <<EOT /setup.sh\n#!/bin/bash\n[[ -f x ]] || echo hi\nEOT\nRUN /setup.sh\n",
    "RUN cat heredoc": "RUN cat > /setup.sh <<EOT\n#!/bin/bash\n[[ -f x ]] || echo hi\nEOT\nRUN chmod +x /setup.sh && /setup.sh\n",
}


@pytest.mark.parametrize("script", BUILD_SCRIPTS.values(), ids=BUILD_SCRIPTS.keys())
def test_a_written_bash_script_a_build_step_runs_on_wolfi_base_gets_bash(script: str) -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n" + script + SH_START)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache python-3 py3-pip tzdata\nRUN apk add --no-cache bash\n")


def test_a_written_sh_script_a_build_step_runs_needs_no_bash() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     "RUN printf '#!/bin/sh\\necho hi\\n' > /setup.sh && chmod +x /setup.sh && /setup.sh\n" + SH_START)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert "bash" not in result.dockerfile


# --- a script started directly through `#!/usr/bin/env X` on an image without env -------------------------

def test_a_python_script_started_by_its_path_starts_through_python(tmp_path: Path) -> None:
    # its `#!/usr/bin/env python` cannot run on distroless python (no env): python starts it (MIG545); it was
    # the error MIG540 with that advice
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / "manage.py").write_text("#!/usr/bin/env python\nimport sys\n")
    result = migrate(PYTHON_APP + 'CMD ["./manage.py", "runserver"]\n', Options(context=tmp_path))
    assert "FROM cgr.dev/chainguard/python:latest\n" in result.dockerfile
    assert 'CMD ["python", "./manage.py", "runserver"]' in result.dockerfile
    assert status(result) == "ok" and not errors(result, "MIG540")
    assert any("/usr/bin/env" in f.message for f in result.findings if f.code == "MIG545")


def test_a_written_script_with_an_env_shebang_on_distroless_python_is_an_error() -> None:
    result = migrate(PYTHON_APP + "COPY --chmod=755 <<EOF /usr/local/bin/serve\n#!/usr/bin/env python3\n"
                     "print('hi')\nEOF\nCMD [\"serve\"]\n")
    assert status(result) == "broken"
    assert any("`serve` starts with `#!/usr/bin/env python3`" in m for m in errors(result, "MIG540"))


def test_an_env_shebang_on_an_image_with_env_starts(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "server.js").write_text("#!/usr/bin/env node\nconsole.log(1)\n")
    result = migrate("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"./server.js\"]\n",
                     Options(context=tmp_path))
    assert not errors(result, "MIG540")
    assert status(result) != "broken"


def test_an_add_heredoc_start_script_is_read_as_a_copy_heredoc_is() -> None:
    result = migrate(PYTHON_APP + "ADD --chmod=755 <<'SH' /entrypoint.sh\n#!/bin/bash\nexec gunicorn app:app\nSH\n"
                     'ENTRYPOINT ["/entrypoint.sh"]\n')
    assert "RUN apk add --no-cache python-3 py3-pip bash tzdata\n" in result.dockerfile


def test_the_tools_a_written_start_script_runs_are_checked_on_the_runtime() -> None:
    result = migrate("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     'RUN printf "#!/bin/sh\\nwget -q http://cfg -O .env\\nexec node server.js\\n" > /start.sh '
                     '&& chmod +x /start.sh\nCMD ["/start.sh"]\n')
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
    assert any("the start script `/start.sh` runs `wget`" in f.message for f in result.findings if f.code == "MIG564")
