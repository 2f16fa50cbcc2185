"""Re-judge round 20.

R20-2: a final stage the original ran as root (no USER), kept as one stage on python's -dev image because its start
script needs a shell, got `USER 65532` appended and no word of it: the script's data directory, made by a root RUN,
was not the app's, and the container exited. Now the directories the app may write are given to uid 65532 before
the USER line, and W MIG555 says the user changed.

R20-3: W MIG511 (nginx `listen 80` on the nonroot nginx runtime) came only for a conf COPYed from the build context,
not for the same conf reaching the runtime through a build stage (`COPY --from=build /app/nginx.conf ...`)."""

from __future__ import annotations

from pathlib import Path

from migration_tools import codes, final_stage, messages, migrate, status

from migrator.model import Severity

_ROOT_SCRIPT = """FROM python:3.12-alpine AS base

FROM base
WORKDIR /data
COPY entrypoint.sh /entrypoint.sh
RUN apk add --no-cache bash && mkdir -p /data/packages && chmod +x /entrypoint.sh
VOLUME /data/packages
ENTRYPOINT ["/entrypoint.sh"]
"""

_SCRIPT = """#!/usr/bin/env bash
set -e
test -w /data/packages || { echo "cannot write /data/packages" >&2; exit 1; }
exec python3 -m http.server 8080 -d /data/packages
"""


def _script_context(tmp_path: Path) -> Path:
    (tmp_path / "entrypoint.sh").write_text(_SCRIPT)
    return tmp_path


def test_a_root_stage_kept_on_the_dev_image_gives_its_directories_to_the_nonroot_user(tmp_path: Path) -> None:
    result = migrate(_ROOT_SCRIPT, context=_script_context(tmp_path))
    assert final_stage(result) == (
        "base\nCOPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\nUSER root\n"
        "WORKDIR /data\nCOPY entrypoint.sh /entrypoint.sh\n"
        "RUN apk add --no-cache bash && mkdir -p /data/packages && chmod +x /entrypoint.sh\nVOLUME /data/packages\n"
        "RUN mkdir -p /data /data/packages && chown 65532:65532 /data && chown -R 65532:65532 /data/packages\n"
        "ENTRYPOINT [\"/entrypoint.sh\"]\nUSER 65532\n")
    said = messages(result, "MIG555")
    assert len(said) == 1
    assert "the original ran as root; the final stage runs as nonroot (uid 65532), the user of python:latest-dev" \
        in said[0]
    assert "/data, /data/packages made its own" in said[0]
    assert "MIG555" in codes(result, Severity.WARNING)
    assert codes(result, Severity.ERROR) == []
    assert status(result) == "shell-kept"


def test_a_start_script_that_switches_users_itself_keeps_root(tmp_path: Path) -> None:
    (tmp_path / "entrypoint.sh").write_text("#!/usr/bin/env bash\nset -e\nchown -R app /data/packages\n"
                                            "exec gosu app python3 -m http.server 8080 -d /data/packages\n")
    text = _ROOT_SCRIPT.replace("apk add --no-cache bash", "apk add --no-cache bash gosu && adduser -D app")
    result = migrate(text, context=tmp_path)
    assert final_stage(result) == (
        "base\nCOPY --from=cgr.dev/chainguard/static:latest /usr/share/zoneinfo /usr/share/zoneinfo\nUSER root\n"
        "WORKDIR /data\nCOPY entrypoint.sh /entrypoint.sh\nRUN apk add --no-cache bash gosu && adduser -D app && "
        "mkdir -p /data/packages && chmod +x /entrypoint.sh\nVOLUME /data/packages\n"
        "ENTRYPOINT [\"/entrypoint.sh\"]\n")
    kept = messages(result, "MIG550")
    assert len(kept) == 1 and "its start script entrypoint.sh switches users itself (`gosu`)" in kept[0]
    assert "MIG550" in codes(result, Severity.WARNING)
    assert "MIG555" not in codes(result)
    assert codes(result, Severity.ERROR) == []
    assert status(result) == "shell-kept"


def test_a_stage_that_ran_as_a_user_of_its_own_gets_no_chown(tmp_path: Path) -> None:
    text = _ROOT_SCRIPT.replace("ENTRYPOINT", "USER nobody\nENTRYPOINT")
    result = migrate(text, context=_script_context(tmp_path))
    assert "chown" not in result.dockerfile
    assert "MIG555" not in codes(result)


def test_a_root_stage_on_wolfi_base_stays_root_and_says_nothing(tmp_path: Path) -> None:
    text = _ROOT_SCRIPT.replace("FROM python:3.12-alpine AS base\n\nFROM base\n", "FROM python:3.12-alpine\n")
    result = migrate(text, context=_script_context(tmp_path))
    assert "cgr.dev/chainguard/wolfi-base" in result.dockerfile
    assert "USER 65532" not in result.dockerfile and "chown" not in result.dockerfile
    assert "MIG555" not in codes(result)


_VIA_STAGE = """FROM node:20-alpine AS build
WORKDIR /app
COPY . .

FROM nginx:alpine
COPY --from=build /app/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/site /usr/share/nginx/html
ENTRYPOINT ["nginx", "-g", "daemon off;"]
"""


def _nginx_context(tmp_path: Path, listen: str, folder: str = "") -> Path:
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / "nginx.conf").write_text(f"server {{\n  {listen}\n  location / {{ root /usr/share/nginx/html; }}\n}}\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("hi\n")
    return tmp_path


def test_a_conf_copied_through_a_build_stage_is_read(tmp_path: Path) -> None:
    result = migrate(_VIA_STAGE, context=_nginx_context(tmp_path, "listen 80;"))
    assert final_stage(result) == (
        "cgr.dev/chainguard/nginx:latest\n"
        "COPY --from=build /app/nginx.conf /etc/nginx/conf.d/nginx.default.conf\n"
        "COPY --from=build /app/site /usr/share/nginx/html\n"
        "ENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]\n")
    found = messages(result, "MIG511")
    assert len(found) == 1
    assert "nginx.conf (copied to /etc/nginx) has nginx listen on port 80, below 1024" in found[0]
    assert "uid 65532" in found[0] and "Kubernetes" in found[0]
    assert "MIG511" in codes(result, Severity.WARNING)
    assert [f.line for f in result.findings if f.code == "MIG511"] == [6]
    assert status(result) == "ok"


def test_a_conf_directory_copied_through_a_build_stage_is_read(tmp_path: Path) -> None:
    text = _VIA_STAGE.replace("COPY --from=build /app/nginx.conf /etc/nginx/conf.d/default.conf",
                              "COPY --from=build /app/conf/ /etc/nginx/conf.d/")
    result = migrate(text, context=_nginx_context(tmp_path, "listen [::]:443 ssl;", "conf"))
    found = messages(result, "MIG511")
    assert len(found) == 1 and "conf/nginx.conf (copied to /etc/nginx) has nginx listen on port 443" in found[0]
    assert status(result) == "ok"


def test_an_unprivileged_conf_through_a_build_stage_says_nothing(tmp_path: Path) -> None:
    result = migrate(_VIA_STAGE, context=_nginx_context(tmp_path, "listen 8080;"))
    assert "MIG511" not in codes(result)
    assert status(result) == "ok"


def test_a_conf_the_build_stage_makes_is_not_read_as_the_context_s(tmp_path: Path) -> None:
    text = _VIA_STAGE.replace("COPY . .\n", "COPY . .\nRUN sed -i 's/listen 80/listen 8080/' nginx.conf\n")
    result = migrate(text, context=_nginx_context(tmp_path, "listen 80;"))
    assert "MIG511" not in codes(result)
