"""Units of the registry client: challenges, docker credentials, platforms, nearest tags, retries and
digest checks (on respx), and the pin step on a fake lookup. The real registries are in
test_registry_server.py."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import httpx
import pytest
import respx

from migrator.api import migrate_text
from migrator.model import Options, TagPolicy
from migrator.registry.challenge import parse_challenges
from migrator.registry.client import RegistryClient, is_loopback
from migrator.registry.credentials import Credentials, DockerConfig, credentials_for, load_docker_config
from migrator.registry.errors import RegistryAuthError, RegistryError, RegistryUnreachable
from migrator.registry.lookup import Lookup, TagInfo, nearest_tags
from migrator.registry.manifests import index_platforms, missing_platforms, normalize
from migrator.registry.resolve import resolve_references

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
DIGEST_C = "sha256:" + "c" * 64


# --- WWW-Authenticate -----------------------------------------------------------------------------


def test_bearer_challenge_as_cgr_dev_sends_it() -> None:
    header = 'Bearer realm="https://cgr.dev/token",service="cgr.dev",scope="repository:chainguard/python:pull"'
    (challenge,) = parse_challenges(header)
    assert challenge.scheme == "bearer"
    assert challenge.params == {"realm": "https://cgr.dev/token", "service": "cgr.dev",
                                "scope": "repository:chainguard/python:pull"}


def test_challenge_with_commas_escapes_and_several_schemes() -> None:
    header = ('Basic realm="Registry Realm", BEARER Realm="https://auth.example/token" , '
              'service=registry.example,scope="repository:a/b:pull,push", error="say \\"hi\\""')
    basic, bearer = parse_challenges(header)
    assert basic.scheme == "basic" and basic.get("realm") == "Registry Realm"
    assert bearer.scheme == "bearer"
    assert bearer.get("realm") == "https://auth.example/token"
    assert bearer.get("service") == "registry.example"
    assert bearer.get("scope") == "repository:a/b:pull,push"
    assert bearer.get("error") == 'say "hi"'


def test_challenges_from_several_headers_and_token68() -> None:
    first, second = parse_challenges('Negotiate YWJjZA==', 'Bearer realm="r"')
    assert (first.scheme, first.get("token68")) == ("negotiate", "YWJjZA==")
    assert (second.scheme, second.get("realm")) == ("bearer", "r")
    assert parse_challenges("") == [] and parse_challenges(" , ") == []


# --- docker credentials ---------------------------------------------------------------------------


def write_config(directory: Path, data: dict) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(data))
    return {"DOCKER_CONFIG": str(directory)}


def test_auths_entries_base64_and_identity_token(tmp_path: Path) -> None:
    env = write_config(tmp_path, {"auths": {
        "https://cgr.dev": {"auth": "dXNlcjpwYTpzcw=="},  # user:pa:ss (the password holds a colon)
        "https://index.docker.io/v1/": {"identitytoken": "refresh-me"},
        "127.0.0.1:5001": {"username": "u", "password": "p"},
    }})
    config = load_docker_config(env)
    assert credentials_for("cgr.dev", config) == Credentials("user", "pa:ss")
    assert credentials_for("docker.io", config) == Credentials("<token>", "refresh-me", identity_token=True)
    assert credentials_for("127.0.0.1:5001", config) == Credentials("u", "p")
    assert credentials_for("ghcr.io", config) is None
    assert "pa:ss" not in repr(credentials_for("cgr.dev", config))


def test_missing_config_is_anonymous_and_broken_config_is_one_line(tmp_path: Path) -> None:
    assert load_docker_config({"DOCKER_CONFIG": str(tmp_path / "none")}) == DockerConfig()
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(RegistryError, match=r"config.json: invalid JSON in the docker configuration \(line 1"):
        load_docker_config({"DOCKER_CONFIG": str(tmp_path)})
    env = write_config(tmp_path / "b", {"auths": {"cgr.dev": {"auth": "bm8tY29sb24="}}})  # "no-colon"
    with pytest.raises(RegistryError, match="not base64 of user:password"):
        credentials_for("cgr.dev", load_docker_config(env))


def helper(directory: Path, name: str, script: str) -> None:
    path = directory / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_credential_helpers_win_over_auths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper(bin_dir, "corp", 'read server; [ "$1" = get ] || exit 3\n'
                            'printf \'{"ServerURL":"%s","Username":"bot","Secret":"s3cret"}\' "$server"\n')
    helper(bin_dir, "store", 'read server\n'
                             'if [ "$server" = "https://index.docker.io/v1/" ]; then\n'
                             '  echo \'{"Username":"<token>","Secret":"identity"}\'; exit 0; fi\n'
                             'echo "credentials not found in native keychain"; exit 1\n')
    helper(bin_dir, "broken", 'echo "the keychain is locked" >&2; exit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env = write_config(tmp_path / "conf", {
        "auths": {"cgr.dev": {"auth": "dXNlcjpwYXNz"}, "ghcr.io": {"auth": "dXNlcjpwYXNz"}},
        "credHelpers": {"cgr.dev": "corp", "quay.io": "broken", "gcr.io": "not-installed"},
        "credsStore": "store",
    })
    config = load_docker_config(env)
    assert credentials_for("cgr.dev", config) == Credentials("bot", "s3cret")
    assert credentials_for("docker.io", config) == Credentials("<token>", "identity", identity_token=True)
    assert credentials_for("ghcr.io", config) == Credentials("user", "pass")  # the store has none: auths
    assert credentials_for("gcr.io", config) is None  # a helper that is not installed: anonymous
    with pytest.raises(RegistryError, match=r"docker-credential-broken failed for quay\.io: the keychain is locked"):
        credentials_for("quay.io", config)


# --- platforms and tags ---------------------------------------------------------------------------


def test_index_platforms_skip_attestations_and_normalise_variants() -> None:
    index = {"manifests": [
        {"platform": {"os": "linux", "architecture": "amd64"}},
        {"platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        {"platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
        {"platform": {"os": "unknown", "architecture": "unknown"}},
        {"digest": "sha256:no-platform"},
    ]}
    assert index_platforms(index) == ["linux/amd64", "linux/arm64", "linux/arm/v7"]
    assert normalize("linux/arm64/v8") == "linux/arm64" and normalize("amd64") == "linux/amd64"
    assert missing_platforms(["linux/amd64", "linux/arm64/v8", "linux/s390x"], ["linux/amd64", "linux/arm64"]) == [
        "linux/s390x"]


def test_nearest_tags_keep_the_variant_and_prefer_close_newer_versions() -> None:
    tags = ["latest", "latest-dev", "3.10-dev", "3.12", "3.12-dev", "3.12.8-dev", "3.13-dev", "2.7-dev"]
    assert nearest_tags("3.11-dev", tags) == ["3.12-dev", "3.10-dev", "3.13-dev"]
    assert nearest_tags("3.11", tags) == ["3.12"]
    assert nearest_tags("lates-dev", tags)[0] == "latest-dev"
    assert nearest_tags("3.11-dev", []) == []


# --- the client on respx ----------------------------------------------------------------------------


def index_body(*archs: str) -> bytes:
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": [{"digest": DIGEST_A, "platform": {"os": "linux", "architecture": a}}
                                     for a in archs]}).encode()


def digest_of(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def client(host: str = "registry.example", **kwargs: object) -> RegistryClient:
    kwargs.setdefault("docker_config", DockerConfig())
    return RegistryClient(host, sleep=lambda s: None, **kwargs)  # type: ignore[arg-type]


def test_plain_http_only_for_loopback() -> None:
    assert is_loopback("127.0.0.1:5001") and is_loopback("localhost:5000") and is_loopback("[::1]:5000")
    assert not is_loopback("cgr.dev") and not is_loopback("10.0.0.1:5000") and not is_loopback("127.example.com")
    assert client("cgr.dev").base_url == "https://cgr.dev"
    assert client("docker.io").base_url == "https://registry-1.docker.io"
    assert client("127.0.0.1:5001").base_url == "http://127.0.0.1:5001"


@respx.mock
def test_get_verifies_the_digest_header_against_the_body() -> None:
    body = index_body("amd64", "arm64")
    route = respx.get("https://registry.example/v2/chainguard/python/manifests/latest")
    route.respond(200, content=body, headers={"Docker-Content-Digest": digest_of(body)})
    manifest = client().manifest("chainguard/python", "latest")
    assert manifest is not None and manifest.digest == digest_of(body) and manifest.is_index
    assert "application/vnd.oci.image.index.v1+json" in route.calls.last.request.headers["accept"]
    route.respond(200, content=body, headers={"Docker-Content-Digest": DIGEST_B})
    with pytest.raises(RegistryError, match=f"differs from Docker-Content-Digest {DIGEST_B}"):
        client().manifest("chainguard/python", "latest")


@respx.mock
def test_head_without_a_digest_header_falls_back_to_get() -> None:
    body = index_body("amd64")
    respx.head("https://registry.example/v2/a/manifests/1").respond(200)
    respx.get("https://registry.example/v2/a/manifests/1").respond(200, content=body)
    assert client().manifest_digest("a", "1") == digest_of(body)
    respx.head("https://registry.example/v2/a/manifests/2").respond(404)
    assert client().manifest_digest("a", "2") is None


@respx.mock
def test_5xx_and_network_errors_are_retried_then_one_line() -> None:
    body = index_body("amd64")
    route = respx.head("https://registry.example/v2/a/manifests/1")
    route.side_effect = [httpx.Response(503), httpx.ConnectError("boom"),
                         httpx.Response(200, headers={"Docker-Content-Digest": digest_of(body)})]
    c = client(retries=2)
    assert c.manifest_digest("a", "1") == digest_of(body)
    assert c.stats.retries == 2 and c.stats.requests == 3
    respx.head("https://registry.example/v2/a/manifests/2").mock(side_effect=httpx.ConnectTimeout("slow"))
    with pytest.raises(RegistryUnreachable) as caught:
        client(retries=1, timeout=3).manifest_digest("a", "2")
    assert str(caught.value) == "cannot reach registry registry.example: no answer within 3s"
    respx.head("https://registry.example/v2/a/manifests/3").respond(500)
    with pytest.raises(RegistryError, match=r"registry registry.example: a:3: HTTP 500"):
        client(retries=1).manifest_digest("a", "3")


@respx.mock
def test_bearer_token_is_fetched_once_per_scope_and_never_shown() -> None:
    secret = "tok-" + "x" * 40
    challenge = 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"'
    calls: list[str | None] = []

    def manifests(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers.get("authorization"))
        if request.headers.get("authorization") != f"Bearer {secret}":
            return httpx.Response(401, headers={"WWW-Authenticate": challenge})
        return httpx.Response(200, headers={"Docker-Content-Digest": DIGEST_A})

    respx.head(url__regex=r"https://registry.example/v2/a/manifests/.*").mock(side_effect=manifests)
    token_route = respx.get("https://auth.example/token").respond(200, json={"token": secret})
    c = client()
    assert c.manifest_digest("a", "1") == DIGEST_A
    assert c.manifest_digest("a", "2") == DIGEST_A
    assert token_route.call_count == 1
    assert token_route.calls.last.request.url.params["scope"] == "repository:a:pull"
    assert "authorization" not in token_route.calls.last.request.headers  # anonymous, like cgr.dev
    assert calls == [None, f"Bearer {secret}", f"Bearer {secret}"]
    assert secret not in repr(c.stats)


@respx.mock
def test_an_expired_token_is_fetched_again_once() -> None:
    challenge = 'Bearer realm="https://auth.example/token",service="registry.example"'
    valid = {"Bearer first"}

    def manifests(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") in valid:
            return httpx.Response(200, headers={"Docker-Content-Digest": DIGEST_A})
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    respx.head(url__regex=r"https://registry.example/v2/a/manifests/.*").mock(side_effect=manifests)
    tokens = respx.get("https://auth.example/token")
    tokens.side_effect = [httpx.Response(200, json={"token": "first"}), httpx.Response(200, json={"token": "second"})]
    c = client()
    assert c.manifest_digest("a", "1") == DIGEST_A
    valid.clear()
    valid.add("Bearer second")  # the first token expired
    assert c.manifest_digest("a", "2") == DIGEST_A
    assert tokens.call_count == 2


@respx.mock
def test_basic_credentials_serve_every_repository_of_the_registry() -> None:
    expected = "Basic " + base64.b64encode(b"me:pw").decode()

    def manifests(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") == expected:
            return httpx.Response(200, headers={"Docker-Content-Digest": DIGEST_A})
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="registry"'})

    respx.head(url__regex=r"https://registry.example/v2/.*").mock(side_effect=manifests)
    c = client(credential_lookup=lambda host, config: Credentials("me", "pw"))
    assert c.manifest_digest("a", "1") == DIGEST_A and c.manifest_digest("b", "1") == DIGEST_A
    assert c.stats.requests == 3  # one 401, then each repository at once


@respx.mock
def test_token_realm_over_plain_http_is_refused_unless_loopback() -> None:
    respx.head("https://registry.example/v2/a/manifests/1").respond(
        401, headers={"WWW-Authenticate": 'Bearer realm="http://auth.example/token"'})
    with pytest.raises(RegistryAuthError, match="refusing to ask for a token over plain HTTP"):
        client(docker_config=DockerConfig()).manifest_digest("a", "1")


@respx.mock
def test_refused_credentials_are_one_line_without_the_secret() -> None:
    password = "hunter2-very-secret"
    respx.head("https://registry.example/v2/a/manifests/1").respond(
        401, headers={"WWW-Authenticate": 'Basic realm="x"'})
    c = client(credential_lookup=lambda host, config: Credentials("me", password))
    with pytest.raises(RegistryAuthError) as caught:
        c.manifest_digest("a", "1")
    message = str(caught.value)
    assert message == ("registry registry.example refused the docker credentials for a (HTTP 401): "
                       "check `docker login registry.example`")
    assert password not in message
    anonymous = client()
    with pytest.raises(RegistryAuthError, match=r"requires a login for a: run `docker login registry\.example`"):
        anonymous.manifest_digest("a", "1")


@respx.mock
def test_tags_follow_link_pages_on_the_same_registry() -> None:
    respx.get("https://registry.example/v2/a/tags/list?n=1000").respond(
        200, json={"tags": ["1", "2"]}, headers={"Link": '<https://evil.example/v2/a/tags/list?last=2&n=1000>; '
                                                          'rel="next"'})
    respx.get("https://registry.example/v2/a/tags/list?last=2&n=1000").respond(200, json={"tags": ["3"]})
    assert client().tags("a") == ["1", "2", "3"]


# --- the pin step on a fake lookup ------------------------------------------------------------------


class FakeLookup(Lookup):
    def __init__(self, digests: dict[str, str | None], platforms: tuple[str, ...] = ("linux/amd64", "linux/arm64"),
                 tags: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.digests = digests
        self.platform_list = platforms
        self.tag_list = list(tags)
        self.asked: list[str] = []

    def digest(self, ref):  # type: ignore[no-untyped-def,override]
        name = f"{ref.path.rsplit('/', 1)[-1]}:{ref.tag}"
        self.asked.append(name)
        return self.digests.get(name)

    def describe(self, ref):  # type: ignore[no-untyped-def,override]
        digest = self.digest(ref)
        return TagInfo(digest, self.platform_list if digest else ())

    def nearest_tags(self, ref, limit=3):  # type: ignore[no-untyped-def,override]
        return nearest_tags(ref.tag or "latest", self.tag_list, limit)


APP = """\
# syntax=docker/dockerfile:1
FROM  python:3.12-slim   AS base
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]
"""


def test_pin_changes_only_the_image_tokens_and_is_idempotent() -> None:
    lookup = FakeLookup({"python:latest-dev": DIGEST_A, "python:latest": DIGEST_B, "static:latest": DIGEST_C})
    options = Options(pin=True)
    plain = migrate_text(APP, Options())
    pinned = resolve_references(plain, options, lookup)
    expected = plain.dockerfile.replace("python:latest-dev", f"python:latest-dev@{DIGEST_A}").replace(
        "python:latest\n", f"python:latest@{DIGEST_B}\n").replace("python:latest ", f"python:latest@{DIGEST_B} ").replace(
        "static:latest ", f"static:latest@{DIGEST_C} ")  # (the zone files python:3.12-slim carried, MIG317)
    assert pinned.dockerfile == expected
    assert f"FROM  cgr.dev/chainguard/python:latest-dev@{DIGEST_A}   AS base" in pinned.dockerfile
    assert [s.image for s in pinned.stages] == [f"cgr.dev/chainguard/python:latest-dev@{DIGEST_A}",
                                                f"cgr.dev/chainguard/python:latest@{DIGEST_B}"]
    notes = [f for f in pinned.findings if f.code == "MIG642"]
    assert [f.line for f in notes] == [2, 2, 2]  # both stages (and the runtime's COPY) come from line 2
    again = resolve_references(migrate_text(pinned.dockerfile, Options()), options, lookup)
    assert again.dockerfile == pinned.dockerfile and not again.changed
    assert lookup.asked == ["python:latest-dev", "python:latest", "static:latest"]  # the second run asked nothing


def test_pin_leaves_arg_references_other_registries_and_skip_files() -> None:
    text = ("ARG BASE=cgr.dev/chainguard/python:latest\nFROM ${BASE} AS one\nRUN true\n"
            "FROM cgr.dev/chainguard/static:latest\nCOPY --from=one /x /x\nFROM ghcr.io/acme/tool:1 AS tool\n")
    lookup = FakeLookup({"python:latest": DIGEST_A, "static:latest": DIGEST_B})
    result = resolve_references(migrate_text(text, Options()), Options(pin=True), lookup)
    assert "FROM ${BASE} AS one" in result.dockerfile
    assert f"FROM cgr.dev/chainguard/static:latest@{DIGEST_B}\n" in result.dockerfile
    assert "ghcr.io/acme/tool:1 AS tool" in result.dockerfile
    skipped = "# migrate: skip-file\nFROM cgr.dev/chainguard/static:latest\n"
    assert resolve_references(migrate_text(skipped, Options()), Options(pin=True), lookup).dockerfile == skipped


def test_missing_tag_is_an_error_finding_with_the_nearest_tags_and_stays_unpinned() -> None:
    lookup = FakeLookup({"python:3.11": None, "python:3.11-dev": None, "static:latest": DIGEST_A},
                        tags=("latest", "latest-dev", "3.12-dev", "3.10-dev", "3.12", "3.13"))
    plain = migrate_text(APP.replace("3.12-slim", "3.11-slim"), Options(tag_policy=TagPolicy.KEEP))
    result = resolve_references(plain, Options(pin=True, tag_policy=TagPolicy.KEEP), lookup)
    assert "@sha256" not in result.dockerfile.replace(f"static:latest@{DIGEST_A}", "")
    errors = [f for f in result.findings if f.code == "MIG640"]
    assert [f.message for f in errors] == [
        "cgr.dev/chainguard/python:3.11-dev: the registry has no tag '3.11-dev' for cgr.dev/chainguard/python; "
        "nearest tags: 3.12-dev, 3.10-dev",
        "cgr.dev/chainguard/python:3.11: the registry has no tag '3.11' for cgr.dev/chainguard/python; "
        "nearest tags: 3.12, 3.13",
    ]
    assert {f.line for f in errors} == {2}


def test_verify_tags_reports_each_missing_platform_and_honours_ignore() -> None:
    lookup = FakeLookup({"python:latest-dev": DIGEST_A, "python:latest": DIGEST_B}, platforms=("linux/amd64",))
    result = resolve_references(migrate_text(APP), Options(verify_tags=True), lookup)
    missing = [f.message for f in result.findings if f.code == "MIG641"]
    assert missing == [
        "cgr.dev/chainguard/python:latest-dev has no linux/arm64 image (available: linux/amd64)",
        "cgr.dev/chainguard/python:latest has no linux/arm64 image (available: linux/amd64)",
    ]
    assert "@sha256" not in result.dockerfile  # verify alone pins nothing
    quiet = resolve_references(migrate_text(APP), Options(verify_tags=True, ignore=frozenset({"MIG641"})), lookup)
    assert not [f for f in quiet.findings if f.code == "MIG641"]


def test_pin_and_verify_reach_a_copy_from_an_image_of_the_target_registry() -> None:
    """The zone files a migration copies from static (MIG317) come from an image it writes: pinned like a FROM line
    (adversary 12 G4); a COPY --from of another registry's image or of a stage stays as written."""
    text = ("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian12\n"
            "COPY --from=ghcr.io/acme/tool:1 /tool /tool\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    lookup = FakeLookup({"go:latest-dev": DIGEST_A, "glibc-dynamic:latest": DIGEST_B, "static:latest": DIGEST_C})
    result = resolve_references(migrate_text(text, Options()), Options(pin=True, verify_tags=True), lookup)
    assert f"COPY --from=cgr.dev/chainguard/static:latest@{DIGEST_C} /usr/share/zoneinfo /usr/share/zoneinfo\n" \
        in result.dockerfile
    assert "COPY --from=ghcr.io/acme/tool:1 /tool /tool\n" in result.dockerfile
    assert "COPY --from=build /app /app\n" in result.dockerfile
    assert f"cgr.dev/chainguard/static:latest pinned to {DIGEST_C}" in [f.message for f in result.findings
                                                                        if f.code == "MIG642"]
    missing = FakeLookup({"go:latest-dev": DIGEST_A, "glibc-dynamic:latest": DIGEST_B, "static:latest": None})
    unpinned = resolve_references(migrate_text(text, Options()), Options(verify_tags=True), missing)
    assert [f.code for f in unpinned.findings if f.message.startswith("cgr.dev/chainguard/static")] == ["MIG640"]
