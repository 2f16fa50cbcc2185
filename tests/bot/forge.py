"""The fake forge: a real HTTP server on 127.0.0.1 that speaks the GitHub / GitLab REST subset the bot uses.

A module of its own name, imported by the tests (`from forge import TOKEN, Fault, Forge`): tests/bot,
tests/hook and tests/validate each have a conftest.py, and `from conftest import ...` gets whichever
of them pytest imported first.

It checks the auth header (401 otherwise), pages with Link headers, and injects faults: a status
for the next N matching requests, optionally AFTER performing the action (a comment created, then
a 502), or a delay longer than the client's timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "ghs_S3cr3tT0kenValue_0123456789abcdef"


@dataclass
class Fault:
    method: str
    path: str  # regex searched in the path
    status: int = 502
    times: int = 1
    act_first: bool = False  # perform the request, then answer with the fault
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # sleep before answering (a timeout for the client)


class Forge:
    """State of the fake GitHub / GitLab."""

    def __init__(self, kind: str = "github", token: str = TOKEN, prefix: str = "") -> None:
        self.kind = kind
        self.token = token
        self.prefix = prefix  # "/api/v3" for a GitHub Enterprise layout
        self.comments: dict[int, dict[str, Any]] = {}
        self.files: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.review_comments: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.read_only = False
        self.requests: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self.next_id = 1000
        self.base = ""
        # GitHub: what GET /user answers (None: 403, as for a workflow's GITHUB_TOKEN, whose comments are by
        # github-actions[bot]); GitLab: the token's bot user
        self.login: str | None = None if kind == "github" else "project_bot"
        # GitHub: what GraphQL's `viewer { login }` answers (for an installation token, the app's bot; None:
        # no GraphQL endpoint, as on a proxy)
        self.viewer: str | None = "github-actions[bot]"

    # --- test helpers ---------------------------------------------------------------------------
    def add_comment(self, body: str, user: str = "someone") -> int:
        self.next_id += 1
        now = time.time()
        self.comments[self.next_id] = {"id": self.next_id, "body": body, "user": {"login": user},
                                       "created": now, "updated": now, "edits": 0}
        return self.next_id

    def bot_comments(self, marker: str = "<!-- migrator:report -->") -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["body"].startswith(marker)]

    def count(self, method: str, pattern: str = "") -> int:
        """Requests of `method` whose path matches; GraphQL's viewer query (a read, sent as a POST) counts
        only when asked for by its path."""
        return sum(1 for m, p, _ in self.requests if m == method and re.search(pattern, p)
                   and (pattern or not p.endswith("/graphql")))

    # --- request handling -------------------------------------------------------------------------
    def authorized(self, headers: Any) -> bool:
        if self.kind == "github":
            return headers.get("Authorization") == f"Bearer {self.token}"
        return headers.get("PRIVATE-TOKEN") == self.token

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes
               ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if not self.authorized(headers):
            return 401, {}, {"message": "Bad credentials"}
        if self.kind == "github" and method == "POST" and path == self.prefix.removesuffix("/v3") + "/graphql":
            if not self.viewer:
                return 404, {}, {"message": "Not Found"}
            return 200, {}, {"data": {"viewer": {"login": self.login or self.viewer}}}
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return 404, {}, {"message": "Not Found"}
            path = path[len(self.prefix):]
        fault = None
        with self.lock:
            for f in self.faults:
                if f.times > 0 and f.method == method and re.search(f.path, path):
                    f.times -= 1
                    fault = f
                    break
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and not fault.act_first and fault.status:
            return fault.status, fault.headers, {"message": f"injected {fault.status}"}
        data = json.loads(body) if body else None
        status, extra, payload = self.route(method, path, query, data)
        if fault is not None and fault.status:
            return fault.status, fault.headers, {"message": f"injected {fault.status} after acting"}
        return status, extra, payload

    def page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            headers["Link"] = (f'<{self.base}{self.prefix}{path}?per_page={per_page}&page={page + 1}>; '
                               f'rel="next", <{self.base}{self.prefix}{path}?page=1>; rel="first"')
        return 200, headers, chunk

    def write_denied(self) -> tuple[int, dict[str, str], Any]:
        return 403, {}, {"message": "Resource not accessible by integration"}

    def route(self, method: str, path: str, query: dict[str, str], data: Any
              ) -> tuple[int, dict[str, str], Any]:
        if method != "GET" and self.read_only:
            return self.write_denied()
        if self.kind == "github":
            return self.route_github(method, path, query, data)
        return self.route_gitlab(method, path, query, data)

    def _comment_json(self, c: dict[str, Any]) -> dict[str, Any]:
        return {"id": c["id"], "body": c["body"], "user": c["user"]}

    def route_github(self, method: str, path: str, query: dict[str, str], data: Any
                     ) -> tuple[int, dict[str, str], Any]:
        if path == "/user" and method == "GET":
            return (200, {}, {"login": self.login}) if self.login else (
                403, {}, {"message": "Resource not accessible by integration"})
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/pulls/(\d+)/files", path):
            return self.page(path, query, self.files) if method == "GET" else (405, {}, {})
        if m := re.fullmatch(r"/repos/[^/]+/[^/]+/issues/(\d+)/comments", path):
            with self.lock:
                if method == "GET":
                    items = [self._comment_json(c) for c in self.comments.values()]
                    return self.page(path, query, items)
                if method == "POST":
                    cid = self.add_comment(data["body"], user=self.login or "github-actions[bot]")
                    return 201, {}, self._comment_json(self.comments[cid])
        if m := re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)", path):
            cid = int(m.group(1))
            with self.lock:
                if cid not in self.comments:
                    return 404, {}, {"message": "Not Found"}
                if method == "PATCH":
                    c = self.comments[cid]
                    c["body"] = data["body"]
                    c["updated"] = time.time()
                    c["edits"] += 1
                    return 200, {}, self._comment_json(c)
                if method == "DELETE":
                    del self.comments[cid]
                    return 204, {}, None
        if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls/(\d+)/comments", path) and method == "GET":
            return self.page(path, query, self.review_comments)
        if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls/(\d+)/reviews", path) and method == "POST":
            if len(data.get("comments", [])) > 30:
                return 422, {}, {"message": "too many comments"}
            self.next_id += 1
            self.reviews.append({"id": self.next_id, **data})
            for c in data.get("comments", []):
                self.review_comments.append({**c, "id": len(self.review_comments) + 1})
            return 200, {}, {"id": self.next_id}
        return 404, {}, {"message": "Not Found"}

    def route_gitlab(self, method: str, path: str, query: dict[str, str], data: Any
                     ) -> tuple[int, dict[str, str], Any]:
        if path == "/api/v4/user" and method == "GET":
            return (200, {}, {"username": self.login}) if self.login else (401, {}, {"message": "401 Unauthorized"})
        if re.fullmatch(r"/api/v4/projects/[^/]+/merge_requests/\d+/diffs", path) and method == "GET":
            return self.page(path, query, self.files)
        if re.fullmatch(r"/api/v4/projects/[^/]+/merge_requests/\d+/notes", path):
            with self.lock:
                if method == "GET":
                    items = [{"id": c["id"], "body": c["body"], "system": c.get("system", False),
                              "author": {"username": c["user"]["login"]}} for c in self.comments.values()]
                    return self.page(path, query, items)
                if method == "POST":
                    cid = self.add_comment(data["body"], user=self.login or "project_bot")
                    return 201, {}, {"id": cid, "body": data["body"]}
        if m := re.fullmatch(r"/api/v4/projects/[^/]+/merge_requests/\d+/notes/(\d+)", path):
            cid = int(m.group(1))
            with self.lock:
                if cid not in self.comments:
                    return 404, {}, {"message": "404 Not found"}
                if method == "PUT":
                    self.comments[cid]["body"] = data["body"]
                    self.comments[cid]["edits"] += 1
                    return 200, {}, {"id": cid, "body": data["body"]}
                if method == "DELETE":
                    del self.comments[cid]
                    return 204, {}, None
        return 404, {}, {"message": "404 Not found"}


def handler(forge: Forge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = forge.handle(self.command, self.path, self.headers, body)
            forge.requests.append((self.command, urlsplit(self.path).path, status))
            out = b"" if payload is None else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(out)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
