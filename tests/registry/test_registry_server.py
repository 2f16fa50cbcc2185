"""`--pin`, `--verify-tags` and validate's registry check against REAL registries on 127.0.0.1
(Debian's docker-registry, see conftest.py): the bearer-token flow as cgr.dev runs it, docker
credentials, htpasswd basic auth, an image without arm64, a registry that is not there."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from registry_servers import (
    PASSWORD,
    REFRESH_TOKEN,
    SERVICE,
    USER,
    Registries,
    basic_auth,
    docker_config,
    free_port,
)

from migrator.cli import main
from migrator.cli.comment_cmd import comment_main
from migrator.registry.lookup import default_lookup, reset_default_lookup

ROOT = Path(__file__).resolve().parents[2]
PINNED = re.compile(r"^FROM (?:--\S+ )*(\S+):([^\s@:/]+)@(sha256:[0-9a-f]{64})", re.MULTILINE)

GO_APP = """\
FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/inventory ./cmd/inventory

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/inventory /usr/local/bin/inventory
USER 1000
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/inventory"]
"""

NODE_APP = """\
FROM node:20-bookworm-slim
WORKDIR /srv/app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production
EXPOSE 3000
CMD ["node", "server.js"]
"""

PYTHON_APP = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
"""


def write(directory: Path, text: str, name: str = "Dockerfile") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


def served_digest(registries: Registries, repository: str, tag: str) -> str:
    """What the registry itself says, asked without migrator: an anonymous token, then HEAD."""
    token = httpx.get(registries.tokens.realm, params={"service": SERVICE,
                                                       "scope": f"repository:{repository}:pull"}).json()["token"]
    head = httpx.head(f"{registries.token.url}/v2/{repository}/manifests/{tag}", headers={
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json",
    })
    assert head.status_code == 200
    return head.headers["docker-content-digest"]


def assert_no_secret(registries: Registries, *texts: str) -> None:
    secrets = [*registries.tokens.issuer.issued, PASSWORD, basic_auth(), REFRESH_TOKEN]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_pin_an_unseen_app_writes_the_registrys_own_digests(registries: Registries, tmp_path: Path, capsys) -> None:
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "inventory", GO_APP)
    assert main(["--registry", prefix, "--pin", "--write", "--no-backup", str(path)]) == 0
    out, err = capsys.readouterr()
    written = path.read_text()
    pins = PINNED.findall(written)
    assert [(name, tag) for name, tag, _ in pins] == [(f"{prefix}/go", "latest-dev"), (f"{prefix}/static", "latest")]
    for name, tag, digest in pins:
        repository = name.split("/", 1)[1]
        assert digest == served_digest(registries, repository, tag)
        assert digest == registries.digests[f"{repository}:{tag}"]
    assert "USER nonroot" in written and "/usr/local/bin/inventory" in written  # the migration itself
    assert_no_secret(registries, out, err, written)
    lookup = default_lookup()
    requests = lookup.requests()
    assert requests <= 8  # per repository: 401, token, HEAD; no per-file waste

    # the output is migrated and pinned: --check is happy, with and without --pin, and asks nothing
    assert main(["--registry", prefix, "--check", str(path)]) == 0
    assert main(["--registry", prefix, "--check", "--pin", str(path)]) == 0
    assert lookup.requests() == requests
    assert main(["--registry", prefix, "--pin", "--write", str(path)]) == 0
    assert path.read_text() == written


def test_org_style_registry_with_docker_credentials(registries: Registries, tmp_path: Path, capsys) -> None:
    """acme/* needs a login at the token server: the docker config's auths entry is used, and a wrong
    password or no login at all is one line, exit 2, nothing written, no secret shown."""
    prefix = f"{registries.token.host}/acme"
    path = write(tmp_path / "svc", PYTHON_APP.replace("3.11-slim", "3.12-slim"))
    original = path.read_text()

    assert main(["--registry", prefix, "--pin", "--write", str(path)]) == 2
    _out, err = capsys.readouterr()
    assert err == (f"migrate: error: registry {registries.token.host} refused anonymous access to acme/python "
                   f"(HTTP 401): run `docker login {registries.token.host}`\n")
    assert path.read_text() == original and not (tmp_path / "svc/Dockerfile.bak").exists()

    config_dir = Path(os.environ["DOCKER_CONFIG"])
    docker_config(config_dir, registries.token.host, auth=basic_auth(USER, "wrong-password"))
    reset_default_lookup()  # a new run of the command: it reads the docker configuration again
    assert main(["--registry", prefix, "--pin", "--write", str(path)]) == 2
    _out, err = capsys.readouterr()
    token_host = registries.tokens.realm.split("/")[2]
    assert err == (f"migrate: error: registry {registries.token.host}: the token server {token_host} refused "
                   "the credentials from the docker configuration for acme/python (HTTP 401)\n")
    assert "wrong-password" not in err and path.read_text() == original

    docker_config(config_dir, registries.token.host, auth=basic_auth())
    reset_default_lookup()
    assert main(["--registry", prefix, "--pin", "--write", "--no-backup", str(path)]) == 0
    out, err = capsys.readouterr()
    pins = PINNED.findall(path.read_text())
    assert {(n, t, d) for n, t, d in pins} == {
        (f"{prefix}/python", "latest-dev", registries.digests["acme/python:latest-dev"]),
        (f"{prefix}/python", "latest", registries.digests["acme/python:latest"]),
    }
    granted = [r for r in registries.tokens.issuer.requests if r["user"] == USER]
    assert granted and all(r["service"] == SERVICE for r in granted)
    assert_no_secret(registries, out, err)


def test_identity_token_and_credential_helper(registries: Registries, tmp_path: Path, monkeypatch, capsys) -> None:
    prefix = f"{registries.token.host}/acme"
    config_dir = Path(os.environ["DOCKER_CONFIG"])
    docker_config(config_dir, registries.token.host, identitytoken=REFRESH_TOKEN)
    path = write(tmp_path / "a", PYTHON_APP.replace("3.11-slim", "3.12-slim"))
    assert main(["--registry", prefix, "--pin", str(path)]) == 0
    out, err = capsys.readouterr()
    assert len(PINNED.findall(out)) == 2
    assert any(r["method"] == "POST" and r["user"] == USER for r in registries.tokens.issuer.requests)
    assert_no_secret(registries, out, err)

    reset_default_lookup()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-testhelper"
    helper.write_text(f'#!/bin/sh\nread server\n[ "$server" = "{registries.token.host}" ] || exit 1\n'
                      f'echo \'{{"ServerURL":"{registries.token.host}","Username":"{USER}","Secret":"{PASSWORD}"}}\'\n')
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (config_dir / "config.json").write_text(json.dumps({"credHelpers": {registries.token.host: "testhelper"}}))
    assert main(["--registry", prefix, "--pin", str(path)]) == 0
    out, err = capsys.readouterr()
    assert len(PINNED.findall(out)) == 2
    assert_no_secret(registries, out, err)


def test_verify_tags_names_image_tag_and_platform(registries: Registries, tmp_path: Path, capsys) -> None:
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "web", NODE_APP)
    assert main(["--registry", prefix, "--verify-tags", "--pin", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (f"Dockerfile:1: E MIG641 {prefix}/node:latest has no linux/arm64 image "
            "(available: linux/amd64)") in err
    assert "node:latest-dev has no" not in err
    assert f"FROM {prefix}/node:latest@{registries.digests['chainguard/node:latest']}" in out  # still pinned
    data_code = main(["--registry", prefix, "--verify-tags", "--json", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert data_code == 0
    assert [f["code"] for f in data["findings"] if f["severity"] == "error"] == ["MIG641"]


def test_tag_policy_keep_names_the_nearest_tags(registries: Registries, tmp_path: Path, capsys) -> None:
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "api", PYTHON_APP)  # python:3.11-slim: the registry has 3.10, 3.12, 3.13
    assert main(["--registry", prefix, "--tag-policy", "keep", "--pin", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (f"Dockerfile:1: E MIG640 {prefix}/python:3.11-dev: the registry has no tag '3.11-dev' for "
            f"{prefix}/python; nearest tags: 3.12-dev, 3.10-dev, 3.13-dev") in err
    assert "nearest tags: 3.12, 3.13" in err
    # nothing else to pin: the python tags are missing; static's zone files (MIG317) are not
    assert out.count("@sha256:") == 1 and f"COPY --from={prefix}/static:latest@sha256:" in out


def test_htpasswd_registry_with_basic_auth(basic_registry, tmp_path: Path, capsys) -> None:
    registry, digest = basic_registry
    path = write(tmp_path / "x", "FROM python:3.12\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n")
    assert main(["--registry", f"{registry.host}/team", "--pin", str(path)]) == 2
    assert capsys.readouterr().err == (f"migrate: error: registry {registry.host} requires a login for team/python: "
                                       f"run `docker login {registry.host}` (read from $DOCKER_CONFIG/config.json)\n")
    reset_default_lookup()
    docker_config(Path(os.environ["DOCKER_CONFIG"]), f"http://{registry.host}", auth=basic_auth())
    assert main(["--registry", f"{registry.host}/team", "--pin", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"FROM {registry.host}/team/python:latest@{digest}" in out
    assert PASSWORD not in out + err and basic_auth() not in out + err


def test_unreachable_registry_is_one_line_and_writes_nothing(tmp_path: Path, capsys) -> None:
    port = free_port()
    path = write(tmp_path / "y", GO_APP)
    assert main(["--registry", f"127.0.0.1:{port}/chainguard", "--pin", "--write", str(path)]) == 2
    assert capsys.readouterr().err == f"migrate: error: cannot reach registry 127.0.0.1:{port}: connection refused\n"
    assert path.read_text() == GO_APP and not (tmp_path / "y/Dockerfile.bak").exists()
    assert main(["scan", str(tmp_path), "--registry", f"127.0.0.1:{port}/chainguard", "--pin", "--write"]) == 2
    assert capsys.readouterr().err.endswith(f"cannot reach registry 127.0.0.1:{port}: connection refused\n")
    assert path.read_text() == GO_APP


def test_scan_and_hook_pass_pin_through(registries: Registries, tmp_path: Path, capsys) -> None:
    prefix = f"{registries.token.host}/chainguard"
    go = write(tmp_path / "repo/inventory", GO_APP)
    node = write(tmp_path / "repo/web", NODE_APP)
    assert main(["scan", str(tmp_path / "repo"), "--registry", prefix, "--pin", "--write", "--jobs", "2"]) == 0
    capsys.readouterr()
    assert len(PINNED.findall(go.read_text())) == 2 and len(PINNED.findall(node.read_text())) == 2
    assert main(["hook", "check", "--registry", prefix, "--pin", str(go), str(node)]) == 0
    (tmp_path / "repo/.migrator.yaml").write_text(f"registry: {prefix}\npin: true\n")
    fresh = write(tmp_path / "repo/api", PYTHON_APP.replace("3.11-slim", "3.12-slim"))
    assert main(["hook", "fix", str(fresh)]) == 1
    assert len(PINNED.findall(fresh.read_text())) == 2


def test_bot_comment_shows_pinned_from_lines(registries: Registries, tmp_path: Path, monkeypatch, capsys) -> None:
    for name in [n for n in os.environ if n.startswith(("GITHUB_", "GITLAB", "CI_"))]:
        monkeypatch.delenv(name)
    prefix = f"{registries.token.host}/chainguard"
    write(tmp_path / "ws/services/inventory", GO_APP)
    code = comment_main(["--platform", "github", "--dry-run", "--workspace", str(tmp_path / "ws"),
                         "--file", "services/inventory/Dockerfile", "--registry", prefix, "--pin"])
    out, err = capsys.readouterr()
    assert code == 0, err
    block = out.split("Migrated `FROM` lines:", 1)[1].split("```", 2)[1]
    go_digest, static_digest = registries.digests["chainguard/go:latest-dev"], registries.digests["chainguard/static:latest"]
    assert f"FROM {prefix}/go:latest-dev@{go_digest} AS build" in block
    assert f"FROM {prefix}/static:latest@{static_digest}" in block
    assert_no_secret(registries, out, err)
    port = free_port()
    code = comment_main(["--platform", "github", "--dry-run", "--workspace", str(tmp_path / "ws"),
                         "--file", "services/inventory/Dockerfile", "--registry", f"127.0.0.1:{port}/cg", "--pin"])
    assert code == 2
    assert capsys.readouterr().err == f"migrate comment: cannot reach registry 127.0.0.1:{port}: connection refused\n"


# --- migrate validate: the registry check before any build -------------------------------------------


@pytest.fixture
def stub_builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A buildah on PATH that detection accepts; every other command it is asked is logged (and fails)."""
    bin_dir = tmp_path / "stub-bin"
    bin_dir.mkdir()
    log = tmp_path / "buildah.log"
    stub = bin_dir / "buildah"
    stub.write_text(f'#!/bin/sh\ncase "$1" in\n  --version) echo "buildah version 1.33.7 (image-spec 1.1.0)";;\n'
                    f'  images) exit 0;;\n  *) echo "$*" >> {log}; exit 1;;\nesac\n')
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    # the stub alone on PATH: a docker client with a reachable engine (CI runs one) would be chosen first
    monkeypatch.setenv("PATH", str(bin_dir))
    return log


def test_validate_refuses_before_building_when_arm64_is_missing(registries: Registries, tmp_path: Path,
                                                                stub_builder: Path, capsys) -> None:
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "web", f"FROM {prefix}/node:latest-dev AS builder\nRUN true\n\n"
                                   f"FROM {prefix}/node:latest\nCOPY --from=builder /etc/os-release /x\n"
                                   'CMD ["server.js"]\n')
    assert main(["validate", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["builder"]["name"] == "buildah"
    problems = [f for f in data["static"] if f["code"] in ("MIG640", "MIG641")]
    assert problems == [{"code": "MIG641", "severity": "error", "line": 4,
                         "message": f"{prefix}/node:latest has no linux/arm64 image (available: linux/amd64)"}]
    by_platform = {p["platform"]: p for p in data["platforms"]}
    assert by_platform["linux/amd64"]["status"] == "skipped"
    arm = by_platform["linux/arm64"]
    assert arm["status"] == "failed" and arm["error"]["line"] == 4
    assert arm["error"]["instruction"] == f"FROM {prefix}/node:latest"
    assert "linux/arm64" in arm["error"]["log_tail"]
    assert "nothing was built" in captured.err
    assert not stub_builder.exists()  # no build was started
    assert_no_secret(registries, captured.out, captured.err)


def test_validate_refuses_a_missing_tag_through_build_args(registries: Registries, tmp_path: Path,
                                                           stub_builder: Path, capsys) -> None:
    path = write(tmp_path / "api", "ARG REGISTRY=cgr.dev/chainguard\nFROM ${REGISTRY}/python:3.9-dev AS builder\n"
                                   "RUN true\nFROM ${REGISTRY}/python:latest\nCMD [\"-V\"]\n")
    prefix = f"{registries.token.host}/chainguard"
    code = main(["validate", str(path), "--json", "--platform", "linux/amd64",
                 "--build-arg", f"REGISTRY={prefix}"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    (missing,) = [f for f in data["static"] if f["code"] == "MIG640"]
    assert missing["line"] == 2 and "python:3.9-dev" in missing["message"] and "3.10-dev" in missing["message"]
    (only,) = data["platforms"]
    assert only["status"] == "failed" and only["error"]["line"] == 2 and "3.9-dev" in only["error"]["log_tail"]
    assert not stub_builder.exists()


def test_validate_with_an_unreachable_registry_is_a_one_line_usage_error(tmp_path: Path, stub_builder: Path,
                                                                         capsys) -> None:
    port = free_port()
    path = write(tmp_path / "z", f"FROM 127.0.0.1:{port}/chainguard/static:latest\nCOPY a /a\n")
    assert main(["validate", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"migrate validate: error: cannot reach registry 127.0.0.1:{port}: connection refused\n"


def test_validate_checks_build_platform_stages_for_this_machine_only(registries: Registries, tmp_path: Path,
                                                                     stub_builder: Path, monkeypatch,
                                                                     capsys) -> None:
    """`FROM --platform=$BUILDPLATFORM` is pulled for the machine that builds, not for each target."""
    monkeypatch.setenv("MIGRATOR_HOST_ARCH", "amd64")
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "cross", f"FROM --platform=$BUILDPLATFORM {prefix}/node:latest AS build\nRUN true\n"
                                     f"FROM {prefix}/static:latest\nCOPY --from=build /x /x\n")
    main(["validate", str(path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert not [f for f in data["static"] if f["code"] in ("MIG640", "MIG641")]
    assert stub_builder.exists()  # the check passed, so the (stub) build was started


# --- imports stay lazy ----------------------------------------------------------------------------------


def test_plain_migrate_and_pinned_output_import_neither_httpx_nor_the_client(tmp_path: Path) -> None:
    """A plain `migrate FILE` loads no registry code; `--pin` on pinned output loads no httpx (it asks nothing)."""
    plain = write(tmp_path / "plain", GO_APP)
    pinned = write(tmp_path / "pinned", "FROM cgr.dev/chainguard/static:latest@sha256:" + "c" * 64 + "\nCOPY a /a\n")
    env = {**os.environ, "MIGRATOR_NO_CACHE": "1", "PYTHONPATH": str(ROOT)}

    def imported(*argv: str) -> str:
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "migrator", *argv], capture_output=True,
                              text=True, env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stderr

    first = imported(str(plain))
    assert "migrator.pipeline" in first  # the measurement is real: the pipeline did run
    assert " httpx" not in first and "migrator.registry" not in first
    second = imported("--pin", "--check", str(pinned))
    assert "migrator.registry.resolve" in second
    assert " httpx" not in second and "migrator.registry.client" not in second


def test_a_single_platform_image_without_an_index(registries: Registries, tmp_path: Path, stub_builder: Path,
                                                  capsys) -> None:
    """jre:17 is one amd64 image, no index: its platform comes from its config blob."""
    prefix = f"{registries.token.host}/chainguard"
    path = write(tmp_path / "java", f"FROM {prefix}/jre:17\nCOPY app.jar /app/app.jar\nCMD [\"-jar\", \"/app/app.jar\"]\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{prefix}/jre:17 has no linux/arm64 image (available: linux/amd64)" in " ".join(out.split())
    assert "result: FAILED (exit 1)" in out
    assert not stub_builder.exists()
