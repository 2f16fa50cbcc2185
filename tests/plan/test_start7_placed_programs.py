"""Issue 9 (start7): a builder RUN that puts the start command's program in place (cp, mv, install, ln)
gives the runtime that path, so the container can start (`go build -o app . && cp app /usr/local/bin/`
with `CMD ["app"]` was MIG540, broken)."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate


def go_app(run: str, command: str = 'CMD ["app"]') -> str:
    return f"FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN {run}\n{command}\n"


def assert_runs(text: str, copied: str) -> str:
    result = migrate(text)
    runtime = final_stage(result)
    assert f"COPY --from=builder {copied} {copied}\n" in runtime
    assert result.runtime is not None and result.runtime.status == "ok", result.runtime
    assert not [f for f in result.findings if f.code == "MIG540"]
    assert migrate(result.dockerfile).dockerfile == result.dockerfile  # idempotent
    return runtime


@pytest.mark.parametrize("run, copied", [
    ("go build -o app . && cp app /usr/local/bin/", "/usr/local/bin/app"),  # the reported case
    ("go build -o app . && cp app /usr/local/bin", "/usr/local/bin/app"),  # a known directory, no slash
    ("go build -o app . ; cp -v app /usr/bin/app", "/usr/bin/app"),  # a destination file name, after `;`
    ("go build -o app . && cp -t /usr/local/bin app", "/usr/local/bin/app"),  # -t DIR
    ("go build -o app . && cp --target-directory=/usr/local/sbin app", "/usr/local/sbin/app"),
    ("go build -o app ./cmd/app && go build -o tool ./cmd/tool && cp app tool /usr/local/bin/",
     "/usr/local/bin/app"),  # several sources
    ("go build -o app . && install -m 0755 app /usr/local/bin/", "/usr/local/bin/app"),
    ("go build -o app . && install -Dm755 app /usr/local/bin/app", "/usr/local/bin/app"),
    ("go build -o app . && install -o root -g root -t /usr/local/bin app", "/usr/local/bin/app"),
    ("mkdir -p /opt/bin && go build -o app . && cp app /opt/bin && ln -s /opt/bin/app /usr/local/bin/app",
     "/usr/local/bin/app"),  # ln -s: the link, followed by COPY
    ("go build -o out/app . && cd out && cp app /usr/local/bin/", "/usr/local/bin/app"),  # after `cd`
])
def test_the_runtime_gets_the_program_where_the_builder_put_it(run: str, copied: str) -> None:
    assert_runs(go_app(run), copied)


def test_a_moved_binary_is_copied_from_where_it_went_not_from_where_it_was_built() -> None:
    runtime = assert_runs(go_app("CGO_ENABLED=0 go build -o app . && mv app /usr/local/bin/server",
                                 'ENTRYPOINT ["server", "--port", "8080"]'), "/usr/local/bin/server")
    assert "/src/app" not in runtime  # gone after mv: copying it would fail the build
    assert runtime.startswith("cgr.dev/chainguard/static:latest\n")


def test_a_program_started_by_path_under_workdir() -> None:
    assert_runs(go_app("go build -o app . && mkdir -p bin && cp app bin/server", 'CMD ["./bin/server"]'),
                "/src/bin/server")


def test_a_program_started_through_a_wrapper_and_a_shell() -> None:
    assert_runs(go_app("go build -o app . && cp app /usr/local/bin/", 'CMD ["sh", "-c", "exec app --debug"]'),
                "/usr/local/bin/app")


def test_the_finding_says_where_the_program_came_from() -> None:
    result = migrate(go_app("go build -o app . && cp app /usr/local/bin/"))
    notes = [f for f in result.findings if f.code == "MIG518" and "/usr/local/bin/app" in f.message]
    assert notes and notes[0].line == 4


def test_a_placed_file_the_command_does_not_start_is_not_copied() -> None:
    result = migrate(go_app("go build -o /usr/local/bin/app . && cp /etc/hosts /usr/local/bin/hosts-copy",
                            'CMD ["app"]'))
    runtime = final_stage(result)
    assert "hosts-copy" not in runtime
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app" in runtime


def test_a_rust_binary_copied_onto_path_starts() -> None:
    text = ("FROM rust:1.79\nWORKDIR /usr/src/app\nCOPY . .\n"
            "RUN cargo build --release && cp target/release/myapp /usr/local/bin/myapp\nCMD [\"myapp\"]\n")
    assert_runs(text, "/usr/local/bin/myapp")


def test_a_program_the_runtime_image_has_is_not_copied_from_the_builder() -> None:
    text = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install -r requirements.txt && ln -sf /usr/local/bin/python3 /usr/local/bin/python\n"
            'CMD ["python", "app.py"]\n')
    result = migrate(text)
    assert "/usr/local/bin/python" not in final_stage(result)
    assert result.runtime is not None and result.runtime.status == "ok", result.runtime


def test_a_single_source_copied_to_a_new_name_in_an_unknown_directory_is_that_file() -> None:
    assert_runs(go_app("go build -o app . && cp app /server", 'CMD ["/server"]'), "/server")


def test_a_c_program_installed_onto_path_gets_a_distroless_runtime_not_a_kept_shell() -> None:
    text = ("FROM debian:12\nRUN apt-get update && apt-get install -y gcc\nCOPY main.c /src/\nWORKDIR /src\n"
            "RUN gcc -O2 -o app main.c && install -m 0755 app /usr/local/bin/\nCMD [\"app\"]\n")
    runtime = assert_runs(text, "/usr/local/bin/app")  # was single-stage on wolfi-base: `app` not found
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest\n")


def test_a_cargo_install_output_moved_onto_path_is_copied_from_where_it_went() -> None:
    text = ("FROM rust:1.79\nWORKDIR /usr/src/app\nCOPY . .\n"
            "RUN cargo install --path . && mv /usr/local/cargo/bin/myapp /usr/local/bin/\nCMD [\"myapp\"]\n")
    assert_runs(text, "/usr/local/bin/myapp")


def test_a_glob_of_programs_copied_onto_path() -> None:
    assert_runs(go_app("mkdir -p out && go build -o out/ ./cmd/... && cp out/* /usr/local/bin/"),
                "/usr/local/bin/app")


def test_a_destination_named_by_the_stage_variables() -> None:
    text = ("FROM golang:1.22\nENV APP_HOME=/opt/svc\nWORKDIR /src\nCOPY . .\n"
            "RUN go build -o app . && mkdir -p $APP_HOME/bin && cp app ${APP_HOME}/bin/\n"
            'CMD ["/opt/svc/bin/app"]\n')
    assert_runs(text, "/opt/svc/bin/app")


def test_a_directory_put_in_place_goes_whole() -> None:
    text = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN go build -o dist/bin/app . && cp -r dist/templates dist/bin/ && mv dist /opt/app\n"
            'ENV PATH=/opt/app/bin:$PATH\nCMD ["app"]\n')
    runtime = assert_runs(text, "/opt/app")
    assert "/src/dist/bin/app" not in runtime  # moved away with its directory


def test_an_entrypoint_script_copied_onto_path_gets_a_runtime_with_a_shell() -> None:
    text = go_app("go build -o /usr/local/bin/app . && cp docker-entrypoint.sh /usr/local/bin/ "
                  "&& chmod +x /usr/local/bin/docker-entrypoint.sh",
                  'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["app"]')
    result = migrate(text)
    # the script is the build context's (golang had bash, the tool cannot read it): as with its COPY form, one
    # stage on wolfi-base that installs bash and puts the script in place itself (a split runtime lacked bash)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache bash ")
    assert "cp docker-entrypoint.sh /usr/local/bin/" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "single-stage", result.runtime  # was broken
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_the_cmd_program_an_entrypoint_starts_is_copied_too() -> None:
    text = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
            "RUN go build -o app ./cmd/app && go build -o launcher ./cmd/launcher && cp app launcher /usr/local/bin/\n"
            'ENTRYPOINT ["launcher"]\nCMD ["app", "serve"]\n')
    runtime = assert_runs(text, "/usr/local/bin/launcher")
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app\n" in runtime


@pytest.mark.parametrize("run, condition", [
    ("go build -o app . && [ -f app ] && cp app /usr/local/bin/; echo built", "after the test `[ -f app ]`"),
    ("go build -o app . && if [ -f app ]; then cp app /usr/local/bin/; fi", "inside if"),
    ("go build -o app . && cp app /usr/local/bin/ || true", "its failure is ignored"),
])
def test_a_program_placed_on_a_condition_is_copied_with_a_warning_naming_the_condition(run: str,
                                                                                        condition: str) -> None:
    result = migrate(go_app(run))
    # the start command runs it, so the runtime still gets it; the warning says the COPY fails when it is absent
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app\n" in final_stage(result)
    (warning,) = [f for f in result.findings if f.code == "MIG572"]
    assert condition in warning.message and "fails the build" in warning.message and warning.line == 4
    assert migrate(result.dockerfile).dockerfile == result.dockerfile


def test_a_test_and_placement_that_ends_the_run_is_not_conditional() -> None:
    # when `[ -f app ]` fails the RUN fails: in a build that succeeds, cp ran
    result = migrate(go_app("go build -o app . && [ -f app ] && cp app /usr/local/bin/"))
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app\n" in final_stage(result)
    assert "MIG572" not in {f.code for f in result.findings}


def test_an_unconditional_placement_has_no_condition_warning() -> None:
    result = migrate(go_app("go build -o app . && cp app /usr/local/bin/ && [ -x /usr/local/bin/app ] || exit 1"))
    assert "MIG572" not in {f.code for f in result.findings}
