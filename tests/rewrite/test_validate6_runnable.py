"""Issue 9, runnable output (validate6): defects the engine tests on the stand-ins showed.

Ruby: ruby:latest-dev ships bundler, so `bundle install` downloads nothing of it; nginx: a copied
server block that listens on 80 follows EXPOSE to 8080.
"""

from __future__ import annotations

from pathlib import Path

from migration_tools import builder_stage, codes, final_stage, migrate

from migrator.model import Severity


def findings_by_code(result) -> dict[str, list]:
    table: dict[str, list] = {}
    for f in result.findings:
        table.setdefault(f.code, []).append(f)
    return table


# --- ruby: no rubygems.org download of bundler for a build that only installs gems -----------------

RUBY_APP = """\
FROM ruby:3.3-slim
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["ruby", "app.rb"]
"""


def test_bundle_install_uses_the_dev_image_bundler_without_a_download(tmp_path: Path):
    # (the build context shows app.rb, which does not load Bundler: without it, the app may, and gets bundler)
    (tmp_path / "app.rb").write_text('require "sinatra"\n')
    result = migrate(RUBY_APP, context=tmp_path)
    assert "gem install bundler" not in result.dockerfile
    assert "RUN bundle install" in builder_stage(result)
    assert "COPY --from=builder /usr/local/bundle /usr/local/bundle" in final_stage(result)
    assert any("offline" in f.message for f in findings_by_code(result)["MIG515"])


def test_a_runtime_that_runs_bundle_still_gets_bundler_and_says_it_downloads():
    result = migrate(RUBY_APP.replace('CMD ["ruby", "app.rb"]', 'CMD ["bundle", "exec", "ruby", "app.rb"]'))
    assert result.dockerfile.count("RUN gem install bundler --no-document") == 1
    assert any("network access" in f.message for f in findings_by_code(result)["MIG515"])


# --- nginx: a copied `listen 80` follows EXPOSE to 8080 ---------------------------------------------

NGINX_OWN_CONFIG = """\
FROM nginx:alpine
COPY default.conf /etc/nginx/conf.d/default.conf
COPY public/ /usr/share/nginx/html/
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
"""

SERVER_80 = "server {\n    listen 80;\n    listen [::]:80 default_server;\n    root /usr/share/nginx/html;\n}\n"


def _context(tmp_path: Path, config: str, name: str = "default.conf") -> Path:
    (tmp_path / name).write_text(config)
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("hello\n")
    return tmp_path


def test_copied_server_block_on_port_80_is_rewritten_to_8080_in_the_builder(tmp_path):
    result = migrate(NGINX_OWN_CONFIG, context=_context(tmp_path, SERVER_80))
    builder, runtime = builder_stage(result), final_stage(result)
    assert "EXPOSE 8080" in runtime
    sed = [line for line in builder.splitlines() if line.startswith("RUN sed -i -E -e ")]
    assert len(sed) == 1 and sed[0].endswith(" /etc/nginx/conf.d/nginx.default.conf")
    assert builder.index("COPY default.conf") < builder.index("USER root\nRUN sed")  # -dev runs as nginx
    assert "COPY --from=builder /etc/nginx/conf.d/nginx.default.conf" in runtime
    assert "MIG535" not in codes(result)


def test_the_builder_sed_turns_every_port_80_listen_into_8080_and_nothing_else(tmp_path):
    """The sed expression itself, run with the host's sed -E as busybox's would run it."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("sed") is None:
        pytest.skip("no sed on this machine")
    result = migrate(NGINX_OWN_CONFIG, context=_context(tmp_path, SERVER_80))
    line = next(x for x in result.dockerfile.splitlines() if x.startswith("RUN sed -i -E -e "))
    config = tmp_path / "conf"
    config.write_text("listen 80;\n  listen [::]:80 default_server;\nlisten 127.0.0.1:80;\nlisten 8080;\n"
                      "# listen 80;\nlisten 801;\nserver { listen 80; listen [::]:80; }\n")
    script = line.removeprefix("RUN ").rsplit(" ", 1)[0] + f" {config}"
    subprocess.run(["sh", "-c", script], check=True)
    assert config.read_text() == ("listen 8080;\n  listen [::]:8080 default_server;\nlisten 127.0.0.1:8080;\n"
                                  "listen 8080;\n# listen 80;\nlisten 801;\nserver { listen 8080; listen [::]:8080; }\n")


def test_a_config_that_listens_on_8080_already_is_left_alone(tmp_path):
    result = migrate(NGINX_OWN_CONFIG, context=_context(tmp_path, SERVER_80.replace(":80 ", ":8080 ").replace(" 80;", " 8080;")))
    assert "sed -i" not in result.dockerfile and "MIG535" not in codes(result)


def test_config_the_tool_cannot_rewrite_gets_a_warning_naming_the_file():
    # copied straight into the distroless nginx (no builder with a shell), and no context to read
    text = ("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
            "FROM nginx:1.25\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
            "EXPOSE 80\n")
    result = migrate(text)
    assert "EXPOSE 8080" in result.dockerfile
    warned = findings_by_code(result)["MIG535"]
    assert [(f.line, f.severity) for f in warned] == [(6, Severity.WARNING)]
    assert "nginx.conf" in warned[0].message and "listen 8080" in warned[0].message


def test_a_listen_inside_a_one_line_block_is_found_and_rewritten(tmp_path):
    (tmp_path / "nginx.conf").write_text("http { server { listen 80; } }\n")
    text = "FROM nginx:1.25\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY dist /usr/share/nginx/html\nEXPOSE 80\n"
    result = migrate(text, context=tmp_path)
    assert "RUN sed -i -E -e " in builder_stage(result) and "MIG535" not in codes(result)
    assert "EXPOSE 8080" in final_stage(result)


# --- a stage kept on wolfi-base keeps the toolchain its source image provided ------------------------

SCRIPT_BUILD = 'FROM {image}\nWORKDIR /src\nCOPY . .\nRUN ./build.sh\nCMD ["./app"]\n'


def _apk_packages(dockerfile: str) -> list[str]:
    return [p for line in dockerfile.splitlines() if line.startswith("RUN apk add --no-cache ")
            for p in line.removeprefix("RUN apk add --no-cache ").split(" && ")[0].split()]


def test_golang_with_an_unreadable_build_script_keeps_go_on_wolfi_base():
    result = migrate(SCRIPT_BUILD.format(image="golang:1.22"))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert "go" in _apk_packages(result.dockerfile)


def test_every_language_image_kept_on_wolfi_base_keeps_its_toolchain():
    expected = {
        "golang:1.22": {"go"}, "rust:1.80": {"rust", "build-base"}, "node:20": {"nodejs", "npm"},
        "python:3.12": {"python-3", "py3-pip"}, "ruby:3.3": {"ruby-4.0"}, "php:8.2-cli": {"php"},
        "eclipse-temurin:17": {"openjdk-17-default-jdk"},
        "maven:3-eclipse-temurin-17": {"openjdk-17-default-jdk", "maven"},
        "gradle:8-jdk17": {"openjdk-17-default-jdk", "gradle"},
    }
    for image, packages in expected.items():
        result = migrate(SCRIPT_BUILD.format(image=image))
        assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"), image
        assert packages <= set(_apk_packages(result.dockerfile)), (image, result.dockerfile)


def test_a_java_the_runtime_needs_is_not_installed_twice_for_the_source_image():
    # the jar is built on jdk:latest-dev: the single stage runs the newest Java, not a second, older one
    text = ("FROM eclipse-temurin:21-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ./gradlew installDist\n"
            "FROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY --from=build /app .\n"
            'ENTRYPOINT ["/app/build/install/svc/bin/svc"]\n')
    packages = _apk_packages(migrate(text).dockerfile.split("\nFROM ", 2)[-1])
    assert len([p for p in packages if p.startswith("openjdk-")]) == 1


# --- Java: only the jar reaches a jre runtime; a start command that builds says why it cannot -------

JAVA_APP = 'FROM {image}\nWORKDIR /app\nCOPY . .\nRUN {build}\nCMD {cmd}\n'


def test_a_packaged_jar_is_all_the_jre_runtime_gets():
    for image, build, jar in (("maven:3-eclipse-temurin-17", "mvn package", "target/app.jar"),
                              ("gradle:8-jdk17", "gradle build", "build/libs/app.jar")):
        result = migrate(JAVA_APP.format(image=image, build=build, cmd=f'["java","-jar","{jar}"]'))
        runtime = final_stage(result)
        assert runtime.startswith("cgr.dev/chainguard/jre:latest\n")
        copies = [line for line in runtime.splitlines() if line.startswith("COPY")]
        assert copies == [f"COPY --from=builder /app/{jar} /app/{jar}"], runtime  # no sources, no pom.xml


def test_a_start_command_that_builds_from_the_sources_keeps_one_stage_that_can_run_it():
    for image, tool, package, cmd in (("maven:3-eclipse-temurin-17", "mvn", "maven", '["mvn","spring-boot:run"]'),
                                      ("gradle:8-jdk17", "gradle", "gradle", '["gradle","bootRun"]')):
        result = migrate(JAVA_APP.format(image=image, build=f"{tool} package" if tool == "mvn" else "gradle build",
                                         cmd=cmd))
        assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"), result.dockerfile
        assert {"openjdk-17-default-jdk", package} <= set(_apk_packages(result.dockerfile))
        found = findings_by_code(result)
        assert "MIG540" not in found  # it was a jre runtime without mvn: an image that could not start
        (why,) = found["MIG536"]
        assert why.severity == Severity.WARNING and "java -jar" in why.message and package in why.message
        assert "MIG519" not in found  # nothing is copied in one stage


def test_the_build_tool_wrappers_say_why_the_sources_stay_too():
    result = migrate('FROM eclipse-temurin:17-jdk\nWORKDIR /app\nCOPY . .\nRUN ./mvnw package\n'
                     'CMD ["./mvnw","spring-boot:run"]\n')
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert "openjdk-17-default-jdk" in _apk_packages(result.dockerfile)
    assert "Maven wrapper" in findings_by_code(result)["MIG536"][0].message


def test_a_copied_config_directory_has_its_conf_files_read_and_rewritten(tmp_path):
    (tmp_path / "nginx" / "sites").mkdir(parents=True)
    (tmp_path / "nginx" / "site.conf").write_text("server { listen 80; }\n")
    (tmp_path / "nginx" / "sites" / "api.conf").write_text("server {\n  listen 8080;\n}\n")
    (tmp_path / "nginx" / "mime.types").write_text("types { text/html html; }\n")
    for source in ("nginx", "nginx/"):
        text = (f"FROM nginx:1.25\nCOPY {source} /etc/nginx/conf.d/\nCOPY dist /usr/share/nginx/html\n"
                'EXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n')
        result = migrate(text, context=tmp_path)
        [sed] = [line for line in builder_stage(result).splitlines() if line.startswith("RUN sed")]
        assert sed.endswith("' /etc/nginx/conf.d/site.conf"), sed  # api.conf says 8080 already
        assert "MIG535" not in codes(result)


def test_a_config_directory_out_of_reach_is_warned_about():
    text = 'FROM nginx:1.25\nCOPY nginx/ /etc/nginx/conf.d/\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n'
    warned = findings_by_code(migrate(text))["MIG535"]
    assert "nginx/ may listen on 80" in warned[0].message
