"""Review 4 (N1, N2, N4, N5): the tools the start and build commands need, the user that installs them,
and two error findings that claimed more than the Dockerfile shows. One minimal reproduction of our own
per defect, asserting what the user sees: the migrated file and its findings."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, messages, migrate

from migrator.model import Options, Result, Severity

# --- N1: a tool installed under the user a parent stage left in force -------------------------------


def test_a_build_stage_under_its_parents_user_installs_a_missing_tool_as_root_and_runs_its_step_as_that_user() -> None:
    # the inline `apk add --no-cache curl && curl ...` ran as app: apk cannot lock its database, the build fails
    result = migrate("FROM python:3.12 AS base\nRUN useradd -u 1000 app\nUSER app\n"
                     "FROM base AS build\nWORKDIR /home/app\n"
                     "RUN curl -fsSL https://example.com/x.tgz | tar xz && pip install --user .\n"
                     "FROM base\nCOPY --from=build /home/app/.local /home/app/.local\nCMD [\"python\", \"-m\", \"x\"]\n")
    assert ("WORKDIR /home/app\nUSER root\nRUN apk add --no-cache curl\nUSER app\n"
            "RUN curl -fsSL https://example.com/x.tgz | tar xz && pip install --user .\n") in result.dockerfile
    assert "the stage runs it (line 6)" in messages(result, "MIG313")[0]


def test_a_tool_the_npm_step_needs_under_an_inherited_user_is_installed_as_root() -> None:
    result = migrate("FROM php:8.3-cli AS base\nRUN useradd -u 1000 app\nUSER app\n"
                     "FROM base AS build\nWORKDIR /home/app\nCOPY . .\nRUN npm ci && npm run build\n"
                     "FROM base\nCOPY --from=build /home/app /app\nCMD [\"php\", \"/app/index.php\"]\n")
    assert ("COPY . .\nUSER root\nRUN apk add --no-cache npm\nUSER app\nRUN npm ci && npm run build\n"
            in result.dockerfile)


def test_a_tool_of_a_stage_that_runs_as_root_still_goes_in_front_of_its_first_use() -> None:
    result = migrate("FROM python:3.12 AS build\nRUN curl -fsSL https://example.com/x.tgz | tar xz\n"
                     "FROM python:3.12-slim\nCOPY --from=build /x /x\nCMD [\"python\", \"/x/main.py\"]\n")
    assert "RUN apk add --no-cache curl && curl -fsSL https://example.com/x.tgz | tar xz\n" in result.dockerfile
    assert "USER app" not in result.dockerfile


def test_tools_placed_before_a_users_switch_are_installed_as_root_under_an_inherited_user() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN useradd -u 1000 app && useradd -u 1001 worker\nUSER app\n"
                     "FROM base AS build\nUSER worker\nRUN curl -fsSL https://example.com/x.tgz | tar xz\n"
                     "FROM base\nCOPY --from=build /x /x\nCMD [\"python\", \"/x/main.py\"]\n")
    build = result.dockerfile.split("AS build\n", 1)[1]
    assert build.startswith("USER root\nRUN apk add --no-cache curl\nUSER app\nUSER worker\n")


def test_bash_for_a_shell_of_a_stage_under_an_inherited_user_is_installed_as_root() -> None:
    result = migrate("FROM debian:12 AS base\nRUN useradd app\nUSER app\nFROM base AS build\n"
                     "SHELL [\"/bin/bash\", \"-c\"]\nRUN echo hi > /tmp/x\n"
                     "FROM base\nCOPY --from=build /tmp/x /x\nCMD [\"cat\", \"/x\"]\n")
    assert ("AS build\nUSER root\nRUN apk add --no-cache bash\nUSER app\nSHELL [\"/bin/bash\", \"-c\"]\n"
            in result.dockerfile)


# --- N2: the tools the source image shipped, in every final stage kept with a shell for its script ----

TWO_STAGES = """\
FROM python:3.12 AS build
WORKDIR /app
COPY . .
RUN pip install --prefix=/install -r requirements.txt
FROM python:3.12
COPY --from=build /install /usr/local
COPY . /app
RUN useradd -u 1000 app
USER app
ENTRYPOINT ["/app/run.sh"]
"""


def test_the_final_stage_of_a_multi_stage_build_moved_to_wolfi_base_keeps_the_source_images_tools() -> None:
    # `useradd app` named the directory /app of /app/run.sh: the script was taken for one a RUN made
    result = migrate(TWO_STAGES)
    assert "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache python-3 py3-pip bash curl wget git tzdata\n" \
        in result.dockerfile
    assert "`/app/run.sh` (line 10) is a script this tool cannot read" in messages(result, "MIG313")[0]


def test_a_user_or_chown_naming_the_scripts_directory_does_not_hide_the_script() -> None:
    result = migrate("FROM node:20\nCOPY . /app\nRUN useradd app && chown -R app:app /app\nUSER app\n"
                     "ENTRYPOINT [\"/app/docker-entrypoint.sh\"]\n")
    assert "RUN apk add --no-cache nodejs npm bash curl wget git\n" in result.dockerfile
    assert messages(result, "MIG313")


def test_a_script_in_a_directory_a_run_builds_is_still_taken_for_the_builds_own() -> None:
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN mkdir -p bin && ./configure --bindir bin\n"
                     "ENTRYPOINT [\"./bin/start.sh\"]\n")
    # (only python:3.12's compiler and headers, which ./configure builds with: adversary 12 G7)
    assert [m.split(" added")[0] for m in messages(result, "MIG313")] == ["build-base, python-3-dev"]


# --- N4: a missing tool whose failure the start command goes on after --------------------------------

NODE_APP = """\
FROM node:20 AS b
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM node:20-slim
WORKDIR /app
COPY --from=b /app /app
CMD {command}
"""


def start_findings(command: str) -> dict[str, Severity]:
    return start_codes(migrate(NODE_APP.format(command=command)))


def test_a_missing_tool_in_a_step_the_shell_goes_on_after_is_a_warning_that_the_step_is_lost() -> None:
    result = migrate(NODE_APP.format(command="curl -s http://cfg/env > .env; node server.js"))
    assert "MIG563" not in codes(result)
    [message] = messages(result, "MIG564")
    assert message.startswith("the start command runs `curl`, which node:latest does not have (Wolfi package curl): "
                              "that step fails with `not found` at every start and the command goes on without it")
    assert start_findings("curl -s http://cfg/env > .env || true; exec node server.js") == {"MIG564": Severity.WARNING}
    assert start_findings("curl -s http://cfg/env | sh; node server.js") == {"MIG564": Severity.WARNING}
    assert start_findings("if curl -sf http://cfg; then echo ok; fi; exec node server.js") == {
        "MIG564": Severity.WARNING}


def test_a_missing_tool_whose_failure_ends_the_start_stays_an_error() -> None:
    for command in ("curl -s http://cfg/env > .env && node server.js",
                    "set -e; curl -s http://cfg/env > .env; node server.js",
                    "curl -s http://cfg/env > .env || exit 1; node server.js",
                    "node server.js; exec curl -X POST http://hook",
                    "cd /app; exec curl -s http://cfg/start; node server.js"):
        assert start_findings(command) == {"MIG563": Severity.ERROR}, command


def test_a_missing_tool_used_twice_is_an_error_when_one_use_ends_the_start() -> None:
    assert start_findings("curl -s http://a > a || true; curl -s http://b > b && node server.js") == {
        "MIG563": Severity.ERROR}


def test_a_missing_tool_behind_a_look_up_of_itself_is_skipped_not_a_failed_start() -> None:
    # review 5, P-1: `if command -v curl ...; then exec curl ...; fi` was MIG563 "fails at every start"
    result = migrate(NODE_APP.format(command="if command -v curl >/dev/null; then exec curl http://x; fi; "
                                             "exec node server.js"))
    assert "MIG563" not in codes(result)
    [message] = messages(result, "MIG564")
    assert "that step is skipped at every start (it runs only when `command -v curl` finds it)" in message
    for command in ("command -v curl >/dev/null && exec curl http://x; exec node server.js",
                    "which curl && curl -s http://cfg > .env && node server.js",
                    "if type curl; then curl http://x; elif hash wget; then wget http://x; fi; node server.js",
                    "if [ -x /usr/bin/curl ]; then exec curl http://x; fi; exec node server.js"):
        assert start_findings(command) == {"MIG564": Severity.WARNING}, command


def test_a_look_up_that_does_not_guard_the_tool_leaves_the_error() -> None:
    for command in ("if ! command -v curl; then exec curl http://x; fi; exec node server.js",
                    "if command -v curl; then echo yes; else exec curl http://x; fi; exec node server.js",
                    "command -v curl || exec curl http://x; exec node server.js",
                    "if command -v wget; then exec curl http://x; fi; exec node server.js"):
        assert start_findings(command) == {"MIG563": Severity.ERROR}, command


# --- N5: MIG222 only where the pinned Java proves the unread wrapper too old --------------------------

GRADLE_21 = """\
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./gradlew bootJar
FROM eclipse-temurin:21-jre
COPY --from=build /src/build/libs/app.jar /app.jar
CMD ["java","-jar","/app.jar"]
"""


def _wrapper(directory: Path, version: str) -> None:
    (directory / "gradle" / "wrapper").mkdir(parents=True)
    (directory / "gradle" / "wrapper" / "gradle-wrapper.properties").write_text(
        f"distributionUrl=https\\://services.gradle.org/distributions/gradle-{version}-bin.zip\n")


def test_an_unread_wrapper_on_a_java_that_runs_a_new_enough_gradle_is_a_warning() -> None:
    result = migrate(GRADLE_21)
    assert "MIG222" not in codes(result)
    [warning] = [f for f in result.findings if f.code == "MIG223"]
    assert warning.severity is Severity.WARNING and warning.line == 4
    assert "if it is older than 9.4.0, upgrade it (`./gradlew wrapper --gradle-version 9.4.0`)" in warning.message


def test_an_unread_wrapper_on_a_java_no_new_enough_gradle_runs_on_stays_an_error() -> None:
    for java in ("8", "11", "16"):
        result = migrate(GRADLE_21.replace(":21-", f":{java}-"))
        [error] = [f for f in result.findings if f.code == "MIG222"]
        assert error.severity is Severity.ERROR and "Gradle 8.14 at most, so the build fails" in error.message, java


def test_a_wrapper_read_from_the_context_decides_on_java_21(tmp_path: Path) -> None:
    _wrapper(tmp_path / "old", "8.14.3")
    old = migrate(GRADLE_21, Options(context=tmp_path / "old"))
    assert "runs Gradle 8.14.3" in messages(old, "MIG222")[0] and "MIG223" not in codes(old)
    _wrapper(tmp_path / "new", "9.4.1")
    new = migrate(GRADLE_21, Options(context=tmp_path / "new"))
    assert "MIG222" not in codes(new) and "MIG223" not in codes(new)


# --- the build tool of the maven and gradle images, on a stage moved to wolfi-base ---------------------


def test_a_maven_image_stage_moved_to_wolfi_base_for_its_script_gets_maven_for_its_mvn_step() -> None:
    # `RUN mvn package` on wolfi-base with only the JDK installed: `mvn: not found`, and no finding said so
    result = migrate("FROM maven:3.9-eclipse-temurin-17\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
                     "ENTRYPOINT [\"./docker/start.sh\"]\n")
    [install] = [line for line in result.dockerfile.splitlines() if "apk add" in line]
    assert install.startswith("RUN apk add --no-cache openjdk-17-default-jdk bash maven")
    assert any("maven (for `mvn`) added to apk add: the stage runs it (line 4)" in m for m in messages(result, "MIG313"))


def test_a_build_on_the_maven_dev_image_adds_nothing() -> None:
    result = migrate("FROM maven:3.9-eclipse-temurin-17 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
                     "FROM eclipse-temurin:17-jre\nCOPY --from=build /src/target/app.jar /app.jar\n"
                     "CMD [\"java\", \"-jar\", \"/app.jar\"]\n")
    assert "apk add" not in result.dockerfile and not messages(result, "MIG313")


# --- the tools of build-context scripts read from disk ------------------------------------------------


def test_a_start_script_read_from_the_context_gets_the_tools_it_runs_on_wolfi_base(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/sh\ncurl -s http://cfg/env > .env\nexec python app.py\n")
    result = migrate("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "ENTRYPOINT [\"./run.sh\"]\n", Options(context=tmp_path))
    assert "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache python-3 py3-pip build-base python-3-dev curl tzdata\n" \
        in result.dockerfile
    assert messages(result, "MIG313")[1:] == ["curl added to apk add: `./run.sh` (line 5), a script of the build "
                                              "context, runs it, and neither wolfi-base nor the stage's packages "
                                              "provide it on Wolfi"]  # (the first: python:3.12's gcc and headers, G7)
    assert "MIG563" not in codes(result) and "MIG564" not in codes(result)


def test_a_build_script_read_from_the_context_gets_its_tool_in_front_of_it(tmp_path: Path) -> None:
    (tmp_path / "fetch.sh").write_text("#!/bin/sh\nset -e\ncurl -fsSL https://example.com/x.tgz | tar xz\n")
    result = migrate("FROM python:3.12 AS build\nWORKDIR /src\nCOPY . .\nRUN ./fetch.sh\n"
                     "FROM python:3.12-slim\nCOPY --from=build /src /app\nCMD [\"python\", \"/app/main.py\"]\n",
                     Options(context=tmp_path))
    assert "RUN apk add --no-cache curl && ./fetch.sh\n" in result.dockerfile


def test_a_start_script_on_a_runtime_that_cannot_install_its_tool_is_reported(tmp_path: Path) -> None:
    text = ("FROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci\n"
            "FROM node:20\nWORKDIR /app\nCOPY --from=build /src /app\nENTRYPOINT [\"./start.sh\"]\n")
    (tmp_path / "start.sh").write_text("#!/bin/sh\nwget -q http://cfg/env -O .env\nexec node server.js\n")
    [warning] = [f for f in migrate(text, Options(context=tmp_path)).findings if f.code == "MIG564"]
    assert warning.line == 8 and warning.message.startswith("the start script `./start.sh` runs `wget`, which "
                                                            "node:latest does not have")
    (tmp_path / "start.sh").write_text("#!/bin/sh -e\nwget -q http://cfg/env -O .env\nexec node server.js\n")
    assert start_codes(migrate(text, Options(context=tmp_path))) == {"MIG563": Severity.ERROR}


def start_codes(result: Result) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings if f.code in ("MIG563", "MIG564")}


def test_bash_for_an_unreadable_build_script_under_an_inherited_user_is_installed_as_root() -> None:
    result = migrate("FROM debian:12 AS base\nRUN useradd app\nUSER app\nFROM base AS build\nCOPY . /src\n"
                     "RUN /src/build.sh\nFROM base\nCOPY --from=build /src/out /out\nCMD [\"/out/app\"]\n")
    assert "AS build\nUSER root\nRUN apk add --no-cache bash\nUSER app\nCOPY . /src\n" in result.dockerfile


def test_a_user_the_parent_named_with_its_own_build_argument_is_given_back_by_its_value() -> None:
    # the parent's ARG is not in scope in the child: `USER ${APP_USER}` there would name no user
    result = migrate("FROM python:3.12 AS base\nARG APP_USER=app\nRUN useradd -u 1000 $APP_USER\nUSER ${APP_USER}\n"
                     "FROM base AS build\nRUN curl -fsSL https://example.com/x.tgz | tar xz\n"
                     "FROM base\nCOPY --from=build /x /x\nCMD [\"python\", \"/x/main.py\"]\n")
    assert "AS build\nUSER root\nRUN apk add --no-cache curl\nUSER app\nRUN curl" in result.dockerfile


# --- the tools of a shell start command, on a final stage that keeps apk ------------------------------


def test_a_shell_start_command_on_a_stage_kept_on_wolfi_base_gets_its_tool_installed() -> None:
    # the stage has apk, so MIG563 "install it" was advice the tool could have followed itself
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
                     "CMD ./wait-for.sh db && curl -s http://cfg > .env && node server.js\n")
    # (wget, git: the tools node:20 ships that ./wait-for.sh, which this tool cannot read, may run, as for
    # `CMD ["./wait-for.sh", "db"]`)
    assert "RUN apk add --no-cache nodejs npm bash curl wget git\n" in result.dockerfile
    assert start_codes(result) == {}
    assert any("curl added to apk add: the stage runs it (line 5)" in m for m in messages(result, "MIG313"))


def test_a_shell_start_command_on_a_kept_dev_chain_gets_its_tool_as_root_before_it() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN useradd -u 1000 app\nUSER app\nFROM base\nCOPY . /app\n"
                     "CMD curl -so /tmp/cfg http://cfg && exec python /app/main.py\n")
    assert result.dockerfile.endswith("COPY . /app\nUSER root\nRUN apk add --no-cache curl\nUSER app\n"
                                      "ENTRYPOINT []\nCMD curl -so /tmp/cfg http://cfg && exec python /app/main.py\n")
    assert start_codes(result) == {}


def test_a_split_final_stage_keeps_its_builder_free_of_the_start_commands_tools() -> None:
    result = migrate(NODE_APP.format(command="curl -s http://cfg/env > .env && node server.js"))
    assert "apk add" not in result.dockerfile and start_codes(result) == {"MIG563": Severity.ERROR}


def test_a_binary_started_from_the_context_is_not_read_as_a_script(tmp_path: Path) -> None:
    (tmp_path / "server").write_bytes(b"\x7fELF\x02\x01\x01\x00\ncurl -s http://cfg && exec run\n")
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
                     "FROM debian:12-slim\nCOPY --from=build /src/server /server\nCMD [\"/server\"]\n",
                     Options(context=tmp_path))
    assert start_codes(result) == {}


def test_a_python_script_from_the_context_is_not_read_as_shell(tmp_path: Path) -> None:
    (tmp_path / "build.py").write_text("#!/usr/bin/env python3\ncurl = 'https://example.com'\n")
    result = migrate("FROM python:3.12 AS build\nWORKDIR /app\nCOPY . .\nRUN bash ./build.py\n"
                     "FROM python:3.12-slim\nCOPY --from=build /app /app\nCMD [\"python\", \"/app/main.py\"]\n",
                     Options(context=tmp_path))
    assert not messages(result, "MIG313")
