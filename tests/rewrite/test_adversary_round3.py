"""The third adversarial round (/work/adversary2/REPORT.md, items N1-N14): each test is the reproduction,
migrated end to end (migrator.api.migrate_text) or run through the command line."""

from __future__ import annotations

import time

import pytest
from migration_tools import final_stage, keywords, migrate

from migrator.model import MigratorError

# --- N3: ARG defaults that double at each level -----------------------------------------------------


def doubling_args(levels: int) -> str:
    lines = ["ARG A0=xx"] + [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, levels)]
    return "\n".join(lines) + f'\nFROM python:${{A{levels - 1}}}\nCMD ["python"]\n'


def test_an_arg_expansion_bomb_is_a_short_error_not_gigabytes() -> None:
    started = time.process_time()
    with pytest.raises(MigratorError) as error:
        migrate(doubling_args(29))  # 2**30 characters if expanded
    assert time.process_time() - started < 2
    message = str(error.value)
    assert "\n" not in message and len(message) < 300 and "64 KB" in message
    assert message.startswith("line 1")  # ARG A16 doubles past the bound (lines 10-19)


def test_long_values_that_do_not_grow_still_migrate() -> None:
    value = "x" * 200_000
    output = migrate(f"FROM python:3.12-slim\nENV BIG={value}\nRUN echo $BIG ${{BIG}}\nCMD [\"python\"]\n").dockerfile
    assert value in output


def test_an_unreadable_image_reference_is_quoted_short_in_its_finding() -> None:
    result = migrate("ARG A0=" + "Q" * 20_000 + "\nFROM ${A0}\nCMD [\"python\"]\n")
    mig202 = [f for f in result.findings if f.code == "MIG202"]
    assert mig202 and len(mig202[0].message) < 400


# --- N5: nested ${X:-${X:-...}} defaults -------------------------------------------------------------


def nested(levels: int, inner: str) -> str:
    return "${X:-" * levels + inner + "}" * levels


@pytest.mark.parametrize("where", ["FROM python:{}-slim\n", "FROM python:3.12-slim\nWORKDIR /{}\nCOPY . .\n"])
def test_deeply_nested_defaults_are_a_one_line_error_in_linear_time(where: str) -> None:
    line = where[: where.index("{")].count("\n") + 1  # the line with the reference
    started = time.process_time()
    for levels in (500, 20_000):
        with pytest.raises(MigratorError) as error:
            migrate(where.format(nested(levels, "3.12")) + 'CMD ["python"]\n')
        assert "nested more than" in str(error.value) and "\n" not in str(error.value)
        assert str(error.value).startswith(f"line {line}: ")
    assert time.process_time() - started < 3


def test_a_few_nested_defaults_still_expand() -> None:
    output = migrate(f"FROM python:{nested(5, '3.12')}-slim\nCMD [\"python\",\"app.py\"]\n").dockerfile
    assert "FROM cgr.dev/chainguard/python:latest" in output


# --- N1, N2: a WORKDIR named through variables -------------------------------------------------------


@pytest.mark.parametrize(("head", "workdir", "copied"), [
    ("ARG NAME=app\nENV APP_HOME=/srv/${NAME}\n", "WORKDIR $APP_HOME", "/srv/${NAME}"),
    ("ARG BASE=/opt\nARG APP_HOME=${BASE}/app\n", "WORKDIR ${APP_HOME}", "${APP_HOME}"),
    ("ENV BASE=/opt\nENV APP_HOME=$BASE/app\n", "WORKDIR $APP_HOME", "/opt/app"),
])
def test_a_workdir_named_through_two_variables_is_copied_to_the_runtime(head: str, workdir: str,
                                                                        copied: str) -> None:
    output = migrate(f"FROM python:3.12-slim\n{head}{workdir}\nCOPY . .\nCMD [\"python\",\"app.py\"]\n").dockerfile
    runtime = final_stage(output)
    assert f"COPY --from=builder --chown=65532:65532 {copied} {copied}\n" in runtime
    assert f"WORKDIR {copied}\n" in runtime and "WORKDIR /$" not in runtime
    assert migrate(output).dockerfile == output


def test_an_arg_redefined_after_the_workdir_keeps_the_runtime_in_the_first_value() -> None:
    output = migrate("FROM python:3.12-slim\nARG APP_HOME=/app\nWORKDIR ${APP_HOME}\nCOPY . .\n"
                     "ARG APP_HOME=/other\nRUN mkdir -p $APP_HOME\nCMD [\"python\",\"app.py\"]\n").dockerfile
    runtime = final_stage(output)
    assert "WORKDIR /app\n" in runtime and "COPY --from=builder --chown=65532:65532 /app /app\n" in runtime
    assert "WORKDIR ${APP_HOME}" not in runtime


def test_an_env_naming_the_path_variable_is_left_as_written_in_a_baked_command() -> None:
    """`$PATH` is the image's: unknown here, so the ENV's value is not expanded to '/app/bin:'."""
    output = migrate("FROM python:3.12-slim\nENV PATH=/app/bin:$PATH\nWORKDIR /app\nCOPY . .\n"
                     "CMD [\"python\",\"app.py\"]\n").dockerfile
    assert "ENV PATH=/app/bin:$PATH" in final_stage(output)


# --- N9: heredoc bodies that a shell runs ----------------------------------------------------------------


@pytest.mark.parametrize("run", ["RUN cat <<EOF | sh", "RUN <<EOF sh -s --", "RUN <<EOF env bash",
                                 "RUN <<EOF sudo sh", "RUN <<EOF bash -o pipefail -s"])
def test_a_heredoc_fed_to_a_shell_is_translated_as_a_script(run: str) -> None:
    result = migrate(f"FROM debian:12\n{run}\napt-get install -y curl\nEOF\nCMD [\"curl\"]\n")
    assert "apk add --no-cache curl" in result.dockerfile and "apt-get" not in result.dockerfile
    assert any(f.code == "MIG301" for f in result.findings)


@pytest.mark.parametrize("run", ["RUN <<EOF cat > /etc/motd", "RUN <<EOF cat | tee /etc/motd",
                                 "RUN sh ./setup.sh <<EOF", "RUN <<EOF bash -c 'cat > /etc/motd'"])
def test_a_heredoc_a_command_reads_stays_data(run: str) -> None:
    output = migrate(f"FROM debian:12\n{run}\napt-get install -y curl\nEOF\nCMD [\"curl\"]\n").dockerfile
    assert "\napt-get install -y curl\nEOF\n" in output


# --- N8: package managers behind wrappers migrator does not know ------------------------------------


@pytest.mark.parametrize("run", [
    "su -c 'apt-get install -y curl'", "runuser -u root -- apt-get install -y curl", "chroot / apt-get install -y curl",
    "setpriv --reuid 0 apt-get install -y curl", "flock /tmp/l apt-get install -y curl",
    "fakeroot apt-get install -y curl", "eval apt-get install -y curl", "busybox sh -c 'apt-get install -y curl'",
    "doas apt-get install -y curl", "strace -f apt-get install -y curl",
    "sh -c 'apt-get install -y curl; echo `date +%F`(x)'",
])
def test_a_package_manager_behind_any_wrapper_is_an_error_finding(run: str) -> None:
    result = migrate(f"FROM debian:12\nRUN {run}\nCMD [\"curl\"]\n")
    assert [f for f in result.findings if f.code == "MIG310" and f.line == 2 and "apt-get" in f.message]


@pytest.mark.parametrize("run", ["echo apt-get install -y curl", "which apt-get", "rm -f /usr/bin/apt-get",
                                 "test -x /usr/bin/apt-get", "printf '%s\\n' 'apt-get install x'"])
def test_a_command_that_only_names_a_manager_gets_no_finding(run: str) -> None:
    result = migrate(f"FROM debian:12\nRUN {run}\nCMD [\"curl\"]\n")
    assert not [f for f in result.findings if f.code == "MIG310"]


# --- N10: shell-form ONBUILD CMD / ENTRYPOINT on a shell-less runtime ---------------------------------------


def test_a_plain_onbuild_cmd_gets_exec_form_in_the_runtime() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nONBUILD CMD python app.py --child\n"
                     "CMD [\"python\",\"app.py\"]\n")
    runtime = final_stage(result)
    assert 'ONBUILD CMD ["python", "app.py", "--child"]\n' in runtime and "ONBUILD CMD python" not in runtime
    assert any(f.code == "MIG525" for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_an_onbuild_entrypoint_that_needs_a_shell_is_dropped_with_a_warning() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nONBUILD ENTRYPOINT python app.py $ARGS\n"
                     "CMD [\"python\",\"app.py\"]\n")
    assert "ONBUILD" not in final_stage(result)
    assert [f for f in result.findings if f.code == "MIG525" and "ONBUILD ENTRYPOINT dropped" in f.message]


# --- N11: MIG307 says what was written ----------------------------------------------------------------------


def test_a_package_file_among_the_names_is_said_to_be_kept_in_the_apk_add() -> None:
    result = migrate('FROM debian:12\nRUN apt-get install -y /tmp/x.deb curl\nCMD ["curl"]\n')
    assert ("RUN", "apk add --no-cache /tmp/x.deb curl") in keywords(result.dockerfile)
    [mig307] = [f for f in result.findings if f.code == "MIG307"]
    assert "left as written" not in mig307.message and "kept in the `apk add`" in mig307.message


def test_a_dpkg_install_of_a_package_file_is_left_as_written_and_said_so() -> None:
    result = migrate('FROM debian:12\nRUN dpkg -i /tmp/x.deb\nCMD ["curl"]\n')
    assert ("RUN", "dpkg -i /tmp/x.deb") in keywords(result.dockerfile)
    assert [f for f in result.findings if f.code == "MIG307" and "left as written" in f.message]
