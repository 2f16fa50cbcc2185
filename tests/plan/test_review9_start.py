"""Build failures the ninth review found in Java start commands, each with a minimal reproduction of our own:
a COPY --from of a path no stage makes fails the build."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate


def test_a_java_option_is_not_taken_for_a_path_under_the_workdir() -> None:
    result = migrate("FROM maven:3-eclipse-temurin-21\nWORKDIR /src\nCOPY . .\n"
                     "RUN mvn -q package && cp target/app.jar /srv/app.jar && cp target/agent.jar /srv/agent.jar\n"
                     'CMD ["java", "-javaagent:/srv/agent.jar=opts", "-jar", "/srv/app.jar"]\n')
    runtime = final_stage(result)
    assert "-javaagent" not in runtime.split("CMD")[0]  # was: COPY --from=builder /src/-javaagent:/srv/agent.jar=opts
    assert "COPY --from=builder /srv/agent.jar /srv/agent.jar" in runtime


def test_a_jar_the_command_names_but_nothing_makes_is_not_copied() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nCOPY app.jar /srv/app.jar\nRUN mkdir -p /plugins\n"
                     'CMD ["java", "-Dloader.path=/plugins/ext.jar", "-jar", "/srv/app.jar"]\n')
    runtime = final_stage(result)
    assert "/plugins/ext.jar /plugins/ext.jar" not in runtime  # the original image had no such jar either
    assert "COPY --from=builder --chown=65532:65532 /plugins /plugins" in runtime  # the directory it made is there


def test_a_directory_made_and_then_moved_is_copied_from_where_it_went() -> None:
    result = migrate("FROM python:3.12-slim\nRUN mkdir /stage && mv /stage /srv/stage2\nRUN pip install flask\n"
                     'COPY app.py /app/app.py\nCMD ["python", "/app/app.py"]\n')
    runtime = final_stage(result)
    assert " /stage " not in runtime  # was: COPY --from=builder /stage /stage, which the builder no longer has
    assert "/srv/stage2 /srv/stage2" in runtime


def test_a_jar_a_download_puts_in_the_workdir_is_copied() -> None:
    """Review 10 (R10-1): a relative output name or a URL's file in the RUN's directory makes the jar."""
    for download in ("wget -q -O agent.jar https://example.com/dist/agent.jar",
                     "curl -fsSLO https://example.com/dist/agent.jar?v=2",
                     "wget -q https://example.com/dist/agent.jar"):
        for agent in ("agent.jar", "/opt/app/agent.jar"):
            result = migrate(f"FROM eclipse-temurin:21-jre\nWORKDIR /opt/app\nRUN {download}\nCOPY app.jar app.jar\n"
                             f'CMD ["java", "-javaagent:{agent}", "-jar", "app.jar"]\n')
            runtime = final_stage(result)
            assert "COPY --from=builder /opt/app/agent.jar /opt/app/agent.jar" in runtime, (download, agent)


def test_a_download_elsewhere_does_not_make_the_jar() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nWORKDIR /opt/app\nRUN cd /tmp && wget -q https://example.com/x.zip\n"
                     'COPY app.jar app.jar\nCMD ["java", "-javaagent:/opt/app/agent.jar", "-jar", "app.jar"]\n')
    assert "/opt/app/agent.jar /opt/app/agent.jar" not in final_stage(result)


def test_a_file_written_in_a_directory_the_same_run_removes_is_not_copied() -> None:
    """Review 10 (P10-1): the builder has no /build/out/x at the end; a COPY --from of it fails the build."""
    result = migrate("FROM python:3.12-slim\nRUN pip install flask\n"
                     "RUN mkdir -p /build/out && echo hi > /build/out/x && touch /build/out/y && rm -rf /build\n"
                     'COPY app.py /app/app.py\nCMD ["python", "/app/app.py"]\n')
    assert "/build" not in final_stage(result)
    assert not any("/build" in f.message for f in result.findings if f.code == "MIG561")  # (review 11, R11-1)


def test_a_class_path_is_read_as_its_paths() -> None:
    """Review 10 (P10-2): `-cp /opt/app.jar:/opt/lib/*` was copied as one path (a COPY that fails the build);
    each of its paths is copied when the stage made it, and a pattern's directory only when a step made it."""
    result = migrate("FROM maven:3-eclipse-temurin-21 AS build\nCOPY . /src\nRUN mvn -f /src/pom.xml -q package\n"
                     "FROM eclipse-temurin:21-jre\nWORKDIR /opt\nCOPY --from=build /src/target/*.jar ./\n"
                     "RUN unzip -q app.jar -d /opt/exploded || true\n"
                     'CMD ["java", "-cp", "/opt/app.jar:/opt/lib/*", "-javaagent:/opt/app.jar", "com.x.Main"]\n')
    runtime = final_stage(result)
    assert "/opt/app.jar /opt/app.jar" in runtime
    assert ".jar:" not in runtime.split("CMD")[0]  # no class path word as a COPY path
    assert "/opt/lib" not in runtime.split("CMD")[0]  # nothing made /opt/lib: java skips it, a COPY would fail


def test_a_class_path_directory_a_step_made_is_copied() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nWORKDIR /srv\nCOPY app.jar /opt/app.jar\n"
                     "RUN mkdir -p /opt/lib && curl -fsSLo /opt/lib/x.jar https://example.com/x.jar\n"
                     'CMD ["java", "-cp", "/opt/app.jar:/opt/lib/*", "com.x.Main"]\n')
    runtime = final_stage(result)
    assert "/opt/lib" in runtime.split("CMD")[0] and "/opt/app.jar /opt/app.jar" in runtime


def test_a_java_agent_with_options_is_copied() -> None:
    """Adversary 6 (N9): `-javaagent:/opt/jmx.jar=9404:/etc/jmx.yml` names the jar before its options; the JVM
    cannot start without it. Also an agent named by JAVA_TOOL_OPTIONS, which every JVM reads at start."""
    for agent in ("/opt/jmx.jar=9404:/etc/jmx.yml", "/opt/jmx.jar=k=v", "/opt/jmx.jar"):
        result = migrate("FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY target/app.jar /app/app.jar\n"
                         "RUN curl -fsSLo /opt/jmx.jar https://example.com/jmx.jar\n"
                         f'ENTRYPOINT ["java","-javaagent:{agent}","-jar","/app/app.jar"]\n')
        assert "COPY --from=builder /opt/jmx.jar /opt/jmx.jar" in final_stage(result), agent
    result = migrate("FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY target/app.jar /app/app.jar\n"
                     "RUN wget -q -O /opt/otel.jar https://example.com/otel.jar\n"
                     'ENV JAVA_TOOL_OPTIONS="-javaagent:/opt/otel.jar -Xmx1g"\nENTRYPOINT ["java","-jar","/app/app.jar"]\n')
    assert "COPY --from=builder /opt/otel.jar /opt/otel.jar" in final_stage(result)


@pytest.mark.parametrize("link", ["ln -s /usr/local/bin/mytool /usr/local/bin/mt", "ln -s mytool /usr/local/bin/mt",
                                  "ln -sf ../bin/mytool /usr/local/bin/mt"])
def test_a_link_the_start_command_runs_is_copied_with_the_file_it_points_to(link: str) -> None:
    """Review 11 (P11-2), review 12 (P12-4, a relative target): the runtime copied /usr/local/bin/mt, a link,
    without /usr/local/bin/mytool: it dangled."""
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /src\n"
                     f"RUN cd /src && make install && {link}\n"
                     'CMD ["mt", "serve"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local/bin/mt /usr/local/bin/mt" in runtime
    assert "COPY --from=builder /usr/local/bin/mytool /usr/local/bin/mytool" in runtime


def test_a_link_into_the_image_s_own_files_copies_no_target() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY app /usr/local/bin/app\n"
                     "RUN ln -s /usr/bin/curl /usr/local/bin/fetch\nCMD [\"fetch\", \"https://example.com\"]\n")
    assert "/usr/bin/curl /usr/bin/curl" not in result.dockerfile
