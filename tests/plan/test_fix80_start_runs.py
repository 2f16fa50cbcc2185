"""Review 20, S20-1 and S20-2: what a start command runs beyond its first word.

S20-1: a start script of the build context that runs a path only the source image had (eclipse-temurin's
/__cacert_entrypoint.sh, its JAVA_HOME's /opt/java/openjdk/bin/java, Docker Hub python's /usr/local/bin/python3.X)
cannot start on the Chainguard image: E MIG540, runtime `broken`, the script named and what to change in it (the
script is the user's and is copied as it is). S20-2: uWSGI's own configuration runs commands through /bin/sh -c
(`hook-pre-app = exec:...`, `attach-daemon`): the runtime needs a shell, as for a start script (one stage on
wolfi-base, W MIG542), or E MIG507 where none can be had."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, errors, final_stage, messages, migrate

from migrator.model import Result

TEMURIN = """\
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY app.jar /app/app.jar
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["java", "-jar", "/app/app.jar"]
"""

CACERT = '#!/bin/sh\nset -e\n# hand over to the base image entrypoint\nexec /__cacert_entrypoint.sh "$@"\n'


def _context(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        path.chmod(0o755)
    return tmp_path


def _temurin(tmp_path: Path, script: str, dockerfile: str = TEMURIN, **files: str) -> Result:
    context = _context(tmp_path, {"Dockerfile": dockerfile, "app.jar": "jar", "docker-entrypoint.sh": script,
                                  **files})
    return migrate(dockerfile, context=context)


# --- S20-1: a path of the source image in the start script ------------------------------------------------------


def test_a_start_script_that_execs_temurins_entrypoint_cannot_start(tmp_path: Path) -> None:
    result = _temurin(tmp_path, CACERT)
    assert result.runtime is not None and result.runtime.status == "broken"
    assert result.runtime.image == "cgr.dev/chainguard/jdk:latest"  # (the script needs a shell: jre has none)
    [error] = errors(result, "MIG540")
    assert "`docker-entrypoint.sh` runs /__cacert_entrypoint.sh (`exec /__cacert_entrypoint.sh \"$@\"`)" in error
    assert "Eclipse Temurin's entrypoint script" in error and "`exec \"$@\"` does that" in error
    assert codes(result, "error") == ["MIG540"] and "MIG541" not in codes(result)
    assert final_stage(result).startswith("cgr.dev/chainguard/jdk:latest\n")
    assert "COPY --from=builder /usr/local/bin/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh" in (
        result.dockerfile)  # (the script is copied as it is, not rewritten)


def test_temurins_java_home_behind_a_variable_of_the_script_is_read_through_it(tmp_path: Path) -> None:
    script = '#!/bin/sh\nJAVA=/opt/java/openjdk/bin/java\nexec "$JAVA" -jar /app/app.jar "$@"\n'
    result = _temurin(tmp_path, script)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG540")
    assert "runs /opt/java/openjdk/bin/java (`exec \"$JAVA\" -jar /app/app.jar \"$@\"`)" in error
    assert "Chainguard's is /usr/lib/jvm/default-jvm" in error and "start `java` by its name" in error


def test_the_program_the_script_execs_from_its_arguments_is_read_too(tmp_path: Path) -> None:
    """akhq: docker-entrypoint.sh ends `exec "$@"`, and the CMD's ./akhq runs temurin's java."""
    dockerfile = TEMURIN.replace('CMD ["java", "-jar", "/app/app.jar"]', 'COPY akhq /app/akhq\nCMD ["./akhq"]')
    akhq = '#!/bin/sh\nexec /opt/java/openjdk/bin/java -jar /app/app.jar "$@"\n'
    result = _temurin(tmp_path, '#!/bin/sh\nset -e\nexec "$@"\n', dockerfile, akhq=akhq)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG540")
    assert "the start script `./akhq` runs /opt/java/openjdk/bin/java" in error


def test_a_shell_command_line_that_runs_the_path_is_read_too(tmp_path: Path) -> None:
    command = 'CMD ["sh", "-c", "set -e; /__cacert_entrypoint.sh true; exec java -jar /app/app.jar"]'
    dockerfile = "FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY app.jar /app/app.jar\n" + command + "\n"
    result = _temurin(tmp_path, CACERT, dockerfile)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG540")
    assert error.startswith("the start command `sh -c` runs /__cacert_entrypoint.sh (`/__cacert_entrypoint.sh true`)")
    assert final_stage(result).startswith("cgr.dev/chainguard/jdk:latest\n") and command in final_stage(result)


def test_a_start_script_that_runs_java_by_its_name_keeps_its_shell(tmp_path: Path) -> None:
    result = _temurin(tmp_path, '#!/bin/sh\nset -e\nexec java -jar /app/app.jar "$@"\n')
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    assert codes(result, "error") == [] and len(messages(result, "MIG541")) == 1


def test_a_guarded_or_surviving_use_of_the_path_is_not_an_error(tmp_path: Path) -> None:
    guarded = ('#!/bin/sh\nif [ -x /__cacert_entrypoint.sh ]; then\n  exec /__cacert_entrypoint.sh "$@"\nfi\n'
               'exec "$@"\n')
    survived = '#!/bin/sh\n/opt/java/openjdk/bin/java -version\nexec "$@"\n'  # (no set -e: the script goes on)
    for script in (guarded, survived):
        result = _temurin(tmp_path, script)
        assert result.runtime is not None and result.runtime.status == "shell-kept", script
        assert codes(result, "error") == [], script


def test_a_path_the_stage_copies_in_is_there(tmp_path: Path) -> None:
    dockerfile = TEMURIN.replace("WORKDIR /app\n", "WORKDIR /app\nCOPY cacert.sh /__cacert_entrypoint.sh\n")
    result = _temurin(tmp_path, CACERT, dockerfile, **{"cacert.sh": '#!/bin/sh\nexec "$@"\n'})
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    assert codes(result, "error") == []


def test_a_path_of_another_source_image_is_not_said(tmp_path: Path) -> None:
    """amazoncorretto never had /__cacert_entrypoint.sh: which paths it had is all the check knows to compare."""
    result = _temurin(tmp_path, CACERT, TEMURIN.replace("eclipse-temurin:17-jre", "amazoncorretto:17"))
    assert result.runtime is not None and result.runtime.status != "broken"
    assert "MIG540" not in codes(result)


def test_docker_hub_pythons_interpreter_path_in_a_start_script(tmp_path: Path) -> None:
    dockerfile = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["./start.sh"]\n'
    context = _context(tmp_path, {"Dockerfile": dockerfile, "app.py": "print(1)\n",
                                  "start.sh": "#!/bin/sh\nset -e\nexec /usr/local/bin/python3.12 /app/app.py\n"})
    result = migrate(dockerfile, context=context)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG540")
    assert "runs /usr/local/bin/python3.12" in error and "start `python` by its name" in error
    fixed = dockerfile.replace("./start.sh", "./run.sh")
    (tmp_path / "run.sh").write_text("#!/bin/sh\nset -e\nexec python /app/app.py\n")
    (tmp_path / "run.sh").chmod(0o755)
    result = migrate(fixed, context=context)
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert codes(result, "error") == []


# --- S20-2: commands a program's own configuration runs through a shell -------------------------------------------

UWSGI = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["uwsgi", "/app/uwsgi.ini"]
"""

HOOKED = ("[uwsgi]\nhttp-socket = :8000\nmodule = app:app\n# pre-app hooks are fatal\n"
          "hook-pre-app = exec:./manage.py migrate\nattach-daemon = ./manage.py worker\n")


def _uwsgi(tmp_path: Path, ini: str, dockerfile: str = UWSGI) -> Result:
    context = _context(tmp_path, {"Dockerfile": dockerfile, "app.py": "app = None\n", "requirements.txt": "uwsgi\n",
                                  "manage.py": "#!/usr/bin/env python\nprint(1)\n", "uwsgi.ini": ini})
    return migrate(dockerfile, context=context)


def test_uwsgi_whose_ini_runs_a_hook_through_a_shell_keeps_one(tmp_path: Path) -> None:
    result = _uwsgi(tmp_path, HOOKED)
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    [warning] = messages(result, "MIG542")
    assert ("`uwsgi` reads /app/uwsgi.ini, whose `hook-pre-app = exec:./manage.py migrate` runs a command through "
            "/bin/sh -c (it stops at start when that fails)") in warning
    assert codes(result, "error") == []


def test_a_daemon_uwsgi_attaches_needs_the_shell_too_and_a_split_file_moves_to_wolfi_base(tmp_path: Path) -> None:
    dockerfile = ("FROM python:3.12 AS build\nRUN python -m venv /venv\nCOPY requirements.txt .\n"
                  "RUN /venv/bin/pip install -r requirements.txt\n\nFROM python:3.12-slim\n"
                  "COPY --from=build /venv /venv\nWORKDIR /app\nCOPY . .\nENV PATH=/venv/bin:$PATH\n"
                  'CMD ["uwsgi", "--ini", "uwsgi.ini"]\n')
    result = _uwsgi(tmp_path, "[uwsgi]\nmodule = app:app\nattach-daemon = ./manage.py worker\n", dockerfile)
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert final_stage(result).startswith("cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache python-3 ")
    [warning] = messages(result, "MIG542")
    assert "whose `attach-daemon = ./manage.py worker` runs a command through /bin/sh -c (it goes on" in warning
    assert codes(result, "error") == []


def test_a_final_stage_that_cannot_leave_its_distroless_image_is_an_error(tmp_path: Path) -> None:
    dockerfile = UWSGI.replace("COPY . .\n", "FROM base\nCOPY . .\n").replace("slim\n", "slim AS base\n", 1)
    dockerfile = dockerfile.replace('"/app/uwsgi.ini"', '"uwsgi.ini"')
    result = _uwsgi(tmp_path, HOOKED, dockerfile)
    assert result.runtime is not None and result.runtime.status == "broken"
    [error] = errors(result, "MIG507")
    assert "`hook-pre-app = exec:./manage.py migrate`" in error and "python:latest has no shell" in error


def test_uwsgi_without_shell_commands_stays_on_the_distroless_python(tmp_path: Path) -> None:
    plain = "[uwsgi]\nhttp-socket = :8000\nmodule = app:app\nhook-pre-app = chdir:/app\n"
    other_section = plain + "[dev]\nhook-pre-app = exec:./manage.py migrate\n"
    for ini in (plain, other_section):
        result = _uwsgi(tmp_path, ini)
        assert result.runtime is not None and result.runtime.status == "ok", ini
        assert final_stage(result).startswith("cgr.dev/chainguard/python:latest\n")
        assert codes(result, "error") == [] and "MIG542" not in codes(result)


def test_an_ini_not_on_disk_says_nothing() -> None:
    result = migrate(UWSGI)
    assert result.runtime is not None and result.runtime.status == "ok"
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest\n")
