"""Adversary 13, H2: a split runtime that copies the build's output only (a Java jar, a Go binary) lost the directories
the original final stage made under its WORKDIR (`mkdir -p /opt/app/tmp`: java.io.tmpdir, which the JVM does not
create; Spring Boot stops at start) and, for Java, what COPY put there besides the jar (`COPY config/ ./config/`), with
no finding: a RUN in the WORKDIR made it count as a build directory. They are copied now, for the runtime user; made
outside the WORKDIR they are still named by W MIG561.
"""

from __future__ import annotations

from pathlib import Path

from migrator.model import Result, Severity
from tests.migration_tools import codes, final_stage, messages, migrate

SPRING = """FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY . .
RUN mvn -B package -DskipTests

FROM eclipse-temurin:21-jre
WORKDIR /opt/app
COPY --from=build /build/target/app.jar app.jar
RUN mkdir -p {tmp} {data} && useradd -r spring && chown -R spring {tmp} {data}
USER spring
ENV APP_DATA_DIR={data}
EXPOSE 8080
ENTRYPOINT ["java", "-Djava.io.tmpdir={tmp}", "-jar", "app.jar"]
"""


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pom.xml").write_text("<project/>\n")
    (tmp_path / "Dockerfile").write_text(text)
    return tmp_path


def _not_info(result: Result) -> list[str]:
    return sorted(set(codes(result, Severity.WARNING) + codes(result, Severity.ERROR)))


def test_directories_a_java_stage_made_under_its_workdir_reach_the_runtime_as_its_user(tmp_path: Path) -> None:
    text = SPRING.format(tmp="/opt/app/tmp", data="/opt/app/data")
    result = migrate(text, context=_project(tmp_path, text))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/jre:latest\n")
    assert "COPY --from=builder --chown=65532:65532 /opt/app/app.jar /opt/app/app.jar\n" in runtime
    assert "COPY --from=builder --chown=65532:65532 /opt/app/tmp /opt/app/tmp\n" in runtime
    assert "COPY --from=builder --chown=65532:65532 /opt/app/data /opt/app/data\n" in runtime
    assert _not_info(result) == ["MIG220"]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_the_same_directories_outside_the_workdir_are_still_named_by_mig561(tmp_path: Path) -> None:
    text = SPRING.format(tmp="/var/tmp/app", data="/var/lib/app")
    result = migrate(text, context=_project(tmp_path, text))
    copies = [line for line in final_stage(result).splitlines() if line.startswith("COPY")]
    assert copies == ["COPY --from=builder --chown=65532:65532 /opt/app/app.jar /opt/app/app.jar"]
    (said,) = messages(result, "MIG561")
    assert "/var/tmp/app, /var/lib/app" in said
    assert _not_info(result) == ["MIG220", "MIG561"]
    assert result.runtime is not None and result.runtime.status == "ok"


ROOT_JAVA = """FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY . .
RUN mvn -B package -DskipTests

FROM eclipse-temurin:21-jre
WORKDIR /opt/app
COPY --from=build /build/target/app.jar app.jar
COPY config/ ./config/
RUN mkdir -p logs && touch /opt/app/ready && curl -fsSL -o agent.jar https://example.com/agent.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "app.jar", "--spring.config.additional-location=file:./config/"]
"""


def test_a_root_java_stage_keeps_its_config_made_directory_marker_and_download(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "application.properties").write_text("server.port=8080\n")
    result = migrate(ROOT_JAVA, context=_project(tmp_path, ROOT_JAVA))
    copies = [line for line in final_stage(result).splitlines() if line.startswith("COPY")]
    assert copies == [
        "COPY --from=builder /opt/app/app.jar /opt/app/app.jar",
        "COPY --from=builder /opt/app/config /opt/app/config",
        "COPY --from=builder --chown=65532:65532 /opt/app/logs /opt/app/logs",  # (the app wrote there as root)
        "COPY --from=builder --chown=65532:65532 /opt/app/ready /opt/app/ready",  # (a file it may write)
        "COPY --from=builder /opt/app/agent.jar /opt/app/agent.jar",
    ]
    assert "MIG561" not in codes(result)
    assert _not_info(result) == ["MIG220", "MIG514", "MIG555"]  # (curl: the runtime has none; root -> nonroot)
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_java_stage_that_builds_in_its_workdir_copies_no_sources(tmp_path: Path) -> None:
    text = """FROM maven:3.9-eclipse-temurin-21
WORKDIR /app
COPY . .
RUN mvn -B package -DskipTests && mkdir -p logs
CMD ["java", "-jar", "target/app.jar"]
"""
    result = migrate(text, context=_project(tmp_path, text))
    copies = [line for line in final_stage(result).splitlines() if line.startswith("COPY")]
    assert copies == ["COPY --from=builder /app/target/app.jar /app/target/app.jar",
                      "COPY --from=builder --chown=65532:65532 /app/logs /app/logs"]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_a_go_stage_that_builds_the_binary_keeps_the_directories_it_made_beside_it(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    text = """FROM golang:1.22
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 go build -o server . && mkdir -p data uploads
USER 1000
CMD ["./server"]
"""
    result = migrate(text, context=tmp_path)
    copies = [line for line in final_stage(result).splitlines() if line.startswith("COPY")]
    assert copies == ["COPY --from=builder --chown=65532:65532 /app/server /app/server",
                      "COPY --from=builder --chown=65532:65532 /app/data /app/data",
                      "COPY --from=builder --chown=65532:65532 /app/uploads /app/uploads"]
    assert "MIG561" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "ok"
