"""Adversary round 12, G19 and G20: programs the original started by name from a directory its image had on
PATH, or from a global package tree, reach the runtime where its PATH finds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.model import Result, Severity

_GO = "FROM golang:1.22\nWORKDIR /go/src/app\nCOPY . .\n"


def _errors(result: Result) -> list[str]:
    return [f"{f.code} {f.message}" for f in result.findings if f.severity is Severity.ERROR]


def _started(result: Result) -> None:
    assert result.runtime is not None and result.runtime.status == "ok", result.runtime
    assert not _errors(result)


# G20: Docker Hub golang's PATH has /go/bin; glibc-dynamic's does not
@pytest.mark.parametrize("build", ["RUN go build -o /go/bin/app .", "RUN go mod download && go build -o /go/bin/app ."])
def test_a_binary_built_into_golangs_go_bin_and_started_by_name_goes_where_the_runtime_path_finds_it(
        build: str) -> None:
    result = migrate(_GO + f'{build}\nCMD ["app", "-config", "config/app.yaml"]\n')
    runtime = final_stage(result)
    assert "COPY --from=builder /go/bin/app /usr/local/bin/app\n" in runtime
    assert 'CMD ["app", "-config", "config/app.yaml"]' in runtime and "/go/bin/app /go/bin/app" not in runtime
    _started(result)
    assert any("/go/bin/app -> /usr/local/bin/app" in m and "/go/bin was on the PATH of the source image" in m
               for m in messages(result, "MIG518"))


def test_a_start_command_and_health_check_naming_the_old_path_name_the_new_one() -> None:
    result = migrate(_GO + 'RUN go build -o /go/bin/app .\nHEALTHCHECK CMD ["/go/bin/app", "-health"]\n'
                     'CMD ["/go/bin/app"]\n')
    runtime = final_stage(result)
    assert 'HEALTHCHECK CMD ["/usr/local/bin/app", "-health"]' in runtime
    assert 'CMD ["/usr/local/bin/app"]' in runtime and "/go/bin/app /usr/local/bin/app" in runtime
    _started(result)


def test_a_whole_go_bin_directory_goes_to_usr_local_bin() -> None:
    result = migrate(_GO + 'RUN go build -o /go/bin/ ./...\nCMD ["app"]\n')
    assert "COPY --from=builder /go/bin/ /usr/local/bin/\n" in final_stage(result)


@pytest.mark.parametrize("kept", ["ENV PATH=/go/bin:$PATH\n", "ENV GOPATH=/go\n"])
def test_a_path_the_stage_itself_sets_is_carried_and_the_binary_stays(kept: str) -> None:
    install = "RUN go install .\n" if "GOPATH" in kept else "RUN go build -o /go/bin/app .\n"
    result = migrate(_GO.replace("WORKDIR", kept + "WORKDIR") + install + 'CMD ["app"]\n')
    runtime = final_stage(result)
    assert "/usr/local/bin" not in runtime and "/go/bin" in runtime
    _started(result)


def test_where_go_installs_tools_fill_usr_local_bin_the_runtime_path_has_go_bin_instead() -> None:
    result = migrate(_GO + "RUN go install github.com/x/tool@latest && go build -o /go/bin/app .\nCMD [\"app\"]\n")
    runtime = final_stage(result)
    assert 'ENV PATH="/go/bin:$PATH"\n' in runtime and "COPY --from=builder /go/bin/app /go/bin/app\n" in runtime
    assert "COPY --from=builder /root/go/bin/ /usr/local/bin/\n" in runtime
    _started(result)


def test_a_rust_binary_copied_into_cargo_bin_and_started_by_name_goes_to_usr_local_bin() -> None:
    result = migrate("FROM rust:1.80\nWORKDIR /usr/src/app\nCOPY . .\n"
                     "RUN cargo build --release && cp target/release/app /usr/local/cargo/bin/app\nCMD [\"app\"]\n")
    runtime = final_stage(result)
    assert "COPY --from=builder /usr/local/cargo/bin/app /usr/local/bin/app\n" in runtime
    assert "/usr/local/cargo/bin/app /usr/local/cargo/bin/app" not in runtime
    _started(result)


def test_a_source_image_without_such_a_path_keeps_its_copies() -> None:
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y golang\nWORKDIR /src\nCOPY . .\n"
                     "RUN go build -o /go/bin/app .\nCMD [\"/go/bin/app\"]\n")
    assert "/usr/local/bin/app" not in result.dockerfile


# G19: node's docker-entrypoint.sh idiom runs the CMD it is given; the start check follows it there
_ENTRYPOINT_SCRIPT = ('#!/bin/sh\nset -e\nif [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ]; then\n'
                      '  set -- node "$@"\nfi\nexec "$@"\n')
_PM2 = ("FROM node:18-slim\nENV NODE_ENV production\nRUN npm i -g pm2@5\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\nRUN mkdir /opt/node_app && chown node:node /opt/node_app\nUSER node\n'
        "WORKDIR /opt/node_app\nCOPY --chown=node:node package.json package-lock.json* ./\n"
        "RUN npm ci && npm cache clean --force\nCOPY --chown=node:node . .\n{command}\n")


def _node_context(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    (tmp_path / "package-lock.json").write_text("{}")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "www").write_text("require('express')\n")
    (tmp_path / "server.js").write_text("require('express')\n")
    script = tmp_path / "docker-entrypoint.sh"
    script.write_text(_ENTRYPOINT_SCRIPT)
    script.chmod(0o755)


@pytest.mark.parametrize("install", ["RUN npm i -g pm2@5", "RUN yarn global add pm2"])
def test_a_global_program_an_entrypoint_script_execs_keeps_the_stage_that_installs_it(
        install: str, tmp_path: Path) -> None:
    _node_context(tmp_path)
    result = migrate(_PM2.replace("RUN npm i -g pm2@5", install).format(command='CMD ["pm2-runtime", "./bin/www"]'),
                     context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache nodejs ")
    assert result.dockerfile.count("FROM ") == 1
    assert f"{install}\n" in result.dockerfile and 'CMD ["pm2-runtime", "./bin/www"]' in result.dockerfile
    [why] = messages(result, "MIG586")
    assert "pm2-runtime" in why and "globally" in why
    assert result.runtime is not None and result.runtime.status == "single-stage" and not _errors(result)


@pytest.mark.parametrize("command", ['CMD ["node", "server.js"]', 'CMD ["server.js"]', 'CMD ["npm", "start"]'])
def test_an_entrypoint_script_that_execs_what_the_runtime_has_keeps_the_node_runtime(
        command: str, tmp_path: Path) -> None:
    _node_context(tmp_path)
    result = migrate(_PM2.replace("RUN npm i -g pm2@5\n", "").format(command=command), context=tmp_path)
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "shell-kept" and not _errors(result)


def test_a_program_the_script_execs_that_nothing_installs_is_an_error(tmp_path: Path) -> None:
    _node_context(tmp_path)
    result = migrate(_PM2.replace("RUN npm i -g pm2@5\n", "").format(command='CMD ["pm2-runtime", "./bin/www"]'),
                     context=tmp_path)
    assert any("`docker-entrypoint.sh` ends with `exec \"$@\"`" in m and "`pm2-runtime`" in m
               for m in messages(result, "MIG540")), result.findings


def test_a_command_name_the_script_handles_itself_is_not_read_as_a_program(tmp_path: Path) -> None:
    _node_context(tmp_path)
    (tmp_path / "docker-entrypoint.sh").write_text('#!/bin/sh\nset -e\nif [ "$1" = "web" ]; then\n'
                                                   "  exec node server.js\nfi\nexec \"$@\"\n")
    result = migrate(_PM2.replace("RUN npm i -g pm2@5\n", "").format(command='CMD ["web"]'), context=tmp_path)
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "shell-kept" and not _errors(result)


def test_a_file_of_the_workdir_the_script_hands_to_node_is_not_read_as_a_missing_program(tmp_path: Path) -> None:
    _node_context(tmp_path)
    (tmp_path / "worker").write_text("require('express')\n")
    result = migrate(_PM2.replace("RUN npm i -g pm2@5\n", "").format(command='CMD ["worker"]'), context=tmp_path)
    assert "FROM cgr.dev/chainguard/node:latest\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "shell-kept" and not _errors(result)


def test_a_launcher_the_script_execs_that_only_the_dev_image_has_keeps_the_dev_image(tmp_path: Path) -> None:
    _node_context(tmp_path)
    result = migrate(_PM2.replace("RUN npm i -g pm2@5\n", "").format(command='CMD ["yarn", "start"]'), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest-dev\n")
    assert any("`yarn`" in m for m in messages(result, "MIG575"))
