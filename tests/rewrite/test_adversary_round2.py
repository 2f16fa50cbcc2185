"""The second adversarial round's wrong outputs (/work/adversary/REPORT.md, A and D): each test is the
reproduction, migrated end to end (migrator.api.migrate_text)."""

from __future__ import annotations

from migration_tools import final_stage, keywords, migrate

from migrator.parse.dockerfile import parse

# --- A2: no final newline ---------------------------------------------------------------------------


def test_what_is_appended_after_a_last_line_without_newline_starts_a_line_of_its_own() -> None:
    output = migrate('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node","server.js"]').dockerfile
    assert ("RUN", "npm prune --omit=dev") in keywords(output)
    assert 'CMD ["node","server.js"]\n' in output and "]RUN" not in output
    assert not output.endswith("\n")  # the output ends as the input did
    assert migrate(output).dockerfile == output


def test_an_env_last_line_and_a_volume_do_not_glue() -> None:
    output = migrate("FROM python:3.12-slim\nVOLUME /data\nENV A=1").dockerfile
    assert ("ENV", "A=1") in keywords(output) and ("RUN", "mkdir -p /data") in keywords(output)
    assert not parse(output).problems


def test_crlf_file_without_final_newline_gets_crlf() -> None:
    output = migrate('FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm ci\r\nCMD ["node","server.js"]').dockerfile
    assert 'RUN npm prune --omit=dev\r\nCMD ["node","server.js"]\r\n' in output  # (before the start line)
    assert "\n" not in output.replace("\r\n", "")


def test_an_untouched_file_without_final_newline_stays_so() -> None:
    text = "FROM cgr.dev/chainguard/python:latest\nCMD [\"app.py\"]"  # (python's entrypoint starts app.py)
    assert migrate(text).dockerfile == text


# --- D3: paths with spaces, quotes or '#' in the runtime's COPY lines ----------------------------------


def runtime_copies(output: str) -> list[str]:
    runtime = final_stage(output)
    # (not the zone files from static, MIG317)
    return [line for line in runtime.splitlines()
            if line.startswith("COPY --from=") and not line.startswith("COPY --from=cgr.dev/")]


def test_a_workdir_with_a_space_is_copied_as_one_path() -> None:
    """`COPY --from=builder /my app /my app` is four words: three sources and a destination `app`."""
    output = migrate('FROM python:3.12-slim\nWORKDIR "/my app"\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'CMD ["python","app.py"]\n').dockerfile
    assert 'COPY --from=builder --chown=65532:65532 ["/my app", "/my app"]' in runtime_copies(output)
    assert migrate(output).dockerfile == output


def test_a_hash_in_a_workdir_is_part_of_the_path() -> None:
    """Docker has no comment after an instruction: the directory is `/usr/src/app # the app`."""
    output = migrate('FROM python:3.12-slim\nWORKDIR /usr/src/app # the app\nCOPY . .\n'
                     'RUN pip install -r requirements.txt\nCMD ["python","app.py"]\n').dockerfile
    assert ('COPY --from=builder --chown=65532:65532 ["/usr/src/app # the app", "/usr/src/app # the app"]'
            in runtime_copies(output))


def test_an_exec_form_argument_with_a_space_is_one_path() -> None:
    """`CMD ["python", "/srv/my dir/my app.py"]` made up a copy of `/srv/my`."""
    output = migrate('FROM python:3.12-slim\nCOPY ["my app.py", "/srv/my dir/"]\nRUN pip install flask\n'
                     'CMD ["python","/srv/my dir/my app.py"]\n').dockerfile
    assert runtime_copies(output) == ["COPY --from=builder /opt/venv /opt/venv",
                                      'COPY --from=builder ["/srv/my dir/my app.py", "/srv/my dir/my app.py"]']


# --- D4: the final stage's --platform -----------------------------------------------------------------


def from_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FROM ")]


def test_the_runtime_stage_is_for_the_platform_the_original_named() -> None:
    """An amd64 venv (compiled wheels) was copied into a runtime for the build host's platform."""
    result = migrate('FROM --platform=linux/amd64 python:3.12-slim\nCOPY . /app\n'
                     'RUN pip install -r /app/requirements.txt\nCMD ["python","/app/app.py"]\n')
    assert from_lines(result.dockerfile) == ["FROM --platform=linux/amd64 cgr.dev/chainguard/python:latest-dev AS builder",
                                             "FROM --platform=linux/amd64 cgr.dev/chainguard/python:latest"]
    assert any(f.code == "MIG501" and "--platform=linux/amd64" in f.message for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_a_final_stage_built_from_a_stage_has_that_stage_s_platform() -> None:
    output = migrate('FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nFROM base\nWORKDIR /src\nCOPY . .\n'
                     'RUN go build -o /app .\nCMD ["/app"]\n').dockerfile
    assert from_lines(output)[-1] == "FROM --platform=$BUILDPLATFORM cgr.dev/chainguard/glibc-dynamic:latest"


def test_no_platform_is_added_where_the_original_had_none() -> None:
    output = migrate('FROM python:3.12-slim\nCOPY . /app\nCMD ["python","/app/app.py"]\n').dockerfile
    assert not any("--platform" in line for line in from_lines(output))


# --- D11: paths a build argument makes ------------------------------------------------------------------


def test_a_path_made_by_a_build_argument_keeps_the_argument_in_the_runtime() -> None:
    """`--build-arg APP_HOME=/srv` built the app into /srv; the runtime copied /app, which did not exist."""
    output = migrate('FROM python:3.12-slim\nARG APP_HOME=/app\nWORKDIR ${APP_HOME}\nCOPY . .\nCOPY conf/ /etc/app/\n'
                     'WORKDIR sub\nRUN pip install -r requirements.txt\nCMD ["python","app.py"]\n').dockerfile
    runtime = final_stage(output).splitlines()
    assert runtime.index("ARG APP_HOME=/app") < runtime.index("WORKDIR ${APP_HOME}/sub")
    assert "COPY --from=builder ${APP_HOME} ${APP_HOME}" in runtime
    assert "COPY --from=builder /etc/app /etc/app" in runtime  # written as a path: stays one
    assert migrate(output).dockerfile == output


def test_an_env_of_the_same_name_fixes_the_value() -> None:
    """ENV wins over ARG: the value is the ENV's whatever --build-arg says."""
    output = migrate('FROM python:3.12-slim\nARG APP_HOME=/app\nENV APP_HOME=/app\nWORKDIR ${APP_HOME}\nCOPY . .\n'
                     'RUN pip install -r requirements.txt\nCMD ["python","app.py"]\n').dockerfile
    assert "COPY --from=builder --chown=65532:65532 /app /app" in final_stage(output)


# --- D12: ONBUILD in the final stage ----------------------------------------------------------------------


def test_onbuild_triggers_of_the_final_stage_are_in_the_runtime_image() -> None:
    """The warning said 'kept'; the runtime stage had no ONBUILD, so images built FROM it lost the trigger."""
    result = migrate('FROM python:3.12-slim\nRUN pip install flask\nONBUILD COPY . /app\n'
                     'ONBUILD RUN pip install -r /app/requirements.txt\nONBUILD RUN ["/opt/venv/bin/pip", "check"]\n'
                     'CMD ["python","-m","flask","run"]\n')
    runtime = final_stage(result).splitlines()
    assert [line for line in runtime if line.startswith("ONBUILD")] == [
        "ONBUILD COPY . /app", 'ONBUILD RUN ["/opt/venv/bin/pip", "check"]']
    [dropped] = [f for f in result.findings if f.code == "MIG525"]  # the shell-form RUN: no shell to run it
    assert dropped.line == 4 and "no longer run this trigger" in dropped.message
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


# --- D5: package managers behind a wrapper ------------------------------------------------------------


def run_line(result_text: str) -> str:
    """The first RUN line but the one that installs debian:12's time zone database (MIG317)."""
    return next(line for line in result_text.splitlines()
                if line.startswith("RUN ") and line != "RUN apk add --no-cache tzdata")


def test_a_package_manager_behind_a_wrapper_is_translated() -> None:
    """`env DEBIAN_FRONTEND=noninteractive apt-get install` (a common form), `timeout`, `nice`, `exec`
    were left as they were, with no finding: the build failed on Wolfi, which has no apt-get."""
    for wrapped, expected in [
        ("env DEBIAN_FRONTEND=noninteractive apt-get install -y curl", "RUN env apk add --no-cache curl"),
        ("timeout -s KILL 600 apt-get install -y curl", "RUN timeout -s KILL 600 apk add --no-cache curl"),
        ("nice -n 10 apt-get install -y curl", "RUN nice -n 10 apk add --no-cache curl"),
        ("exec apt-get install -y curl", "RUN exec apk add --no-cache curl"),
        ("sudo --preserve-env=http_proxy --user root apt-get install -y curl", "RUN apk add --no-cache curl tzdata"),
    ]:
        result = migrate(f"FROM debian:12\nRUN {wrapped}\n")
        assert run_line(result.dockerfile) == expected
        assert [f.code for f in result.findings if f.line == 2] == ["MIG301"]


def test_a_package_manager_run_where_it_cannot_be_rewritten_is_an_error() -> None:
    for hidden, how in [('sh -c "apt-get install -y curl"', "`sh -c`"),
                        ("bash -c 'apt-get update && env A=1 apt-get install -y curl'", "`bash -c`"),
                        ("xargs -r apt-get install -y < /tmp/packages.txt", "`xargs`")]:
        result = migrate(f"FROM debian:12\nRUN {hidden}\n")
        [error] = [f for f in result.findings if f.code == "MIG310"]
        assert error.line == 2 and f"runs apt-get through {how}" in error.message
        assert error.severity.value == "error"


def test_a_lookup_and_other_commands_are_not_wrapped_managers() -> None:
    result = migrate('FROM debian:12\nRUN sh -c "echo hi" && xargs -n1 echo < f && timeout 5 true\n')
    assert not any(f.code == "MIG310" for f in result.findings)


# --- D7: a heredoc that a command reads -----------------------------------------------------------------


def test_a_heredoc_a_command_reads_is_data() -> None:
    """`RUN <<EOF cat > steps.txt` wrote `apk add --no-cache curl` into the user's document."""
    text = "FROM python:3.12-slim\nRUN <<EOF cat > /usr/share/doc/app/steps.txt\napt-get install -y curl\nEOF\n"
    result = migrate(text)
    assert "RUN <<EOF cat > /usr/share/doc/app/steps.txt\napt-get install -y curl\nEOF\n" in result.dockerfile
    assert not any(f.code == "MIG301" for f in result.findings)


def test_a_heredoc_a_shell_reads_is_a_script() -> None:
    for command in ("<<EOF", "bash -o pipefail <<EOF", "<<EOF sh -e"):
        result = migrate(f"FROM debian:12\nRUN {command}\napt-get install -y curl\nEOF\n")
        assert "apk add --no-cache curl\n" in result.dockerfile, command


def test_generated_shell_commands_quote_a_path_with_a_space() -> None:
    """`RUN mkdir -p /my data` made /my and data, and the runtime's copy of "/my data" failed (D3's kin)."""
    output = migrate('FROM python:3.12-slim\nWORKDIR "/my app"\nVOLUME ["/my data"]\nCOPY . .\n'
                     'RUN pip install -r requirements.txt\nUSER nobody\nCMD ["python","app.py"]\n').dockerfile
    assert 'RUN mkdir -p "/my data"\n' in output
    assert 'COPY --from=builder --chown=65532:65532 ["/my data", "/my data"]' in runtime_copies(output)
    node = migrate('FROM node:20\nWORKDIR "/srv/my app"\nCOPY . .\nRUN npm ci\nWORKDIR /\n'
                   'CMD ["node","/srv/my app/server.js"]\n').dockerfile
    assert 'RUN cd "/srv/my app" && npm prune --omit=dev\n' in node
