"""Real registries on 127.0.0.1 for the registry tests (fixtures re-exported by conftest.py): Debian's `docker-registry` (CNCF distribution).

- `token_registry`: answers 401 with a `Bearer` challenge, like cgr.dev; its token server (a small
  stand-in on 127.0.0.1 that signs RS256 JWTs the registry verifies) hands out anonymous pull
  tokens for `chainguard/*`, and tokens for `acme/*` only to a user with a password (or an
  identity token). Images are pushed through the distribution API (blobs, manifests, indexes).
- `basic_registry`: htpasswd (bcrypt) basic auth.

Each registry runs on its own free loopback port (never 5000, the engine environment's) with its
own storage in a temporary directory, and is stopped at the end of the session. Without
`docker-registry` (a developer machine without root) the tests that need one skip and say why.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import datetime
import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

REGISTRY_BINARY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
SERVICE = "migrator-test-registry"
ISSUER = "migrator-test-token-issuer"
USER, PASSWORD = "alice", "correct-horse-battery-staple"
REFRESH_TOKEN = "refresh-" + "9" * 24
PUSHER, PUSHER_PASSWORD = "pusher", "pusher-password-123"

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != 5000:
            return int(port)


def registry_available() -> bool:
    return os.access(REGISTRY_BINARY, os.X_OK)


NEEDS_REGISTRY = pytest.mark.skipif(
    not registry_available(),
    reason="docker-registry (CNCF distribution) is not installed: apt-get install -y docker-registry "
    "(scripts/test-env installs it in CI)",
)


# --- the token server stand-in --------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenIssuer:
    """Signs registry tokens (RS256, the certificate in `x5c`) and decides who may do what."""

    def __init__(self, directory: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.cert_der = cert.public_bytes(serialization.Encoding.DER)
        self.cert_path = directory / "token-cert.pem"
        self.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.issued: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def sign(self, subject: str, access: list[dict[str, Any]]) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self.cert_der).decode()]}
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": subject, "aud": SERVICE, "exp": now + 300, "nbf": now - 30, "iat": now,
                  "jti": secrets.token_hex(8), "access": access}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        token = f"{signing_input}.{_b64url(signature)}"
        with self.lock:
            self.issued.append(token)
        return token

    @staticmethod
    def allowed(user: str | None, name: str, actions: list[str]) -> list[str]:
        if user == PUSHER:
            return actions
        if user == USER:
            return [a for a in actions if a == "pull"]
        if name.startswith("chainguard/"):  # public images: anonymous pull, as on cgr.dev
            return [a for a in actions if a == "pull"]
        return []


class _TokenHandler(BaseHTTPRequestHandler):
    issuer: TokenIssuer

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        user = None
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            name, _, password = base64.b64decode(header[6:]).decode().partition(":")
            if (name, password) not in ((USER, PASSWORD), (PUSHER, PUSHER_PASSWORD)):
                return self._answer(401, {"details": "wrong user name or password"})
            user = name
        self._grant(user, query.get("scope", []), query.get("service", [""])[0], "GET")

    def do_POST(self) -> None:  # OAuth2 refresh-token grant (an identity token in the docker config)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [REFRESH_TOKEN]:
            return self._answer(401, {"details": "invalid refresh token"})
        self._grant(USER, form.get("scope", []), form.get("service", [""])[0], "POST")

    def _grant(self, user: str | None, scopes: list[str], service: str, method: str) -> None:
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            granted = self.issuer.allowed(user, name, actions.split(","))
            if kind == "repository" and granted:
                access.append({"type": "repository", "name": name, "actions": granted})
        with self.issuer.lock:
            self.issuer.requests.append({"method": method, "user": user, "scopes": scopes, "service": service})
        token = self.issuer.sign(user or "", access)
        self._answer(200, {"token": token, "access_token": token, "expires_in": 300})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class TokenServer:
    def __init__(self, directory: Path) -> None:
        self.issuer = TokenIssuer(directory)
        handler = type("Handler", (_TokenHandler,), {"issuer": self.issuer})
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the registry -----------------------------------------------------------------------------------


def _bcrypt(password: str) -> str | None:
    """A bcrypt hash from the system's libcrypt (libxcrypt), for the htpasswd file."""
    name = ctypes.util.find_library("crypt")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    salt = lib.crypt_gensalt(b"$2b$", 5, None, 0)
    hashed = lib.crypt(password.encode(), salt) if salt else None
    return hashed.decode() if hashed and hashed.startswith(b"$2") else None


@dataclass
class Registry:
    directory: Path
    auth: str  # "token" | "basic" | "none"
    token_server: TokenServer | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def start(self) -> None:
        config = {
            "version": 0.1,
            "log": {"level": "error", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(self.directory / "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host, "secret": secrets.token_hex(16)},
        }
        if self.auth == "token":
            assert self.token_server is not None
            config["auth"] = {"token": {"realm": self.token_server.realm, "service": SERVICE, "issuer": ISSUER,
                                        "rootcertbundle": str(self.token_server.issuer.cert_path)}}
        elif self.auth == "basic":
            hashed = _bcrypt(PASSWORD)
            pusher = _bcrypt(PUSHER_PASSWORD)
            if hashed is None or pusher is None:
                pytest.skip("no bcrypt in libcrypt for an htpasswd file")
            htpasswd = self.directory / "htpasswd"
            htpasswd.write_text(f"{USER}:{hashed}\n{PUSHER}:{pusher}\n")
            config["auth"] = {"htpasswd": {"realm": "migrator-test", "path": str(htpasswd)}}
        path = self.directory / "config.yml"
        path.write_text(json.dumps(config))  # JSON is YAML
        log = open(self.directory / "registry.log", "wb")  # noqa: SIM115 - the process keeps it
        self.process = subprocess.Popen([REGISTRY_BINARY, "serve", str(path)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v2/", timeout=1).status_code in (200, 401):
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"docker-registry did not start: {(self.directory / 'registry.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def pusher(self) -> Pusher:
        return Pusher(self)


# --- pushing images through the distribution API ------------------------------------------------------


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _layer(arch: str, name: str) -> tuple[bytes, bytes]:
    """A gzipped tar holding one file; (compressed, uncompressed)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = f"{name} for {arch}\n".encode()
        info = tarfile.TarInfo(f"etc/{name.replace('/', '-')}-{arch}")
        info.size = len(content)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
    uncompressed = raw.getvalue()
    return gzip.compress(uncompressed, mtime=0), uncompressed


class Pusher:
    """Pushes small real images: config and layer blobs, per-platform manifests, an index per tag."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.http = httpx.Client(base_url=registry.url, timeout=10)
        self.tokens: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def _auth(self, repo: str) -> dict[str, str]:
        if self.registry.auth == "basic":
            creds = base64.b64encode(f"{PUSHER}:{PUSHER_PASSWORD}".encode()).decode()
            return {"Authorization": f"Basic {creds}"}
        if self.registry.auth == "token":
            assert self.registry.token_server is not None
            if repo not in self.tokens:
                answer = self.http.get(self.registry.token_server.realm, auth=(PUSHER, PUSHER_PASSWORD),
                                       params={"service": SERVICE, "scope": f"repository:{repo}:pull,push"})
                self.tokens[repo] = answer.json()["token"]
            return {"Authorization": f"Bearer {self.tokens[repo]}"}
        return {}

    def blob(self, repo: str, data: bytes) -> str:
        digest = sha256(data)
        headers = self._auth(repo)
        started = self.http.post(f"/v2/{repo}/blobs/uploads/", headers=headers)
        assert started.status_code == 202, started.text
        location = started.headers["location"]
        joiner = "&" if "?" in location else "?"
        done = self.http.put(f"{location}{joiner}digest={digest}", content=data,
                             headers={**headers, "Content-Type": "application/octet-stream"})
        assert done.status_code == 201, done.text
        return digest

    def manifest(self, repo: str, reference: str, body: dict[str, Any]) -> str:
        data = json.dumps(body, indent=2).encode()
        answer = self.http.put(f"/v2/{repo}/manifests/{reference}", content=data,
                               headers={**self._auth(repo), "Content-Type": body["mediaType"]})
        assert answer.status_code == 201, answer.text
        assert answer.headers["docker-content-digest"] == sha256(data)
        return sha256(data)

    def image(self, repo: str, arch: str, docker: bool = False, reference: str | None = None) -> dict[str, Any]:
        """Push one platform's image; its descriptor for an index."""
        compressed, uncompressed = _layer(arch, repo)
        variant = {"arm64": "v8"}.get(arch)
        config = {"architecture": arch, "os": "linux", **({"variant": variant} if variant else {}),
                  "rootfs": {"type": "layers", "diff_ids": [sha256(uncompressed)]},
                  "config": {"User": "65532", "Cmd": ["/bin/true"]}}
        config_data = json.dumps(config).encode()
        self.blob(repo, config_data)
        self.blob(repo, compressed)
        body = {
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json" if docker
                       else "application/vnd.oci.image.config.v1+json",
                       "digest": sha256(config_data), "size": len(config_data)},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip" if docker
                        else "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": sha256(compressed), "size": len(compressed)}],
        }
        data = json.dumps(body, indent=2).encode()
        digest = self.manifest(repo, reference or sha256(data), body)
        platform = {"os": "linux", "architecture": arch, **({"variant": variant} if variant else {})}
        return {"mediaType": body["mediaType"], "digest": digest, "size": len(data), "platform": platform}

    def index(self, repo: str, tag: str, archs: tuple[str, ...] = ("amd64", "arm64"), docker: bool = False) -> str:
        """Push a multi-platform index under `tag`; its digest."""
        entries = [self.image(repo, arch, docker) for arch in archs]
        body = {"schemaVersion": 2, "mediaType": DOCKER_LIST if docker else OCI_INDEX, "manifests": entries}
        return self.manifest(repo, tag, body)

    def single(self, repo: str, tag: str, arch: str = "amd64") -> str:
        """Push a single-platform image (no index) under `tag`; its manifest digest."""
        return str(self.image(repo, arch, reference=tag)["digest"])


# --- fixtures -------------------------------------------------------------------------------------------

# what the token registry holds, like cgr.dev/chainguard: an index per tag, both platforms unless noted
CHAINGUARD_TAGS = {
    "python": ("latest", "latest-dev", "3.12", "3.12-dev", "3.13", "3.13-dev", "3.10-dev"),
    "go": ("latest", "latest-dev"),
    "static": ("latest",),
    "glibc-dynamic": ("latest",),
    "wolfi-base": ("latest",),
    "node": ("latest-dev",),
    "jre": ("latest",),
    "jdk": ("latest-dev",),
}


@dataclass
class Registries:
    token: Registry
    tokens: TokenServer
    digests: dict[str, str]  # "chainguard/python:latest" -> the index digest pushed


@pytest.fixture(scope="session")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    if not registry_available():
        pytest.skip("docker-registry (CNCF distribution) is not installed: apt-get install -y docker-registry "
                    "(scripts/test-env installs it in CI)")
    pytest.importorskip("cryptography", reason="the token server stand-in signs with cryptography (pip install -e '.[test]')")
    directory = tmp_path_factory.mktemp("token-registry")
    tokens = TokenServer(directory)
    registry = Registry(directory, "token", tokens)
    try:
        registry.start()
        pusher = registry.pusher()
        digests = {}
        for name, tags in CHAINGUARD_TAGS.items():
            for tag in tags:
                digests[f"chainguard/{name}:{tag}"] = pusher.index(f"chainguard/{name}", tag,
                                                                  docker=(name == "jdk"))
        # node:latest has no arm64 image; jre:17 is a single-platform image without an index
        digests["chainguard/node:latest"] = pusher.index("chainguard/node", "latest", archs=("amd64",))
        digests["chainguard/jre:17"] = pusher.single("chainguard/jre", "17")
        digests["acme/python:latest"] = pusher.index("acme/python", "latest")
        digests["acme/python:latest-dev"] = pusher.index("acme/python", "latest-dev")
        pusher.close()
        yield Registries(registry, tokens, digests)
    finally:
        registry.stop()
        tokens.stop()


@pytest.fixture(scope="session")
def basic_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Registry, str]]:
    if not registry_available():
        pytest.skip("docker-registry (CNCF distribution) is not installed: apt-get install -y docker-registry")
    registry = Registry(tmp_path_factory.mktemp("basic-registry"), "basic")
    try:
        registry.start()
        pusher = registry.pusher()
        digest = pusher.index("team/python", "latest")
        pusher.close()
        yield registry, digest
    finally:
        registry.stop()


@pytest.fixture(autouse=True)
def fresh_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with no cached answers and no docker credentials of the machine's, and
    cannot leave loopback: a lookup for any other registry host fails the test at once."""
    from migrator.registry.client import is_loopback
    from migrator.registry.lookup import Lookup, reset_default_lookup

    real_client = Lookup.client

    def loopback_only(self: Lookup, host: str) -> Any:
        assert is_loopback(host), f"a test asked registry {host}: tests stay on 127.0.0.1"
        return real_client(self, host)

    monkeypatch.setattr(Lookup, "client", loopback_only)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("MIGRATOR_NO_CACHE", "1")
    reset_default_lookup()
    yield
    reset_default_lookup()


def docker_config(directory: Path, host: str, **entry: str) -> Path:
    """Write $DOCKER_CONFIG/config.json with one `auths` entry for host."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.json"
    path.write_text(json.dumps({"auths": {host: entry}}))
    return path


def basic_auth(user: str = USER, password: str = PASSWORD) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()
