"""Adversary round 11, F2, F5, F6.

F2: an interpreter's script outside the WORKDIR (`python /srv/tool/main.py` after `git clone ... /srv/tool`,
`python /tmp/src/src/app.py` after `COPY . /tmp/src`): the runtime gets the script's whole app directory, not the
script alone or nothing; the start check reads the script argument and says when the file is not in the stage.
F5: `playwright install --with-deps` runs apt-get (E MIG577); the browsers it downloads reach the runtime.
F6: a numeric USER the -dev image has no account for (s2i's 1001) gets a HOME before npm/pip/composer run as it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, errors, final_stage, messages, migrate

from migrator.model import Severity


def status(result: object) -> str | None:
    runtime = getattr(result, "runtime", None)
    return None if runtime is None else runtime.status


# --- F2: the app directory of an interpreter's script


@pytest.mark.parametrize(("image", "install", "command", "root"), [
    ("python:3.12-slim", "RUN git clone --depth 1 https://example.com/tool.git /srv/tool && pip install -r "
     "/srv/tool/requirements.txt\n", '["python", "/srv/tool/main.py"]', "/srv/tool"),
    ("python:3.12-slim", "RUN git clone https://example.com/tool.git /srv/tool && pip install -r "
     "/srv/tool/requirements.txt\n", '["python3", "-u", "/srv/tool/cli/run.py", "--serve"]', "/srv/tool"),
    ("node:20-slim", "RUN git clone --depth 1 https://example.com/bot.git /srv/bot && cd /srv/bot && npm ci\n",
     '["node", "/srv/bot/index.js"]', "/srv/bot"),
    ("php:8.3-cli", "RUN git clone https://example.com/app.git /srv/app\n", '["php", "/srv/app/bin/run.php"]',
     "/srv/app"),
])
def test_a_cloned_app_outside_the_workdir_reaches_the_runtime_whole(image: str, install: str, command: str,
                                                                    root: str) -> None:
    result = migrate(f"FROM {image}\nRUN apt-get update && apt-get install -y git\n{install}CMD {command}\n")
    runtime = final_stage(result)
    assert f"COPY --from=builder {root} {root}\n" in runtime
    assert f"COPY --from=builder {root}/" not in runtime  # (not the script alone: its modules are beside it)
    assert status(result) == "ok"


def test_an_app_copied_to_tmp_and_run_from_there_reaches_the_runtime(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("import helpers\n")
    (tmp_path / "src" / "helpers.py").write_text("")
    result = migrate("FROM python:3.12-slim\nCOPY . /tmp/src\nRUN pip install --no-cache-dir -r "
                     "/tmp/src/requirements.txt\nCMD [\"python\", \"/tmp/src/src/app.py\"]\n", context=tmp_path)
    assert "COPY --from=builder /tmp/src /tmp/src\n" in final_stage(result)
    assert status(result) == "ok"


def test_a_build_input_in_tmp_that_the_start_does_not_run_stays_out_of_the_runtime() -> None:
    result = migrate("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt /tmp/build/\nRUN pip install -r "
                     "/tmp/build/requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    assert "/tmp/build" not in final_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /app /app\n" in final_stage(result)


@pytest.mark.parametrize(("command", "path"), [
    ('["python", "/tmp/src/src/app.py"]', "/tmp/src/src/app.py"),
    ('["python", "-u", "../tmp/src/worker.py"]', "/tmp/src/worker.py"),
    ('["node", "/tmp/src/server.js"]', "/tmp/src/server.js"),
    ('["java", "-Xmx512m", "-jar", "/tmp/src/app.jar"]', "/tmp/src/app.jar"),
])
def test_the_start_check_says_when_the_file_the_interpreter_runs_is_not_in_the_stage(command: str,
                                                                                      path: str) -> None:
    """A hand-written (already Chainguard) file: the interpreter is in the image, the app's file is not."""
    image = "node" if "node" in command else ("jre" if "java" in command else "python")
    text = (f"FROM cgr.dev/chainguard/{image}:latest-dev AS builder\nCOPY . /tmp/src\n"
            f"FROM cgr.dev/chainguard/{image}:latest\nWORKDIR /srv\nENTRYPOINT []\nCMD {command}\n")
    result = migrate(text)
    assert status(result) == "broken"
    [message] = errors(result, "MIG540")
    assert f"the file it runs, {path}, is not" in message


@pytest.mark.parametrize("command", ['["python", "-m", "app"]', '["python", "-c", "print(1)"]',
                                     '["python", "/usr/lib/python3.14/site-packages/x/main.py"]'])
def test_no_file_of_the_app_to_look_for_is_no_error(command: str) -> None:
    text = ("FROM cgr.dev/chainguard/python:latest-dev AS builder\nCOPY . /tmp/src\n"
            f"FROM cgr.dev/chainguard/python:latest\nENTRYPOINT []\nCMD {command}\n")
    assert "MIG540" not in codes(migrate(text))


@pytest.mark.parametrize("original", [
    "FROM node:20\nWORKDIR /app\nCMD [\"node\", \"server.js\"]\n",
    "FROM python:3.12-slim\nWORKDIR /code\nRUN pip install flask\nCMD [\"python\", \"/code/app.py\"]\n",
])
def test_a_file_no_stage_makes_is_given_at_run_time_and_no_error(original: str) -> None:
    """A development image whose sources are a bind mount (`docker run -v $PWD:/app`): no stage has them, in the
    original either."""
    result = migrate(original)
    assert "MIG540" not in codes(result)
    assert status(result) == "ok"


def test_the_script_copied_from_the_builder_is_found() -> None:
    text = ("FROM cgr.dev/chainguard/python:latest-dev AS builder\nCOPY . /tmp/src\n"
            "FROM cgr.dev/chainguard/python:latest\nCOPY --from=builder /tmp/src /tmp/src\nENTRYPOINT []\n"
            "CMD [\"python\", \"/tmp/src/src/app.py\"]\n")
    result = migrate(text)
    assert status(result) == "ok"


# --- F5: playwright install --with-deps


PLAYWRIGHT = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt && {install}
COPY . .
CMD ["python", "scrape.py"]
"""


@pytest.mark.parametrize("install", ["playwright install --with-deps chromium", "playwright install-deps",
                                     "python -m playwright install --with-deps", "npx playwright install --with-deps"])
def test_playwright_installing_the_browsers_system_libraries_is_an_error(install: str) -> None:
    result = migrate(PLAYWRIGHT.format(install=install))
    [message] = errors(result, "MIG577")
    assert "apt-get" in message and "the build stops" in message
    assert install in result.dockerfile  # (left as written: the error says what to do)


def test_the_browsers_playwright_downloads_reach_the_runtime_users_home() -> None:
    result = migrate(PLAYWRIGHT.format(install="playwright install chromium"))
    assert "COPY --from=builder /root/.cache/ms-playwright /home/nonroot/.cache/ms-playwright\n" in final_stage(result)
    assert "MIG577" not in codes(result)


def test_browsers_kept_where_playwright_browsers_path_says() -> None:
    text = PLAYWRIGHT.replace("WORKDIR /app\n", "WORKDIR /app\nENV PLAYWRIGHT_BROWSERS_PATH=/ms-playwright\n")
    result = migrate(text.format(install="playwright install chromium"))
    assert "COPY --from=builder /ms-playwright /ms-playwright\n" in final_stage(result)
    inside = migrate(text.replace("=/ms-playwright", "=0").format(install="playwright install chromium"))
    assert "ms-playwright" not in final_stage(inside)  # (0: in the package, copied with the venv)
    assert "MIG591" not in codes(inside)


# --- F6: a numeric USER without an account on the -dev image


UBI_NODE = """\
FROM registry.access.redhat.com/ubi9/nodejs-20-minimal
USER 0
RUN microdnf install -y tar gzip && microdnf clean all
USER 1001
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package*.json ./
RUN npm ci --omit=dev
COPY --chown=1001:0 . .
EXPOSE 8080
CMD ["node", "server.js"]
"""


def test_uid_1001_gets_a_home_before_npm_runs_as_it() -> None:
    result = migrate(UBI_NODE)
    builder = builder_stage(result)
    # (the HOME the s2i image gave uid 1001, its app directory: made for the uid, also where WORKDIR goes)
    assert ("RUN mkdir -p /opt/app-root/src && chown 1001 /opt/app-root/src\nENV HOME=/opt/app-root/src\n"
            "USER 1001\nWORKDIR /opt/app-root/src\n") in builder
    assert builder.index("ENV HOME=") < builder.index("RUN npm ci --omit=dev")
    [message] = messages(result, "MIG576")
    assert "uid 1001" in message and "`npm`" in message
    assert [f.severity for f in result.findings if f.code == "MIG576"] == [Severity.INFO]
    assert "HOME" not in final_stage(result)  # (the builder's: the runtime runs as its own user)


def test_the_home_is_made_as_root_when_the_user_before_is_not_root() -> None:
    text = ("FROM node:20 AS build\nUSER node\nWORKDIR /app\nCOPY --chown=node . .\nRUN npm run lint\n"
            "USER 1001\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\nCMD [\"node\", \"/app/server.js\"]\n")
    result = migrate(text)
    assert "USER root\nRUN mkdir -p /home/1001 && chown 1001 /home/1001\nENV HOME=/home/1001\nUSER 1001\n" \
        in result.dockerfile


@pytest.mark.parametrize(("change", "why"), [
    (("RUN npm ci --omit=dev\n", "RUN node build.js\n"), "no tool that writes under HOME"),
    (("USER 1001\n", "ENV HOME=/opt/app-root/src\nUSER 1001\n"), "the stage sets HOME"),
    (("USER 1001\n", "RUN adduser -D -u 1001 app\nUSER 1001\n"), "the stage makes the account"),
    (("USER 1001\n", "USER 65532\n"), "the image's own uid"),
])
def test_no_home_where_the_user_needs_none(change: tuple[str, str], why: str) -> None:
    result = migrate(UBI_NODE.replace(*change))
    assert "MIG576" not in codes(result), why
    assert "&& chown 1001 " not in result.dockerfile


def test_python_and_composer_steps_get_the_home_too() -> None:
    text = ("FROM registry.access.redhat.com/ubi9/php-82\nUSER 1001\nCOPY --chown=1001:0 . .\n"
            "RUN composer install --no-dev\nCMD [\"php\", \"-S\", \"0.0.0.0:8080\", \"-t\", \"public\"]\n")
    result = migrate(text)
    assert "ENV HOME=/opt/app-root/src\nUSER 1001\n" in result.dockerfile
    assert "`composer`" in messages(result, "MIG576")[0]


def test_go_install_writes_where_the_s2i_image_had_its_home() -> None:
    """go-toolset's HOME was /opt/app-root/src: `go install` wrote /opt/app-root/src/go/bin/server, which the next
    stage copies; with HOME=/ on go:latest-dev it could not write at all."""
    result = migrate("FROM registry.access.redhat.com/ubi9/go-toolset AS build\nUSER 1001\nWORKDIR /opt/app-root/src\n"
                     "COPY --chown=1001:0 . .\nRUN go install ./cmd/server\nFROM registry.access.redhat.com/ubi9/ubi-minimal\n"
                     "COPY --from=build /opt/app-root/src/go/bin/server /usr/local/bin/server\n"
                     "CMD [\"/usr/local/bin/server\"]\n")
    assert "ENV HOME=/opt/app-root/src\nUSER 1001\n" in result.dockerfile
    assert "`go`" in messages(result, "MIG576")[0]


@pytest.mark.parametrize(("entrypoint", "cmd"), [('["python"]', '["/app/main.py"]'),
                                                 ('["python3", "-u"]', '["/app/main.py", "--serve"]'),
                                                 ('["node"]', '["/app/server.js"]')])
def test_the_script_an_interpreter_entrypoint_is_given_stays_its_argument(entrypoint: str, cmd: str) -> None:
    """`ENTRYPOINT ["python"]` + `CMD ["/app/main.py"]`: the CMD is the interpreter's argument; started through
    the interpreter again it became `python python /app/main.py` ("can't open file '/app/python'")."""
    image = "node:20-slim" if "node" in entrypoint else "python:3.12-slim"
    result = migrate(f"FROM {image}\nWORKDIR /app\nCOPY . .\nENTRYPOINT {entrypoint}\nCMD {cmd}\n")
    runtime = final_stage(result)
    assert f"ENTRYPOINT {entrypoint}\nCMD {cmd}\n" in runtime
    assert "MIG545" not in codes(result)


def test_a_cloned_app_started_by_an_interpreter_entrypoint_reaches_the_runtime_whole() -> None:
    result = migrate("FROM python:3.12-slim\nRUN git clone https://example.com/tool.git /srv/tool && pip install -r "
                     "/srv/tool/requirements.txt\nENTRYPOINT [\"python\"]\nCMD [\"/srv/tool/main.py\"]\n")
    assert "COPY --from=builder /srv/tool /srv/tool\n" in final_stage(result)


def test_the_app_root_is_the_top_directory_the_dockerfile_put_there() -> None:
    """A RUN that works inside the clone (`cd /srv/tool/src && make`) does not make src/ the app's top."""
    result = migrate("FROM python:3.12-slim\nRUN git clone https://example.com/tool.git /srv/tool && cd /srv/tool/src "
                     "&& make && pip install -r /srv/tool/requirements.txt\nCMD [\"python\", \"/srv/tool/src/main.py\"]\n")
    assert "COPY --from=builder /srv/tool /srv/tool\n" in final_stage(result)
