"""Interpreters named by a version or by Docker Hub's path (adversary round 8, E14): the migrated build must find
them on the Chainguard image, which serves one language version and keeps interpreters in /usr/bin."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, codes, final_stage, migrate, status

from migrator.model import TagPolicy

_PYTHON_APP = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


@pytest.mark.parametrize("command", ['CMD ["python3.11", "app.py"]', 'CMD ["/usr/local/bin/python3.11", "app.py"]',
                                     "CMD python3.11 app.py", 'ENTRYPOINT ["python3.11", "-m", "myapp"]'])
def test_versioned_python_in_the_start_command_becomes_the_images_own(command: str) -> None:
    result = migrate(_PYTHON_APP + command + "\n")
    runtime = final_stage(result)
    assert "python3.11" not in runtime and '"python3", ' in runtime
    assert "MIG423" in codes(result, "warning") and status(result) == "ok"


def test_versioned_python_and_pip_in_a_builder_run_become_the_venvs() -> None:
    result = migrate("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n"
                     "RUN python3.11 -m pip install -r requirements.txt && \\\n    pip3.11 install gunicorn\n"
                     "CMD [\"gunicorn\", \"app:app\"]\n")
    builder = builder_stage(result)
    assert "RUN python3 -m pip install -r requirements.txt && \\\n    pip3 install gunicorn\n" in builder
    assert "MIG423" in codes(result)


def test_a_versioned_package_name_is_not_an_interpreter() -> None:
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3.11\n"
                     "COPY app.py /app.py\nCMD [\"python3.11\", \"/app.py\"]\n")
    assert "apk add --no-cache python-3.11" in result.dockerfile  # the package, translated, not renamed
    assert 'CMD ["python3", "/app.py"]' in final_stage(result) and status(result) == "ok"


def test_the_version_the_image_serves_is_kept() -> None:
    served = migrate("FROM python:3.14\nWORKDIR /app\nCOPY . .\nRUN python3.14 -m pip install -r requirements.txt\n"
                     "CMD [\"python3.14\", \"app.py\"]\n")
    assert 'CMD ["python3.14", "app.py"]' in final_stage(served) and "MIG423" not in codes(served)
    kept = migrate(_PYTHON_APP + 'CMD ["python3.11", "app.py"]\n', tag_policy=TagPolicy.KEEP)
    assert 'CMD ["python3.11", "app.py"]' in final_stage(kept) and "MIG423" not in codes(kept)
    assert status(kept) == "ok"


def test_the_image_model_does_not_claim_another_python_version() -> None:
    from migrator.rules.loader import load_rules

    rules = load_rules()
    latest = rules.image_model("cgr.dev/chainguard/python:latest")
    assert latest.has_program("python3") and latest.has_program("python3.14")
    assert not latest.has_program("python3.11")
    assert rules.image_model("cgr.dev/chainguard/python:3.11-dev").has_program("python3.11")


@pytest.mark.parametrize(("source", "command", "expected"), [
    (_PYTHON_APP, 'CMD ["/usr/local/bin/python", "app.py"]', 'CMD ["python", "app.py"]'),
    ("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", 'CMD ["/usr/local/bin/node", "server.js"]',
     'CMD ["/usr/bin/node", "server.js"]'),
    ("FROM maven:3-eclipse-temurin-17 AS b\nWORKDIR /src\nCOPY . .\nRUN mvn package\nFROM eclipse-temurin:17-jre\n"
     "COPY --from=b /src/target/app.jar /app.jar\n", 'ENTRYPOINT ["/opt/java/openjdk/bin/java", "-jar", "/app.jar"]',
     'ENTRYPOINT ["/usr/bin/java", "-jar", "/app.jar"]'),
])
def test_interpreter_started_by_docker_hubs_path_is_started_where_chainguard_has_it(
        source: str, command: str, expected: str) -> None:
    result = migrate(source + command + "\n")
    assert expected in final_stage(result)
    assert "MIG407" in codes(result) and "MIG543" not in codes(result) and status(result) == "ok"


def test_a_stage_kept_on_wolfi_base_with_python_3_renames_like_the_python_image() -> None:
    source = ("FROM python:3.11-slim\nRUN apt-get update && apt-get install -y supervisor\nWORKDIR /app\nCOPY . .\n"
              "RUN python3.11 -m pip install -r requirements.txt\nCMD [\"supervisord\", \"-n\"]\n")
    result = migrate(source)
    assert "RUN apk add --no-cache python-3 py3-pip tzdata\n" in result.dockerfile
    assert "RUN python3 -m pip install -r requirements.txt\n" in result.dockerfile
    assert any(f.code == "MIG423" and "wolfi-base" in f.message for f in result.findings)
    # the stage installs Python 3.11 itself: python3.11 is there
    pinned = migrate(source.replace("install -y supervisor", "install -y supervisor python3.11"))
    assert "RUN python3.11 -m pip install" in pinned.dockerfile and "MIG423" not in codes(pinned)
