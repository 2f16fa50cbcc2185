"""A RUN whose heredocs are data, package managers the shell names at run time, ONBUILD triggers in a
distroless runtime (adversary round 3, /work/adversary3/REPORT.md: R1, the residue of N8 and N9, R5).
Each test migrates the reproduction end to end and reads what the user gets."""

from __future__ import annotations

import pytest
from migration_tools import codes, final_stage, migrate

from migrator.model import Severity
from migrator.parse.dockerfile import parse

# --- R1: a RUN that installs packages and writes a file from a heredoc -----------------------------------

NGINX_CONF = "server {\n    listen 8080;\n    root $DOC_ROOT;\n}\n"


@pytest.mark.parametrize(("run", "translated"), [
    ("RUN apt-get update && apt-get install -y nginx && cat <<EOF > /etc/nginx/conf.d/x.conf",
     "RUN apk add --no-cache nginx && cat <<EOF > /etc/nginx/conf.d/x.conf"),
    ("RUN cat <<EOF > /etc/nginx/conf.d/x.conf && apt-get update && apt-get install -y nginx",
     "RUN cat <<EOF > /etc/nginx/conf.d/x.conf && apk add --no-cache nginx"),
    ("RUN <<EOF cat > /etc/nginx/conf.d/x.conf && apt-get update && apt-get install -y nginx",
     "RUN <<EOF cat > /etc/nginx/conf.d/x.conf && apk add --no-cache nginx"),
    ("RUN <<EOF apt-get install -y nginx", "RUN <<EOF apk add --no-cache nginx"),
])
def test_the_command_line_of_a_data_heredoc_is_translated_and_the_body_kept(run: str, translated: str) -> None:
    source = f"FROM debian:12\n{run}\n{NGINX_CONF}EOF\nCMD [\"nginx\",\"-g\",\"daemon off;\"]\n"
    result = migrate(source)
    assert f"\n{translated}\n{NGINX_CONF}EOF\n" in result.dockerfile
    assert "apt-get" not in result.dockerfile
    assert "MIG301" in codes(result) and not codes(result, Severity.ERROR)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


@pytest.mark.parametrize(("run", "translated"), [
    ('RUN echo "<<EOF" && apt-get install -y curl && cat <<EOF > /f', 'RUN echo "<<EOF" && apk add --no-cache curl && cat <<EOF > /f'),
    ("RUN echo Don\\'t && apt-get install -y curl && cat << 'EOF' > /f",
     "RUN echo Don\\'t && apk add --no-cache curl && cat << 'EOF' > /f"),
    ("RUN apt-get install -y curl && cat 2<<EOF", "RUN apk add --no-cache curl && cat 2<<EOF"),
])
def test_the_heredocs_are_those_buildkit_reads(run: str, translated: str) -> None:
    """`<<EOF` in quotes opens no heredoc; `<< 'EOF'` and `2<<EOF` do (tests/parse/test_buildkit_reading.py)."""
    output = migrate(f"FROM debian:12\n{run}\nport=8000\nEOF\nCMD [\"curl\"]\n").dockerfile
    assert f"\n{translated}\nport=8000\nEOF\n" in output


def test_continued_lines_quoted_tab_stripped_heredocs_and_crlf_keep_their_bytes() -> None:
    source = ("FROM debian:12\r\nRUN apt-get update \\\r\n    && apt-get install -y --no-install-recommends curl \\\r\n"
              "    && cat <<-'CONF' > /etc/a.conf && cat <<B > /etc/b.conf\r\n\tkey=$HOME\r\n\tCONF\r\nb\r\nB\r\n"
              "CMD [\"curl\",\"-V\"]\r\n")
    output = migrate(source).dockerfile
    assert ("RUN apk add --no-cache curl \\\r\n    && cat <<-'CONF' > /etc/a.conf && cat <<B > /etc/b.conf\r\n"
            "\tkey=$HOME\r\n\tCONF\r\nb\r\nB\r\n") in output
    heredocs = [(h.delimiter, h.body) for i in parse(output).instructions for h in i.heredocs]
    assert heredocs == [("CONF", "\tkey=$HOME\r\n"), ("B", "b\r\n")]


def test_the_stage_knows_what_the_heredoc_run_installs() -> None:
    """The nginx of the CMD comes from that RUN: no MIG542 'must come from the packages ... (curl)'."""
    result = migrate(f"FROM debian:12\nRUN apt-get install -y nginx && cat <<EOF > /etc/nginx/x.conf\n{NGINX_CONF}EOF\n"
                     "RUN apt-get install -y curl\nCMD [\"nginx\",\"-g\",\"daemon off;\"]\n")
    assert not [f for f in result.findings if f.code == "MIG542" and "must come from" in f.message]


def test_a_command_removed_with_the_heredoc_it_reads_takes_the_body_along() -> None:
    """Dropping only `apt-get update` of `apt-get update <<EOF` would leave `RUN <<EOF`: the body run as a script."""
    source = "FROM debian:12\nRUN apt-get update <<EOF && apt-get install -y curl\nrm -rf /\nEOF\nCMD [\"curl\"]\n"
    result = migrate(source)
    assert result.dockerfile.splitlines()[1:] == ["RUN apk add --no-cache curl tzdata", 'CMD ["curl"]']


@pytest.mark.parametrize(("run", "code"), [("<<EOF useradd -m app", "MIG402"),
                                           ("<<EOF docker-php-ext-install pdo_mysql", "MIG411")])
def test_a_command_rewritten_with_the_heredoc_it_reads_leaves_the_run_as_written_and_says_so(run: str,
                                                                                               code: str) -> None:
    source = f"FROM php:8.2-cli\nRUN {run}\nbody\nEOF\nCMD [\"php\",\"-a\"]\n"
    result = migrate(source)
    assert f"\nRUN {run}\nbody\nEOF\n" in result.dockerfile
    assert [f.line for f in result.findings if f.code == code and "heredoc" in f.message] == [2]


PG_LIST = "deb http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main\n"


def test_a_heredoc_goes_with_the_command_that_reads_it_when_that_command_is_removed() -> None:
    """An apt source written from a heredoc is removed as `echo deb ... > x.list` is, body and delimiter too."""
    result = migrate(f"FROM debian:12\nRUN cat <<EOF > /etc/apt/sources.list.d/pg.list && apt-get update "
                     f"&& cat <<CONF > /etc/x.conf\n{PG_LIST}EOF\nk=v\nCONF\nCMD [\"curl\"]\n")
    assert "\nRUN cat <<CONF > /etc/x.conf\nk=v\nCONF\nCMD" in result.dockerfile
    assert "pgdg" not in result.dockerfile and "MIG312" in codes(result) and not codes(result, Severity.ERROR)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_a_run_that_only_writes_an_apt_source_from_a_heredoc_is_dropped() -> None:
    result = migrate(f"FROM debian:12\nRUN cat <<EOF > /etc/apt/sources.list.d/pg.list\n{PG_LIST}EOF\n"
                     "RUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n")
    assert result.dockerfile.splitlines()[1:] == ["RUN apk add --no-cache curl tzdata", 'CMD ["curl"]']


def test_a_package_list_in_the_body_is_an_error_not_silence() -> None:
    result = migrate("FROM debian:12\nRUN <<EOF xargs apt-get install -y\nnginx\ncurl\nEOF\nCMD [\"nginx\"]\n")
    assert "RUN <<EOF xargs apt-get install -y\nnginx\ncurl\nEOF\n" in result.dockerfile
    assert [f.line for f in result.findings if f.code == "MIG310" and "xargs" in f.message] == [2]


@pytest.mark.parametrize("run", ["RUN cat <<EOF | sh", "RUN <<EOF sh -s --", "RUN <<EOF", "RUN bash -e <<EOF",
                                 "RUN sh /dev/stdin <<EOF", "RUN <<EOF bash -"])
def test_heredocs_that_are_scripts_are_still_translated_as_scripts(run: str) -> None:
    output = migrate(f"FROM debian:12\n{run}\napt-get update\napt-get install -y curl\nEOF\nCMD [\"curl\"]\n").dockerfile
    assert f"{run}\napk add --no-cache curl\nEOF\n" in output


@pytest.mark.parametrize(("run", "translated"), [
    ("RUN apt-get update && apt-get install -y curl && cat <<EOF | sh", "RUN apk add --no-cache curl && cat <<EOF | sh"),
    ("RUN apt-get update && apt-get install -y curl && bash <<EOF",
     "RUN apk add --no-cache curl bash && bash <<EOF"),
    ("RUN apt-get update; sh -e <<EOF", "RUN sh -e <<EOF"),
    ('RUN echo "a; b && c" 2>&1 && bash <<EOF', 'RUN echo "a; b && c" 2>&1 && apk add --no-cache bash && bash <<EOF'),
    ("RUN cat <<EOF | sh -e \\\n  -s", "RUN cat <<EOF | sh -e \\\n  -s"),
])
def test_a_shell_that_is_one_command_of_several_runs_its_heredoc_as_a_script(run: str, translated: str) -> None:
    """Both are translated: the command line, and the body the shell runs."""
    result = migrate(f"FROM debian:12\n{run}\napt-get install -y git\nEOF\nCMD [\"curl\"]\n")
    assert f"\n{translated}\napk add --no-cache git\nEOF\n" in result.dockerfile
    assert "apt-get" not in result.dockerfile and not codes(result, Severity.ERROR)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_a_data_heredoc_and_a_script_heredoc_in_one_run() -> None:
    result = migrate("FROM debian:12\nRUN cat <<CONF > /etc/x.conf && bash -s <<EOF\napt-get install -y curl\nCONF\n"
                     "apt-get install -y git\nEOF\nCMD [\"git\"]\n")
    assert ("\nRUN cat <<CONF > /etc/x.conf && apk add --no-cache bash && bash -s <<EOF\napt-get install -y curl\nCONF\n"
            "apk add --no-cache git\nEOF\n") in result.dockerfile


# --- N8: a package manager named by an expansion -------------------------------------------------------


@pytest.mark.parametrize(("run", "how"), [
    ("A=apt-get; $A install -y curl", "variable `A`"),
    ('export PM="apt-get" && "$PM" install -y curl', "variable `PM`"),
    ("$(echo apt-get) install -y curl", "built by the shell"),
    ("`command -v apt-get` install -y curl", "built by the shell"),
    ("apt-get${IFS}install -y curl", "built by the shell"),
    ("${PM:-apt-get} install -y curl", "built by the shell"),
])
def test_a_package_manager_the_shell_names_at_run_time_is_an_error(run: str, how: str) -> None:
    result = migrate(f"FROM debian:12\nRUN {run}\nCMD [\"curl\"]\n")
    errors = [f for f in result.findings if f.code == "MIG310" and f.line == 2]
    assert errors and how in errors[0].message and "apt-get does not exist in Wolfi" in errors[0].message


def test_a_package_manager_named_by_an_env_of_the_stage_is_an_error() -> None:
    result = migrate("FROM debian:12\nENV PM=apt-get\nRUN $PM install -y curl\nCMD [\"curl\"]\n")
    assert [f.line for f in result.findings if f.code == "MIG310"] == [3]


@pytest.mark.parametrize(("run", "translated"), [
    ("$SUDO apt-get update && $SUDO apt-get install -y curl", "apk add --no-cache curl"),
    ('"${SUDO}" env DEBIAN_FRONTEND=noninteractive apt-get install -y curl', "apk add --no-cache curl"),
    ("$SUDO useradd -m app", "adduser -D app"),
])
def test_a_variable_in_front_of_a_package_manager_is_a_wrapper_like_sudo(run: str, translated: str) -> None:
    """`$SUDO apt-get ...` (sudo, or nothing when the build runs as root) stayed as written, with no finding."""
    output = migrate(f"FROM debian:12\nRUN {run}\nCMD [\"curl\"]\n").dockerfile
    assert f"\nRUN {translated}\n" in output.replace(" tzdata\n", "\n")  # (debian:12 carried tzdata, MIG317)


@pytest.mark.parametrize("run", ["A=make; $A install", "$HOME/bin/setup --apt", "$(which python3) -m pip install x"])
def test_other_programs_named_by_expansions_are_not_flagged(run: str) -> None:
    result = migrate(f"FROM python:3.12-slim\nRUN {run}\nCMD [\"python\"]\n")
    assert "MIG310" not in codes(result)


def test_a_redirect_before_the_command_name_does_not_hide_the_command() -> None:
    """`<<EOF apt-get ...` is read as `<file apt-get ...`: the same holds for any redirect in front."""
    result = migrate("FROM debian:12\nRUN 2>/dev/null apt-get update && </dev/null apt-get install -y curl\n"
                     "CMD [\"curl\"]\n")
    assert "\nRUN </dev/null apk add --no-cache curl\n" in result.dockerfile


# --- R5: ONBUILD triggers in a distroless runtime ---------------------------------------------------------


def onbuild_app(trigger: str) -> str:
    return f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{trigger}\nCMD [\"python\",\"app.py\"]\n"


@pytest.mark.parametrize("trigger", [
    'ONBUILD RUN ["apt-get","install","-y","libpq5"]', 'ONBUILD RUN ["/usr/sbin/useradd","app"]',
    'ONBUILD RUN ["sh","-c","pip install -r requirements.txt"]', 'ONBUILD ENTRYPOINT ["/bin/bash","start.sh"]',
    'ONBUILD CMD ["sh","-c","exec python $APP"]', "ONBUILD RUN apt-get install -y libpq5",
])
def test_a_trigger_the_distroless_runtime_cannot_run_is_dropped_and_said(trigger: str) -> None:
    result = migrate(onbuild_app(trigger))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n") and "ONBUILD" not in runtime
    assert [f.line for f in result.findings if f.code == "MIG525" and "no longer run" in f.message] == [4]


def test_a_shell_c_start_trigger_of_plain_words_is_written_in_exec_form() -> None:
    result = migrate(onbuild_app('ONBUILD ENTRYPOINT ["sh","-c","python app.py"]'))
    assert '\nONBUILD ENTRYPOINT ["python", "app.py"]\n' in final_stage(result)
    assert any(f.code == "MIG525" and f.line == 4 for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


@pytest.mark.parametrize("check", ["CMD curl -f http://localhost:8000/ || exit 1",
                                   '--interval=30s CMD ["curl","-f","http://localhost:8000/"]'])
def test_a_health_check_trigger_is_ported_like_the_runtime_s_own(check: str) -> None:
    result = migrate(onbuild_app(f"ONBUILD HEALTHCHECK {check}"))
    runtime = final_stage(result)
    trigger = next(line for line in runtime.splitlines() if line.startswith("ONBUILD HEALTHCHECK"))
    assert "curl" not in trigger and 'CMD ["python3", "-c", ' in trigger and "http://localhost:8000/" in trigger
    assert ("--interval=30s" in trigger) == ("--interval" in check)
    assert any(f.code == "MIG552" and f.message.startswith("ONBUILD HEALTHCHECK") for f in result.findings)
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_a_health_check_trigger_that_cannot_be_ported_is_removed_and_said() -> None:
    result = migrate(onbuild_app("ONBUILD HEALTHCHECK CMD pgrep python || exit 1"))
    assert "HEALTHCHECK" not in final_stage(result)
    assert [f.line for f in result.findings if f.code == "MIG510" and f.message.startswith("ONBUILD")] == [4]


@pytest.mark.parametrize("trigger", ['ONBUILD RUN ["python","-m","compileall","."]', "ONBUILD COPY . /app",
                                     'ONBUILD CMD ["python","app.py"]', "ONBUILD HEALTHCHECK NONE"])
def test_triggers_the_runtime_can_run_are_kept_as_written(trigger: str) -> None:
    assert f"\n{trigger}\n" in final_stage(migrate(onbuild_app(trigger)).dockerfile)


@pytest.mark.parametrize("trigger", ["ONBUILD RUN apt-get install -y libpq5", 'ONBUILD RUN ["yum","install","-y","x"]',
                                     "ONBUILD RUN <<EOF\napt-get install -y libpq5\nEOF",
                                     "ONBUILD RUN su -c 'apt-get install -y libpq5'"])
def test_a_package_manager_trigger_kept_in_a_wolfi_image_with_a_shell_is_an_error(trigger: str) -> None:
    result = migrate(f"FROM debian:12\nRUN apt-get update && apt-get install -y curl\n{trigger}\nCMD [\"bash\"]\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n") and trigger in result.dockerfile
    errors = [f for f in result.findings if f.code == "MIG310" and f.message.startswith("`ONBUILD RUN")]
    assert [f.line for f in errors] == [3]


def test_other_triggers_kept_in_a_wolfi_image_are_not_errors() -> None:
    result = migrate("FROM debian:12\nONBUILD RUN echo hi\nONBUILD COPY . /app\nCMD [\"bash\"]\n")
    assert not codes(result, Severity.ERROR) and "MIG102" in codes(result)


@pytest.mark.parametrize("run", [
    "RUN cat <<'EOF' > /usr/local/bin/setup.sh && chmod +x /usr/local/bin/setup.sh && /usr/local/bin/setup.sh",
    "RUN cat > /setup.sh <<EOF && sh /setup.sh", "RUN tee /x.sh <<EOF >/dev/null && bash /x.sh",
])
def test_a_script_written_from_a_heredoc_and_run_is_an_error_when_it_runs_apt_get(run: str) -> None:
    source = f"FROM debian:12\n{run}\napt-get update && apt-get install -y curl\nEOF\nCMD [\"curl\"]\n"
    result = migrate(source)
    assert "\napt-get update && apt-get install -y curl\nEOF\n" in result.dockerfile  # a file's text: not edited
    assert [f.line for f in result.findings if f.code == "MIG310" and "<<EOF is a shell script" in f.message] == [3]


def test_a_script_with_a_shebang_written_for_later_is_an_error_too() -> None:
    result = migrate("FROM debian:12\nRUN cat <<'EOF' > /entry.sh\n#!/bin/sh\napt-get install -y curl\nEOF\n"
                     "CMD [\"/entry.sh\"]\n")
    assert [f.line for f in result.findings if f.code == "MIG310" and "shell script" in f.message] == [3]


@pytest.mark.parametrize("run", ["RUN cat <<EOF > /etc/motd", "RUN cat <<EOF > /x.sh && cat /x.sh"])
def test_text_that_mentions_apt_get_and_is_not_run_is_no_error(run: str) -> None:
    result = migrate(f"FROM debian:12\n{run}\napt-get install -y curl\nEOF\nCMD [\"bash\"]\n")
    assert "MIG310" not in codes(result)


def test_a_removal_next_to_a_kept_heredoc_leaves_its_marker_a_word_of_its_own() -> None:
    """Removing ` && cat <<EOF2 > x.list` before `;` would make `<<"EOF";`: BuildKit reads a heredoc `EOF;`."""
    source = ("FROM debian:12\nRUN cat > /x.conf <<\"EOF\" && \\\n    cat <<EOF2 > /etc/apt/sources.list.d/x.list; "
              "echo done\nk=v\nEOF\ndeb http://x bookworm main\nEOF2\nCMD [\"bash\"]\n")
    output = migrate(source).dockerfile
    assert '\nRUN cat > /x.conf <<"EOF" ; echo done\nk=v\nEOF\nCMD' in output
    assert [(h.delimiter, h.body) for i in parse(output).instructions for h in i.heredocs] == [("EOF", "k=v\n")]


def test_a_command_replaced_by_true_takes_its_heredoc_along() -> None:
    source = ("FROM debian:12\nRUN apt-get install -y curl && cat > /x.conf <<EOF || cat <<EOF2 > /etc/apt/sources.list.d/x.list"
              "\nk=v\nEOF\ndeb http://x bookworm main\nEOF2\nCMD [\"curl\"]\n")
    output = migrate(source).dockerfile
    assert "\nRUN apk add --no-cache curl && cat > /x.conf <<EOF || true\nk=v\nEOF\nCMD" in output


def test_a_kept_run_names_the_package_manager_behind_sudo() -> None:
    result = migrate("FROM debian:12\nRUN <<EOF sudo useradd -m app && sudo apt-get install -y curl\nEOF\n"
                     "CMD [\"curl\"]\n")
    assert [f.line for f in result.findings if f.code == "MIG310" and "apt-get does not exist" in f.message] == [2]
