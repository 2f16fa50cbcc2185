"""Registry credentials the way docker finds them: `$DOCKER_CONFIG/config.json` (default
`~/.docker/config.json`), its `auths`, `credHelpers` and `credsStore`.

For a registry host, a credential helper named in `credHelpers` wins, then `credsStore`, then the
`auths` entry (`auth` is base64 `user:password`; `identitytoken` is an OAuth2 refresh token). A
helper is the program `docker-credential-NAME`: `get` with the server on stdin answers
`{"ServerURL", "Username", "Secret"}`; a Username of `<token>` means Secret is an identity token.
A helper that is not installed, or that has nothing for the host, means no credentials (anonymous
access), as docker does. No httpx here.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from migrator.records import dataclass, field
from migrator.registry.errors import RegistryError

DOCKER_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"  # the key docker itself uses for Docker Hub
HELPER_TIMEOUT = 30.0


@dataclass(frozen=True)
class Credentials:
    username: str
    secret: str
    identity_token: bool = False  # secret is an OAuth2 refresh token, not a password

    def __repr__(self) -> str:  # never show the secret, even in a traceback
        return f"Credentials(username={self.username!r}, secret=***)"


@dataclass(frozen=True)
class DockerConfig:
    path: Path | None = None
    auths: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    cred_helpers: Mapping[str, str] = field(default_factory=dict)
    creds_store: str | None = None


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    directory = env.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return Path(directory) / "config.json"


def load_docker_config(env: Mapping[str, str] | None = None) -> DockerConfig:
    """The docker client configuration, or an empty one when there is none."""
    path = config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DockerConfig()
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the docker configuration ({exc.strerror})") from None
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        problem = f"line {exc.lineno}: {exc.msg}"
        raise RegistryError(f"{path}: invalid JSON in the docker configuration ({problem})") from None
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: the docker configuration is not a JSON object")
    auths = {_host(k): v for k, v in (data.get("auths") or {}).items() if isinstance(v, dict)}
    helpers = {_host(k): v for k, v in (data.get("credHelpers") or {}).items() if isinstance(v, str) and v}
    store = data.get("credsStore")
    return DockerConfig(path, auths, helpers, store if isinstance(store, str) and store else None)


def credentials_for(host: str, config: DockerConfig, run: Runner = subprocess.run) -> Credentials | None:
    """What docker would send to `host` (a registry host such as cgr.dev or 127.0.0.1:5000)."""
    key = _host(host)
    helper = config.cred_helpers.get(key) or config.creds_store
    if helper:
        found = _from_helper(helper, key, run)
        if found is not None:
            return found
    entry = config.auths.get(key)
    return _from_auths_entry(entry, key, config.path) if entry else None


def _from_auths_entry(entry: Mapping[str, str], host: str, path: Path | None) -> Credentials | None:
    if entry.get("identitytoken"):
        return Credentials(entry.get("username") or "<token>", entry["identitytoken"], identity_token=True)
    if entry.get("auth"):
        try:
            decoded = base64.b64decode(entry["auth"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise RegistryError(f"{path}: the 'auth' value for {host} is not base64 of user:password") from None
        user, sep, password = decoded.partition(":")
        if not sep:
            raise RegistryError(f"{path}: the 'auth' value for {host} is not base64 of user:password")
        return Credentials(user, password)
    if entry.get("username") and entry.get("password"):
        return Credentials(entry["username"], entry["password"])
    return None


def _from_helper(helper: str, host: str, run: Runner) -> Credentials | None:
    program = f"docker-credential-{helper}"
    server = DOCKER_HUB_SERVER if host in DOCKER_HUB_HOSTS else host
    try:
        proc = run([program, "get"], input=server, capture_output=True, text=True, timeout=HELPER_TIMEOUT,
                   check=False)
    except FileNotFoundError:
        return None  # docker falls back to anonymous access too
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RegistryError(f"credential helper {program} failed for {host}: {type(exc).__name__}") from None
    if proc.returncode != 0:
        message = (proc.stdout or proc.stderr or "").strip()
        if "not found" in message.lower() or not message:
            return None
        raise RegistryError(f"credential helper {program} failed for {host}: {message.splitlines()[0][:200]}")
    try:
        data = json.loads(proc.stdout)
        user, secret = str(data.get("Username") or ""), str(data.get("Secret") or "")
    except (ValueError, AttributeError):
        raise RegistryError(f"credential helper {program} answered something other than JSON for {host}") from None
    if not secret:
        return None
    if user == "<token>":
        return Credentials(user, secret, identity_token=True)
    return Credentials(user, secret)


def _host(key: str) -> str:
    """`https://index.docker.io/v1/` -> `index.docker.io`; `cgr.dev` -> `cgr.dev`."""
    text = key.strip().lower()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    text = text.split("/", 1)[0]
    return "docker.io" if text in DOCKER_HUB_HOSTS else text
