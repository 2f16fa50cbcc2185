"""Start failures the fifth adversarial round found (issue 9, runnable by construction), each with a minimal
reproduction of our own: what the user sees in the migrated file, its findings and the tool's start verdict."""

from __future__ import annotations

import pytest
from migration_tools import builder_stage, codes, final_stage, migrate, verdict

# --- S1: a program an OS package installs is not a console script of the copied install tree ------------------

PY_NODE = ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y nodejs\nWORKDIR /app\nCOPY . .\n"
           "{pip}CMD [\"node\",\"server.js\"]\n")


@pytest.mark.parametrize("pip", ["RUN pip install -r requirements.txt\n", "RUN pip install flask\n"])
def test_an_apt_program_beside_a_pip_install_gets_the_runtime_it_gets_without_the_install(pip: str) -> None:
    alone = migrate(PY_NODE.format(pip=""))
    result = migrate(PY_NODE.format(pip=pip))
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")  # was: distroless python
    assert final_stage(result).split("\n", 1)[0] == final_stage(alone).split("\n", 1)[0]
    status, reason = verdict(result)
    assert status == "ok" and "/opt/venv" not in reason


@pytest.mark.parametrize("text, program", [
    ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y supervisor\nWORKDIR /app\nCOPY . .\n"
     "RUN pip install -r requirements.txt\nCMD [\"supervisord\",\"-n\"]\n", "supervisord"),
    ("FROM python:3.12-alpine\nRUN apk add --no-cache supervisor\nWORKDIR /app\nCOPY . .\n"
     "RUN pip install flask\nCMD [\"supervisord\",\"-n\"]\n", "supervisord"),
    ("FROM ruby:3.3\nRUN apt-get update && apt-get install -y nginx\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n"
     "RUN bundle install\nCOPY . .\nCMD [\"nginx\",\"-g\",\"daemon off;\"]\n", "nginx"),
])
def test_an_os_package_program_is_not_judged_copied_with_the_venv_or_bundle(text: str, program: str) -> None:
    # was: ok, "copied to /opt/venv/bin"; then E MIG540 on the distroless runtime (adversary round 8 E9): the
    # stage now stays on wolfi-base, which installs the package (MIG586)
    result = migrate(text)
    status, reason = verdict(result)
    assert status == "single-stage" and f"`{program}` found (in the image at /usr/" in reason
    assert "/opt/venv" not in reason and "bundle" not in reason
    assert any(f.code == "MIG586" and program in f.message for f in result.findings)


def test_an_apt_program_is_not_guessed_into_a_pip_prefix_copied_through_the_stage_that_installs_it() -> None:
    result = migrate("FROM python:3.12 AS build\nWORKDIR /src\nCOPY . .\n"
                     "RUN pip install --prefix=/install -r requirements.txt\n\n"
                     "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y nodejs\nWORKDIR /app\n"
                     "COPY --from=build /install /usr/local\nCOPY . .\nCMD [\"node\",\"server.js\"]\n")
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")  # was: distroless python
    assert verdict(result) == ("ok", "`node` found (in the image at /usr/bin/node)")  # was: /usr/local/bin/node


def test_a_console_script_a_pip_install_names_is_still_found_in_the_venv_beside_the_os_package() -> None:
    result = migrate("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y supervisor\n"
                     "RUN pip install supervisor\nCMD [\"supervisord\",\"-n\"]\n")
    assert verdict(result) == ("ok", "`supervisord` found (copied to /opt/venv/bin/supervisord)")


def test_a_name_no_os_package_provides_is_still_taken_for_a_console_script() -> None:
    result = migrate("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y nodejs\nWORKDIR /app\n"
                     "COPY . .\nRUN pip install .\nCMD [\"myapp\"]\n")
    # (nodejs, which no RUN step runs, is kept for the app: the -dev runtime installs it; fix89, review 21 S21-2)
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert verdict(result) == ("ok", "`myapp` found (copied to /opt/venv/bin/myapp)")


def test_the_venvs_own_pip_is_still_found_when_an_os_package_installs_pip_too() -> None:
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3 python3-pip python3-venv\n"
                     "WORKDIR /app\nCOPY . .\nRUN pip3 install -r requirements.txt\nCMD [\"pip\",\"list\"]\n")
    assert verdict(result) == ("ok", "`pip` found (copied to /opt/venv/bin/pip)")


# --- B3: ln -s, chmod and chown of a console script at /usr/local/bin ------------------------------------------

@pytest.mark.parametrize("step, moved", [
    ("ln -s /usr/local/bin/supervisord /usr/bin/supervisord", "ln -s /opt/venv/bin/supervisord /usr/bin/supervisord"),
    ("ln -sf /usr/local/bin/supervisord /usr/bin/", "ln -sf /opt/venv/bin/supervisord /usr/bin/"),
    ("ln -s -t /usr/bin /usr/local/bin/supervisord", "ln -s -t /usr/bin /opt/venv/bin/supervisord"),
    ("chmod 755 /usr/local/bin/supervisord", "chmod 755 /opt/venv/bin/supervisord"),
    ("chown 1000:1000 /usr/local/bin/supervisord", "chown 1000:1000 /opt/venv/bin/supervisord"),
    ("chmod 755 \\\n    /usr/local/bin/supervisord", "chmod 755 \\\n    /opt/venv/bin/supervisord"),
    # review 11, P11-3: a copy needs its source as a link does
    ("cp /usr/local/bin/supervisord /usr/bin/supervisord", "cp /opt/venv/bin/supervisord /usr/bin/supervisord"),
    ("install -m 755 /usr/local/bin/supervisord /usr/bin/", "install -m 755 /opt/venv/bin/supervisord /usr/bin/"),
    # review 12, P12-1: a removal after the copy needs the file too, and writes none
    ("cp /usr/local/bin/supervisord /usr/bin/ && rm /usr/local/bin/supervisord",
     "cp /opt/venv/bin/supervisord /usr/bin/ && rm /opt/venv/bin/supervisord"),
])
def test_a_step_that_links_or_chmods_a_named_console_script_takes_it_from_the_venv(step: str, moved: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install supervisor && {step}\n"
                     "CMD [\"/usr/bin/supervisord\",\"-n\"]\n")
    assert f"RUN pip install supervisor && {moved}\n" in builder_stage(result)  # was: chmod fails, link dangles
    assert "/usr/local/bin" not in result.dockerfile
    assert "MIG574" not in codes(result, "error")


def test_the_start_command_of_a_chmodded_console_script_starts_it_from_the_venv() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     "RUN pip install gunicorn && chmod 755 /usr/local/bin/gunicorn\n"
                     "CMD [\"/usr/local/bin/gunicorn\",\"app:app\"]\n")
    runtime = final_stage(result)
    assert 'CMD ["/opt/venv/bin/gunicorn","app:app"]' in runtime and "/usr/local/bin" not in runtime
    assert "RUN pip install gunicorn && chmod 755 /opt/venv/bin/gunicorn\n" in builder_stage(result)
    assert verdict(result) == ("ok", "`/opt/venv/bin/gunicorn` found (copied to /opt/venv/bin/gunicorn)")


@pytest.mark.parametrize("step", ["chmod 755 /usr/local/bin/myapp", "ln -s /usr/local/bin/myapp /usr/bin/myapp"])
def test_a_step_needing_a_script_only_an_unread_pip_install_can_have_written_is_an_error(step: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && {step}\n"
                     "CMD [\"python\",\"app.py\"]\n")
    assert f"&& {step}\n" in result.dockerfile  # kept: nothing proves it is pip's
    assert any(f.code == "MIG574" and "/usr/local/bin/myapp" in f.message and "/opt/venv/bin/myapp" in f.message
               for f in result.findings)


@pytest.mark.parametrize("install", ["pip install --no-cache-dir /src", "pip install -r requirements.txt"])
@pytest.mark.parametrize("placing", ["ln -s", "cp"])
def test_a_link_into_usr_local_bin_to_a_script_only_pip_can_have_written_is_an_error(install: str,
                                                                                       placing: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nCOPY . /src\nRUN {install} && {placing} /usr/local/bin/mytool "
                     "/usr/local/bin/mt\nCMD [\"mt\", \"serve\"]\n")
    # the link writes only /usr/local/bin/mt, so nothing but pip can have written mytool: the link dangles (R9-4)
    assert any(f.code == "MIG574" and f.severity.value == "error" and "/opt/venv/bin/mytool" in f.message
               for f in result.findings)


@pytest.mark.parametrize("writer", ["curl -fsSLo /usr/local/bin/$TOOL https://example.com/t",
                                    "cp /src/bin/tool /usr/local/bin/$TOOL"])
def test_a_write_to_a_name_spelled_with_a_variable_may_be_the_script(writer: str) -> None:
    result = migrate("FROM python:3.12-slim\nARG TOOL\nCOPY . /src\n"
                     f"RUN pip install /src && {writer} && chmod +x /usr/local/bin/mytool\n"
                     "CMD [\"mytool\"]\n")
    assert "MIG574" not in codes(result, "error")


def test_a_step_that_writes_the_path_itself_is_still_another_writer() -> None:
    result = migrate("FROM python:3.12-slim\nRUN pip install supervisor\n"
                     "RUN curl -fsSLo /usr/local/bin/supervisord https://example.com/s && chmod +x /usr/local/bin/supervisord\n"
                     "CMD [\"/usr/local/bin/supervisord\"]\n")
    assert 'CMD ["/usr/local/bin/supervisord"]' in final_stage(result)
