"""Issue 9 ("runnable by construction"), fifth adversarial round: every `COPY --from` the runtime stage
writes names a path the builder has. Argument paths of the start command the app writes at run time, build
output removed after it was installed, COPY heredoc destinations with quoting, files written at a path
spelled with the stage's variables, and the cost of finding written files."""

from __future__ import annotations

import time

from migration_tools import builder_stage, final_stage, lost, migrate

from migrator.api import migrate_text
from migrator.model import Result


def runtime_sources(result: Result) -> list[str]:
    """The paths the runtime copies from the builder (not the zone files from static, MIG317)."""
    return [line.split()[-2] for line in final_stage(result).splitlines()
            if line.startswith("COPY --from=") and not line.startswith("COPY --from=cgr.dev/")]


# B1: the start command's argument paths


def test_a_file_the_app_writes_at_run_time_is_not_copied_its_directory_is_made_its_own() -> None:
    result = migrate('FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n'
                     'CMD ["node","server.js","--db","/data/app.db"]\n')
    assert "/data/app.db" not in runtime_sources(result)
    assert "RUN mkdir -p /data\n" in builder_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /data /data\n" in final_stage(result)


def test_a_log_file_argument_is_not_copied_and_a_read_file_option_makes_nothing_writable() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'CMD ["python","app.py","--log-file","/var/log/app.log","--log-config","/etc/app/log.yml"]\n')
    sources = runtime_sources(result)
    assert "/var/log/app.log" not in sources and "/etc/app/log.yml" not in sources and "/etc/app" not in sources
    assert "COPY --from=builder --chown=65532:65532 /var/log /var/log\n" in final_stage(result)


def test_an_argument_naming_a_system_directory_never_copies_the_builders_tree() -> None:
    result = migrate('FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nCMD ["python","hello.py","/etc"]\n')
    assert "/etc" not in runtime_sources(result)


def test_an_argument_path_the_stage_made_is_still_copied() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'RUN curl -fsSL -o /srv/model.bin https://example.com/model.bin\n'
                     'CMD ["python","app.py","--model","/srv/model.bin"]\n')
    assert "COPY --from=builder /srv/model.bin /srv/model.bin\n" in final_stage(result)


def test_a_program_path_the_command_runs_is_still_copied() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt\n'
                     'CMD ["/opt/tool/bin/tool","serve","/app/conf.yml"]\n')
    assert "COPY --from=builder /opt/tool /opt/tool\n" in final_stage(result)


# B2: build output installed onto PATH and then removed


def _go(run: str, cmd: str = '["srv"]') -> Result:
    return migrate(f"FROM golang:1.22\nWORKDIR /src\nCOPY . .\n{run}\nCMD {cmd}\n")


def test_build_output_removed_after_it_was_installed_is_not_copied_from_its_old_path() -> None:
    for cleanup in ("rm -rf /out", "rm /out/server", "rm -f /out/server"):
        result = _go(f"RUN go build -o /out/server . && cp /out/server /usr/local/bin/srv && {cleanup}")
        assert runtime_sources(result) == ["/usr/local/bin/srv"], cleanup


def test_the_build_directory_removed_from_elsewhere_or_by_a_later_run() -> None:
    result = _go("RUN go build -o app . && cp app /usr/local/bin/ && cd / && rm -rf /src", '["app"]')
    assert runtime_sources(result) == ["/usr/local/bin/app"]
    result = _go("RUN go build -o bin/server . && install -m755 bin/server /usr/local/bin/\nRUN rm -rf bin",
                 '["server"]')
    assert runtime_sources(result) == ["/usr/local/bin/server"]


def test_build_output_made_again_after_a_removal_is_copied() -> None:
    result = _go("RUN rm -rf /out && go build -o /out/server .", '["/out/server"]')
    assert "/out/server" in runtime_sources(result)


# B4: COPY heredoc destinations are read as BuildKit reads COPY words


def test_copy_heredoc_destinations_lose_their_quoting() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     "COPY <<EOF /etc/it\\'s.conf\nk=v\nEOF\n"
                     "COPY <<EOF '/srv/my dir/app.conf'\nk=v\nEOF\n"
                     "COPY <<EOF \"/etc/x y.conf\"\nk=v\nEOF\n"
                     'CMD ["python","app.py"]\n')
    final = final_stage(result)
    # BuildKit reads a JSON COPY word's `\\'` as `'`: the path the builder's heredoc wrote
    assert "COPY --from=builder [\"/etc/it\\\\'s.conf\", \"/etc/it\\\\'s.conf\"]\n" in final
    assert 'COPY --from=builder ["/srv/my dir/app.conf", "/srv/my dir/app.conf"]\n' in final
    assert 'COPY --from=builder ["/etc/x y.conf", "/etc/x y.conf"]\n' in final
    assert lost(result) == ""


# M6: a file written at a path spelled with the stage's variables


def test_a_file_written_at_a_variable_path_is_copied() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV CONF=/etc/myapp.conf\n'
                     'RUN echo k=v > $CONF\nRUN echo x=1 > "${CONF}.local"\nCMD ["python","app.py"]\n')
    final = final_stage(result)
    assert "COPY --from=builder /etc/myapp.conf /etc/myapp.conf\n" in final
    assert "COPY --from=builder /etc/myapp.conf.local /etc/myapp.conf.local\n" in final


def test_a_file_written_at_a_variable_the_run_sets_itself_is_copied_from_its_value() -> None:
    # (fix22: the RUN's own literal assignment is read; before, $X was read as "" and nothing was copied)
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
                     'RUN X=/etc/x.conf && echo k=v > $X\nCMD ["python","app.py"]\n')
    assert "COPY --from=builder /etc/x.conf /etc/x.conf\n" in final_stage(result)


def test_a_file_written_at_a_variable_the_run_computes_is_not_guessed() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
                     'RUN X=/etc/$(hostname).conf && echo k=v > $X\nCMD ["python","app.py"]\n')
    assert not any(s.startswith("/etc") for s in runtime_sources(result))


# L2: written-file detection is linear in the stage's commands


def _many_writes(n: int) -> str:
    lines = ["FROM python:3.12-slim", "WORKDIR /app", "COPY . ."]
    lines += [f"RUN echo k=v > /etc/app{i}.conf && cp /etc/app{i}.conf /opt/c{i}.conf" for i in range(n)]
    return "\n".join([*lines, 'CMD ["python","app.py"]']) + "\n"


def test_written_file_detection_is_not_quadratic() -> None:
    migrate_text(_many_writes(50))  # (warm the caches)
    started = time.perf_counter()
    migrate_text(_many_writes(200))
    small = time.perf_counter() - started
    started = time.perf_counter()
    result = migrate_text(_many_writes(800))
    large = time.perf_counter() - started
    assert large < 8 * small + 0.5, (small, large)  # quadratic: 16 times
    assert "COPY --from=builder /opt/c799.conf /opt/c799.conf\n" in final_stage(result)


def test_a_removed_build_directory_that_a_later_build_makes_again_is_copied() -> None:
    result = migrate('FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN rm -rf target && cargo build --release\n'
                     'CMD ["./target/release/app"]\n')
    assert "COPY --from=builder /src/target/release /src/target/release\n" in final_stage(result)


def test_set_up_after_the_clean_up_does_not_bring_the_removed_output_back() -> None:
    result = _go("RUN go build -o bin/server . && install -m755 bin/server /usr/local/bin/ && rm -rf bin\n"
                 "RUN useradd app", '["server"]')
    assert runtime_sources(result) == ["/usr/local/bin/server"]


def test_a_directory_made_with_a_glob_is_not_copied_as_a_pattern() -> None:
    result = migrate('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'
                     'RUN install -d /srv/[ab] /srv/data\nCMD ["python","app.py"]\n')
    assert "/srv/[ab]" not in runtime_sources(result)
    assert "/srv/data" in runtime_sources(result)


def test_a_jar_in_a_java_option_is_copied_by_its_path_never_the_option_as_a_path() -> None:
    result = migrate('FROM eclipse-temurin:17-jre\nRUN apt-get update && apt-get install -y curl\n'
                     'ADD https://example.com/app.jar /opt/app.jar\n'
                     'RUN curl -o /srv/agent.jar https://example.com/a.jar\n'
                     'CMD ["java","-javaagent:/srv/agent.jar","-cp","/opt/app.jar:/opt/lib/b.jar","Main"]\n')
    sources = runtime_sources(result)
    assert "/srv/agent.jar" in sources and "/opt/app.jar" in sources
    assert not any(":" in s or "=" in s for s in sources), sources
