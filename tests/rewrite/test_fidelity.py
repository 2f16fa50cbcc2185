"""Issue 14 / issue 9 item 4: migrated files that look right but would fail on the real images.

Each test is a minimal reproduction of one class, migrated end to end (migrator.api.migrate_text).
"""

from __future__ import annotations

from migrator.api import migrate_text
from migrator.model import Options, Severity, TagPolicy


def migrate(text: str, **options: object):
    return migrate_text(text, Options(**options))  # type: ignore[arg-type]


def stage_text(dockerfile: str, name: str) -> str:
    """The lines of the stage called `name`, FROM line included."""
    lines = dockerfile.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("FROM") and line.endswith(f" AS {name}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("FROM")), len(lines))
    return "\n".join(lines[start:end])


def codes(result, severity: Severity | None = None) -> list[str]:
    return [f.code for f in result.findings if severity is None or f.severity is severity]


# --- users: the effective user through stage chains ---------------------------------------------

CHAIN = """\
FROM node:20 AS base
WORKDIR /app
COPY package.json .

FROM base AS runner
RUN addgroup --system --gid 1001 nodejs && adduser --system --uid 1001 nextjs
USER nextjs
CMD ["node", "server.js"]
"""


def test_a_stage_built_from_a_dev_stage_gets_user_root_for_its_user_commands():
    # node:latest-dev runs as node; `base` has no RUN, so nothing made it root: `runner` must
    result = migrate(CHAIN)
    runner = stage_text(result.dockerfile, "runner-build")
    assert runner.splitlines()[1] == "USER root"
    assert "inherits user node" in next(f.message for f in result.findings if f.code == "MIG502" and f.line == 5)


def test_a_parent_that_became_root_or_chose_a_user_is_not_overridden():
    text = CHAIN.replace("COPY package.json .", "COPY package.json .\nRUN npm ci")
    result = migrate(text)
    assert stage_text(result.dockerfile, "base").splitlines()[1] == "USER root"
    assert stage_text(result.dockerfile, "runner-build").splitlines()[1] != "USER root"
    chosen = CHAIN.replace("COPY package.json .", "COPY package.json .\nUSER node")
    # the original ran runner's RUN as node too
    assert stage_text(migrate(chosen).dockerfile, "runner-build").splitlines()[1] != "USER root"


# --- users: busybox adduser takes a group name ------------------------------------------------------

def test_a_gid_reference_becomes_a_group_name():
    result = migrate("FROM python:3.12-slim\nRUN useradd -u 1000 -g 1000 app\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "RUN addgroup -g 1000 app && adduser -D -u 1000 -G app app" in result.dockerfile


def test_chown_to_a_debian_user_is_reported():
    result = migrate("FROM php:8.3-cli\nRUN chown -R www-data:www-data /var/www\nCOPY . /app\nCMD [\"php\", \"/app/a.php\"]\n")
    [warning] = [f for f in result.findings if f.code == "MIG405"]
    assert warning.severity is Severity.WARNING and "www-data" in warning.message
    created = "RUN adduser --system --group www-data && chown -R www-data:www-data /var/www"
    assert "MIG405" not in codes(migrate(f"FROM php:8.3-cli\n{created}\nCOPY . /app\nCMD [\"php\", \"/app/a.php\"]\n"))


def test_uids_of_the_docker_hub_users_are_reported():
    text = (
        "FROM node:20\nWORKDIR /app\nENV PUID=1000\n"
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\nCOPY --chown=1000:1000 . .\n"
        "CMD [\"node\", \"server.js\"]\n"
    )
    result = migrate(text)
    shifted = [f for f in result.findings if f.code == "MIG406"]
    assert sorted(f.line for f in shifted) == [3, 4, 5]
    assert all("uid 1000" in f.message and "65532" in f.message for f in shifted)
    created = text.replace("npm ci", "useradd -u 1000 app && npm ci")
    assert "MIG406" not in codes(migrate(created))


# --- package names apk refuses ----------------------------------------------------------------------

def test_alpine_busybox_long_options_are_busybox_not_debian():
    result = migrate("FROM node:14-alpine\nRUN addgroup -S docker && adduser -S --shell /bin/bash --ingroup docker vscode\n"
                     "COPY . /app\nCMD [\"node\", \"/app/a.js\"]\n")
    assert "adduser -S --shell /bin/bash --ingroup docker vscode" in result.dockerfile
    assert "MIG402" not in codes(result)


def test_a_name_wolfi_lacks_is_an_error_and_a_wolfi_name_is_not_reported():
    result = migrate("FROM debian:12\nRUN apt-get update && apt-get install -y mailcap pwgen mssql-tools18\n"
                     "CMD [\"sqlcmd\"]\n")
    [error] = [f for f in result.findings if f.code == "MIG302"]
    assert error.severity is Severity.ERROR and "mssql-tools18" in error.message
    assert "mailcap" not in error.message and "pwgen" not in error.message


def test_a_package_list_in_an_arg_default_is_translated():
    text = ('FROM python:3.12-slim\nARG BUILD_DEPS="g++ libpq-dev"\n'
            "RUN apt-get update && apt-get install -y $BUILD_DEPS && pip install psycopg2 && apt-get purge -y $BUILD_DEPS\n"
            'COPY . /app\nCMD ["python", "/app/a.py"]\n')
    result = migrate(text)
    assert 'ARG BUILD_DEPS="gcc postgresql-dev"\n' in result.dockerfile
    assert "apk add --no-cache $BUILD_DEPS" in result.dockerfile
    assert "MIG305" not in codes(result)


# --- repository set-up (issue 9, item 4) ----------------------------------------------------------

def test_repository_set_up_in_an_earlier_run_follows_what_the_stage_installs():
    text = ("FROM ubuntu:22.04\nRUN add-apt-repository -y ppa:deadsnakes/ppa\n"
            "RUN apt-get update && apt-get install -y python3.11\nCOPY . /app\nCMD [\"python3\", \"/app/a.py\"]\n")
    result = migrate(text)
    assert "add-apt-repository" not in result.dockerfile and "MIG312" in codes(result)
    kept = migrate(text.replace("python3.11", "python3.11 mssql-tools18"))
    assert "add-apt-repository" in kept.dockerfile
    assert "MIG307" in codes(kept, Severity.ERROR)


# --- failures hidden by the shell -----------------------------------------------------------------

def test_a_failing_command_in_a_heredoc_without_set_e_says_it_is_hidden():
    text = ("# syntax=docker/dockerfile:1\nFROM debian:12\nRUN <<EOF\ndpkg -i /tmp/tool.deb\necho installed\nEOF\n"
            "CMD [\"tool\"]\n")
    [error] = [f for f in migrate(text).findings if f.code == "MIG307"]
    assert error.severity is Severity.ERROR and "hides this failure" in error.message
    strict = text.replace("RUN <<EOF", "RUN bash -e <<EOF")
    [error] = [f for f in migrate(strict).findings if f.code == "MIG307"]
    assert "hides" not in error.message


def test_a_shell_with_errexit_does_not_hide_failures():
    text = ("FROM debian:12\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n"
            "RUN dpkg -i /tmp/tool.deb; echo done\nCMD [\"tool\"]\n")
    [error] = [f for f in migrate(text).findings if f.code == "MIG307"]
    assert "hides" not in error.message


def test_exec_form_run_is_not_unparsable():
    text = "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN [\"dotnet\", \"publish\", \"-o\", \"/out\"]\n"
    result = migrate(text)
    assert "MIG403" not in codes(result)
    assert 'RUN ["dotnet", "publish", "-o", "/out"]' in result.dockerfile


# --- Docker Hub layout in commands ------------------------------------------------------------------

def test_docker_hub_paths_in_commands():
    text = (
        "FROM python:3.12\nENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n"
        "RUN apt-get update && apt-get install -y libjemalloc2 && ln -s /usr/local/bin/python /usr/bin/python\n"
        "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build\n"
        "COPY . /app\nCMD [\"python\", \"/app/a.py\"]\n"
    )
    result = migrate(text)
    assert "ENV LD_PRELOAD=/usr/lib/libjemalloc.so.2" in result.dockerfile
    assert "x86_64-linux-gnu" not in result.dockerfile and "ln -s" not in result.dockerfile
    assert "RUN apk add --no-cache libjemalloc2\n" in result.dockerfile
    [cache] = [f for f in result.findings if f.code == "MIG408"]
    assert "/usr/local/cargo" in cache.message


def test_copies_from_a_debian_image_keep_its_multiarch_path():
    text = ("FROM python:3.12\nCOPY --from=debian:12 /usr/lib/x86_64-linux-gnu/libz.so.1 /opt/\n"
            "COPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "--from=debian:12 /usr/lib/x86_64-linux-gnu/libz.so.1" in migrate(text).dockerfile


# --- version drift from :latest ------------------------------------------------------------------------

def test_a_pinned_major_version_latest_does_not_serve_is_a_warning():
    text = "FROM mcr.microsoft.com/dotnet/aspnet:6.0\nWORKDIR /app\nCOPY out/ .\nENTRYPOINT [\"dotnet\", \"App.dll\"]\n"
    [drift] = [f for f in migrate(text).findings if f.code == "MIG220"]
    assert drift.severity is Severity.WARNING
    assert "dotnet 6" in drift.message and "dotnet 10" in drift.message and "--tag-policy keep" in drift.message
    assert "MIG220" not in codes(migrate(text.replace(":6.0", ":10.0")))
    kept = migrate(text.replace(":6.0", ":9.0"), tag_policy=TagPolicy.KEEP)
    assert "MIG220" not in codes(kept)


def test_rustup_on_the_rust_image_is_an_error():
    text = "FROM rust:1.80 AS build\nRUN rustup target add wasm32-wasip1 && cargo build\nFROM debian:12\nCOPY --from=build /x /x\n"
    [error] = [f for f in migrate(text).findings if "rustup" in f.message and f.code == "MIG310"]
    assert error.severity is Severity.ERROR
    fetched = text.replace("RUN rustup", "RUN curl https://sh.rustup.rs -sSf | sh -s -- -y && rustup")
    assert not [f for f in migrate(fetched).findings if "rustup" in f.message and f.code == "MIG310"]


# --- programs that must run as root -------------------------------------------------------------------

SOCKET = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /watch .
FROM scratch
COPY --from=build /watch /watch
VOLUME /var/run/docker.sock
ENTRYPOINT ["/watch"]
"""


def test_a_scratch_image_that_talks_to_the_docker_socket_keeps_root():
    result = migrate(SOCKET)
    final = result.dockerfile.split("FROM cgr.dev/chainguard/static:latest", 1)[1]
    assert "\nUSER root\n" in final
    [kept] = [f for f in result.findings if f.code == "MIG550"]
    assert "docker.sock" in kept.message and kept.severity is Severity.WARNING


def test_a_split_runtime_with_the_docker_socket_keeps_root():
    text = ("FROM python:3.12\nENV DOCKER_HOST=unix:///var/run/docker.sock\nRUN pip install docker\n"
            "COPY . /app\nCMD [\"python\", \"/app/agent.py\"]\n")
    result = migrate(text)
    runtime = result.dockerfile.split("FROM cgr.dev/chainguard/python:latest\n", 1)[1]
    assert "USER root" in runtime and "MIG550" in codes(result)


def test_a_program_the_original_ran_as_nonroot_stays_nonroot():
    result = migrate(SOCKET.replace('ENTRYPOINT ["/watch"]', 'USER 65532\nENTRYPOINT ["/watch"]'))
    assert "MIG550" not in codes(result)
    assert "USER root" not in result.dockerfile.split("static:latest", 1)[1]


def test_users_created_in_a_parent_stage_exist_in_its_children():
    text = ("FROM python:3.12 AS base\nRUN useradd -r app\n"
            "FROM base AS final\nRUN chown -R app:app /srv\nCOPY . /app\nCMD [\"python\", \"/app/a.py\"]\n")
    assert "MIG405" not in codes(migrate(text))
