"""Defects of the third independent review: what the user sees in the migrated file and its findings,
one minimal reproduction of our own per defect."""

from __future__ import annotations

from pathlib import Path

from migration_tools import messages, migrate

from migrator.api import migrate_text
from migrator.model import Options, Result


def apk_lines(result: Result) -> list[str]:
    return [line for line in result.dockerfile.splitlines() if "apk add" in line]


# --- R1: the tools Docker Hub's full language images ship (curl, wget, git) -------------------------

FETCH_AND_BUILD = """\
FROM openjdk:8-jdk
WORKDIR /gh
COPY . /gh
RUN ./fetch-and-build.sh
ENTRYPOINT ["./run.sh"]
"""


def test_a_stage_moved_to_wolfi_base_keeps_the_download_tools_its_unreadable_script_may_use() -> None:
    result = migrate(FETCH_AND_BUILD)
    assert apk_lines(result) == ["RUN apk add --no-cache openjdk-8-default-jdk bash curl wget git"]
    [added] = messages(result, "MIG313")
    assert "openjdk:8-jdk shipped them" in added and "`./fetch-and-build.sh`" in added


def test_an_unreadable_start_script_alone_keeps_them_too() -> None:
    result = migrate("FROM openjdk:11-jre\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"./start.sh\"]\n")
    assert apk_lines(result) == ["RUN apk add --no-cache openjdk-11-default-jdk bash curl wget"]  # a -jre had no git
    assert "`./start.sh`" in messages(result, "MIG313")[0]


def test_a_builder_on_a_dev_image_gets_what_the_dev_image_lacks_for_an_unreadable_script() -> None:
    text = ("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN ./scripts/prepare.sh && npm ci\n"
            "FROM node:20-slim\nCOPY --from=build /app /app\nCMD [\"node\", \"/app/index.js\"]\n")
    result = migrate(text)
    assert "RUN apk add --no-cache curl && ./scripts/prepare.sh && npm ci" in result.dockerfile  # -dev has wget, git
    assert "node:20 shipped it" in messages(result, "MIG313")[0]
    maven = migrate(text.replace("node:20 AS", "maven:3.9-eclipse-temurin-17 AS").replace("npm ci", "mvn package"))
    assert "RUN apk add --no-cache curl && ./scripts/prepare.sh && mvn package" in maven.dockerfile


def test_a_final_stage_kept_on_its_parents_dev_image_gets_them_before_its_start_script() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCOPY entrypoint.sh /\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\n")
    assert result.dockerfile.endswith("COPY entrypoint.sh /\nRUN apk add --no-cache curl\n"
                                      "ENTRYPOINT [\"/entrypoint.sh\"]\n")  # python:latest-dev has wget and git
    assert "`/entrypoint.sh`" in messages(result, "MIG313")[0]


def test_the_tools_are_installed_as_root_under_a_user_of_the_parent_stage() -> None:
    # review 4: `USER app` came from the parent stage, so the apk add ran as app and the build failed
    source = ("FROM python:3.12 AS base\nRUN pip install flask && useradd -u 1000 app\nUSER app\nFROM base\n"
              "COPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n")
    result = migrate(source)
    assert result.dockerfile.endswith("COPY entrypoint.sh /\nUSER root\nRUN apk add --no-cache curl\nUSER app\n"
                                      "ENTRYPOINT [\"/entrypoint.sh\"]\n")  # the script still starts as app
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_the_tools_are_installed_as_root_where_the_chain_runs_as_the_images_nonroot_user() -> None:
    result = migrate("FROM python:3.12 AS base\nCOPY app /app\nFROM base\nCOPY entrypoint.sh /\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\n")
    assert "USER root\nRUN apk add --no-cache curl\nUSER nonroot\nENTRYPOINT" in result.dockerfile


def test_a_script_read_from_the_build_context_or_a_slim_source_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "fetch-and-build.sh").write_text("#!/bin/sh\njavac Main.java\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\nexec java Main\n")
    read = migrate_text(FETCH_AND_BUILD, Options(context=tmp_path))
    assert not any("curl" in line for line in apk_lines(read))
    slim = migrate(FETCH_AND_BUILD.replace("openjdk:8-jdk", "openjdk:8-jdk-slim"))
    assert not any("curl" in line for line in apk_lines(slim))


# --- R2: an old Gradle wrapper cannot run on the Java the latest image serves ------------------------

GRADLE_BUILD = """\
FROM java:8-jdk AS builder
WORKDIR /src
COPY . .
RUN ./gradlew build -x test
FROM java:8-jre
COPY --from=builder /src/build/libs/app.jar /app/app.jar
CMD ["java", "-jar", "/app/app.jar"]
"""


def _wrapper(context: Path, version: str) -> None:
    (context / "gradle" / "wrapper").mkdir(parents=True)
    (context / "gradle" / "wrapper" / "gradle-wrapper.properties").write_text(
        "distributionBase=GRADLE_USER_HOME\n"
        f"distributionUrl=https\\://services.gradle.org/distributions/gradle-{version}-bin.zip\n")


def test_a_gradle_wrapper_build_on_an_older_java_is_an_error_without_the_context() -> None:
    result = migrate(GRADLE_BUILD)
    [error] = [f for f in result.findings if f.code == "MIG222"]
    assert error.severity.value == "error" and error.line == 4
    assert "must support java 26" in error.message and "--tag-policy keep" in error.message
    assert [f.line for f in result.findings if f.code == "MIG220"] == [5]  # the runtime keeps its warning


def test_the_wrapper_version_on_disk_decides(tmp_path: Path) -> None:
    _wrapper(tmp_path, "4.10.3")
    old = migrate_text(GRADLE_BUILD, Options(context=tmp_path))
    assert "runs Gradle 4.10.3" in messages(old, "MIG222")[0]
    new_context = tmp_path / "new"
    new_context.mkdir()
    _wrapper(new_context, "9.4.1")
    new = migrate_text(GRADLE_BUILD, Options(context=new_context))
    assert messages(new, "MIG222") == [] and [f.line for f in new.findings if f.code == "MIG220"] == [1, 5]


def test_every_java_source_is_judged_alike() -> None:
    for source in ("openjdk:11-jdk", "amazoncorretto:8", "gradle:7-jdk11"):
        result = migrate(GRADLE_BUILD.replace("java:8-jdk", source))
        assert len(messages(result, "MIG222")) == 1, source
    for source in ("eclipse-temurin:17-jdk", "maven:3-eclipse-temurin-21"):  # a wrapper may run on 26 (review 4)
        result = migrate(GRADLE_BUILD.replace("java:8-jdk", source))
        assert (messages(result, "MIG222"), len(messages(result, "MIG223"))) == ([], 1), source
    assert messages(migrate(GRADLE_BUILD.replace("./gradlew build", "mvn package")), "MIG222") == []


# --- a Gemfile's `ruby '3.3.3'` pins the interpreter as .ruby-version does ----------------------------

BUNDLE = """\
FROM ruby:3.3-slim
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["ruby", "app.rb"]
"""


def test_a_gemfile_ruby_directive_on_disk_makes_the_version_jump_an_error(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\n\nruby '3.3.3'\n\ngem 'sinatra'\n")
    result = migrate_text(BUNDLE, Options(context=tmp_path))
    [error] = [f for f in result.findings if f.code == "MIG221"]
    assert error.severity.value == "error" and error.line == 3 and "`Gemfile`" in error.message
    assert "MIG220" not in {f.code for f in result.findings}


def test_a_gemfile_on_disk_without_a_ruby_line_stays_a_warning(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\ngem 'sinatra'\n")
    result = migrate_text(BUNDLE, Options(context=tmp_path))
    assert "MIG221" not in {f.code for f in result.findings}
    assert "MIG220" in {f.code for f in result.findings}


def test_a_gemfile_out_of_reach_on_another_ruby_is_an_error_as_a_gradle_wrapper_is(tmp_path: Path) -> None:
    # review 4, chatwoot: ruby:3.3.3 -> ruby 4.0, no context: nothing shows the app accepts 4.0 (MIG222's rule)
    for options in (None, Options(context=tmp_path)):  # no context at all, or one without the Gemfile
        result = migrate_text(BUNDLE, options)
        [error] = [f for f in result.findings if f.code == "MIG221"]
        assert error.severity.value == "error" and error.line == 3
        assert "cannot read" in error.message and "--context DIR" in error.message
        assert "MIG220" not in {f.code for f in result.findings}
    # the Ruby the image serves, or no bundler: no such error
    assert "MIG221" not in {f.code for f in migrate(BUNDLE.replace("ruby:3.3-slim", "ruby:4.0-slim")).findings}
    no_bundler = BUNDLE.replace("RUN bundle install\n", "")
    assert {"MIG220"} <= {f.code for f in migrate(no_bundler).findings} - {"MIG221"}


def test_a_gemfile_in_a_copied_directory_is_read(tmp_path: Path) -> None:
    # review 4, R4-3: `COPY app/ ./` then `bundle install`: the Gemfile is app/Gemfile
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Gemfile").write_text("ruby '3.3.3'\ngem 'puma'\n")
    subdir = "FROM ruby:3.3\nWORKDIR /srv\nCOPY app/ ./\nRUN bundle install\nCMD [\"bundle\",\"exec\",\"puma\"]\n"
    [error] = [f for f in migrate_text(subdir, Options(context=tmp_path)).findings if f.code == "MIG221"]
    assert error.line == 3 and "`app/Gemfile`" in error.message and "pins ruby 3.3" in error.message
    (tmp_path / "app" / "Gemfile").write_text("ruby '>= 3.1'\ngem 'puma'\n")
    codes = {f.code for f in migrate_text(subdir, Options(context=tmp_path)).findings}
    assert "MIG221" not in codes and "MIG220" in codes
    unpinned = subdir.replace("ruby:3.3", "ruby:slim")
    (tmp_path / "app" / "Gemfile").write_text("ruby '3.4.1'\n")
    [error] = [f for f in migrate_text(unpinned, Options(context=tmp_path)).findings if f.code == "MIG221"]
    assert error.line == 3 and "`app/Gemfile`" in error.message


def test_a_gemfile_pin_on_an_unversioned_ruby_tag_is_an_error_too(tmp_path: Path) -> None:
    (tmp_path / "Gemfile").write_text("source 'https://rubygems.org'\nruby \"3.4.1\"\n")
    result = migrate_text(BUNDLE.replace("ruby:3.3-slim", "ruby:slim"), Options(context=tmp_path))
    [error] = [f for f in result.findings if f.code == "MIG221"]
    assert error.line == 3 and "pins ruby 3.4" in error.message
    assert "MIG221" not in {f.code for f in migrate(BUNDLE.replace("ruby:3.3-slim", "ruby:slim")).findings}


def test_a_gradle_the_dockerfile_downloads_is_judged_by_its_version() -> None:
    download = ("FROM openjdk:8-jdk AS build\nWORKDIR /src\nARG GRADLE_VERSION=4.10.3\n"
                "RUN wget -q https://services.gradle.org/distributions/gradle-${GRADLE_VERSION}-bin.zip"
                " && unzip -q gradle-*.zip -d /opt && ln -s /opt/gradle-${GRADLE_VERSION}/bin/gradle /usr/bin/gradle\n"
                "COPY . .\nRUN gradle build\n"
                "FROM openjdk:8-jre\nCOPY --from=build /src/build/libs/app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n")
    [error] = [f for f in migrate(download).findings if f.code == "MIG222"]
    assert error.line == 6 and "Gradle 4.10.3" in error.message
    assert messages(migrate(download.replace("4.10.3", "9.4.1")), "MIG222") == []


# --- a start command line that runs a tool the runtime lacks -------------------------------------------

def test_a_shell_start_command_running_wget_on_a_runtime_without_it_is_an_error() -> None:
    text = "FROM openjdk:8-jdk\nWORKDIR /app\nCOPY app.jar .\nCMD wget -q http://config/app.properties && java -jar app.jar\n"
    [error] = [f for f in migrate(text).findings if f.code == "MIG563"]
    assert error.severity.value == "error" and error.line == 4 and "`wget`" in error.message
    # installed in the original final stage, it stays in the builder: the runtime still lacks it (MIG514 too)
    installed = migrate(text.replace("COPY app.jar .\n", "COPY app.jar .\nRUN apt-get update && apt-get install -y wget\n"))
    assert len(messages(installed, "MIG563")) == 1 and messages(installed, "MIG514")
    assert messages(migrate(text.replace("wget -q http://config/app.properties", "test -f app.jar")), "MIG563") == []


def test_a_gemfile_ruby_requirement_is_judged_as_bundler_does(tmp_path: Path) -> None:
    # `~> 3.3` means >= 3.3 and < 4: bundler refuses Ruby 4.0 as it refuses `ruby '3.3.3'`
    refused = {"ruby '~> 3.3'": "~> 3.3", "ruby('>= 3.1', '< 4.0')": "< 4.0", "ruby \"~> 3.3.1\"": "~> 3.3.1"}
    for line, said in refused.items():
        (tmp_path / "Gemfile").write_text(f"source 'https://rubygems.org'\n{line}\n")
        [error] = [f for f in migrate_text(BUNDLE, Options(context=tmp_path)).findings if f.code == "MIG221"]
        assert error.line == 3, line
        unpinned = migrate_text(BUNDLE.replace("ruby:3.3-slim", "ruby:slim"), Options(context=tmp_path))
        assert f"pins ruby {said} " in next(f.message for f in unpinned.findings if f.code == "MIG221"), line
    for line in ("ruby '>= 3.1'", "ruby '~> 4.0'", "ruby '< 5'", "ruby RUBY_VERSION"):
        (tmp_path / "Gemfile").write_text(f"source 'https://rubygems.org'\n{line}\n")
        codes = {f.code for f in migrate_text(BUNDLE, Options(context=tmp_path)).findings}
        assert "MIG221" not in codes and "MIG220" in codes, line


def test_a_gemfile_the_build_writes_itself_is_no_unread_gemfile() -> None:
    written = ("FROM ruby:3.3-alpine AS assets\nWORKDIR /app\nRUN echo \"gem 'shakapacker'\" > Gemfile && bundle install\n"
               "FROM nginx:1.27\nCOPY --from=assets /app/public /usr/share/nginx/html\n")
    codes = {f.code for f in migrate(written).findings}
    assert "MIG221" not in codes and "MIG220" in codes


def test_a_ruby_version_file_in_a_copied_directory_is_seen(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".ruby-version").write_text("3.3.4\n")
    (tmp_path / "app" / "Gemfile").write_text("ruby file: '.ruby-version'\n")
    subdir = "FROM ruby:3.3\nWORKDIR /srv\nCOPY app/ ./\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n"
    [error] = [f for f in migrate_text(subdir, Options(context=tmp_path)).findings if f.code == "MIG221"]
    assert error.line == 3 and "`app/.ruby-version`" in error.message
