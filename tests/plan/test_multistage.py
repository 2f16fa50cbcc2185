"""The multi-stage rewrite, behaviour by behaviour (each as a reviewer would check it)."""

from __future__ import annotations

from migration_tools import codes, final_stage, migrate


def test_python_app_gets_venv_and_entrypoint_reset() -> None:
    result = migrate("FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                     "CMD [\"python\", \"app.py\"]\n")
    assert [s.role for s in result.stages] == ["builder", "runtime"]
    assert "RUN python -m venv /opt/venv\nENV VIRTUAL_ENV=/opt/venv" in result.dockerfile
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/python:latest\n")
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    # python:3.11 ran the app as root; the runtime runs it as 65532, which must own its directory (MIG555)
    assert "COPY --from=builder --chown=65532:65532 /app /app" in runtime
    assert 'ENTRYPOINT []\nCMD ["python", "app.py"]' in runtime
    assert "RUN" not in runtime


def test_pip_user_flag_is_removed_inside_the_venv() -> None:
    result = migrate("FROM python:3.12\nCOPY . /app\nRUN pip install --user -r /app/req.txt\nCMD [\"python\"]\n")
    assert "RUN pip install -r /app/req.txt" in result.dockerfile
    assert "MIG516" in codes(result)


def test_go_cgo_disabled_runs_on_static_with_only_the_binary() -> None:
    result = migrate("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /bin/app ./cmd/app\n"
                     "ENTRYPOINT [\"/bin/app\"]\n")
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest")
    assert "COPY --from=builder /bin/app /bin/app" in runtime
    assert "COPY --from=builder /src" not in runtime


def test_go_with_cgo_runs_on_glibc_dynamic() -> None:
    result = migrate("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o app .\nCMD [\"./app\"]\n")
    assert final_stage(result).startswith("cgr.dev/chainguard/glibc-dynamic:latest")
    assert "COPY --from=builder /src/app /src/app" in result.dockerfile


def test_final_stage_run_that_only_installs_certificates_is_dropped() -> None:
    result = migrate("FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
                     "FROM alpine:3.20\nRUN apk add --no-cache ca-certificates tzdata && adduser -D app\n"
                     "COPY --from=build /out/app /app\nUSER app\nENTRYPOINT [\"/app\"]\n")
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/static:latest")
    assert "RUN" not in runtime and "USER nonroot" in runtime
    assert {"MIG526", "MIG512"} <= set(codes(result))


def test_shell_form_with_known_variables_becomes_exec_form() -> None:
    result = migrate("FROM python:3.12\nENV PORT=8000\nCOPY . /app\nRUN pip install gunicorn\n"
                     "CMD gunicorn -b 0.0.0.0:$PORT app:app\n")
    assert 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]' in final_stage(result)


def test_shell_features_keep_a_shell_and_say_so() -> None:
    # no python image has a shell: the stage stays on wolfi-base with python from apk, and a warning says why
    result = migrate("FROM python:3.12\nCOPY . /app\nRUN pip install x\nCMD python migrate.py && python app.py\n")
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache python-3")
    assert result.runtime is not None and result.runtime.status == "single-stage"
    warning = next(f for f in result.findings if f.code == "MIG542")
    assert warning.severity.value == "warning" and "needs a shell (shell syntax)" in warning.message


def test_shell_features_in_a_stage_chain_keep_the_parent_dev_image() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCOPY . /app\n"
                     "CMD python migrate.py && python app.py\n")
    # python:latest-dev's entrypoint is the interpreter: reset, as Docker Hub's python had none
    assert result.dockerfile.endswith(
        "FROM base\nCOPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\n"
        "COPY . /app\nENTRYPOINT []\nCMD python migrate.py && python app.py\n")
    assert result.runtime is not None and result.runtime.status == "shell-kept"
    warning = next(f for f in result.findings if f.code == "MIG541")
    assert warning.line == 5 and "shell syntax" in warning.message


def test_gosu_tini_and_curl_healthcheck() -> None:
    result = migrate("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                     "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
                     "ENTRYPOINT [\"tini\", \"--\"]\nCMD [\"gosu\", \"node\", \"node\", \"server.js\"]\n")
    runtime = final_stage(result)
    assert "gosu" not in runtime and "tini" not in runtime
    assert 'CMD ["node", "server.js"]' in runtime
    # node has no curl: the check asks the same URL with node's fetch
    assert "HEALTHCHECK CMD [\"node\", \"-e\", \"fetch('http://127.0.0.1/')" in runtime
    assert {"MIG508", "MIG509", "MIG552"} <= set(codes(result))


def test_entrypoint_script_is_reported() -> None:
    result = migrate("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCOPY entrypoint.sh /entrypoint.sh\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\n")
    warning = next(f for f in result.findings if f.code == "MIG541")
    assert warning.severity.value == "warning" and warning.line == 5 and "/entrypoint.sh" in warning.message
    assert result.runtime is not None and result.runtime.status == "shell-kept"


def test_useradd_user_becomes_the_runtime_user_with_chown() -> None:
    result = migrate("FROM python:3.12\nRUN useradd -m app\nWORKDIR /home/app\nCOPY . .\nRUN pip install x\n"
                     "USER app\nCMD [\"python\", \"main.py\"]\n")
    runtime = final_stage(result)
    assert "USER nonroot" in runtime
    assert "COPY --from=builder --chown=65532:65532 /home/app /home/app" in runtime
    assert "adduser -D app" in result.dockerfile


def test_nginx_moves_to_8080() -> None:
    result = migrate("FROM node:20 AS build\nRUN npm ci && npm run build\n"
                     "FROM nginx:1.27\nCOPY --from=build /dist /usr/share/nginx/html\nEXPOSE 80\n")
    assert "EXPOSE 8080" in final_stage(result) and "MIG520" in codes(result)


def test_privileged_port_is_reported() -> None:
    result = migrate("FROM python:3.12\nCOPY . /app\nRUN pip install x\nEXPOSE 443\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "MIG511" in codes(result)


def test_volume_directory_is_owned_by_runtime_user() -> None:
    result = migrate("FROM python:3.12\nCOPY . /app\nRUN pip install x\nVOLUME /data\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "RUN mkdir -p /data" in result.dockerfile
    assert "COPY --from=builder --chown=65532:65532 /data /data" in final_stage(result)


def test_shared_libraries_follow_dev_packages() -> None:
    result = migrate("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y libpq-dev libxml2-dev\n"
                     "COPY . /app\nRUN pip install psycopg2 lxml\nCMD [\"python\", \"/app/a.py\"]\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /runtime-libs/usr/lib/ /usr/lib/" in runtime
    assert "for path in /usr/lib/libpq.so.* /usr/lib/libxml2.so.*;" in result.dockerfile  # the builder stages them
    assert "MIG521" in codes(result)


def test_runtime_packages_the_runtime_lacks_are_listed() -> None:
    result = migrate("FROM python:3.12\nRUN apt-get update && apt-get install -y ffmpeg\nCOPY . /app\n"
                     "CMD [\"python\", \"/app/a.py\"]\n")
    # (fix89, review 21 S21-2: no RUN step runs ffmpeg, so the app does: the -dev runtime installs it)
    messages = [f.message for f in result.findings if f.code == "MIG238"]
    assert messages and "installed ffmpeg, whose programs" in messages[0]
    assert "RUN apk add --no-cache ffmpeg\n" in final_stage(result)


def test_stage_names_are_kept_and_references_stay_valid() -> None:
    result = migrate("FROM python:3.12 AS App\nCOPY . /app\nRUN pip install x\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "AS App-build" in result.dockerfile
    assert "COPY --from=App-build /opt/venv /opt/venv" in result.dockerfile
    assert final_stage(result).startswith("cgr.dev/chainguard/python:latest AS App\n")


def test_platform_flag_and_directives_are_kept() -> None:
    text = ("# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM golang:1.22 AS b\n"
            "RUN CGO_ENABLED=0 go build -o /x .\nFROM scratch\nCOPY --from=b /x /x\nENTRYPOINT [\"/x\"]\n")
    out = migrate(text).dockerfile
    assert out.startswith("# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM cgr.dev/chainguard/go:latest-dev AS b\n")


def test_digest_and_arg_in_from_are_reported() -> None:
    result = migrate("ARG PY=3.12\nFROM python:${PY}-slim@sha256:" + "a" * 64 + "\nCOPY . /app\nCMD [\"python\"]\n")
    assert {"MIG204", "MIG208"} <= set(codes(result))


def test_unknown_and_windows_images_are_untouched_with_errors() -> None:
    for text, code in (("FROM corp.example.com/base:1\nRUN make\n", "MIG202"),
                       ("FROM python:3.12-windowsservercore\nRUN pip install x\n", "MIG203"),
                       ("FROM $BASE\nRUN make\n", "MIG205")):
        result = migrate(text)
        assert result.dockerfile == text
        assert any(f.code == code and f.severity.value == "error" for f in result.findings)


def test_add_of_local_files_becomes_copy_but_urls_stay() -> None:
    out = migrate("FROM python:3.12\nADD . /app\nADD https://example.com/x.tgz /tmp/\nRUN pip install x\n"
                  "CMD [\"python\"]\n").dockerfile
    assert "COPY . /app" in out and "ADD https://example.com/x.tgz /tmp/" in out


def test_java_opts_variable_gives_exec_form() -> None:
    result = migrate("FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n"
                     "CMD [\"sh\", \"-c\", \"java $JAVA_OPTS -jar /app.jar\"]\n")
    assert 'CMD ["java", "-jar", "/app.jar"]' in final_stage(result)
    assert "MIG529" in codes(result)


def test_crlf_file_stays_crlf() -> None:
    text = "FROM python:3.12\r\nCOPY . /app\r\nRUN pip install x\r\nCMD [\"python\", \"/app/a.py\"]\r\n"
    out = migrate(text).dockerfile
    assert out.count("\n") == out.count("\r\n")


def test_pip_prefix_output_lands_where_chainguard_python_looks() -> None:
    result = migrate("FROM python:3.11-slim AS builder\nRUN pip install --prefix=/install -r requirements.txt\n"
                     "FROM python:3.11-slim\nCOPY --from=builder /install /usr/local\nCOPY . /app\n"
                     "CMD [\"python\", \"/app/main.py\"]\n")
    assert "COPY --from=builder /install /usr\n" in result.dockerfile
    assert "MIG516" in codes(result)


def test_pip_user_output_goes_to_the_nonroot_home() -> None:
    result = migrate("FROM python:3.11-slim AS builder\nRUN pip install --user flask\n"
                     "FROM python:3.11-slim\nCOPY --from=builder /root/.local /root/.local\nCOPY . /app\n"
                     "CMD [\"python\", \"/app/main.py\"]\n")
    assert "COPY --from=builder /root/.local /home/nonroot/.local\n" in result.dockerfile


def test_static_front_end_is_served_by_nginx() -> None:
    result = migrate("FROM node:18\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 3000\n"
                     "CMD [\"npx\", \"serve\", \"-s\", \"dist\", \"-l\", \"3000\"]\n")
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/nginx:latest")
    assert "COPY --from=builder /app/dist /usr/share/nginx/html" in runtime
    assert "EXPOSE 8080" in runtime and "CMD" not in runtime and "serve" not in runtime
    assert "MIG532" in codes(result)


def test_maintainer_becomes_a_label_everywhere() -> None:
    result = migrate("FROM python:3.12\nMAINTAINER Jane <jane@example.com>\nCOPY . /app\nRUN pip install x\n"
                     "CMD [\"python\", \"/app/a.py\"]\n")
    assert "MAINTAINER" not in result.dockerfile
    assert result.dockerfile.count('LABEL maintainer="Jane <jane@example.com>"') == 2


def test_chown_to_a_user_wolfi_lacks_is_reported() -> None:
    # www-data came with php's image: the builder creates it (MIG562); bob came with nothing
    result = migrate("FROM php:8.2-cli\nCOPY --chown=www-data:www-data . /app\nCOPY --chown=bob . /b\n"
                     "RUN useradd app\nCOPY --chown=app . /x\nCMD [\"php\", \"/app/a.php\"]\n")
    messages = [f for f in result.findings if f.code == "MIG534"]
    assert len(messages) == 1 and messages[0].line == 3 and "bob" in messages[0].message
    assert "USER root\nRUN adduser -D www-data\nCOPY --chown=www-data:www-data . /app\n" in result.dockerfile


def test_app_copied_into_root_carries_what_the_command_names() -> None:
    # the context landed in / under names the Dockerfile does not show: the runtime repeats the COPY
    result = migrate("FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
    assert "\nCOPY . /\n" in final_stage(result)
    assert "MIG523" in codes(result) and result.runtime is not None and result.runtime.status == "ok"
