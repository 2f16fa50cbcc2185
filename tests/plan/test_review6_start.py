"""Start failures the sixth review found (issue 9, runnable by construction), each with a minimal
reproduction of our own: what the user sees in the migrated file and its findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.model import Options

# --- P-2: the virtualenv the tool makes moves pip's console scripts out of /usr/local/bin ---------------

SUPERVISOR = """FROM python:3.12-slim
RUN pip install --no-cache-dir supervisor
HEALTHCHECK CMD /usr/local/bin/supervisorctl status || exit 1
CMD ["/usr/local/bin/supervisord", "-c", "/etc/supervisord.conf"]
"""


def test_a_console_script_named_at_usr_local_bin_starts_from_the_venv_the_tool_made() -> None:
    result = migrate(SUPERVISOR)
    runtime = final_stage(result)
    assert 'CMD ["/opt/venv/bin/supervisord", "-c", "/etc/supervisord.conf"]' in runtime
    assert "/usr/local/bin" not in result.dockerfile  # nothing copied from where the builder has nothing
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert any("/usr/local/bin/supervisord" in m and "/opt/venv/bin/supervisord" in m
               for m in messages(result, "MIG515"))


def test_the_health_check_and_the_single_stage_command_are_pointed_at_the_venv_too() -> None:
    result = migrate("FROM python:3.12-slim\n"
                     "RUN pip install --no-cache-dir gunicorn\n"
                     "COPY entrypoint.sh /entrypoint.sh\n"
                     "HEALTHCHECK CMD /usr/local/bin/gunicorn --version\n"
                     'ENTRYPOINT ["/entrypoint.sh"]\n'
                     'CMD ["/usr/local/bin/gunicorn", "app:app"]\n')
    assert result.dockerfile.count("\nFROM ") == 0  # one stage on wolfi-base: the venv is made in it
    assert 'CMD ["/opt/venv/bin/gunicorn", "app:app"]' in result.dockerfile
    assert "HEALTHCHECK CMD /opt/venv/bin/gunicorn --version\n" in result.dockerfile


def test_a_usr_local_bin_path_something_else_writes_or_the_interpreter_is_left_alone() -> None:
    result = migrate("FROM python:3.12-slim\n"
                     "COPY run.sh /usr/local/bin/run.sh\n"
                     "RUN pip install --no-cache-dir gunicorn && cp /usr/bin/true /usr/local/bin/ready\n"
                     "HEALTHCHECK CMD /usr/local/bin/ready\n"
                     'CMD ["/usr/local/bin/python", "/usr/local/bin/run.sh"]\n')
    assert "/opt/venv/bin/run.sh" not in result.dockerfile
    assert "/opt/venv/bin/ready" not in result.dockerfile
    assert "/opt/venv/bin/python" not in result.dockerfile


def test_a_program_a_run_step_fetches_or_an_image_copy_puts_in_usr_local_bin_stays_there() -> None:
    result = migrate("FROM python:3.12-slim\n"
                     "COPY --from=docker.io/library/busybox:latest /bin/busybox /usr/local/bin/busybox\n"
                     "RUN pip install --no-cache-dir gunicorn \\\n"
                     " && curl -fsSLo /usr/local/bin/wait-for https://example.com/wait-for && chmod +x /usr/local/bin/wait-for\n"
                     "HEALTHCHECK CMD [\"/usr/local/bin/busybox\", \"true\"]\n"
                     'ENTRYPOINT ["/usr/local/bin/wait-for", "--"]\n'
                     'CMD ["/usr/local/bin/gunicorn", "app:app"]\n')
    assert 'ENTRYPOINT ["/usr/local/bin/wait-for", "--"]' in final_stage(result)
    assert '"/usr/local/bin/busybox", "true"' in final_stage(result)
    assert 'CMD ["/opt/venv/bin/gunicorn", "app:app"]' in final_stage(result)


def test_a_runtime_that_copied_site_packages_and_usr_local_bin_starts_the_script_from_the_venv() -> None:
    result = migrate("FROM python:3.11-slim AS builder\n"
                     "RUN pip install gunicorn\n"
                     "FROM python:3.11-slim\n"
                     "COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n"
                     "COPY --from=builder /usr/local/bin /usr/local/bin\n"
                     'CMD ["/usr/local/bin/gunicorn", "app:app"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /opt/venv /opt/venv\n" in runtime
    assert 'CMD ["/opt/venv/bin/gunicorn", "app:app"]' in runtime
    assert "/usr/local/bin" not in runtime
    assert "MIG540" not in {f.code for f in result.findings}


def test_a_venv_of_the_users_own_is_not_second_guessed() -> None:
    result = migrate("FROM python:3.12-slim\n"
                     "RUN python -m venv /venv && /venv/bin/pip install supervisor\n"
                     'CMD ["/usr/local/bin/supervisord"]\n')
    assert "/opt/venv/bin/supervisord" not in result.dockerfile


# --- R6-2: a build-context script put in place by RUN cp is the context's file, as a COPY of it is ------

CP_ENTRYPOINT = """FROM python:3.9-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir supervisor
RUN cp docker/entrypoint.sh /sbin/entrypoint.sh && chmod 755 /sbin/entrypoint.sh
ENTRYPOINT ["/sbin/entrypoint.sh"]
CMD ["/usr/local/bin/supervisord", "-c", "/etc/supervisord.conf"]
"""


def test_an_unreadable_start_script_put_in_place_by_run_cp_gets_bash_like_its_copy_form() -> None:
    copied = migrate(CP_ENTRYPOINT.replace("RUN cp docker/entrypoint.sh /sbin/entrypoint.sh && chmod 755 "
                                           "/sbin/entrypoint.sh", "COPY docker/entrypoint.sh /sbin/entrypoint.sh"))
    assert "bash" in copied.dockerfile.split("\n", 2)[1]  # the rule this follows
    for placing in ("cp docker/entrypoint.sh /sbin/", "mv docker/entrypoint.sh /sbin/entrypoint.sh",
                    "install -m 755 docker/entrypoint.sh /sbin/"):
        result = migrate(CP_ENTRYPOINT.replace("cp docker/entrypoint.sh /sbin/entrypoint.sh", placing))
        assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                            "RUN apk add --no-cache python-3 py3-pip bash tzdata\n"), placing
        assert 'CMD ["/opt/venv/bin/supervisord", "-c", "/etc/supervisord.conf"]' in result.dockerfile
        assert any("bash is installed for the script" in m for m in messages(result, "MIG542"))


def test_a_run_cp_start_script_read_from_the_context_gets_bash_only_when_it_is_a_bash_script(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    script = tmp_path / "docker" / "entrypoint.sh"
    script.write_text('#!/bin/sh\nexec "$@"\n')
    plain = migrate(CP_ENTRYPOINT, Options(context=tmp_path))
    assert "bash" not in plain.dockerfile.split("\n", 2)[1]
    script.write_text('#!/bin/bash\nexec "$@"\n')
    bash = migrate(CP_ENTRYPOINT, Options(context=tmp_path))
    assert "bash" in bash.dockerfile.split("\n", 2)[1]


def test_a_build_step_running_a_script_put_in_place_by_run_cp_gets_bash_on_wolfi_base() -> None:
    result = migrate("FROM debian:12\n"
                     "WORKDIR /src\n"
                     "COPY . .\n"
                     "RUN cp docker/setup.sh /usr/local/bin/setup.sh && /usr/local/bin/setup.sh\n"
                     "RUN apt-get update && apt-get install -y curl\n"
                     'CMD ["curl", "-h"]\n')
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache bash tzdata\n")


def test_a_named_file_copied_into_usr_local_bin_does_not_hide_the_console_scripts() -> None:
    # review 6 follow-up (a paperless-like build): `COPY --from=tools /src/jbig2 /usr/local/bin/` puts jbig2
    # there and nothing else, so supervisord still comes from the venv
    text = ("FROM python:3.12-slim AS tools\nRUN echo > /src-jbig2\n"
            "FROM python:3.12-slim\nCOPY --from=tools {source} /usr/local/bin/\n"
            "RUN pip install --no-cache-dir supervisor\n"
            'CMD ["/usr/local/bin/supervisord", "-c", "/etc/supervisord.conf"]\n')
    assert 'CMD ["/opt/venv/bin/supervisord"' in migrate(text.format(source="/src/jbig2")).dockerfile
    # a whole bin/ tree may hold anything, but `pip install supervisor` names the package whose script it is
    assert 'CMD ["/opt/venv/bin/supervisord"' in migrate(text.format(source="/opt/tools/bin/")).dockerfile


# --- pip on a distro base: the venv the runtime copies has its own pip --------------------------------

UBUNTU_PIP = """FROM ubuntu:22.04
RUN apt-get update && apt-get install -y python3 python3-pip && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt .
RUN pip3 install -r requirements.txt
COPY app.py .
CMD python3 app.py
"""


def test_pip_from_os_packages_is_not_reported_lost_on_the_python_runtime() -> None:
    result = migrate(UBUNTU_PIP)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert not any("py3-pip" in m for m in messages(result, "MIG514"))  # was: "installed py3-pip; ... no package manager"


# --- a FROM-only stage that serves Docker Hub-only files stays on its image -------------------------

NGINX_FILES = """FROM nginx:1.27 AS nginx-image

FROM php:8.3-fpm
COPY --from=nginx-image /docker-entrypoint.d /docker/entrypoint.d/
COPY --from=nginx-image /etc/nginx/mime.types /etc/nginx/mime.types
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["php-fpm"]
"""


def test_a_stage_that_only_provides_docker_hub_files_is_kept_on_its_image() -> None:
    result = migrate(NGINX_FILES)
    assert result.dockerfile.startswith("FROM nginx:1.27 AS nginx-image\n")  # as written: its files exist there
    assert "COPY --from=nginx-image /docker-entrypoint.d /docker/entrypoint.d/" in result.dockerfile
    assert any("nginx-image" in m and "/docker-entrypoint.d" in m for m in messages(result, "MIG215"))
    assert not messages(result, "MIG543")  # was an error: the Chainguard nginx has no /docker-entrypoint.d
    assert result.runtime is not None and result.runtime.status != "broken"


def test_a_file_source_stage_copied_for_ordinary_paths_is_migrated() -> None:
    result = migrate(NGINX_FILES.replace("COPY --from=nginx-image /docker-entrypoint.d /docker/entrypoint.d/\n", ""))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/nginx")
    assert not messages(result, "MIG215")


# --- R8-2: a directory made behind a test of itself, or with `|| true`, is there whichever way ------------

@pytest.mark.parametrize("run", [
    "[ ! -d /data ] && mkdir /data && chown 65532 /data",
    "[ -d /data ] || mkdir /data",
    "mkdir -p /data || true",
    "[ ! -d /data ] && mkdir /data; chown 65532 /data",
])
def test_a_directory_made_behind_a_test_of_itself_reaches_the_runtime(run: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nRUN pip install flask\nCOPY app.py /app/app.py\nRUN {run}\n"
                     'CMD ["python", "/app/app.py"]\n')
    assert re.search(r"^COPY --from=builder (--chown=65532:65532 )?/data /data$", final_stage(result), re.M), \
        final_stage(result)  # was dropped silently


def test_a_directory_made_on_another_condition_is_not_copied() -> None:
    result = migrate('FROM python:3.12-slim\nRUN pip install flask\nCOPY app.py /app/app.py\n'
                     'RUN [ "$DEBUG" = 1 ] && mkdir /debug; echo ok\nCMD ["python", "/app/app.py"]\n')
    assert "/debug" not in final_stage(result)


def test_directories_a_root_stage_made_for_the_app_are_the_app_user_s_own() -> None:
    # review 8: changedetection writes /datastore at import; the original ran as root, the runtime as 65532
    result = migrate("FROM python:3.12-slim\nRUN pip install flask\nCOPY app.py /app/app.py\n"
                     "RUN [ ! -d /datastore ] && mkdir /datastore\nRUN mkdir -p /etc/app/conf.d\n"
                     'CMD ["python", "/app/app.py"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /datastore /datastore" in runtime
    assert "COPY --from=builder /etc/app/conf.d /etc/app/conf.d" in runtime  # configuration stays root's
    assert any("/datastore" in m for m in messages(result, "MIG555"))


def test_run_time_and_filled_directories_are_not_named_the_app_s_own() -> None:
    # review 9, R9-1: /run/app and /tmp/x are the engine's (not copied), and a directory the stage fills with
    # files holds programs, not data: MIG555 named them "made the app's own"
    result = migrate("FROM python:3.12-slim\nRUN pip install flask\n"
                     "RUN mkdir -p /run/app /tmp/x /opt/tool/bin /data && cp /etc/hostname /opt/tool/bin/x\n"
                     'COPY app.py /app/app.py\nCMD ["python", "/app/app.py"]\n')
    (warning,) = messages(result, "MIG555")
    assert "/data" in warning and not any(p in warning for p in ("/run/app", "/tmp/x", "/opt/tool/bin"))
    assert "COPY --from=builder /opt/tool/bin /opt/tool/bin" in final_stage(result)


@pytest.mark.parametrize("directory", ["/var/lib/myapp", "/srv/data", "/opt/app/db", "/home/app"])
def test_a_data_directory_the_stage_seeds_with_a_file_is_the_app_s_own(directory: str) -> None:
    # review 10, R10-2: a seeded database (`cp seed.db /var/lib/app/app.db`) is opened for writing, and its
    # journal is made next to it: the directory must be the runtime user's, and MIG555 must say so
    result = migrate("FROM python:3.12-slim\nRUN pip install flask\nCOPY app.py /app/app.py\nCOPY seed.db /tmp/seed.db\n"
                     f"RUN mkdir -p {directory} && cp /tmp/seed.db {directory}/app.db\n"
                     'CMD ["python", "/app/app.py"]\n')
    assert f"COPY --from=builder --chown=65532:65532 {directory} {directory}" in final_stage(result)
    (warning,) = messages(result, "MIG555")
    assert directory in warning
