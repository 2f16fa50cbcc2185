"""Issue 9 ("runnable by construction"), two silent defects: files a final-stage RUN writes outside the
copied app directory were lost in the split runtime without a word, and a script written into the image
with `COPY <<EOF` and run later was never read."""

from __future__ import annotations

import pytest
from migration_tools import errors, final_stage, lost, migrate

_PYTHON = "FROM python:3.12-slim\nWORKDIR /app\n"
_END = "COPY . .\nCMD [\"python\",\"app.py\"]\n"


def test_a_file_a_run_writes_outside_the_app_is_copied_to_the_runtime() -> None:
    result = migrate(_PYTHON + "RUN echo k=v > /etc/app.conf\n" + _END)
    assert "RUN echo k=v > /etc/app.conf\n" in result.dockerfile  # the builder keeps the line byte for byte
    assert "COPY --from=builder /etc/app.conf /etc/app.conf\n" in final_stage(result)
    assert lost(result) == ""


def test_tee_sed_and_cp_destinations_are_carried_too() -> None:
    result = migrate(_PYTHON + "RUN echo hi | tee -a /srv/note.txt && sed -i 's/a/b/' /etc/foo.conf\n"
                     "RUN cp /app/tool.sh /usr/local/bin\n" + _END)
    final = final_stage(result)
    for path in ("/srv/note.txt", "/etc/foo.conf"):
        assert f"COPY --from=builder {path} {path}\n" in final
    # a program put on PATH that the command does not start is named, never the -dev image's whole directory
    assert "/usr/local/bin" not in final and "/usr/local/bin/tool.sh" in lost(result)


def test_a_link_is_named_not_copied() -> None:
    result = migrate(_PYTHON + "RUN ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime\n" + _END)
    assert "/etc/localtime" in lost(result)
    assert "/etc/localtime" not in final_stage(result)


def test_system_paths_the_runtime_has_its_own_of_are_not_listed() -> None:
    result = migrate(_PYTHON + "RUN useradd app && echo 'alias ll=ls' >> /root/.bashrc && echo x > /tmp/x "
                     "&& apt-get update > /dev/null && echo 'deb http://x y z' > /etc/apt/sources.list.d/x.list\n"
                     + _END)
    assert lost(result) == ""
    final = final_stage(result)
    assert "/etc/passwd" not in final and "/tmp/x" not in final and "/etc/apt" not in final


def test_a_written_file_a_later_step_reads_or_removes_is_a_build_input() -> None:
    result = migrate(_PYTHON + "RUN echo x > /opt/list.txt && pip install -r /opt/list.txt\n"
                     "RUN echo y > /etc/gone.conf && rm -f /etc/gone.conf\n" + _END)
    final = final_stage(result)
    assert "/opt/list.txt" not in final and "/etc/gone.conf" not in final
    assert lost(result) == ""


_SCRIPT = "COPY <<EOF /setup\n#!/bin/sh\napt-get install -y curl\nEOF\n"


def test_a_script_written_by_a_copy_heredoc_is_translated_where_a_run_runs_it() -> None:
    for run in ("RUN sh /setup\n", "RUN bash /setup\n", "RUN chmod +x /setup && /setup\n",
                "RUN --mount=type=cache,target=/var/cache/apt /setup\n"):
        result = migrate("FROM debian:12\n" + _SCRIPT + run)
        assert "COPY <<EOF /setup\n#!/bin/sh\napk add --no-cache curl\nEOF\n" in result.dockerfile, run
        assert result.dockerfile.endswith(run.split(" ", 1)[1])  # the RUN runs it as written
        assert errors(result, "MIG415") == [] and "MIG301" in {f.code for f in result.findings}, run
    # the shell the script runs with is installed before it runs, not by the script
    bash = migrate("FROM debian:12\n" + _SCRIPT + "RUN bash /setup\n").dockerfile
    assert bash.endswith("\nEOF\nRUN apk add --no-cache bash && bash /setup\n")


def test_a_heredoc_script_keeps_its_other_lines_and_the_runtime_gets_its_libraries() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY <<-EOF /usr/local/bin/setup\n\t#!/bin/sh\n\tset -e\n"
                     "\tapt-get update\n\tapt-get install -y --no-install-recommends libpq5 # pg\n\techo done\nEOF\n"
                     "RUN chmod +x /usr/local/bin/setup && /usr/local/bin/setup\n" + _END)
    assert ("COPY <<-EOF /usr/local/bin/setup\n\t#!/bin/sh\n\tset -e\n\tapk add --no-cache libpq # pg\n"
            "\techo done\nEOF\n") in result.dockerfile
    assert "USER root\n" in result.dockerfile  # the script installs packages: the -dev builder runs it as root
    assert "/runtime-libs/" in final_stage(result)  # libpq's libraries reach the distroless runtime


def test_a_heredoc_script_that_cannot_be_translated_is_an_error_naming_its_line() -> None:
    result = migrate("FROM debian:12\nCOPY <<EOF /setup.sh\n#!/bin/sh\ndpkg -i /tmp/x.deb\nEOF\nRUN sh /setup.sh\n")
    [message] = errors(result, "MIG415")
    assert "written by the COPY heredoc on line 2" in message and "dpkg" in message


def test_a_heredoc_script_without_a_package_manager_is_left_alone() -> None:
    text = "FROM debian:12\nCOPY <<EOF /setup.sh\n#!/bin/sh\necho hi\nEOF\nRUN sh /setup.sh\n"
    result = migrate(text)
    assert errors(result, "MIG415") == [] and text.split("\n", 1)[1] in result.dockerfile


def test_a_final_stage_run_that_writes_a_file_is_not_dropped_as_an_install_the_runtime_has() -> None:
    build = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nFROM alpine:3.20\n"
    end = "COPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n"
    result = migrate(build + "RUN apk add --no-cache ca-certificates && echo k=v > /etc/app.conf\n" + end)
    assert "echo k=v > /etc/app.conf" in result.dockerfile
    assert "COPY --from=builder /etc/app.conf /etc/app.conf\n" in final_stage(result)
    assert "MIG526" not in {f.code for f in result.findings}
    dropped = migrate(build + "RUN apk add --no-cache ca-certificates > /dev/null\n" + end)  # no file: still dropped
    assert "MIG526" in {f.code for f in dropped.findings} and "apk" not in dropped.dockerfile


def test_a_file_written_on_a_condition_or_after_cd_to_a_relative_path_is_not_copied() -> None:
    result = migrate(_PYTHON + "RUN if [ -n \"$X\" ]; then echo x > /etc/maybe.conf; fi\n"
                     "RUN test -f /x || cp /app/a.conf /etc/other.conf\n"
                     "RUN cd /usr/src && echo building > log && cd / && echo k=v > /etc/sure.conf\n"
                     "RUN echo y > /etc/hosts\n" + _END)
    final = final_stage(result)
    assert "COPY --from=builder /etc/sure.conf /etc/sure.conf\n" in final
    for path in ("/etc/maybe.conf", "/etc/other.conf", "/log", "/app/log", "/etc/hosts"):
        assert f" {path} " not in final


def test_a_file_written_by_a_copy_heredoc_in_the_final_stage_reaches_the_runtime() -> None:
    result = migrate(_PYTHON + "COPY <<EOF /etc/app.conf\nk=v\nEOF\nCOPY <<A <<B /etc/more/\n1\nA\n2\nB\n" + _END)
    final = final_stage(result)
    assert "COPY --from=builder /etc/app.conf /etc/app.conf\n" in final
    assert "/etc/more/A" in final and "/etc/more/B" in final


# --- one reader of cp/mv/install/ln (plan/copy_commands): the crude reader uncarried had lost
# `cp -t /etc app.conf` silently, copied `install -d`'s last directory as a file and took an operand after
# `--` for an option

def _run(run: str) -> str:
    return _PYTHON + f"RUN {run}\n" + _END


@pytest.mark.parametrize("run, written", [
    ("cp -t /etc app.conf", "/etc/app.conf"),  # -t DIR: was lost without a word
    ("cp --target-directory=/etc/app app.conf", "/etc/app/app.conf"),
    ("cp -T defaults /etc/x", "/etc/x"),  # -T: the destination is the file itself
    ("cp -- -odd.conf /etc/odd.conf", "/etc/odd.conf"),  # after `--` an operand, not an option
    ("install -m 0644 -o root app.conf /etc/", "/etc/app.conf"),  # valued options, into a directory
    ("cd /tmp && cp /app/app.conf /etc/", "/etc/app.conf"),  # after cd: an absolute destination is known
])
def test_the_file_a_copy_command_writes_reaches_the_runtime(run: str, written: str) -> None:
    result = migrate(_run(run))
    assert f"COPY --from=builder {written} {written}\n" in final_stage(result)
    assert written not in lost(result)


def test_install_d_makes_directories_not_a_file() -> None:
    result = migrate(_run("install -d -m 0755 /srv/data /srv/logs"))
    final = final_stage(result)
    # like `mkdir`: both directories, where the old reader copied only the last, as the file it wrote
    assert "COPY --from=builder --chown=65532:65532 /srv/data /srv/data\n" in final
    assert "COPY --from=builder --chown=65532:65532 /srv/logs /srv/logs\n" in final


def test_install_of_a_program_on_path_is_still_named() -> None:
    result = migrate(_run("install -m 0755 tool.sh /usr/local/bin/tool"))
    assert "/usr/local/bin" not in final_stage(result)  # never the -dev image's directory
    assert "/usr/local/bin/tool" in lost(result)


def test_a_link_into_a_directory_names_the_link_not_the_directory() -> None:
    message = lost(migrate(_run("ln -s /app/tool.sh /usr/local/bin/")))
    assert "/usr/local/bin/tool.sh" in message and "/usr/local/bin," not in message


def test_sed_in_place_with_a_suffix_still_writes_its_file() -> None:
    result = migrate(_run("sed -i.old -e s/a/b/ /etc/foo.conf"))
    assert "COPY --from=builder /etc/foo.conf /etc/foo.conf\n" in final_stage(result)


@pytest.mark.parametrize("run", ["cp /app/a.conf /etc/a.conf || true", "[ -f a.conf ] && cp a.conf /etc/a.conf; true"])
def test_a_file_copied_on_a_condition_is_not_copied_to_the_runtime(run: str) -> None:
    # it may not be in the builder: a COPY --from of it would fail the build
    assert " /etc/a.conf " not in final_stage(migrate(_run(run)))


def test_a_file_copied_after_a_test_that_ends_the_run_is_copied() -> None:
    # `[ -f a.conf ] && cp ...` last in the RUN: had the test failed, the RUN (and the build) would have
    assert "COPY --from=builder /etc/a.conf /etc/a.conf\n" in final_stage(migrate(_run("[ -f a.conf ] && cp a.conf /etc/a.conf")))
