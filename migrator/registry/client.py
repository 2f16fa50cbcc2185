"""An OCI distribution client on httpx: manifests, tags, blobs, with docker's ways of authenticating.

    client = RegistryClient("cgr.dev")
    client.manifest_digest("chainguard/python", "latest-dev")   # HEAD: 'sha256:...' or None (no such tag)
    client.manifest("chainguard/python", "latest-dev")          # GET: Manifest (digest verified) or None
    client.tags("chainguard/python")                            # /tags/list, every page

- HTTPS, except for loopback registries (127.0.0.0/8, ::1, localhost), which get plain HTTP.
- A 401 is answered from its `WWW-Authenticate` challenge: `Bearer` -> a token from the realm
  (anonymously, as cgr.dev allows for public images, or with the docker credentials for the host);
  `Basic` -> the docker credentials. Tokens are cached per scope for the life of the client.
- Timeouts on every request; network errors, 5xx and 429 are retried with exponential backoff.
- `Docker-Content-Digest` is checked against the body of every GET.
- Credentials and tokens travel only in the Authorization header, never to a realm over plain
  HTTP (unless it is loopback), and never appear in an error message.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from migrator.records import dataclass
from migrator.registry.challenge import Challenge, parse_challenges
from migrator.registry.credentials import DOCKER_HUB_HOSTS, Credentials, DockerConfig, credentials_for
from migrator.registry.errors import RegistryAuthError, RegistryError, RegistryUnreachable, redact
from migrator.registry.manifests import ACCEPT, INDEX_TYPES, config_platform, index_platforms

USER_AGENT = "migrator-registry"
MAX_TAG_PAGES = 100


@dataclass(frozen=True)
class Manifest:
    digest: str  # as the registry names it: Docker-Content-Digest, checked against the body
    media_type: str
    data: dict[str, Any]

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES or "manifests" in self.data


@dataclass
class Stats:
    requests: int = 0  # every HTTP request sent, token requests and retries included
    token_requests: int = 0
    retries: int = 0
    seconds: float = 0.0


def is_loopback(host: str) -> bool:
    """`127.0.0.1:5000`, `[::1]:5000`, `localhost:5000` are; `cgr.dev` is not."""
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def api_host(host: str) -> str:
    return "registry-1.docker.io" if host.lower() in DOCKER_HUB_HOSTS else host


class RegistryClient:
    def __init__(
        self,
        host: str,
        *,
        docker_config: DockerConfig | None = None,
        timeout: float = 15.0,
        retries: int = 2,
        backoff: float = 0.25,
        max_wait: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        credential_lookup: Callable[[str, DockerConfig], Credentials | None] = credentials_for,
    ) -> None:
        self.host = host
        self.scheme = "http" if is_loopback(host) else "https"
        self.base_url = f"{self.scheme}://{api_host(host)}"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.stats = Stats()
        self._docker_config = docker_config
        self._credential_lookup = credential_lookup
        self._credentials: Credentials | None = None
        self._credentials_read = False
        self._secrets: list[str] = []
        self._tokens: dict[tuple[str, str, str], str] = {}  # (realm, service, scope) -> token
        self._auth: dict[str, str] = {}  # repository -> "Bearer ..." (tokens are scoped per repository)
        self._basic: str | None = None  # "Basic ..." once the registry asked for it
        self._bearer: Challenge | None = None  # realm and service, once the registry asked for a token
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the distribution API -------------------------------------------------------------------

    def manifest_digest(self, repository: str, reference: str) -> str | None:
        """The digest the registry serves for a tag (HEAD); None when there is no such tag."""
        response = self._request("HEAD", f"/v2/{repository}/manifests/{reference}", repository, accept=ACCEPT)
        if response.status_code == 404:
            return None
        self._expect_ok(response, f"{repository}:{reference}")
        digest = response.headers.get("docker-content-digest")
        if digest:
            return digest
        manifest = self.manifest(repository, reference)  # a registry that names no digest on HEAD
        return manifest.digest if manifest else None

    def manifest(self, repository: str, reference: str) -> Manifest | None:
        """The manifest or index for a tag or digest (GET, digest verified); None when there is none."""
        response = self._request("GET", f"/v2/{repository}/manifests/{reference}", repository, accept=ACCEPT)
        if response.status_code == 404:
            return None
        what = f"{repository}:{reference}" if ":" not in reference else f"{repository}@{reference}"
        self._expect_ok(response, what)
        digest = self._verified_digest(response, what, expected=reference if ":" in reference else None)
        try:
            data = json.loads(response.content)
        except ValueError:
            raise RegistryError(f"registry {self.host}: {what}: the manifest is not JSON") from None
        if not isinstance(data, dict):
            raise RegistryError(f"registry {self.host}: {what}: the manifest is not a JSON object")
        media_type = data.get("mediaType") or response.headers.get("content-type", "").split(";")[0].strip()
        return Manifest(digest, str(media_type), data)

    def platforms(self, repository: str, manifest: Manifest) -> list[str]:
        """What a tag offers: the index's platforms, or the one platform of a single image."""
        if manifest.is_index:
            return index_platforms(manifest.data)
        config = manifest.data.get("config") or {}
        digest = config.get("digest") if isinstance(config, dict) else None
        if not isinstance(digest, str):
            return []
        found = config_platform(self.blob_json(repository, digest))
        return [found] if found else []

    def blob_json(self, repository: str, digest: str) -> dict[str, Any]:
        response = self._request("GET", f"/v2/{repository}/blobs/{digest}", repository, follow=True)
        what = f"{repository}@{digest}"
        self._expect_ok(response, what)
        self._verified_digest(response, what, expected=digest)
        try:
            data = json.loads(response.content)
        except ValueError:
            raise RegistryError(f"registry {self.host}: {what}: the blob is not JSON") from None
        return data if isinstance(data, dict) else {}

    def tags(self, repository: str) -> list[str]:
        """Every tag of a repository (`/tags/list`, following `Link: <...>; rel="next"`)."""
        path: str | None = f"/v2/{repository}/tags/list?n=1000"
        found: list[str] = []
        for _ in range(MAX_TAG_PAGES):
            if path is None:
                break
            response = self._request("GET", path, repository)
            if response.status_code == 404:
                return []
            self._expect_ok(response, f"{repository} (tags)")
            try:
                found += [str(t) for t in (response.json().get("tags") or [])]
            except (ValueError, AttributeError):
                raise RegistryError(f"registry {self.host}: {repository}: the tag list is not JSON") from None
            path = _next_link(response.headers.get("link"))
        return found

    # --- requests, retries, authentication ------------------------------------------------------

    def _request(self, method: str, path: str, repository: str, *, accept: str | None = None,
                 follow: bool = False) -> httpx.Response:
        url = self.base_url + path
        sent_credentials = False
        if repository not in self._auth and self._bearer is not None:  # this registry wants tokens: ask first
            self._auth[repository] = f"Bearer {self._token(self._bearer, repository)}"
        while True:
            headers = {"Accept": accept} if accept else {}
            authorization = self._auth.get(repository) or self._basic
            if authorization:
                headers["Authorization"] = authorization
            response = self._send(method, url, f"cannot reach registry {self.host}", headers=headers,
                                  follow_redirects=follow)
            if response.status_code != 401:
                return response
            if sent_credentials:
                raise self._refused(repository, response)
            self._authenticate(response, repository, stale=authorization)
            sent_credentials = True

    def _send(self, method: str, url: str, unreachable: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on network errors, 5xx and 429; `unreachable` starts the error."""
        attempt = 0
        while True:
            attempt += 1
            self.stats.requests += 1
            started = time.perf_counter()
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if attempt <= self.retries:
                    self._pause(attempt, None)
                    continue
                raise RegistryUnreachable(self._clean(f"{unreachable}: {_reason(exc, self.timeout)}")) from None
            finally:
                self.stats.seconds += time.perf_counter() - started
            if (response.status_code >= 500 or response.status_code == 429) and attempt <= self.retries:
                self._pause(attempt, response.headers.get("retry-after"))
                continue
            return response

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        self.stats.retries += 1
        delay = self.backoff * (2 ** (attempt - 1))
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        self.sleep(min(delay, self.max_wait))

    def _authenticate(self, response: httpx.Response, repository: str, stale: str | None = None) -> None:
        """Answer a 401's challenge; `stale` is the Authorization just refused (an expired token)."""
        challenges = parse_challenges(*response.headers.get_list("www-authenticate"))
        bearer = next((c for c in challenges if c.scheme == "bearer" and c.get("realm")), None)
        if bearer is not None:
            self._bearer = Challenge("bearer", {k: v for k, v in bearer.params.items() if k != "scope"})
            token = self._token(bearer, repository, stale=stale)
            self._auth[repository] = f"Bearer {token}"
            return
        if any(c.scheme == "basic" for c in challenges):
            credentials = self._login()
            if credentials is None:
                raise RegistryAuthError(f"registry {self.host} requires a login for {repository}: "
                                        f"run `docker login {self.host}` (read from $DOCKER_CONFIG/config.json)")
            if credentials.identity_token:
                raise RegistryAuthError(f"registry {self.host} asks for a password, but the docker configuration "
                                        "holds an identity token for it")
            encoded = base64.b64encode(f"{credentials.username}:{credentials.secret}".encode()).decode()
            self._secrets.append(encoded)
            self._basic = f"Basic {encoded}"  # the same for every repository of this registry
            return
        raise RegistryAuthError(f"registry {self.host} answered 401 for {repository} without a usable "
                                "WWW-Authenticate challenge")

    def _token(self, challenge: Challenge, repository: str, stale: str | None = None) -> str:
        realm = challenge.get("realm") or ""
        service = challenge.get("service") or ""
        scope = challenge.get("scope") or f"repository:{repository}:pull"
        if f":{repository}:" not in scope:
            scope = f"repository:{repository}:pull"
        key = (realm, service, scope)
        if key in self._tokens and stale != f"Bearer {self._tokens[key]}":
            return self._tokens[key]
        parts = urlsplit(realm)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise RegistryAuthError(f"registry {self.host}: the token realm {realm!r} is not an http(s) URL")
        if parts.scheme == "http" and not is_loopback(parts.netloc):
            raise RegistryAuthError(f"registry {self.host}: refusing to ask for a token over plain HTTP "
                                    f"({parts.netloc} is not loopback)")
        credentials = self._login()
        params = {k: v for k, v in (("service", service), ("scope", scope)) if v}
        self.stats.token_requests += 1
        unreachable = f"cannot reach the token server {parts.netloc} of registry {self.host}"
        if credentials is not None and credentials.identity_token:
            form = {"grant_type": "refresh_token", "refresh_token": credentials.secret, "client_id": "migrator",
                    **params}
            response = self._send("POST", realm, unreachable, data=form)
        else:
            auth = httpx.BasicAuth(credentials.username, credentials.secret) if credentials else None
            response = self._send("GET", realm, unreachable, params=params, auth=auth)
        if response.status_code in (401, 403):
            who = "the credentials from the docker configuration" if credentials else "anonymous access"
            raise RegistryAuthError(f"registry {self.host}: the token server {parts.netloc} refused {who} "
                                    f"for {repository} (HTTP {response.status_code})")
        if response.status_code != 200:
            raise RegistryError(f"registry {self.host}: the token server {parts.netloc} answered "
                                f"HTTP {response.status_code} for {repository}")
        try:
            body = response.json()
            token = body.get("token") or body.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise RegistryError(f"registry {self.host}: the token server {parts.netloc} answered without a token")
        self._secrets.append(token)
        self._tokens[key] = token
        return token

    def _login(self) -> Credentials | None:
        if not self._credentials_read:
            self._credentials_read = True
            from migrator.registry.credentials import load_docker_config

            config = self._docker_config if self._docker_config is not None else load_docker_config()
            self._credentials = self._credential_lookup(self.host, config)
            if self._credentials is not None:
                self._secrets.append(self._credentials.secret)
        return self._credentials

    def _refused(self, repository: str, response: httpx.Response) -> RegistryAuthError:
        if self._credentials is not None:
            return RegistryAuthError(f"registry {self.host} refused the docker credentials for {repository} "
                                     f"(HTTP {response.status_code}): check `docker login {self.host}`")
        return RegistryAuthError(f"registry {self.host} refused anonymous access to {repository} "
                                 f"(HTTP {response.status_code}): run `docker login {self.host}`")

    def _expect_ok(self, response: httpx.Response, what: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 403:
            raise RegistryAuthError(f"registry {self.host} denied access to {what} (HTTP 403)")
        raise RegistryError(self._clean(f"registry {self.host}: {what}: HTTP {status}{_detail(response)}"))

    def _verified_digest(self, response: httpx.Response, what: str, expected: str | None = None) -> str:
        header = response.headers.get("docker-content-digest")
        claimed = header or expected
        algorithm = (claimed or "sha256:").split(":", 1)[0]
        try:
            computed = f"{algorithm}:{hashlib.new(algorithm, response.content).hexdigest()}"
        except ValueError:
            raise RegistryError(f"registry {self.host}: {what}: unknown digest algorithm {algorithm!r}") from None
        for name, value in (("Docker-Content-Digest", header), ("the requested digest", expected)):
            if value and value != computed:
                raise RegistryError(f"registry {self.host}: {what}: the body's digest {computed} differs from "
                                    f"{name} {value}")
        return computed

    def _clean(self, text: str) -> str:
        return redact(" ".join(text.split()), self._secrets)


def _reason(exc: httpx.TransportError, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g}s"
    text = str(exc) or type(exc).__name__
    if "]" in text and text.startswith("[Errno"):
        text = text.split("]", 1)[1].strip()
    return text[:200].lower() if text else type(exc).__name__


def _detail(response: httpx.Response) -> str:
    """The distribution API's error code, e.g. `: MANIFEST_UNKNOWN`."""
    try:
        errors = response.json().get("errors") or []
        codes = [str(e.get("code")) for e in errors if isinstance(e, dict) and e.get("code")]
    except (ValueError, AttributeError):
        return ""
    return f": {', '.join(codes)}" if codes else ""


def _next_link(header: str | None) -> str | None:
    """The path of `Link: </v2/x/tags/list?last=y&n=1000>; rel="next"` (same registry only)."""
    if not header or 'rel="next"' not in header.replace("'", '"'):
        return None
    start, end = header.find("<"), header.find(">")
    if start < 0 or end < start:
        return None
    target = urlsplit(header[start + 1 : end])  # an absolute link: only its path, on this registry
    return target.path + (f"?{target.query}" if target.query else "")
