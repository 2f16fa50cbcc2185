"""A small httpx wrapper for the GitHub and GitLab REST APIs.

- timeouts on every request; retries with exponential backoff on 5xx and network errors for
  idempotent requests (GET, PUT, PATCH, DELETE). A POST is never retried here: the caller must look
  again before posting again (see ``sticky``), because a 502 may come after the server acted.
- 429, and 403 that carries rate-limit headers, are waited out as told by ``Retry-After`` or
  ``x-ratelimit-reset`` (the request was not processed, so even a POST may be repeated), up to
  ``max_wait`` seconds per wait; a longer wait is an error instead of a hung job.
- pagination through ``Link: <...>; rel="next"``, refusing links to another origin (the token
  must not travel to another host).
- the token goes only into the auth header; every message and exception text is scrubbed of it.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})
# GitHub lists at most 3,000 files of a pull request (30 pages); an answer that always links to one more
# page (a broken proxy) would otherwise spend the token's hourly allowance in seconds
MAX_PAGES = 100
_LINK_RE = re.compile(r'<([^>]*)>\s*;\s*([^,]*)')
_REL_RE = re.compile(r'rel\s*=\s*"?([^";]*)"?')


class ApiError(Exception):
    """An API call failed. ``status`` is the HTTP status, or None for a network error."""

    def __init__(self, message: str, status: int | None = None, *, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient  # the request may or may not have reached the server

    @property
    def forbidden(self) -> bool:
        return self.status == 403


class Scrubber:
    """Removes secrets from text before it is printed, logged or raised: the whole secret, and any part of
    it from its first PARTIAL characters on (a server's message cut short, a line cut by the width of
    a log), so that no prefix long enough to narrow the secret down is shown."""

    PARTIAL = 6

    def __init__(self, *secrets: str) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
            if len(secret) >= 2 * self.PARTIAL:
                text = self._cut_prefixes(text, secret)
        return text

    def _cut_prefixes(self, text: str, secret: str) -> str:
        head = secret[: self.PARTIAL]
        parts: list[str] = []
        position = 0
        while (start := text.find(head, position)) >= 0:
            end = start + len(head)
            while end < len(text) and end - start < len(secret) and text[end] == secret[end - start]:
                end += 1
            parts += [text[position:start], "***"]
            position = end
        return "".join(parts) + text[position:] if parts else text


def parse_next_link(header: str | None) -> str | None:
    if not header:
        return None
    for url, params in _LINK_RE.findall(header):
        for rel in _REL_RE.findall(params):
            if "next" in rel.split():
                return url
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class Client:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        auth_header: str = "Authorization",
        auth_scheme: str | None = "Bearer",
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        user_agent: str = "migrator-bot",
        extra_headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.scrub = Scrubber(token)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self._log = log
        headers = {"User-Agent": user_agent, **(extra_headers or {})}
        if token:
            headers[auth_header] = f"{auth_scheme} {token}" if auth_scheme else token
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
        )
        self.requests = 0  # how many HTTP requests were sent (for logs and tests)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def log(self, message: str) -> None:
        if self._log is not None:
            self._log(self.scrub(message))

    # --- requests -------------------------------------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            if _origin(path_or_url) != _origin(self.base_url):
                raise ApiError(f"refusing to follow a link to another host: {urlsplit(path_or_url).netloc}")
            return path_or_url
        return path_or_url.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send a request; return the response for 2xx (or a status in ``ok``), else raise ApiError."""
        method = method.upper()
        url = self._url(path)
        attempt = 0
        while True:
            attempt += 1
            where = f"{method} {self._display(url)}"
            try:
                self.requests += 1
                response = self._http.request(method, url, json=json, params=params)
            except httpx.TransportError as exc:
                kind = type(exc).__name__
                if method in IDEMPOTENT and attempt <= self.max_retries:
                    delay = self._backoff(attempt)
                    self.log(f"{where}: {kind}; retrying in {delay:.1f}s")
                    self.sleep(delay)
                    continue
                raise ApiError(self.scrub(f"{where}: {kind}: {exc}"), None, transient=True) from None
            status = response.status_code
            if 200 <= status < 300 or status in ok:
                return response
            wait = self._rate_limit_wait(response)
            if wait is not None:
                if attempt > self.max_retries:
                    raise ApiError(self.scrub(f"{where}: still rate limited after {attempt} tries"), status)
                if wait > self.max_wait:
                    raise ApiError(
                        self.scrub(f"{where}: rate limited; the API asks to wait {wait:.0f}s "
                                   f"(more than the {self.max_wait:.0f}s allowed)"),
                        status,
                    )
                self.log(f"{where}: rate limited ({status}); waiting {wait:.1f}s")
                self.sleep(wait)
                continue
            if status >= 500:
                if method in IDEMPOTENT and attempt <= self.max_retries:
                    delay = self._backoff(attempt)
                    self.log(f"{where}: HTTP {status}; retrying in {delay:.1f}s")
                    self.sleep(delay)
                    continue
                raise ApiError(self.scrub(f"{where}: HTTP {status}{self._detail(response)}"), status,
                               transient=True)
            raise ApiError(self.scrub(f"{where}: HTTP {status}{self._detail(response)}"), status)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.json_of(self.request("GET", path, params=params))

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.json_of(self.request(method, path, **kwargs))

    def json_of(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise unexpected(f"{response.request.method} {self._display(str(response.request.url))}",
                             "not JSON") from None

    def paginate(self, path: str, params: dict[str, Any] | None = None, *, key: str | None = None
                 ) -> Iterator[Any]:
        """Yield the items of every page, following ``Link: rel="next"``."""
        next_url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        seen: set[str] = set()
        while next_url:
            where = f"GET {self._display(self._url(path))}"
            if len(seen) >= MAX_PAGES:
                raise ApiError(f"{where}: more than {MAX_PAGES} pages; stopped")
            response = self.request("GET", next_url, params=query)
            data = self.json_of(response)
            items = data.get(key, []) if key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise unexpected(where, "not a list")
            for item in items:
                if not isinstance(item, dict):
                    raise unexpected(where, f"an item is {type(item).__name__}, not an object")
                yield item
            next_url = parse_next_link(response.headers.get("link"))
            query = None  # the next link carries the query
            if next_url is not None:
                if next_url in seen:
                    raise ApiError(f"pagination loop at {self._display(next_url)}")
                seen.add(next_url)

    # --- helpers --------------------------------------------------------------------------------

    def _display(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return "/" + url

    def _backoff(self, attempt: int) -> float:
        return float(min(self.backoff * (2 ** (attempt - 1)), self.max_wait))

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before repeating a rate-limited request, or None when it is not one."""
        status = response.status_code
        if status not in (403, 429):
            return None
        headers = response.headers
        retry_after = headers.get("retry-after")
        if retry_after:
            seconds = _parse_retry_after(retry_after)
            if seconds is not None:
                return max(seconds, 0.0)
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
            try:
                reset = float(headers["x-ratelimit-reset"])
            except ValueError:
                reset = None
            if reset is not None and math.isfinite(reset):
                # GitHub sends epoch seconds; GitLab's RateLimit-Reset is also an epoch
                return max(reset - time.time(), 0.0) + 1.0
        if status == 429:
            return self._backoff(1)
        text = response.text[:2000].lower()
        if "rate limit" in text:  # GitHub's secondary limits: 403 with only a message
            return max(self._backoff(1), 1.0)
        return None

    def _detail(self, response: httpx.Response) -> str:
        """The server's message, scrubbed BEFORE it is cut short (a cut token is no longer found)."""
        try:
            data = response.json()
        except ValueError:
            text = response.text.strip()
            return f": {self.scrub(text.splitlines()[0])[:200]}" if text else ""
        if isinstance(data, dict):
            message = data.get("message") or data.get("error") or ""
            errors = data.get("errors")
            if errors:
                message = f"{message} {errors}"
            return f": {self.scrub(str(message))[:300]}" if message else ""
        return ""


def unexpected(where: str, what: str) -> ApiError:
    """An answer of a shape the API does not give (a proxy's error page, a changed API): one line."""
    return ApiError(f"{where}: unexpected answer ({what})")


def field(data: Any, name: str, kind: type, where: str) -> Any:
    """`data[name]`, which must be a `kind` (an id: a positive int; digits in a string are taken)."""
    value = data.get(name) if isinstance(data, dict) else None
    if kind is int and isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, kind) or (isinstance(value, int) and value <= 0):
        raise unexpected(where, f"{name!r} is {_shown(value)}, not {'an id' if kind is int else 'a string'}")
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None  # "nan", "inf": not a wait we can do
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()
